"""Delimited text: CSV and TSV."""

from __future__ import annotations

import io
from typing import BinaryIO

import polars as pl

from adapters._table import conform
from adapters.base import AdapterError, AdapterOptions, AdapterResult


def _read(
    stream: BinaryIO, options: AdapterOptions, source_name: str, delimiter: str
) -> AdapterResult:
    data = stream.read()
    if not data.strip():
        raise AdapterError(source_name, "the file is empty; ask the contributor to send it again")
    encoding = options.encoding or "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise AdapterError(
            source_name,
            f"byte {error.start} is not valid {encoding}; declare `encoding:` for this source",
        ) from error
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            separator=options.delimiter or delimiter,
            skip_rows=options.skip_rows + options.header_row,
            infer_schema=False,
        )
    except pl.exceptions.PolarsError as error:
        raise AdapterError(source_name, f"could not parse as delimited text: {error}") from error
    frame = conform(frame, options, source_name)
    return AdapterResult(frame.to_arrow(), report={"encoding": encoding})


def read_csv(stream: BinaryIO, options: AdapterOptions, source_name: str) -> AdapterResult:
    return _read(stream, options, source_name, ",")


def read_tsv(stream: BinaryIO, options: AdapterOptions, source_name: str) -> AdapterResult:
    return _read(stream, options, source_name, "\t")
