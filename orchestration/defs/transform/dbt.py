"""The dbt project: staging views, silver and gold tables in the DuckDB warehouse.

The manifest is prepared by `hub prepare` (which `make demo` and `make ui` run), never parsed
at import: after changing a model, run `uv run hub prepare` again.
"""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.lib.dbt_cli import HubDbtCliResource
from orchestration.lib.dbt_translation import HubDbtTranslator
from orchestration.lib.resources import LakeResource, export_dbt_environment
from orchestration.lib.settings import DBT_PROJECT_DIR, FULL_REFRESH_TAG

WAREHOUSE_POOL = "warehouse"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


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
        # incremental models load only new deliveries, unless the run asks for a rebuild
        full = context.run.tags.get(FULL_REFRESH_TAG) == "true"
        arguments = ["build", "--full-refresh"] if full else ["build"]
        yield from dbt.cli(arguments, context=context).stream()

    return dg.Definitions(
        assets=[warehouse_models],
        # the dbt of this environment, found whether or not its bin folder is on PATH
        resources={
            "dbt": HubDbtCliResource(
                project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
            )
        },
    )
