"""The gold analytic marts, and every gold table as it may leave the hub.

dbt builds the unsuppressed counts (intermediate.<model>, never exported) and this module
writes gold.<mart> (the cells, suppressed ones null) and gold.<mart>_totals (every margin, the
ones that could reveal a suppressed value null) with the one suppression function that also
guards what leaves. Complementary suppression needs an iterated fixed point and a linear audit,
which SQL with a fixed number of passes could not guarantee, hence Python.

`release` is the one way out of gold, for extracts and the lake's gold/ alike: each count of a
mart declared in orchestration/trust/marts.yml is suppressed, and each count declared as a sum
of a cross-tabulation's cells leaves only where the cross-tabulation publishes that total, so
figures that leave together are audited together. The warehouse keeps the exact values.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from orchestration.platform import lake_layout
from orchestration.trust.governance import Mart
from orchestration.trust.suppression import (
    SuppressedTable,
    small_counts,
    suppress,
    suppressed_flag,
    withhold_sums,
)


class ReleaseError(RuntimeError):
    """A table to release is not in the warehouse; nothing of it left."""


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


def release(
    connection: duckdb.DuckDBPyConnection,
    marts: Iterable[Mart],
    declared: Mapping[str, Mart],
    threshold: int,
) -> dict[str, pl.DataFrame]:
    """The tables of `marts` as they may leave the hub: gold.<mart>, and gold.<mart>_totals of
    a cross-tabulation, each count protected, by table name.

    `declared` holds every mart of marts.yml: the cross-tabulations that a declared sum refers
    to are read from gold even when they do not leave with these tables, so a figure is
    published or withheld alike in every package. Raises ReleaseError if a table is missing.
    """
    tables: dict[str, pl.DataFrame] = {}
    for mart in marts:
        frame = _read_gold(connection, mart.name)
        if mart.suppressed_from:
            # Applied again to the suppressed mart: a no-op unless gold was altered, and the
            # same code guards every release whatever wrote the mart.
            tables[mart.name] = suppress(
                frame,
                mart.counts[0],
                dimensions=mart.dimensions,
                partition_by=mart.partition_by,
                threshold=threshold,
            ).cells
            tables[mart.totals_name] = _read_gold(connection, mart.totals_name)
            continue
        for count in mart.counts:
            frame = suppress(frame, count, threshold=threshold).cells
        for declared_sum in mart.sums_of:
            cross_tab = declared[declared_sum.mart]
            frame = withhold_sums(
                frame,
                declared_sum.count,
                cells=_read_gold(connection, cross_tab.name),
                totals=_read_gold(connection, cross_tab.totals_name),
                cross_count=cross_tab.counts[0],
                dimensions=cross_tab.dimensions,
                by=declared_sum.by,
                where=dict(declared_sum.where),
            )
        tables[mart.name] = frame
    return tables


def suppressed_values(tables: Mapping[str, pl.DataFrame]) -> dict[str, int]:
    """How many values of each protected count are null, as `<table>.<count>`."""
    return {
        f"{name}.{count}": int(frame[suppressed_flag(count)].sum())
        for name, frame in sorted(tables.items())
        for count in frame.columns
        if suppressed_flag(count) in frame.columns
    }


def small_values(tables: Mapping[str, pl.DataFrame], threshold: int) -> dict[str, dict[str, int]]:
    """Protected counts below the threshold in released tables (should be none)."""
    found = {}
    for name, frame in sorted(tables.items()):
        counts = [c for c in frame.columns if suppressed_flag(c) in frame.columns]
        if small := small_counts(frame, counts, threshold):
            found[name] = small
    return found


def export_to_lake(fs: Any, lake_bucket: str, tables: Mapping[str, pl.DataFrame]) -> list[str]:
    """Write each released table to lake/gold/<table>.parquet and remove any other table
    there, so the lake's gold/ holds exactly what was released. Returns the URIs written."""
    written = []
    for name, frame in sorted(tables.items()):
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        key = f"{lake_bucket}/{lake_layout.gold_export_key(name)}"
        fs.pipe_file(key, buffer.getvalue())
        written.append(f"s3://{key}")
    current = {f"{lake_bucket}/{lake_layout.gold_export_key(name)}" for name in tables}
    for stale in sorted(
        set(fs.glob(f"{lake_bucket}/{lake_layout.gold_export_key('*')}")) - current
    ):
        fs.rm_file(stale)
    return written


def _read_gold(connection: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    try:
        return connection.execute(f'select * from gold."{table}"').pl()
    except duckdb.CatalogException as error:
        raise ReleaseError(
            f"gold.{table} is not in the warehouse; run `hub materialize` to build it ({error})"
        ) from error
