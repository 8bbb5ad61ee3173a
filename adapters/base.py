"""The contract every format adapter honours.

An adapter reads one raw object (a binary stream) with the options a source declaration
gives, and yields Arrow tables of the rows it could parse plus the rows it could not, each
with the reason. Adapters never import Dagster: they are plain functions that the
orchestration layer, the tests and a notebook can all call.

Batches: every adapter yields one or more `AdapterResult`s per object; all tables of one
object share one schema. Each batch carries the rejections found while reading it, and a
report describing the object so far: the report of the last batch is the complete one. An
`AdapterError` may arrive after some batches (a truncated gzip, say): the caller discards
the object's batches, since the object as a whole could not be read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, BinaryIO

import pyarrow as pa


class AdapterError(Exception):
    """A whole object could not be read. The message names the object and what to do."""

    def __init__(self, source_name: str, message: str) -> None:
        self.source_name = source_name
        self.detail = message
        super().__init__(f"{source_name}: {message}")


@dataclass(frozen=True)
class Rejection:
    """One input row that was not landed, kept so that nothing is lost.

    `line` is the row's number in the object, counting title and header rows from 1 (for
    text, the record number: equal to the text line unless a quoted value spans lines).
    `original` is the row as the contributor sent it (for text, the record's own text).
    """

    line: int | None
    reason: str
    original: str


_MIB = 1 << 20


@dataclass
class AdapterOptions:
    """Options a source declaration may give any adapter (unknown keys go to `extra`).

    Format-specific options (a SQLite `table`, an XML `explode` rule, an API `pagination`)
    stay in `extra` and are read by the adapter that understands them; the README lists them.
    """

    encoding: str | None = None
    delimiter: str | None = None
    quote_char: str = '"'
    skip_rows: int = 0
    header_row: int = 0
    header_rows: int = 1
    column_names: list[str] | None = None
    missing_values: list[str] = field(default_factory=lambda: ["", "NA", "N/A", "-99"])
    trim: bool = False
    rename: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)
    columns: list[str] | None = None
    required: list[str] = field(default_factory=list)
    sheet: str | int | None = None
    record_path: str | None = None
    layout: list[dict[str, Any]] | str | None = None
    compression: str | None = None
    members: str | list[str] | None = None
    member_column: str | None = None
    batch_rows: int = 100_000
    block_bytes: int = 16 * _MIB
    max_uncompressed_bytes: int = 16 * 1024 * _MIB
    max_compression_ratio: float = 200.0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, options: dict[str, Any] | None) -> AdapterOptions:
        """Options from a declaration; a value of the wrong kind raises ValueError naming it."""
        options = dict(options or {})
        known = {item.name for item in fields(cls) if item.name != "extra"}
        extra = {key: options.pop(key) for key in list(options) if key not in known}
        parsed = cls(**options, extra=extra)
        for name, kind in _VALUE_KINDS.items():
            value = getattr(parsed, name)
            if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
                raise ValueError(f"option `{name}` must be {_KIND_NAMES[kind]}, not {value!r}")
        return parsed

    @property
    def rows_before_header(self) -> int:
        """Title rows above the header: `skip_rows` plus the legacy `header_row` index."""
        return self.skip_rows + self.header_row


_VALUE_KINDS: dict[str, type | tuple[type, ...]] = {
    "skip_rows": int,
    "header_row": int,
    "header_rows": int,
    "batch_rows": int,
    "block_bytes": int,
    "max_uncompressed_bytes": int,
    "max_compression_ratio": (int, float),
    "missing_values": list,
    "rename": dict,
    "types": dict,
    "date_formats": dict,
    "columns": list,
    "required": list,
    "column_names": list,
}
_KIND_NAMES = {int: "a whole number", (int, float): "a number", list: "a list", dict: "a mapping"}


@dataclass
class AdapterResult:
    """What an adapter hands back: landed rows, rejected rows and a report."""

    table: pa.Table
    rejections: list[Rejection] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def as_options(
    options: Mapping[str, Any] | AdapterOptions | None, source_name: str
) -> AdapterOptions:
    """Parsed options, or an AdapterError naming the declaration's mistake."""
    if isinstance(options, AdapterOptions):
        return options
    try:
        return AdapterOptions.from_mapping(dict(options or {}))
    except (ValueError, TypeError) as error:
        raise AdapterError(source_name, f"{error}; fix the source declaration") from error


Adapter = Callable[[BinaryIO, AdapterOptions, str], Iterator[AdapterResult]]
"""(stream, options, source_name) -> batches; source_name is the raw key, used in messages."""
