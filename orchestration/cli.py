"""`hub`: the operations a user runs by hand.

    hub demo                 object store, demo deliveries, full materialization, summary
    hub objectstore start|stop|status
    hub seed-demo            generate the demo deliveries and upload them to the raw bucket
    hub prepare              build the dbt manifest and the Dagster instance config
    hub materialize [--job J | --data-set D]   a job (full_refresh), or one data set's run
    hub contributor keys C   a contributor's object-store keys, as variables to export
    hub upload FILE --data-set D --contributor C [--label L]   a delivery, as its contributor
    hub check D [--sample FILE] [--contributor C]   a data set's declarations, without a run
    hub propose FILE [--data-set D] [--out DIR]   draft a declaration and a staging model
    hub summary              rows landed and quarantined per data set, heat map, locations
    hub heatmap [--format table|json]
    hub query "SQL" [--format table|csv|json] [--as-of N]   SQL on the published gold
    hub query --snapshots    the publications kept, to query one with --as-of
    hub query --attach-sql   the lines that open it in another DuckDB client (with its keys)
    hub docs                 the data dictionary of the published gold, as one HTML page
    hub quarantine [DATA_SET]  rows rejected at landing, by object, or one data set's rows
    hub ui                   the Dagster UI on the same instance and object store
    hub extract --role R --purpose P   the marts a live agreement allows, suppressed, audited
    hub audit verify         check the audit log's hash chain, name the first broken entry
    hub withdraw --contributor C --reason TEXT   purge a contributor's data, keep it out
    hub rotate-pseudonym-key [--reason TEXT]     record a key rotation, say what to re-run

Unset HUB_* variables take the embedded development defaults (README: Configuration).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from orchestration.engineering import tools as engineer_tools
from orchestration.engineering.tools import EngineerToolError
from orchestration.platform import lake_layout
from orchestration.platform.declarations import SourceSpecError
from orchestration.platform.settings import (
    REPO_ROOT,
    ObjectStore,
    SettingsError,
    apply_development_defaults,
    uses_local_store,
)
from orchestration.publishing import heatmap
from orchestration.trust.governance import GovernanceError

console = Console()
notices = Console(stderr=True)  # what is not the command's output, so scripts can read stdout


def _home() -> Path:
    return Path(os.environ["HUB_HOME"])


def _prepare_environment() -> None:
    # What the hub writes (raw copies, the warehouse, logs, keys) holds personal data or
    # secrets: private to its owner, and the state folder closed to everyone else.
    os.umask(0o077)
    # The environment's own tools (dbt, dg, dagster) for this process and its children, also
    # when `.venv/bin/hub` runs from a shell whose PATH does not hold .venv/bin.
    tools = str(Path(sys.executable).parent)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([tools, os.environ.get("PATH", "")])
    applied = apply_development_defaults()
    _home().mkdir(parents=True, exist_ok=True)
    _home().chmod(0o700)
    if not os.environ.get("HUB_PSEUDONYM_KEY"):
        if not uses_local_store():
            raise SettingsError(
                "HUB_PSEUDONYM_KEY is not set: a hub on a shared object store takes its "
                "pseudonym key from the secret store (README: Configuration)"
            )
        # A local key, made once and kept out of the repository; production sets the variable.
        key_file = _home() / "pseudonym.key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        os.environ["HUB_PSEUDONYM_KEY"] = key_file.read_text().strip()
        applied.append("HUB_PSEUDONYM_KEY")
    from orchestration.platform.resources import LakeResource, dbt_environment

    os.environ.update(dbt_environment(LakeResource.from_environment()))
    if applied:
        notices.print(f"[dim]development defaults for: {', '.join(sorted(applied))}[/dim]")


def _filesystem(keys: tuple[str, str] | None = None):
    """The object store as the pipeline, or as the identity whose key variables are given."""
    import s3fs

    store = ObjectStore.from_environment()
    if keys is not None:
        store = dataclasses.replace(
            store, access_key_id=os.environ[keys[0]], secret_access_key=os.environ[keys[1]]
        )
    return s3fs.S3FileSystem(**store.s3fs_options(), skip_instance_cache=True)


def _object_store_keys():
    """The trust's declarations; unset identity keys take local development values."""
    from orchestration.trust.governance import load_governance
    from orchestration.trust.identities import development_keys

    governance = load_governance()
    for name, value in development_keys(governance, _home()).items():
        if not os.environ.get(name):
            os.environ[name] = value
    return governance


