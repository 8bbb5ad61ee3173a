"""The published gold as an asset: the gold tables declared in orchestration/trust/marts.yml,
released with their counts protected as in extracts, published as the analysts' next snapshot
and written to the lake as Parquet."""

import dagster as dg

from orchestration.platform.resources import LakeResource, WarehouseResource
from orchestration.publishing.publication import PublicationError, PublishedGold, publish
from orchestration.trust.analytics import (
    export_to_lake,
    release,
    small_values,
    suppressed_values,
)
from orchestration.trust.assets import MARTS_FILE
from orchestration.trust.governance import Governance
from orchestration.trust.suppression import configured_threshold


def build_gold_export_asset(
    governance: Governance, gold_models: list[str], pool: str
) -> dg.AssetsDefinition:
    """exports/published_gold: every gold table declared in marts.yml, released (as extracts
    are), published as the next snapshot of the analysts' gold (orchestration/publishing/publication.py)
    and written to lake/gold/<table>.parquet, which roles with lake_read gold/ can read.

    A dbt gold model not declared there stays in the warehouse. A table still holding a small
    count after release is neither published nor written, and the step fails naming it; the
    previous publication stays."""
    marts = [m for m in governance.marts.values() if m.suppressed_from or m.name in gold_models]
    kept_in_hub = sorted(set(gold_models) - set(governance.marts))

    @dg.asset(
        key=["exports", "published_gold"],
        group_name="exports",
        kinds={"ducklake", "parquet", "s3"},
        deps=[dg.AssetKey(["gold", mart.name]) for mart in marts],
        pool=pool,
        description="The gold tables declared in orchestration/trust/marts.yml, released with "
        "their counts protected as in extracts: one snapshot of the published gold (what "
        "analysts query), and lake/gold/<table>.parquet.",
        metadata={"declared_in": dg.MetadataValue.path(MARTS_FILE)},
    )
    def published_gold(lake: LakeResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
        threshold = configured_threshold()
        with warehouse.connect(lake, read_only=True) as connection:
            released = release(connection, marts, governance.marts, threshold)
        if small := small_values(released, threshold):
            raise dg.Failure(
                description=f"nothing published, counts below {threshold} remain: {small}; "
                "the previous publication stays; rebuild the marts (`hub materialize`)"
            )
        target = PublishedGold.from_environment(lake.lake_bucket)
        try:
            publication = publish(target, lake.object_store, released, threshold)
        except PublicationError as error:
            raise dg.Failure(description=str(error)) from error
        exported = export_to_lake(lake.filesystem(), lake.lake_bucket, released)
        return dg.MaterializeResult(
            metadata={
                "snapshot": publication.snapshot,
                "catalog": dg.MetadataValue.path(str(target.catalog)),
                "data_path": target.data_path,
                "rows": dg.MetadataValue.json(publication.rows),
                "publish_seconds": publication.seconds,
                "publish_mib": round(publication.data_bytes / 2**20, 3),
                "parquet": dg.MetadataValue.json(exported),
                "table_count": len(exported),
                "suppressed_values": dg.MetadataValue.json(suppressed_values(released)),
                "kept_in_hub": dg.MetadataValue.json(kept_in_hub),
                "small_cell_threshold": threshold,
            }
        )

    return published_gold
