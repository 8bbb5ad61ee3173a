"""A withdrawal purges what was landed from a contributor and keeps it from landing again."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from orchestration.landing.landing import land_source
from orchestration.platform.declarations import ContributorFeed, SourceSpec
from orchestration.trust.audit import AuditLog
from orchestration.trust.withdrawals import WITHDRAWALS_KEY, withdraw, withdrawn_contributors

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TX = b"screening_id,concern_level\nS1,possible\nS2,no_concern\n"
LA = b"screening_id,concern_level\nL1,clear_concern\n"


def spec(*contributors: str) -> SourceSpec:
    return SourceSpec(
        name="screenings",
        title="Youth screenings",
        cadence_days=30,
        contributors={c: ContributorFeed(c, "csv", "*.csv", {}) for c in contributors},
        declared_in=Path("_screenings__sources.yml"),
    )


def bronze_keys(fs) -> list[str]:
    return sorted(key.split("lake/", 1)[1] for key in fs.find("lake/bronze"))


def land(fs, source: SourceSpec):
    return land_source(source, fs, "raw", "lake", now=NOW)


def test_the_contributors_bronze_goes_and_its_raw_never_lands_again(fs, tmp_path):
    fs.pipe("raw/screenings/tx_dfps__2024-06/screenings.csv", TX)
    fs.pipe("raw/screenings/la_ocs__2024-06/screenings.csv", LA)
    both = spec("tx_dfps", "la_ocs")
    land(fs, both)
    assert "bronze/screenings/tx_dfps__2024-06/screenings.csv.parquet" in bronze_keys(fs)

    report = withdraw("tx_dfps", "consent withdrawn", fs, "lake", None, tmp_path, now=NOW)

    assert report.lake_objects_removed == {"bronze/screenings": 1}
    assert [k for k in bronze_keys(fs) if "tx_dfps" in k] == []
    ledger = json.loads(fs.cat_file("lake/bronze/screenings/_ledger.json"))
    assert all(entry["contributor"] == "la_ocs" for entry in ledger.values())
    assert withdrawn_contributors(fs, "lake")["tx_dfps"]["reason"] == "consent withdrawn"
    assert fs.exists("raw/screenings/tx_dfps__2024-06/screenings.csv"), "raw is kept"

    fs.pipe("raw/screenings/tx_dfps__2024-07/screenings.csv", TX)  # a later delivery
    again = land(fs, both)
    assert {o.contributor for o in again.outcomes} == {"la_ocs"}
    assert [k for k in bronze_keys(fs) if "tx_dfps" in k] == []

    (entry,) = [json.loads(text) for _, text in AuditLog(fs, "lake").entries()]
    assert entry["action"] == "withdrawal"
    assert entry["details"]["contributor"] == "tx_dfps"
    assert AuditLog(fs, "lake").verify().intact


def test_landing_alone_removes_what_a_withdrawn_contributor_left_in_bronze(fs):
    fs.pipe("raw/screenings/tx_dfps__2024-06/screenings.csv", TX)
    fs.pipe("raw/screenings/la_ocs__2024-06/screenings.csv", LA)
    both = spec("tx_dfps", "la_ocs")
    land(fs, both)
    fs.pipe(f"lake/{WITHDRAWALS_KEY}", json.dumps({"tx_dfps": {}}).encode())
    report = land(fs, both)
    assert report.removed == ["raw/screenings/tx_dfps__2024-06/screenings.csv"]
    assert [k for k in bronze_keys(fs) if "tx_dfps" in k] == []


def test_the_last_contributor_leaving_keeps_the_columns_without_rows(fs, tmp_path):
    fs.pipe("raw/screenings/tx_dfps__2024-06/screenings.csv", TX)
    land(fs, spec("tx_dfps"))
    report = withdraw("tx_dfps", "ended", fs, "lake", None, tmp_path, now=NOW)
    assert report.emptied_data_sets == ["screenings"]
    (placeholder,) = fs.glob("lake/bronze/screenings/*/*.parquet")
    with fs.open(placeholder, "rb") as stream:
        table = pq.read_table(stream)
    assert table.num_rows == 0
    assert {"screening_id", "concern_level", "_contributor"} <= set(table.column_names)


def test_extracts_holding_the_contributors_data_are_revoked(fs, tmp_path):
    local = tmp_path / "extracts"
    for contributors, stamp in ((["tx_dfps", "la_ocs"], "20261101T000000Z"), (["la_ocs"], "x")):
        package = local / "researcher" / "prevalence_research" / stamp
        package.mkdir(parents=True)
        (package / "_extract.json").write_text(json.dumps({"contributors": contributors}))
        fs.pipe(
            f"lake/extracts/researcher/prevalence_research/{stamp}/_extract.json",
            json.dumps({"contributors": contributors}).encode(),
        )
        fs.pipe(f"lake/extracts/researcher/prevalence_research/{stamp}/t.parquet", b"x")

    report = withdraw("tx_dfps", "ended", fs, "lake", None, local, now=NOW)

    assert len(report.extracts_revoked) == 2
    assert not (local / "researcher/prevalence_research/20261101T000000Z").exists()
    assert (local / "researcher/prevalence_research/x").exists()
    remaining = fs.find("lake/extracts")
    assert remaining and all("/x/" in key for key in remaining)