def _embedded_store(with_identities: bool = True):
    from orchestration.platform.objectstore import DEFAULT_PORTS
    from orchestration.platform.objectstore import ObjectStore as Embedded

    endpoint = os.environ["HUB_S3_ENDPOINT"]
    port = int(endpoint.rsplit(":", 1)[1]) if endpoint.count(":") == 2 else DEFAULT_PORTS["s3"]
    # Only S3's port is the user's; the store chooses the others at its first start and keeps
    # them in its folder, so two hubs on one host never collide.
    ports = {"s3": port}
    identities = []
    if with_identities:
        from orchestration.platform.declarations import load_source_specs
        from orchestration.platform.settings import DBT_PROJECT_DIR
        from orchestration.trust.identities import object_store_identities

        raw_bucket, lake_bucket = os.environ["HUB_RAW_BUCKET"], os.environ["HUB_LAKE_BUCKET"]
        identities = object_store_identities(
            _object_store_keys(),
            raw_bucket,
            lake_bucket,
            specs=load_source_specs(DBT_PROJECT_DIR),
        )
    return Embedded(data_dir=_home() / "objectstore", identities=identities, ports=ports)


def objectstore(action: str) -> None:
    from orchestration.platform.objectstore import ensure_buckets, keep_versions

    store = _embedded_store(with_identities=action == "start")
    if action == "start":
        from orchestration.trust.audit import ensure_audit_bucket
        from orchestration.trust.identities import ADMIN_KEYS

        started = store.start()
        raw_bucket, lake_bucket = os.environ["HUB_RAW_BUCKET"], os.environ["HUB_LAKE_BUCKET"]
        admin = _filesystem(ADMIN_KEYS)
        ensure_buckets(admin, [raw_bucket, lake_bucket])
        keep_versions(admin, raw_bucket)
        ensure_audit_bucket(admin, lake_bucket)
        state = "started" if started else "already running"
        console.print(f"object store {state} at {store.endpoint_url} (data: {store.data_dir})")
        if not store.private_tmp:
            console.print(
                "[yellow]note:[/yellow] this host allows no private mount namespace, so "
                "SeaweedFS's gRPC sockets are in /tmp (owner-only, certificate-checked)"
            )
    elif action == "stop":
        stopped = store.stop()
        console.print("object store stopped" if stopped else "object store was not running")
    else:
        pid = store.running_pid()
        problem = store.s3_problem()
        if pid is not None and problem is None:
            console.print(f"object store running at {store.endpoint_url} (pid {pid})")
        elif pid is not None:
            console.print(
                f"object store not serving: SeaweedFS runs (pid {pid}) but {problem}; "
                f"see {store.log_file} or run `hub objectstore stop` and start it again"
            )
        elif problem is None:
            console.print(
                f"object store stopped, yet another program serves S3 at {store.endpoint_url}"
            )
        else:
            console.print(f"object store stopped ({problem})")


def seed_demo(scale: float, seed: int) -> None:
    from infra.demo.generate import generate_estate

    estate = _home() / "demo-estate"
    if estate.exists():
        shutil.rmtree(estate)
    from orchestration.platform.lake_layout import DELIVERY_SEPARATOR
    from orchestration.trust.identities import contributor_keys

    manifest = generate_estate(estate, seed=seed, scale=scale)
    _object_store_keys()
    bucket = os.environ["HUB_RAW_BUCKET"]
    uploaded = 0
    # Each delivery goes up with its contributor's own keys, which reach its prefix only.
    contributors: dict[str, object] = {}
    refused: set[str] = set()
    for path in sorted(estate.rglob("*")):
        relative = path.relative_to(estate)
        if path.is_file() and not relative.parts[0].startswith("_"):
            contributor = relative.parts[1].split(DELIVERY_SEPARATOR, 1)[0]
            keys = contributor_keys(contributor)
            if not all(os.environ.get(name) for name in keys):
                refused.add(contributor)
                continue
            if contributor not in contributors:
                contributors[contributor] = _filesystem(keys)
            contributors[contributor].put_file(str(path), f"{bucket}/{relative.as_posix()}")
            uploaded += 1
    console.print(
        f"uploaded {uploaded} raw objects ({len(manifest.deliveries)} deliveries) to s3://{bucket}/, "
        f"each with its contributor's keys"
    )
    for contributor in sorted(refused):
        console.print(
            f"[red]not uploaded:[/red] {contributor} has no object-store keys; declare it "
            "in its data set's declaration (dbt_project/models/staging/<data set>/)"
        )


