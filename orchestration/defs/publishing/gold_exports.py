"""Gold marts exported as Parquet to the lake, for tools that read object storage."""

import json

import dagster as dg

from orchestration.defs.transform.dbt import WAREHOUSE_POOL, dbt_project
from orchestration.lib import lake_layout
from orchestration.lib.resources import LakeResource, WarehouseResource


def gold_tables() -> list[str]:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "gold" in node["fqn"]
    )


@dg.definitions
def publishing() -> dg.Definitions:
    tables = gold_tables()

    @dg.asset(
        key=["exports", "gold_parquet"],
        group_name="exports",
        kinds={"parquet", "s3"},
        deps=[dg.AssetKey(["gold", table]) for table in tables],
        pool=WAREHOUSE_POOL,
        description="Every gold mart copied to lake/gold/<table>.parquet.",
    )
    def gold_parquet(lake: LakeResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
        exported = {}
        with warehouse.connect(lake, read_only=True) as connection:
            for table in tables:
                uri = f"s3://{lake.lake_bucket}/{lake_layout.gold_export_key(table)}"
                connection.execute(f"COPY gold.{table} TO '{uri}' (FORMAT parquet)")
                exported[table] = uri
        return dg.MaterializeResult(
            metadata={"tables": dg.MetadataValue.json(exported), "table_count": len(exported)}
        )

    return dg.Definitions(assets=[gold_parquet])
