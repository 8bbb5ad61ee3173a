"""The full refresh job and its nightly schedule."""

import dagster as dg

full_refresh = dg.define_asset_job(
    "full_refresh",
    selection=dg.AssetSelection.all(),
    description="Land every data set, rebuild silver and gold, export gold Parquet.",
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
