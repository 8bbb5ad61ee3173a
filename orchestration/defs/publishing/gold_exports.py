"""The gold tables released to the lake as Parquet, for tools (and roles) that read object
storage: lake/gold/<table>.parquet, protected as extracts are."""

import json

import dagster as dg

from orchestration.defs.transform.dbt import WAREHOUSE_POOL, dbt_project
from orchestration.lib.trust.assets import build_gold_export_asset
from orchestration.lib.trust.governance import load_governance


def gold_tables() -> list[str]:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "gold" in node["fqn"]
    )


@dg.definitions
def publishing() -> dg.Definitions:
    return dg.Definitions(
        assets=[build_gold_export_asset(load_governance(), gold_tables(), WAREHOUSE_POOL)]
    )
