"""pandera gates over polars frames, reported in the same `GateResult` as the GX gates.

A LazyFrame stays lazy: pandera validates only the schema of a LazyFrame by default, so the
gate asks for data checks too, and each check runs as a polars query that returns only the
failing values. Failures are collected, never raised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pandera.polars as pa
import polars as pl
from pandera.api.checks import Check
from pandera.config import ValidationDepth, config_context
from pandera.errors import SchemaError, SchemaErrorReason, SchemaErrors

from expectations.gate_result import MAX_EXAMPLES, ExpectationOutcome, GateResult

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


def validate_frame(
    frame: pl.LazyFrame | pl.DataFrame,
    model: type[pa.DataFrameModel],
    *,
    relation: str | None = None,
) -> GateResult:
    """Validate `frame` with the pandera polars `model`; every check that ran is one outcome.

    `relation` names the frame in the result (default: the model's module and name).
    """
    schema = model.to_schema()
    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            model.validate(frame, lazy=True)
            errors: list[SchemaError] = []
        except SchemaErrors as raised:
            errors = list(raised.schema_errors)
    row_count = _row_count(frame)
    failed = {_failure_key(error): error for error in errors}
    # pandera cannot check the values of a column that is not there.
    missing = {column for column, check in failed if check == "column_in_dataframe"}
    outcomes = [
        _outcome(column, check, failed.pop((column, check), None), row_count, schema.unique)
        for column, check in _planned_checks(schema)
        if column not in missing or check == "column_in_dataframe"
    ]
    # Failures no planned check names (a column pandera could not coerce, say) still count.
    outcomes += [
        _outcome(column, check, error, row_count, schema.unique)
        for (column, check), error in failed.items()
    ]
    return GateResult(
        engine="pandera",
        relation=relation or f"{model.__module__}.{model.__name__}",
        success=not errors,
        outcomes=outcomes,
    )


def _row_count(frame: pl.LazyFrame | pl.DataFrame) -> int:
    if isinstance(frame, pl.DataFrame):
        return frame.height
    return frame.select(pl.len()).collect().item()


def _planned_checks(schema: pa.DataFrameSchema) -> Iterator[CheckKey]:
    for name, column in schema.columns.items():
        if column.required:
            yield name, "column_in_dataframe"
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
