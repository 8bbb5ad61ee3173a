"""What the explorer shows, read from the published gold: its counts already protected, its
tables the ones orchestration/trust/marts.yml releases. Never the working warehouse.

The taxonomy's seeds add what gold does not repeat: the rubric's thresholds, each cell's
description, and the cell score rule the scores were computed by.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from orchestration.platform.settings import REPO_ROOT, ObjectStore
from orchestration.publishing.heatmap import CellScore, as_grid
from orchestration.publishing.publication import PublishedGold, reading, snapshots
from orchestration.trust.suppression import configured_threshold

SEEDS = REPO_ROOT / "taxonomy_seeds"
# The published tables the explorer reads; each must be declared in orchestration/trust/marts.yml.
TABLES = (
    "taxonomy_cell_scores",
    "taxonomy_dimension_scores",
    "coverage_gaps",
    "dataset_quality_scores",
    "quality_score_history",
    "coverage_by_state_year",
    "data_set_deliveries",
)
CRITERIA = (
    "freshness",
    "definitional_consistency",
    "completeness",
    "taxonomic_applicability",
    "temporal_coverage",
    "geographic_coverage",
    "demographic_coverage",
)


class ExplorerError(RuntimeError):
    """The published gold lacks what the explorer shows; the message says what to run."""


@dataclass(frozen=True)
class Criterion:
    """A row of the scoring rubric: how a measured value becomes a 0-3 score."""

    name: str
    group: str
    measure: str
    unit: str
    thresholds: tuple[float, float, float]  # the value that earns a score of 1, 2 and 3
    direction: str  # higher_is_better or lower_is_better
    weight: float

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Cell:
    score: CellScore
    name: str
    data_sets: tuple[str, ...]
    description: str = ""
    example_data: str = ""

    @property
    def cell_id(self) -> str:
        return self.score.cell_id


@dataclass(frozen=True)
class DataSetScore:
    data_set: str
    as_of_date: date
    record_count: int | None  # None: withheld (record_count_suppressed)
    record_count_suppressed: bool
    newest_record_date: date | None
    values: dict[str, float | None]  # criterion -> measured value
    scores: dict[str, int | None]  # criterion -> 0-3
    reliability_validity_score: float
    coverage_score: float
    quality_score: float


@dataclass(frozen=True)
class Gap:
    cell_id: str
    gap_rank: int
    data_set_count: int
    cell_score: float
    added_data_set_score: float
    cell_score_if_added: float
    overall_score: float
    overall_score_if_added: float
    marginal_gain: float


@dataclass(frozen=True)
class DimensionScore:
    dimension: str  # intervention, condition, level or overall
    value: str
    average_score: float
    average_quality_score: float | None  # None: no data set feeds the value's cells


@dataclass(frozen=True)
class HistoryPoint:
    as_of_date: date
    data_set: str
    record_count: int | None
    record_count_suppressed: bool
    reliability_validity_score: float
    coverage_score: float
    quality_score: float


@dataclass(frozen=True)
class StateYear:
    data_set: str
    state_fips: str
    state_abbr: str
    state_name: str
    period_year: int


@dataclass(frozen=True)
class Delivery:
    data_set: str
    data_set_title: str
    contributor: str
    contributor_name: str
    contributor_kind: str | None
    delivery: str
    delivery_label: str
    first_period_year: int | None
    last_period_year: int | None
    newest_record_date: date | None


@dataclass(frozen=True)
class Publication:
    snapshot: int
    published_at: str


@dataclass(frozen=True)
class ExplorerFacts:
    cells: list[Cell]
    dimensions: list[DimensionScore]
    gaps: list[Gap]
    data_sets: list[DataSetScore]
    history: list[HistoryPoint]
    coverage: list[StateYear]
    deliveries: list[Delivery]
    rubric: list[Criterion]
    settings: dict[str, str]  # taxonomy_seeds/scoring_settings.csv: setting -> value
    threshold: int
    publication: Publication | None = None
    titles: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        as_grid([cell.score for cell in self.cells])  # all 27 cells, each once
        if not self.titles:
            titles = {d.data_set: d.data_set_title for d in self.deliveries if d.data_set_title}
            object.__setattr__(self, "titles", titles)

    @property
    def cell_score_rule(self) -> str:
        return self.settings.get("cell_score_rule", "max")

    @property
    def overall(self) -> DimensionScore:
        return next(d for d in self.dimensions if d.dimension == "overall")

    def title(self, data_set: str) -> str:
        return self.titles.get(data_set) or data_set

    def data_set(self, name: str) -> DataSetScore | None:
        return next((d for d in self.data_sets if d.data_set == name), None)

    def small_counts(self) -> list[str]:
        """Protected counts from 1 to threshold - 1: none may reach a page."""
        counted = [(f"dataset_quality_scores.{d.data_set}", d.record_count) for d in self.data_sets]
        counted += [
            (f"quality_score_history.{p.data_set}.{p.as_of_date}", p.record_count)
            for p in self.history
        ]
        return [
            f"{where}={count}"
            for where, count in counted
            if count is not None and 0 < count < self.threshold
        ]


def read_facts(
    connection: duckdb.DuckDBPyConnection, publication: Publication | None = None
) -> ExplorerFacts:
    """The explorer's facts from a connection whose tables are the published gold's (the
    published catalog in use, as `publication.connect` leaves it, or an extract's database)."""
    present = {row[0] for row in connection.execute("show tables").fetchall()}
    missing = [table for table in TABLES if table not in present]
    if missing:
        raise ExplorerError(
            f"the published gold lacks {', '.join(missing)}; declare them in "
            "orchestration/trust/marts.yml and publish again (`hub materialize`)"
        )
    try:
        return _facts(connection, publication)
    except KeyError as error:
        raise ExplorerError(
            f"the published gold lacks the column {error.args[0]}: it was published by an "
            "earlier version of the hub; publish again (`hub materialize`)"
        ) from error


def _facts(connection: duckdb.DuckDBPyConnection, publication: Publication | None) -> ExplorerFacts:
    seeded = _seeded_cells()
    cells = [
        Cell(
            CellScore(
                row["cell_id"],
                row["intervention"],
                row["condition"],
                row["level"],
                row["cell_score"],
                row["data_set_count"],
                row["best_data_set"],
            ),
            row["cell_name"],
            tuple(row["data_sets"] or ()),
            *seeded.get(row["cell_id"], ("", "")),
        )
        for row in _rows(connection, "from taxonomy_cell_scores order by cell_id")
    ]
    return ExplorerFacts(
        cells=cells,
        dimensions=[
            DimensionScore(
                row["dimension"],
                row["dimension_value"],
                row["average_score"],
                row["average_quality_score"],
            )
            for row in _rows(connection, "from taxonomy_dimension_scores")
        ],
        gaps=[
            Gap(**{name: row[name] for name in Gap.__dataclass_fields__})
            for row in _rows(connection, "from coverage_gaps order by gap_rank")
        ],
        data_sets=[
            DataSetScore(
                data_set=row["data_set"],
                as_of_date=row["as_of_date"],
                record_count=row["record_count"],
                record_count_suppressed=bool(row["record_count_suppressed"]),
                newest_record_date=row["newest_record_date"],
                values={c: row[f"{c}_value"] for c in CRITERIA},
                scores={c: row[f"{c}_score"] for c in CRITERIA},
                reliability_validity_score=row["reliability_validity_score"],
                coverage_score=row["coverage_score"],
                quality_score=row["quality_score"],
            )
            for row in _rows(connection, "from dataset_quality_scores order by data_set")
        ],
        history=[
            HistoryPoint(
                as_of_date=row["as_of_date"],
                data_set=row["data_set"],
                record_count=row["record_count"],
                record_count_suppressed=bool(row["record_count_suppressed"]),
                reliability_validity_score=row["reliability_validity_score"],
                coverage_score=row["coverage_score"],
                quality_score=row["quality_score"],
            )
            for row in _rows(connection, "from quality_score_history order by data_set, as_of_date")
        ],
        coverage=[
            StateYear(**row)
            for row in _rows(
                connection,
                "select data_set, state_fips, state_abbr, state_name, period_year "
                "from coverage_by_state_year order by data_set, state_name, period_year",
            )
        ],
        deliveries=[
            Delivery(**{name: row[name] for name in Delivery.__dataclass_fields__})
            for row in _rows(
                connection,
                "from data_set_deliveries order by data_set, contributor_name, "
                "first_period_year nulls last, delivery",
            )
        ],
        rubric=read_rubric(),
        settings=read_settings(),
        threshold=configured_threshold(),
        publication=publication,
    )


def read_rubric(path: Path = SEEDS / "scoring_rubric.csv") -> list[Criterion]:
    with path.open(newline="") as stream:
        rows = {row["criterion"]: row for row in csv.DictReader(stream)}
    missing = [c for c in CRITERIA if c not in rows]
    if missing:
        raise ExplorerError(f"{path} has no row for {', '.join(missing)}")
    return [
        Criterion(
            name=name,
            group=rows[name]["criterion_group"],
            measure=rows[name]["measure"],
            unit=rows[name]["unit"],
            thresholds=tuple(float(rows[name][f"threshold_{i}"]) for i in (1, 2, 3)),
            direction=rows[name]["direction"],
            weight=float(rows[name]["weight"]),
        )
        for name in CRITERIA
    ]


def read_settings(path: Path = SEEDS / "scoring_settings.csv") -> dict[str, str]:
    with path.open(newline="") as stream:
        return {row["setting"]: row["value"] for row in csv.DictReader(stream)}


def _seeded_cells(path: Path = SEEDS / "taxonomy_cells.csv") -> dict[str, tuple[str, str]]:
    with path.open(newline="") as stream:
        return {
            row["cell_id"]: (row["description"], row["example_data"])
            for row in csv.DictReader(stream)
        }


def _rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    result = connection.execute(sql)
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def latest_publication(connection: duckdb.DuckDBPyConnection) -> Publication:
    """The publication a connection to the published gold reads (`publication.connect`)."""
    snapshot, published_at, _ = snapshots(connection)[-1]
    return Publication(snapshot, published_at)


def read_published(published: PublishedGold, store: ObjectStore) -> ExplorerFacts:
    """The facts of the latest publication, read with `store`'s keys."""
    with reading(published, store) as connection:
        return read_facts(connection, latest_publication(connection))
