"""Format lookup: a declared format name, or one detected from the object's name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from adapters import delimited, excel, json_records
from adapters.base import Adapter, AdapterError, AdapterOptions, AdapterResult

ADAPTERS: dict[str, Adapter] = {
    "csv": delimited.read_csv,
    "tsv": delimited.read_tsv,
    "xlsx": excel.read_xlsx,
    "json": json_records.read_json,
}

_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx", ".json": "json"}


def detect_format(object_name: str) -> str:
    suffix = PurePosixPath(object_name).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise AdapterError(
            object_name,
            f"cannot tell the format from the extension {suffix!r}; "
            "declare `format:` in the source declaration",
        )
    return _EXTENSIONS[suffix]


def read_object(
    stream: BinaryIO,
    source_name: str,
    format: str | None = None,
    options: dict | AdapterOptions | None = None,
) -> AdapterResult:
    """Read one raw object with the adapter for its declared (or detected) format."""
    format = format or detect_format(source_name)
    if format not in ADAPTERS:
        known = ", ".join(sorted(ADAPTERS))
        raise AdapterError(source_name, f"unknown format {format!r}; known formats: {known}")
    if not isinstance(options, AdapterOptions):
        options = AdapterOptions.from_mapping(options)
    return ADAPTERS[format](stream, options, source_name)


def read_batches(
    stream: BinaryIO,
    source_name: str,
    format: str | None = None,
    options: dict | AdapterOptions | None = None,
) -> Iterator[AdapterResult]:
    """Read one raw object as a sequence of results, so large files stream in bounded memory.

    Formats that cannot stream yield a single result.
    """
    yield read_object(stream, source_name, format, options)
