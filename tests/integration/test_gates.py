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
from hub_runs import run_for

from infra.demo.generate import generate_estate

pytestmark = pytest.mark.integration

SCREENINGS = "screenings/tx_dfps__2024-03/screenings.csv"


@pytest.fixture(scope="module")
def landed_hub(module_hub_env, dbt_manifest, tmp_path_factory):
    """Screenings and hotline statistics landed and built to gold once, for the module: each
    test sends deliveries of its own."""
    hub_env = module_hub_env
    estate = tmp_path_factory.mktemp("estate")
    generate_estate(estate, seed=11, scale=0.2, only=["screenings", "hotline"])
    for key in (SCREENINGS, "hotline/nhth__2021/hotline_by_state.xlsx"):
        hub_env.fs.put_file(str(estate / key), f"{hub_env.raw_bucket}/{key}")
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
    assert before >= rows_of(good)
    hub_env.fs.pipe(f"{hub_env.raw_bucket}/{SCREENINGS}", with_duplicate_ids(good))
    extra = "screenings/tx_dfps__2024-04/screenings.csv"
    hub_env.fs.put_file(str(estate / extra), f"{hub_env.raw_bucket}/{extra}")

    held = run_for("screenings")

    # the run goes on: the resend is held out of bronze (its last good version stays), the
    # gate's check fails naming it, and gold is rebuilt from the released deliveries, the
    # new one that passed included
    assert held.success
    evaluations = {e.check_name: e for e in held.get_asset_check_evaluations()}
    ge = evaluations["great_expectations_suite"]
    assert ge.passed is False
    assert ge.severity == dg.AssetCheckSeverity.ERROR
    assert f"{hub_env.raw_bucket}/{SCREENINGS}" in ge.metadata["deliveries_held"].value
    materialized = {e.asset_key for e in held.get_asset_materialization_events()}
    assert dg.AssetKey(["bronze", "screenings"]) in materialized
    assert dg.AssetKey(["gold", "taxonomy_cell_scores"]) in materialized
    extra_rows = rows_of((estate / extra).read_bytes())
    assert screenings_in_gold(hub_env) == before + extra_rows

    # another data set's run goes through too, and the held resend is still absent
    hub_env.fs.put_file(
        str(estate / "hotline/nhth__2022/hotline_by_state.xlsx"),
        f"{hub_env.raw_bucket}/hotline/nhth__2022/hotline_by_state.xlsx",
    )
    other = run_for("hotline")
    assert other.success
    assert dg.AssetKey(["gold", "taxonomy_cell_scores"]) in {
        e.asset_key for e in other.get_asset_materialization_events()
    }
    assert screenings_in_gold(hub_env) == before + extra_rows

    # the contributor resends a corrected file (one row fewer): it passes and gold takes it
    corrected_file = b"\n".join(good.strip().split(b"\n")[:-1]) + b"\n"
    hub_env.fs.pipe(f"{hub_env.raw_bucket}/{SCREENINGS}", corrected_file)
    corrected = run_for("screenings")
    assert corrected.success
    assert screenings_in_gold(hub_env) == before - 1 + extra_rows


def test_values_that_pass_the_gates_never_fail_a_shared_model(landed_hub):
    """A delivery whose values are legal at the gate but odd downstream (a race list that is
    not JSON, a count beyond any integer, an unknown code, a yes/no that is neither) lands,
    and every data set's silver and gold are rebuilt: the odd values are read leniently and
    show as unmapped or missing, never as an error that stops the shared models."""
    hub_env, estate = landed_hub
    rows = list(csv.DictReader(io.StringIO((estate / SCREENINGS).read_text())))
    odd = {
        "youth_race": "[not json",
        "county_fips": "99999",
        "screening_score": "1e300",
        "concern_level": "\u202eunheard-of",
        "item_01": "maybe",
        "agency_type": "'; drop table silver.person_records; --",
    }
    rows = rows[:5]
    for number, row in enumerate(rows):
        row.update({column: value for column, value in odd.items() if column in row})
        row["screening_id"] = f"odd-{number}"  # new screenings, or the uniqueness gate holds them
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    resend = "screenings/tx_dfps__2024-05/screenings.csv"
    assert {"youth_race", "county_fips", "concern_level"} <= set(rows[0])
    hub_env.fs.pipe(f"{hub_env.raw_bucket}/{resend}", out.getvalue().encode())

    result = run_for("screenings")

    assert result.success
    (gate,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "great_expectations_suite"
    ]
    assert gate.passed
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["silver", "person_records"]) in materialized
    assert dg.AssetKey(["gold", "dataset_quality_scores"]) in materialized
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        odd_rows = connection.execute(
            "select count(*) from silver.person_records where delivery = 'tx_dfps__2024-05' "
            "and race_ethnicity = 'unmapped' and outcome = 'unmapped'"
        ).fetchone()[0]
    assert odd_rows == 5
