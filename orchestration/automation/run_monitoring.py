"""Runs whose worker died, and the note every failed run leaves for the stewards.

Each run of the hub records its worker (host, process id, when that process started) in the
run's event log as its steps begin (`WorkerRecordingExecutor`, the executor of every job). A
run still in progress whose recorded worker no longer runs was killed or crashed: when no
daemon watches (`hub materialize`), nothing else ends it, and until it ends it holds its pool
slots, so the next run would wait for the `warehouse` pool for ever. `sweep_dead_runs` fails
such runs, frees the pool slots of every run that has ended and leaves a note on each failed
run that has none. It runs as each run starts (the executor), and before and after each
`hub materialize` and `hub ui`.

A worker is judged only from the machine (host and process namespace) it ran on, so a run in
another container or pod is never failed from here; there its launcher, or Dagster's run
monitoring, watches it. The process start time tells a dead worker from a new process that
was given the same id.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import dagster as dg

# No public constructor exists for an engine event's data (the metadata the UI shows).
from dagster._core.events import EngineEventData

from orchestration.platform import lake_layout
from orchestration.platform.resources import LakeResource
from orchestration.platform.settings import SettingsError

WORKER_RECORDED = "hub run worker"
WORKER_HOST, WORKER_PID, WORKER_STARTED = "worker host", "worker pid", "worker process started"
WORKER_NAMESPACE = "worker pid namespace"
UNKNOWN = "unknown"  # a process start time this system cannot tell
# Runs a worker may hold: queued and not-started runs have none yet.
UNFINISHED = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
# Failed runs without a note that a sweep writes notes for, newest first.
NOTED_RUNS_LIMIT = 100

STEP_EVENTS = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_RESTARTED,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.STEP_SKIPPED,
    dg.DagsterEventType.STEP_UP_FOR_RETRY,
}
RUNNING_STEP = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_RESTARTED}

WHAT_TO_DO = (
    "Open the run in the Dagster UI (Runs > this run id) to read the full log. A failed "
    "gate (great_expectations_suite, pandera_schema) means a delivery was held back: "
    "its check metadata names the raw object and the failing rules; ask the "
    "contributor to resend a corrected file under the same key, and the sensor will "
    "land it. An object-store or warehouse error is retried automatically; if it "
    "persists, check `hub objectstore status` and that no other process holds the "
    "warehouse file. A step that was interrupted ran when the run's worker process ended "
    "(killed, out of memory, machine restarted): the run's pool slots were freed, so run it "
    "again (`hub materialize`, or Re-execute in the UI)."
)


@dataclass(frozen=True)
class RunWorker:
    """The process that executes a run's steps."""

    host: str
    namespace: str  # the process-id namespace (Linux containers), "" where there is none
    pid: int
    started: str  # when the process started, as the operating system tells it; "" if unknown

    @classmethod
    def current(cls) -> RunWorker:
        pid = os.getpid()
        return cls(*machine(), pid, process_started(pid) or "")

    def is_gone(self) -> bool:
        """Whether this worker, recorded on this machine, no longer runs. A process with the
        same id that started at another time is another process (ids are reused)."""
        started = process_started(self.pid)
        if started is None:
            return True
        return bool(self.started) and started not in (self.started, UNKNOWN)


