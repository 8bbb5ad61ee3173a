"""How runs start and end: the full refresh job and its schedule, the executor every run
uses, the sensor that runs a data set when its raw objects change, and the note a failed run
leaves for the steward."""

import dagster as dg

from orchestration.automation.jobs import jobs
from orchestration.automation.run_failures import steward_run_failure_notes
from orchestration.automation.sensors import sensors


def definitions() -> dg.Definitions:
    return dg.Definitions.merge(
        jobs(), sensors(), dg.Definitions(sensors=[steward_run_failure_notes])
    )
