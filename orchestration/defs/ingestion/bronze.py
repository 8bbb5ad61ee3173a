"""One bronze asset per data set declared in dbt_project/models/staging/*/_*__sources.yml."""

import dagster as dg

from orchestration.lib.bronze_assets import build_bronze_asset
from orchestration.lib.settings import DBT_PROJECT_DIR
from orchestration.lib.source_specs import load_source_specs


@dg.definitions
def bronze() -> dg.Definitions:
    specs = load_source_specs(DBT_PROJECT_DIR)
    return dg.Definitions(assets=[build_bronze_asset(spec) for spec in specs])
