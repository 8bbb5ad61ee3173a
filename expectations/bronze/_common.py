"""Rules every bronze source shares: lineage columns, code lists, formats."""

from __future__ import annotations

from typing import Annotated

import great_expectations as gx
import pandera.polars as pa
import polars as pl
from great_expectations.expectations import Expectation
from pandera.api.polars.types import PolarsData

from expectations.gx_row_rules import ExpectNoViolatingRows

LINEAGE_COLUMNS = (
    "_raw_key",
    "_raw_sha256",
    "_delivery",
    "_contributor",
    "_row_number",
    "_ingested_at",
)

# 50 states, the District of Columbia and Puerto Rico, as USPS codes.
STATE_CODES = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY", "DC", "PR",
)  # fmt: skip

# Anchored at both ends: every engine that runs these (DuckDB, polars) then agrees.
ISO_DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
NON_NEGATIVE_INTEGER_PATTERN = r"^\d+$"


def lineage_expectations(source_columns: tuple[str, ...]) -> list[Expectation]:
    """Every source column and lineage column is present, and each row says where it came from."""
    return [
        gx.expectations.ExpectTableColumnsToMatchSet(
            column_set=[*source_columns, *LINEAGE_COLUMNS], exact_match=False
        ),
        *(
            gx.expectations.ExpectColumnValuesToNotBeNull(column=column)
            for column in ("_raw_key", "_raw_sha256", "_delivery", "_contributor", "_row_number")
        ),
    ]


def calendar_date_rule(column: str) -> ExpectNoViolatingRows:
    """Dates in the right format that no calendar has (2024-02-30, 2011-02-29)."""
    # GX fills `{batch}` with str.format, so the pattern's own braces are doubled.
    pattern = ISO_DATE_PATTERN.replace("{", "{{").replace("}", "}}")
    return ExpectNoViolatingRows(
        unexpected_rows_query=(
            f"SELECT _raw_key, _row_number, {column} FROM {{batch}} "
            f"WHERE regexp_full_match({column}, '{pattern}') "
            f"AND TRY_CAST({column} AS DATE) IS NULL"
        ),
        description=f"{column} is a date the calendar has",
    )


def is_calendar_date(data: PolarsData) -> pl.LazyFrame:
    """pandera twin of `calendar_date_rule`: a wrongly formatted date is the regex's finding."""
    value = pl.col(data.key)
    return data.lazyframe.select(
        value.is_null()
        | ~value.str.contains(ISO_DATE_PATTERN)
        | value.str.to_date("%Y-%m-%d", strict=False).is_not_null()
    )


class BronzeLineage(pa.DataFrameModel):
    """The lineage columns landing adds to every bronze row."""

    raw_key: str = pa.Field(alias="_raw_key")
    raw_sha256: str = pa.Field(alias="_raw_sha256")
    delivery: str = pa.Field(alias="_delivery")
    contributor: str = pa.Field(alias="_contributor")
    row_number: pl.Int64 = pa.Field(alias="_row_number", ge=1)
    ingested_at: Annotated[pl.Datetime, "us", "UTC"] = pa.Field(alias="_ingested_at")

    class Config:
        # Extra columns from a contributor are tolerated; the source model lists the required.
        strict = False
