"""The gold analytic marts: counts from intermediate/analytics, suppressed, written to gold.

dbt builds the unsuppressed counts (intermediate.<model>, never exported) and this module
writes gold.<mart> (the cells, suppressed ones null) and gold.<mart>_totals (every margin, the
ones that could reveal a suppressed value null) with the one suppression function that also
guards extracts. Complementary suppression needs an iterated fixed point and a linear audit,
which SQL with a fixed number of passes could not guarantee, hence Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from orchestration.lib import lake_layout
from orchestration.lib.trust.governance import Mart
from orchestration.lib.trust.suppression import SuppressedTable, small_counts, suppress


@dataclass(frozen=True)
class MartOutcome:
    mart: str
    cells: int
    totals: int
    primary: int
    complementary: int
    totals_withheld: int


def suppress_mart(
    connection: duckdb.DuckDBPyConnection, mart: Mart, threshold: int
) -> SuppressedTable:
    counts = connection.execute(
        f'select * from intermediate."{mart.suppressed_from}" order by all'
    ).pl()
    return suppress(
        counts,
        mart.counts[0],
        dimensions=mart.dimensions,
        partition_by=mart.partition_by,
        threshold=threshold,
    )


def write_suppressed_mart(
    connection: duckdb.DuckDBPyConnection, mart: Mart, threshold: int
) -> MartOutcome:
    """Replace gold.<mart> and gold.<mart>_totals with the suppressed counts."""
    result = suppress_mart(connection, mart, threshold)
    connection.execute("create schema if not exists gold")
    for name, frame in ((mart.name, result.cells), (mart.totals_name, result.totals)):
        connection.register("suppressed", frame.to_arrow())
        connection.execute(f'create or replace table gold."{name}" as select * from suppressed')
        connection.unregister("suppressed")
    return MartOutcome(
        mart=mart.name,
        cells=result.cells.height,
        totals=result.totals.height,
        primary=result.primary,
        complementary=result.complementary,
        totals_withheld=result.totals_withheld,
    )


def export_suppressed_mart(
    connection: duckdb.DuckDBPyConnection, mart: Mart, lake_bucket: str
) -> list[str]:
    """Copy the mart and its totals to lake/gold/<table>.parquet, beside the dbt marts."""
    written = []
    for name in (mart.name, mart.totals_name):
        uri = f"s3://{lake_bucket}/{lake_layout.gold_export_key(name)}"
        connection.execute(f"copy gold.\"{name}\" to '{uri}' (format parquet)")
        written.append(uri)
    return written


def small_values_in_gold(
    connection: duckdb.DuckDBPyConnection, mart: Mart, threshold: int
) -> dict[str, dict[str, int]]:
    """Counts below the threshold still in the published mart or its totals (should be none)."""
    found = {}
    for name in (mart.name, mart.totals_name):
        frame: pl.DataFrame = connection.execute(f'select * from gold."{name}"').pl()
        small = small_counts(frame, mart.counts, threshold)
        if small:
            found[name] = small
    return found
