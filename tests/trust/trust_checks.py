"""What an outsider can work out from what the hub publishes, checked independently of the code,
and the built hub that the trust's tests attack.

A suppressed value is recoverable when its indicator vector lies in the row space of the
equations the outsider knows (each published total minus the published cells it covers): the
rank of the equations does not grow when the vector is added.

Differencing works across tables: a figure of one table minus the published parts of another
(or of the same) along a margin both share gives away the sum of the parts withheld there.

The built hub they attack is tests/built_hub.py's (one full run for the session).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from orchestration.trust.suppression import TOTAL_OVER, suppressed_flag

if TYPE_CHECKING:
    pass


def margins(
    frame: pl.DataFrame, dimensions: Sequence[str], partition_by: Sequence[str] = ()
) -> list[tuple[tuple[str, ...], list[int]]]:
    """Every margin of every partition: the dimensions summed out and the rows it adds up."""
    rows = frame.select(*partition_by, *dimensions).rows()
    groups: dict[tuple, list[int]] = {}
    for size in range(1, len(dimensions) + 1):
        for summed in itertools.combinations(range(len(dimensions)), size):
            for index, row in enumerate(rows):
                partition, coordinates = row[: len(partition_by)], row[len(partition_by) :]
                key = tuple(None if p in summed else v for p, v in enumerate(coordinates))
                groups.setdefault((partition, summed, key), []).append(index)
    return [
        (tuple(dimensions[p] for p in summed), members)
        for (_, summed, _), members in groups.items()
    ]


def recoverable(unknown: Sequence[int], equations: list[list[int]], target: Sequence[int]) -> bool:
    """Whether the sum of the `target` rows follows from the equations over `unknown` rows."""
    position = {row: p for p, row in enumerate(unknown)}
    hidden = [row for row in target if row in position]
    if not hidden:
        return True
    reduced = [[r for r in equation if r in position] for equation in equations]
    reduced = [equation for equation in reduced if equation]
    if not reduced:
        return False
    matrix = np.zeros((len(reduced), len(unknown)))
    for i, equation in enumerate(reduced):
        for row in equation:
            matrix[i, position[row]] = 1
    vector = np.zeros((1, len(unknown)))
    for row in hidden:
        vector[0, position[row]] = 1
    return np.linalg.matrix_rank(np.vstack([matrix, vector])) == np.linalg.matrix_rank(matrix)


def published_equations(
    cells: pl.DataFrame,
    totals: pl.DataFrame,
    dimensions: Sequence[str],
    partition_by: Sequence[str] = (),
) -> list[list[int]]:
    """The published totals, each as the list of cell rows it adds up."""
    count_flags = [c for c in totals.columns if c.endswith("_suppressed")]
    published = totals.filter(~pl.col(count_flags[0]))
    cell_rows = cells.select(*partition_by, *dimensions).rows()
    equations = []
    for total in published.iter_rows(named=True):
        summed = set(total[TOTAL_OVER].split(","))
        members = [
            index
            for index, row in enumerate(cell_rows)
            if all(row[i] == total[c] for i, c in enumerate(partition_by))
            and all(
                d in summed or row[len(partition_by) + i] == total[d]
                for i, d in enumerate(dimensions)
            )
        ]
        equations.append(members)
    return equations


def hidden_rows(cells: pl.DataFrame, count: str) -> list[int]:
    return [i for i, flag in enumerate(cells[suppressed_flag(count)].to_list()) if flag]


def true_totals(
    original: pl.DataFrame,
    totals: pl.DataFrame,
    count: str,
    dimensions: Sequence[str],
    partition_by: Sequence[str] = (),
) -> pl.DataFrame:
    """The published totals' rows with the true value of each, from the unsuppressed cells."""
    keys = [*partition_by, *dimensions]
    levels = []
    for level in totals[TOTAL_OVER].unique().to_list():
        summed = level.split(",")
        levels.append(
            original.group_by([k for k in keys if k not in summed])
            .agg(pl.col(count).sum())
            .with_columns(
                pl.lit(level).alias(TOTAL_OVER),
                *[pl.lit(None, original.schema[d]).alias(d) for d in summed],
            )
        )
    truth = pl.concat(levels, how="diagonal").select(*keys, TOTAL_OVER, count)
    return totals.select(*keys, TOTAL_OVER).join(
        truth, on=[*keys, TOTAL_OVER], how="left", nulls_equal=True, maintain_order="left"
    )


@dataclass(frozen=True)
class Table:
    """A table as it leaves the hub, what its declaration tells anyone about it, and (for the
    check only, never published) the true value of each of its counts."""

    frame: pl.DataFrame
    counts: tuple[str, ...]
    keys: tuple[str, ...] = ()  # columns that say which part of the population a row counts
    never_summed: tuple[str, ...] = ()  # keys whose values are never added (indicator, data set)
    data_sets: tuple[str, ...] | None = None  # what the table describes, if not in a column
    data_set_column: str | None = None
    truth: pl.DataFrame | None = None  # the frame with each count's true value


