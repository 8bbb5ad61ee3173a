"""Small-cell suppression of counts of people and cases, with complementary suppression.

A cross-tabulation (e.g. screenings by state x year x concern level) is protected in four steps:

1. Primary: a count with 0 < value < threshold is suppressed (shown as null).
2. Lines: a line is the cells that differ in one dimension only (a row or a column); its total
   is a row or column total that anyone may publish. A line holding exactly one suppressed cell
   would give that cell away as the total minus the others, so the smallest other cell of the
   line (non-zero first) is suppressed too, over every dimension, until nothing changes.
3. Audit: step 2 misses combinations (a cell can be the difference of sums of several totals).
   Every margin total of at least `threshold` (any set of dimensions summed out) is assumed
   known, so the suppressed cells of each must add up to 0 or at least `threshold` (a total
   minus the cells shown is their sum: two small cells of 3 and 5 would show as 8); then the
   linear system is solved, and if a primary cell is still determined the smallest free cell
   on one of its lines is suppressed and step 2 runs again.
4. Totals: the margins are published only where that determines no primary cell, no total
   below the threshold and no small sum of withheld parts (a published total minus the totals
   shown inside it, one level finer, is the sum of those withheld there). Small totals are
   withheld, and published totals are withheld, smallest first among those whose withholding
   hides the value, until the audit of exactly what is published passes.

Another table may publish a sum of a cross-tabulation's cells (a data set's record count is
its cross-tabulation's grand total). `withhold_sums` publishes such a figure only where the
cross-tabulation publishes that same total, so the figure adds nothing to what was audited.

Zero is published: it is not a small count, and a group-by mart has no rows for it anyway.
Columns in `partition_by` separate tables whose counts never add up (different indicators).
The audit is exact for disclosure of a value; bounds implied by non-negativity are not audited.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from orchestration.platform.settings import REPO_ROOT

MINIMUM_THRESHOLD = 11
OVERRIDE_VARIABLE = "HUB_SMALL_CELL_THRESHOLD_OVERRIDE"
SCORING_SETTINGS = REPO_ROOT / "taxonomy_seeds" / "scoring_settings.csv"
TOTAL_OVER = "total_over"
_SUMMED = object()  # a dimension summed out of a margin (distinct from a null value)


class SuppressionError(ValueError):
    pass


def suppressed_flag(count: str) -> str:
    """The column that says whether `count` was suppressed in a row."""
    return f"{count}_suppressed"


def check_threshold(threshold: int, allow_below_minimum: bool = False) -> int:
    if threshold < 1:
        raise SuppressionError(f"small-cell threshold {threshold} must be at least 1")
    if threshold < MINIMUM_THRESHOLD and not allow_below_minimum:
        raise SuppressionError(
            f"small-cell threshold {threshold} is below the minimum of {MINIMUM_THRESHOLD}; "
            f"raise small_cell_threshold in taxonomy_seeds/scoring_settings.csv, or set "
            f"{OVERRIDE_VARIABLE}=1 to publish smaller cells knowingly"
        )
    return threshold


def configured_threshold(
    settings: Path = SCORING_SETTINGS, allow_below_minimum: bool | None = None
) -> int:
    """The `small_cell_threshold` row of the scoring settings seed, checked."""
    with settings.open(newline="") as stream:
        values = {row["setting"]: row["value"] for row in csv.DictReader(stream)}
    try:
        threshold = int(values["small_cell_threshold"])
    except (KeyError, ValueError) as error:
        raise SuppressionError(
            f"{settings}: row small_cell_threshold is missing or not a whole number ({error})"
        ) from error
    if allow_below_minimum is None:
        allow_below_minimum = os.environ.get(OVERRIDE_VARIABLE, "").lower() in ("1", "true", "yes")
    return check_threshold(threshold, allow_below_minimum)


@dataclass(frozen=True)
class SuppressedTable:
    """The cells with suppressed counts as null, the publishable totals, and what was done."""

    cells: pl.DataFrame
    totals: pl.DataFrame | None
    primary: int
    complementary: int
    totals_withheld: int = 0


@dataclass
class _Cell:
    partition: tuple
    coordinates: tuple
    value: float | None  # None: suppressed upstream, value unknown here
    suppressed: bool
    primary: bool

    def order(self) -> tuple:
        # Non-zero before zero, then the smallest, then a stable tie-break on the key.
        value = math.inf if self.value is None else self.value
        return (value == 0, value, repr(self.partition), repr(self.coordinates))


@dataclass
class _Margin:
    partition: tuple
    summed: tuple[int, ...]  # positions of the dimensions summed out
    key: tuple
    cells: list[int]

    def order_key(self) -> tuple:
        return (repr(self.partition), self.summed, repr(self.key))


def suppress(
    table: pl.DataFrame | pa.Table,
    count: str,
    *,
    dimensions: Sequence[str] = (),
    partition_by: Sequence[str] = (),
    threshold: int = MINIMUM_THRESHOLD,
    allow_below_minimum: bool = False,
) -> SuppressedTable:
    """Suppress small values of `count`, and what would reveal them, along `dimensions`.

    Without dimensions each value stands alone (primary suppression only) and there are no
    totals. A null count in the input is taken as already suppressed (by this function).
    """
    check_threshold(threshold, allow_below_minimum)
    frame = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    missing = [c for c in (count, *dimensions, *partition_by) if c not in frame.columns]
    if missing:
        raise SuppressionError(f"columns {missing} are not in the table ({frame.columns})")
    flag = suppressed_flag(count)
    if flag in frame.columns:
        frame = frame.drop(flag)
    cells = [
        _Cell(
            partition=tuple(row[c] for c in partition_by),
            coordinates=tuple(row[c] for c in dimensions),
            value=row[count],
            suppressed=row[count] is None or 0 < row[count] < threshold,
            primary=row[count] is None or 0 < row[count] < threshold,
        )
        for row in frame.select(count, *dimensions, *partition_by).iter_rows(named=True)
    ]
    margins = _margins(cells, len(dimensions))
    margins_of = defaultdict(list)
    for margin_index, margin in enumerate(margins):
        for cell_index in margin.cells:
            margins_of[cell_index].append(margin_index)
    _protect_cells(cells, margins, margins_of, threshold)
    published = _publishable_totals(cells, margins, threshold)

    suppressed = pl.Series(flag, [cell.suppressed for cell in cells], pl.Boolean)
    result = frame.with_columns(
        pl.when(suppressed).then(None).otherwise(pl.col(count)).alias(count), suppressed
    )
    totals = None
    if dimensions:
        totals = _totals_frame(
            frame, cells, margins, published, count, dimensions, partition_by, flag
        )
    primary = sum(cell.primary for cell in cells)
    return SuppressedTable(
        cells=result,
        totals=totals,
        primary=primary,
        complementary=sum(cell.suppressed for cell in cells) - primary,
        totals_withheld=len(margins) - len(published),
    )


def small_counts(table: pl.DataFrame, counts: Iterable[str], threshold: int) -> dict[str, int]:
    """How many values of each count column lie strictly between 0 and the threshold."""
    found = {}
    for count in counts:
        if count in table.columns:
            small = table.filter((pl.col(count) > 0) & (pl.col(count) < threshold)).height
            if small:
                found[count] = small
    return found


def withhold_sums(
    table: pl.DataFrame,
    count: str,
    *,
    cells: pl.DataFrame,
    totals: pl.DataFrame,
    cross_count: str,
    dimensions: Sequence[str],
    by: Sequence[str] = (),
    where: Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """Withhold the values of `count` that are totals of a suppressed cross-tabulation, unless
    the cross-tabulation publishes that same total.

    In each row of `table` matching `where`, `count` is the sum of the cross-tabulation's cells
    (`cells` and `totals`, as `suppress` returned them, counting `cross_count` along
    `dimensions`) that share the row's values of `by`: every cell when `by` is empty. Such a
    value is published only where it equals the published total; a total the cross-tabulation
    withholds, or a value that is not the total it should be, becomes null, flagged in
    `<count>_suppressed`.
    """
    flag, cross_flag = suppressed_flag(count), suppressed_flag(cross_count)
    where = dict(where or {})
    missing = [c for c in (count, *by, *where) if c not in table.columns]
    if missing:
        raise SuppressionError(f"columns {missing} are not in the table ({table.columns})")
    summed = [d for d in dimensions if d not in by]
    shown = totals.filter(pl.col(TOTAL_OVER) == ",".join(summed)) if summed else cells
    published = {
        tuple(row[:-2]): None if row[-1] else row[-2]
        for row in shown.select(*by, cross_count, cross_flag).iter_rows()
    }
    withheld = []
    for row in table.select(count, *by, *where).iter_rows(named=True):
        key = tuple(row[c] for c in by)
        # a group without cells adds up to zero
        total = published.get(key, 0)
        withheld.append(
            row[count] is not None
            and all(row[c] == v for c, v in where.items())
            and (total is None or total != row[count])
        )
    withhold = pl.Series(flag, withheld, pl.Boolean)
    previous = table[flag] if flag in table.columns else table[count].is_null()
    return table.with_columns(
        pl.when(withhold).then(None).otherwise(pl.col(count)).alias(count),
        (previous | withhold).alias(flag),
    )


def _margins(cells: list[_Cell], dimension_count: int) -> list[_Margin]:
    """Every margin of every partition: each non-empty set of dimensions summed out."""
    if dimension_count == 0:
        return []
    groups: dict[tuple, list[int]] = defaultdict(list)
    subsets = [
        subset
        for size in range(1, dimension_count + 1)
        for subset in itertools.combinations(range(dimension_count), size)
    ]
    for index, cell in enumerate(cells):
        for summed in subsets:
            key = tuple(
                _SUMMED if position in summed else value
                for position, value in enumerate(cell.coordinates)
            )
            groups[(cell.partition, summed, key)].append(index)
    margins = [
        _Margin(partition, summed, key, members)
        for (partition, summed, key), members in groups.items()
    ]
    return sorted(margins, key=_Margin.order_key)


def _value(margin: _Margin, cells: list[_Cell]) -> float | None:
    values = [cells[i].value for i in margin.cells]
    return None if any(v is None for v in values) else sum(values)


def _protect_cells(
    cells: list[_Cell],
    margins: list[_Margin],
    margins_of: dict[int, list[int]],
    threshold: int,
) -> None:
    """Steps 2 and 3: the line rule to a fixed point, then the audit against known totals."""
    lines = [margin for margin in margins if len(margin.summed) == 1]
    narrowest_first = sorted(margins, key=lambda margin: len(margin.summed))
    while True:
        _apply_line_rule(cells, lines)
        # A total below the threshold is itself a small count that nobody may publish. One
        # that includes a cell suppressed upstream was audited there, against the values this
        # table no longer has, so suppressing a suppressed table again changes nothing.
        known = [
            margin
            for margin in narrowest_first
            if (value := _value(margin, cells)) is not None and value >= threshold
        ]
        if _widen_small_residual(cells, known, threshold):
            continue
        primaries = [i for i, cell in enumerate(cells) if cell.primary]
        determined = _determined(cells, [m.cells for m in known], [[i] for i in primaries])
        added = False
        for cell_index, is_determined in zip(primaries, determined, strict=True):
            if is_determined:
                candidate = _free_neighbour(cell_index, cells, margins, margins_of)
                if candidate is not None:
                    cells[candidate].suppressed = True
                    added = True
        if not added:
            # Nothing left to suppress next to a determined cell: step 4 keeps the hub's own
            # totals from revealing it.
            return


def _widen_small_residual(cells: list[_Cell], known: list[_Margin], threshold: int) -> bool:
    """Suppress one more cell in the first known total whose suppressed cells add up to a
    small count (the total minus the cells shown), if there is one."""
    for margin in known:
        residual = sum(cells[i].value for i in margin.cells if cells[i].suppressed)
        if 0 < residual < threshold:
            # the total is at least the threshold, so some cell of it is still shown
            free = [i for i in margin.cells if not cells[i].suppressed]
            cells[min(free, key=lambda i: cells[i].order())].suppressed = True
            return True
    return False


def _apply_line_rule(cells: list[_Cell], lines: list[_Margin]) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            suppressed = [i for i in line.cells if cells[i].suppressed]
            if len(suppressed) != 1:
                continue
            free = [i for i in line.cells if not cells[i].suppressed]
            if free:
                cells[min(free, key=lambda i: cells[i].order())].suppressed = True
                changed = True


def _free_neighbour(
    cell_index: int, cells: list[_Cell], margins: list[_Margin], margins_of: dict[int, list[int]]
) -> int | None:
    """The smallest unsuppressed cell sharing the narrowest possible margin with a cell."""
    for margin_index in sorted(margins_of[cell_index], key=lambda m: len(margins[m].summed)):
        free = [i for i in margins[margin_index].cells if not cells[i].suppressed]
        if free:
            return min(free, key=lambda i: cells[i].order())
    return None


def _publishable_totals(cells: list[_Cell], margins: list[_Margin], threshold: int) -> set[int]:
    """Step 4: the margins that can be published without revealing a protected value."""

    def is_small(value: float | None) -> bool:
        return value is None or 0 < value < threshold

    values = [_value(margin, cells) for margin in margins]
    parts = _parts(margins)
    published = {i for i, value in enumerate(values) if not is_small(value)}
    primaries = [[i] for i, cell in enumerate(cells) if cell.primary]
    while True:
        withheld = [i for i in range(len(margins)) if i not in published and is_small(values[i])]
        quantities = (
            primaries
            + [margins[i].cells for i in withheld]
            + _small_withheld_parts(cells, margins, parts, published, threshold)
        )
        equations = [margins[i].cells for i in sorted(published)]
        determined = _determined(cells, equations, quantities)
        revealed = next(
            (q for q, is_determined in zip(quantities, determined, strict=True) if is_determined),
            None,
        )
        if revealed is None:
            return published
        published.discard(_total_to_withhold(revealed, cells, margins, values, published))


def _total_to_withhold(
    revealed: list[int],
    cells: list[_Cell],
    margins: list[_Margin],
    values: list[float | None],
    published: set[int],
) -> int:
    """The published total to withhold so that `revealed` is no longer determined.

    Only totals the derivation of the value uses are candidates (withholding another leaves
    that derivation standing): the smallest whose withholding alone hides the value, else the
    smallest of them. A grand total, which another table may carry too, is the largest of its
    partition, so it goes last.
    """
    hidden = {i for i in revealed if cells[i].suppressed}
    partition = cells[min(hidden)].partition
    # totals of other partitions add up other cells: they neither determine nor hide it
    nearby = sorted(m for m in published if margins[m].partition == partition)

    def rank(m: int) -> tuple:
        return (values[m], margins[m].order_key())

    def hides(m: int) -> bool:
        equations = [margins[i].cells for i in nearby if i != m]
        return not _determined(cells, equations, [revealed])[0]

    used = _derivation(revealed, cells, [margins[m].cells for m in nearby])
    candidates = sorted((nearby[u] for u in used), key=rank)
    if not candidates:
        # Only published totals can determine a hidden value; getting here means the margins
        # are inconsistent.
        raise SuppressionError("a protected value is determined by no published total")
    return next((m for m in candidates if hides(m)), candidates[0])


def _derivation(quantity: list[int], cells: list[_Cell], equations: list[list[int]]) -> list[int]:
    """The equations (by position) a determined sum of cells is derived from: those weighing
    in the least-norm combination of equations that gives it. An equation outside it can be
    dropped and the same combination still gives the sum."""
    variables = sorted(
        {i for equation in equations for i in equation if cells[i].suppressed}
        | {i for i in quantity if cells[i].suppressed}
    )
    position = {v: p for p, v in enumerate(variables)}
    matrix = np.zeros((len(variables), len(equations)))
    for column, equation in enumerate(equations):
        for i in equation:
            if cells[i].suppressed:
                matrix[position[i], column] = 1.0
    target = np.zeros(len(variables))
    for i in quantity:
        if cells[i].suppressed:
            target[position[i]] = 1.0
    weights = np.linalg.lstsq(matrix, target, rcond=None)[0]
    return [column for column, weight in enumerate(weights) if abs(weight) > 1e-9]


def _parts(margins: list[_Margin]) -> dict[int, list[list[int]]]:
    """For each margin, the margins inside it that sum out fewer dimensions, one list per set
    of dimensions they sum out. Cells are not listed: step 3 covers them."""
    index = {(m.partition, m.summed, m.key): i for i, m in enumerate(margins)}
    found: dict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
    for i, margin in enumerate(margins):
        free = [p for p in range(len(margin.key)) if p not in margin.summed]
        for size in range(1, len(free) + 1):
            for more in itertools.combinations(free, size):
                summed = tuple(sorted((*margin.summed, *more)))
                key = tuple(_SUMMED if p in summed else v for p, v in enumerate(margin.key))
                found[(index[(margin.partition, summed, key)], margin.summed)].append(i)
    grouped: dict[int, list[list[int]]] = defaultdict(list)
    for (parent, _), members in sorted(found.items()):
        grouped[parent].append(members)
    return grouped


def _small_withheld_parts(
    cells: list[_Cell],
    margins: list[_Margin],
    parts: dict[int, list[list[int]]],
    published: set[int],
    threshold: int,
) -> list[list[int]]:
    """The cells of the withheld parts of a published total (at one level) where they add up to
    a small count: the total minus the parts shown would give it away."""
    found = []
    for parent in sorted(published):
        for members in parts.get(parent, []):
            hidden = [m for m in members if m not in published]
            if not hidden:
                continue
            union = [i for m in hidden for i in margins[m].cells]
            values = [cells[i].value for i in union]
            if any(v is None for v in values):
                continue
            if 0 < sum(values) < threshold:
                found.append(union)
    return found


def _determined(
    cells: list[_Cell], equations: list[list[int]], quantities: list[list[int]]
) -> list[bool]:
    """For each quantity (a sum of cells), whether the known totals fix its value.

    Unsuppressed cells are known, so each equation reduces to the sum of its suppressed cells.
    A sum is fixed when it is orthogonal to the null space of those equations; the system is
    solved per connected group of suppressed cells, which keeps the matrices small.
    """
    variables = sorted({i for i, cell in enumerate(cells) if cell.suppressed})
    if not quantities:
        return []
    parent = {v: v for v in variables}

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    reduced = [[i for i in equation if cells[i].suppressed] for equation in equations]
    reduced = [equation for equation in reduced if equation]
    for equation in reduced:
        for other in equation[1:]:
            parent[root(other)] = root(equation[0])
    components: dict[int, list[int]] = defaultdict(list)
    for v in variables:
        components[root(v)].append(v)
    equations_of: dict[int, list[list[int]]] = defaultdict(list)
    for equation in reduced:
        equations_of[root(equation[0])].append(equation)
    null_spaces = {
        component: _null_space(members, equations_of[component])
        for component, members in components.items()
    }

    answers = []
    for quantity in quantities:
        parts: dict[int, list[int]] = defaultdict(list)
        for i in quantity:
            if cells[i].suppressed:
                parts[root(i)].append(i)
        answers.append(
            all(_fixed(null_spaces[component], part) for component, part in parts.items())
        )
    return answers


def _null_space(
    members: list[int], equations: list[list[int]]
) -> tuple[dict[int, int], np.ndarray]:
    position = {v: p for p, v in enumerate(members)}
    if not equations:
        return position, np.eye(len(members))
    matrix = np.zeros((len(equations), len(members)))
    for row, equation in enumerate(equations):
        for v in equation:
            matrix[row, position[v]] = 1.0
    _, singular, vh = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(singular.max(), 1.0)).sum())
    return position, vh[rank:]


def _fixed(null_space: tuple[dict[int, int], np.ndarray], part: list[int]) -> bool:
    position, basis = null_space
    if basis.shape[0] == 0:
        return True
    vector = np.zeros(len(position))
    for v in part:
        vector[position[v]] = 1.0
    return bool(np.all(np.abs(basis @ vector) < 1e-9))


def _totals_frame(
    frame: pl.DataFrame,
    cells: list[_Cell],
    margins: list[_Margin],
    published: set[int],
    count: str,
    dimensions: Sequence[str],
    partition_by: Sequence[str],
    flag: str,
) -> pl.DataFrame:
    rows = []
    for index, margin in enumerate(margins):
        value = _value(margin, cells) if index in published else None
        row = dict(zip(partition_by, margin.partition, strict=True))
        for name, key in zip(dimensions, margin.key, strict=True):
            row[name] = None if key is _SUMMED else key
        row[TOTAL_OVER] = ",".join(dimensions[position] for position in margin.summed)
        row[count] = value
        row[flag] = index not in published
        rows.append(row)
    schema = {
        **{name: frame.schema[name] for name in (*partition_by, *dimensions)},
        TOTAL_OVER: pl.String,
        count: frame.schema[count],
        flag: pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)
