"""Bronze frames for the gate tests: small, valid, with the lineage columns landing adds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pytest

INGESTED_AT = dt.datetime(2024, 6, 5, 12, 0, tzinfo=dt.UTC)


def with_lineage(
    columns: dict[str, list | pl.Series], contributor: str, delivery: str
) -> pl.DataFrame:
    rows = len(next(iter(columns.values())))
    raw_key = f"s3://raw/{contributor}/{delivery}/file"
    return pl.DataFrame(
        {
            **columns,
            "_raw_key": [raw_key] * rows,
            "_raw_sha256": ["0" * 64] * rows,
            "_delivery": [delivery] * rows,
            "_contributor": [contributor] * rows,
            "_row_number": list(range(1, rows + 1)),
            "_ingested_at": [INGESTED_AT] * rows,
        },
        schema_overrides={
            **{name: pl.String for name, values in columns.items() if isinstance(values, list)},
            "_row_number": pl.Int64,
            "_ingested_at": pl.Datetime("us", "UTC"),
        },
    )


def dates(*values: str | None) -> pl.Series:
    return pl.Series([date.fromisoformat(v) if v else None for v in values], dtype=pl.Date)


def screenings() -> pl.DataFrame:
    """A CSV contributor: codes as text, dates declared `types: date`."""
    return with_lineage(
        {
            "screening_id": ["DFPS-1", "DFPS-2", "DFPS-3", "DFPS-4"],
            "agency_id": ["TX-CW-201", "TX-JJ-113", "DC-RS-001", None],
            "agency_type": ["child_welfare", "juvenile_justice", "rhy_shelter", None],
            "state": ["TX", "TX", "DC", "PR"],
            "county_fips": ["48201", "48113", "11001", None],
            "screened_on": dates("2024-05-01", "2024-05-02", "2024-05-31", "2024-02-29"),
            "youth_first_name": ["Ana", "Ben", "Cy", "Di"],
            "youth_last_name": ["Diaz", "Egan", "Fox", "Gil"],
            "youth_dob": dates("2008-01-02", "2009-12-31", None, "2010-06-15"),
            "youth_sex": ["F", "M", "X", None],
            "youth_race": ["white", "black", None, "asian"],
            **{f"item_{n:02d}": ["yes", "no", "no", None] for n in range(1, 7)},
            "concern_level": ["clear_concern", "possible", "no_concern", None],
        },
        contributor="tx_dfps",
        delivery="tx_dfps__2024-05",
    )


def screenings_from_spss() -> pl.DataFrame:
    """A statistical-package contributor: codes and FIPS codes as numbers, no state."""
    return with_lineage(
        {
            "screening_id": ["DJJ24-000001", "DJJ24-000002"],
            "agency_name": ["Leon County Juvenile Probation", "Duval County Juvenile Probation"],
            "county_fips": pl.Series([12073, 12031], dtype=pl.Int64),
            "screened_on": dates("2024-01-03", "2024-02-14"),
            "youth_first_name": ["Eli", "Fay"],
            "youth_last_name": ["Hart", "Ito"],
            "youth_dob": dates("2009-03-01", None),
            "youth_sex": pl.Series([1, 2], dtype=pl.Int64),
            "youth_race": pl.Series([2, 9], dtype=pl.Int64),
            **{f"item_{n:02d}": pl.Series([0, 1], dtype=pl.Int64) for n in range(1, 7)},
            "concern_level": pl.Series([0, 2], dtype=pl.Int64),
        },
        contributor="fl_djj",
        delivery="fl_djj__2024-H1",
    )


def screenings_with_one_name_field() -> pl.DataFrame:
    """A workbook contributor: one "Last, First" field, a score and a flag instead of items."""
    return with_lineage(
        {
            "screening_id": ["4101", "4102"],
            "agency_name": ["Slidell Youth Emergency Shelter", "Metairie Youth Emergency Shelter"],
            "county_name": ["St. Tammany", "Jefferson"],
            "screened_on": dates("2024-04-04", "2024-04-05"),
            "youth_full_name": ["Carter, Jacob", "Murphy, Sam"],
            "youth_dob": dates("2009-02-01", "2009-05-31"),
            "youth_sex": ["M", None],
            "youth_race": ["Black", "White"],
            "screening_score": pl.Series([1, 5], dtype=pl.Int64),
            "concern_flag": [None, "Y"],
        },
        contributor="la_rhy_coalition",
        delivery="la_rhy_coalition__2024-Q2",
    )


def hotline() -> pl.DataFrame:
    return with_lineage(
        {
            "state": ["TX", "CA", "NY"],
            "year": ["2023", "2023", "2023"],
            "signals": ["1204", "1580", "0"],
            "cases": ["512", "998", None],
            "potential_victims": ["1100", "2210", "3"],
            "sex_trafficking_cases": ["380", "760", "0"],
            "labor_trafficking_cases": ["61", "95", "0"],
        },
        contributor="nhth",
        delivery="nhth__2023",
    )


def hotline_web_pages() -> pl.DataFrame:
    """The statistics pages: state names, thousands separators even in years, no breakdown."""
    return with_lineage(
        {
            "state": ["Texas", "California"],
            "year": ["2,018", "2,018"],
            "signals": ["6,630", "4,487"],
            "cases": ["1,174", "799"],
            "potential_victims": ["2,101", "1,431"],
        },
        contributor="nhth_web",
        delivery="nhth_web__2018-2020",
    )


def prosecutions() -> pl.DataFrame:
    """Case records with names: dates, flags and sentences declared in `types:`."""
    return with_lineage(
        {
            "case_number": ["4:21-cr-00012", "4:21-cr-00012", "1:22-cr-00301"],
            "district": ["S.D. Tex.", "S.D. Tex.", "D.D.C."],
            "state": ["TX", "TX", "DC"],
            "filing_date": dates("2021-03-04", "2021-03-04", "2022-07-19"),
            "disposition_date": dates("2022-01-10", "2021-03-04", None),
            "statute": ["18 USC 1591", "18 USC 1589", "18 USC 1591"],
            "trafficking_type": ["sex", "labor", "both"],
            "minor_victims": pl.Series([True, False, False]),
            "defendant_name": ["Doe, J.", "Roe, R.", "Poe, P."],
            "defendant_sex": ["M", "F", "M"],
            "sentence_months": pl.Series([120, 37, None], dtype=pl.Int64),
        },
        contributor="usao",
        delivery="usao__2021",
    )


def prosecutions_de_identified() -> pl.DataFrame:
    """A de-identified statistical file: a defendant number instead of a case number, codes."""
    return with_lineage(
        {
            "defendant_id": pl.Series([2022000001, 2022000002], dtype=pl.Int64),
            "district": ["FLM", "TXS"],
            "filing_date": dates("2021-10-02", "2021-11-30"),
            "disposition_date": dates("2022-03-21", None),
            "statute": ["18:1591", "18:1589"],
            "trafficking_type": pl.Series([1, 2], dtype=pl.Int64),
            "minor_victims": pl.Series([1, 0], dtype=pl.Int64),
            "defendant_sex": pl.Series([2, 1], dtype=pl.Int64),
            "sentence_months": pl.Series([388, None], dtype=pl.Int64),
        },
        contributor="bjs_fjsp",
        delivery="bjs_fjsp__fy2022",
    )


def prosecutions_from_state_courts() -> pl.DataFrame:
    """State court cases, all pending: cause numbers, the offense named, sentences in years."""
    return with_lineage(
        {
            "case_number": ["2023-CR-106361", "2023-CR-106398"],
            "county_name": ["Fort Bend", "Webb"],
            "filing_date": dates("2023-01-03", "2023-01-03"),
            "disposition_date": dates(None, None),
            "statute": ["PC 20A.02", "PC 43.05"],
            "offense_description": ["Trafficking of Persons", "Compelling Prostitution"],
            "defendant_first_name": ["Eli", "Noah"],
            "defendant_last_name": ["Garcia", "Ellis"],
            "defendant_dob": dates("1967-09-01", "1989-04-25"),
            "defendant_sex": ["M", "M"],
            "sentence_years": pl.Series([None, None], dtype=pl.Float64),
        },
        contributor="tx_oca",
        delivery="tx_oca__2023",
    )


VALID_FRAMES: dict[str, Callable[[], pl.DataFrame]] = {
    "screenings": screenings,
    "hotline": hotline,
    "prosecutions": prosecutions,
}

# Every layout of a data set, as its contributors land it.
CONTRIBUTOR_FRAMES: dict[str, list[Callable[[], pl.DataFrame]]] = {
    "screenings": [screenings, screenings_from_spss, screenings_with_one_name_field],
    "hotline": [hotline, hotline_web_pages],
    "prosecutions": [prosecutions, prosecutions_de_identified, prosecutions_from_state_courts],
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test asking for `source` and `layout` runs once per contributor layout."""
    if {"source", "layout"} <= set(metafunc.fixturenames):
        metafunc.parametrize(
            ("source", "layout"),
            [
                pytest.param(source, layout, id=layout.__name__)
                for source, layouts in CONTRIBUTOR_FRAMES.items()
                for layout in layouts
            ],
        )


@pytest.fixture
def contributor_frames() -> Callable[[str], list[pl.DataFrame]]:
    """Every contributor layout of the named source."""
    return lambda source: [layout() for layout in CONTRIBUTOR_FRAMES[source]]


@pytest.fixture
def valid_frame() -> Callable[[str], pl.DataFrame]:
    """A valid bronze frame of the named source."""
    return lambda source: VALID_FRAMES[source]()


@pytest.fixture
def parquet_view(tmp_path: Path) -> Callable[..., list[str]]:
    """setup_sql showing frames, each written to its own Parquet object as landing writes a
    delivery, as the view `bronze` over all of them."""

    def setup_sql(*frames: pl.DataFrame) -> list[str]:
        paths = []
        for number, frame in enumerate(frames):
            path = tmp_path / f"bronze-{number}.parquet"
            frame.write_parquet(path)
            paths.append(f"'{path}'")
        return [
            "CREATE OR REPLACE VIEW bronze AS SELECT * FROM "
            f"read_parquet([{', '.join(paths)}], union_by_name = true)"
        ]

    return setup_sql
