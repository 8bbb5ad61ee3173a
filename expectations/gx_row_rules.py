"""Row rules written in SQL, for rules no built-in expectation states (one column against another,
casts, joins).

`ExpectNoViolatingRows` is GX's `UnexpectedRowsExpectation` reporting what a gate needs at the
result format the gate uses: GX's own class returns only the count unless the result format
is COMPLETE, and COMPLETE would also lift the limit on every other expectation's examples.

GX fetches at most 200 rows of the query, but the DuckDB engine buffers its whole result, so
select only the columns that identify a violating row.
"""

from __future__ import annotations

from typing import Any, ClassVar

from great_expectations.expectations import UnexpectedRowsExpectation

from expectations.gate_result import MAX_EXAMPLES


class ExpectNoViolatingRows(UnexpectedRowsExpectation):
    """Passes when `unexpected_rows_query` (SQL over `{batch}`) returns no row."""

    metric_dependencies: ClassVar[tuple[str, ...]] = (
        *UnexpectedRowsExpectation.metric_dependencies,
        "table.row_count",
    )

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        violating = metrics["unexpected_rows_query.row_count"]
        total = metrics["table.row_count"]
        return {
            "success": violating == 0,
            "result": {
                "observed_value": violating,
                "element_count": total,
                "unexpected_count": violating,
                "unexpected_percent": 100 * violating / total if total else None,
                "partial_unexpected_list": metrics["unexpected_rows_query.table"][:MAX_EXAMPLES],
            },
        }
