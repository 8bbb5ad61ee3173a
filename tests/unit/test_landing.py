"""Landing raw -> bronze on an in-memory filesystem: lineage, idempotency, nothing lost."""

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import fsspec
import pyarrow.parquet as pq
import pytest

from orchestration.landing.landing import (
    LINEAGE_COLUMNS,
    GateVerdict,
    land_source,
    read_last_landing,
)
from orchestration.platform.declarations import ContributorFeed, SourceSpec

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
CSV = b"screening_id,concern_level\nS1,possible\nS2,no_concern\nS3,clear_concern\n"


@pytest.fixture
def fs():
    memory = fsspec.filesystem("memory")
    memory.store.clear()
    memory.pseudo_dirs.clear()
    memory.pseudo_dirs.append("")
    yield memory
    memory.store.clear()


@pytest.fixture
def spec():
    return SourceSpec(
        name="screenings",
        title="Youth screenings",
        cadence_days=30,
        contributors={
            "tx_dfps": ContributorFeed("tx_dfps", "csv", "*.csv", {}),
            "la_ocs": ContributorFeed("la_ocs", "json", "*.json", {"record_path": "rows"}),
        },
        declared_in=Path("_screenings__sources.yml"),
    )


def put(fs, key: str, data: bytes) -> None:
    fs.pipe(f"raw/{key}", data)


def bronze(fs, key: str):
    with fs.open(f"lake/bronze/{key}", "rb") as stream:
        return pq.read_table(io.BytesIO(stream.read()))


def test_a_delivery_lands_with_its_lineage(fs, spec):
    put(fs, "screenings/tx_dfps__2024-06/screenings.csv", CSV)
    report = land_source(spec, fs, "raw", "lake", now=NOW)
    assert [o.status for o in report.outcomes] == ["landed"]
    table = bronze(fs, "screenings/tx_dfps__2024-06/screenings.csv.parquet")
    assert table.num_rows == 3
    assert set(LINEAGE_COLUMNS) <= set(table.column_names)
    row = table.to_pylist()[1]
    assert row["screening_id"] == "S2"
    assert row["_raw_key"] == "raw/screenings/tx_dfps__2024-06/screenings.csv"
    assert row["_contributor"] == "tx_dfps"
    assert row["_delivery"] == "tx_dfps__2024-06"
    assert row["_row_number"] == 2
    assert row["_ingested_at"] == NOW
    assert len(row["_raw_sha256"]) == 64


def test_landing_again_changes_nothing_and_a_resend_replaces(fs, spec):
    put(fs, "screenings/tx_dfps__2024-06/screenings.csv", CSV)
    land_source(spec, fs, "raw", "lake", now=NOW)
    again = land_source(spec, fs, "raw", "lake", now=NOW)
    assert [o.status for o in again.outcomes] == ["unchanged"]
    assert again.rows_in_bronze == 3
    assert again.removed == []
    assert bronze(fs, "screenings/tx_dfps__2024-06/screenings.csv.parquet").num_rows == 3
    put(fs, "screenings/tx_dfps__2024-06/screenings.csv", CSV + b"S4,possible\n")
    resent = land_source(spec, fs, "raw", "lake", now=NOW)
    assert [o.status for o in resent.outcomes] == ["landed"]
    assert bronze(fs, "screenings/tx_dfps__2024-06/screenings.csv.parquet").num_rows == 4
    assert len(fs.find("lake/bronze/screenings", withdirs=False)) == 3  # object, ledger, report


def test_a_changed_declaration_lands_the_same_object_again(fs, spec):
    put(fs, "screenings/tx_dfps__2024-06/screenings.csv", CSV)
    land_source(spec, fs, "raw", "lake", now=NOW)
    assert bronze(fs, "screenings/tx_dfps__2024-06/screenings.csv.parquet").column_names[0] == (
        "screening_id"
    )
    spec.contributors["tx_dfps"] = ContributorFeed(
        "tx_dfps", "csv", "*.csv", {"rename": {"screening_id": "case_id"}}
    )

    relanded = land_source(spec, fs, "raw", "lake", now=NOW)

    assert [o.status for o in relanded.outcomes] == ["landed"]
    table = bronze(fs, "screenings/tx_dfps__2024-06/screenings.csv.parquet")
    assert "case_id" in table.column_names and "screening_id" not in table.column_names
    again = land_source(spec, fs, "raw", "lake", now=NOW)
    assert [o.status for o in again.outcomes] == ["unchanged"]


