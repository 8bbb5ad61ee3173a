"""Geography the synthetic deliveries are drawn on.

Real FIPS codes, names, approximate 2020 populations and approximate centroids. Coverage is
deliberately uneven: Texas, Louisiana and Florida are dense (the hub's pilot states), a few
other states appear where a real data set would reach them, and most states appear only in
national tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class State:
    abbr: str
    fips: str
    name: str
    population_millions: float


STATES: tuple[State, ...] = tuple(
    State(abbr, fips, name, population)
    for abbr, fips, name, population in [
        ("AL", "01", "Alabama", 5.02),
        ("AK", "02", "Alaska", 0.73),
        ("AZ", "04", "Arizona", 7.15),
        ("AR", "05", "Arkansas", 3.01),
        ("CA", "06", "California", 39.5),
        ("CO", "08", "Colorado", 5.77),
        ("CT", "09", "Connecticut", 3.61),
        ("DE", "10", "Delaware", 0.99),
        ("DC", "11", "District of Columbia", 0.69),
        ("FL", "12", "Florida", 21.5),
        ("GA", "13", "Georgia", 10.7),
        ("HI", "15", "Hawaii", 1.46),
        ("ID", "16", "Idaho", 1.84),
        ("IL", "17", "Illinois", 12.8),
        ("IN", "18", "Indiana", 6.79),
        ("IA", "19", "Iowa", 3.19),
        ("KS", "20", "Kansas", 2.94),
        ("KY", "21", "Kentucky", 4.51),
        ("LA", "22", "Louisiana", 4.66),
        ("ME", "23", "Maine", 1.36),
        ("MD", "24", "Maryland", 6.18),
        ("MA", "25", "Massachusetts", 7.03),
        ("MI", "26", "Michigan", 10.1),
        ("MN", "27", "Minnesota", 5.71),
        ("MS", "28", "Mississippi", 2.96),
        ("MO", "29", "Missouri", 6.15),
        ("MT", "30", "Montana", 1.08),
        ("NE", "31", "Nebraska", 1.96),
        ("NV", "32", "Nevada", 3.10),
        ("NH", "33", "New Hampshire", 1.38),
        ("NJ", "34", "New Jersey", 9.29),
        ("NM", "35", "New Mexico", 2.12),
        ("NY", "36", "New York", 20.2),
        ("NC", "37", "North Carolina", 10.4),
        ("ND", "38", "North Dakota", 0.78),
        ("OH", "39", "Ohio", 11.8),
        ("OK", "40", "Oklahoma", 3.96),
        ("OR", "41", "Oregon", 4.24),
        ("PA", "42", "Pennsylvania", 13.0),
        ("RI", "44", "Rhode Island", 1.10),
        ("SC", "45", "South Carolina", 5.12),
        ("SD", "46", "South Dakota", 0.89),
        ("TN", "47", "Tennessee", 6.91),
        ("TX", "48", "Texas", 29.1),
        ("UT", "49", "Utah", 3.27),
        ("VT", "50", "Vermont", 0.64),
        ("VA", "51", "Virginia", 8.63),
        ("WA", "53", "Washington", 7.71),
        ("WV", "54", "West Virginia", 1.79),
        ("WI", "55", "Wisconsin", 5.89),
        ("WY", "56", "Wyoming", 0.58),
    ]
)

STATE_BY_ABBR = {state.abbr: state for state in STATES}

PILOT_STATES = ("TX", "LA", "FL")

# fips, county, state, population (thousands), lon, lat, principal city
_COUNTIES = [
    ("48201", "Harris", "TX", 4731, -95.39, 29.86, "Houston"),
    ("48113", "Dallas", "TX", 2613, -96.78, 32.77, "Dallas"),
    ("48439", "Tarrant", "TX", 2110, -97.29, 32.77, "Fort Worth"),
    ("48029", "Bexar", "TX", 2009, -98.52, 29.45, "San Antonio"),
    ("48453", "Travis", "TX", 1290, -97.78, 30.33, "Austin"),
    ("48085", "Collin", "TX", 1065, -96.58, 33.19, "Plano"),
    ("48121", "Denton", "TX", 907, -97.12, 33.21, "Denton"),
    ("48215", "Hidalgo", "TX", 870, -98.18, 26.40, "McAllen"),
    ("48141", "El Paso", "TX", 865, -106.24, 31.77, "El Paso"),
    ("48157", "Fort Bend", "TX", 822, -95.77, 29.53, "Sugar Land"),
    ("48339", "Montgomery", "TX", 620, -95.50, 30.30, "Conroe"),
    ("48491", "Williamson", "TX", 610, -97.60, 30.65, "Round Rock"),
    ("48061", "Cameron", "TX", 421, -97.48, 26.10, "Brownsville"),
    ("48355", "Nueces", "TX", 353, -97.62, 27.74, "Corpus Christi"),
    ("48167", "Galveston", "TX", 350, -94.98, 29.39, "Galveston"),
    ("48303", "Lubbock", "TX", 310, -101.82, 33.61, "Lubbock"),
    ("48479", "Webb", "TX", 267, -99.33, 27.76, "Laredo"),
    ("48309", "McLennan", "TX", 261, -97.20, 31.55, "Waco"),
    ("48245", "Jefferson", "TX", 256, -94.15, 29.85, "Beaumont"),
    ("48041", "Brazos", "TX", 233, -96.30, 30.66, "Bryan"),
    ("48423", "Smith", "TX", 233, -95.27, 32.38, "Tyler"),
    ("48375", "Potter", "TX", 118, -101.89, 35.40, "Amarillo"),
    ("22071", "Orleans", "LA", 384, -89.93, 30.07, "New Orleans"),
    ("22051", "Jefferson", "LA", 440, -90.11, 29.73, "Metairie"),
    ("22033", "East Baton Rouge", "LA", 456, -91.10, 30.54, "Baton Rouge"),
    ("22017", "Caddo", "LA", 237, -93.88, 32.58, "Shreveport"),
    ("22055", "Lafayette", "LA", 241, -92.06, 30.21, "Lafayette"),
    ("22019", "Calcasieu", "LA", 216, -93.36, 30.23, "Lake Charles"),
    ("22103", "St. Tammany", "LA", 264, -89.86, 30.41, "Slidell"),
    ("22073", "Ouachita", "LA", 160, -92.16, 32.48, "Monroe"),
    ("22079", "Rapides", "LA", 130, -92.53, 31.20, "Alexandria"),
    ("22109", "Terrebonne", "LA", 109, -90.84, 29.34, "Houma"),
    ("22015", "Bossier", "LA", 128, -93.61, 32.68, "Bossier City"),
    ("22063", "Livingston", "LA", 142, -90.73, 30.44, "Denham Springs"),
    ("22105", "Tangipahoa", "LA", 133, -90.41, 30.63, "Hammond"),
    ("12086", "Miami-Dade", "FL", 2701, -80.50, 25.61, "Miami"),
    ("12011", "Broward", "FL", 1944, -80.45, 26.15, "Fort Lauderdale"),
    ("12099", "Palm Beach", "FL", 1492, -80.45, 26.65, "West Palm Beach"),
    ("12057", "Hillsborough", "FL", 1459, -82.35, 27.91, "Tampa"),
    ("12095", "Orange", "FL", 1429, -81.32, 28.51, "Orlando"),
    ("12031", "Duval", "FL", 995, -81.65, 30.33, "Jacksonville"),
    ("12103", "Pinellas", "FL", 959, -82.74, 27.90, "St. Petersburg"),
    ("12071", "Lee", "FL", 760, -81.83, 26.58, "Fort Myers"),
    ("12105", "Polk", "FL", 725, -81.70, 27.95, "Lakeland"),
    ("12009", "Brevard", "FL", 606, -80.70, 28.26, "Melbourne"),
    ("12101", "Pasco", "FL", 561, -82.44, 28.31, "New Port Richey"),
    ("12127", "Volusia", "FL", 553, -81.18, 29.06, "Daytona Beach"),
    ("12117", "Seminole", "FL", 470, -81.24, 28.71, "Sanford"),
    ("12115", "Sarasota", "FL", 434, -82.37, 27.18, "Sarasota"),
    ("12081", "Manatee", "FL", 399, -82.35, 27.48, "Bradenton"),
    ("12097", "Osceola", "FL", 388, -81.15, 28.06, "Kissimmee"),
    ("12021", "Collier", "FL", 375, -81.40, 26.11, "Naples"),
    ("12083", "Marion", "FL", 375, -82.06, 29.21, "Ocala"),
    ("12033", "Escambia", "FL", 321, -87.34, 30.61, "Pensacola"),
    ("12073", "Leon", "FL", 292, -84.28, 30.46, "Tallahassee"),
    ("12001", "Alachua", "FL", 278, -82.36, 29.67, "Gainesville"),
    ("12051", "Hendry", "FL", 40, -81.17, 26.55, "Clewiston"),
    ("13121", "Fulton", "GA", 1066, -84.47, 33.79, "Atlanta"),
    ("13135", "Gwinnett", "GA", 957, -84.02, 33.96, "Lawrenceville"),
    ("13067", "Cobb", "GA", 766, -84.58, 33.94, "Marietta"),
    ("13089", "DeKalb", "GA", 764, -84.23, 33.77, "Decatur"),
    ("13051", "Chatham", "GA", 295, -81.13, 32.00, "Savannah"),
    ("13021", "Bibb", "GA", 157, -83.70, 32.81, "Macon"),
    ("06029", "Kern", "CA", 909, -118.73, 35.34, "Bakersfield"),
    ("06107", "Tulare", "CA", 473, -118.80, 36.22, "Visalia"),
    ("53077", "Yakima", "WA", 256, -120.74, 46.46, "Yakima"),
    ("37163", "Sampson", "NC", 59, -78.37, 34.99, "Clinton"),
    ("37191", "Wayne", "NC", 117, -78.00, 35.36, "Goldsboro"),
    ("32003", "Clark", "NV", 2265, -115.01, 36.21, "Las Vegas"),
]

COUNTIES = pl.DataFrame(
    _COUNTIES,
    schema={
        "county_fips": pl.String,
        "county_name": pl.String,
        "state": pl.String,
        "population_thousands": pl.Int64,
        "lon": pl.Float64,
        "lat": pl.Float64,
        "city": pl.String,
    },
    orient="row",
)


def counties(*states: str) -> pl.DataFrame:
    """Counties of the given states (all known counties when none are given)."""
    if not states:
        return COUNTIES
    return COUNTIES.filter(pl.col("state").is_in(states))


def county_label(state: str) -> str:
    """What a state calls its counties."""
    return "Parish" if state == "LA" else "County"


# Federal judicial districts: citation form -> (state, court code, divisions in case numbers).
DISTRICTS: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "S.D. Tex.": ("TX", "TXS", (1, 2, 4, 5, 7)),
    "N.D. Tex.": ("TX", "TXN", (3, 4, 5)),
    "W.D. Tex.": ("TX", "TXW", (1, 3, 5, 6)),
    "E.D. Tex.": ("TX", "TXE", (1, 4, 6)),
    "E.D. La.": ("LA", "LAE", (2,)),
    "M.D. La.": ("LA", "LAM", (3,)),
    "W.D. La.": ("LA", "LAW", (2, 5, 6)),
    "S.D. Fla.": ("FL", "FLS", (0, 1, 9)),
    "M.D. Fla.": ("FL", "FLM", (3, 6, 8)),
    "N.D. Fla.": ("FL", "FLN", (1, 3, 4)),
    "N.D. Ga.": ("GA", "GAN", (1,)),
    "D. Nev.": ("NV", "NV", (2,)),
    "C.D. Cal.": ("CA", "CAC", (2, 5, 8)),
    "E.D.N.Y.": ("NY", "NYE", (1,)),
    "N.D. Ill.": ("IL", "ILN", (1,)),
    "D. Minn.": ("MN", "MN", (0,)),
    "E.D. Va.": ("VA", "VAE", (1,)),
    "W.D. Wash.": ("WA", "WAW", (2,)),
    "D. Ariz.": ("AZ", "AZ", (2,)),
    "S.D. Ohio": ("OH", "OHS", (2,)),
}

AREA_CODES = {
    "TX": ("713", "832", "281", "214", "469", "817", "210", "512", "956", "915"),
    "LA": ("504", "225", "337", "318", "985"),
    "FL": ("305", "786", "954", "561", "813", "407", "904", "727"),
    "GA": ("404", "678", "770"),
}
