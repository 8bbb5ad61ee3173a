"""Steps every adapter applies after parsing: renames, missing codes, declared types."""

from __future__ import annotations

import polars as pl

from adapters.base import AdapterError, AdapterOptions

_POLARS_TYPES = {
    "string": pl.String,
    "int": pl.Int64,
    "integer": pl.Int64,
    "float": pl.Float64,
    "double": pl.Float64,
    "bool": pl.Boolean,
    "boolean": pl.Boolean,
}


def conform(frame: pl.DataFrame, options: AdapterOptions, source_name: str) -> pl.DataFrame:
    """Strip header names, apply renames, turn missing codes into nulls, cast declared types."""
    names = [str(name).strip() for name in frame.columns]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise AdapterError(
            source_name,
            f"duplicate column names {duplicates}; rename them in the file or declare "
            "`header_row` so the right row is used as the header",
        )
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    frame = frame.rename({old: new for old, new in options.rename.items() if old in frame.columns})
    missing = [value for value in options.missing_values if value != ""]
    frame = frame.with_columns(
        pl.when(
            pl.col(name).str.strip_chars().is_in(missing) | (pl.col(name).str.strip_chars() == "")
        )
        .then(None)
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )
    for column, type_name in options.types.items():
        if column not in frame.columns:
            continue
        if type_name == "date":
            fmt = options.date_formats.get(column)
            frame = frame.with_columns(pl.col(column).str.to_date(fmt, strict=False))
        elif type_name in _POLARS_TYPES:
            frame = frame.with_columns(pl.col(column).cast(_POLARS_TYPES[type_name], strict=False))
        else:
            raise AdapterError(
                source_name, f"column {column!r}: unknown declared type {type_name!r}"
            )
    return frame
