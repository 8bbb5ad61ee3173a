"""The floor for the bronze gates: the same checks as one plain DuckDB query.

As the pipeline runs them, the GE suite's row rules and the pandera schema checks the
candidate's rows, the uniqueness rules the whole `relation` (the candidate plus the released
rows sharing a key with it). One SELECT answers both, with one count of offending rows per
check, in a single scan. A pandera check written as Python over the
whole frame (`@dataframe_check`) has no SQL form here; each such check in the bronze models
is the twin of a GE row rule, which the query already answers over every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import great_expectations as gx
import pandera.polars as pa
from great_expectations.expectations import Expectation

from expectations.gx_row_rules import ExpectNoViolatingRows


def _literal(value: Any) -> str:
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def _in_list(values: Sequence[Any]) -> str:
    return ", ".join(_literal(value) for value in values)


def suite_counts(
    suite: Sequence[Expectation], relation: str, columns: Sequence[str], candidate: str
) -> list[str]:
    """One aggregate per expectation: the rows (or columns) that break it. Row rules count the
    rows where `candidate` holds; uniqueness counts over the whole relation, as the gate does."""
    expect = gx.expectations
    counts = []
    for item in suite:
        if isinstance(item, expect.ExpectTableColumnsToMatchSet):
            missing = [c for c in item.column_set if c not in columns]
            counts.append(str(len(missing)))
        elif isinstance(item, expect.ExpectColumnValuesToNotBeNull):
            counts.append(f"count(*) FILTER (WHERE {candidate} AND {item.column} IS NULL)")
        elif isinstance(item, expect.ExpectColumnValuesToBeUnique):
            counts.append(f"count({item.column}) - count(DISTINCT {item.column})")
        elif isinstance(item, expect.ExpectCompoundColumnsToBeUnique):
            listed = ", ".join(item.column_list)
            present = " AND ".join(f"{column} IS NOT NULL" for column in item.column_list)
            counts.append(f"count(*) FILTER (WHERE {present}) - count(DISTINCT ({listed}))")
        elif isinstance(item, expect.ExpectColumnValuesToBeInSet):
            counts.append(
                f"count(*) FILTER (WHERE {candidate} "
                f"AND {item.column} NOT IN ({_in_list(item.value_set)}))"
            )
        elif isinstance(item, expect.ExpectColumnValuesToMatchRegex):
            counts.append(
                f"count(*) FILTER (WHERE {candidate} "
                f"AND NOT regexp_matches({item.column}, {_literal(item.regex)}))"
            )
        elif isinstance(item, expect.ExpectColumnValuesToBeBetween):
            bounds = []
            if item.min_value is not None:
                bounds.append(f"{item.column} < {_literal(item.min_value)}")
            if item.max_value is not None:
                bounds.append(f"{item.column} > {_literal(item.max_value)}")
            counts.append(f"count(*) FILTER (WHERE {candidate} AND ({' OR '.join(bounds)}))")
        elif isinstance(item, ExpectNoViolatingRows):
            rows = f"(SELECT * FROM {relation} WHERE {candidate})"
            query = item.unexpected_rows_query.replace("{batch}", rows)
            counts.append(f"(SELECT count(*) FROM ({query}))")
        else:
            raise NotImplementedError(f"no plain SQL for {type(item).__name__}; add it here")
    return counts


def model_counts(schema: pa.DataFrameSchema, candidate: str) -> list[str]:
    """One aggregate per pandera check, over the rows where `candidate` (a SQL condition) holds."""
    counts = []
    for name, column in schema.columns.items():
        if not column.nullable:
            counts.append(f"count(*) FILTER (WHERE {candidate} AND {name} IS NULL)")
        if column.unique:
            counts.append(
                f"count({name}) FILTER (WHERE {candidate}) "
                f"- count(DISTINCT {name}) FILTER (WHERE {candidate})"
            )
        for check in column.checks:
            statistics = check.statistics
            if "allowed_values" in statistics:
                condition = f"{name} NOT IN ({_in_list(list(statistics['allowed_values']))})"
            elif "pattern" in statistics:
                pattern = getattr(statistics["pattern"], "pattern", statistics["pattern"])
                condition = f"NOT regexp_matches({name}, {_literal(pattern)})"
            elif "min_value" in statistics:
                condition = f"{name} < {_literal(statistics['min_value'])}"
            elif "max_value" in statistics:
                condition = f"{name} > {_literal(statistics['max_value'])}"
            else:
                raise NotImplementedError(f"no plain SQL for pandera check {check.name} on {name}")
            counts.append(f"count(*) FILTER (WHERE {candidate} AND {condition})")
    return counts


def plain_sql(
    suite: Sequence[Expectation] | None,
    model: type[pa.DataFrameModel] | None,
    relation: str,
    columns: Sequence[str],
    candidate: str,
) -> str:
    """Every gate check as one SELECT over `relation`; each output column counts offenders."""
    counts = [
        *(suite_counts(suite, relation, columns, candidate) if suite else []),
        *(model_counts(model, candidate) if model else []),
    ]
    return "SELECT\n    " + ",\n    ".join(counts) + f"\nFROM {relation}"
