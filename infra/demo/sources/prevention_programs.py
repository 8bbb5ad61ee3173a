"""Prevention: trainings and school sessions delivered, and who attended, by county.

All of it addresses the supply side (youth, parents, professionals who meet victims); the
demo deliberately holds nothing on demand-side prevention such as buyer deterrence, so that
taxonomy cell stays empty and the gap analysis has something to find.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from infra.demo.defects import truncate_in_line
from infra.demo.estate import Estate
from infra.demo.manifest import Defect
from infra.demo.places import counties
from infra.demo.sampling import as_dates, random_dates, weighted_rows

SOURCE = "prevention_programs"

# program type: (share, audiences, typical attendance)
PROGRAMS = {
    "school_session": (0.45, ("students",), 60),
    "professional_training": (
        0.30,
        ("educators", "child_welfare_staff", "law_enforcement", "healthcare", "hospitality"),
        25,
    ),
    "community_awareness": (0.15, ("general_public",), 40),
    "parent_workshop": (0.10, ("parents",), 15),
}
CURRICULA = {
    "school_session": "Healthy relationships and recognising exploitation",
    "professional_training": "Identifying and responding to trafficking",
    "community_awareness": "Trafficking awareness",
    "parent_workshop": "Online safety for families",
}


def sessions(
    rng: np.random.Generator, size: int, places: pl.DataFrame, period: tuple[dt.date, dt.date]
) -> pl.DataFrame:
    here = weighted_rows(rng, places, "population_thousands", size)
    kinds = list(PROGRAMS)
    kind = np.asarray(kinds, dtype=object)[
        rng.choice(len(kinds), size, p=[PROGRAMS[k][0] for k in kinds])
    ]
    audience = [PROGRAMS[k][1][rng.integers(0, len(PROGRAMS[k][1]))] for k in kind]
    attendees = rng.poisson([PROGRAMS[k][2] for k in kind]) + 3
    return (
        here.select("state", "county_fips", "county_name")
        .with_columns(
            session_date=as_dates(random_dates(rng, size, *period)),
            program_type=pl.Series(kind, dtype=pl.String),
            audience=pl.Series(audience, dtype=pl.String),
            curriculum=pl.Series([CURRICULA[k] for k in kind], dtype=pl.String),
            attendees=pl.Series(attendees),
            delivery_mode=pl.Series(
                np.where(rng.random(size) < 0.8, "in_person", "virtual"), dtype=pl.String
            ),
        )
        .sort("session_date")
    )


def _texas(estate: Estate) -> None:
    rng = estate.rng(SOURCE, "tx_hhsc")
    # Only some counties have a funded prevention provider.
    places = counties("TX").filter(pl.col("population_thousands") > 300)
    table = sessions(rng, estate.rows(200), places, (dt.date(2023, 9, 1), dt.date(2024, 8, 31)))
    frame = table.select(
        session_id=pl.format(
            "HHSC-PV-{}", (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(5)
        ),
        session_date=pl.col("session_date").dt.strftime("%Y-%m-%d"),
        county_fips="county_fips",
        county_name="county_name",
        program_type="program_type",
        audience="audience",
        curriculum="curriculum",
        delivery_mode="delivery_mode",
        attendees="attendees",
    )
    # The upload was cut off part-way through a record about 60% into the file.
    cut_line = max(2, int(frame.height * 0.6)) + 1
    delivery = estate.deliver(
        source=SOURCE,
        contributor="tx_hhsc",
        label="fy2024",
        file_name="prevention_sessions.csv",
        format="csv",
        frames=[frame],
        delivered_on=dt.date(2024, 9, 16),
        read_options={"delimiter": ",", "date_formats": {"session_date": "%Y-%m-%d"}},
        defect=Defect(
            kind="truncated",
            detail=f"file ends in the middle of line {cut_line}; later records are missing",
            lines=(cut_line,),
        ),
    )
    truncate_in_line(estate.path_of(delivery), cut_line)
    delivery.rows = cut_line - 2


def _florida(estate: Estate) -> None:
    rng = estate.rng(SOURCE, "fl_doe")
    districts = counties("FL").filter(pl.col("county_fips") != "12051")
    bands = pl.DataFrame({"grade_band": ["06-08", "09-12"], "share": [0.45, 0.55]})
    table = districts.join(bands, how="cross").sort("county_fips", "grade_band")
    students = table["population_thousands"].to_numpy() * 1000 * 0.11 * table["share"].to_numpy()
    reached = rng.binomial(students.astype(np.int64), rng.uniform(0.05, 0.6, table.height))
    unreported = pl.Series(rng.random(table.height) < 0.15)
    estate.deliver(
        source=SOURCE,
        contributor="fl_doe",
        label="2023-24",
        file_name="school_prevention_sessions.txt",
        format="csv",
        frames=[
            table.select(
                DISTRICT_NAME=pl.col("county_name").str.to_uppercase(),
                COUNTY_FIPS="county_fips",
                SCHOOL_YEAR=pl.lit("2023-24"),
                GRADE_BAND="grade_band",
                SESSIONS=pl.Series(np.maximum(1, reached // 55)),
                STUDENTS_REACHED=pl.Series(reached),
                STAFF_TRAINED=pl.when(unreported)
                .then(None)
                .otherwise(pl.Series(rng.integers(5, 400, table.height))),
            )
        ],
        delivered_on=dt.date(2024, 8, 9),
        write_options={"separator": "|", "null_value": "NULL"},
        read_options={"delimiter": "|", "missing_values": ["NULL"]},
    )


def _louisiana(estate: Estate) -> None:
    rng = estate.rng(SOURCE, "la_ag")
    table = sessions(
        rng, estate.rows(40), counties("LA"), (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    )
    professional = table.filter(pl.col("program_type") != "parent_workshop")
    estate.deliver(
        source=SOURCE,
        contributor="la_ag",
        label="2023",
        file_name="trainings.json",
        format="json",
        frames=[
            professional.select(
                training_id=pl.format("LAAG-{}", (pl.int_range(pl.len()) + 301).cast(pl.String)),
                date=pl.col("session_date").dt.strftime("%Y-%m-%d"),
                parish="county_name",
                audience="audience",
                topic="curriculum",
                format="delivery_mode",
                attendees="attendees",
            )
        ],
        delivered_on=dt.date(2024, 1, 19),
    )


def generate(estate: Estate) -> None:
    _texas(estate)
    _florida(estate)
    _louisiana(estate)
