"""Runs as the raw-bucket sensor starts them, executed in process on the test's hub."""

import dagster as dg

from orchestration.defs.automation.sensors import selection_for


def run_for(*data_sets: str) -> dg.ExecuteInProcessResult:
    """One run selecting each data set's bronze asset and everything downstream of it."""
    from orchestration.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    keys = dg.AssetSelection.assets()
    for name in data_sets:
        keys |= selection_for(name)
    job = definitions.resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.get() as instance:
        return job.execute_in_process(
            instance=instance, asset_selection=list(keys.resolve(graph)), raise_on_error=False
        )
