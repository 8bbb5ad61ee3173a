"""Youth screenings: six yes/no items of a validated screening tool and a concern level.

Agencies screen youth in child welfare, juvenile justice and runaway-and-homeless-youth
shelters; a clear concern is rarest in child welfare and commonest in shelters. Each
contributor sends its own layout: Texas DFPS the fixed CSV the pipeline was built on,
Louisiana OCS a spreadsheet log, Florida DJJ an SPSS file, and so on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial

import numpy as np
import polars as pl

from infra.demo.estate import CHUNK_ROWS, Estate, chunk_sizes
from infra.demo.manifest import Defect
from infra.demo.people import RACE_CODES, fake_people
from infra.demo.places import counties, county_label
from infra.demo.sampling import as_dates, month_range, random_dates, weighted_rows
from infra.demo.writers import XLS_MAX_ROWS

SOURCE = "screenings"
ITEMS = tuple(f"item_{number:02d}" for number in range(1, 7))
CONCERN_LEVELS = ("no_concern", "possible", "clear_concern")

# share with a clear concern, share with a possible concern, share female, age range
PROFILES = {
    "child_welfare": (0.06, 0.09, 0.55, (11, 17)),
    "juvenile_justice": (0.11, 0.12, 0.30, (12, 17)),
    "rhy_shelter": (0.19, 0.15, 0.55, (13, 17)),
}
AGENCY_CODES = {"child_welfare": "CW", "juvenile_justice": "JJ", "rhy_shelter": "RHY"}
PERSON_COLUMNS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "date_of_birth": "date_of_birth",
}


def agency_roster(
    state: str, type_weights: dict[str, float], shelter_min_thousands: int = 0
) -> pl.DataFrame:
    """One agency per (county, agency type); shelters only in counties big enough to have one."""
    places = counties(state)
    frames = []
    for agency_type, weight in type_weights.items():
        here = places
        if agency_type == "rhy_shelter":
            here = places.filter(pl.col("population_thousands") >= shelter_min_thousands)
        label = county_label(state)
        names = {
            "child_welfare": pl.format(
                "{} {} Child Protective Services", "county_name", pl.lit(label)
            ),
            "juvenile_justice": pl.format("{} {} Juvenile Probation", "county_name", pl.lit(label)),
            "rhy_shelter": pl.format("{} Youth Emergency Shelter", "city"),
        }
        frames.append(
            here.select(
                agency_id=pl.format(
                    "{}-{}-{}",
                    pl.lit(state),
                    pl.lit(AGENCY_CODES[agency_type]),
                    pl.col("county_fips").str.slice(2),
                ),
                agency_name=names[agency_type],
                agency_type=pl.lit(agency_type),
                state="state",
                county_fips="county_fips",
                county_name="county_name",
                weight=pl.col("population_thousands") * weight,
            )
        )
    return pl.concat(frames)


def screening_records(
    rng: np.random.Generator, size: int, roster: pl.DataFrame, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """Canonical screening records: agency, day, youth, items (booleans), concern level."""
    rows = weighted_rows(rng, roster, "weight", size).drop("weight")
    types = rows.get_column("agency_type").to_numpy()
    profile = np.array([PROFILES[kind][:3] for kind in types]).reshape(size, 3)
    youngest = np.array([PROFILES[kind][3][0] for kind in types], dtype=np.int64)
    oldest = np.array([PROFILES[kind][3][1] for kind in types], dtype=np.int64)
    draw = rng.random(size)
    level = np.where(draw < profile[:, 0], 2, np.where(draw < profile[:, 0] + profile[:, 1], 1, 0))
    # The tool's rule: 0-1 items endorsed is no concern, 2-3 possible, 4 or more clear.
    endorsed = np.choose(
        level, [rng.integers(0, 2, size), rng.integers(2, 4, size), rng.integers(4, 7, size)]
    )
    ranks = rng.random((size, len(ITEMS))).argsort(axis=1).argsort(axis=1)
    items = ranks < endorsed[:, None]
    screened = random_dates(rng, size, first, last)
    born = np.column_stack(
        [
            screened - np.round((oldest + 1) * 365.25).astype(np.int64) + 1,
            screened - np.round(youngest * 365.25).astype(np.int64),
        ]
    )
    youth = fake_people(
        rng,
        size,
        states=rows.get_column("state").to_numpy(),
        born_between=born,
        female_share=profile[:, 2],
        other_sex_share=0.01,
    )
    order = np.argsort(screened, kind="stable")
    # About one youth in a hundred is screened without a recorded date of birth.
    dob_missing = pl.Series(rng.random(size) < 0.01)
    return pl.concat([rows, youth], how="horizontal").with_columns(
        date_of_birth=pl.when(dob_missing).then(None).otherwise(pl.col("date_of_birth")),
        screened_on=as_dates(screened),
        concern_level=pl.Series(np.asarray(CONCERN_LEVELS, dtype=object)[level], dtype=pl.String),
        **{item: pl.Series(items[:, column]) for column, item in enumerate(ITEMS)},
    )[order]


def _yes_no(column: str, yes: str = "yes", no: str = "no") -> pl.Expr:
    return pl.when(pl.col(column)).then(pl.lit(yes)).otherwise(pl.lit(no))


def _record_ids(prefix: str, start: int, digits: int) -> pl.Expr:
    return pl.concat_str(
        [pl.lit(prefix), (pl.int_range(pl.len()) + start).cast(pl.String).str.zfill(digits)]
    )


def _tx_dfps_layout(
    records: pl.DataFrame,
    start: int,
    rng: np.random.Generator,
    month: str,
    bad_dates: dict[int, str],
) -> pl.DataFrame:
    frame = records.select(
        screening_id=_record_ids(f"DFPS-{month.replace('-', '')}-", start, 7),
        agency_id="agency_id",
        agency_type="agency_type",
        state="state",
        county_fips="county_fips",
        screened_on=pl.col("screened_on").dt.strftime("%Y-%m-%d"),
        youth_first_name="first_name",
        youth_last_name="last_name",
        youth_dob=pl.col("date_of_birth").dt.strftime("%Y-%m-%d"),
        youth_sex="sex",
        youth_race="race",
        **{item: _yes_no(item) for item in ITEMS},
        concern_level="concern_level",
    )
    return _with_bad_dates(frame, bad_dates) if start == 1 and bad_dates else frame


BAD_DATES = ("2024-05-32", "2024-02-30", "31/05/2024", "2024-13-05", "2024/05/07")


def _bad_date_rows(estate: Estate, label: str, first_chunk: int) -> dict[int, str]:
    rng = estate.rng(SOURCE, "tx_dfps", label, "defect")
    rows = rng.choice(first_chunk, size=min(len(BAD_DATES), first_chunk), replace=False)
    return dict(zip(sorted(int(row) for row in rows), BAD_DATES, strict=False))


def _with_bad_dates(frame: pl.DataFrame, bad: dict[int, str]) -> pl.DataFrame:
    """Screening days mistyped into the case system; identifiers stay as they were."""
    row_number = pl.int_range(pl.len())
    return frame.with_columns(
        screened_on=pl.when(row_number.is_in(list(bad)))
        .then(row_number.replace_strict(bad, default=None, return_dtype=pl.String))
        .otherwise(pl.col("screened_on"))
    )


Layout = Callable[[pl.DataFrame, int, np.random.Generator], pl.DataFrame]


def _screening_frames(
    estate: Estate,
    rng: np.random.Generator,
    total: int,
    roster: pl.DataFrame,
    period: tuple[dt.date, dt.date],
    layout: Layout,
) -> Iterator[pl.DataFrame]:
    """Chunks of `total` screenings in a contributor's layout; `layout(records, first_number,
    rng)` renders canonical records the way the contributor's system exports them."""
    start = 1
    for size in chunk_sizes(total):
        records = screening_records(rng, size, roster, *period)
        estate.register_identifiers(records, PERSON_COLUMNS)
        yield layout(records, start, rng)
        start += size


def _tx_dfps(estate: Estate) -> None:
    """Monthly CSV extracts of every screening entered in the state's case system."""
    roster = agency_roster(
        "TX",
        {"child_welfare": 0.6, "juvenile_justice": 0.25, "rhy_shelter": 0.15},
        shelter_min_thousands=600,
    )
    months = ("2024-03", "2024-04", "2024-05", "2024-06")
    if estate.screening_rows is not None:
        per_month = -(-estate.screening_rows // len(months))
    else:
        per_month = estate.rows(120)
    for month in months:
        period = month_range(month)
        defect, bad = None, {}
        if month == "2024-05":
            bad = _bad_date_rows(estate, month, min(per_month, CHUNK_ROWS))
            defect = Defect(
                kind="bad_dates",
                detail="screened_on holds impossible or wrongly formatted dates",
                lines=tuple(row + 2 for row in bad),
            )
        estate.deliver(
            source=SOURCE,
            contributor="tx_dfps",
            label=month,
            file_name="screenings.csv",
            format="csv",
            frames=_screening_frames(
                estate,
                estate.rng(SOURCE, "tx_dfps", month),
                per_month,
                roster,
                period,
                partial(_tx_dfps_layout, month=month, bad_dates=bad),
            ),
            delivered_on=period[1] + dt.timedelta(days=5),
            read_options={
                "delimiter": ",",
                "date_formats": {"screened_on": "%Y-%m-%d", "youth_dob": "%Y-%m-%d"},
            },
            identifier_columns={
                "youth_first_name": "first_name",
                "youth_last_name": "last_name",
                "youth_dob": "date_of_birth",
            },
            defect=defect,
        )


LA_TYPES = {
    "child_welfare": "Child Welfare",
    "juvenile_justice": "Juvenile Justice",
    "rhy_shelter": "Runaway/Homeless Youth",
}
LA_RACES = {
    "white": "White",
    "black": "Black/African American",
    "hispanic": "Hispanic/Latino",
    "asian": "Asian",
    "aian": "American Indian/Alaska Native",
    "nhpi": "Native Hawaiian/Pacific Islander",
    "multi": "Two or More Races",
    "unknown": "N/A",
}
LA_RESULTS = {
    "no_concern": "No Concern",
    "possible": "Possible Concern",
    "clear_concern": "Clear Concern",
}


def _la_ocs_layout(
    records: pl.DataFrame, start: int, rng: np.random.Generator, quarter: str
) -> pl.DataFrame:
    # Screeners leave about one item in fifty unanswered.
    skipped = rng.random((records.height, len(ITEMS))) < 0.02
    return records.select(
        _record_ids(f"OCS-{quarter}-", start, 5).alias("Screening ID"),
        pl.col("agency_name").alias("Agency"),
        pl.col("agency_type").replace_strict(LA_TYPES).alias("Agency Type"),
        pl.col("county_name").alias("Parish"),
        pl.col("screened_on").dt.strftime("%m/%d/%Y").alias("Date of Screening"),
        pl.col("first_name").alias("First Name"),
        pl.col("last_name").alias("Last Name"),
        pl.col("date_of_birth").dt.strftime("%m/%d/%Y").fill_null("N/A").alias("DOB"),
        pl.col("sex").replace_strict({"F": "Female", "M": "Male", "X": "N/A"}).alias("Gender"),
        pl.col("race").replace_strict(LA_RACES).alias("Race/Ethnicity"),
        *[
            pl.when(pl.Series(skipped[:, column]))
            .then(pl.lit("N/A"))
            .otherwise(_yes_no(item, "Y", "N"))
            .alias(f"Q{column + 1}")
            for column, item in enumerate(ITEMS)
        ],
        pl.col("concern_level").replace_strict(LA_RESULTS).alias("Screening Result"),
    )


def _la_ocs(estate: Estate) -> None:
    """Quarterly screening logs kept in a workbook: US dates, 'N/A' for anything missing."""
    roster = agency_roster(
        "LA", {"child_welfare": 0.75, "rhy_shelter": 0.25}, shelter_min_thousands=200
    )
    quarters = {
        "2024-Q1": (dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        "2024-Q2": (dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
    }
    for quarter, period in quarters.items():
        estate.deliver(
            source=SOURCE,
            contributor="la_ocs",
            label=quarter,
            file_name="screening_log.xlsx",
            format="xlsx",
            frames=_screening_frames(
                estate,
                estate.rng(SOURCE, "la_ocs", quarter),
                estate.rows(60),
                roster,
                period,
                partial(_la_ocs_layout, quarter=quarter),
            ),
            delivered_on=period[1] + dt.timedelta(days=15),
            write_options={
                "sheet": "Screenings",
                "title_rows": (
                    "Office of Child Services - Trafficking Screening Log",
                    f"Reporting period: {quarter}",
                ),
            },
            read_options={
                "sheet": "Screenings",
                "header_row": 2,
                "missing_values": ["N/A"],
                "date_formats": {"Date of Screening": "%m/%d/%Y", "DOB": "%m/%d/%Y"},
            },
            identifier_columns={
                "First Name": "first_name",
                "Last Name": "last_name",
                "DOB": "date_of_birth",
            },
        )


FL_DJJ_RACES = dict(zip(RACE_CODES, (1, 2, 3, 4, 5, 6, 7, 9), strict=True))
FL_DJJ_LABELS = {
    "SEX": {1: "Male", 2: "Female", 9: "Unknown"},
    "RACE": {
        1: "White",
        2: "Black",
        3: "Hispanic",
        4: "Asian",
        5: "American Indian/Alaska Native",
        6: "Native Hawaiian/Pacific Islander",
        7: "Multiracial",
        9: "Unknown",
    },
    **{f"ITEM{number}": {0: "No", 1: "Yes", 9: "Not asked"} for number in range(1, 7)},
    "RISK": {0: "No concern", 1: "Possible concern", 2: "Clear concern"},
}


def _fl_djj_layout(records: pl.DataFrame, start: int, rng: np.random.Generator) -> pl.DataFrame:
    not_asked = rng.random((records.height, len(ITEMS))) < 0.03
    return records.select(
        _record_ids("DJJ24-", start, 6).alias("SCRN_ID"),
        pl.col("agency_name").alias("AGENCY"),
        # The FIPS code was stored as a number, as statistical packages do.
        pl.col("county_fips").cast(pl.Int64).alias("CNTYFIPS"),
        pl.col("screened_on").alias("SCRN_DT"),
        pl.col("first_name").alias("FNAME"),
        pl.col("last_name").alias("LNAME"),
        pl.col("date_of_birth").alias("DOB"),
        pl.col("sex").replace_strict({"M": 1, "F": 2, "X": 9}, return_dtype=pl.Int64).alias("SEX"),
        pl.col("race").replace_strict(FL_DJJ_RACES, return_dtype=pl.Int64).alias("RACE"),
        *[
            pl.when(pl.Series(not_asked[:, column]))
            .then(pl.lit(9))
            .otherwise(pl.col(item).cast(pl.Int64))
            .alias(f"ITEM{column + 1}")
            for column, item in enumerate(ITEMS)
        ],
        pl.col("concern_level")
        .replace_strict(dict(zip(CONCERN_LEVELS, range(3), strict=True)), return_dtype=pl.Int64)
        .alias("RISK"),
    )


def _fl_djj(estate: Estate) -> None:
    """A half-year SPSS file from the juvenile justice assessment centres, coded with labels."""
    roster = agency_roster("FL", {"juvenile_justice": 1.0})
    period = (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    estate.deliver(
        source=SOURCE,
        contributor="fl_djj",
        label="2024-H1",
        file_name="screenings.sav",
        format="sav",
        frames=_screening_frames(
            estate, estate.rng(SOURCE, "fl_djj"), estate.rows(150), roster, period, _fl_djj_layout
        ),
        delivered_on=dt.date(2024, 7, 22),
        write_options={
            "file_label": "DJJ human trafficking screening, Jan-Jun 2024",
            "variable_value_labels": FL_DJJ_LABELS,
            "missing_ranges": {f"ITEM{number}": [9] for number in range(1, 7)},
        },
        identifier_columns={"FNAME": "first_name", "LNAME": "last_name", "DOB": "date_of_birth"},
    )


def _fl_rhy_layout(records: pl.DataFrame, start: int, rng: np.random.Generator) -> pl.DataFrame:
    minutes = pl.Series(rng.integers(7 * 60, 23 * 60, records.height) * 60_000_000)
    race = (
        pl.when(pl.col("race") == "multi")
        .then(pl.concat_list([pl.lit("black"), pl.lit("white")]))
        .when(pl.col("race") == "unknown")
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.concat_list([pl.col("race")]))
    )
    return records.select(
        intake_id=_record_ids("FRN-2406-", start, 5),
        shelter="agency_name",
        county="county_name",
        state="state",
        intake_at=(
            pl.col("screened_on").cast(pl.Datetime("us")) + minutes.cast(pl.Duration("us"))
        ).dt.strftime("%Y-%m-%dT%H:%M:%S"),
        youth=pl.struct(
            first=pl.col("first_name"),
            last=pl.col("last_name"),
            dob=pl.col("date_of_birth").dt.strftime("%Y-%m-%d"),
            gender=pl.col("sex").replace_strict({"F": "female", "M": "male", "X": "nonbinary"}),
            race=race,
        ),
        answers=pl.struct(**{f"q{column + 1}": pl.col(item) for column, item in enumerate(ITEMS)}),
        result="concern_level",
    )


def _fl_rhy_network(estate: Estate) -> None:
    """A shelter network's case system: nested JSON lines, gzipped."""
    roster = agency_roster("FL", {"rhy_shelter": 1.0}, shelter_min_thousands=700)
    estate.deliver(
        source=SOURCE,
        contributor="fl_rhy_network",
        label="2024-06",
        file_name="intakes.ndjson.gz",
        format="ndjson",
        compression="gzip",
        frames=_screening_frames(
            estate,
            estate.rng(SOURCE, "fl_rhy_network"),
            estate.rows(80),
            roster,
            month_range("2024-06"),
            _fl_rhy_layout,
        ),
        delivered_on=dt.date(2024, 7, 2),
        identifier_columns={
            "youth.first": "first_name",
            "youth.last": "last_name",
            "youth.dob": "date_of_birth",
        },
    )


TJJD_RACES = {
    "white": "W",
    "black": "B",
    "hispanic": "H",
    "asian": "O",
    "aian": "O",
    "nhpi": "O",
    "multi": "O",
    "unknown": "U",
}


def _tx_jjd_layout(records: pl.DataFrame, start: int, rng: np.random.Generator) -> pl.DataFrame:
    return records.select(
        screening_key=pl.int_range(pl.len(), dtype=pl.Int64) + start + 880_000,
        department="agency_name",
        county_fips="county_fips",
        screening_date="screened_on",
        youth_first="first_name",
        youth_last="last_name",
        birth_date="date_of_birth",
        sex=pl.col("sex").replace_strict({"F": "F", "M": "M", "X": "U"}),
        race_ethnicity=pl.col("race").replace_strict(TJJD_RACES),
        **{f"item_{column + 1}": pl.col(item) for column, item in enumerate(ITEMS)},
        concern=pl.col("concern_level").replace_strict(
            dict(zip(CONCERN_LEVELS, range(3), strict=True)), return_dtype=pl.Int8
        ),
        tool_version=pl.lit("2.1"),
    )


def _tx_jjd(estate: Estate) -> None:
    """A yearly Parquet extract from the juvenile justice data warehouse."""
    roster = agency_roster("TX", {"juvenile_justice": 1.0})
    estate.deliver(
        source=SOURCE,
        contributor="tx_jjd",
        label="2023",
        file_name="screenings.parquet",
        format="parquet",
        frames=_screening_frames(
            estate,
            estate.rng(SOURCE, "tx_jjd"),
            estate.rows(150),
            roster,
            (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
            _tx_jjd_layout,
        ),
        delivered_on=dt.date(2024, 2, 12),
        identifier_columns={
            "youth_first": "first_name",
            "youth_last": "last_name",
            "birth_date": "date_of_birth",
        },
    )


def _la_rhy_layout(records: pl.DataFrame, start: int, rng: np.random.Generator) -> pl.DataFrame:
    return records.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + start + 4100).alias("Intake #"),
        pl.col("agency_name").alias("Shelter"),
        pl.col("county_name").alias("Parish"),
        pl.col("screened_on").alias("Intake Date"),
        pl.format("{}, {}", "last_name", "first_name").alias("Client Name"),
        pl.col("date_of_birth").alias("DOB"),
        pl.col("sex").replace_strict({"F": "F", "M": "M", "X": ""}).alias("Sex"),
        pl.col("race")
        .replace_strict(
            {"white": "White", "black": "Black", "hispanic": "Hispanic", "unknown": ""},
            default="Other",
        )
        .alias("Race"),
        pl.sum_horizontal([pl.col(item).cast(pl.Int64) for item in ITEMS]).alias("Screen Score"),
        pl.when(pl.col("concern_level") == "clear_concern")
        .then(pl.lit("Y"))
        .otherwise(pl.lit(""))
        .alias("Flag"),
    )


def _la_rhy_coalition(estate: Estate) -> None:
    """A small shelter coalition still on Excel 97: a summed score and a flag, no items."""
    roster = agency_roster("LA", {"rhy_shelter": 1.0}, shelter_min_thousands=230)
    rows = estate.rows(40)
    rng = estate.rng(SOURCE, "la_rhy_coalition")
    period = (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    frames = list(
        _screening_frames(estate, rng, min(rows, XLS_MAX_ROWS), roster, period, _la_rhy_layout)
    )
    estate.register_identifiers(pl.concat(frames), {"Client Name": "full_name"})
    estate.deliver(
        source=SOURCE,
        contributor="la_rhy_coalition",
        label="2024-Q2",
        file_name="intake_screens.xls",
        format="xls",
        frames=frames,
        delivered_on=dt.date(2024, 7, 9),
        write_options={"sheet": "Intakes"},
        read_options={"sheet": "Intakes"},
        identifier_columns={"Client Name": "full_name", "DOB": "date_of_birth"},
    )


def generate(estate: Estate) -> None:
    _tx_dfps(estate)
    _la_ocs(estate)
    _fl_djj(estate)
    _fl_rhy_network(estate)
    _tx_jjd(estate)
    _la_rhy_coalition(estate)
