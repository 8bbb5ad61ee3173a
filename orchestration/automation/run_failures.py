"""When a run fails, leave a note a steward can act on, in the lake beside the data.

The daemon's sensor writes it for the runs it sees fail; `hub materialize`, which runs without
the daemon, writes it for its own failed runs and for runs a sweep found dead
(orchestration/automation/run_monitoring.py). All three write the same note the same way.
"""

import dagster as dg

from orchestration.automation.run_monitoring import write_failure_note
from orchestration.platform.resources import LakeResource


@dg.run_failure_sensor(
    name="steward_run_failure_notes",
    default_status=dg.DefaultSensorStatus.RUNNING,
    monitor_all_code_locations=False,
    description="Writes a note on every failed run to lake/steward/run_failures/<run id>.json.",
)
def steward_run_failure_notes(context: dg.RunFailureSensorContext, lake: LakeResource) -> None:
    key = write_failure_note(
        context.instance, context.dagster_run.run_id, lake.filesystem(), lake.lake_bucket
    )
    context.log.info(f"steward note written to s3://{key}")
