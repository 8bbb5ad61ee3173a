"""`hub`: the operations a user runs by hand. `hub --help` lists them and `hub COMMAND --help`
says what each takes; `parser()` is the one place they are described.

Output a script reads goes to stdout (`--format json` where a command offers it); notices,
progress and errors go to stderr. An expected condition (the object store not running, the
warehouse held by another process, nothing run or published yet, the hub not prepared) ends a
command with one line that says what to do, and exit status 1 (`expected_condition`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from orchestration.platform.settings import (
    DBT_PROJECT_DIR,
    REPO_ROOT,
    ObjectStore,
    SettingsError,
    apply_development_defaults,
    uses_local_store,
)

console = Console()  # the command's output
notices = Console(stderr=True)  # all else, so that scripts read stdout; silenced by --quiet
errors = Console(stderr=True, soft_wrap=True)  # what went wrong, a line each; never silenced

# The code location's jobs (orchestration/automation/jobs.py), named here so that `--help`
# needs no Dagster; tests/unit/test_cli_help.py holds the two together.
JOBS = ("full_refresh",)
RUN_LOG = "last-run.log"


class HubCondition(RuntimeError):
    """An expected condition the user can act on; the message says what to do."""


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
    from orchestration.platform.instance import POSTGRES_URL_VARIABLE, postgres_url
    from orchestration.platform.resources import LakeResource, dbt_environment

    os.environ.update(dbt_environment(LakeResource.from_environment()))
    if url := postgres_url():
        # every Dagster process the hub starts (runs, the UI, its daemon) inherits it
        os.environ[POSTGRES_URL_VARIABLE] = url
    if applied:
        notices.print(f"[dim]development defaults for: {', '.join(sorted(applied))}[/dim]")


def object_store_as(keys: tuple[str, str] | None = None):
    """The object store as the pipeline, or as the identity whose key variables are given."""
    import s3fs

    store = ObjectStore.from_environment()
    if keys is not None:
        store = dataclasses.replace(
            store, access_key_id=os.environ[keys[0]], secret_access_key=os.environ[keys[1]]
        )
    return s3fs.S3FileSystem(**store.s3fs_options(), skip_instance_cache=True)


def governance_with_keys():
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
        from orchestration.trust.identities import object_store_identities

        raw_bucket, lake_bucket = os.environ["HUB_RAW_BUCKET"], os.environ["HUB_LAKE_BUCKET"]
        identities = object_store_identities(
            governance_with_keys(),
            raw_bucket,
            lake_bucket,
            specs=load_source_specs(DBT_PROJECT_DIR),
        )
    return Embedded(data_dir=_home() / "objectstore", identities=identities, ports=ports)


# --- expected conditions --------------------------------------------------------------------


def expected_condition(error: BaseException) -> str | None:
    """The line that says what to do about an expected condition, or None when `error` is not
    one: that is a fault of the hub, and keeps its traceback."""
    import botocore.exceptions
    import duckdb

    from orchestration.engineering.tools import EngineerToolError
    from orchestration.platform.declarations import SourceSpecError
    from orchestration.platform.objectstore import ObjectStoreError
    from orchestration.publishing.data_dictionary import DataDictionaryError
    from orchestration.publishing.publication import PublicationError
    from orchestration.trust.governance import GovernanceError

    if isinstance(error, EngineerToolError):
        return f"refused: {error}"
    said = (
        HubCondition,
        SettingsError,
        GovernanceError,
        PublicationError,
        SourceSpecError,
        ObjectStoreError,
        DataDictionaryError,
    )
    if isinstance(error, said):
        return str(error)
    for cause in _causes(error):
        text = str(cause)
        if isinstance(cause, botocore.exceptions.EndpointConnectionError) or (
            isinstance(cause, duckdb.IOException | duckdb.HTTPException)
            and "Could not establish connection" in text
        ):
            return _store_not_answering()
        if isinstance(cause, duckdb.IOException) and "Could not set lock" in text:
            return _warehouse_held(text)
        if isinstance(cause, duckdb.IOException) and "database does not exist" in text:
            return _no_warehouse()
        if (isinstance(cause, duckdb.HTTPException) and "HTTP 403" in text) or (
            isinstance(cause, PermissionError)
            and any(word in text for word in ("AccessDenied", "Access Denied", "InvalidAccessKey"))
        ):
            return _store_refuses()
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and those it was raised from or while handling, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _endpoint() -> str:
    return os.environ.get("HUB_S3_ENDPOINT") or "AWS S3"


def _store_not_answering() -> str:
    if uses_local_store():
        return (
            f"the object store at {_endpoint()} is not running: start it with "
            "`hub objectstore start`, then run this again"
        )
    return (
        f"the object store at {_endpoint()} does not answer: check HUB_S3_ENDPOINT and the "
        "network, then run this again"
    )


def _store_refuses() -> str:
    if uses_local_store():
        return (
            f"the object store at {_endpoint()} refuses the hub's keys: another program may "
            "serve that port, or the store was started before these keys were made "
            "(`hub objectstore status` says which)"
        )
    return (
        f"the object store at {_endpoint()} refuses the hub's keys: check the HUB_S3_* and "
        "HUB_ROLE_* keys against the store's identities"
    )


def _warehouse_held(text: str) -> str:
    holder = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", text)
    by = f" (pid {holder.group(2)}, {Path(holder.group(1)).name})" if holder else ""
    return (
        f"the warehouse {os.environ.get('HUB_WAREHOUSE_PATH', '')} is in use by another "
        f"process{by}: nothing was changed; run this again once it has ended (`hub status` "
        "shows the runs in progress)"
    )


def _no_warehouse() -> str:
    return (
        f"there is no warehouse yet ({os.environ.get('HUB_WAREHOUSE_PATH', '')}): run "
        "`hub prepare` and `hub materialize` first"
    )


def run_handled(
    command: Callable[[], int | None], *, prepare: bool = True, json_output: bool = False
) -> int:
    """Run `command` as the hub runs each one: in the hub's environment (unless `prepare` is
    false), an expected condition told in one line on stderr (and as {"error": ...} on stdout
    when the output is JSON) with exit status 1; any other error is raised as it is."""
    try:
        if prepare:
            _prepare_environment()
        return command() or 0
    except BrokenPipeError:
        # The reader stopped early (`hub query ... | head`): what is left unread goes nowhere,
        # as the flush at exit would fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:
        said = expected_condition(error)
        if said is None:
            raise
        errors.print(escape(said), style="red")
        if json_output:
            print(json.dumps({"error": said}))
        return 1


def _require_prepared() -> None:
    from orchestration.transform.definitions import dbt_project

    instance = Path(os.environ["DAGSTER_HOME"]) / "dagster.yaml"
    missing = [str(p) for p in (dbt_project.manifest_path, instance) if not p.exists()]
    if missing:
        raise HubCondition(
            f"the hub is not prepared ({' and '.join(missing)} missing): run `hub prepare` "
            "first, which builds the dbt manifest and the Dagster instance configuration"
        )


# --- the object store, preparing and running ------------------------------------------------


def objectstore(action: str) -> None:
    from orchestration.platform.objectstore import ensure_buckets, keep_versions

    store = _embedded_store(with_identities=action == "start")
    if action == "start":
        from orchestration.trust.audit import ensure_audit_bucket
        from orchestration.trust.identities import ADMIN_KEYS

        started = store.start()
        raw_bucket, lake_bucket = os.environ["HUB_RAW_BUCKET"], os.environ["HUB_LAKE_BUCKET"]
        admin = object_store_as(ADMIN_KEYS)
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
        console.print(_store_state(store)["said"])


def _store_state(store=None) -> dict[str, Any]:
    """Whether the object store runs (the embedded one) and serves, and what to say of it."""
    endpoint = os.environ.get("HUB_S3_ENDPOINT", "")
    if not uses_local_store():
        try:
            object_store_as().ls(os.environ["HUB_LAKE_BUCKET"])
            serving, said = True, f"object store at {_endpoint()} answers"
        except Exception as error:
            serving, said = False, expected_condition(error) or f"it does not answer ({error})"
        return {
            "endpoint": endpoint,
            "running": serving,
            "serving": serving,
            "pid": None,
            "said": said,
        }
    store = store or _embedded_store(with_identities=False)
    pid = store.running_pid()
    problem = store.s3_problem()
    if pid is not None and problem is None:
        said = f"object store running at {store.endpoint_url} (pid {pid})"
    elif pid is not None:
        said = (
            f"object store not serving: SeaweedFS runs (pid {pid}) but {problem}; "
            f"see {store.log_file} or run `hub objectstore stop` and start it again"
        )
    elif problem is None:
        said = f"object store stopped, yet another program serves S3 at {store.endpoint_url}"
    else:
        said = f"object store stopped ({problem})"
    return {
        "endpoint": store.endpoint_url,
        "running": pid is not None and problem is None,  # the embedded store, from $HUB_HOME
        "serving": problem is None,  # whichever program it is
        "pid": pid,
        "said": said,
    }


def prepare() -> None:
    import dagster as dg
    from dagster_dbt import DbtProject

    from orchestration.platform import instance
    from orchestration.transform.dbt_cli import prepare_dbt_project

    notices.print(instance.write(Path(os.environ["DAGSTER_HOME"])))
    # Its storage's tables made now, once: runs started together would race to make them.
    with dg.DagsterInstance.get():
        pass
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    prepare_dbt_project(project)
    console.print(f"dbt manifest ready: {project.manifest_path}")


def materialize(job: str = "full_refresh", data_set: str | None = None) -> int:
    """Run `job`, or `data_set`'s run, in a child process as every run of the hub executes
    (orchestration/automation/jobs.py), telling its steps as they start and end."""
    from orchestration.automation.run_monitoring import sweep_hub
    from orchestration.engineering import tools as engineer_tools
    from orchestration.platform.declarations import load_source_specs
    from orchestration.trust.governance import load_governance

    # What the run loads first, checked here so that a declaration's mistake is one line
    # rather than a run that cannot start.
    specs = load_source_specs(DBT_PROJECT_DIR)
    load_governance(specs=specs)
    if data_set is not None:
        engineer_tools.declared_data_set(specs, data_set)
    _require_prepared()
    # No daemon watches this run. First end the runs whose worker was killed: they hold the
    # warehouse pool, which would keep this run waiting for ever.
    for line in sweep_hub().report():
        notices.print(f"[yellow]{escape(line)}[/yellow]")
    invocation = secrets.token_hex(8)
    if data_set is None:
        command = [
            sys.executable, "-m", "dagster", "job", "execute",
            "-m", "orchestration.definitions",
            "-j", job,
            "--tags", json.dumps({engineer_tools.INVOCATION_TAG: invocation}),
        ]  # fmt: skip
        notices.print(f"materializing job {job} through Dagster")
    else:
        command = engineer_tools.data_set_run_command(data_set, invocation)
        notices.print(
            f"materializing {data_set} through Dagster: its bronze and what depends on it, as "
            "the raw_deliveries sensor runs it"
        )
    log = _home() / RUN_LOG

    def tell(line: str) -> None:
        notices.print(escape(line), highlight=False, soft_wrap=True)

    with log.open("w") as output:
        child = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=output, stderr=subprocess.STDOUT, text=True
        )
        try:
            record, progress = engineer_tools.follow_run(invocation, child, tell)
        except BaseException:
            child.terminate()
            child.wait()
            raise
    code = child.wait()
    if record is None:
        tail = log.read_text(errors="replace").splitlines()[-30:]
        errors.print(f"the run did not start (exit status {code}); the end of {log}:")
        errors.print("\n".join(tail), markup=False, highlight=False)
        return code or 1
    run = record.dagster_run
    took = (record.end_time or record.start_time or 0) - (record.start_time or 0)
    if run.is_success:
        notices.print(f"run {run.run_id} succeeded in {took:.0f} s (its log: {log})")
    else:
        for step, error in progress.failed.items():
            errors.print(f"step {step} failed: {escape(error)}", style="red")
        errors.print(
            f"run {run.run_id} ended {run.status.value.lower()} after {took:.0f} s: its full "
            f"log is {log}, and `hub ui` shows every step",
            style="red",
        )
    deliveries = progress.deliveries()
    if deliveries:
        always = ("landed now", "skipped as already landed")
        notices.print(
            "deliveries: "
            + ", ".join(f"{n} {said}" for said, n in deliveries.items() if n or said in always)
        )
    # Again, for this run: a failed run gets its steward note, a killed child's run is ended.
    for line in sweep_hub().report():
        notices.print(f"[yellow]{escape(line)}[/yellow]")
    return 0 if run.is_success and code == 0 else 1


def ui() -> int:
    from orchestration.automation.run_monitoring import sweep_hub

    objectstore("start")
    prepare()
    # Runs a previous session left unfinished (its processes killed) are ended before the
    # daemon starts; its run monitoring (infra/dagster.yaml) watches from then on.
    for line in sweep_hub().report():
        notices.print(f"[yellow]{escape(line)}[/yellow]")
    dg = str(Path(sys.executable).parent / "dg")
    return subprocess.call([dg, "dev", "--host", "127.0.0.1", "--port", "3000"], cwd=REPO_ROOT)


# --- hub status -----------------------------------------------------------------------------

UNFINISHED_RUNS = ("QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING")


def status(output_format: str) -> int:
    state = hub_status()
    if output_format == "json":
        print(json.dumps(state, indent=2))
    else:
        console.print(status_table(state))
    return 0


def status_table(state: dict[str, Any]) -> Table:
    """`hub_status` for people: a row per question, what cannot be known said as unknown."""
    table = Table(title="Hub status", show_header=False)
    table.add_column("what", no_wrap=True, style="bold")
    table.add_column("state", overflow="fold")
    unknown = state["unknown"]
    table.add_row("object store", state["object_store"]["said"])
    if "runs" in unknown:
        table.add_row("runs", f"unknown: {unknown['runs']}")
    else:
        running = state["runs_in_progress"]
        table.add_row("runs in progress", "\n".join(map(_run_text, running)) or "none")
        last = state["last_run"]
        table.add_row("last run", _run_text(last) if last else "none yet")
    publication = state["last_publication"]
    if "publication" in unknown:
        table.add_row("last publication", f"unknown: {unknown['publication']}")
    elif publication:
        table.add_row(
            "last publication",
            f"snapshot {publication['snapshot']}, {publication['published_at']} "
            f"({publication['tables']} tables)",
        )
    else:
        table.add_row("last publication", "nothing published yet")
    if "stale_data_sets" in unknown:
        table.add_row("stale data sets", f"unknown: {unknown['stale_data_sets']}")
    else:
        table.add_row(
            "stale data sets",
            "\n".join(map(_stale_text, state["stale_data_sets"]))
            or f"none: the newest delivery of each of the {state['data_sets']} data sets is "
            "within its cadence",
        )
    return table


def hub_status() -> dict[str, Any]:
    """What runs, what ran last, what was last published and what is stale; for what cannot
    be known now, `unknown` says why."""
    unknown: dict[str, str] = {}
    store = _store_state()
    state: dict[str, Any] = {"object_store": store}
    state.update(_runs(unknown))
    state["last_publication"] = _last_publication(unknown)
    state.update(_stale_data_sets(store, unknown))
    state["unknown"] = unknown
    return state


def _runs(unknown: dict[str, str]) -> dict[str, Any]:
    home = Path(os.environ["DAGSTER_HOME"])
    if not home.is_dir():
        unknown["runs"] = f"no Dagster instance at {home} yet; `hub prepare` makes it"
        return {"runs_in_progress": None, "last_run": None}
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        statuses = [dg.DagsterRunStatus(name) for name in UNFINISHED_RUNS]
        running = instance.get_run_records(dg.RunsFilter(statuses=statuses))
        last = instance.get_run_records(limit=1)
        return {
            "runs_in_progress": [_run_facts(record) for record in running],
            "last_run": _run_facts(last[0]) if last else None,
        }


def _run_facts(record) -> dict[str, Any]:
    run = record.dagster_run
    started = record.start_time or record.create_timestamp.timestamp()
    ended = record.end_time
    return {
        "run_id": run.run_id,
        "job": run.job_name,
        "data_set": run.tags.get("hub/data_set"),
        "status": run.status.value,
        "started_at": _utc(started),
        "ended_at": _utc(ended) if ended else None,
        "seconds": round((ended or datetime.now(UTC).timestamp()) - started, 1),
    }


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _run_text(run: dict[str, Any]) -> str:
    what = run["job"] + (f" ({run['data_set']})" if run["data_set"] else "")
    took = _duration(run["seconds"])
    when = f"started {run['started_at']}, " + (
        f"took {took}" if run["ended_at"] else f"running for {took}"
    )
    return f"{run['run_id']} {what}: {run['status'].lower()}, {when}"


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _last_publication(unknown: dict[str, str]) -> dict[str, Any] | None:
    from orchestration.publishing.publication import PublishedGold, snapshots

    if not PublishedGold.from_environment().exists():
        return None
    try:
        with _published() as connection:
            kept = snapshots(connection)
    except Exception as error:
        said = expected_condition(error)
        if said is None:
            raise
        unknown["publication"] = said
        return None
    if not kept:
        return None
    snapshot, published_at, tables = kept[-1]
    return {"snapshot": snapshot, "published_at": published_at, "tables": tables}


def _stale_data_sets(store: dict[str, Any], unknown: dict[str, str]) -> dict[str, Any]:
    from orchestration.landing.cadence import days_overdue
    from orchestration.landing.landing import read_last_landing
    from orchestration.platform.declarations import load_source_specs

    specs = load_source_specs(DBT_PROJECT_DIR)
    if not store["serving"]:
        unknown["stale_data_sets"] = (
            "the landing reports are in the object store, which does not answer"
        )
        return {"data_sets": len(specs), "stale_data_sets": None}
    fs, lake_bucket, now = object_store_as(), os.environ["HUB_LAKE_BUCKET"], datetime.now(UTC)
    try:
        reports = {spec.name: read_last_landing(fs, lake_bucket, spec.name) for spec in specs}
    except Exception as error:
        said = expected_condition(error)
        if said is None:
            raise
        unknown["stale_data_sets"] = said
        return {"data_sets": len(specs), "stale_data_sets": None}
    stale = []
    for spec in specs:
        newest = (reports[spec.name] or {}).get("newest_landed_at")
        overdue = days_overdue(newest, spec.cadence_days, now)
        if overdue is None or overdue > 0:
            stale.append(
                {
                    "data_set": spec.name,
                    "cadence_days": spec.cadence_days,
                    "newest_landed_at": newest,
                    "days_overdue": None if overdue is None else round(overdue, 1),
                }
            )
    return {"data_sets": len(specs), "stale_data_sets": stale}


def _stale_text(stale: dict[str, Any]) -> str:
    if stale["newest_landed_at"] is None:
        return f"{stale['data_set']}: nothing landed yet"
    return (
        f"{stale['data_set']}: {stale['days_overdue']} days past its {stale['cadence_days']}-day "
        f"cadence (newest landed {stale['newest_landed_at'][:10]})"
    )


# --- contributors and deliveries ------------------------------------------------------------


def contributor_keys(contributor: str, output_format: str = "env") -> int:
    from orchestration.engineering import tools as engineer_tools
    from orchestration.trust.governance import load_governance

    keys = engineer_tools.keys_for_contributor(
        load_governance(), contributor, _home(), uses_local_store()
    )
    # stdout holds only these: eval "$(hub contributor keys ...)" sets them
    if output_format == "json":
        values = (keys.access_key_id, keys.secret_access_key)
        print(json.dumps(dict(zip(keys.variables, values, strict=True)), indent=2))
    else:
        for line in keys.exports():
            print(line)

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
    from orchestration.engineering import tools as engineer_tools
    from orchestration.platform.declarations import load_source_specs
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


def check(
    data_set: str, sample: Path | None, contributor: str | None, output_format: str = "table"
) -> int:
    from orchestration.engineering import tools as engineer_tools
    from orchestration.trust.governance import load_governance

    findings = engineer_tools.check_data_set(
        data_set, DBT_PROJECT_DIR, load_governance, sample, contributor
    )
    if output_format == "json":
        print(json.dumps([dataclasses.asdict(finding) for finding in findings], indent=2))
    else:
        for line in engineer_tools.report_lines(findings):
            print(line)
    return 0 if all(finding.ok for finding in findings) else 1


# --- the published gold ---------------------------------------------------------------------


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


def heatmap_facts() -> dict[str, Any]:
    """The published heat map: the overall score, the nine dimension averages, the cells."""
    from orchestration.publishing import heatmap

    with _published() as connection:
        cells = heatmap.read_cell_scores(connection)
        overall, dimensions = heatmap.read_dimension_scores(connection)
    return {
        "overall": overall,
        "dimension_averages": dimensions,
        "cells": [dataclasses.asdict(cell) for cell in cells],
    }


def print_heatmap(output_format: str = "table", facts: dict[str, Any] | None = None) -> None:
    from orchestration.publishing.heatmap import CellScore
    from orchestration.publishing.heatmap_render import terminal_table

    facts = facts or heatmap_facts()
    if output_format == "json":
        print(json.dumps(facts, indent=2))
        return
    cells = [CellScore(**cell) for cell in facts["cells"]]
    console.print(
        terminal_table(
            cells,
            facts["overall"],
            facts["dimension_averages"],
            "Evidence heat map: 27 taxonomy cells",
        )
    )


def query(sql: str | None, output_format: str, snapshot: int | None, list_snapshots: bool) -> int:
    import duckdb

    from orchestration.publishing.publication import snapshots

    if not sql and not list_snapshots:
        errors.print('[red]give the SQL to run, e.g. hub query "show tables"[/red]')
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
    except duckdb.Error as error:
        if expected_condition(error) is not None:
            raise
        first = str(error).splitlines()[0]
        errors.print(f"[red]query failed: {escape(first)}[/red]")
        notices.print('[dim]the published tables: hub query "show tables"[/dim]')
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


def explorer(output_format: str, out: Path | None) -> int:
    from orchestration.publishing.explorer import site_directory
    from orchestration.publishing.explorer.facts import (
        ExplorerError,
        latest_publication,
        read_facts,
    )
    from orchestration.publishing.explorer.site import build_site

    try:
        with _published() as connection:
            facts = read_facts(connection, latest_publication(connection))
        built = build_site(facts, out or site_directory())
    except ExplorerError as error:
        raise HubCondition(str(error)) from error
    if output_format == "json":
        print(json.dumps({"site": str(built.index), "pages": built.pages, "bytes": built.bytes}))
    else:
        console.print(f"evidence explorer: {built.index}", soft_wrap=True)
        notices.print(
            f"[dim]{built.pages} pages, {built.bytes / 2**20:.1f} MiB, from publication "
            f"{facts.publication.snapshot}; open the file in a browser, or serve the folder "
            "from any static host[/dim]"
        )
    return 0


def docs() -> int:
    import warnings

    from orchestration.publishing.data_dictionary import (
        DataDictionaryWarning,
        build_data_dictionary,
    )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataDictionaryWarning)
        page = build_data_dictionary(_home() / "docs")
    for warning in caught:
        if issubclass(warning.category, DataDictionaryWarning):
            notices.print(f"[yellow]note:[/yellow] {escape(str(warning.message))}")
    console.print(f"data dictionary: {page}")
    return 0


# --- what landed ----------------------------------------------------------------------------


def landing_facts() -> list[dict[str, Any]]:
    """Per declared data set, what its last landing holds in bronze and what it could not
    read: deliveries (and how many were new), rows landed and quarantined."""
    from orchestration.landing.landing import read_last_landing
    from orchestration.platform.declarations import load_source_specs

    fs, lake_bucket = object_store_as(), os.environ["HUB_LAKE_BUCKET"]
    facts = []
    for spec in load_source_specs(DBT_PROJECT_DIR):
        report = read_last_landing(fs, lake_bucket, spec.name) or {"outcomes": []}
        outcomes = report["outcomes"]
        in_bronze = [o for o in outcomes if o["status"] in ("landed", "unchanged")]
        facts.append(
            {
                "data_set": spec.name,
                "deliveries": len(in_bronze),
                "landed_now": sum(o["status"] == "landed" for o in outcomes),
                "rows_landed": sum(o["rows"] for o in in_bronze),
                "rows_quarantined": sum(o["rejected"] for o in in_bronze),
                "failed": [o["error"] for o in outcomes if o["status"] == "failed"],
            }
        )
    return facts


def landing_table(landed: list[dict[str, Any]]) -> Table:
    """`landing_facts` as a table that stays whole in 80 columns, also in a log: names
    unbroken, two-line headers, and numbers folded rather than cut."""
    table = Table(title="Data sets landed in bronze")
    longest = max((len(facts["data_set"]) for facts in landed), default=8)
    table.add_column("data set", min_width=longest, overflow="fold")
    for column in ("deliveries", "new", "rows\nlanded", "rows\nquarantined", "failed"):
        table.add_column(column, justify="right", overflow="fold")
    for facts in landed:
        failed = len(facts["failed"])
        table.add_row(
            facts["data_set"],
            f"{facts['deliveries']:,}",
            f"{facts['landed_now']:,}",
            f"{facts['rows_landed']:,}",
            f"{facts['rows_quarantined']:,}",
            f"[red]{failed}[/red]" if failed else "0",
        )
    return table


def summary(output_format: str = "table") -> None:
    from orchestration.platform import lake_layout
    from orchestration.publishing.explorer import site_directory

    landed = landing_facts()
    fs, lake_bucket = object_store_as(), os.environ["HUB_LAKE_BUCKET"]
    reports = _home() / "reports"
    reports.mkdir(exist_ok=True)
    copied = []
    for name in ("coverage_heatmap.html", "coverage_heatmap.png"):
        key = f"{lake_bucket}/{lake_layout.report_key(name)}"
        if fs.exists(key):
            fs.get_file(key, str(reports / name))
            copied.append(str(reports / name))
    heat = heatmap_facts()
    if output_format == "json":
        print(json.dumps({"data_sets": landed, "heatmap": heat, "reports": copied}, indent=2))
        return
    console.print(landing_table(landed))
    for facts in landed:
        for error in facts["failed"]:
            console.print(f"[red]not landed:[/red] {escape(error)}")
    print_heatmap(facts=heat)
    console.print(f"heat map: {reports / 'coverage_heatmap.html'} (and .png)", soft_wrap=True)
    explorer_page = site_directory() / "index.html"
    if explorer_page.exists():
        console.print(f"evidence explorer: {explorer_page}", soft_wrap=True)
    console.print('published gold: .venv/bin/hub query "from gold.dataset_quality_scores"')
    console.print(
        f"gold Parquet: s3://{lake_bucket}/gold/  (endpoint {os.environ['HUB_S3_ENDPOINT']})",
        soft_wrap=True,
    )


def quarantine(data_set: str | None, limit: int, output_format: str = "table") -> int:
    from orchestration.engineering import tools as engineer_tools
    from orchestration.landing.quarantine import quarantine_summary, quarantined_rows
    from orchestration.platform.declarations import load_source_specs
    from orchestration.platform.resources import open_duckdb

    if data_set is not None:
        engineer_tools.declared_data_set(load_source_specs(DBT_PROJECT_DIR), data_set)
    store = ObjectStore.from_environment()
    lake_bucket = os.environ["HUB_LAKE_BUCKET"]
    connection = open_duckdb(":memory:")
    if data_set is None:
        columns = ["data set", "raw object", "rows"]
        rows = quarantine_summary(connection, store, lake_bucket)
        title = "Quarantined rows, by raw object"
    else:
        columns = ["raw object", "line", "reason", "original"]
        rows = quarantined_rows(connection, store, lake_bucket, data_set, limit)
        title = f"Quarantined rows of {data_set} (first {limit})"
    if output_format == "json":
        keys = [column.replace(" ", "_") for column in columns]
        print(
            json.dumps([dict(zip(keys, row, strict=True)) for row in rows], indent=2, default=str)
        )
        return 0
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right" if column == "rows" else "left", overflow="fold")
    for row in rows:
        table.add_row(*(f"{value:,}" if isinstance(value, int) else str(value) for value in row))
    console.print(table)
    return 0


# --- the trust ------------------------------------------------------------------------------


def _lake():
    from orchestration.platform.resources import LakeResource

    return LakeResource.from_environment()


def extract(role: str, purpose: str) -> int:
    from orchestration.publishing.explorer import build_for_extract
    from orchestration.trust.extracts import COMPANION_FOLDER, ExtractError, make_extract
    from orchestration.trust.governance import AccessRefused, load_governance
    from orchestration.trust.suppression import configured_threshold

    lake = _lake()
    if not Path(os.environ["HUB_WAREHOUSE_PATH"]).exists():
        raise HubCondition(_no_warehouse())
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
            companion=build_for_extract,
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
    explorer_page = package.local_directory / COMPANION_FOLDER / "index.html"
    if explorer_page.exists():
        console.print(f"with its evidence explorer: {explorer_page}", soft_wrap=True)
    console.print(f"audit entry #{package.audit_sequence}")
    return 0


def audit_verify() -> int:
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


# --- the command line -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Declared:
    """The names the declarations give, for the help to list; empty when they cannot be read
    (`hub check` says why)."""

    data_sets: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()

    @classmethod
    def read(cls) -> _Declared:
        from orchestration.platform.declarations import SourceSpecError, load_source_specs
        from orchestration.trust.governance import GovernanceError, load_governance

        try:
            specs = load_source_specs(DBT_PROJECT_DIR)
            governance = load_governance(specs=specs)
        except (SourceSpecError, GovernanceError, OSError, ValueError):
            return cls()
        return cls(
            tuple(spec.name for spec in specs), tuple(governance.roles), tuple(governance.purposes)
        )


def _one_of(names: tuple[str, ...], where: str) -> str:
    return f"one of: {', '.join(names)}" if names else f"as declared in {where}"


def parser() -> argparse.ArgumentParser:
    """The `hub` command line: every command and option, with what it does."""
    declared = _Declared.read()
    data_sets = _one_of(declared.data_sets, "dbt_project/models/staging/*/")
    hub = argparse.ArgumentParser(
        prog="hub",
        description="The trafficking data hub's operations: the object store, runs, the "
        "published gold, contributors' deliveries and the data trust.",
        epilog="Unset HUB_* variables take the embedded development defaults (README: "
        "Configuration). `make demo` runs the whole demo.",
    )
    hub.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print only the output and errors: no notices, no progress",
    )
    commands = hub.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str | None = None):
        return commands.add_parser(name, help=summary, description=description or summary)

    def output_format(sub: argparse.ArgumentParser, *formats: str) -> None:
        sub.add_argument(
            "--format",
            choices=formats,
            default=formats[0],
            help=f"how to print it: {' or '.join(formats)} (default {formats[0]}); json "
            "prints only the data on stdout",
        )

    store = command("objectstore", "start, stop or look at the embedded object store")
    store.add_argument(
        "action",
        choices=["start", "stop", "status"],
        help="start it (with its buckets and the trust's identities), stop it, or say "
        "whether it serves",
    )
    command(
        "prepare",
        "build the dbt manifest and Dagster's configuration",
        "Build the dbt manifest and install the Dagster instance configuration; every run "
        "needs both, and `hub ui` runs this first.",
    )
    run = command(
        "materialize",
        "run a job or a data set's run, step by step",
        "Run a job (full_refresh: every data set landed, silver and gold rebuilt, the gold "
        "published) or one data set's run through Dagster, with each step's progress on "
        "stderr (`hub --quiet materialize` prints only errors).",
    )
    what_to_run = run.add_mutually_exclusive_group()
    what_to_run.add_argument(
        "--job", default=JOBS[0], choices=JOBS, help=f"the job to run (default {JOBS[0]})"
    )
    what_to_run.add_argument(
        "--data-set",
        dest="data_set",
        metavar="ID",
        help=f"run this data set's bronze and what depends on it, as the raw_deliveries "
        f"sensor does; {data_sets}",
    )
    looking = command(
        "status",
        "what runs, ran and was published; what is stale",
        "Whether the object store serves, the Dagster runs in progress, the last run, the last "
        "publication of the gold, and the data sets whose newest delivery is older than "
        "their declared cadence; what cannot be known now is said.",
    )
    output_format(looking, "table", "json")
    contributors = command("contributor", "a contributor's object-store keys").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    keys = contributors.add_parser(
        "keys",
        help="print a contributor's keys as variables to export",
        description="Print a contributor's object-store keys as shell exports (taken from the "
        "environment, or made once for the embedded store); notes go to stderr.",
    )
    keys.add_argument(
        "contributor", metavar="ID", help="a contributor a data set declaration names"
    )
    keys.add_argument(
        "--format",
        choices=["env", "json"],
        default="env",
        help="shell export lines for eval (default), or a json object",
    )
    uploading = command("upload", "send a delivery to the raw bucket, as its contributor")
    uploading.add_argument("file", type=Path, metavar="FILE", help="the delivery's file")
    uploading.add_argument(
        "--data-set",
        dest="data_set",
        required=True,
        metavar="ID",
        help=f"its data set; {data_sets}",
    )
    uploading.add_argument(
        "--contributor",
        required=True,
        metavar="ID",
        help="who delivers it, as the data set's declaration names it; its keys are used",
    )
    uploading.add_argument(
        "--label", help="the delivery's label in its key (default: today, YYYY-MM-DD)"
    )
    checking = command(
        "check",
        "check a data set's declarations, without a run",
        "Check a data set's declaration, the trust's references to it, its staging model and, "
        "given a sample, how the sample reads and what the gates say; nothing is run or "
        "written.",
    )
    checking.add_argument(
        "data_set", metavar="ID", help="the data set (its folder under dbt_project/models/staging/)"
    )
    checking.add_argument(
        "--sample", type=Path, metavar="FILE", help="a delivery to read and gate as landing would"
    )
    checking.add_argument(
        "--contributor",
        metavar="ID",
        help="whose declaration reads the sample (default: the one whose files match)",
    )
    output_format(checking, "table", "json")
    proposing = command("propose", "draft a declaration and staging model from a sample")
    proposing.add_argument(
        "file", type=Path, metavar="FILE", help="a sample delivery, in any format the hub reads"
    )
    proposing.add_argument("--data-set", metavar="ID", help="the new data set's id")
    proposing.add_argument("--contributor", metavar="ID", help="the delivering contributor's id")
    proposing.add_argument(
        "--out", type=Path, metavar="DIR", help="write the drafts here (default: print them)"
    )
    summing = command(
        "summary",
        "what landed per data set, the heat map, the gold",
    )
    output_format(summing, "table", "json")
    heat = command("heatmap", "the 27 taxonomy cells' scores from the published gold")
    output_format(heat, "table", "json")
    querying = command(
        "query",
        "run SQL on the published gold, read-only",
        "Run read-only SQL on the published gold (the tables as `gold.<table>` or bare).",
    )
    querying.add_argument(
        "sql", nargs="?", metavar="SQL", help='the statement, e.g. "from coverage_gaps limit 5"'
    )
    querying.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="how to print the result (default table); csv and json print only the data",
    )
    querying.add_argument(
        "--as-of",
        type=int,
        metavar="SNAPSHOT",
        dest="as_of",
        help="read an earlier publication (`--snapshots` lists them)",
    )
    querying.add_argument(
        "--snapshots", action="store_true", help="list the publications kept, instead of SQL"
    )
    querying.add_argument(
        "--attach-sql",
        action="store_true",
        dest="attach_sql",
        help="print the statements that open the published gold in another DuckDB client",
    )
    rejected = command(
        "quarantine",
        "rows rejected at landing, by object or data set",
    )
    rejected.add_argument(
        "data_set", nargs="?", metavar="ID", help=f"show this data set's rows; {data_sets}"
    )
    rejected.add_argument(
        "--limit", type=int, default=50, help="at most this many rows of a data set (default 50)"
    )
    output_format(rejected, "table", "json")
    command(
        "ui",
        "the Dagster UI on this hub (http://127.0.0.1:3000)",
        "Start the object store, prepare, and open the Dagster UI (with its daemon: "
        "sensors, schedules, run monitoring) on this hub's instance.",
    )
    command("docs", "the published gold's data dictionary, as HTML")
    exploring = command(
        "explorer",
        "build the evidence explorer, a static site, from the published gold",
        "Build the evidence explorer from the latest publication: the heat map, a page per "
        "cell and per data set, the gaps and the dimensions, as static files that open from "
        "the file system (no server, nothing loaded from the internet). Prints the front "
        "page's path.",
    )
    exploring.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write the site here, replacing what the folder held (default: "
        "$HUB_HOME/reports/explorer)",
    )
    output_format(exploring, "text", "json")
    extracting = command(
        "extract",
        "a role's extract under a live agreement, audited",
        "Write the marts a live data use agreement allows for a role and purpose, small "
        "counts suppressed; the extract, or its refusal, is recorded in the audit log.",
    )
    extracting.add_argument(
        "--role",
        required=True,
        help=f"the requester's role; {_one_of(declared.roles, 'orchestration/trust/roles.yml')}",
    )
    extracting.add_argument(
        "--purpose",
        required=True,
        help="what the extract is for; "
        + _one_of(declared.purposes, "orchestration/trust/agreements.yml"),
    )
    audit = command("audit", "check the audit log")
    audit.add_argument(
        "action",
        choices=["verify"],
        help="verify the log's hash chain and name the first broken entry",
    )
    withdrawing = command(
        "withdraw",
        "purge a contributor's data and keep it out",
        "Remove a contributor's data from bronze, silver and extracts, keep its later "
        "deliveries out of landing, and record the withdrawal in the audit log.",
    )
    withdrawing.add_argument(
        "--contributor", required=True, metavar="ID", help="the contributor to withdraw"
    )
    withdrawing.add_argument("--reason", required=True, help="why, as recorded in the audit log")
    rotating = command(
        "rotate-pseudonym-key",
        "record a pseudonym key rotation and say what to re-run",
        "Rotate the local pseudonym key (or record the rotation of HUB_PSEUDONYM_KEY, when "
        "the secret store set it) and say what to re-run.",
    )
    rotating.add_argument(
        "--reason",
        default="scheduled rotation",
        help="why, as recorded in the audit log (default: scheduled rotation)",
    )
    return hub


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    notices.quiet = args.quiet
    # Read before the development defaults fill it in: an operator's key is rotated in the
    # secret store, a local one by the hub itself.
    operator_key = bool(os.environ.get("HUB_PSEUDONYM_KEY"))
    return run_handled(
        lambda: _run(args, operator_key),
        # check and propose read files only and write nothing outside their --out folder
        prepare=args.command not in ("check", "propose"),
        json_output=getattr(args, "format", None) == "json",
    )


def _run(args: argparse.Namespace, operator_key: bool) -> int:
    match args.command:
        case "objectstore":
            objectstore(args.action)
        case "prepare":
            prepare()
        case "materialize":
            return materialize(args.job, args.data_set)
        case "status":
            return status(args.format)
        case "contributor":
            return contributor_keys(args.contributor, args.format)
        case "upload":
            return upload(args.file, args.data_set, args.contributor, args.label)
        case "check":
            return check(args.data_set, args.sample, args.contributor, args.format)
        case "propose":
            from orchestration.engineering.proposal import run as propose

            return propose(args.file, args.data_set, args.contributor, args.out)
        case "summary":
            summary(args.format)
        case "heatmap":
            print_heatmap(args.format)
        case "query":
            if args.attach_sql:
                from orchestration.analyst import attach_sql

                print(attach_sql())
                return 0
            return query(args.sql, args.format, args.as_of, args.snapshots)
        case "quarantine":
            return quarantine(args.data_set, args.limit, args.format)
        case "ui":
            return ui()
        case "docs":
            return docs()
        case "explorer":
            return explorer(args.format, args.out)
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
