"""Tables in HTML pages.

Options: `table` (0-based index among the page's tables, default 0), or `match` (the first
table whose text contains this string), or `table_id` (the table's id attribute). Merged
cells (`colspan`, `rowspan`) are repeated into every cell they cover, as a reader sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import lxml.html
from lxml import etree

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.column_plan import clean_name
from adapters.records import grid_batches


def _span(cell: Any, attribute: str) -> int:
    try:
        return max(1, min(int(cell.get(attribute, "1")), 1000))
    except ValueError:
        return 1


def table_rows(table: Any) -> list[list[str]]:
    """The table's cells row by row, merged cells repeated where they span."""
    rows: list[list[str]] = []
    carried: dict[tuple[int, int], str] = {}
    # Rows of tables nested inside a cell belong to those tables, not this one.
    body_rows = [row for row in table.iter("tr") if next(row.iterancestors("table")) is table]
    for row_index, row in enumerate(body_rows):
        cells: list[str] = []
        column = 0
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while (row_index, column) in carried:
                cells.append(carried.pop((row_index, column)))
                column += 1
            text = clean_name(cell.text_content())
            for _ in range(_span(cell, "colspan")):
                cells.append(text)
                for below in range(1, _span(cell, "rowspan")):
                    carried[(row_index + below, column)] = text
                column += 1
        while (row_index, column) in carried:
            cells.append(carried.pop((row_index, column)))
            column += 1
        rows.append(cells)
    return rows


def _choose_table(tables: list[Any], options: AdapterOptions, source_name: str) -> Any:
    if not tables:
        raise AdapterError(
            source_name, "holds no <table>; check that the page is the one with the data"
        )
    if "table_id" in options.extra:
        wanted = str(options.extra["table_id"])
        for table in tables:
            if table.get("id") == wanted:
                return table
        ids = [table.get("id") for table in tables if table.get("id")]
        raise AdapterError(source_name, f"no table has id {wanted!r}; ids present: {ids}")
    if "match" in options.extra:
        wanted = str(options.extra["match"])
        for table in tables:
            if wanted in table.text_content():
                return table
        raise AdapterError(
            source_name, f"none of the {len(tables)} tables contains {wanted!r}; fix `match:`"
        )
    index = int(options.extra.get("table", 0))
    if not 0 <= index < len(tables):
        raise AdapterError(
            source_name,
            f"`table: {index}` is out of range: the page has {len(tables)} tables (0-based)",
        )
    return tables[index]


def read_html(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    data = stream.read()
    parser = lxml.html.HTMLParser(encoding=options.encoding, no_network=True)
    try:
        document = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise AdapterError(
            source_name, f"cannot be read as HTML ({error}); ask for the page again"
        ) from error
    tables = document.xpath("//table")
    table = _choose_table(tables, options, source_name)
    report: dict[str, Any] = {
        "format": "html",
        "tables_found": len(tables),
        "encoding": document.getroottree().docinfo.encoding,
    }
    rows = ((number, cells) for number, cells in enumerate(table_rows(table), start=1))
    yield from grid_batches(rows, options, source_name, report, describe_line="table row")