def prepare() -> None:
    from dagster_dbt import DbtProject

    from orchestration.transform.dbt_cli import prepare_dbt_project

    dagster_home = Path(os.environ["DAGSTER_HOME"])
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_ROOT / "infra" / "dagster.yaml", dagster_home / "dagster.yaml")
    project = DbtProject(
        project_dir=REPO_ROOT / "dbt_project", profiles_dir=REPO_ROOT / "dbt_project"
    )
    prepare_dbt_project(project)
    console.print(f"dbt manifest ready: {project.manifest_path}")


def materialize(job: str = "full_refresh", data_set: str | None = None) -> int:
    from orchestration.automation.run_monitoring import sweep_hub

    if data_set is not None:
        from orchestration.platform.declarations import load_source_specs
        from orchestration.platform.settings import DBT_PROJECT_DIR

        engineer_tools.declared_data_set(load_source_specs(DBT_PROJECT_DIR), data_set)

    # No daemon watches this run. First end the runs whose worker was killed: they hold the
    # warehouse pool, which would keep this run waiting for ever.
    for line in sweep_hub().report():
        console.print(f"[yellow]{line}[/yellow]")
    # The run executes in this one child process, as every run of the hub does (the
    # executor in orchestration/automation/jobs.py).
    if data_set is None:
        command = [
            sys.executable, "-m", "dagster", "job", "execute",
            "-m", "orchestration.definitions",
            "-j", job,
        ]  # fmt: skip
        console.print(f"materializing job {job} through Dagster ...")
    else:
        command = engineer_tools.data_set_run_command(data_set)
        console.print(
            f"materializing {data_set} through Dagster: its bronze and what depends on it, as "
            "the raw_deliveries sensor runs it ..."
        )
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    log = _home() / "last-run.log"
    log.write_text(completed.stdout + completed.stderr)
    if completed.returncode != 0:
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-40:])
        console.print(f"[red]the run failed; full log in {log}[/red]\n{tail}")
    else:
        console.print(f"run succeeded (log: {log})")
    # Again, for this run: a failed run gets its steward note, a killed child's run is ended.
    for line in sweep_hub().report():
        console.print(f"[yellow]{line}[/yellow]")
    return completed.returncode


def contributor_keys(contributor: str) -> int:
    from rich.markup import escape

    from orchestration.trust.governance import load_governance

    keys = engineer_tools.keys_for_contributor(
        load_governance(), contributor, _home(), uses_local_store()
    )
    for line in keys.exports():
        print(line)  # stdout holds only these: eval "$(hub contributor keys ...)" sets them

    def say(text: str) -> None:
        notices.print(text, soft_wrap=True)  # a path or command stays whole, to copy

    if keys.kept_in is None:
        say(f"taken from the environment ({keys.variables[0]}, {keys.variables[1]})")
    else:
        made = "made now" if keys.issued else "made earlier"
        say(
            f"local keys, for the embedded object store only, {made} and kept in "
            f"{escape(engineer_tools.printable(keys.kept_in))} (mode 0600): export the two "
            f'variables above, or run eval "$(hub contributor keys {contributor})"'
        )
    if uses_local_store():
        state = engineer_tools.load_into_embedded_store(
            _embedded_store(), keys, ObjectStore.from_environment()
        )
        say(
            {
                "known": "the running object store knows them",
                "loaded": "loaded into the running object store",
                "not running": "the object store is not running; `hub objectstore start` "
                "loads them",
                "restart": "the running object store does not know them yet: "
                "`hub objectstore stop && hub objectstore start` loads them",
            }[state]
        )
    return 0