@dataclass(frozen=True)
class Disclosure:
    figure: str
    minus: str
    revealed: float

    def __str__(self) -> str:
        return f"{self.figure} minus {self.minus} = {self.revealed:g}"


def differencing(tables: Mapping[str, Table], threshold: int) -> list[Disclosure]:
    """Every value from 1 to threshold - 1 that a published figure of one table minus the
    published parts of another (or the same) table gives away.

    For every figure (a published count) of table A and every table B holding withheld
    values, B's rows are taken one level of totals at a time (its cells, or its totals that
    sum out the same dimensions) and grouped by the keys A's row fixes and B shares; keys A's
    row leaves open are summed over, except those whose values are never added. A's data set,
    where B has no column for it, is guessed to be any data set B describes. The figure minus
    the published parts of the group is what an outsider takes for the withheld parts; where it
    is their true sum and lies from 1 to threshold - 1, it is a disclosure.
    """
    found = []
    for b_name, b in tables.items():
        for count in b.counts:
            flag = suppressed_flag(count)
            if flag not in b.frame.columns or not b.frame[flag].any() or b.truth is None:
                continue
            rows = b.frame.with_columns(b.truth[count].alias("_true"))
            levels = (
                rows.partition_by(TOTAL_OVER, as_dict=True)
                if TOTAL_OVER in rows.columns
                else {("",): rows}
            )
            for (level,), parts in sorted(levels.items()):
                for a_name, a in tables.items():
                    found += _differences(a_name, a, b_name, b, count, level, parts, threshold)
    return found


def _differences(
    a_name: str,
    a: Table,
    b_name: str,
    b: Table,
    count: str,
    level: str,
    parts: pl.DataFrame,
    threshold: int,
) -> list[Disclosure]:
    flag = suppressed_flag(count)
    kept = [k for k in b.keys if k in parts.columns and parts[k].null_count() < parts.height]
    summed = [k for k in b.keys if k not in kept]
    found = []
    figures = [c for c in a.frame.columns if c in a.counts or suppressed_flag(c) in a.frame.columns]
    for figure in figures:
        if figure.endswith("_suppressed") or not a.frame[figure].dtype.is_numeric():
            continue
        rows = a.frame.filter(pl.col(figure).is_not_null())
        # rows of a totals table fix different keys: one pass per set of keys fixed
        fixing = rows.select([pl.col(k).is_not_null().alias(k) for k in a.keys])
        for pattern in fixing.unique().iter_rows(named=True) if a.keys else [{}]:
            fixed = [k for k in a.keys if pattern[k]]
            matching = rows.filter(
                [pl.col(k).is_not_null() == pattern[k] for k in a.keys] or pl.lit(True)
            )
            if any(k in summed for k in fixed):
                continue  # A's figure is narrower than B's parts at this level
            on = [k for k in fixed if k in kept]
            unmatched = [k for k in fixed if k not in b.frame.columns]
            if any(k != a.data_set_column for k in unmatched):
                continue  # A counts a part of the population B does not split by
            if unmatched and b.data_sets is not None:
                matching = matching.filter(pl.col(a.data_set_column).is_in(list(b.data_sets)))
            grouped = [k for k in b.never_summed if k in kept and k not in on]
            groups = (
                parts.group_by([*on, *grouped])
                .agg(
                    pl.col(count).filter(~pl.col(flag)).sum().alias("_shown"),
                    pl.col("_true").filter(pl.col(flag)).sum().alias("_withheld"),
                )
                .filter((pl.col("_withheld") > 0) & (pl.col("_withheld") < threshold))
            )
            if (
                b.data_set_column in grouped
                and a.data_set_column not in a.frame.columns
                and a.data_sets is not None
            ):
                groups = groups.filter(pl.col(b.data_set_column).is_in(list(a.data_sets)))
            if groups.is_empty() or matching.is_empty():
                continue
            guessed = [a.data_set_column] if unmatched else []
            pairs = matching.select(*on, *guessed, pl.col(figure).alias("_figure"))
            pairs = pairs.join(groups, on=on) if on else pairs.join(groups, how="cross")
            hits = pairs.filter(
                ((pl.col("_figure") - pl.col("_shown")) - pl.col("_withheld")).abs() < 1e-6
            )
            for hit in hits.iter_rows(named=True):
                where = {k: hit[k] for k in (*guessed, *on)}
                parts_of = {k: hit[k] for k in grouped}
                found.append(
                    Disclosure(
                        figure=f"{a_name}.{figure} {where or ''}".strip(),
                        minus=f"the published {b_name} ({level or 'cells'}) "
                        f"{parts_of or ''}".strip(),
                        revealed=hit["_withheld"],
                    )
                )
    return found
