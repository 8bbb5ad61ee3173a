"""One bronze asset per data set declared in dbt_project/models/staging/*/_*__sources.yml."""

import dagster as dg

from orchestration.landing.assets import build_bronze_asset
from orchestration.platform.declarations import load_source_specs
from orchestration.platform.settings import DBT_PROJECT_DIR


def definitions() -> dg.Definitions:
    specs = load_source_specs(DBT_PROJECT_DIR)
    return dg.Definitions(assets=[build_bronze_asset(spec) for spec in specs])
