"""`hub` as a user runs it, when things are not ready: the object store stopped, the warehouse
held by another process, nothing run or published yet, the hub not prepared. Each ends with
one line that says what to do and a non-zero exit, never a traceback; `--format json` keeps
stdout to JSON; `hub status` says what it can and what it cannot know."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.platform.objectstore import free_ports

pytestmark = pytest.mark.integration

HUB = str(Path(sys.executable).parent / "hub")
REPO_ROOT = Path(__file__).resolve().parents[2]


def closed_endpoint() -> str:
    return f"http://127.0.0.1:{free_ports(1)[0]}"  # nothing listens there


@pytest.fixture
def fresh_hub(tmp_path) -> dict[str, str]:
    """A hub that has never run, whose object store (on its own port) is stopped."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HUB_", "DAGSTER_", "AWS_", "DBT_"))
    }
    home = tmp_path / "hub"
    return environment | {
        "HUB_HOME": str(home),
        "HUB_WAREHOUSE_PATH": str(home / "warehouse.duckdb"),
        "DAGSTER_HOME": str(home / "dagster"),
        "HUB_S3_ENDPOINT": closed_endpoint(),
    }


def run_hub(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [HUB, *arguments],
        env=environment | {"COLUMNS": "80"},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
    )


def one_line(completed: subprocess.CompletedProcess) -> str:
    """The one line an expected condition gives (run with --quiet: nothing else on stderr)."""
    assert completed.returncode != 0, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr, completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


@pytest.mark.parametrize(
    "command", [["audit", "verify"], ["summary"], ["quarantine"]], ids=" ".join
)
def test_a_stopped_object_store_is_one_line_that_says_to_start_it(fresh_hub, command):
    line = one_line(run_hub("--quiet", *command, environment=fresh_hub))

    assert line == (
        f"the object store at {fresh_hub['HUB_S3_ENDPOINT']} is not running: start it with "
        "`hub objectstore start`, then run this again"
    )


def test_without_quiet_the_condition_comes_after_the_notices_still_one_line(fresh_hub):
    completed = run_hub("audit", "verify", environment=fresh_hub)

    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""
    assert completed.stderr.splitlines()[-1].endswith("then run this again")
    assert "development defaults for:" in completed.stderr


def test_the_heat_map_as_json_is_json_on_stdout_when_nothing_is_published(fresh_hub):
    completed = run_hub("--quiet", "heatmap", "--format", "json", environment=fresh_hub)

    said = json.loads(completed.stdout)
    assert said == {"error": one_line(completed)}
    assert said["error"].startswith("nothing is published yet")


def test_a_warehouse_held_by_another_process_is_one_line_and_nothing_changes(fresh_hub, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = duckdb.connect(str(warehouse))  # this test's process holds its lock
    try:
        completed = run_hub(
            "--quiet",
            "withdraw",
            "--contributor",
            "tx_dfps",
            "--reason",
            "a test",
            environment=fresh_hub | {"HUB_WAREHOUSE_PATH": str(warehouse)},
        )
    finally:
        holder.close()

    line = one_line(completed)
    assert line.startswith(
        f"the warehouse {warehouse} is in use by another process (pid {os.getpid()}"
    )
    assert "nothing was changed" in line


def test_no_warehouse_yet_is_one_line_that_says_to_run_first(fresh_hub):
    line = one_line(
        run_hub(
            "--quiet",
            "extract",
            "--role",
            "analyst",
            "--purpose",
            "gap_analysis",
            environment=fresh_hub,
        )
    )

    assert line.startswith("there is no warehouse yet")
    assert "`hub prepare` and `hub materialize` first" in line


def test_a_hub_not_prepared_is_one_line_that_says_to_prepare(fresh_hub):
    line = one_line(run_hub("--quiet", "materialize", environment=fresh_hub))

    assert line.startswith("the hub is not prepared")
    assert "run `hub prepare` first" in line


def test_status_says_what_it_cannot_know_with_the_store_stopped(fresh_hub):
    completed = run_hub("--quiet", "status", "--format", "json", environment=fresh_hub)

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    state = json.loads(completed.stdout)
    assert state["object_store"]["running"] is False
    assert state["object_store"]["said"].startswith("object store stopped")
    assert state["last_run"] is None and state["last_publication"] is None
    assert set(state["unknown"]) == {"runs", "stale_data_sets"}

    table = run_hub("status", environment=fresh_hub)
    assert table.returncode == 0 and "Traceback" not in table.stderr
    assert "unknown:" in table.stdout and "…" not in table.stdout
    assert max(len(line) for line in table.stdout.splitlines()) <= 80


# --- on a hub that has run: the session's built hub --------------------------------------


def test_the_heat_map_as_json_is_only_data_on_stdout(hub_after_run):
    completed = run_hub("heatmap", "--format", "json", environment=hub_after_run)

    assert completed.returncode == 0, completed.stderr
    heat = json.loads(completed.stdout)
    assert len(heat["cells"]) == 27
    assert 0 <= heat["overall"] <= 10


def test_the_heat_map_in_a_log_is_whole_at_80_columns(hub_after_run):
    completed = run_hub("heatmap", environment=hub_after_run)

    assert completed.returncode == 0, completed.stderr
    assert "…" not in completed.stdout
    assert max(len(line) for line in completed.stdout.splitlines()) <= 80
    for level in ("individual", "community", "system"):
        assert level in completed.stdout


def test_the_heat_map_as_json_with_the_store_stopped_is_an_error_in_json(hub_after_run):
    stopped = hub_after_run | {"HUB_S3_ENDPOINT": closed_endpoint()}

    completed = run_hub("--quiet", "heatmap", "--format", "json", environment=stopped)

    assert json.loads(completed.stdout)["error"] == one_line(completed)
    assert "is not running: start it with `hub objectstore start`" in completed.stdout


def test_status_says_the_last_run_publication_and_stale_data_sets(hub_after_run):
    completed = run_hub("--quiet", "status", "--format", "json", environment=hub_after_run)

    assert completed.returncode == 0, completed.stderr
    state = json.loads(completed.stdout)
    assert state["object_store"]["serving"] is True
    assert state["last_run"]["ended_at"] is not None
    assert state["last_publication"]["snapshot"] >= 1
    assert state["unknown"] == {}
    landed_by_the_run = {"screenings", "hotline", "prosecutions"}
    assert not landed_by_the_run & {stale["data_set"] for stale in state["stale_data_sets"]}


@pytest.fixture
def hub_after_run(hub) -> dict[str, str]:
    """The environment of the session's built hub (one full_refresh run, published)."""
    return dict(os.environ) | hub.environment
