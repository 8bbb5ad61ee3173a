"""The full refresh job and its nightly schedule, and how every run of the hub executes."""

import dagster as dg

from orchestration.automation.run_monitoring import WorkerRecordingExecutor
from orchestration.platform.settings import FULL_REFRESH_TAG

full_refresh = dg.define_asset_job(
    "full_refresh",
    selection=dg.AssetSelection.all(),
    description="Land every data set, rebuild silver and gold whole (incremental models "
    "too), export gold Parquet.",
    tags={FULL_REFRESH_TAG: "true"},
)


@dg.executor(
    name="in_process",
    config_schema=dg.in_process_executor.config_schema,
)
def in_process_recording_worker(init_context: dg.InitExecutorContext) -> dg.Executor:
    """Dagster's in-process executor, which first records the run's worker process, so a run
    whose worker was killed is found and ended (orchestration/automation/run_monitoring.py)."""
    return WorkerRecordingExecutor(dg.in_process_executor.executor_creation_fn(init_context))


def jobs() -> dg.Definitions:
    return dg.Definitions(
        # Every run (sensor, schedule, UI, `hub materialize`) executes its steps in one
        # process. Dagster's default starts a process per step, and each loads the
        # definitions again (about 13 s here): a screenings run of 25 assets on a small hub
        # took 113-132 s that way (one of the two runs failed in a step opening the
        # warehouse) against 42.5 s in one process. Scaling out swaps in another executor
        # here.
        executor=in_process_recording_worker,
        jobs=[full_refresh],
        schedules=[
            dg.ScheduleDefinition(
                name="nightly_full_refresh",
                job=full_refresh,
                cron_schedule="0 2 * * *",
                default_status=dg.DefaultScheduleStatus.STOPPED,
            )
        ],
    )
