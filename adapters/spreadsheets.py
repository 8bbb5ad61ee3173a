"""Workbooks: XLSX, legacy XLS and OpenDocument ODS, all read through calamine (fastexcel).

Cells land as the text a spreadsheet shows for them (numbers without a trailing `.0`,
dates as ISO date-times). Options: `sheet` (name or 0-based index), `skip_rows` for title
rows, `header_rows` for a header spread over several rows. Row numbers in messages count
from the first non-empty row of the sheet, which is where calamine starts reading.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.column_plan import apply_plan, header_from_rows, plan_columns

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office keeps an encrypted OOXML workbook inside an OLE container with this stream.
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_PROTECTED = (
    "the workbook is password-protected; ask the contributor for an unprotected copy (the "
    "hub does not hold workbook passwords)"
)


def _open_workbook(data: bytes, format: str, source_name: str) -> Any:
    if not data:
        raise AdapterError(source_name, "is empty (0 bytes); ask the contributor to send it again")
    if data.startswith(_OLE_MAGIC) and _ENCRYPTION_STREAM in data:
        raise AdapterError(source_name, _PROTECTED)
    try:
        return fastexcel.read_excel(data)
    except fastexcel.FastExcelError as error:
        if "password" in str(error).lower():
            raise AdapterError(source_name, _PROTECTED) from error
        first_line = str(error).splitlines()[0]
        raise AdapterError(
            source_name,
            f"not a readable {format.upper()} workbook ({first_line}); it may be truncated or "
            "corrupt: ask the contributor to save it again from their spreadsheet program",
        ) from error


def _load_sheet(workbook: Any, options: AdapterOptions, source_name: str) -> tuple[Any, str]:
    names = list(workbook.sheet_names)
    sheet = options.sheet if options.sheet is not None else 0
    if isinstance(sheet, int) and not 0 <= sheet < len(names):
        raise AdapterError(
            source_name, f"`sheet: {sheet}` is out of range; the sheets are {names} (0-based)"
        )
    if isinstance(sheet, str) and sheet not in names:
        raise AdapterError(
            source_name, f"there is no sheet {sheet!r}; the sheets are {names}; fix `sheet:`"
        )
    try:
        loaded = workbook.load_sheet(sheet, header_row=None, dtypes="string")
    except fastexcel.FastExcelError as error:
        if "password" in str(error).lower():
            raise AdapterError(source_name, _PROTECTED) from error
        raise AdapterError(
            source_name,
            f"sheet {sheet!r} cannot be read ({str(error).splitlines()[0]}); ask the "
            "contributor to save the workbook again",
        ) from error
    return loaded, names[sheet] if isinstance(sheet, int) else sheet


def read_spreadsheet(
    stream: BinaryIO, options: AdapterOptions, source_name: str, format: str = "xlsx"
) -> Iterator[AdapterResult]:
    workbook = _open_workbook(stream.read(), format, source_name)
    sheet, sheet_name = _load_sheet(workbook, options, source_name)
    cells = pa.Table.from_batches([sheet.to_arrow()])
    report: dict[str, Any] = {"format": format, "sheet": sheet_name, "sheets": workbook.sheet_names}
    header_end = options.rows_before_header + options.header_rows
    if options.header_rows and cells.num_rows < header_end:
        raise AdapterError(
            source_name,
            f"sheet {sheet_name!r} has {cells.num_rows} rows, fewer than the title and header "
            "rows declared; check `sheet`, `skip_rows` and `header_rows`",
        )
    header = [
        list(row.values())
        for row in cells.slice(options.rows_before_header, options.header_rows).to_pylist()
    ]
    if options.column_names:
        raw_names = options.column_names
    elif header:
        raw_names = header_from_rows(header, set(options.missing_values) - {""})
    else:
        raw_names = [f"column_{i}" for i in range(1, cells.num_columns + 1)]
    if len(raw_names) != cells.num_columns:
        raise AdapterError(
            source_name,
            f"`column_names` lists {len(raw_names)} names but sheet {sheet_name!r} has "
            f"{cells.num_columns} columns; list one name per column",
        )
    plan = plan_columns(raw_names, options, source_name, report)
    report["columns"] = plan.names
    body = cells.slice(header_end).rename_columns(plan.read_names)
    # Rows with no value at all are spacing in the sheet, not records.
    if body.num_columns:
        blank = functools.reduce(pc.and_, (pc.is_null(column) for column in body.columns))
        positions = pc.indices_nonzero(pc.invert(blank)).to_pylist()
        body = body.take(pa.array(positions, pa.int64()))
    else:
        positions = []
    totals = {"rows": 0, "rejected": 0}
    start = 0
    while True:
        part = body.slice(start, options.batch_rows)
        part_positions = positions[start : start + options.batch_rows]
        landed, rejections = apply_plan(
            part,
            plan,
            options,
            source_name,
            line_of=lambda i, p=part_positions: header_end + p[i] + 1,
            original_of=lambda i, part=part: json.dumps(
                list(part.slice(i, 1).to_pylist()[0].values()), ensure_ascii=False
            ),
        )
        totals["rows"] += landed.num_rows
        totals["rejected"] += len(rejections)
        report.update(totals)
        yield AdapterResult(landed, rejections, dict(report))
        start += options.batch_rows
        if start >= body.num_rows:
            break