def test_a_broken_resend_keeps_the_last_good_bronze(fs, spec):
    put(fs, "screenings/la_ocs__2024-06/rows.json", json.dumps({"rows": [{"a": 1}]}).encode())
    land_source(spec, fs, "raw", "lake", now=NOW)
    truncated = b'{"rows": [{"a": 1}, {"a":'
    put(fs, "screenings/la_ocs__2024-06/rows.json", truncated)
    report = land_source(spec, fs, "raw", "lake", now=NOW)
    (failed,) = report.failed
    assert "raw/screenings/la_ocs__2024-06/rows.json" in failed.error
    assert bronze(fs, "screenings/la_ocs__2024-06/rows.json.parquet").num_rows == 1
    assert fs.cat("raw/screenings/la_ocs__2024-06/rows.json") == truncated
    assert read_last_landing(fs, "lake", "screenings")["outcomes"][0]["status"] == "failed"


def test_an_undeclared_contributor_is_reported_not_landed(fs, spec):
    put(fs, "screenings/fl_dcf__2024-06/screenings.csv", CSV)
    (outcome,) = land_source(spec, fs, "raw", "lake", now=NOW).outcomes
    assert outcome.status == "failed"
    assert "contributor 'fl_dcf' is not declared" in outcome.error
    assert not fs.exists("lake/bronze/screenings/fl_dcf__2024-06")


def test_a_withdrawn_raw_object_leaves_bronze(fs, spec):
    put(fs, "screenings/tx_dfps__2024-06/screenings.csv", CSV)
    land_source(spec, fs, "raw", "lake", now=NOW)
    fs.rm("raw/screenings/tx_dfps__2024-06/screenings.csv")
    report = land_source(spec, fs, "raw", "lake", now=NOW)
    assert report.removed == ["raw/screenings/tx_dfps__2024-06/screenings.csv"]
    assert not fs.exists("lake/bronze/screenings/tx_dfps__2024-06/screenings.csv.parquet")


def test_rejected_rows_are_quarantined_and_grouped_by_kind(fs, spec):
    ragged = CSV + b"S4,possible,extra\nS5,no_concern,more\n"
    put(fs, "screenings/tx_dfps__2024-07/screenings.csv", ragged)
    report = land_source(spec, fs, "raw", "lake", now=NOW)
    (outcome,) = report.outcomes
    assert (outcome.rows, outcome.rejected) == (3, 2)
    (kind,) = report.top_rejection_reasons()
    assert "raw/" not in kind and report.top_rejection_reasons()[kind] == 2
    with fs.open("lake/quarantine/screenings/tx_dfps__2024-07/screenings.csv.parquet") as f:
        quarantined = pq.read_table(io.BytesIO(f.read())).to_pylist()
    assert [row["original"] for row in quarantined] == ["S4,possible,extra", "S5,no_concern,more"]
    assert all(row["reason"] for row in quarantined)


def test_a_delivery_that_fails_the_gate_is_held_and_the_last_good_stays(fs, spec):
    put(fs, "screenings/tx_dfps__2024-06/screenings.csv", CSV)
    land_source(spec, fs, "raw", "lake", now=NOW)
    put(fs, "screenings/tx_dfps__2024-06/screenings.csv", CSV + b"S1,duplicate\n")

    def strict_gate(raw, candidate):
        rows = pq.read_table(candidate).num_rows
        return GateVerdict(passed=rows <= 3, results={"suite": {"success": rows <= 3}})

    report = land_source(spec, fs, "raw", "lake", now=NOW, gate=strict_gate)
    (held,) = report.held
    assert held.gate_results == {"suite": {"success": False}}
    assert bronze(fs, "screenings/tx_dfps__2024-06/screenings.csv.parquet").num_rows == 3
    # held back, not recorded as landed: the next landing judges it again
    again = land_source(spec, fs, "raw", "lake", now=NOW, gate=strict_gate)
    assert [o.status for o in again.outcomes] == ["held"]
    assert again.newest_landed_at == NOW.isoformat()


def test_an_adapter_that_breaks_on_one_file_fails_that_delivery_alone(fs, spec, monkeypatch):
    from orchestration.landing import landing

    put(fs, "screenings/tx_dfps__2024-06/screenings.csv", CSV)
    put(fs, "screenings/tx_dfps__2024-07/screenings.csv", CSV)
    read = landing.read_batches

    def breaks_on_july(stream, source_name, *args):
        if "2024-07" in source_name:
            raise KeyError("a bug no file should reach")
        return read(stream, source_name, *args)

    monkeypatch.setattr(landing, "read_batches", breaks_on_july)
    report = land_source(spec, fs, "raw", "lake", now=NOW)

    assert [o.status for o in report.outcomes] == ["landed", "failed"]
    (failed,) = report.failed
    assert failed.error.startswith("raw/screenings/tx_dfps__2024-07/screenings.csv: could not")
    assert "KeyError" in failed.error and "previous version stays" in failed.error
    again = land_source(spec, fs, "raw", "lake", now=NOW)
    assert [o.status for o in again.outcomes] == ["unchanged", "failed"]
