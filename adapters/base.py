"""The contract every format adapter honours.

An adapter reads one raw object (a binary stream) with the options a source declaration
gives, and returns an Arrow table of the rows it could parse plus the rows it could not,
each with the reason. Adapters never import Dagster: they are plain functions that the
orchestration layer, the tests and a notebook can all call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import pyarrow as pa


class AdapterError(Exception):
    """A whole object could not be read. The message names the object and what to do."""

    def __init__(self, source_name: str, message: str) -> None:
        self.source_name = source_name
        super().__init__(f"{source_name}: {message}")


@dataclass(frozen=True)
class Rejection:
    """One input row that was not landed, kept so that nothing is lost."""

    line: int | None
    reason: str
    original: str


@dataclass
class AdapterOptions:
    """Options a source declaration may give any adapter (unknown keys go to `extra`)."""

    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 0
    skip_rows: int = 0
    missing_values: list[str] = field(default_factory=lambda: ["", "NA", "N/A", "-99"])
    rename: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)
    sheet: str | int | None = None
    record_path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, options: dict[str, Any] | None) -> AdapterOptions:
        options = dict(options or {})
        known = {name for name in cls.__dataclass_fields__ if name != "extra"}
        extra = {key: options.pop(key) for key in list(options) if key not in known}
        return cls(**options, extra=extra)


@dataclass
class AdapterResult:
    """What an adapter hands back: landed rows, rejected rows and a report."""

    table: pa.Table
    rejections: list[Rejection] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


Adapter = Callable[[BinaryIO, AdapterOptions, str], AdapterResult]
"""(stream, options, source_name) -> result; source_name is the raw key, used in messages."""
