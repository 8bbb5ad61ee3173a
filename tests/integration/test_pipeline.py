"""The whole hub on a real object store: raw deliveries -> bronze -> silver -> gold.

Starts SeaweedFS on loopback, uploads the demo deliveries, runs the full_refresh job through
Dagster and reads the results back from the DuckDB warehouse and the lake.
"""

from __future__ import annotations

import csv

import duckdb
import pytest
from dagster import DagsterInstance
from dagster_dbt import DbtProject

from infra.demo.generate import generate_estate
from orchestration.lib.resources import open_duckdb
from orchestration.lib.settings import DBT_PROJECT_DIR, REPO_ROOT

pytestmark = pytest.mark.integration


def upload_estate(hub_env, tmp_path) -> list[str]:
    estate = tmp_path / "estate"
    generate_estate(estate, seed=7, scale=0.2)
    keys = []
    for path in sorted(estate.rglob("*")):
        relative = path.relative_to(estate)
        if path.is_file() and not relative.parts[0].startswith("_"):
            hub_env.fs.put_file(str(path), f"{hub_env.raw_bucket}/{relative.as_posix()}")
            keys.append(relative.as_posix())
    return keys


def run_full_refresh():
    from orchestration.definitions import defs

    job = defs().resolve_job_def("full_refresh")
    with DagsterInstance.get() as instance:
        return job.execute_in_process(instance=instance, raise_on_error=False)


def bronze_row_counts(hub_env) -> dict[str, int]:
    connection = open_duckdb(":memory:")
    connection.execute(hub_env.store.duckdb_secret_sql())
    return dict(
        connection.execute(
            f"""
            select split_part(filename, '/', 5) as data_set, count(*)
            from read_parquet('s3://{hub_env.lake_bucket}/bronze/*/*/*.parquet',
                              union_by_name = true, filename = true)
            group by all
            """
        ).fetchall()
    )


def gold_snapshot(hub_env) -> dict[str, list]:
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        return {
            table: connection.execute(
                f"select * exclude (as_of_date) from gold.{table} order by all"
                if table == "dataset_quality_scores"
                else f"select * from gold.{table} order by all"
            ).fetchall()
            for table in (
                "dataset_quality_scores",
                "taxonomy_cell_scores",
                "taxonomy_dimension_scores",
                "coverage_gaps",
            )
        }


def cells_fed_by(data_sets: set[str]) -> set[str]:
    with (REPO_ROOT / "taxonomy_seeds" / "indicator_cell_map.csv").open() as seed:
        return {row["cell_id"] for row in csv.DictReader(seed) if row["data_set"] in data_sets}


def test_the_hub_runs_end_to_end_and_a_second_run_changes_nothing(hub_env, tmp_path):
    keys = upload_estate(hub_env, tmp_path)
    assert keys, "the demo generator produced no deliveries"
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.preparer.prepare(project)

    first = run_full_refresh()
    assert first.success, [e.message for e in first.all_events if e.is_failure]

    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        cells = dict(
            connection.execute(
                "select cell_id, cell_score from gold.taxonomy_cell_scores"
            ).fetchall()
        )
        scored = {
            row[0] for row in connection.execute("from gold.dataset_quality_scores").fetchall()
        }
        fed = {
            row[0]
            for row in connection.execute(
                "select distinct cell_id from intermediate.int_data_set_cells"
            ).fetchall()
        }
        overall = connection.execute(
            "select average_score from gold.taxonomy_dimension_scores where dimension = 'overall'"
        ).fetchone()[0]
    assert len(cells) == 27
    assert {"screenings", "hotline", "prosecutions"} <= scored
    # every cell some record maps to scores above 0, every other cell 0, and only the
    # mapping seed's rules for these data sets can feed a cell
    assert fed <= cells_fed_by(scored)
    assert {
        "prevention.supply.individual",
        "protection.supply.community",
        "prosecution.distribution.system",
    } <= fed
    assert {cell for cell, score in cells.items() if score > 0} == fed
    assert all(cells[cell] == 0 for cell in set(cells) - fed)
    assert overall == pytest.approx(sum(cells.values()) / 27, abs=0.01)

    bronze_before = bronze_row_counts(hub_env)
    assert bronze_before["screenings"] > 0
    gold_before = gold_snapshot(hub_env)
    exported = hub_env.fs.find(f"{hub_env.lake_bucket}/gold/")
    assert any(key.endswith("taxonomy_cell_scores.parquet") for key in exported)

    second = run_full_refresh()
    assert second.success
    assert bronze_row_counts(hub_env) == bronze_before
    assert gold_snapshot(hub_env) == gold_before
