"""Hand-made explorer facts: a small hub, and one whose contributors write hostile text; and the
built hub's published gold as an analyst reads it."""

from __future__ import annotations

import csv
import dataclasses
import os
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date

from orchestration.platform.settings import REPO_ROOT, ObjectStore
from orchestration.publishing.explorer.facts import (
    CRITERIA,
    Cell,
    DataSetScore,
    Delivery,
    DimensionScore,
    ExplorerFacts,
    Gap,
    HistoryPoint,
    Publication,
    StateYear,
    read_rubric,
    read_settings,
)
from orchestration.publishing.heatmap import CONDITIONS, INTERVENTIONS, LEVELS, CellScore
from orchestration.publishing.publication import PublishedGold, reading
from orchestration.trust.identities import role_keys

# Each would run, break out of an attribute or leave its folder if it reached a page unescaped.
HOSTILE_DATA_SET = "evil'\"/../<b>set</b>"
HOSTILE_TITLE = "<script>window.__pwned = 'title'</script>\"'../../etc/passwd"
HOSTILE_CONTRIBUTOR = '"><img src=x onerror="window.__pwned=\'contributor\'">'
HOSTILE_CONTRIBUTOR_ID = "../'\"><script>window.__pwned='id'</script>"
HOSTILE_LABEL = "../../<svg onload=\"window.__pwned='label'\">"
HOSTILE_STATE = '<iframe src="https://example.com/"></iframe>Texas'
# the feeding of the small hub: cell -> data sets (the best first)
FEEDS = {
    "protection.supply.individual": ("hotline", "screenings"),
    "prevention.supply.individual": ("screenings",),
    "protection.supply.community": ("hotline",),
}
QUALITY = {"hotline": 6.94, "screenings": 5.0}
CRITERION_SCORES = {
    "hotline": (1, 3, 3, 3, 2, 3, 0),
    "screenings": (0, 2, 3, 3, 0, 0, 3),
}


def _cells(feeds: dict[str, tuple[str, ...]], quality: dict[str, float]) -> list[Cell]:
    with (REPO_ROOT / "taxonomy_seeds" / "taxonomy_cells.csv").open(newline="") as stream:
        seeded = {row["cell_id"]: row for row in csv.DictReader(stream)}
    cells = []
    for intervention in INTERVENTIONS:
        for condition in CONDITIONS:
            for level in LEVELS:
                cell_id = f"{intervention}.{condition}.{level}"
                fed = feeds.get(cell_id, ())
                score = max((quality[d] for d in fed), default=0.0)
                cells.append(
                    Cell(
                        CellScore(
                            cell_id,
                            intervention,
                            condition,
                            level,
                            score,
                            len(fed),
                            fed[0] if fed else None,
                        ),
                        seeded[cell_id]["name"],
                        tuple(sorted(fed)),
                        seeded[cell_id]["description"],
                        seeded[cell_id]["example_data"],
                    )
                )
    return cells


def _dimensions(cells: list[Cell], quality: dict[str, float]) -> list[DimensionScore]:
    def means(members: list[Cell]) -> tuple[float, float | None]:
        fed = {d for cell in members for d in cell.data_sets}
        mean_quality = round(sum(quality[d] for d in fed) / len(fed), 2) if fed else None
        return round(sum(c.score.score for c in members) / len(members), 2), mean_quality

    dimensions = []
    for dimension, values in (
        ("intervention", INTERVENTIONS),
        ("condition", CONDITIONS),
        ("level", LEVELS),
    ):
        for value in values:
            members = [c for c in cells if getattr(c.score, dimension) == value]
            dimensions.append(DimensionScore(dimension, value, *means(members)))
    dimensions.append(DimensionScore("overall", "all", *means(cells)))
    return dimensions


def _gaps(cells: list[Cell], median: float) -> list[Gap]:
    overall = sum(c.score.score for c in cells) / len(cells)
    rows = []
    for cell in cells:
        if_added = max(cell.score.score, median)
        gain = (if_added - cell.score.score) / len(cells)
        rows.append((cell, if_added, gain))
    rows.sort(key=lambda row: (-row[2], row[0].cell_id))
    return [
        Gap(
            cell.cell_id,
            rank,
            cell.score.data_set_count,
            cell.score.score,
            median,
            round(if_added, 2),
            round(overall, 4),
            round(overall + gain, 4),
            round(gain, 4),
        )
        for rank, (cell, if_added, gain) in enumerate(rows, start=1)
    ]


