"""Quoting for the few values that must be spliced into DuckDB SQL text.

Prefer prepared parameters (`execute(sql, parameters)`); DuckDB refuses them in some
statements (CREATE VIEW, ATTACH options, COPY targets), and there these functions quote.
"""

from __future__ import annotations


class UnsafeSqlValue(ValueError):
    """A value that no quoting makes safe (a NUL byte ends a C string early)."""


def literal(value: str) -> str:
    """`value` as a SQL string literal: single quotes doubled, nothing else interpreted."""
    if "\x00" in value:
        raise UnsafeSqlValue(f"{value!r} holds a NUL byte and cannot be used in SQL")
    return "'" + value.replace("'", "''") + "'"


def identifier(name: str) -> str:
    """`name` as a quoted SQL identifier: double quotes doubled."""
    if "\x00" in name:
        raise UnsafeSqlValue(f"{name!r} holds a NUL byte and cannot be used in SQL")
    return '"' + name.replace('"', '""') + '"'
