"""The raw-bucket sensor: a run per data set with new deliveries, and only what depends on it."""

import dagster as dg
from dagster_aws.s3 import S3Resource

from orchestration.lib.raw_changes import (
    changed_sources,
    listing_digest,
    read_cursor,
    write_cursor,
)
from orchestration.lib.resources import LakeResource
from orchestration.lib.settings import DBT_PROJECT_DIR
from orchestration.lib.source_specs import load_source_specs


def selection_for(data_set: str) -> dg.AssetSelection:
    """What a new delivery of `data_set` refreshes: its bronze and everything downstream, plus
    what those models read that no bronze asset feeds (seeds, views over them), which is cheap
    and may be missing from a new warehouse; all seeds, since their tests relate them to each
    other. Other data sets' bronze is not re-landed."""
    downstream = dg.AssetSelection.assets(["bronze", data_set]).downstream()
    return (
        downstream
        | (downstream.upstream() - dg.AssetSelection.groups("bronze"))
        | dg.AssetSelection.groups("reference")
    )


def list_raw_objects(raw_s3: S3Resource, bucket: str) -> dict[str, str]:
    client = raw_s3.get_client()
    listing: dict[str, str] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            listing[item["Key"]] = item["ETag"].strip('"')
    return listing


@dg.definitions
def sensors() -> dg.Definitions:
    declared = {spec.name for spec in load_source_specs(DBT_PROJECT_DIR)}

    @dg.sensor(
        name="raw_deliveries",
        minimum_interval_seconds=60,
        target=dg.AssetSelection.all(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts a run for each data set whose raw objects were added, changed or "
        "removed; the run lands that data set and rebuilds only what depends on it.",
    )
    def raw_deliveries(context: dg.SensorEvaluationContext, raw_s3: S3Resource, lake: LakeResource):
        listing = list_raw_objects(raw_s3, lake.raw_bucket)
        sources = changed_sources(read_cursor(context.cursor), listing, declared)
        graph = context.repository_def.asset_graph
        for source in sorted(sources):
            keys = selection_for(source).resolve(graph)
            yield dg.RunRequest(
                run_key=f"{source}:{listing_digest(listing, source)}",
                asset_selection=sorted(keys),
                tags={"hub/data_set": source, "hub/trigger": "raw_deliveries"},
            )
        context.update_cursor(write_cursor(listing))

    return dg.Definitions(sensors=[raw_deliveries])
