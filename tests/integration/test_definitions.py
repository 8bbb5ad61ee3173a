"""The code location loads, validates and wires lineage raw -> bronze -> dbt -> gold."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.platform.settings import REPO_ROOT


@pytest.fixture(scope="module")
def prepared_manifest(tmp_path_factory, dbt_manifest):
    env = {
        "HUB_WAREHOUSE_PATH": str(tmp_path_factory.mktemp("wh") / "w.duckdb"),
        "HUB_S3_ACCESS_KEY_ID": "unused",
        "HUB_S3_SECRET_ACCESS_KEY": "unused",
        "HUB_DUCKDB_EXTENSION_DIRECTORY": "unused",
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update({k: v for k, v in env.items() if not os.environ.get(k)})
    yield env
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)


def test_dg_check_defs_passes(prepared_manifest):
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "dg"), "check", "defs"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **prepared_manifest},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_lineage_runs_from_bronze_through_staging_and_silver_to_gold(prepared_manifest):
    from orchestration.definitions import defs

    graph = defs().resolve_asset_graph()
    downstream = dg.AssetSelection.assets(["bronze", "screenings"]).downstream().resolve(graph)
    assert dg.AssetKey(["staging", "stg_screenings__screenings"]) in downstream
    assert dg.AssetKey(["silver", "person_records"]) in downstream
    assert dg.AssetKey(["gold", "taxonomy_cell_scores"]) in downstream
    assert dg.AssetKey(["exports", "published_gold"]) in downstream
    checks = {key.name for key in graph.asset_check_keys if key.asset_key.path[0] == "bronze"}
    assert {"deliveries_parsed", "great_expectations_suite", "pandera_schema"} <= checks


def test_every_run_executes_its_steps_in_one_process(prepared_manifest):
    # what the raw-bucket sensor launches (the asset job) and the full refresh alike
    from orchestration.definitions import defs

    definitions = defs()
    jobs = [definitions.resolve_implicit_global_asset_job_def()]
    jobs += [definitions.resolve_job_def(job.name) for job in definitions.jobs or []]
    assert {job.name: job.executor_def.name for job in jobs} == {
        job.name: "in_process" for job in jobs
    }
