"""Excel workbooks."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from adapters._table import conform
from adapters.base import AdapterError, AdapterOptions, AdapterResult


def read_xlsx(stream: BinaryIO, options: AdapterOptions, source_name: str) -> AdapterResult:
    data = stream.read()
    sheet = options.sheet if options.sheet is not None else 0
    sheet_args = {"sheet_id": sheet + 1} if isinstance(sheet, int) else {"sheet_name": sheet}
    try:
        frame = pl.read_excel(
            data,
            engine="calamine",
            infer_schema_length=0,
            read_options={"header_row": options.skip_rows + options.header_row},
            **sheet_args,
        )
    except Exception as error:
        raise AdapterError(
            source_name,
            f"could not read the workbook ({error}); check that it is an unprotected .xlsx file",
        ) from error
    frame = frame.with_columns(pl.all().cast(pl.String))
    frame = conform(frame, options, source_name)
    return AdapterResult(frame.to_arrow(), report={"sheet": sheet})
