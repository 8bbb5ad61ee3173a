"""pandera gates over polars frames, reported in the same `GateResult` as the GX gates.

`frame_schema` derives the schema of a frame as landing hands it to the gates from what is
stated elsewhere, never restating it: the lineage columns and their types come from the lake
layout, and each column a contributor declares under `types:` must have the dtype the
adapters give that type. `validate_frame` checks a frame against such a schema.

A LazyFrame stays lazy: pandera validates only the schema of a LazyFrame by default, so the
gate asks for data checks too, and each check runs as a polars query that returns only the
failing values. Failures are collected, never raised.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import replace
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.checks import Check
from pandera.config import ValidationDepth, config_context
from pandera.engines import polars_engine
from pandera.errors import SchemaError, SchemaErrorReason, SchemaErrors

from adapters.column_plan import TYPE_ALIASES
from expectations.gate_result import MAX_EXAMPLES, ExpectationOutcome, GateResult
from orchestration.platform.lake_layout import LINEAGE_SCHEMA, REQUIRED_LINEAGE

# pandera's own checks, reported under the names its failure cases use.
_BUILT_IN_CHECKS = {
    SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME: "column_in_dataframe",
    SchemaErrorReason.WRONG_DATATYPE: "dtype",
    SchemaErrorReason.SERIES_CONTAINS_NULLS: "not_nullable",
    SchemaErrorReason.SERIES_CONTAINS_DUPLICATES: "field_uniqueness",
    SchemaErrorReason.DUPLICATES: "multiple_fields_uniqueness",
}

ROW_LOCATOR = ("_raw_key", "_row_number")

CheckKey = tuple[str | None, str]


class AnyDatetime(polars_engine.DateTime):
    """A date-time at any precision and in any time zone: the adapters parse text to
    microseconds (in UTC when it carries an offset) and keep a columnar source's own."""

    def check(self, pandera_dtype: Any, data_container: Any = None) -> bool:
        try:
            return isinstance(polars_engine.Engine.dtype(pandera_dtype).type, pl.Datetime)
        except TypeError:
            return False

    def __str__(self) -> str:
        return "Datetime(any time unit and zone)"


# The dtype adapters/column_plan.py casts a column of each declared type to. A column
# declared `string` keeps the type its source sent, so its type is not checked.
LANDED_DTYPES: dict[str, Any] = {
    "integer": pl.Int64,
    "float": pl.Float64,
    "boolean": pl.Boolean,
    "date": pl.Date,
    "datetime": AnyDatetime(),
}


def frame_schema(types: Mapping[str, str] | None = None) -> pa.DataFrameSchema:
    """The schema of a delivery as its contributor's adapter read it, with lineage added.

    Every lineage column is there with its lake-layout type, non-null where the layout
    requires it, row numbers counting from 1. Each column in `types` (the contributor's
    declared `types:`) has the dtype landing gives that type; it may be null, and absent, as
    the adapters skip a declared column a delivery lacks. Other columns are not checked.
    """
    lineage = pl.from_arrow(LINEAGE_SCHEMA.empty_table()).schema
    columns = {
        name: pa.Column(
            dtype,
            nullable=name not in REQUIRED_LINEAGE,
            checks=pa.Check.ge(1) if name == "_row_number" else None,
        )
        for name, dtype in lineage.items()
    }
    for name, declared in (types or {}).items():
        dtype = _landed_dtype(name, declared)
        if dtype is not None and name not in columns:
            columns[name] = pa.Column(dtype, nullable=True, required=False)
    return pa.DataFrameSchema(columns, name="landed frame")


def _landed_dtype(column: str, declared: str) -> Any:
    type_name = TYPE_ALIASES.get(str(declared).lower())
    if type_name is None:
        raise ValueError(
            f"column {column!r}: unknown declared type {declared!r} under `types:`; use one "
            f"of {sorted(set(TYPE_ALIASES.values()))}"
        )
    return LANDED_DTYPES.get(type_name)


