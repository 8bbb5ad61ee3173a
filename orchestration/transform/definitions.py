"""The dbt project: staging views, silver and gold tables in the DuckDB warehouse.

The manifest is prepared by `hub prepare` (which `make demo` and `make ui` run), never parsed
at import: after changing a model, run `.venv/bin/hub prepare` again.
"""

import os
import shutil
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.platform.resources import LakeResource, export_dbt_environment
from orchestration.platform.settings import DBT_PROJECT_DIR, FULL_REFRESH_TAG
from orchestration.transform.dbt_cli import HubDbtCliResource
from orchestration.transform.dbt_translation import HubDbtTranslator

WAREHOUSE_POOL = "warehouse"
# Each dbt build leaves its artifacts (manifest, run_results.json, dbt.log: 10-20 MB) in a
# folder of its own under target/; the newest are kept for inspection, the rest removed.
WAREHOUSE_RUNS_KEPT = 10
# A delivery's run tests the data. The models' unit tests test their SQL, which no delivery
# changes: they run in `make test` and in the full_refresh job, not in each delivery's run
# (about 2.5 s of dbt's work in a screenings run).
DELIVERY_RUN_EXCLUDES = ["--exclude-resource-type", "unit_test"]
PARTIAL_PARSE = "partial_parse.msgpack"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def definitions() -> dg.Definitions:
    if not dbt_project.manifest_path.exists():
        raise FileNotFoundError(
            f"{dbt_project.manifest_path} is missing; run `.venv/bin/hub prepare` (or `make demo`) "
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
        arguments = ["build", "--full-refresh"] if full else ["build", *DELIVERY_RUN_EXCLUDES]
        project_dir = Path(dbt_project.project_dir)
        target = project_dir / dbt_project.target_path
        invocation = dbt.cli(arguments, context=context)
        try:
            yield from invocation.stream()
        finally:
            # dbt runs in the project folder: a relative target path is relative to it
            keep_run_parse(project_dir / invocation.target_path, target)
            prune_run_targets(target, WAREHOUSE_RUNS_KEPT)

    return dg.Definitions(
        assets=[warehouse_models],
        # the dbt of this environment, found whether or not its bin folder is on PATH
        resources={
            "dbt": HubDbtCliResource(
                project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
            )
        },
    )


def keep_run_parse(run_target: Path, target: Path) -> None:
    """Keep a run's parse of the project as the one the next run starts from.

    Each run starts from the partial parse in `target`. The one `hub prepare` leaves there
    has its seeds marked changed (dagster-dbt does so, in case the project is then moved), so
    every run parsed the 23 seeds again: 2 s of each run (`dbt parse` 6.5-6.8 s against
    4.5-4.6 s). A run's own parse was made here, seeds included; dbt still parses again
    whatever changed after it (files, variables, profile).
    """
    parsed = run_target / PARTIAL_PARSE
    if not parsed.is_file():
        return
    kept = target / f".{PARTIAL_PARSE}.{os.getpid()}"
    shutil.copyfile(parsed, kept)
    os.replace(kept, target / PARTIAL_PARSE)


def prune_run_targets(target: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest run folders dagster-dbt made in `target`; the
    prepared manifest and partial parse beside them stay. Returns what was removed.

    Only one dbt build runs at a time (the warehouse pool), so none of these is in use."""
    runs = sorted(
        (path for path in target.glob("warehouse_models-*") if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
    )
    removed = runs[: max(len(runs) - keep, 0)]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed
