"""What `hub` prints for people: the summary's table and `hub status` whole in 80 columns,
and a run's progress told step by step with what it landed."""

from __future__ import annotations

import io

from rich.console import Console

from orchestration import cli
from orchestration.engineering.tools import RunProgress, StepEvent
from orchestration.platform.declarations import load_source_specs
from orchestration.platform.settings import DBT_PROJECT_DIR

WIDTH = 80  # what rich assumes when stdout is no terminal: a log file, a pipe


def rendered(table, width: int = WIDTH) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(table)
    return console.export_text()


def whole(text: str) -> bool:
    return "…" not in text and max(len(line) for line in text.splitlines()) <= WIDTH


def test_the_summary_of_every_declared_data_set_is_whole_in_80_columns():
    landed = [
        {
            "data_set": spec.name,
            "deliveries": 1_204,
            "landed_now": 1_204,
            "rows_landed": 123_456_789,
            "rows_quarantined": 1_234_567,
            "failed": ["raw/x: unreadable"],
        }
        for spec in load_source_specs(DBT_PROJECT_DIR)
    ]

    text = rendered(cli.landing_table(landed))

    assert whole(text), text
    for facts in landed:
        assert f"│ {facts['data_set']} " in text
    assert "123,456,789" in text and "1,234,567" in text


def said_per_row(text: str) -> dict[str, str]:
    """A two-column table's rows as printed: first column -> the second, its lines joined."""
    rows: dict[str, str] = {}
    what = ""
    for line in text.splitlines():
        if line.startswith("│"):
            first, second = (part.strip() for part in line.split("│")[1:-1])
            what = first or what
            rows[what] = f"{rows.get(what, '')} {second}".strip()
    return rows


def status(**changes) -> dict:
    state = {
        "object_store": {"said": "object store running at http://127.0.0.1:8333 (pid 4242)"},
        "runs_in_progress": [],
        "last_run": {
            "run_id": "6e2ae0bc-81e0-4d54-8f31-5c1614f64a81",
            "job": "full_refresh",
            "data_set": None,
            "status": "SUCCESS",
            "started_at": "2026-12-05 19:13:44 UTC",
            "ended_at": "2026-12-05 19:14:57 UTC",
            "seconds": 72.7,
        },
        "last_publication": {
            "snapshot": 2,
            "published_at": "2026-12-05 19:14:52 UTC",
            "tables": 12,
        },
        "data_sets": 15,
        "stale_data_sets": [
            {
                "data_set": "community_vulnerability",
                "cadence_days": 365,
                "newest_landed_at": "2025-01-02T10:00:00+00:00",
                "days_overdue": 337.4,
            },
            {
                "data_set": "tip_tiers",
                "cadence_days": 365,
                "newest_landed_at": None,
                "days_overdue": None,
            },
        ],
        "unknown": {},
    }
    return state | changes


def test_status_says_the_last_run_publication_and_what_is_stale():
    text = rendered(cli.status_table(status()))
    rows = said_per_row(text)

    assert whole(text), text
    assert rows["object store"] == "object store running at http://127.0.0.1:8333 (pid 4242)"
    assert rows["runs in progress"] == "none"
    assert rows["last run"] == (
        "6e2ae0bc-81e0-4d54-8f31-5c1614f64a81 full_refresh: success, started 2026-12-05 "
        "19:13:44 UTC, took 1 min 13 s"
    )
    assert rows["last publication"] == "snapshot 2, 2026-12-05 19:14:52 UTC (12 tables)"
    assert rows["stale data sets"] == (
        "community_vulnerability: 337.4 days past its 365-day cadence (newest landed "
        "2025-01-02) tip_tiers: nothing landed yet"
    )


def test_status_says_what_it_cannot_know_and_why():
    state = status(
        object_store={"said": "object store stopped (nothing answers at http://127.0.0.1:8333)"},
        runs_in_progress=None,
        last_run=None,
        last_publication=None,
        stale_data_sets=None,
        unknown={
            "runs": "no Dagster instance at .hub/dagster yet; `hub prepare` makes it",
            "stale_data_sets": "the landing reports are in the object store, which does not answer",
        },
    )

    rows = said_per_row(rendered(cli.status_table(state)))

    assert (
        rows["runs"] == "unknown: no Dagster instance at .hub/dagster yet; `hub prepare` makes it"
    )
    assert rows["last publication"] == "nothing published yet"
    assert rows["stale data sets"] == (
        "unknown: the landing reports are in the object store, which does not answer"
    )


def test_a_runs_progress_tells_each_step_and_what_it_landed():
    progress = RunProgress()
    landing = {
        "rows_landed": 1_015,
        "rows_quarantined": 5,
        "deliveries_landed_now": 2,
        "deliveries_unchanged": 8,
        "deliveries_failed": 1,
        "deliveries_held_by_gates": 0,
    }
    events = [
        StepEvent("started", "bronze__screenings", 100.0),
        StepEvent("materialized", "bronze__screenings", 101.0, landing),
        StepEvent("checked", "bronze__screenings", 101.2, passed=False),
        StepEvent("succeeded", "bronze__screenings", 101.5),
        StepEvent("started", "warehouse_models", 102.0),
        StepEvent("materialized", "warehouse_models", 110.0),
        StepEvent("checked", "warehouse_models", 111.0),
        StepEvent("failed", "warehouse_models", 130.0, error="dbt build failed"),
    ]

    told = [line for event in events for line in progress.lines(event)]

    assert told == [
        "started  bronze/screenings",
        "done     bronze/screenings (1.5 s): 10 deliveries (2 new), 1,015 rows in bronze, "
        "5 quarantined",
        "started  warehouse_models",
        "failed   warehouse_models after 28.0 s: dbt build failed",
    ]
    assert progress.failed == {"warehouse_models": "dbt build failed"}
    assert progress.deliveries() == {
        "landed now": 2,
        "skipped as already landed": 8,
        "could not be read": 1,
        "held by the gates": 0,
    }


def test_a_long_step_is_told_while_it_runs_and_no_more_once_done():
    progress = RunProgress()
    progress.lines(StepEvent("started", "warehouse_models", 0.0))
    for at in (1.0, 2.0, 3.0):
        progress.lines(StepEvent("materialized", "warehouse_models", at))
    progress.lines(StepEvent("checked", "warehouse_models", 4.0))

    assert progress.still_running(now=10.0) == []
    assert progress.still_running(now=16.0) == [
        "running  warehouse_models (16 s): 3 assets materialized, 1 check passed"
    ]
    assert progress.still_running(now=20.0) == []  # told 4 s ago
    progress.lines(StepEvent("succeeded", "warehouse_models", 40.0))
    assert progress.still_running(now=60.0) == []
