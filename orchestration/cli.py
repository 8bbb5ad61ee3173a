"""`hub`: the operations a user runs by hand.

    hub demo                 object store, demo deliveries, full materialization, summary
    hub objectstore start|stop|status
    hub seed-demo            generate the demo deliveries and upload them to the raw bucket
    hub prepare              build the dbt manifest and the Dagster instance config
    hub materialize          run the full_refresh job through Dagster
    hub summary              rows landed and quarantined per data set, heat map, locations
    hub heatmap [--format table|json]
    hub quarantine [DATA_SET]  rows rejected at landing, by object, or one data set's rows
    hub ui                   the Dagster UI on the same instance and object store

Unset HUB_* variables take the embedded development defaults (README: Configuration).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from orchestration.lib import heatmap, lake_layout
from orchestration.lib.settings import (
    REPO_ROOT,
    ObjectStore,
    apply_development_defaults,
    duckdb_extension_directory,
)

console = Console()


def _home() -> Path:
    return Path(os.environ["HUB_HOME"])


def _prepare_environment() -> None:
    applied = apply_development_defaults()
    _home().mkdir(parents=True, exist_ok=True)
    if not os.environ.get("HUB_PSEUDONYM_KEY"):
        # A local key, made once and kept out of the repository; production sets the variable.
        key_file = _home() / "pseudonym.key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        os.environ["HUB_PSEUDONYM_KEY"] = key_file.read_text().strip()
        applied.append("HUB_PSEUDONYM_KEY")
    from orchestration.lib.resources import LakeResource, dbt_environment

    os.environ.update(dbt_environment(_lake_from_environment(LakeResource)))
    if applied:
        console.print(f"[dim]development defaults for: {', '.join(sorted(applied))}[/dim]")


def _lake_from_environment(lake_cls):
    store = ObjectStore.from_environment()
    return lake_cls(
        endpoint_url=store.endpoint_url,
        access_key_id=store.access_key_id,
        secret_access_key=store.secret_access_key,
        region=store.region,
        raw_bucket=os.environ["HUB_RAW_BUCKET"],
        lake_bucket=os.environ["HUB_LAKE_BUCKET"],
    )


def _filesystem():
    import s3fs

    return s3fs.S3FileSystem(
        **ObjectStore.from_environment().s3fs_options(), skip_instance_cache=True
    )


def _embedded_store():
    from infra.objectstore import DEFAULT_PORTS, Identity
    from infra.objectstore import ObjectStore as Embedded

    endpoint = os.environ["HUB_S3_ENDPOINT"]
    port = int(endpoint.rsplit(":", 1)[1]) if endpoint.count(":") == 2 else 8333
    ports = {**DEFAULT_PORTS, "s3": port}
    admin = Identity(
        "hub_pipeline", os.environ["HUB_S3_ACCESS_KEY_ID"], os.environ["HUB_S3_SECRET_ACCESS_KEY"]
    )
    return Embedded(data_dir=_home() / "objectstore", identities=[admin], ports=ports)


def objectstore(action: str) -> None:
    from infra.objectstore import ensure_buckets

    store = _embedded_store()
    if action == "start":
        started = store.start()
        ensure_buckets(_filesystem(), [os.environ["HUB_RAW_BUCKET"], os.environ["HUB_LAKE_BUCKET"]])
        state = "started" if started else "already running"
        console.print(f"object store {state} at {store.endpoint_url} (data: {store.data_dir})")
    elif action == "stop":
        stopped = store.stop()
        console.print("object store stopped" if stopped else "object store was not running")
    else:
        running = store.running_pid() is not None and store.answers()
        console.print(f"object store {'running' if running else 'stopped'} at {store.endpoint_url}")


def seed_demo(scale: float, seed: int) -> None:
    from infra.demo.generate import generate_estate

    estate = _home() / "demo-estate"
    if estate.exists():
        shutil.rmtree(estate)
    manifest = generate_estate(estate, seed=seed, scale=scale)
    fs = _filesystem()
    bucket = os.environ["HUB_RAW_BUCKET"]
    uploaded = 0
    for path in sorted(estate.rglob("*")):
        relative = path.relative_to(estate)
        if path.is_file() and not relative.parts[0].startswith("_"):
            fs.put_file(str(path), f"{bucket}/{relative.as_posix()}")
            uploaded += 1
    console.print(
        f"uploaded {uploaded} raw objects ({len(manifest.deliveries)} deliveries) to s3://{bucket}/"
    )


def prepare() -> None:
    from dagster_dbt import DbtProject

    dagster_home = Path(os.environ["DAGSTER_HOME"])
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_ROOT / "infra" / "dagster.yaml", dagster_home / "dagster.yaml")
    project = DbtProject(
        project_dir=REPO_ROOT / "dbt_project", profiles_dir=REPO_ROOT / "dbt_project"
    )
    project.preparer.prepare(project)
    console.print(f"dbt manifest ready: {project.manifest_path}")


def materialize(job: str = "full_refresh") -> int:
    command = [
        sys.executable, "-m", "dagster", "job", "execute",
        "-m", "orchestration.definitions",
        "-j", job,
        "--config-json", json.dumps({"execution": {"config": {"in_process": {}}}}),
    ]  # fmt: skip
    console.print(f"materializing job {job} through Dagster ...")
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    log = _home() / "last-run.log"
    log.write_text(completed.stdout + completed.stderr)
    if completed.returncode != 0:
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-40:])
        console.print(f"[red]the run failed; full log in {log}[/red]\n{tail}")
    else:
        console.print(f"run succeeded (log: {log})")
    return completed.returncode


def _warehouse_connection():
    import duckdb

    return duckdb.connect(
        os.environ["HUB_WAREHOUSE_PATH"],
        read_only=True,
        config={
            "extension_directory": str(duckdb_extension_directory()),
            "autoinstall_known_extensions": False,
        },
    )


def print_heatmap(output_format: str = "table") -> None:
    with _warehouse_connection() as connection:
        cells = heatmap.read_cell_scores(connection)
        overall = connection.execute(
            "select average_score from gold.taxonomy_dimension_scores where dimension = 'overall'"
        ).fetchone()[0]
    if output_format == "json":
        print(json.dumps({"overall": overall, "cells": [c.__dict__ for c in cells]}, indent=2))
        return
    grid = heatmap.as_grid(cells)
    table = Table(title=f"Evidence heat map: 27 taxonomy cells (overall {overall:.2f} / 10)")
    table.add_column("level")
    for intervention, condition in heatmap.grid_columns():
        table.add_column(f"{intervention}\n{condition}", justify="center")
    for level in heatmap.LEVELS:
        row = [level]
        for slot in heatmap.grid_columns():
            cell = grid[level][slot]
            row.append(_cell_text(cell))
        table.add_row(*row)
    console.print(table)
    console.print("[dim]score 0-10 per cell (best data set feeding it); '·' = no data set[/dim]")


def _cell_text(cell: heatmap.CellScore) -> str:
    if cell.data_set_count == 0:
        return "[grey50]·[/grey50]"
    color = "green" if cell.score >= 6.67 else "yellow" if cell.score >= 3.33 else "red"
    return f"[bold {color}]{cell.score:.1f}[/bold {color}]"


def summary() -> None:
    from orchestration.lib.landing import read_last_landing
    from orchestration.lib.settings import DBT_PROJECT_DIR
    from orchestration.lib.source_specs import load_source_specs

    fs = _filesystem()
    lake_bucket = os.environ["HUB_LAKE_BUCKET"]
    table = Table(title="Data sets landed in bronze")
    for column in ("data set", "deliveries", "rows landed", "rows quarantined", "failed"):
        table.add_column(column, justify="left" if column == "data set" else "right")
    failures = []
    for spec in load_source_specs(DBT_PROJECT_DIR):
        report = read_last_landing(fs, lake_bucket, spec.name) or {"outcomes": []}
        in_bronze = [o for o in report["outcomes"] if o["status"] in ("landed", "unchanged")]
        failed = [o for o in report["outcomes"] if o["status"] == "failed"]
        failures += failed
        table.add_row(
            spec.name,
            str(len(in_bronze)),
            f"{sum(o['rows'] for o in in_bronze):,}",
            f"{sum(o['rejected'] for o in in_bronze):,}",
            f"[red]{len(failed)}[/red]" if failed else "0",
        )
    console.print(table)
    for outcome in failures:
        console.print(f"[red]not landed:[/red] {outcome['error']}")
    print_heatmap()
    reports = _home() / "reports"
    reports.mkdir(exist_ok=True)
    for name in ("coverage_heatmap.html", "coverage_heatmap.png"):
        key = f"{lake_bucket}/{lake_layout.report_key(name)}"
        if fs.exists(key):
            fs.get_file(key, str(reports / name))
    console.print(f"heat map: {reports / 'coverage_heatmap.html'} (and .png)")
    warehouse = os.environ["HUB_WAREHOUSE_PATH"]
    console.print(
        f"warehouse: {warehouse}  (duckdb {warehouse} -c 'from gold.taxonomy_cell_scores')"
    )
    console.print(
        f"gold Parquet: s3://{lake_bucket}/gold/  (endpoint {os.environ['HUB_S3_ENDPOINT']})"
    )


def quarantine(data_set: str | None, limit: int) -> None:
    from orchestration.lib.quarantine import quarantine_summary, quarantined_rows
    from orchestration.lib.resources import open_duckdb

    store = ObjectStore.from_environment()
    lake_bucket = os.environ["HUB_LAKE_BUCKET"]
    connection = open_duckdb(":memory:")
    if data_set is None:
        table = Table(title="Quarantined rows, by raw object")
        for column in ("data set", "raw object", "rows"):
            table.add_column(column, justify="right" if column == "rows" else "left")
        for name, raw_key, rows in quarantine_summary(connection, store, lake_bucket):
            table.add_row(name, raw_key, f"{rows:,}")
    else:
        table = Table(title=f"Quarantined rows of {data_set} (first {limit})")
        for column in ("raw object", "line", "reason", "original"):
            table.add_column(column, overflow="fold")
        for raw_key, line, reason, original in quarantined_rows(
            connection, store, lake_bucket, data_set, limit
        ):
            table.add_row(raw_key, str(line), reason, original)
    console.print(table)


def ui() -> int:
    objectstore("start")
    prepare()
    dg = str(Path(sys.executable).parent / "dg")
    return subprocess.call([dg, "dev", "--host", "127.0.0.1", "--port", "3000"], cwd=REPO_ROOT)


def demo(scale: float, seed: int) -> int:
    objectstore("start")
    seed_demo(scale, seed)
    prepare()
    code = materialize()
    if code == 0:
        summary()
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hub", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("demo", "seed-demo"):
        sub = commands.add_parser(name)
        sub.add_argument("--scale", type=float, default=1.0)
        sub.add_argument("--seed", type=int, default=2026)
    store = commands.add_parser("objectstore")
    store.add_argument("action", choices=["start", "stop", "status"])
    commands.add_parser("prepare")
    run = commands.add_parser("materialize")
    run.add_argument("--job", default="full_refresh")
    commands.add_parser("summary")
    heat = commands.add_parser("heatmap")
    heat.add_argument("--format", choices=["table", "json"], default="table")
    rejected = commands.add_parser("quarantine")
    rejected.add_argument("data_set", nargs="?")
    rejected.add_argument("--limit", type=int, default=50)
    commands.add_parser("ui")
    args = parser.parse_args(argv)

    _prepare_environment()
    match args.command:
        case "demo":
            return demo(args.scale, args.seed)
        case "seed-demo":
            seed_demo(args.scale, args.seed)
        case "objectstore":
            objectstore(args.action)
        case "prepare":
            prepare()
        case "materialize":
            return materialize(args.job)
        case "summary":
            summary()
        case "heatmap":
            print_heatmap(args.format)
        case "quarantine":
            quarantine(args.data_set, args.limit)
        case "ui":
            return ui()
    return 0


if __name__ == "__main__":
    sys.exit(main())
