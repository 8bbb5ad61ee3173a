"""Steps every adapter applies after parsing: column names, drift, missing codes, types.

An adapter decides its column plan once per object (from the header, the first batch or
the file's own schema) and then applies it to each batch, so all batches share one
schema. A value that does not fit its declared type rejects its row, with the row's line
and original text, instead of failing the object.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from adapters.base import AdapterError, AdapterOptions, Rejection

# The names a declaration may use under `types:`, and the type each means (the pandera gate
# derives its schema from the same names).
TYPE_ALIASES = {
    "string": "string",
    "str": "string",
    "text": "string",
    "int": "integer",
    "integer": "integer",
    "float": "float",
    "double": "float",
    "number": "float",
    "bool": "boolean",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "timestamp": "datetime",
}
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_WHITESPACE = re.compile(r"\s+")


def clean_name(name: Any) -> str:
    """A header cell as a column name: surrounding and internal runs of whitespace collapsed."""
    return _WHITESPACE.sub(" ", "" if name is None else str(name)).strip()


def header_from_rows(rows: Sequence[Sequence[Any]], blanks: set[str]) -> list[str]:
    """Column names from one or more header rows.

    Report-style tables put a group label over several columns ("Commercial sex acts" over
    "Offenses", "Total cleared"): a blank cell in an upper header row continues the label to
    its left, and the parts of each column are joined with a space.
    """
    width = max((len(row) for row in rows), default=0)
    grid = [[clean_name(cell) for cell in row] + [""] * (width - len(row)) for row in rows]
    grid = [["" if cell in blanks else cell for cell in row] for row in grid]
    for row in grid[:-1]:
        for index in range(1, width):
            if not row[index]:
                row[index] = row[index - 1]
    names = []
    for index in range(width):
        parts: list[str] = []
        for row in grid:
            if row[index] and (not parts or parts[-1] != row[index]):
                parts.append(row[index])
        names.append(" ".join(parts))
    return names


@dataclass
class ColumnPlan:
    """How the columns read from an object become the columns landed."""

    read_names: list[str]
    names: list[str]
    added_nulls: list[str] = field(default_factory=list)


def plan_columns(
    raw_names: Sequence[Any],
    options: AdapterOptions,
    source_name: str,
    report: dict[str, Any],
) -> ColumnPlan:
    """Name, de-duplicate, rename and check the columns against the declaration.

    Blank names become `column_<n>`; a repeated name gets `_2`, `_3` so no column's values
    are dropped (listed in report["duplicate_columns"]). With `columns:` declared, new
    columns are kept and listed in report["schema_drift"], declared columns that are absent
    are added empty, and an absent `required:` column stops the object.
    """
    read_names: list[str] = []
    seen: dict[str, int] = {}
    duplicates: dict[str, list[str]] = {}
    for position, raw in enumerate(raw_names, start=1):
        name = clean_name(raw) or f"column_{position}"
        if name in seen:
            seen[name] += 1
            unique = f"{name}_{seen[name]}"
            while unique in seen:
                seen[name] += 1
                unique = f"{name}_{seen[name]}"
            duplicates.setdefault(name, [name]).append(unique)
            seen[unique] = 1
            name = unique
        else:
            seen[name] = 1
        read_names.append(name)
    if duplicates:
        report["duplicate_columns"] = duplicates
    unknown_renames = sorted(set(options.rename) - set(read_names))
    if unknown_renames:
        report["unused_renames"] = unknown_renames
    names = [options.rename.get(name, name) for name in read_names]
    untyped = sorted(set(options.types) - set(names))
    if untyped:
        report["unused_types"] = untyped
    if len(set(names)) != len(names):
        clashes = sorted({name for name in names if names.count(name) > 1})
        raise AdapterError(
            source_name,
            f"`rename:` makes several columns share the names {clashes}; give each a "
            "distinct target name",
        )
    missing_required = [name for name in options.required if name not in names]
    if missing_required:
        raise AdapterError(
            source_name,
            f"required columns {missing_required} are missing; the object has columns "
            f"{names}. Ask the contributor for the missing columns, or map them with "
            "`rename:` if they were renamed",
        )
    added_nulls: list[str] = []
    if options.columns is not None:
        declared = list(options.columns)
        new = [name for name in names if name not in declared]
        added_nulls = [name for name in declared if name not in names]
        if new or added_nulls:
            report["schema_drift"] = {"added": new, "missing": added_nulls}
    return ColumnPlan(read_names=read_names, names=names, added_nulls=added_nulls)


def _missing_mask(column: pa.ChunkedArray, codes: list[str], trimmed: pa.ChunkedArray | None):
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        values = trimmed if trimmed is not None else pc.utf8_trim_whitespace(column)
        text_codes = [code.strip() for code in codes]
        return pc.is_in(values, value_set=pa.array(text_codes, pa.string()))
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        numbers = []
        for code in codes:
            try:
                number = float(code)
            except ValueError:
                continue
            if pa.types.is_floating(column.type) or number.is_integer():
                numbers.append(number if pa.types.is_floating(column.type) else int(number))
        if not numbers:
            return None
        # Codes take the column's type, so the column is compared without a copy.
        try:
            return pc.is_in(column, value_set=pa.array(numbers, column.type))
        except (pa.ArrowInvalid, OverflowError):
            return None
    return None


def _cast_declared(
    series: pl.Series, type_name: str, date_format: str | None
) -> tuple[pl.Series, str]:
    """The column in its declared type, nulls where a value does not parse."""
    text = series.str.strip_chars() if series.dtype == pl.String else series.cast(pl.String)
    if type_name == "integer":
        if series.dtype.is_numeric():
            as_float = series.cast(pl.Float64)
            whole = as_float.round(0) == as_float
            kept = pl.select(pl.when(whole).then(as_float).otherwise(None)).to_series()
            return kept.cast(pl.Int64), "an integer"
        return text.cast(pl.Int64, strict=False), "an integer"
    if type_name == "float":
        return text.cast(pl.Float64, strict=False), "a number"
    if type_name == "boolean":
        lowered = text.str.to_lowercase()
        mapped = (
            pl.select(
                pl.when(lowered.is_in(list(_TRUE)))
                .then(True)
                .when(lowered.is_in(list(_FALSE)))
                .then(False)
                .otherwise(None)
            )
            .to_series()
            .alias(series.name)
        )
        return mapped, "a boolean (true/false, yes/no, 1/0)"
    if type_name == "date":
        if series.dtype == pl.Date:
            return series, "a date"
        if series.dtype == pl.Datetime:
            return series.dt.date(), "a date"
        fmt = date_format or "%Y-%m-%d"
        return text.str.to_date(fmt, strict=False), f"a date in format {fmt}"
    if type_name == "datetime":
        if series.dtype == pl.Datetime:
            return series, "a date-time"
        described = f"a date-time in format {date_format}" if date_format else "an ISO date-time"
        return text.str.to_datetime(date_format, strict=False), described
    return text, "text"


def apply_plan(
    table: pa.Table,
    plan: ColumnPlan,
    options: AdapterOptions,
    source_name: str,
    line_of: Callable[[int], int | None],
    original_of: Callable[[int], str],
) -> tuple[pa.Table, list[Rejection]]:
    """Apply a column plan, trimming, missing codes and declared types to one batch.

    `line_of(i)` and `original_of(i)` describe row i of the batch for its rejection.
    """
    table = table.rename_columns(plan.names)
    for name in plan.added_nulls:
        table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
    columns = []
    for column in table.columns:
        if pa.types.is_large_string(column.type) or pa.types.is_string_view(column.type):
            column = column.cast(pa.string())
        trimmed = None
        if pa.types.is_string(column.type):
            trimmed = pc.utf8_trim_whitespace(column)
            if options.trim:
                column = trimmed
        mask = _missing_mask(column, options.missing_values, trimmed)
        if mask is not None and pc.any(mask).as_py():
            column = pc.if_else(mask, pa.scalar(None, column.type), column)
        columns.append(column)
    table = pa.table(columns, names=table.column_names)

    problems: dict[int, list[str]] = {}
    for name, declared in options.types.items():
        if name not in table.column_names:
            continue
        type_name = TYPE_ALIASES.get(str(declared).lower())
        if type_name is None:
            raise AdapterError(
                source_name,
                f"column {name!r}: unknown declared type {declared!r}; use one of "
                f"{sorted(set(TYPE_ALIASES.values()))}",
            )
        if type_name == "string":
            continue
        series = pl.from_arrow(table.column(name))
        assert isinstance(series, pl.Series)
        cast, expected = _cast_declared(series, type_name, options.date_formats.get(name))
        failed = (series.is_not_null() & cast.is_null()).arg_true().to_list()
        for row in failed:
            problems.setdefault(row, []).append(
                f"column {name!r} value {series[row]!r} is not {expected}"
            )
        index = table.column_names.index(name)
        table = table.set_column(index, name, cast.to_arrow())

    rejections: list[Rejection] = []
    if problems:
        for row in sorted(problems):
            line = line_of(row)
            where = f"line {line}" if line is not None else f"row {row + 1}"
            rejections.append(
                Rejection(
                    line=line,
                    reason=f"{source_name}: {where}: {'; '.join(problems[row])}; fix the value "
                    "or change `types:` for the column; the row was quarantined",
                    original=original_of(row),
                )
            )
        keep = pa.array([row not in problems for row in range(table.num_rows)])
        table = table.filter(keep)
    return table, rejections


def string_table(rows: Sequence[Sequence[Any]], names: Sequence[str]) -> pa.Table:
    """Rows of cells as a table of string columns (None stays null)."""
    columns = [
        pa.array([None if cell is None else str(cell) for cell in column], pa.string())
        for column in zip(*rows, strict=True)
    ] or [pa.array([], pa.string()) for _ in names]
    return pa.table(columns, names=list(names))