def upload(file: Path, data_set: str, contributor: str, label: str | None) -> int:
    from rich.markup import escape

    from orchestration.platform.declarations import load_source_specs
    from orchestration.platform.settings import DBT_PROJECT_DIR
    from orchestration.trust.governance import load_governance

    governance = load_governance()
    spec = engineer_tools.declared_data_set(load_source_specs(DBT_PROJECT_DIR), data_set)
    engineer_tools.checked_local_file(file)
    raw = engineer_tools.delivery_object(
        spec, governance, contributor, file.name, label or engineer_tools.default_label()
    )
    keys = engineer_tools.keys_for_contributor(governance, contributor, _home(), uses_local_store())
    store = engineer_tools.store_with_keys(ObjectStore.from_environment(), keys)

    def say(text: str) -> None:
        console.print(text, soft_wrap=True)  # a key or command stays whole, to copy

    try:
        target = engineer_tools.upload_delivery(file, raw, store, os.environ["HUB_RAW_BUCKET"])
    except PermissionError as error:
        if engineer_tools.keys_accepted(store) is False:
            say(
                f"[red]the object store does not know {contributor}'s keys yet[/red]: run "
                f"`hub contributor keys {contributor}`, which says how to load them"
            )
        else:
            say(
                f"[red]refused by the object store:[/red] {escape(str(error))}; the keys of "
                f"{contributor} may write only its own prefixes of its declared data sets"
            )
        return 1
    say(f"uploaded {escape(engineer_tools.printable(file))} as {contributor}")
    say(f"  to s3://{escape(target)}")
    say(
        f"next: the raw_deliveries sensor starts a run for {data_set} within a minute while "
        f"the Dagster daemon runs (`hub ui`); or run it now: hub materialize --data-set {data_set}"
    )
    return 0


def check(data_set: str, sample: Path | None, contributor: str | None) -> int:
    from orchestration.platform.settings import DBT_PROJECT_DIR
    from orchestration.trust.governance import load_governance

    findings = engineer_tools.check_data_set(
        data_set, DBT_PROJECT_DIR, load_governance, sample, contributor
    )
    for line in engineer_tools.report_lines(findings):
        print(line)
    return 0 if all(finding.ok for finding in findings) else 1


def _warehouse():
    from orchestration.platform.resources import ENCRYPTION_KEY_VARIABLE, WarehouseResource

    return WarehouseResource(
        path=os.environ["HUB_WAREHOUSE_PATH"],
        encryption_key=os.environ.get(ENCRYPTION_KEY_VARIABLE, ""),
    )


def _published(snapshot: int | None = None):
    """The published gold, read with the analyst's keys (README: Querying the gold marts)."""
    from contextlib import closing

    from orchestration.analyst import connect

    return closing(connect(snapshot))


def print_heatmap(output_format: str = "table") -> None:
    with _published() as connection:
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


def query(sql: str | None, output_format: str, snapshot: int | None, list_snapshots: bool) -> int:
    import duckdb

    from orchestration.publishing.publication import PublicationError, snapshots

    if not sql and not list_snapshots:
        console.print('[red]give the SQL to run, e.g. hub query "show tables"[/red]')
        return 2
    try:
        with _published(snapshot) as connection:
            if list_snapshots:
                columns, rows = ["snapshot", "published at", "tables"], snapshots(connection)
            elif output_format == "table":
                # DuckDB's own rendering, as its CLI shows a result: fitted to the terminal,
                # wide results shown by their first and last columns
                relation = connection.sql(sql)
                if relation is not None:
                    relation.show(max_width=console.width)
                return 0
            else:
                result = connection.execute(sql)
                columns = [d[0] for d in result.description or []]
                rows = result.fetchall()
    except PublicationError as error:
        console.print(f"[red]{error}[/red]")
        return 1
    except duckdb.Error as error:
        first = str(error).splitlines()[0]
        console.print(f"[red]query failed: {first}[/red]")
        console.print('[dim]the published tables: hub query "show tables"[/dim]')
        return 1
    _print_rows(columns, rows, output_format)
    return 0


def _print_rows(columns: list[str], rows: list[tuple], output_format: str) -> None:
    if output_format == "json":
        print(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str))
    elif output_format == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*("" if value is None else str(value) for value in row))
        console.print(table)


