"""A contributor controls its objects' names: none of them may reach SQL, a glob or a path.

Every hostile name is uploaded where a contributor can put it (a file name, a delivery
folder) and landed through the real gates; each is refused before anything reads it and
reported by name, the good delivery beside it lands, and the statement a name smuggles in
never runs. Objects planted in bronze by hand, with names landing could never have written,
are left unread by the gates' probe of released deliveries.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from infra.demo.generate import generate_estate
from orchestration.landing.gates import gates_for
from orchestration.landing.landing import land_source
from orchestration.landing.quarantine import quarantined_rows
from orchestration.platform.declarations import load_source_specs
from orchestration.platform.resources import LakeResource, open_duckdb
from orchestration.platform.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.integration

GOOD = "screenings/tx_dfps__2024-03/screenings.csv"
CANARY = "canary.csv"
INJECTION = f"x'],union_by_name=true) AS r; COPY (SELECT 42) TO '{CANARY}'; --.csv"
HOSTILE_KEYS = [
    f"screenings/tx_dfps__2024-07/{INJECTION}",
    "screenings/tx_dfps__2024-07/it's.csv",
    "screenings/tx_dfps__2024-07/*.csv",
    "screenings/tx_dfps__2024-07/semi;colon.csv",
    "screenings/tx_dfps__2024-07/%2e%2e.csv",
    "screenings/tx_dfps__%2e%2e/screenings.csv",
    "screenings/tx_dfps__2024-07/..",
    "screenings/tx_dfps__2024-07/line\nbreak.csv",
    "screenings/tx_dfps__2024-07/right\u202eto-left.csv",
    "screenings/tx_dfps__a'b/screenings.csv",
]


@pytest.fixture
def screenings(hub_env, tmp_path, monkeypatch):
    """The screenings declaration, its gates, and a small estate to upload from; the working
    folder is the test's own, so a statement writing a relative file would leave it there."""
    monkeypatch.chdir(tmp_path)
    estate = tmp_path / "estate"
    generate_estate(estate, seed=5, scale=0.1, only=["screenings"])
    (spec,) = [s for s in load_source_specs(DBT_PROJECT_DIR) if s.name == "screenings"]
    lake = LakeResource.from_environment()
    return spec, lake, estate


def land(spec, lake):
    gates = gates_for(spec)
    return land_source(
        spec, lake.filesystem(), lake.raw_bucket, lake.lake_bucket, gate=gates.gate(lake)
    )


def test_hostile_object_names_are_refused_by_name_and_nothing_they_carry_runs(
    hub_env, screenings, tmp_path
):
    spec, lake, estate = screenings
    content = (estate / GOOD).read_bytes()
    hub_env.fs.pipe(f"{hub_env.raw_bucket}/{GOOD}", content)
    refused_by_store = []
    for key in HOSTILE_KEYS:
        try:
            hub_env.fs.pipe(f"{hub_env.raw_bucket}/{key}", content)
        except OSError:
            refused_by_store.append(key)
    stored = set(hub_env.fs.find(f"{hub_env.raw_bucket}/screenings"))
    hostile_stored = [k for k in HOSTILE_KEYS if f"{hub_env.raw_bucket}/{k}" in stored]
    # the store keeps nearly every name as sent; the few it refuses cannot reach landing
    assert len(refused_by_store) <= 2, refused_by_store
    assert len(hostile_stored) >= len(HOSTILE_KEYS) - 2, stored

    report = land(spec, lake)

    outcomes = {o.raw_key: o for o in report.outcomes}
    assert outcomes[f"{hub_env.raw_bucket}/{GOOD}"].status == "landed"
    for key in hostile_stored:
        outcome = outcomes[f"{hub_env.raw_bucket}/{key}"]
        assert outcome.status == "failed", key
        assert "rename it" in outcome.error and repr(key) in outcome.error
    assert not (tmp_path / CANARY).exists()
    bronze = hub_env.fs.find(f"{hub_env.lake_bucket}/bronze/screenings")
    assert [k for k in bronze if k.endswith(".parquet")] == [
        f"{hub_env.lake_bucket}/bronze/screenings/tx_dfps__2024-03/screenings.csv.parquet"
    ]


def test_the_gates_never_read_a_bronze_object_landing_could_not_have_written(
    hub_env, screenings, tmp_path
):
    spec, lake, estate = screenings
    hub_env.fs.put_file(str(estate / GOOD), f"{hub_env.raw_bucket}/{GOOD}")
    assert land(spec, lake).landed_now
    # objects planted in bronze by hand: a name that breaks SQL quoting, one that would run
    # a statement, and a glob that would read every delivery of the data set
    planted = tmp_path / "planted.parquet"
    pq.write_table(pa.table({"_contributor": ["tx_dfps"], "screening_id": ["x"]}), planted)
    for name in ("it's.csv.parquet", f"{INJECTION}.parquet", "*.parquet"):
        hub_env.fs.put_file(
            str(planted), f"{hub_env.lake_bucket}/bronze/screenings/tx_dfps__2024-09/{name}"
        )
    later = "screenings/tx_dfps__2024-04/screenings.csv"
    hub_env.fs.put_file(str(estate / later), f"{hub_env.raw_bucket}/{later}")

    report = land(spec, lake)

    (landed,) = report.landed_now
    assert landed.raw_key == f"{hub_env.raw_bucket}/{later}"
    assert landed.gate_results["great_expectations_suite"]["success"] is True
    assert not (tmp_path / CANARY).exists()


def test_a_hostile_data_set_name_never_reaches_the_quarantine_query(hub_env):
    connection = open_duckdb(":memory:")
    for name in ("*", "x'; COPY (SELECT 1) TO 'canary.csv'; --", "../bronze"):
        with pytest.raises(ValueError, match="is not a data set name"):
            quarantined_rows(connection, hub_env.store, hub_env.lake_bucket, name)


def test_a_value_holding_a_nul_byte_lands_and_is_reported(hub_env, screenings):
    spec, lake, estate = screenings
    lines = (estate / GOOD).read_bytes().split(b"\n")
    header = lines[0].split(b",")
    column = header.index(b"agency_id")
    cells = lines[1].split(b",")
    cells[column] = b"A\x00B"
    lines[1] = b",".join(cells)
    hub_env.fs.pipe(f"{hub_env.raw_bucket}/{GOOD}", b"\n".join(lines))

    report = land(spec, lake)

    (landed,) = report.landed_now
    assert report.warnings == landed.warnings
    (warning,) = landed.warnings
    assert "'agency_id' has 1 value(s) holding a NUL byte" in warning
    assert warning.startswith(f"{hub_env.raw_bucket}/{GOOD}: ")
