"""The staging macros that conform contributors' values, compiled by dbt and run in DuckDB."""

import duckdb
import pytest

# what contributors send for a yes/no item, and what staging makes of it
ANSWERS = [
    ("Yes", True),
    (" y ", True),
    ("TRUE", True),
    ("t", True),
    ("1", True),
    ("1.0", True),
    ("no", False),
    ("N", False),
    ("false", False),
    ("0", False),
    ("0.0", False),
    ("maybe", None),
    ("", None),
    ("2", None),
    (None, None),
]


@pytest.fixture(scope="module")
def as_boolean_sql(tmp_path_factory, dbt_offline) -> str:
    # the macro expanded by dbt, in a query of the answers table below
    return dbt_offline(
        tmp_path_factory.mktemp("dbt"),
        "compile",
        "--inline",
        "select value, {{ as_boolean('value') }} as answer from answers",
        "--quiet",
    )


@pytest.fixture
def answers() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("create table answers (value varchar)")
    connection.executemany("insert into answers values (?)", [[sent] for sent, _ in ANSWERS])
    return connection


def test_as_boolean_reads_every_spelling_of_yes_and_no(as_boolean_sql, answers):
    got = dict(answers.execute(as_boolean_sql).fetchall())
    assert got == dict(ANSWERS)


def test_as_boolean_plans_no_join(as_boolean_sql, answers):
    # A join in a staging view runs in every query of it, even one that reads other columns.
    plan = answers.execute(f"explain {as_boolean_sql}").fetchall()[0][1]
    assert "JOIN" not in plan, plan