def docs() -> int:
    import warnings

    from orchestration.publishing.data_dictionary import (
        DataDictionaryError,
        DataDictionaryWarning,
        build_data_dictionary,
    )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataDictionaryWarning)
        try:
            page = build_data_dictionary(_home() / "docs")
        except DataDictionaryError as error:
            console.print(f"[red]{error}[/red]")
            return 1
    for warning in caught:
        if issubclass(warning.category, DataDictionaryWarning):
            console.print(f"[yellow]note:[/yellow] {warning.message}")
    console.print(f"data dictionary: {page}")
    return 0


def _cell_text(cell: heatmap.CellScore) -> str:
    if cell.data_set_count == 0:
        return "[grey50]·[/grey50]"
    color = "green" if cell.score >= 6.67 else "yellow" if cell.score >= 3.33 else "red"
    return f"[bold {color}]{cell.score:.1f}[/bold {color}]"


def summary() -> None:
    from orchestration.landing.landing import read_last_landing
    from orchestration.platform.declarations import load_source_specs
    from orchestration.platform.settings import DBT_PROJECT_DIR

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
    console.print('published gold: .venv/bin/hub query "from gold.dataset_quality_scores"')
    console.print(
        f"gold Parquet: s3://{lake_bucket}/gold/  (endpoint {os.environ['HUB_S3_ENDPOINT']})"
    )


def quarantine(data_set: str | None, limit: int) -> int:
    from orchestration.landing.quarantine import quarantine_summary, quarantined_rows
    from orchestration.platform.declarations import load_source_specs
    from orchestration.platform.resources import open_duckdb
    from orchestration.platform.settings import DBT_PROJECT_DIR

    declared = sorted(spec.name for spec in load_source_specs(DBT_PROJECT_DIR))
    if data_set is not None and data_set not in declared:
        console.print(f"[red]no data set {data_set!r}[/red]; declared: {', '.join(declared)}")
        return 1

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
    return 0


def _lake():
    from orchestration.platform.resources import LakeResource

    return LakeResource.from_environment()


