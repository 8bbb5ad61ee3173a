"""The raw-bucket sensor: a run per data set with new deliveries, and only what depends on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dagster as dg

# the tag Dagster writes on each materialization: the code version that built it
from dagster._core.definitions.data_version import CODE_VERSION_TAG
from dagster_aws.s3 import S3Resource

from orchestration.landing.raw_changes import (
    changed_sources,
    landed_listing,
    listing_digest,
    read_cursor,
    write_cursor,
)
from orchestration.platform.declarations import load_source_specs
from orchestration.platform.resources import LakeResource
from orchestration.platform.settings import DBT_PROJECT_DIR

if TYPE_CHECKING:
    from dagster._core.definitions.assets.graph.base_asset_graph import (
        BaseAssetGraph,
    )


# models/reference/: the catalog, the contributors' jurisdictions and the vocabularies
DERIVED_FROM_DECLARATIONS = ("data_set_catalog", "contributor_jurisdictions", "vocabulary_terms")


def selection_for(data_set: str) -> dg.AssetSelection:
    """What a new delivery of `data_set` refreshes: its bronze and everything downstream.
    Other data sets' bronze is not re-landed."""
    return dg.AssetSelection.assets(["bronze", data_set]).downstream()


def keys_to_run(
    data_set: str, graph: BaseAssetGraph, instance: dg.DagsterInstance
) -> list[dg.AssetKey]:
    """The assets a run for `data_set` materializes: `selection_for(data_set)`, plus what those
    read outside bronze (other data sets' models, seeds) and any seed (their tests relate them
    to each other) where it is stale: never built, built by other code, or older than a bronze
    asset it reads (a run that stopped at a gate leaves the deliveries that passed in bronze).
    Whatever else they read stands as the last run left it, so a delivery rebuilds its own
    path, not the whole graph."""
    target = selection_for(data_set)
    refreshed = target.resolve(graph)
    read = (
        (target.upstream() - dg.AssetSelection.groups("bronze"))
        | dg.AssetSelection.groups("reference")
    ).resolve(graph) - refreshed
    bronze = dg.AssetSelection.groups("bronze").resolve(graph)
    latest = instance.get_latest_materialization_events(read | bronze)

    def bronze_read_by(key: dg.AssetKey) -> set[dg.AssetKey]:
        return (
            dg.AssetSelection.assets(key).upstream() & dg.AssetSelection.groups("bronze")
        ).resolve(graph)

    def stale(key: dg.AssetKey) -> bool:
        built = latest.get(key)
        if built is None or built.asset_materialization is None:
            return True
        code_version = graph.get(key).code_version
        if (
            code_version is not None
            and built.asset_materialization.tags.get(CODE_VERSION_TAG) != code_version
        ):
            return True
        landed = [latest.get(source) for source in bronze_read_by(key)]
        return any(event is not None and event.timestamp > built.timestamp for event in landed)

    # Derived from the declarations, which change without their SQL changing: always rebuilt
    # (a few rows each), so a data set declared since the last run is in the catalog.
    declared = {dg.AssetKey(["reference", name]) for name in DERIVED_FROM_DECLARATIONS}
    return sorted(
        refreshed | {key for key in read if stale(key)} | (declared & graph.get_all_asset_keys())
    )


def list_raw_objects(raw_s3: S3Resource, bucket: str) -> dict[str, str]:
    client = raw_s3.get_client()
    listing: dict[str, str] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            listing[item["Key"]] = item["ETag"].strip('"')
    return listing


def sensors() -> dg.Definitions:
    declared = {spec.name for spec in load_source_specs(DBT_PROJECT_DIR)}

    @dg.sensor(
        name="raw_deliveries",
        minimum_interval_seconds=60,
        target=dg.AssetSelection.all(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts a run for each data set whose raw objects were added, changed or "
        "removed since the last look (on the first, since the last landing); the run lands "
        "that data set and rebuilds only what depends on it.",
    )
    def raw_deliveries(context: dg.SensorEvaluationContext, raw_s3: S3Resource, lake: LakeResource):
        listing = list_raw_objects(raw_s3, lake.raw_bucket)
        if context.cursor:
            previous = read_cursor(context.cursor)
        else:
            # The first look (a new instance, `make ui` after `make demo`): what the landings
            # have not seen is what changed, so data sets already landed start nothing.
            fs = lake.filesystem()
            previous = landed_listing(fs, lake.raw_bucket, lake.lake_bucket, declared, listing)
        sources = changed_sources(previous, listing, declared)
        graph = context.repository_def.asset_graph
        for source in sorted(sources):
            yield dg.RunRequest(
                run_key=f"{source}:{listing_digest(listing, source)}",
                asset_selection=keys_to_run(source, graph, context.instance),
                tags={"hub/data_set": source, "hub/trigger": "raw_deliveries"},
            )
        context.update_cursor(write_cursor(listing))

    return dg.Definitions(sensors=[raw_deliveries])
