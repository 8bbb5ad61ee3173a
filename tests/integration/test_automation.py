"""The raw-bucket sensor and the run-failure notes, against a real object store."""

from __future__ import annotations

import json

import dagster as dg
import pytest
from dagster_aws.s3 import S3Resource

from orchestration.automation.run_failures import steward_run_failure_notes
from orchestration.automation.sensors import (
    CODE_VERSION_TAG,
    DERIVED_FROM_DECLARATIONS,
    keys_to_run,
    selection_for,
)
from orchestration.landing.landing import land_source
from orchestration.platform.declarations import load_source_specs
from orchestration.platform.resources import LakeResource
from orchestration.platform.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.integration


@pytest.fixture
def definitions(hub_env, dbt_manifest):
    from orchestration.definitions import defs

    return defs()


def lake(hub_env) -> LakeResource:
    return LakeResource.from_environment()


def tick(definitions, hub_env, instance, cursor):
    store = hub_env.store
    sensor = definitions.get_sensor_def("raw_deliveries")
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        repository_def=definitions.get_repository_def(),
        resources={
            "raw_s3": S3Resource(
                endpoint_url=store.endpoint_url,
                aws_access_key_id=store.access_key_id,
                aws_secret_access_key=store.secret_access_key,
                region_name=store.region,
            ),
            "lake": lake(hub_env),
        },
    )
    result = sensor.evaluate_tick(context)
    return result.run_requests, result.cursor


def test_the_sensor_runs_only_the_data_sets_with_new_deliveries(definitions, hub_env):
    raw = hub_env.raw_bucket
    hub_env.fs.pipe(f"{raw}/screenings/tx_dfps__2024-03/screenings.csv", b"screening_id\nS1\n")
    hub_env.fs.pipe(f"{raw}/hotline/nhth__2021/hotline.xlsx", b"not read by the sensor")
    with dg.DagsterInstance.ephemeral() as instance:
        first, cursor = tick(definitions, hub_env, instance, None)
        assert sorted(r.tags["hub/data_set"] for r in first) == ["hotline", "screenings"]

        quiet, cursor = tick(definitions, hub_env, instance, cursor)
        assert quiet == []

        hub_env.fs.pipe(f"{raw}/screenings/tx_dfps__2024-04/screenings.csv", b"screening_id\n")
        (request,), _ = tick(definitions, hub_env, instance, cursor)
    assert request.tags["hub/data_set"] == "screenings"
    selected = set(request.asset_selection)
    assert dg.AssetKey(["bronze", "screenings"]) in selected
    assert dg.AssetKey(["gold", "taxonomy_cell_scores"]) in selected
    assert not any(key.path[0] == "bronze" and key.path[1] != "screenings" for key in selected)

    # A new instance's sensor (the first `make ui`) has no cursor: it starts nothing for
    # what the landings have seen, here both screenings deliveries.
    (spec,) = [spec for spec in load_source_specs(DBT_PROJECT_DIR) if spec.name == "screenings"]
    land_source(spec, hub_env.fs, raw, hub_env.lake_bucket)
    with dg.DagsterInstance.ephemeral() as instance:
        first_look, _ = tick(definitions, hub_env, instance, None)
    assert [r.tags["hub/data_set"] for r in first_look] == ["hotline"]


def test_a_run_rebuilds_what_it_reads_only_where_it_is_stale(definitions):
    graph = definitions.resolve_asset_graph()
    hotline_view = dg.AssetKey(["staging", "stg_hotline__state_years"])
    seed = dg.AssetKey(["reference", "us_states"])
    bronze = dg.AssetSelection.groups("bronze").resolve(graph)

    def built(instance, key, code_version):
        tags = {CODE_VERSION_TAG: code_version} if code_version else {}
        instance.report_runless_asset_event(dg.AssetMaterialization(key, tags=tags))

    with dg.DagsterInstance.ephemeral() as instance:
        fresh = set(keys_to_run("screenings", graph, instance))
        assert {hotline_view, seed} <= fresh, "a new warehouse builds what the path reads"

        # every asset built, bronze first, by the code of these definitions
        for key in sorted(bronze) + sorted(dg.AssetSelection.all().resolve(graph) - bronze):
            built(instance, key, graph.get(key).code_version)
        settled = set(keys_to_run("screenings", graph, instance))
        assert hotline_view not in settled and seed not in settled
        # the models derived from the declarations are rebuilt by every run (a few rows)
        declared = {dg.AssetKey(["reference", name]) for name in DERIVED_FROM_DECLARATIONS}
        assert settled == selection_for("screenings").resolve(graph) | declared
        assert dg.AssetKey(["gold", "dataset_quality_scores"]) in settled

        built(instance, dg.AssetKey(["bronze", "hotline"]), None)
        assert hotline_view in keys_to_run("screenings", graph, instance), "newer bronze"
        built(instance, hotline_view, graph.get(hotline_view).code_version)
        assert hotline_view not in keys_to_run("screenings", graph, instance)

        built(instance, hotline_view, "an earlier checksum")
        assert hotline_view in keys_to_run("screenings", graph, instance), "other code"


def test_a_failed_run_leaves_a_note_for_the_steward(hub_env):
    @dg.op
    def land_hotline():
        raise RuntimeError("the object store answered 503 twice")

    @dg.job(tags={"hub/data_set": "hotline"})
    def hotline_refresh():
        land_hotline()

    with dg.DagsterInstance.ephemeral() as instance:
        result = hotline_refresh.execute_in_process(instance=instance, raise_on_error=False)
        (failure,) = [
            entry.dagster_event
            for entry in instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        ]
        context = dg.build_run_status_sensor_context(
            sensor_name="steward_run_failure_notes",
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=failure,
            resources={"lake": lake(hub_env)},
        ).for_run_failure()
        steward_run_failure_notes(context)

    key = f"{hub_env.lake_bucket}/steward/run_failures/{result.run_id}.json"
    note = json.loads(hub_env.fs.cat(key))
    assert note["data_set"] == "hotline"
    assert note["failed_steps"][0]["step"] == "land_hotline"
    assert "503" in note["failed_steps"][0]["error"]
    assert "resend a corrected file" in note["what_to_do"]
