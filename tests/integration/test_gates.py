"""A bad delivery is stopped at the gate while the rest keeps flowing and gold keeps its data.

Runs are started as the raw-bucket sensor starts them: one per data set with new deliveries,
selecting that data set's bronze asset and everything downstream of it.
"""

from __future__ import annotations

import csv
import io

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtProject
from hub_runs import run_for

from infra.demo.generate import generate_estate
from orchestration.lib.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.integration

SCREENINGS = "screenings/tx_dfps__2024-03/screenings.csv"


@pytest.fixture
def landed_hub(hub_env, tmp_path):
    """Screenings and hotline statistics landed and built to gold once."""
    estate = tmp_path / "estate"
    generate_estate(estate, seed=11, scale=0.2, only=["screenings", "hotline"])
    for key in (SCREENINGS, "hotline/nhth__2021/hotline_by_state.xlsx"):
        hub_env.fs.put_file(str(estate / key), f"{hub_env.raw_bucket}/{key}")
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.preparer.prepare(project)
    first = run_for("screenings", "hotline")
    assert first.success
    return hub_env, estate


def screenings_in_gold(hub_env) -> int:
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        return connection.execute(
            "select record_count from gold.dataset_quality_scores where data_set = 'screenings'"
        ).fetchone()[0]


def with_duplicate_ids(original: bytes) -> bytes:
    """The same delivery, resent with its first screening's id repeated on every row."""
    rows = list(csv.DictReader(io.StringIO(original.decode())))
    for row in rows:
        row["screening_id"] = rows[0]["screening_id"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def rows_of(data: bytes) -> int:
    return len(data.decode().strip().splitlines()) - 1


def test_a_bad_delivery_is_held_at_the_gate_and_gold_keeps_the_last_good_data(landed_hub):
    hub_env, estate = landed_hub
    good = (estate / SCREENINGS).read_bytes()
    before = screenings_in_gold(hub_env)
    assert before == rows_of(good)
    hub_env.fs.pipe(f"{hub_env.raw_bucket}/{SCREENINGS}", with_duplicate_ids(good))
    extra = "screenings/tx_dfps__2024-04/screenings.csv"
    hub_env.fs.put_file(str(estate / extra), f"{hub_env.raw_bucket}/{extra}")

    blocked = run_for("screenings")

    assert not blocked.success
    checks = {e.check_name: e.passed for e in blocked.get_asset_check_evaluations()}
    assert checks["great_expectations_suite"] is False
    materialized = {e.asset_key for e in blocked.get_asset_materialization_events()}
    assert dg.AssetKey(["bronze", "screenings"]) in materialized
    assert not any(key.path[0] in ("staging", "silver", "gold") for key in materialized)

    # another data set's run goes through and rebuilds gold from released bronze only: the
    # held resend is absent (its last good version stays), the delivery that passed is in
    hub_env.fs.put_file(
        str(estate / "hotline/nhth__2022/hotline_by_state.xlsx"),
        f"{hub_env.raw_bucket}/hotline/nhth__2022/hotline_by_state.xlsx",
    )
    other = run_for("hotline")
    assert other.success
    assert dg.AssetKey(["gold", "taxonomy_cell_scores"]) in {
        e.asset_key for e in other.get_asset_materialization_events()
    }
    extra_rows = rows_of((estate / extra).read_bytes())
    assert screenings_in_gold(hub_env) == before + extra_rows

    # the contributor resends a corrected file (one row fewer): it passes and gold takes it
    corrected_file = b"\n".join(good.strip().split(b"\n")[:-1]) + b"\n"
    hub_env.fs.pipe(f"{hub_env.raw_bucket}/{SCREENINGS}", corrected_file)
    corrected = run_for("screenings")
    assert corrected.success
    assert screenings_in_gold(hub_env) == before - 1 + extra_rows
