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
    return with_lineage(
        {
            "screening_id": ["DFPS-1", "DFPS-2", "DFPS-3", "DFPS-4"],
            "agency_id": ["TX-CW-201", "TX-JJ-113", "DC-RS-001", None],
            "agency_type": ["child_welfare", "juvenile_justice", "rhy_shelter", None],
            "state": ["TX", "TX", "DC", "PR"],
            "county_fips": ["48201", "48113", "11001", None],
            # declared `types: date` for this contributor, so landing gives real dates
            "screened_on": dates("2024-05-01", "2024-05-02", "2024-05-31", "2024-02-29"),
            "youth_first_name": ["Ana", "Ben", "Cy", None],
            "youth_last_name": ["Diaz", "Egan", "Fox", None],
            "youth_dob": dates("2008-01-02", "2009-12-31", None, "2010-06-15"),
            "youth_sex": ["F", "M", "X", None],
            "youth_race": ["white", "black", None, "asian"],
            **{f"item_{n:02d}": ["yes", "no", "no", None] for n in range(1, 7)},
            "concern_level": ["clear_concern", "possible", "no_concern", None],
        },
        contributor="tx_dfps",
        delivery="2024-05",
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
        delivery="2023",
    )


def prosecutions() -> pl.DataFrame:
    return with_lineage(
        {
            "case_number": ["4:21-cr-00012", "4:21-cr-00012", "1:22-cr-00301"],
            "district": ["S.D. Tex.", "S.D. Tex.", "D.D.C."],
            "state": ["TX", "TX", "DC"],
            "filing_date": ["2021-03-04", "2021-03-04", "2022-07-19"],
            "disposition_date": ["2022-01-10", "2021-03-04", None],
            "statute": ["18 USC 1591", "18 USC 1589", "18 USC 1591"],
            "trafficking_type": ["sex", "labor", "both"],
            "minor_victims": ["True", "false", "False"],
            "defendant_name": ["Doe, J.", "Roe, R.", "Poe, P."],
            "defendant_sex": ["M", "F", "M"],
            "sentence_months": ["120", "37.5", None],
        },
        contributor="usao",
        delivery="2024-q1",
    )


VALID_FRAMES: dict[str, Callable[[], pl.DataFrame]] = {
    "screenings": screenings,
    "hotline": hotline,
    "prosecutions": prosecutions,
}


@pytest.fixture
def valid_frame() -> Callable[[str], pl.DataFrame]:
    """A valid bronze frame of the named source."""
    return lambda source: VALID_FRAMES[source]()


@pytest.fixture
def parquet_view(tmp_path: Path) -> Callable[[pl.DataFrame], list[str]]:
    """setup_sql showing a frame, written to Parquet in a temp dir, as the view `bronze`."""

    def setup_sql(frame: pl.DataFrame) -> list[str]:
        path = tmp_path / "bronze.parquet"
        frame.write_parquet(path)
        return [f"CREATE VIEW bronze AS SELECT * FROM read_parquet('{path}', union_by_name = true)"]

    return setup_sql
