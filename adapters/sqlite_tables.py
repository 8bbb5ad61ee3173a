"""SQLite database files: one declared `table`, or a read-only `query`.

The database is opened read-only and immutable, and an authorizer allows nothing but
reading, so a declared query cannot change or attach anything. Values land as text (SQLite
types a value, not a column), BLOBs as hexadecimal.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.column_plan import apply_plan, plan_columns, string_table
from adapters.streams import local_path

_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_RECURSIVE = getattr(sqlite3, "SQLITE_RECURSIVE", None)
if _RECURSIVE is not None:
    _ALLOWED.add(_RECURSIVE)


def _read_only(action: int, *_: Any) -> int:
    return sqlite3.SQLITE_OK if action in _ALLOWED else sqlite3.SQLITE_DENY


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def read_sqlite(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    table_name = options.extra.get("table")
    query = options.extra.get("query")
    with local_path(stream, suffix=".sqlite") as path:
        uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
        connection = sqlite3.connect(uri, uri=True)
        try:
            yield from _read(connection, table_name, query, options, source_name)
        except sqlite3.DatabaseError as error:
            raise AdapterError(
                source_name,
                f"cannot read the SQLite database ({error}); it may be corrupt or not a "
                "database, or the declared `query` is not a read-only SELECT",
            ) from error
        finally:
            connection.close()


def _read(
    connection: sqlite3.Connection,
    table_name: str | None,
    query: str | None,
    options: AdapterOptions,
    source_name: str,
) -> Iterator[AdapterResult]:
    tables = [
        row[0]
        for row in connection.execute(
            "select name from sqlite_master where type in ('table', 'view') order by name"
        )
    ]
    if query is None:
        if table_name is None:
            if len(tables) != 1:
                raise AdapterError(
                    source_name,
                    f"the database holds {len(tables)} tables {tables}; declare `table:` or "
                    "`query:` to say which rows to land",
                )
            table_name = tables[0]
        if table_name not in tables:
            raise AdapterError(
                source_name, f"there is no table {table_name!r}; the tables are {tables}"
            )
        query = 'select * from "{}"'.format(table_name.replace('"', '""'))
    connection.set_authorizer(_read_only)
    cursor = connection.execute(query)
    names = [column[0] for column in cursor.description or []]
    report: dict[str, Any] = {"format": "sqlite", "table": table_name, "query": query}
    plan = plan_columns(names, options, source_name, report)
    report["columns"] = plan.names
    totals = {"rows": 0, "rejected": 0}
    first = 1
    while True:
        rows = [[_text(value) for value in row] for row in cursor.fetchmany(options.batch_rows)]
        if not rows and first > 1:
            break
        table = string_table(rows, plan.read_names)
        landed, rejections = apply_plan(
            table,
            plan,
            options,
            source_name,
            line_of=lambda i, first=first: first + i,
            original_of=lambda i, rows=rows: json.dumps(dict(zip(names, rows[i], strict=True))),
        )
        totals["rows"] += landed.num_rows
        totals["rejected"] += len(rejections)
        report.update(totals)
        yield AdapterResult(landed, rejections, dict(report))
        first += len(rows)
        if len(rows) < options.batch_rows:
            break
