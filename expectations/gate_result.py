"""The outcome of a data-quality gate, in one shape for Great Expectations and pandera.

Everything in `GateResult.as_metadata()` is plain JSON (str, int, float, bool, None, lists and
dicts), so it can be handed straight to `dg.AssetCheckResult(metadata=...)`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_EXAMPLES = 10


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation (GX) or check (pandera) and what the data did to it."""

    expectation_type: str
    columns: list[str]
    kwargs: dict[str, Any]
    success: bool
    observed_value: Any = None
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    partial_unexpected_list: list[Any] = field(default_factory=list)
    error: str | None = None
    description: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "expectation_type": self.expectation_type,
            "columns": list(self.columns),
            "kwargs": jsonable(self.kwargs),
            "success": self.success,
            "observed_value": jsonable(self.observed_value),
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "unexpected_percent": jsonable(self.unexpected_percent),
            "partial_unexpected_list": jsonable(self.partial_unexpected_list[:MAX_EXAMPLES]),
            "error": self.error,
            "description": self.description,
        }

    def describe(self) -> str:
        """One line a data steward can read: what failed, where, how often, for example what."""
        target = f"({', '.join(self.columns)})" if self.columns else ""
        if self.description:
            target += f" [{self.description}]"
        if self.error:
            return f"{self.expectation_type}{target} could not be evaluated: {self.error}"
        if self.unexpected_count is not None:
            share = (
                f" ({self.unexpected_percent:.4g}%)" if self.unexpected_percent is not None else ""
            )
            examples = jsonable(self.partial_unexpected_list[:3])
            suffix = f", e.g. {examples}" if examples else ""
            return f"{self.expectation_type}{target}: {self.unexpected_count} unexpected{share}{suffix}"
        return f"{self.expectation_type}{target}: observed {jsonable(self.observed_value)}"


@dataclass(frozen=True)
class GateResult:
    """All outcomes of one gate run over one relation or frame."""

    engine: str
    relation: str
    success: bool
    outcomes: list[ExpectationOutcome]

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]

    @property
    def results(self) -> list[dict[str, Any]]:
        """Every outcome as a plain dict, in evaluation order."""
        return [outcome.as_dict() for outcome in self.outcomes]

    def describe(self) -> str:
        if self.success:
            return f"{self.relation}: all {len(self.outcomes)} expectations passed"
        lines = [
            f"{self.relation}: {len(self.failures)} of {len(self.outcomes)} expectations failed"
        ]
        lines += [f"  - {failure.describe()}" for failure in self.failures]
        return "\n".join(lines)

    def as_metadata(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "relation": self.relation,
            "success": self.success,
            "expectations_evaluated": len(self.outcomes),
            "expectations_failed": len(self.failures),
            "failures": [outcome.as_dict() for outcome in self.failures],
            "outcomes": self.results,
        }


def jsonable(value: Any) -> Any:
    """`value` as plain JSON: dates become ISO strings, NaN becomes None, sets become lists."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, decimal.Decimal):
        return jsonable(float(value))
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((jsonable(item) for item in value), key=str)
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    # numpy and Arrow scalars carry their Python value in .item() / .as_py()
    for unwrap in ("item", "as_py"):
        if callable(getattr(value, unwrap, None)):
            return jsonable(getattr(value, unwrap)())
    return str(value)
