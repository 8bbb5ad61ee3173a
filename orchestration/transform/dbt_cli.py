"""The dbt CLI resource of the warehouse assets, without the start-up they do not use.

Before each `dbt build`, dagster-dbt's `DbtCliResource.cli` does two things of its own:
- it runs `dbt --version` in a new process, to tell dbt Core from the Fusion engine (about
  5 s here, on every run);
- it builds a dbt adapter in the run's process, loading the profile and project (about 3 s).
  The adapter serves `fetch_row_counts()` and `fetch_column_metadata()` only, and the hub
  calls neither: row counts and quality figures come from the models themselves.

`HubDbtCliResource` answers the first from the installed dbt-core package, which is the dbt
this environment runs (`dbt_executable` is its own), and skips the second. dbt itself runs
exactly as before. Both hooks are private to dagster-dbt; `tests/unit/test_dbt_cli.py`
fails when an upgrade renames them, so the saving cannot vanish unnoticed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib import metadata
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from orchestration.transform.silver_inputs import write_lineage_columns, write_silver_inputs


class HubDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        # No adapter: the invocation then fetches no metadata through one, which the hub
        # never asks for (and streams events as they come instead of after dbt exits).
        return None


def prepare_dbt_project(project: DbtProject) -> None:
    """Write the silver models' inputs and the bronze lineage columns
    (orchestration/transform/silver_inputs.py), then let dagster-dbt parse the project into
    the manifest the definitions load."""
    write_silver_inputs(Path(project.project_dir))
    write_lineage_columns(Path(project.project_dir))
    project.preparer.prepare(project)