def validate_frame(
    frame: pl.LazyFrame | pl.DataFrame,
    schema: pa.DataFrameSchema,
    *,
    relation: str | None = None,
) -> GateResult:
    """Validate `frame` with the pandera polars `schema`; every check that ran is one outcome.

    `relation` names the frame in the result (default: the schema's name).
    """
    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            schema.validate(frame, lazy=True)
            errors: list[SchemaError] = []
        except SchemaErrors as raised:
            errors = list(raised.schema_errors)
    row_count = _row_count(frame)
    present = set(frame.collect_schema().names())
    failed = {_failure_key(error): error for error in errors}
    outcomes = [
        _outcome(column, check, failed.pop((column, check), None), row_count, schema.unique)
        for column, check in _planned_checks(schema, present)
    ]
    # Failures no planned check names (a column pandera could not coerce, say) still count.
    outcomes += [
        _outcome(column, check, error, row_count, schema.unique)
        for (column, check), error in failed.items()
    ]
    return GateResult(
        engine="pandera",
        relation=relation or schema.name or "frame",
        success=not errors,
        outcomes=outcomes,
    )


def _row_count(frame: pl.LazyFrame | pl.DataFrame) -> int:
    if isinstance(frame, pl.DataFrame):
        return frame.height
    return frame.select(pl.len()).collect().item()


def _planned_checks(schema: pa.DataFrameSchema, present: Collection[str]) -> Iterator[CheckKey]:
    for name, column in schema.columns.items():
        if column.required:
            yield name, "column_in_dataframe"
        if name not in present:
            # pandera cannot check the values of a column that is not there.
            continue
        if column.dtype is not None:
            yield name, "dtype"
        if not column.nullable:
            yield name, "not_nullable"
        if column.unique:
            yield name, "field_uniqueness"
        for check in column.checks:
            yield name, _check_label(check)
    if schema.unique:
        yield None, "multiple_fields_uniqueness"
    for check in schema.checks:
        yield None, _check_label(check)


def _check_label(check: Check) -> str:
    # Built-in checks carry their arguments in `error`, e.g. "isin(['yes', 'no'])".
    return check.error or check.name


def _failure_key(error: SchemaError) -> CheckKey:
    if error.reason_code == SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME:
        return str(error.failure_cases), _BUILT_IN_CHECKS[error.reason_code]
    if error.reason_code in _BUILT_IN_CHECKS:
        return error.column_name, _BUILT_IN_CHECKS[error.reason_code]
    if isinstance(error.check, Check):
        return error.column_name, _check_label(error.check)
    return error.column_name, str(error.check or error.reason_code)


def _outcome(
    column: str | None,
    check: str,
    error: SchemaError | None,
    row_count: int,
    unique_columns: list[str] | None,
) -> ExpectationOutcome:
    if column is not None:
        columns = [column]
    elif check == "multiple_fields_uniqueness":
        columns = list(unique_columns or [])
    else:
        columns = []
    outcome = ExpectationOutcome(
        expectation_type=check.split("(", 1)[0],
        columns=columns,
        kwargs={"check": check},
        success=error is None,
        element_count=row_count,
        unexpected_count=0 if error is None else None,
        unexpected_percent=0.0 if error is None else None,
    )
    if error is None:
        return outcome
    cases = error.failure_cases
    if isinstance(cases, pl.LazyFrame):
        cases = cases.collect()
    if error.reason_code == SchemaErrorReason.CHECK_ERROR:
        # The check itself broke (say, a string check on a number column): no verdict.
        return replace(outcome, error=str(error.args[0]).splitlines()[0])
    if not isinstance(cases, pl.DataFrame):
        # A schema failure (missing column, wrong type) has no failing rows, only a finding.
        return replace(outcome, observed_value=error.args[0])
    return replace(
        outcome,
        unexpected_count=cases.height,
        unexpected_percent=100 * cases.height / row_count if row_count else None,
        partial_unexpected_list=_examples(cases, columns),
    )


def _examples(cases: pl.DataFrame, columns: list[str]) -> list[object]:
    if cases.width == 1:
        return cases.to_series(0).head(MAX_EXAMPLES).to_list()
    if columns and set(columns) <= set(cases.columns):
        return cases.select(columns).head(MAX_EXAMPLES).to_dicts()
    # A whole failing row is reported by where it landed, so check metadata never copies a
    # person's details out of bronze.
    locator = [column for column in ROW_LOCATOR if column in cases.columns] or cases.columns
    return cases.select(locator).head(MAX_EXAMPLES).to_dicts()
