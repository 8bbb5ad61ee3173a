"""The 27-cell heat map as data: read from gold, laid out as the reference grid."""

from __future__ import annotations

from dataclasses import dataclass

INTERVENTIONS = ("prevention", "protection", "prosecution")
CONDITIONS = ("supply", "demand", "distribution")
LEVELS = ("individual", "community", "system")


@dataclass(frozen=True)
class CellScore:
    cell_id: str
    intervention: str
    condition: str
    level: str
    score: float
    data_set_count: int
    best_data_set: str | None


def grid_columns() -> list[tuple[str, str]]:
    """The nine columns of the grid: intervention x condition, in reading order."""
    return [(i, c) for i in INTERVENTIONS for c in CONDITIONS]


def as_grid(cells: list[CellScore]) -> dict[str, dict[tuple[str, str], CellScore]]:
    """level -> (intervention, condition) -> cell; raises if a cell is missing or repeated."""
    grid: dict[str, dict[tuple[str, str], CellScore]] = {level: {} for level in LEVELS}
    for cell in cells:
        slot = (cell.intervention, cell.condition)
        if slot in grid[cell.level]:
            raise ValueError(f"cell {cell.cell_id} appears twice in the scores")
        grid[cell.level][slot] = cell
    missing = [
        f"{i}.{c}.{level}"
        for level in LEVELS
        for i, c in grid_columns()
        if (i, c) not in grid[level]
    ]
    if missing:
        raise ValueError(f"the scores lack cells {missing}; rebuild gold.taxonomy_cell_scores")
    return grid


def read_cell_scores(connection) -> list[CellScore]:
    rows = connection.execute(
        "select cell_id, intervention, condition, level, cell_score, data_set_count, "
        "best_data_set from gold.taxonomy_cell_scores order by cell_id"
    ).fetchall()
    return [CellScore(*row) for row in rows]


def read_dimension_scores(connection) -> tuple[float, dict[str, float]]:
    """The overall score and the nine dimension averages, from gold."""
    rows = connection.execute(
        "select dimension, dimension_value, average_score from gold.taxonomy_dimension_scores"
    ).fetchall()
    overall = next(score for dimension, _, score in rows if dimension == "overall")
    return overall, {value: score for dimension, value, score in rows if dimension != "overall"}
