"""The full refresh job and its nightly schedule."""

import dagster as dg

from orchestration.lib.settings import FULL_REFRESH_TAG

full_refresh = dg.define_asset_job(
    "full_refresh",
    selection=dg.AssetSelection.all(),
    description="Land every data set, rebuild silver and gold whole (incremental models "
    "too), export gold Parquet.",
    tags={FULL_REFRESH_TAG: "true"},
)


@dg.definitions
def jobs() -> dg.Definitions:
    return dg.Definitions(
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
