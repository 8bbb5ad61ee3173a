"""The warehouse's dbt resource skips dagster-dbt's per-run start-up through two private hooks."""

import sys
from importlib import metadata
from pathlib import Path

from dagster_dbt import DbtCliResource

from orchestration.defs.transform.dbt import dbt_project
from orchestration.lib.dbt_cli import HubDbtCliResource


def test_the_hooks_it_overrides_still_exist_in_dagster_dbt():
    # If an upgrade renames them, the overrides are dead code and each run is ~8 s slower.
    assert isinstance(
        DbtCliResource.__dict__.get("_cli_version"),
        type(HubDbtCliResource.__dict__["_cli_version"]),
    )
    assert callable(DbtCliResource.__dict__.get("_initialize_dbt_core_adapter"))


def test_it_reports_the_installed_dbt_core_without_an_adapter():
    resource = HubDbtCliResource(
        project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
    )

    assert str(resource._cli_version) == metadata.version("dbt-core")
    assert resource._cli_version.major < 2  # dbt Core, so dagster-dbt parses Core events
    assert resource._initialize_dbt_core_adapter(["build"]) is None
