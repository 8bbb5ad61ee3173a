"""SQLite database files: a declared table or a read-only query."""

from __future__ import annotations

import sqlite3

import pytest
from adapter_helpers import read_file, rows

from adapters import AdapterError


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "hotline.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("create table calls (state text, year integer, calls real, memo blob)")
        connection.executemany(
            "insert into calls values (?, ?, ?, ?)",
            [("TX", 2015, 1234.0, b"\x01\x02"), ("OH", 2016, None, None), ("NA", 2016, 88.5, None)],
        )
        connection.execute("create table notes (text text)")
    return path


def test_declared_table_round_trips_as_text(database):
    result = read_file(database, table="calls")

    assert rows(result.table) == [
        {"state": "TX", "year": "2015", "calls": "1234.0", "memo": "0102"},
        {"state": "OH", "year": "2016", "calls": None, "memo": None},
        {"state": None, "year": "2016", "calls": "88.5", "memo": None},
    ]
    assert result.report["format"] == "sqlite"


def test_declared_query_with_types(database):
    result = read_file(
        database, query="select state, year from calls where year = 2016", types={"year": "integer"}
    )

    assert rows(result.table) == [{"state": "OH", "year": 2016}, {"state": None, "year": 2016}]


def test_several_tables_need_a_declaration(database):
    with pytest.raises(
        AdapterError, match=r"holds 2 tables \['calls', 'notes'\]; declare `table:`"
    ):
        read_file(database)


def test_a_query_that_writes_is_refused_and_the_file_is_unchanged(database):
    with pytest.raises(AdapterError, match="not a read-only SELECT"):
        read_file(database, query="delete from calls")
    with sqlite3.connect(database) as connection:
        assert connection.execute("select count(*) from calls").fetchone() == (3,)


def test_a_file_that_is_not_a_database_is_named(write_file):
    path = write_file("hotline.sqlite", b"SQLite format 3\x00" + b"\x00" * 50)

    with pytest.raises(AdapterError, match="cannot read the SQLite database"):
        read_file(path, table="calls")
