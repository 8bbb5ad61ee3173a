"""Building batches from Python rows: records (JSON, XML, APIs, features) and cell grids.

Record sources name their fields per record, so the column set is fixed when the first
batch is built (the fields seen in its records plus any declared `columns:`); a later record
that brings a field outside that set is rejected with a message that says how to land it,
since one object's batches must share a schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from adapters.base import AdapterError, AdapterOptions, AdapterResult, Rejection
from adapters.column_plan import (
    ColumnPlan,
    apply_plan,
    header_from_rows,
    plan_columns,
    string_table,
)


def scalar_text(value: Any) -> str | None:
    """A JSON-like value as the text a contributor would recognise (nested values as JSON)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def flatten(record: dict[str, Any], separator: str = ".") -> dict[str, str | None]:
    """Nested objects become `parent.child` fields; arrays stay whole, as JSON text."""
    flat: dict[str, str | None] = {}
    pending: list[tuple[str, dict[str, Any]]] = [("", record)]
    while pending:
        prefix, current = pending.pop()
        for key, value in current.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict) and value:
                pending.append((f"{name}{separator}", value))
            else:
                flat[name] = scalar_text(value)
    return flat


class RecordBatcher:
    """Collects records into batches of `batch_rows`, all with the first batch's columns."""

    def __init__(self, options: AdapterOptions, source_name: str, report: dict[str, Any]) -> None:
        self.options = options
        self.source_name = source_name
        self.report = report
        self.plan: ColumnPlan | None = None
        self._known: set[str] = set()
        self._rows: list[dict[str, str | None]] = []
        self._lines: list[int | None] = []
        self._originals: list[str] = []
        self._rejections: list[Rejection] = []
        self._emitted = False
        self.total_rows = 0
        self.total_rejected = 0

    def add(self, record: dict[str, str | None], line: int | None, original: str) -> None:
        if self.plan is not None:
            unknown = [name for name in record if name not in self._known]
            if unknown:
                where = f"line {line}" if line is not None else "a record"
                self.reject(
                    line,
                    f"{where} has fields {unknown} that the first "
                    f"{self.options.batch_rows} records did not have; declare them under "
                    "`columns:` so they land; the row was quarantined",
                    original,
                )
                drift = self.report.setdefault("schema_drift", {"added": [], "missing": []})
                drift["added"].extend(name for name in unknown if name not in drift["added"])
                return
        self._rows.append(record)
        self._lines.append(line)
        self._originals.append(original)

    def reject(self, line: int | None, reason: str, original: str) -> None:
        self._rejections.append(Rejection(line, f"{self.source_name}: {reason}", original))

    @property
    def full(self) -> bool:
        return len(self._rows) >= self.options.batch_rows

    def _fix_columns(self) -> None:
        names: dict[str, None] = {}
        for row in self._rows:
            names.update(dict.fromkeys(row))
        source_of = {new: old for old, new in self.options.rename.items()}
        for declared in self.options.columns or []:
            names.setdefault(source_of.get(declared, declared), None)
        self.plan = plan_columns(list(names), self.options, self.source_name, self.report)
        self._known = set(self.plan.read_names)

    def flush(self) -> AdapterResult:
        if self.plan is None:
            self._fix_columns()
        assert self.plan is not None
        names = self.plan.read_names
        rows = [[row.get(name) for name in names] for row in self._rows]
        table = string_table(rows, names)
        lines, originals = self._lines, self._originals
        landed, mistyped = apply_plan(
            table,
            self.plan,
            self.options,
            self.source_name,
            line_of=lambda i: lines[i],
            original_of=lambda i: originals[i],
        )
        rejections = [*self._rejections, *mistyped]
        self._rows, self._lines, self._originals, self._rejections = [], [], [], []
        self._emitted = True
        self.total_rows += landed.num_rows
        self.total_rejected += len(rejections)
        self.report.update(rows=self.total_rows, rejected=self.total_rejected)
        return AdapterResult(landed, rejections, dict(self.report))

    def finish(self) -> Iterator[AdapterResult]:
        """The last batch, also when the object held no records at all."""
        if self._rows or self._rejections or not self._emitted:
            yield self.flush()


def grid_batches(
    rows: Iterable[tuple[int, Sequence[Any]]],
    options: AdapterOptions,
    source_name: str,
    report: dict[str, Any],
    describe_line: str = "line",
) -> Iterator[AdapterResult]:
    """Batches from a grid of cells (an HTML or PDF table): title rows, header, data rows.

    `rows` yields (line number, cells). A data row whose width differs from the header's is
    rejected with its cells, since its values cannot be placed in columns reliably.
    """
    rows = iter(rows)
    blanks = set(options.missing_values) - {""}
    for _ in range(options.rows_before_header):
        next(rows, None)
    header = [cells for _, cells in _take(rows, options.header_rows)]
    if options.header_rows and len(header) < options.header_rows:
        raise AdapterError(
            source_name,
            f"the table has {len(header)} rows, fewer than the title and header rows declared; "
            "check `skip_rows` and `header_rows`",
        )
    pending: list[tuple[int, Sequence[Any]]] = []
    if options.header_rows:
        names = options.column_names or header_from_rows(header, blanks)
    else:
        pending = _take(rows, 1)
        width = len(pending[0][1]) if pending else 0
        names = options.column_names or [f"column_{i}" for i in range(1, width + 1)]
    plan = plan_columns(names, options, source_name, report)
    report["columns"] = plan.names
    width = len(plan.read_names)
    batch: list[Sequence[Any]] = []
    lines: list[int] = []
    rejections: list[Rejection] = []
    totals = {"rows": 0, "rejected": 0}

    def emit() -> AdapterResult:
        table = string_table(batch, plan.read_names)
        batch_lines = list(lines)
        originals = [json.dumps(list(cells), ensure_ascii=False) for cells in batch]
        landed, mistyped = apply_plan(
            table,
            plan,
            options,
            source_name,
            line_of=lambda i: batch_lines[i],
            original_of=lambda i: originals[i],
        )
        result = AdapterResult(landed, [*rejections, *mistyped])
        totals["rows"] += landed.num_rows
        totals["rejected"] += len(result.rejections)
        report.update(totals)
        result.report = dict(report)
        batch.clear()
        lines.clear()
        rejections.clear()
        return result

    emitted = False
    for line, cells in [*pending, *rows]:
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if len(cells) != width:
            rejections.append(
                Rejection(
                    line,
                    f"{source_name}: {describe_line} {line} has {len(cells)} cells, expected "
                    f"{width}; the row was quarantined (check `skip_rows`/`header_rows`, or a "
                    "merged cell in the source table)",
                    json.dumps(list(cells), ensure_ascii=False),
                )
            )
            continue
        batch.append(cells)
        lines.append(line)
        if len(batch) >= options.batch_rows:
            emitted = True
            yield emit()
    if batch or rejections or not emitted:
        yield emit()


def _take(rows: Iterator[tuple[int, Sequence[Any]]], count: int) -> list:
    taken = []
    for _ in range(count):
        item = next(rows, None)
        if item is None:
            break
        taken.append(item)
    return taken
