"""The worked example in docs/analyst.md ("Scoring, a worked example"), computed by the real
models."""

import csv

import duckdb
import pytest

from orchestration.platform.settings import REPO_ROOT

SEEDS = REPO_ROOT / "taxonomy_seeds"
CRITERIA = [
    ("freshness", "reliability_validity"),
    ("definitional_consistency", "reliability_validity"),
    ("completeness", "reliability_validity"),
    ("taxonomic_applicability", "reliability_validity"),
    ("temporal_coverage", "coverage"),
    ("geographic_coverage", "coverage"),
    ("demographic_coverage", "coverage"),
]
# criterion scores 0-3 in the order above, and the cells each data set's records feed
EXAMPLE = {
    "screenings": (
        [3, 2, 3, 3, 2, 1, 3],
        ["prevention.supply.individual", "protection.supply.individual"],
    ),
    "hotline": (
        [2, 3, 3, 2, 3, 3, 0],
        ["protection.supply.individual", "protection.supply.community"],
    ),
    "prosecutions": (
        [1, 3, 2, 3, 2, 2, 1],
        ["prosecution.distribution.system", "prosecution.demand.system"],
    ),
}


@pytest.fixture(scope="module")
def gold(compiled_sql):
    connection = duckdb.connect()
    connection.execute("attach ':memory:' as warehouse; use warehouse")
    for schema in ("reference", "intermediate", "gold"):
        connection.execute(f"create schema {schema}")
    for seed in ("taxonomy_cells", "scoring_settings"):
        connection.execute(
            f"create table reference.{seed} as "
            f"from read_csv('{SEEDS}/{seed}.csv', all_varchar = true)"
        )
    connection.execute(
        "create table intermediate.int_data_set_criterion_scores (data_set varchar, criterion "
        "varchar, criterion_group varchar, weight double, measured_value double, "
        "criterion_score integer)"
    )
    connection.execute(
        "create table intermediate.int_data_set_measures "
        "(data_set varchar, record_count bigint, newest_record_date date)"
    )
    connection.execute(
        "create table intermediate.int_data_set_cells (data_set varchar, cell_id varchar)"
    )
    for data_set, (scores, cells) in EXAMPLE.items():
        for (criterion, group), score in zip(CRITERIA, scores, strict=True):
            connection.execute(
                "insert into intermediate.int_data_set_criterion_scores values (?, ?, ?, 1, 0, ?)",
                [data_set, criterion, group, score],
            )
        connection.execute(
            "insert into intermediate.int_data_set_measures values (?, 100, date '2024-01-01')",
            [data_set],
        )
        for cell in cells:
            connection.execute(
                "insert into intermediate.int_data_set_cells values (?, ?)", [data_set, cell]
            )
    for model, sql in compiled_sql.items():
        connection.execute(f"create table gold.{model} as {sql}")
    return connection


def test_each_data_set_scores_its_two_groups_on_0_to_10(gold):
    scores = gold.execute(
        "select data_set, reliability_validity_score, coverage_score, quality_score "
        "from gold.dataset_quality_scores order by data_set"
    ).fetchall()
    assert scores == [
        ("hotline", 2.5, 2.0, 7.5),
        ("prosecutions", 2.25, 1.6667, 6.53),
        ("screenings", 2.75, 2.0, 7.92),
    ]


def test_cells_take_their_best_data_set_and_empty_cells_score_zero(gold):
    fed = dict(
        gold.execute(
            "select cell_id, cell_score from gold.taxonomy_cell_scores where cell_score > 0"
        ).fetchall()
    )
    assert fed == {
        "prevention.supply.individual": 7.92,
        "protection.supply.individual": 7.92,
        "protection.supply.community": 7.5,
        "prosecution.distribution.system": 6.53,
        "prosecution.demand.system": 6.53,
    }
    with (SEEDS / "taxonomy_cells.csv").open() as seed:
        assert len(list(csv.DictReader(seed))) == 27


def test_dimension_averages_and_the_overall_score(gold):
    averages = {
        value: score
        for value, score in gold.execute(
            "select dimension_value, average_score from gold.taxonomy_dimension_scores"
        ).fetchall()
    }
    assert averages == {
        "prevention": 0.88,
        "protection": 1.71,
        "prosecution": 1.45,
        "supply": 2.59,
        "demand": 0.73,
        "distribution": 0.73,
        "individual": 1.76,
        "community": 0.83,
        "system": 1.45,
        "all": 1.35,
    }


def test_filling_an_empty_cell_with_a_median_data_set_adds_its_share(gold):
    (median, before, after) = gold.execute(
        "select added_data_set_score, overall_score, overall_score_if_added "
        "from gold.coverage_gaps where gap_rank = 1"
    ).fetchone()
    assert (median, before, after) == (7.5, 1.3481, 1.6259)
