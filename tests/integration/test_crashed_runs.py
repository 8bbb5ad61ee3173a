"""Runs started from the command line, as a user starts them, on a hub with the instance
configuration of `hub prepare` (one `warehouse` slot) and no daemon: a run whose process tree
is killed while it holds the warehouse pool does not block the next run, and every failed
run, crashed or not, leaves its note for the stewards."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.automation.run_monitoring import (
    RunWorker,
    process_started,
    sweep_dead_runs,
    worker_record,
)
from orchestration.platform.settings import REPO_ROOT

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
WAREHOUSE_STEP = "warehouse_models"  # the dbt build, in the `warehouse` pool
# The smallest run through the warehouse pool: a dbt build of one seed no test relates to
# other tables, reading no bronze (about 25 s on 2 idle cores).
SEED_RUN = [
    sys.executable, "-m", "dagster", "asset", "materialize",
    "-m", "orchestration.definitions",
    "--select", "reference/sex_codes",
]  # fmt: skip
# Runs take a few times longer on a busy machine; one blocked by the killed run's slot would
# wait for ever.
TIMEOUT_SECONDS = 300


@pytest.fixture
def small_hub(hub_env, dbt_manifest, monkeypatch):
    """No delivery, the instance configuration `hub prepare` installs, the dbt manifest."""
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("COLUMNS", "500")  # the console's lines unwrapped
    dagster_home = Path(os.environ["DAGSTER_HOME"])
    shutil.copyfile(REPO_ROOT / "infra" / "dagster.yaml", dagster_home / "dagster.yaml")
    return hub_env


def start(command: list[str]) -> subprocess.Popen:
    """`command` in a session of its own, so its whole process tree can be killed at once."""
    return subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def finish(process: subprocess.Popen) -> str:
    """What the process printed, once it ended; its whole tree is killed if it overruns."""
    try:
        output, _ = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"{process.args} did not end within {TIMEOUT_SECONDS} s:\n{output}")
    return output


def run_in_step(instance: dg.DagsterInstance, step_key: str) -> str:
    """The id of the run that has started `step_key`, once one has."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for run in instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
            started = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)
            if any(entry.step_key == step_key for entry in started):
                return run.run_id
        time.sleep(0.5)
    pytest.fail(f"no run started {step_key} within {TIMEOUT_SECONDS} s")


def warehouse_slot_holders(instance: dg.DagsterInstance) -> set[str]:
    info = instance.event_log_storage.get_concurrency_info("warehouse")
    return {slot.run_id for slot in info.claimed_slots}


def note(hub_env, run_id: str) -> dict:
    return json.loads(hub_env.fs.cat(f"{hub_env.lake_bucket}/steward/run_failures/{run_id}.json"))


def test_a_run_killed_in_the_warehouse_pool_does_not_block_the_next_run(small_hub):
    crashed = start(SEED_RUN)
    with dg.DagsterInstance.get() as instance:
        run_id = run_in_step(instance, WAREHOUSE_STEP)
        assert warehouse_slot_holders(instance) == {run_id}
        os.killpg(crashed.pid, signal.SIGKILL)
        crashed.wait()
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED

    output = finish(start(SEED_RUN))

    assert "RUN_SUCCESS" in output, output
    assert f"run {run_id} had lost its worker (pid {crashed.pid} " in output
    with dg.DagsterInstance.get() as instance:
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
        assert warehouse_slot_holders(instance) == set()
        assert run_id not in instance.event_log_storage.get_concurrency_run_ids()
    crash_note = note(small_hub, run_id)
    assert {
        "step": WAREHOUSE_STEP,
        "error": "interrupted: the run ended while this step was running",
    } in crash_note["failed_steps"]
    assert f"worker process (pid {crashed.pid} " in crash_note["run_failure"]


def test_a_run_that_fails_under_hub_materialize_leaves_its_note(small_hub):
    # a ledger the landing cannot read: that data set's bronze step fails, the others run on
    small_hub.fs.pipe(f"{small_hub.lake_bucket}/bronze/screenings/_ledger.json", b"{ cut short")

    hub = start([str(BIN / "hub"), "materialize"])
    output = finish(hub)

    assert hub.returncode != 0
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs()
    assert run.status == dg.DagsterRunStatus.FAILURE
    key = f"{small_hub.lake_bucket}/steward/run_failures/{run.run_id}.json"
    assert f"note on failed run {run.run_id}: s3://{key}" in output
    (failed,) = note(small_hub, run.run_id)["failed_steps"]
    assert failed["step"] == "bronze__screenings"
    assert "Expecting property name" in failed["error"]


def test_a_worker_is_known_by_its_process_not_by_its_id_alone():
    here = RunWorker.current()
    assert not here.is_gone()
    assert dataclasses.replace(here, started="when another process started").is_gone()

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = dataclasses.replace(here, pid=child.pid, started=process_started(child.pid))
    assert not worker.is_gone()
    child.kill()
    time.sleep(0.5)
    assert worker.is_gone(), "killed, not yet reaped by its parent (a zombie)"
    child.wait()
    assert worker.is_gone()


def test_the_sweep_ends_only_runs_whose_worker_died_on_this_machine():
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    here = RunWorker.current()
    workers = {
        "alive": here,
        "dead": dataclasses.replace(here, pid=int(ended.stdout)),
        "elsewhere": dataclasses.replace(here, host="another-host", pid=int(ended.stdout)),
    }
    with dg.DagsterInstance.ephemeral() as instance:
        for name, worker in workers.items():
            run = instance.add_run(
                dg.DagsterRun(job_name=name, run_id=name, status=dg.DagsterRunStatus.STARTED)
            )
            message, data = worker_record(worker)
            instance.report_engine_event(message, run, data)

        sweep = sweep_dead_runs(instance, lake=None)

        assert list(sweep.failed) == ["dead"]
        status = {name: instance.get_run_by_id(name).status for name in workers}
    assert status == {
        "alive": dg.DagsterRunStatus.STARTED,
        "dead": dg.DagsterRunStatus.FAILURE,
        "elsewhere": dg.DagsterRunStatus.STARTED,
    }
