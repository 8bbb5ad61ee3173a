"""JSON documents: an array of records, or records at a declared path inside an object."""

from __future__ import annotations

import json
from typing import BinaryIO

import polars as pl

from adapters._table import conform
from adapters.base import AdapterError, AdapterOptions, AdapterResult


def read_json(stream: BinaryIO, options: AdapterOptions, source_name: str) -> AdapterResult:
    try:
        document = json.load(stream)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise AdapterError(
            source_name, f"not valid JSON ({error}); ask for a complete file"
        ) from error
    records = document
    for step in (options.record_path or "").split(".") if options.record_path else []:
        if not isinstance(records, dict) or step not in records:
            raise AdapterError(
                source_name, f"record path {options.record_path!r} not found at {step!r}"
            )
        records = records[step]
    if not isinstance(records, list):
        raise AdapterError(
            source_name, "expected a list of records; declare `record_path:` to point at it"
        )
    rows = [
        {key: None if value is None else str(value) for key, value in record.items()}
        for record in records
        if isinstance(record, dict)
    ]
    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
    frame = frame.with_columns(pl.all().cast(pl.String))
    frame = conform(frame, options, source_name)
    return AdapterResult(frame.to_arrow())