def _data_set(name: str, quality: float, scores: tuple[int, ...], records: int | None):
    return DataSetScore(
        data_set=name,
        as_of_date=date(2026, 12, 6),
        record_count=records,
        record_count_suppressed=records is None,
        newest_record_date=date(2024, 6, 30),
        values=dict(zip(CRITERIA, (2.93, 0.8, 0.995, 1.0, 0.5, 1.0, 0.0), strict=True)),
        scores=dict(zip(CRITERIA, scores, strict=True)),
        reliability_validity_score=2.5,
        coverage_score=1.6667,
        quality_score=quality,
    )


def small_hub(
    titles: dict[str, str] | None = None,
    contributor: tuple[str, str] = (
        "tx_dfps",
        "Texas Department of Family and Protective Services",
    ),
    label: str = "2024-03",
    state: str = "Texas",
    feeds: dict[str, tuple[str, ...]] = FEEDS,
    quality: dict[str, float] = QUALITY,
    criterion_scores: dict[str, tuple[int, ...]] = CRITERION_SCORES,
) -> ExplorerFacts:
    """Two data sets (or those `quality` names) feeding three cells, their histories,
    deliveries and coverage; screenings' record count withheld."""
    titles = titles or {"hotline": "National hotline statistics", "screenings": "Youth screenings"}
    cells = _cells(feeds, quality)
    names = sorted(quality)
    return ExplorerFacts(
        cells=cells,
        dimensions=_dimensions(cells, quality),
        gaps=_gaps(cells, sorted(quality.values())[len(quality) // 2]),
        data_sets=[
            _data_set(name, quality[name], criterion_scores[name], None if i else 1224)
            for i, name in enumerate(names)
        ],
        history=[
            HistoryPoint(day, name, 1224 if not i else None, bool(i), 2.5, 1.0, quality[name] - k)
            for i, name in enumerate(names)
            for k, day in enumerate((date(2026, 12, 6), date(2026, 11, 6)))
        ][::-1],
        coverage=[
            StateYear(name, "48", "TX", state, year) for name in names for year in (2022, 2024)
        ]
        + [StateYear(names[0], "22", "LA", "Louisiana", 2023)],
        deliveries=[
            Delivery(
                name,
                titles.get(name, name),
                contributor[0],
                contributor[1],
                "government",
                f"{contributor[0]}__{label}",
                label,
                2023,
                2024,
                date(2024, 6, 30),
            )
            for name in names
        ],
        rubric=read_rubric(),
        settings=read_settings(),
        threshold=11,
        publication=Publication(7, "2026-12-06 00:19:00 UTC"),
    )


def hostile_hub() -> ExplorerFacts:
    """A hub whose data set, title, contributor, delivery label and state name are attacks."""
    quality = {"hotline": 6.94, HOSTILE_DATA_SET: 7.5}
    feeds = {
        "protection.supply.individual": (HOSTILE_DATA_SET, "hotline"),
        "prevention.supply.system": (HOSTILE_DATA_SET,),
    }
    return small_hub(
        titles={HOSTILE_DATA_SET: HOSTILE_TITLE, "hotline": "National hotline statistics"},
        contributor=(HOSTILE_CONTRIBUTOR_ID, HOSTILE_CONTRIBUTOR),
        label=HOSTILE_LABEL,
        state=HOSTILE_STATE,
        feeds=feeds,
        quality=quality,
        criterion_scores={
            "hotline": CRITERION_SCORES["hotline"],
            HOSTILE_DATA_SET: CRITERION_SCORES["screenings"],
        },
    )


def with_record_count(facts: ExplorerFacts, count: int) -> ExplorerFacts:
    first = replace(facts.data_sets[0], record_count=count, record_count_suppressed=False)
    return replace(facts, data_sets=[first, *facts.data_sets[1:]])


def published_gold() -> AbstractContextManager:
    """The built hub's published gold, read as an analyst reads it (the `hub` fixture's
    environment set)."""
    key_id, secret = (os.environ[name] for name in role_keys("analyst"))
    store = dataclasses.replace(
        ObjectStore.from_environment(), access_key_id=key_id, secret_access_key=secret
    )
    return reading(PublishedGold.from_environment(), store)
