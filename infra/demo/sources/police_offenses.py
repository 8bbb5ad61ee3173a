"""Police offense and arrest counts for trafficking and prostitution NIBRS codes, by agency.

State UCR programmes each send their agencies' yearly counts: Texas as tab-separated long
rows, Louisiana as a wide CSV (one row per agency-year), Georgia as a semicolon-separated
Excel export, Florida from its data lake as ORC. Agencies are identified by ORI.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from infra.demo.defects import unquote_line
from infra.demo.estate import Estate
from infra.demo.manifest import Defect
from infra.demo.places import counties, county_label
from infra.demo.sampling import counts

SOURCE = "police_offenses"

# NIBRS code: (description, offenses per 100,000 residents a year, share cleared by arrest)
NIBRS = {
    "64A": ("Human Trafficking, Commercial Sex Acts", 1.1, 0.40),
    "64B": ("Human Trafficking, Involuntary Servitude", 0.25, 0.20),
    "40A": ("Prostitution", 12.0, 0.95),
    "40B": ("Assisting or Promoting Prostitution", 2.5, 0.80),
    "40C": ("Purchasing Prostitution", 4.0, 1.0),
}


def agencies(state: str, rng: np.random.Generator) -> pl.DataFrame:
    """The sheriff and the principal city's police of each county, with ORIs.

    ORIs number counties alphabetically, which is (FIPS county code + 1) / 2.
    """
    places = counties(state)
    county_number = (
        ((places["county_fips"].str.slice(2).cast(pl.Int64) + 1) // 2).cast(pl.String).str.zfill(3)
    )
    sheriff = places.select(
        ori=pl.lit(state) + county_number + "0000",
        agency_name=pl.format("{} {} Sheriff's Office", "county_name", pl.lit(county_label(state))),
        county_fips="county_fips",
        county_name="county_name",
        population_served=pl.col("population_thousands") * 300,
    )
    unit = pl.Series(rng.integers(1, 30, places.height)).cast(pl.String).str.zfill(2)
    police = places.select(
        ori=pl.lit(state) + county_number + unit + "00",
        agency_name=pl.format("{} Police Department", "city"),
        county_fips="county_fips",
        county_name="county_name",
        population_served=pl.col("population_thousands") * 700,
    )
    return pl.concat([sheriff, police]).sort("ori")


def agency_counts(
    rng: np.random.Generator, roster: pl.DataFrame, years: range, boost: float = 1.0
) -> pl.DataFrame:
    """Long table: agency x year x NIBRS code with offense and arrest counts."""
    frames = []
    population = roster["population_served"].to_numpy()
    for year in years:
        for code, (_, rate, cleared) in NIBRS.items():
            offenses = counts(rng, population / 100_000 * rate * boost, dispersion=0.3)
            frames.append(
                roster.with_columns(
                    year=pl.lit(year, dtype=pl.Int64),
                    nibrs_code=pl.lit(code),
                    offenses=pl.Series(offenses),
                    arrests=pl.Series(rng.binomial(offenses, cleared)),
                )
            )
    return pl.concat(frames).sort("ori", "year", "nibrs_code")


def _texas(estate: Estate) -> None:
    rng = estate.rng(SOURCE, "tx_dps")
    table = agency_counts(rng, agencies("TX", rng), range(2019, 2024), boost=1.1)
    estate.deliver(
        source=SOURCE,
        contributor="tx_dps",
        label="2019-2023",
        file_name="nibrs_trafficking_vice.tsv",
        format="tsv",
        frames=[
            table.select(
                "ori",
                "agency_name",
                "county_fips",
                data_year="year",
                nibrs_code="nibrs_code",
                offense_count="offenses",
                arrest_count="arrests",
            )
        ],
        delivered_on=dt.date(2024, 8, 1),
        read_options={"delimiter": "\t"},
    )


def _louisiana(estate: Estate) -> None:
    rng = estate.rng(SOURCE, "la_lcle")
    roster = agencies("LA", rng).with_columns(
        # One sheriff's office is registered under a name with a comma in it.
        agency_name=pl.when(pl.col("agency_name") == "Caddo Parish Sheriff's Office")
        .then(pl.lit("Sheriff's Office, Caddo Parish"))
        .otherwise("agency_name")
    )
    table = agency_counts(rng, roster, range(2021, 2024))
    wide = table.pivot(
        on="nibrs_code",
        index=["ori", "agency_name", "county_name", "year"],
        values=["offenses", "arrests"],
    ).sort("ori", "year")
    wide = wide.select(
        pl.col("ori").alias("ORI"),
        pl.col("agency_name").alias("Agency"),
        pl.col("county_name").alias("Parish"),
        pl.col("year").alias("Year"),
        *[
            pl.col(f"{measure}_{code}").alias(f"{label}_{code}")
            for code in NIBRS
            for measure, label in (("offenses", "Off"), ("arrests", "Arr"))
        ],
    )
    # The export tool failed to quote the comma in one row, which now has one field too many.
    broken = wide.with_row_index().filter(pl.col("Agency").str.contains(","))["index"][0]
    line = int(broken) + 2
    delivery = estate.deliver(
        source=SOURCE,
        contributor="la_lcle",
        label="2021-2023",
        file_name="ht_vice_offenses.csv",
        format="csv",
        frames=[wide],
        delivered_on=dt.date(2024, 7, 10),
        read_options={"delimiter": ","},
        defect=Defect(
            kind="ragged_row",
            detail=(
                f"line {line} has {wide.width + 1} fields, expected {wide.width}: "
                "an unquoted comma in the agency name"
            ),
            lines=(line,),
        ),
    )
    unquote_line(estate.path_of(delivery), line)


def _georgia(estate: Estate) -> None:
    rng = estate.rng(SOURCE, "ga_gbi")
    table = agency_counts(rng, agencies("GA", rng), range(2022, 2024))
    not_reported = pl.Series(rng.random(table.height) < 0.04)
    estate.deliver(
        source=SOURCE,
        contributor="ga_gbi",
        label="2022-2023",
        file_name="Trafficking_Vice_Offenses.csv",
        format="csv",
        frames=[
            table.select(
                pl.col("ori").alias("ORI"),
                pl.col("agency_name").alias("Agency Name"),
                pl.col("county_name").alias("County"),
                pl.col("year").alias("Year"),
                pl.col("nibrs_code")
                .replace_strict({code: name for code, (name, *_) in NIBRS.items()})
                .alias("Offense"),
                pl.col("offenses").alias("Offenses"),
                pl.when(not_reported)
                .then(pl.lit("-"))
                .otherwise(pl.col("arrests").cast(pl.String))
                .alias("Arrests"),
            )
        ],
        delivered_on=dt.date(2024, 5, 6),
        write_options={"separator": ";", "bom": True, "line_terminator": "\r\n"},
        read_options={"delimiter": ";", "encoding": "utf-8-sig", "missing_values": ["-"]},
    )


def _florida(estate: Estate) -> None:
    rng = estate.rng(SOURCE, "fl_fdle")
    table = agency_counts(rng, agencies("FL", rng), range(2020, 2024), boost=0.9)
    juvenile = rng.binomial(table["arrests"].to_numpy(), 0.06)
    estate.deliver(
        source=SOURCE,
        contributor="fl_fdle",
        label="2020-2023",
        file_name="ht_vice_arrests.orc",
        format="orc",
        frames=[
            table.select(
                "ori",
                agency="agency_name",
                county_name=pl.col("county_name").str.to_uppercase(),
                year=pl.col("year").cast(pl.Int32),
                ucr_offense_code="nibrs_code",
                offenses=pl.col("offenses").cast(pl.Int32),
                arrests_adult=(pl.col("arrests") - pl.Series(juvenile)).cast(pl.Int32),
                arrests_juvenile=pl.Series(juvenile).cast(pl.Int32),
            )
        ],
        delivered_on=dt.date(2024, 6, 28),
    )


def generate(estate: Estate) -> None:
    _texas(estate)
    _louisiana(estate)
    _georgia(estate)
    _florida(estate)
