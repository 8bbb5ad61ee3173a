"""What the hub publishes: the gold tables released to the lake as Parquet, for tools (and
roles) that read object storage (lake/gold/<table>.parquet, protected as extracts are), the
coverage heat map, and the evidence explorer built from the published gold."""

import json

import dagster as dg

from orchestration.publishing.explorer.asset import evidence_explorer
from orchestration.publishing.heatmap_report import coverage_heatmap
from orchestration.publishing.published_gold import build_gold_export_asset
from orchestration.transform.definitions import WAREHOUSE_POOL, dbt_project
from orchestration.trust.governance import load_governance


def gold_tables() -> list[str]:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "gold" in node["fqn"]
    )


def definitions() -> dg.Definitions:
    gold_export = build_gold_export_asset(load_governance(), gold_tables(), WAREHOUSE_POOL)
    return dg.Definitions(assets=[gold_export, coverage_heatmap, evidence_explorer])
