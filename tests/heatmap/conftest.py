"""Crafted heat-map scores: 27 cells with distinct values, three unfed, one fed but scored 0."""

from __future__ import annotations

from statistics import mean

import pytest

from orchestration.publishing.heatmap import (
    CONDITIONS,
    INTERVENTIONS,
    LEVELS,
    CellScore,
    grid_columns,
)

UNFED_CELLS = {
    "prevention.demand.community",
    "protection.distribution.system",
    "prosecution.supply.individual",
}
FED_BUT_ZERO = "protection.demand.individual"
TOP_SCORE = "prosecution.distribution.system"


@pytest.fixture
def cells() -> list[CellScore]:
    """Apart from the special cases, each cell has a score no other has, so a misplaced one shows."""
    crafted = []
    for row, level in enumerate(LEVELS):
        for column, (intervention, condition) in enumerate(grid_columns()):
            cell_id = f"{intervention}.{condition}.{level}"
            position = row * len(grid_columns()) + column
            if cell_id in UNFED_CELLS:
                score, count, best = 0.0, 0, None
            elif cell_id == FED_BUT_ZERO:
                score, count, best = 0.0, 1, "hotline_calls"
            elif cell_id == TOP_SCORE:
                score, count, best = 10.0, 4, "federal_prosecutions"
            else:
                score, count, best = round(0.3 + (position * 7 % 27) * 0.35, 1), 2, "screenings"
            crafted.append(CellScore(cell_id, intervention, condition, level, score, count, best))
    return crafted


@pytest.fixture
def averages(cells) -> dict[str, float]:
    """What gold.taxonomy_dimension_scores holds: each value's unweighted mean over nine cells."""
    by_value = {}
    for dimension, values in (
        ("intervention", INTERVENTIONS),
        ("condition", CONDITIONS),
        ("level", LEVELS),
    ):
        for value in values:
            by_value[value] = round(
                mean(c.score for c in cells if getattr(c, dimension) == value), 2
            )
    return by_value


@pytest.fixture
def overall(cells) -> float:
    return round(mean(c.score for c in cells), 2)


@pytest.fixture
def title() -> str:
    # Markup characters prove the title is escaped, not injected into the page.
    return "Evidence heat map: demo estate <2026> & partners"
