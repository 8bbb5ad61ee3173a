"""When a run fails, leave a note a steward can act on, in the lake beside the data."""

import json
from datetime import UTC, datetime

import dagster as dg

from orchestration.lib import lake_layout
from orchestration.lib.resources import LakeResource


def failure_note(run: dg.DagsterRun, failures: list[dict]) -> dict:
    """What failed, for which data set, and what to do next, as plain JSON."""
    data_set = run.tags.get("hub/data_set")
    return {
        "run_id": run.run_id,
        "job": run.job_name,
        "data_set": data_set,
        "noted_at": datetime.now(UTC).isoformat(),
        "failed_steps": failures,
        "what_to_do": (
            "Open the run in the Dagster UI (Runs > this run id) to read the full log. A failed "
            "gate (great_expectations_suite, pandera_schema) means a delivery was held back: "
            "its check metadata names the raw object and the failing rules; ask the "
            "contributor to resend a corrected file under the same key, and the sensor will "
            "land it. An object-store or warehouse error is retried automatically; if it "
            "persists, check `hub objectstore status` and that no other process holds the "
            "warehouse file."
        ),
    }


@dg.run_failure_sensor(
    name="steward_run_failure_notes",
    default_status=dg.DefaultSensorStatus.RUNNING,
    monitor_all_code_locations=False,
    description="Writes a note on every failed run to lake/steward/run_failures/<run id>.json.",
)
def steward_run_failure_notes(context: dg.RunFailureSensorContext, lake: LakeResource) -> None:
    failures = [
        {"step": event.step_key, "error": _error_text(event)}
        for event in context.get_step_failure_events()
    ]
    note = failure_note(context.dagster_run, failures)
    key = f"{lake.lake_bucket}/{lake_layout.run_failure_key(context.dagster_run.run_id)}"
    lake.filesystem().pipe(key, json.dumps(note, indent=2).encode())
    context.log.info(f"steward note written to s3://{key}")


def _error_text(event: dg.DagsterEvent) -> str:
    """The error and what caused it, without the stack: what a steward needs to read."""
    error = event.step_failure_data.error if event.step_failure_data else None
    messages = []
    while error is not None:
        messages.append(error.message.strip())
        error = error.cause
    return " <- ".join(messages) or (event.message or "")


@dg.definitions
def run_failures() -> dg.Definitions:
    return dg.Definitions(sensors=[steward_run_failure_notes])
