"""Runs as the raw-bucket sensor starts them, executed in process on the test's hub."""

import dagster as dg

from orchestration.defs.automation.sensors import keys_to_run


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
