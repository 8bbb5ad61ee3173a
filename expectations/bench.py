"""How much the GX gate costs over the same checks written as one DuckDB query.

Builds an in-memory bronze screenings table of N rows (a few defective), validates it with
the screenings GX suite through `validate_relation`, then runs the same checks as a single
SELECT, and prints both wall times (the fastest of --repeat runs) and their ratio::

    uv run python -m expectations.bench --rows 10000000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import duckdb
import great_expectations as gx
from great_expectations.expectations import Expectation

from expectations.bronze import screenings
from expectations.bronze._common import STATE_CODES
from expectations.gx_duckdb import validate_relation
from expectations.gx_row_rules import ExpectNoViolatingRows

T = TypeVar("T")
RELATION = "screenings"
# One defective value every so many rows, so the gate also gathers unexpected examples.
BAD_CONCERN_EVERY = 10_000
BAD_SCREENED_ON_EVERY = 20_000
IMPOSSIBLE_DOB_EVERY = 50_000


def build_screenings(connection: duckdb.DuckDBPyConnection, rows: int) -> None:
    def pick(values: Sequence[str]) -> str:
        quoted = ", ".join(f"'{value}'" for value in values)
        return f"[{quoted}][1 + i % {len(values)}]"

    items = ",\n".join(
        f"CASE WHEN (i >> {bit}) % 2 = 0 THEN 'yes' ELSE 'no' END AS item_{bit + 1:02d}"
        for bit in range(6)
    )
    connection.execute(
        f"""
        CREATE OR REPLACE TABLE {RELATION} AS
        SELECT
            'DFPS-' || i AS screening_id,
            'TX-' || (i % 500) AS agency_id,
            {pick(screenings.AGENCY_TYPES)} AS agency_type,
            {pick(STATE_CODES)} AS state,
            lpad((1 + i % 99999)::VARCHAR, 5, '0') AS county_fips,
            CASE WHEN i % {BAD_SCREENED_ON_EVERY} = 1 THEN '31/05/2024'
                 ELSE strftime(DATE '2024-01-01' + (i % 366)::INTEGER, '%Y-%m-%d')
            END AS screened_on,
            'first' || (i % 1000) AS youth_first_name,
            'last' || (i % 5000) AS youth_last_name,
            CASE WHEN i % {IMPOSSIBLE_DOB_EVERY} = 2 THEN '2011-02-30'
                 ELSE strftime(DATE '2006-01-01' + (i % 4000)::INTEGER, '%Y-%m-%d')
            END AS youth_dob,
            {pick(screenings.YOUTH_SEXES)} AS youth_sex,
            'race_' || (i % 6) AS youth_race,
            {items},
            CASE WHEN i % {BAD_CONCERN_EVERY} = 3 THEN 'maybe'
                 ELSE {pick(screenings.CONCERN_LEVELS)}
            END AS concern_level,
            's3://raw/screenings/tx_dfps/2024-05/screenings.csv' AS _raw_key,
            repeat('0', 64) AS _raw_sha256,
            '2024-05' AS _delivery,
            'tx_dfps' AS _contributor,
            i + 1 AS _row_number,
            TIMESTAMPTZ '2024-06-05 12:00:00+00' AS _ingested_at
        FROM range({rows}) AS rows(i)
        """
    )


def plain_sql(suite: Sequence[Expectation]) -> str:
    """The suite's checks as one SELECT: one count of offending rows per expectation."""
    return (
        "SELECT\n    " + ",\n    ".join(_violations(item) for item in suite) + f"\nFROM {RELATION}"
    )


def _violations(expectation: Expectation) -> str:
    expect = gx.expectations
    if isinstance(expectation, expect.ExpectColumnValuesToNotBeNull):
        return f"count(*) FILTER (WHERE {expectation.column} IS NULL)"
    if isinstance(expectation, expect.ExpectColumnValuesToBeUnique):
        return f"count({expectation.column}) - count(DISTINCT {expectation.column})"
    if isinstance(expectation, expect.ExpectColumnValuesToBeInSet):
        values = ", ".join(f"'{value}'" for value in expectation.value_set)
        return f"count(*) FILTER (WHERE {expectation.column} NOT IN ({values}))"
    if isinstance(expectation, expect.ExpectColumnValuesToMatchRegex):
        return (
            f"count(*) FILTER (WHERE NOT regexp_matches({expectation.column}, "
            f"'{expectation.regex}'))"
        )
    if isinstance(expectation, ExpectNoViolatingRows):
        query = expectation.unexpected_rows_query.format(batch=RELATION)
        return f"(SELECT count(*) FROM ({query}))"
    if isinstance(expectation, expect.ExpectTableColumnsToMatchSet):
        columns = ", ".join(f"'{column}'" for column in expectation.column_set)
        return (
            f"{len(expectation.column_set)} - (SELECT count(*) FROM information_schema.columns "
            f"WHERE table_name = '{RELATION}' AND column_name IN ({columns}))"
        )
    raise NotImplementedError(f"no plain SQL for {type(expectation).__name__}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each; the fastest is reported"
    )
    options = parser.parse_args(argv)

    connection = duckdb.connect()
    started = time.perf_counter()
    build_screenings(connection, options.rows)
    print(f"built {options.rows:,} bronze screenings in {time.perf_counter() - started:.1f} s")

    suite = screenings.gx_suite()
    query = plain_sql(suite)
    # The first run of each warms DuckDB's and Python's caches and is not counted.
    gate_seconds, gate = _fastest(
        lambda: validate_relation(connection.cursor, RELATION, suite), options.repeat
    )
    sql_seconds, counts = _fastest(lambda: connection.execute(query).fetchone(), options.repeat)

    failed_in_sql = sum(1 for count in counts if count)
    print(f"GX gate: {len(suite)} expectations, {len(gate.failures)} failed, {gate_seconds:.2f} s")
    print(f"plain SQL: the same checks in one query, {failed_in_sql} failed, {sql_seconds:.2f} s")
    print(f"ratio GX / SQL: {gate_seconds / sql_seconds:.1f}x")
    print(gate.describe())


def _fastest(run: Callable[[], T], repeat: int) -> tuple[float, T]:
    result = run()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - started)
    return min(timings), result


if __name__ == "__main__":
    main()