def machine() -> tuple[str, str]:
    """Where process ids mean something: the host, and the process-id namespace."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return socket.gethostname(), namespace


def process_started(pid: int) -> str | None:
    """When process `pid` started, as a string that stays the same for the process's life;
    None if no such process runs (a zombie has ended); UNKNOWN where the system cannot say."""
    if Path("/proc/self/stat").exists():
        try:
            # after the command name: the state, then (20th) the start in ticks after boot
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            state, ticks = fields[0], fields[19]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return None
        if state in ("Z", "X"):
            return None
        boot = Path("/proc/sys/kernel/random/boot_id")
        return f"{boot.read_text().strip() if boot.exists() else ''}:{ticks}"
    try:
        listed = subprocess.run(
            ["ps", "-o", "stat=", "-o", "lstart=", "-p", str(pid)],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return UNKNOWN
    state, _, started = listed.stdout.strip().partition(" ")
    if listed.returncode != 0 or not state or state.startswith("Z"):
        return None
    return " ".join(started.split())


def worker_record(worker: RunWorker) -> tuple[str, EngineEventData]:
    """The engine event a run's worker writes to the run's log: its message and metadata."""
    return f"{WORKER_RECORDED}: pid {worker.pid} on {worker.host}", EngineEventData(
        metadata={
            WORKER_HOST: dg.MetadataValue.text(worker.host),
            WORKER_NAMESPACE: dg.MetadataValue.text(worker.namespace),
            WORKER_PID: dg.MetadataValue.int(worker.pid),
            WORKER_STARTED: dg.MetadataValue.text(worker.started),
        }
    )


def recorded_worker(instance: dg.DagsterInstance, run_id: str) -> RunWorker | None:
    """The worker a run recorded last (a resumed run records a new one), if any."""
    worker = None
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        data = event.engine_event_data if event else None
        if data is None or not (event.message or "").startswith(WORKER_RECORDED):
            continue
        metadata = {key: value.value for key, value in data.metadata.items()}
        worker = RunWorker(
            str(metadata[WORKER_HOST]),
            str(metadata.get(WORKER_NAMESPACE, "")),
            int(metadata[WORKER_PID]),
            str(metadata[WORKER_STARTED]),
        )
    return worker


class WorkerRecordingExecutor(dg.Executor):
    """Executes the plan with `inner`, having first recorded this process as the run's worker
    and swept the runs whose worker died: whoever starts a run (the daemon, `hub
    materialize`, `dagster asset materialize`), a killed run's pool slots never keep it
    waiting."""

    def __init__(self, inner: dg.Executor) -> None:
        self._inner = inner

    @property
    def retries(self):
        return self._inner.retries

    @property
    def step_dependency_config(self):
        return self._inner.step_dependency_config

    def execute(self, plan_context, execution_plan) -> Iterator[dg.DagsterEvent]:
        message, data = worker_record(RunWorker.current())
        yield dg.DagsterEvent.engine_event(plan_context, message, data)
        for line in sweep_before_run(plan_context.instance):
            yield dg.DagsterEvent.engine_event(plan_context, line, EngineEventData())
        yield from self._inner.execute(plan_context, execution_plan)


def sweep_before_run(instance: dg.DagsterInstance) -> list[str]:
    """The sweep, from a run about to execute: what it did, a line each. A sweep that fails
    never stops the run; the next one tries again."""
    try:
        lake = LakeResource.from_environment()
    except (KeyError, SettingsError) as error:
        lake = None
        said = [f"no notes on failed runs are written from this run: {error}"]
    else:
        said = []
    try:
        return said + sweep_dead_runs(instance, lake).report()
    except Exception as error:
        return [*said, f"the sweep for runs whose worker died failed ({error}); this run goes on"]


def failure_note(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dict:
    """What failed in a run, for which data set, and what to do next, as plain JSON: the
    steps that failed with their errors, and those the run's end interrupted."""
    run_id = run.run_id
    failed_steps = [
        {"step": entry.step_key, "error": _error_text(entry.dagster_event)}
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
        if entry.dagster_event is not None
    ]
    last_event: dict[str, dg.DagsterEventType] = {}
    for entry in instance.all_logs(run_id, of_type=STEP_EVENTS):
        if entry.step_key and entry.dagster_event is not None:
            last_event[entry.step_key] = entry.dagster_event.event_type
    interrupted = [step for step, event in last_event.items() if event in RUNNING_STEP]
    run_failures = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    return {
        "run_id": run_id,
        "job": run.job_name,
        "data_set": run.tags.get("hub/data_set"),
        "status": run.status.value,
        "noted_at": datetime.now(UTC).isoformat(),
        "run_failure": run_failures[-1].message if run_failures else "",
        "failed_steps": failed_steps
        + [
            {"step": step, "error": "interrupted: the run ended while this step was running"}
            for step in interrupted
        ],
        "what_to_do": WHAT_TO_DO,
    }


def write_failure_note(instance: dg.DagsterInstance, run_id: str, fs: Any, lake_bucket: str) -> str:
    """Build the note on a failed run from the instance and write it to the lake; returns its
    key (lake/steward/run_failures/<run id>.json). The run-failure sensor, `hub materialize`
    and the sweep all write notes through this."""
    run = instance.get_run_by_id(run_id)
    if run is None:
        raise ValueError(f"run {run_id} is not in the Dagster instance; no note was written")
    key = f"{lake_bucket}/{lake_layout.run_failure_key(run_id)}"
    fs.pipe(key, json.dumps(failure_note(instance, run), indent=2).encode())
    return key


