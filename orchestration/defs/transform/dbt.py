"""The dbt project: staging views, silver and gold tables in the DuckDB warehouse.

The manifest is prepared by `hub prepare` (or by `dg dev`), never parsed at import.
"""

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.lib.dbt_translation import HubDbtTranslator
from orchestration.lib.resources import LakeResource, export_dbt_environment
from orchestration.lib.settings import DBT_PROJECT_DIR

WAREHOUSE_POOL = "warehouse"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


@dg.definitions
def transform() -> dg.Definitions:
    if not dbt_project.manifest_path.exists():
        raise FileNotFoundError(
            f"{dbt_project.manifest_path} is missing; run `uv run hub prepare` (or `make demo`) "
            "to build the dbt manifest"
        )

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=HubDbtTranslator(),
        name="warehouse_models",
        pool=WAREHOUSE_POOL,
    )
    def warehouse_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, lake: LakeResource
    ):
        export_dbt_environment(lake)
        yield from dbt.cli(["build"], context=context).stream()

    return dg.Definitions(
        assets=[warehouse_models],
        resources={"dbt": DbtCliResource(project_dir=dbt_project)},
    )
