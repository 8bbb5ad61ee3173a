"""Properties of the cell and dimension scoring, checked on the real gold models' SQL.

The models are compiled by dbt once, then run in an in-memory DuckDB over generated inputs:
any set of data sets, scores and cell feeds.
"""

from __future__ import annotations

import csv

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.platform.settings import REPO_ROOT

SEEDS = REPO_ROOT / "taxonomy_seeds"
CELLS = [row["cell_id"] for row in csv.DictReader((SEEDS / "taxonomy_cells.csv").open())]
MODELS = ("taxonomy_cell_scores", "taxonomy_dimension_scores")


def score(compiled_sql, data_sets: dict[str, float], feeds: set[tuple[str, str]], rule="max"):
    """Run the gold models over the given data set scores and cell feeds."""
    connection = duckdb.connect()
    connection.execute("attach ':memory:' as warehouse; use warehouse")
    for schema in ("reference", "intermediate", "gold"):
        connection.execute(f"create schema {schema}")
    connection.execute(
        f"create table reference.taxonomy_cells as from read_csv('{SEEDS}/taxonomy_cells.csv')"
    )
    connection.execute(
        "create table reference.scoring_settings as "
        f"select 'cell_score_rule' as setting, '{rule}' as value"
    )
    connection.execute(
        "create table gold.dataset_quality_scores (data_set varchar, quality_score double)"
    )
    if data_sets:
        connection.executemany(
            "insert into gold.dataset_quality_scores values (?, ?)", list(data_sets.items())
        )
    connection.execute(
        "create table intermediate.int_data_set_cells (data_set varchar, cell_id varchar)"
    )
    if feeds:
        connection.executemany(
            "insert into intermediate.int_data_set_cells values (?, ?)", sorted(feeds)
        )
    for model in MODELS:
        connection.execute(f"create table gold.{model} as {compiled_sql[model]}")
    cells = dict(
        connection.execute("select cell_id, cell_score from gold.taxonomy_cell_scores").fetchall()
    )
    dimensions = {
        (d, v): s
        for d, v, s in connection.execute(
            "select dimension, dimension_value, average_score from gold.taxonomy_dimension_scores"
        ).fetchall()
    }
    return cells, dimensions


hub_states = st.dictionaries(
    st.sampled_from([f"data_set_{i}" for i in range(8)]),
    st.floats(min_value=0, max_value=10, allow_nan=False).map(lambda x: round(x, 2)),
    max_size=8,
).flatmap(
    lambda scores: st.tuples(
        st.just(scores),
        st.sets(st.tuples(st.sampled_from(sorted(scores) or ["none"]), st.sampled_from(CELLS)))
        if scores
        else st.just(set()),
    )
)
quick = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@quick
@given(hub_states)
def test_overall_is_the_mean_of_interventions_and_of_levels(compiled_sql, state):
    cells, dimensions = score(compiled_sql, *state)
    assert len(cells) == 27
    overall = dimensions[("overall", "all")]
    interventions = [
        dimensions[("intervention", v)] for v in ("prevention", "protection", "prosecution")
    ]
    levels = [dimensions[("level", v)] for v in ("individual", "community", "system")]
    # each average is rounded to two decimals, so they agree to within that rounding
    assert overall == pytest.approx(sum(interventions) / 3, abs=0.01)
    assert overall == pytest.approx(sum(levels) / 3, abs=0.01)
    assert overall == pytest.approx(sum(cells.values()) / 27, abs=0.005)


@quick
@given(
    hub_states, st.floats(min_value=0, max_value=10), st.sets(st.sampled_from(CELLS), min_size=1)
)
def test_adding_a_data_set_never_lowers_a_cell(compiled_sql, state, new_score, new_cells):
    scores, feeds = state
    before, _ = score(compiled_sql, scores, feeds)
    after, _ = score(
        compiled_sql,
        {**scores, "added": round(new_score, 2)},
        feeds | {("added", cell) for cell in new_cells},
    )
    assert all(after[cell] >= before[cell] for cell in CELLS)


@quick
@given(hub_states, st.floats(min_value=0.5, max_value=10), st.data())
def test_a_data_set_in_an_empty_cell_raises_the_overall_score(compiled_sql, state, new_score, data):
    scores, feeds = state
    fed = {cell for _, cell in feeds}
    empty = [cell for cell in CELLS if cell not in fed]
    if not empty:
        return
    cell = data.draw(st.sampled_from(empty))
    _, before = score(compiled_sql, scores, feeds)
    _, after = score(
        compiled_sql, {**scores, "added": round(new_score, 2)}, feeds | {("added", cell)}
    )
    assert after[("overall", "all")] > before[("overall", "all")]
