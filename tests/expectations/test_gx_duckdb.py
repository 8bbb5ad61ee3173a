"""Great Expectations gates pushed down into DuckDB."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import duckdb
import great_expectations as gx
import pytest

from expectations.gx_duckdb import GateSetupError, validate_relation
from expectations.gx_row_rules import ExpectNoViolatingRows

expect = gx.expectations
ROWS = 1_000
BAD_LEVEL_EVERY = 27  # rows 0, 27, 54, ... carry a concern level outside the code list


@pytest.fixture
def screenings_db(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            f"""
            CREATE TABLE screenings AS
            SELECT
                'DFPS-' || i AS screening_id,
                CASE WHEN i % {BAD_LEVEL_EVERY} = 0 THEN 'maybe' ELSE 'possible' END
                    AS concern_level,
                CASE WHEN i % 100 = 5 THEN '05/31/2024' ELSE '2024-05-31' END AS screened_on
            FROM range({ROWS}) AS rows(i)
            """
        )
    return path


def outcome(result, expectation_type: str, column: str | None = None):
    matches = [
        item
        for item in result.outcomes
        if item.expectation_type == expectation_type and (column is None or column in item.columns)
    ]
    assert len(matches) == 1, f"{expectation_type}({column}) in {result.describe()}"
    return matches[0]


def test_stock_gx_gets_no_rows_back_from_duckdb(screenings_db):
    """The failure the engine subclass fixes: GX issue 11579, reproduced without it."""
    context = gx.get_context(mode="ephemeral")
    datasource = context.data_sources.add_sql(
        "stock", connection_string=f"duckdb:///{screenings_db}"
    )
    batch = (
        datasource.add_table_asset("screenings", table_name="screenings")
        .add_batch_definition_whole_table("whole_table")
        .get_batch()
    )
    result = batch.validate(expect.ExpectTableRowCountToEqual(value=ROWS))
    datasource.get_execution_engine().close()

    assert not result.success
    assert result.result.get("observed_value") is None
    messages = [info["exception_message"] for info in result.exception_info.values()]
    assert "list index out of range" in messages


def test_gate_reports_observed_values_unexpected_counts_and_examples(screenings_db):
    result = validate_relation(
        screenings_db,
        "screenings",
        [
            expect.ExpectTableRowCountToEqual(value=ROWS),
            expect.ExpectColumnValuesToBeUnique(column="screening_id"),
            expect.ExpectColumnValuesToBeInSet(
                column="concern_level", value_set=["no_concern", "possible", "clear_concern"]
            ),
        ],
    )

    assert not result.success
    assert outcome(result, "expect_table_row_count_to_equal").observed_value == ROWS
    assert outcome(result, "expect_column_values_to_be_unique").success
    in_set = outcome(result, "expect_column_values_to_be_in_set")
    bad_rows = len(range(0, ROWS, BAD_LEVEL_EVERY))
    assert not in_set.success
    assert in_set.columns == ["concern_level"]
    assert in_set.unexpected_count == bad_rows
    assert in_set.unexpected_percent == pytest.approx(100 * bad_rows / ROWS)
    assert in_set.partial_unexpected_list == ["maybe"] * 10
    assert [failure.expectation_type for failure in result.failures] == [
        "expect_column_values_to_be_in_set"
    ]


def test_gate_metadata_is_plain_json(screenings_db):
    result = validate_relation(
        screenings_db,
        "screenings",
        [expect.ExpectColumnValuesToBeInSet(column="concern_level", value_set=["possible"])],
    )
    metadata = result.as_metadata()

    assert json.loads(json.dumps(metadata)) == metadata
    assert metadata["expectations_failed"] == 1
    assert metadata["failures"][0]["kwargs"] == {
        "column": "concern_level",
        "value_set": ["possible"],
    }


def test_regex_searches_as_in_postgres_and_pandas(screenings_db):
    """DuckDB's `~` matches the whole string; GX's regex expectations search within it."""
    result = validate_relation(
        screenings_db,
        "screenings",
        [
            expect.ExpectColumnValuesToMatchRegex(
                column="screened_on", regex=r"^\d{4}-\d{2}-\d{2}$"
            ),
            expect.ExpectColumnValuesToMatchRegex(column="screened_on", regex=r"-05-"),
            expect.ExpectColumnValuesToNotMatchRegex(column="concern_level", regex=r"ayb"),
        ],
    )
    regexes = {item.kwargs["regex"]: item for item in result.outcomes}

    assert regexes[r"^\d{4}-\d{2}-\d{2}$"].unexpected_count == 10
    assert regexes[r"^\d{4}-\d{2}-\d{2}$"].partial_unexpected_list == ["05/31/2024"] * 10
    assert regexes["-05-"].unexpected_count == 10
    assert regexes["ayb"].unexpected_count == len(range(0, ROWS, BAD_LEVEL_EVERY))


def test_sql_row_rule_reports_count_and_violating_rows(screenings_db):
    rule = ExpectNoViolatingRows(
        unexpected_rows_query="SELECT screening_id FROM {batch} WHERE concern_level = 'maybe'"
    )
    result = validate_relation(screenings_db, "screenings", [rule])
    (violations,) = result.outcomes

    assert not violations.success
    assert violations.unexpected_count == len(range(0, ROWS, BAD_LEVEL_EVERY))
    assert violations.element_count == ROWS
    assert violations.partial_unexpected_list[:2] == [
        {"screening_id": "DFPS-0"},
        {"screening_id": f"DFPS-{BAD_LEVEL_EVERY}"},
    ]


def test_gate_validates_a_view_over_parquet(tmp_path):
    parquet = tmp_path / "screenings.parquet"
    duckdb.sql(
        "SELECT 'DFPS-' || i AS screening_id FROM range(50) rows(i) UNION ALL SELECT 'DFPS-7'"
    ).write_parquet(str(parquet))

    result = validate_relation(
        ":memory:",
        "bronze",
        [expect.ExpectColumnValuesToBeUnique(column="screening_id")],
        setup_sql=[f"CREATE VIEW bronze AS SELECT * FROM read_parquet('{parquet}')"],
    )

    (unique,) = result.outcomes
    assert not unique.success
    assert unique.unexpected_count == 2
    assert unique.partial_unexpected_list == ["DFPS-7", "DFPS-7"]


def test_gate_accepts_a_connect_function(screenings_db):
    shared = duckdb.connect(str(screenings_db), read_only=True)
    result = validate_relation(
        shared.cursor, "screenings", [expect.ExpectTableRowCountToEqual(value=ROWS)]
    )
    assert result.success
    # The gate closed the cursors it was given, not the caller's connection.
    assert shared.execute("SELECT count(*) FROM screenings").fetchone() == (ROWS,)
    shared.close()


def test_gate_releases_the_database_file(screenings_db):
    validate_relation(screenings_db, "screenings", [expect.ExpectTableRowCountToEqual(value=ROWS)])
    # DuckDB refuses a second configuration for a database this process still has open.
    with duckdb.connect(str(screenings_db), config={"threads": 1}) as connection:
        connection.execute("DROP TABLE screenings")


def test_gate_names_a_relation_it_cannot_find(screenings_db):
    with pytest.raises(GateSetupError, match=r"'bronze' is not a table or view in .*warehouse"):
        validate_relation(screenings_db, "bronze", [expect.ExpectTableRowCountToEqual(value=1)])


def test_gate_names_a_failing_setup_statement(tmp_path):
    with pytest.raises(GateSetupError, match=r"^setup_sql statement failed.*no_such_file\.parquet"):
        validate_relation(
            ":memory:",
            "bronze",
            [expect.ExpectTableRowCountToEqual(value=1)],
            setup_sql=[
                f"CREATE VIEW bronze AS SELECT * FROM read_parquet('{tmp_path}/no_such_file.parquet')"
            ],
        )


def test_gate_work_is_pushed_down_to_duckdb(tmp_path):
    """Two million rows are validated without bringing the rows into Python."""
    rows = 2_000_000
    path = tmp_path / "big.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            f"""
            CREATE TABLE screenings AS
            SELECT
                'DFPS-' || lpad(i::VARCHAR, 8, '0') AS screening_id,
                CASE WHEN i % 2 = 0 THEN 'maybe' ELSE 'possible' END AS concern_level,
                '2024-05-' || lpad((1 + i % 28)::VARCHAR, 2, '0') AS screened_on
            FROM range({rows}) AS rows(i)
            """
        )
    suite = [
        expect.ExpectColumnValuesToNotBeNull(column="screening_id"),
        expect.ExpectColumnValuesToBeUnique(column="screening_id"),
        expect.ExpectColumnValuesToBeInSet(column="concern_level", value_set=["possible"]),
        expect.ExpectColumnValuesToMatchRegex(column="screened_on", regex=r"^\d{4}-\d{2}-\d{2}$"),
    ]
    validate_relation(path, "screenings", suite)  # warm the per-process caches of GX

    tracemalloc.start()
    started = time.perf_counter()
    result = validate_relation(path, "screenings", suite)
    seconds = time.perf_counter() - started
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    in_set = outcome(result, "expect_column_values_to_be_in_set")
    assert in_set.unexpected_count == rows // 2
    assert outcome(result, "expect_column_values_to_be_unique").success
    # A million unexpected values as Python strings alone would take over 50 MB.
    assert peak_bytes < 20 * 2**20, f"peak Python allocation {peak_bytes / 2**20:.1f} MiB"
    assert seconds < 15
