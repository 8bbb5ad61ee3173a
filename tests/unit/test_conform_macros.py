"""The staging macros that conform contributors' values, compiled by dbt and run in DuckDB."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.settings import DBT_PROJECT_DIR, duckdb_extension_directory

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


def compiled(sql: str, tmp_path: Path) -> str:
    """`sql` with its macros expanded by dbt (`dbt compile --inline`)."""
    env = {
        **os.environ,
        "HUB_WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "HUB_DUCKDB_EXTENSION_DIRECTORY": str(duckdb_extension_directory()),
        "HUB_S3_ACCESS_KEY_ID": "unused",
        "HUB_S3_SECRET_ACCESS_KEY": "unused",
        "HUB_PSEUDONYM_KEY": "k" * 32,
        "DBT_TARGET_PATH": str(tmp_path / "target"),
    }
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "compile",
            "--inline",
            sql,
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def as_boolean_sql(tmp_path_factory) -> str:
    return compiled(
        "select value, {{ as_boolean('value') }} as answer from answers",
        tmp_path_factory.mktemp("dbt"),
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
