"""Names a draft may use, made from names a file sent.

A file's header is hostile input: a column name can carry quotes, semicolons, newlines,
Jinja (`{{ }}`), path steps (`../`) or terminal escapes. Only names made here (snake_case,
ASCII letters, digits and underscores) reach the draft as identifiers or YAML values; a name
as sent appears only quoted in SQL or as a YAML mapping key, which dbt does not render.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import duckdb

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# lowerUpper, digit before a capitalised word, and ACRONYMWord boundaries; "64A" stays whole
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[0-9])(?=[A-Z][a-z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Characters that make a landed column name unsafe downstream: Jinja delimiters (dbt renders
# YAML values), quotes (the bronze macro quotes names without escaping), escapes, statement
# separators and control characters.
_UNSAFE = re.compile(r"[{}\"'`\\;\x00-\x1f\x7f]|\.\.")
_MAX_NAME = 100
_JUNK = re.compile(r"^(?:unnamed:? ?\d*|\.\.\d+|x\d+|v\d+|index|level_\d+|[\d\s.:_-]*)$", re.I)


def words(name: str) -> list[str]:
    """The words of a name: camelCase, snake_case, punctuation and accents undone."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    spaced = _CAMEL.sub(" ", folded).lower()
    return [word for word in _NOT_WORD.split(spaced) if word]


def snake_case(name: str, fallback: str = "column") -> str:
    """`name` as a snake_case identifier (a leading digit gets a `c_` prefix)."""
    text = "_".join(words(name))[:63].strip("_")
    if not text:
        return fallback
    if not text[0].isalpha():
        text = f"c_{text}"[:63]
    return text


@cache
def reserved_words() -> frozenset[str]:
    """DuckDB's reserved keywords, which cannot stand as bare column aliases."""
    with duckdb.connect() as connection:
        rows = connection.execute(
            "select keyword_name from duckdb_keywords() where keyword_category = 'reserved'"
        ).fetchall()
    return frozenset(row[0] for row in rows)


def unique_names(names: list[str], taken: set[str] | None = None) -> list[str]:
    """The names made unique with `_2`, `_3` suffixes, avoiding `taken` and reserved words."""
    used = set(taken or ())
    result = []
    for name in names:
        if name in reserved_words():
            name = f"{name}_value"
        candidate, number = name, 1
        while candidate in used:
            number += 1
            candidate = f"{name}_{number}"
        used.add(candidate)
        result.append(candidate)
    return result


def is_unsafe(name: str) -> bool:
    """Whether a landed column name could break or inject into YAML, SQL or Jinja."""
    return bool(_UNSAFE.search(name)) or len(name) > _MAX_NAME


def is_junk(name: str) -> bool:
    """A header cell that names nothing: blank, a spreadsheet index, digits, `Unnamed: 0`."""
    return bool(_JUNK.match(name.strip())) or re.fullmatch(r"column_\d+", name) is not None


def shown(name: str, limit: int = 40) -> str:
    """A name as the report prints it: control characters escaped, long names cut."""
    text = "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode() for char in name
    )
    return text if len(text) <= limit else text[: limit - 3] + "..."
