"""Fixed-width text with a declared column layout.

The layout is declared inline or in a file: a list of columns, each with a `name` and
either `start` and `end` (1-based, inclusive character positions, as layout documents
print them) or `width` (columns follow one another). Positions count characters, not
bytes, after decoding. Padding around a field is not data and is removed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
import pyarrow as pa
import yaml

from adapters.base import AdapterError, AdapterOptions, AdapterResult, Rejection
from adapters.column_plan import apply_plan, plan_columns
from adapters.streams import utf8_text


@dataclass(frozen=True)
class LayoutColumn:
    name: str
    start: int
    width: int


def _load_layout(layout: Any, source_name: str) -> list[dict[str, Any]]:
    if isinstance(layout, str):
        path = Path(layout)
        if not path.is_file():
            raise AdapterError(
                source_name, f"layout file {layout} does not exist; fix `layout:` in the source"
            )
        if path.suffix.lower() == ".csv":
            with path.open(newline="", encoding="utf-8") as handle:
                return list(csv.DictReader(handle))
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        return loaded.get("columns", []) if isinstance(loaded, dict) else loaded
    return list(layout or [])


def parse_layout(layout: Any, source_name: str) -> list[LayoutColumn]:
    """Declared layout entries as columns with 0-based starts and widths."""
    entries = _load_layout(layout, source_name)
    if not entries:
        raise AdapterError(
            source_name,
            "fixed-width text needs a `layout:` (a list of {name, start, end} or {name, width},"
            " or the path of a layout file)",
        )
    columns: list[LayoutColumn] = []
    cursor = 1
    for position, entry in enumerate(entries, start=1):
        try:
            name = str(entry["name"])
            start = int(entry["start"]) if entry.get("start") not in (None, "") else cursor
            if entry.get("end") not in (None, ""):
                width = int(entry["end"]) - start + 1
            else:
                width = int(entry["width"])
        except (KeyError, TypeError, ValueError) as error:
            raise AdapterError(
                source_name,
                f"layout entry {position} ({entry!r}) needs a name and either start/end or "
                f"width ({error})",
            ) from error
        if start < 1 or width < 1:
            raise AdapterError(
                source_name,
                f"layout entry {position} ({name}) has start {start} and width {width}; "
                "positions are 1-based and a column is at least one character wide",
            )
        columns.append(LayoutColumn(name, start - 1, width))
        cursor = start + width
    return columns


def read_fixed_width(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    layout = parse_layout(options.layout, source_name)
    line_width = max(column.start + column.width for column in layout)
    text, encoding = utf8_text(stream, options, source_name)
    report: dict[str, Any] = {"format": "fixed_width", "encoding": encoding, "width": line_width}
    plan = plan_columns([column.name for column in layout], options, source_name, report)
    report["columns"] = plan.names
    skip = options.rows_before_header
    line_number = 0
    remainder = b""
    emitted = False
    totals = {"rows": 0, "rejected": 0}
    while True:
        chunk = text.read(options.block_bytes)
        data = remainder + chunk
        if chunk:
            # A batch ends at the last complete line; the rest waits for the next block, so a
            # line of any length stays whole.
            cut = data.rfind(b"\n") + 1
            data, remainder = data[:cut], data[cut:]
        raw_lines = data.split(b"\n")
        if raw_lines[-1] == b"":
            raw_lines.pop()
        first_line = line_number + 1
        line_number += len(raw_lines)
        dropped = min(skip, len(raw_lines))
        raw_lines, first_line, skip = raw_lines[dropped:], first_line + dropped, skip - dropped
        batch = _batch(raw_lines, first_line, layout, line_width, plan, options, source_name)
        if batch.table.num_rows or batch.rejections or (not chunk and not emitted):
            totals["rows"] += batch.table.num_rows
            totals["rejected"] += len(batch.rejections)
            report.update(totals)
            batch.report = dict(report)
            emitted = True
            yield batch
        if not chunk:
            break


def _batch(
    raw_lines: list[bytes],
    first_line: int,
    layout: list[LayoutColumn],
    line_width: int,
    plan,
    options: AdapterOptions,
    source_name: str,
) -> AdapterResult:
    rejections: list[Rejection] = []
    texts: list[str] = []
    numbers: list[int] = []
    for offset, raw in enumerate(raw_lines):
        line = first_line + offset
        try:
            value = raw.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError as error:
            rejections.append(
                Rejection(
                    line,
                    f"{source_name}: line {line} holds bytes that are not valid UTF-8 "
                    f"({raw[max(error.start - 8, 0) : error.end + 8]!r}); declare `encoding:` "
                    "if the file is not UTF-8; the row was quarantined",
                    raw.decode("utf-8", "backslashreplace"),
                )
            )
            continue
        if not value.strip():
            continue
        if value[line_width:].strip():
            rejections.append(
                Rejection(
                    line,
                    f"{source_name}: line {line} is {len(value)} characters long and has text "
                    f"past position {line_width}, where the layout ends; check the layout or "
                    "the record; the row was quarantined",
                    value,
                )
            )
            continue
        texts.append(value)
        numbers.append(line)
    lines = pl.Series("line", texts, dtype=pl.String)
    table = pa.table(
        [
            lines.str.slice(column.start, column.width).str.strip_chars().to_arrow()
            for column in layout
        ],
        names=plan.read_names,
    )
    landed, mistyped = apply_plan(
        table,
        plan,
        options,
        source_name,
        line_of=lambda i: numbers[i],
        original_of=lambda i: texts[i],
    )
    return AdapterResult(landed, sorted([*rejections, *mistyped], key=lambda r: r.line or 0))