def extract(role: str, purpose: str) -> int:
    from orchestration.trust.extracts import ExtractError, make_extract
    from orchestration.trust.governance import AccessRefused, load_governance
    from orchestration.trust.suppression import configured_threshold

    lake = _lake()
    try:
        package = make_extract(
            load_governance(),
            role,
            purpose,
            lambda: _warehouse().connect(lake, read_only=True),
            lake.filesystem(),
            lake.lake_bucket,
            _home() / "extracts",
            configured_threshold(),
        )
    except AccessRefused as refusal:
        console.print(f"[red]refused:[/red] {refusal}")
        console.print(f"the refusal is recorded in the audit log (entry #{refusal.audit_sequence})")
        return 2
    except ExtractError as error:
        console.print(f"[red]no extract:[/red] {error}")
        return 1
    agreement = package.agreement
    table = Table(title=f"Extract for role {role}, purpose {purpose}")
    for column in ("table", "rows", "suppressed cells"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, rows in package.tables.items():
        hidden = sum(n for key, n in package.suppressed_cells.items() if key.startswith(f"{name}."))
        table.add_row(name, f"{rows:,}", f"{hidden:,}")
    console.print(table)
    console.print(
        f"under agreement {agreement.id} ({agreement.party}; tier {agreement.tier}; "
        f"expires {agreement.expires_on})"
    )
    console.print(f"written to {package.local_directory}/ and {package.lake_location}/")
    console.print(f"audit entry #{package.audit_sequence}")
    return 0


def audit_verify() -> int:
    from rich.markup import escape

    from orchestration.trust.audit import AuditLog

    lake = _lake()
    log = AuditLog(lake.filesystem(), lake.lake_bucket)
    verification = log.verify()

    def say(text: str) -> None:
        console.print(text, soft_wrap=True)  # one finding per line, however long

    if verification.intact:
        say(f"audit log intact: {verification.entries} entries in {log.location}")
        if verification.entries:
            kept = verification.retained_until
            say(
                f"head hash {verification.head_hash}"
                + (f", kept by Object Lock until {kept:%Y-%m-%d} at least" if kept else "")
                + (f", anchored in {log.anchor.path}" if log.anchor else "")
            )
    else:
        first, *others = verification.problems
        where = f" at entry #{first.sequence}" if first.sequence else ""
        key = f" (s3://{first.key})" if first.key else ""
        say(f"[red]audit log broken{where}[/red]{escape(key)}: {escape(first.message)}")
        for problem in others:
            say(f"[red]also:[/red] {escape(problem.message)}")
        if verification.entries:
            say(f"the chain of entries as first written verifies up to #{verification.entries}")
    for note in verification.notes:
        say(f"[yellow]note:[/yellow] {escape(note)}")
    return 0 if verification.intact else 1


def withdraw_contributor(contributor: str, reason: str) -> int:
    from contextlib import nullcontext

    import duckdb

    from orchestration.trust.governance import load_governance
    from orchestration.trust.withdrawals import withdraw

    governance = load_governance()
    if contributor not in governance.contributors:
        console.print(
            f"[red]refused:[/red] contributor {contributor!r} is not declared by any data set "
            f"(declared: {', '.join(sorted(governance.contributors))})"
        )
        return 1
    lake = _lake()
    exists = Path(os.environ["HUB_WAREHOUSE_PATH"]).exists()
    try:
        # Opened first: when a run holds the warehouse, nothing at all is changed.
        with _warehouse().connect(lake) if exists else nullcontext(None) as connection:
            report = withdraw(
                contributor,
                reason,
                lake.filesystem(),
                lake.lake_bucket,
                connection,
                _home() / "extracts",
            )
    except duckdb.IOException as error:
        console.print(
            f"[red]the warehouse is in use ({error}); nothing was changed: run this again once "
            "the run holding it has ended[/red]"
        )
        return 1
    console.print(f"contributor {contributor} withdrawn (audit entry #{report.audit_sequence})")
    lake_objects = ", ".join(f"{k} {n}" for k, n in report.lake_objects_removed.items())
    console.print(f"  lake objects removed: {lake_objects or 'none'}")
    silver = ", ".join(f"{k} {n:,}" for k, n in report.silver_rows_removed.items())
    console.print(f"  silver rows removed: {silver or 'none'}")
    console.print(f"  extracts revoked: {len(report.extracts_revoked)}")
    for location in report.extracts_revoked:
        console.print(f"    {location}")
    if report.emptied_data_sets:
        console.print(
            f"  no contributor left for: {', '.join(report.emptied_data_sets)} (columns kept, "
            "no rows, so the models still build)"
        )
    console.print(
        f"  raw deliveries stay in s3://{lake.raw_bucket}/*/{contributor}__*/ as delivered; "
        "landing skips them from now on"
    )
    console.print(
        f"next: run `hub materialize` so gold and the quality scores are recomputed without "
        f"{contributor}"
    )
    return 0


def rotate_pseudonym_key(reason: str, operator_key: bool) -> int:
    from orchestration.trust.keys import (
        RERUN,
        KeyRotationError,
        record_key_rotation,
        rotate_key_file,
    )

    lake = _lake()
    fs = lake.filesystem()
    try:
        if operator_key:
            rotation = record_key_rotation(
                os.environ["HUB_PSEUDONYM_KEY"], fs, lake.lake_bucket, reason
            )
            console.print("rotation of HUB_PSEUDONYM_KEY recorded")
        else:
            rotation = rotate_key_file(_home() / "pseudonym.key", fs, lake.lake_bucket, reason)
            console.print(f"new pseudonym key written to {rotation.key_file}")
    except KeyRotationError as error:
        console.print(f"[red]refused:[/red] {error}")
        return 1
    console.print(
        f"key fingerprint {rotation.new_fingerprint} (was {rotation.previous_fingerprint}); "
        f"audit entry #{rotation.audit_sequence}"
    )
    console.print(f"to re-run: {RERUN}")
    return 0


def ui() -> int:
    from orchestration.automation.run_monitoring import sweep_hub

    objectstore("start")
    prepare()
    # Runs a previous session left unfinished (its processes killed) are ended before the
    # daemon starts; its run monitoring (infra/dagster.yaml) watches from then on.
    for line in sweep_hub().report():
        console.print(f"[yellow]{line}[/yellow]")
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
    what_to_run = run.add_mutually_exclusive_group()
    what_to_run.add_argument("--job", default="full_refresh")
    what_to_run.add_argument("--data-set", dest="data_set", metavar="ID")
    contributors = commands.add_parser("contributor").add_subparsers(dest="action", required=True)
    contributors.add_parser("keys").add_argument("contributor", metavar="ID")
    uploading = commands.add_parser("upload", help="a delivery, with its contributor's keys")
    uploading.add_argument("file", type=Path, metavar="FILE")
    uploading.add_argument("--data-set", dest="data_set", required=True, metavar="ID")
    uploading.add_argument("--contributor", required=True, metavar="ID")
    uploading.add_argument("--label", help="the delivery's label (default: today, YYYY-MM-DD)")
    checking = commands.add_parser("check", help="a data set's declarations, without a run")
    checking.add_argument("data_set", metavar="ID")
    checking.add_argument("--sample", type=Path, metavar="FILE")
    checking.add_argument("--contributor", metavar="ID")
    proposing = commands.add_parser(
        "propose", help="draft a declaration and a staging model from a sample file"
    )
    proposing.add_argument("file", type=Path, metavar="FILE")
    proposing.add_argument("--data-set", metavar="ID")
    proposing.add_argument("--contributor", metavar="ID")
    proposing.add_argument("--out", type=Path, metavar="DIR", help="default: print the drafts")
    commands.add_parser("summary")
    heat = commands.add_parser("heatmap")
    heat.add_argument("--format", choices=["table", "json"], default="table")
    querying = commands.add_parser("query", help="SQL on the published gold")
    querying.add_argument("sql", nargs="?")
    querying.add_argument("--format", choices=["table", "csv", "json"], default="table")
    querying.add_argument("--as-of", type=int, metavar="SNAPSHOT", dest="as_of")
    querying.add_argument("--snapshots", action="store_true")
    querying.add_argument("--attach-sql", action="store_true", dest="attach_sql")
    rejected = commands.add_parser("quarantine")
    rejected.add_argument("data_set", nargs="?")
    rejected.add_argument("--limit", type=int, default=50)
    commands.add_parser("ui")
    commands.add_parser("docs", help="the data dictionary of the published gold")
    extracting = commands.add_parser("extract")
    extracting.add_argument("--role", required=True)
    extracting.add_argument("--purpose", required=True)
    audit = commands.add_parser("audit")
    audit.add_argument("action", choices=["verify"])
    withdrawing = commands.add_parser("withdraw")
    withdrawing.add_argument("--contributor", required=True)
    withdrawing.add_argument("--reason", required=True)
    rotating = commands.add_parser("rotate-pseudonym-key")
    rotating.add_argument("--reason", default="scheduled rotation")
    args = parser.parse_args(argv)

    # Read before the development defaults fill it in: an operator's key is rotated in the
    # secret store, a local one by the hub itself.
    operator_key = bool(os.environ.get("HUB_PSEUDONYM_KEY"))
    from orchestration.publishing.publication import PublicationError

    try:
        # check and propose read files only and write nothing outside their --out folder
        if args.command not in ("check", "propose"):
            _prepare_environment()
        return _run(args, operator_key)
    except (GovernanceError, SettingsError, PublicationError, SourceSpecError) as error:
        console.print(f"[red]{error}[/red]")
        return 1
    except EngineerToolError as error:
        from rich.markup import escape

        console.print(f"[red]refused:[/red] {escape(str(error))}")
        return 1


def _run(args: argparse.Namespace, operator_key: bool) -> int:
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
            return materialize(args.job, args.data_set)
        case "contributor":
            return contributor_keys(args.contributor)
        case "upload":
            return upload(args.file, args.data_set, args.contributor, args.label)
        case "check":
            return check(args.data_set, args.sample, args.contributor)
        case "propose":
            from orchestration.engineering.proposal import run as propose

            return propose(args.file, args.data_set, args.contributor, args.out)
        case "summary":
            summary()
        case "heatmap":
            print_heatmap(args.format)
        case "query":
            if args.attach_sql:
                from orchestration.analyst import attach_sql

                print(attach_sql())
                return 0
            return query(args.sql, args.format, args.as_of, args.snapshots)
        case "quarantine":
            return quarantine(args.data_set, args.limit)
        case "ui":
            return ui()
        case "docs":
            return docs()
        case "extract":
            return extract(args.role, args.purpose)
        case "audit":
            return audit_verify()
        case "withdraw":
            return withdraw_contributor(args.contributor, args.reason)
        case "rotate-pseudonym-key":
            return rotate_pseudonym_key(args.reason, operator_key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
