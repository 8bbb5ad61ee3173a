"""Runs as the raw-bucket sensor starts them, executed in process on the test's hub."""

import json

import dagster as dg

from orchestration.automation.sensors import keys_to_run
from orchestration.platform.settings import DBT_PROJECT_DIR

DBT_TARGET = DBT_PROJECT_DIR / "target"


def run_for(*data_sets: str) -> dg.ExecuteInProcessResult:
    """One run of what the raw-bucket sensor would run for each data set (`keys_to_run`)."""
    from orchestration.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    job = definitions.resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.get() as instance:
        keys = {key for name in data_sets for key in keys_to_run(name, graph, instance)}
        return job.execute_in_process(
            instance=instance, asset_selection=sorted(keys), raise_on_error=False
        )


def run_full_refresh() -> dg.ExecuteInProcessResult:
    """The full_refresh job: every data set landed, silver and gold rebuilt whole."""
    from orchestration.definitions import defs

    job = defs().resolve_job_def("full_refresh")
    with dg.DagsterInstance.get() as instance:
        return job.execute_in_process(instance=instance, raise_on_error=False)


def dbt_run_folder(result: dg.ExecuteInProcessResult):
    """The folder the run's dbt build wrote its artifacts and log in."""
    (folder,) = DBT_TARGET.glob(f"warehouse_models-{result.run_id[:7]}-*")
    return folder


def dbt_results(result: dg.ExecuteInProcessResult) -> list[dict]:
    """What the run's dbt build ran (run_results.json)."""
    return json.loads((dbt_run_folder(result) / "run_results.json").read_text())["results"]


def dbt_reparsed(result: dg.ExecuteInProcessResult) -> list[str]:
    """The files the run's dbt build parsed again before running, from its log."""
    lines = (dbt_run_folder(result) / "dbt.log").read_text().splitlines()
    events = [json.loads(line)["info"] for line in lines if line.startswith("{")]
    return [event["msg"] for event in events if event["name"] == "PartialParsingFile"]
