"""The audit log is hash-chained: an edited, removed or forged entry is found and named."""

from __future__ import annotations

import json

import fsspec
import pytest

from orchestration.lib.trust.audit import GENESIS_HASH, AuditLog, entry_hash


@pytest.fixture
def log(monkeypatch):
    memory = fsspec.filesystem("memory")
    memory.store.clear()
    memory.pseudo_dirs.clear()
    memory.pseudo_dirs.append("")
    monkeypatch.setenv("HUB_ACTOR", "steward.jones")
    audit = AuditLog(memory, "lake")
    audit.append(
        "extract",
        role="researcher",
        purpose="prevalence_research",
        details={"agreement": "dua-2025-gulf-research"},
        row_counts={"screenings_by_state_year": 40},
    )
    audit.append("extract_refused", role="researcher", purpose="public_reporting")
    audit.append("withdrawal", details={"contributor": "nhth"}, row_counts={"silver": 12})
    yield audit
    memory.store.clear()


def rewrite(log: AuditLog, sequence: int, change) -> None:
    key = f"lake/audit/{sequence:010d}.jsonl"
    entry = json.loads(log.fs.cat_file(key))
    change(entry)
    log.fs.pipe_file(key, (json.dumps(entry) + "\n").encode())


def test_entries_chain_from_genesis_and_say_who_what_and_when(log):
    entries = [json.loads(text) for _, text in log.entries()]
    assert [e["sequence"] for e in entries] == [1, 2, 3]
    assert entries[0]["previous_hash"] == GENESIS_HASH
    assert entries[1]["previous_hash"] == entries[0]["hash"]
    assert entries[0]["actor"] == "steward.jones"
    assert entries[0]["row_counts"] == {"screenings_by_state_year": 40}
    assert entries[0]["recorded_at"]
    verification = log.verify()
    assert verification.intact and verification.entries == 3
    assert verification.head_hash == entries[2]["hash"]


def test_an_edited_line_is_named(log):
    rewrite(log, 2, lambda entry: entry.update(purpose="gap_analysis"))
    verification = log.verify()
    assert not verification.intact
    assert verification.broken_at == 2
    assert "changed after it was written" in verification.reason
    assert verification.broken_key.endswith("0000000002.jsonl")


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(log):
    def forge(entry):
        entry["row_counts"] = {"silver": 0}
        entry["hash"] = entry_hash(entry)

    rewrite(log, 2, forge)
    verification = log.verify()
    assert verification.broken_at == 3
    assert "does not follow entry #2" in verification.reason


def test_a_removed_entry_is_named(log):
    log.fs.rm("lake/audit/0000000002.jsonl")
    verification = log.verify()
    assert verification.broken_at == 2
    assert "missing" in verification.reason


def test_a_writer_that_lost_the_race_takes_the_next_number(log, monkeypatch):
    stale = log._head()
    log.append("key_rotation")
    heads = iter([stale])
    original = log._head
    monkeypatch.setattr(log, "_head", lambda: next(heads, None) or original())
    entry = log.append("key_rotation", details={"note": "second writer"})
    assert entry["sequence"] == 5
    assert log.verify().intact
