"""The macros that conform contributors' values and codes, compiled by dbt and run in DuckDB."""

from collections.abc import Callable

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
def compile_inline(tmp_path_factory, dbt_offline) -> Callable[[str], str]:
    """A query using the project's macros, as dbt expands it (`dbt compile --inline`). One
    target folder, so that the second compile reuses the first one's parse."""
    target = tmp_path_factory.mktemp("dbt")

    def compile_sql(sql: str) -> str:
        return dbt_offline(target, "compile", "--inline", sql, "--quiet")

    return compile_sql


@pytest.fixture(scope="module")
def as_boolean_sql(compile_inline) -> str:
    # the macro in a query of the answers table below
    return compile_inline("select value, {{ as_boolean('value') }} as answer from answers")


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


# rules of a made-up data set: a whole-data-set rule and two kinds of code
TAXONOMY_RULES = [
    ("data_set", "made_up", ["c.whole"]),
    ("item", "a1", ["c.one"]),
    ("item", "a2", ["c.two", "c.one"]),
    ("offense", "b1", ["c.zero"]),
    ("offense", "b2", ["c.two"]),
]
# (items, offenses) of a record, and its cells: sorted, each once
TAXONOMY_RECORDS = [
    ([], [], ["c.whole"]),
    (["a1"], None, ["c.one", "c.whole"]),
    (["a2", "a1"], ["b1"], ["c.one", "c.two", "c.whole", "c.zero"]),
    (None, ["b2", "zz"], ["c.two", "c.whole"]),
    (["a9"], ["b9"], ["c.whole"]),
]


@pytest.fixture(scope="module")
def taxonomy_cells_sql(compile_inline) -> str:
    return compile_inline(
        "select id, {{ taxonomy_cells('made_up', {'item': 'items', 'offense': 'offenses'}) }} "
        "as cells from records order by id"
    )


def test_taxonomy_cells_are_the_sorted_union_of_the_rules_a_record_meets(taxonomy_cells_sql):
    connection = duckdb.connect()
    # the compiled query reads the rules from the warehouse's intermediate schema
    connection.execute("attach ':memory:' as warehouse")
    connection.execute("create schema warehouse.intermediate")
    connection.execute(
        "create table warehouse.intermediate.int_taxonomy_rules_grouped "
        "(data_set varchar, indicator_kind varchar, indicator_code varchar, "
        "taxonomy_cells varchar[])"
    )
    connection.executemany(
        "insert into warehouse.intermediate.int_taxonomy_rules_grouped values (?, ?, ?, ?)",
        [["made_up", kind, code, cells] for kind, code, cells in TAXONOMY_RULES]
        + [["other", "item", "a1", ["c.other"]]],
    )
    connection.execute("create table records (id integer, items varchar[], offenses varchar[])")
    connection.executemany(
        "insert into records values (?, ?, ?)",
        [[i, items, offenses] for i, (items, offenses, _) in enumerate(TAXONOMY_RECORDS)],
    )
    got = [cells for _, cells in connection.execute(taxonomy_cells_sql).fetchall()]
    assert got == [cells for _, _, cells in TAXONOMY_RECORDS]
