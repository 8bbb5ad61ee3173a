"""Rules every bronze source shares: lineage columns, code lists, row rules across layouts.

A data set's contributors land under one set of column names, but each keeps its own codes
and types (a sex code is "F" from one and 2 from a statistical file), and a column one
contributor sends may be absent from another's delivery. So a gate checks a column's values
only where they mean the same for every contributor: dates and counts declared with `types:`,
identifiers. Codes are checked after mapping, by the dbt tests on staging and silver.
"""

from __future__ import annotations

import csv
from typing import Annotated

import great_expectations as gx
import pandera.polars as pa
import polars as pl
from great_expectations.expectations import Expectation
from pandera.api.polars.types import PolarsData

from expectations.gx_row_rules import ExpectNoViolatingRows
from orchestration.platform.lake_layout import LINEAGE_COLUMNS, REQUIRED_LINEAGE
from orchestration.platform.settings import REPO_ROOT


def _state_codes() -> tuple[str, ...]:
    """The USPS codes of the seed us_states.csv (50 states, DC and Puerto Rico)."""
    with (REPO_ROOT / "taxonomy_seeds" / "us_states.csv").open(newline="") as seed:
        return tuple(row["state_abbr"] for row in csv.DictReader(seed))


STATE_CODES = _state_codes()


def lineage_expectations(source_columns: tuple[str, ...]) -> list[Expectation]:
    """Every column all contributors land and every lineage column is present, and each row
    says where it came from."""
    return [
        gx.expectations.ExpectTableColumnsToMatchSet(
            column_set=[*source_columns, *LINEAGE_COLUMNS], exact_match=False
        ),
        *(
            gx.expectations.ExpectColumnValuesToNotBeNull(column=column)
            for column in REQUIRED_LINEAGE
        ),
    ]


def identified_rule(identifier_pattern: str, what: str) -> ExpectNoViolatingRows:
    """No row without an identifier, whichever of the identifier columns a contributor sends.

    `identifier_pattern` is a regular expression naming the identifier columns; DuckDB's
    COLUMNS() joins `IS NULL` over the ones present with AND.
    """
    return ExpectNoViolatingRows(
        unexpected_rows_query=(
            "SELECT _raw_key, _row_number FROM {batch} "
            f"WHERE COLUMNS('{identifier_pattern}') IS NULL"
        ),
        description=what,
    )


def is_identified(data: PolarsData, identifiers: tuple[str, ...]) -> pl.LazyFrame:
    """pandera twin of `identified_rule`: at least one identifier column holds a value."""
    present = [name for name in identifiers if name in data.lazyframe.collect_schema()]
    return data.lazyframe.select(
        pl.any_horizontal([pl.col(name).is_not_null() for name in present])
        if present
        else pl.lit(False)
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
