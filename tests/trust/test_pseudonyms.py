"""The SQL pseudonym dbt computes is the Python one, value for value, key for key."""

import secrets

import duckdb
import pytest

from orchestration.platform.pseudonyms import macro_sql, pseudonymize

VALUES = [
    None,
    "",
    "   ",
    "\t\n",
    "Maria Lopez",
    "  maria   LOPEZ ",
    "maria\tlopez",
    "MARIA\u00a0LOPEZ",
    "José\u2003Núñez\u3000",
    "ÅSA ÖBERG",
    "tx_dfps|S-000123",
    "O'Brien",
    "名前 テスト",
    "\u0085lead and trail\u2029",
    "x" * 500,
]


def sql_pseudonyms(key: bytes, values: list[str | None]) -> list[str | None]:
    connection = duckdb.connect()
    for statement in macro_sql(key):
        connection.execute(statement)
    connection.execute("CREATE TABLE v (i INTEGER, value VARCHAR)")
    connection.executemany("INSERT INTO v VALUES (?, ?)", list(enumerate(values)))
    rows = connection.execute("SELECT hub_pseudonym(value) FROM v ORDER BY i").fetchall()
    return [row[0] for row in rows]


@pytest.mark.parametrize(
    "key",
    [secrets.token_hex(32).encode(), secrets.token_bytes(32), secrets.token_hex(48).encode()],
    ids=["hex-64-bytes", "raw-32-bytes", "longer-than-a-block"],
)
def test_sql_and_python_give_the_same_pseudonym(key):
    assert sql_pseudonyms(key, VALUES) == [pseudonymize(value, key) for value in VALUES]


def test_spacing_and_case_do_not_change_a_pseudonym_and_the_key_does():
    key = secrets.token_hex(32).encode()
    same = sql_pseudonyms(key, ["Maria Lopez", "  maria\u00a0\tLOPEZ "])
    assert same[0] == same[1]
    assert same[0].startswith("p_") and len(same[0]) == 34
    assert sql_pseudonyms(secrets.token_hex(32).encode(), ["Maria Lopez"])[0] != same[0]


def test_blank_values_have_no_pseudonym():
    assert sql_pseudonyms(secrets.token_hex(32).encode(), [None, "", " \t "]) == [None] * 3
