"""The warehouse's dbt resource: no per-run start-up it does not use, no artifacts piling up."""

import os
import sys
from importlib import metadata
from pathlib import Path

from dagster_dbt import DbtCliResource

from orchestration.transform.dbt_cli import HubDbtCliResource
from orchestration.transform.definitions import dbt_project, prune_run_targets


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


def test_only_the_newest_dbt_run_folders_are_kept(tmp_path):
    for age, name in enumerate(["warehouse_models-c", "warehouse_models-b", "warehouse_models-a"]):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))  # c is the newest
    (tmp_path / "partial_parse.msgpack").write_bytes(b"prepared")

    removed = prune_run_targets(tmp_path, keep=2)

    assert [path.name for path in removed] == ["warehouse_models-a"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "partial_parse.msgpack",
        "warehouse_models-b",
        "warehouse_models-c",
    ]
