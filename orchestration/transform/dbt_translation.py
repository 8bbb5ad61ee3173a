"""How dbt nodes appear in Dagster: keyed and grouped by layer (staging, silver, gold...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

LAYERS = ("reference", "staging", "intermediate", "silver", "gold")


def layer_of(dbt_resource_props: Mapping[str, Any]) -> str:
    """The folder under models/ a model lives in; seeds are the 'reference' layer, with the
    models derived from the data set declarations (models/reference/)."""
    if dbt_resource_props["resource_type"] == "seed":
        return "reference"
    fqn = dbt_resource_props.get("fqn", [])
    return next((part for part in fqn[1:] if part in LAYERS), "models")


class HubDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([layer_of(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "bronze"
        return layer_of(dbt_resource_props)
