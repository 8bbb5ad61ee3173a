"""What an outsider can work out from a published table, checked independently of the code.

A suppressed value is recoverable when its indicator vector lies in the row space of the
equations the outsider knows (each published total minus the published cells it covers): the
rank of the equations does not grow when the vector is added.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import polars as pl

from orchestration.lib.trust.suppression import TOTAL_OVER, suppressed_flag


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