def _error_text(event: dg.DagsterEvent) -> str:
    """The error and what caused it, without the stack: what a steward needs to read."""
    error = event.step_failure_data.error if event.step_failure_data else None
    messages = []
    while error is not None:
        messages.append(error.message.strip())
        error = error.cause
    return " <- ".join(messages) or (event.message or "")


@dataclass
class Sweep:
    """What a sweep did."""

    failed: dict[str, RunWorker] = field(default_factory=dict)  # run id -> its dead worker
    freed: list[str] = field(default_factory=list)  # runs whose pool slots were freed
    noted: dict[str, str] = field(default_factory=dict)  # run id -> note key
    errors: list[str] = field(default_factory=list)  # notes that could not be written

    def report(self) -> list[str]:
        """What the sweep did, a line each."""
        return [
            *(
                f"run {run_id} had lost its worker (pid {worker.pid} on {worker.host}): it is "
                "marked failed and its pool slots are freed"
                for run_id, worker in self.failed.items()
            ),
            *(f"pool slots freed of ended run {run_id}" for run_id in self.freed),
            *(f"note on failed run {run_id}: s3://{key}" for run_id, key in self.noted.items()),
            *(f"{error}; the next sweep tries again" for error in self.errors),
        ]


def sweep_hub() -> Sweep:
    """`sweep_dead_runs` on the hub the environment names (DAGSTER_HOME, HUB_* variables)."""
    with dg.DagsterInstance.get() as instance:
        return sweep_dead_runs(instance, LakeResource.from_environment())


def sweep_dead_runs(instance: dg.DagsterInstance, lake: LakeResource | None) -> Sweep:
    """End the runs whose worker is gone from this host, free the pool slots of every run
    that has ended, and write a note on each failed run that has none (given the lake)."""
    sweep = Sweep()
    here = machine()
    for record in instance.get_run_records(dg.RunsFilter(statuses=UNFINISHED)):
        run = record.dagster_run
        worker = recorded_worker(instance, run.run_id)
        if worker is None or (worker.host, worker.namespace) != here or not worker.is_gone():
            continue
        current = instance.get_run_by_id(run.run_id)
        if current is None or current.is_finished:
            continue  # it ended while we looked
        message = (
            f"The run's worker process (pid {worker.pid} on {worker.host}) is gone: it was "
            f"killed or crashed while the run was {current.status.value}. A sweep for dead "
            "runs ended the run and freed its pool slots."
        )
        if current.status == dg.DagsterRunStatus.CANCELING:
            instance.report_run_canceled(current, message)
        else:
            instance.report_run_failed(current, message)
            sweep.failed[run.run_id] = worker
    sweep.freed = free_slots_of_ended_runs(instance)
    if lake is not None:
        note_failed_runs(instance, lake.filesystem(), lake.lake_bucket, sweep)
    return sweep


def free_slots_of_ended_runs(instance: dg.DagsterInstance) -> list[str]:
    """Free the pool slots (claimed or waited for) of runs that have ended or are gone. A
    run frees its own when it ends normally; a crashed one never does."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    freed = []
    for run_id in sorted(storage.get_concurrency_run_ids()):
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            storage.free_concurrency_slots_for_run(run_id)
            freed.append(run_id)
    return freed


def note_failed_runs(instance: dg.DagsterInstance, fs: Any, lake_bucket: str, sweep: Sweep) -> None:
    """Write the note of each recent failed run that has none (one that failed while no
    daemon ran its sensor, or that a sweep failed). Notes the lake cannot take now wait for
    the next sweep; nothing else waits for them."""
    prefix = f"{lake_bucket}/{PurePosixPath(lake_layout.run_failure_key('any')).parent}"
    try:
        noted = {Path(key).stem for key in fs.find(prefix)} if fs.exists(prefix) else set()
    except Exception as error:
        sweep.errors.append(f"s3://{prefix}/ could not be listed to note failed runs ({error})")
        return
    failed = instance.get_runs(
        dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]), limit=NOTED_RUNS_LIMIT
    )
    for run in failed:
        if run.run_id in noted:
            continue
        try:
            sweep.noted[run.run_id] = write_failure_note(instance, run.run_id, fs, lake_bucket)
        except Exception as error:
            sweep.errors.append(f"the note on failed run {run.run_id} was not written ({error})")
            return  # the lake is likely unreachable: the other notes wait too
