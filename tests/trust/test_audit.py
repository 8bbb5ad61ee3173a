"""The audit log is append-only for the pipeline's keys, and what they try otherwise is named."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import botocore.exceptions
import fsspec
import pytest
import s3fs
from botocore.config import Config

from orchestration import cli
from orchestration.platform.objectstore import DEFAULT_PORTS, Identity, ObjectStore, free_ports
from orchestration.trust.audit import (
    ANCHOR_KEY_VARIABLE,
    ANCHOR_VARIABLE,
    BUCKET_VARIABLE,
    GENESIS_HASH,
    Anchor,
    AuditLog,
    audit_bucket,
    ensure_audit_bucket,
    entry_hash,
)
from orchestration.trust.identities import pipeline_actions

RAW = "raw"
PIPELINE = ("hub-pipeline-audit", secrets.token_hex(16))
ADMIN = ("hub-admin-audit", secrets.token_hex(16))


@pytest.fixture(autouse=True)
def environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HUB_ACTOR", "steward.jones")
    monkeypatch.setenv("HUB_HOME", str(tmp_path))
    for name in (BUCKET_VARIABLE, ANCHOR_VARIABLE, ANCHOR_KEY_VARIABLE):
        monkeypatch.delenv(name, raising=False)


def fill(log: AuditLog, entries: int = 3) -> None:
    log.append(
        "extract",
        role="researcher",
        purpose="prevalence_research",
        details={"agreement": "dua-2025-gulf-research"},
        row_counts={"screenings_by_state_year": 40},
    )
    log.append("extract_refused", role="researcher", purpose="public_reporting")
    log.append("withdrawal", details={"contributor": "nhth"}, row_counts={"silver": 12})
    for number in range(4, entries + 1):
        log.append("key_rotation", details={"reason": f"rotation {number}"})


def forge_from(log: AuditLog, sequence: int) -> None:
    """What someone holding the log's keys does: edit an entry, recompute every later hash."""
    previous = GENESIS_HASH
    for key, text in log.entries():
        entry = json.loads(text)
        if entry["sequence"] >= sequence:
            if entry["sequence"] == sequence:
                entry["row_counts"] = {"silver": 0}
            entry["previous_hash"] = previous
            entry["hash"] = entry_hash(entry)
            log.fs.pipe_file(key, (json.dumps(entry, sort_keys=True) + "\n").encode())
        previous = entry["hash"]


# On a filesystem without Object Lock or versions: the chain and the anchor.


@pytest.fixture
def memory_log(tmp_path) -> Iterator[AuditLog]:
    memory = fsspec.filesystem("memory")
    memory.store.clear()
    memory.pseudo_dirs.clear()
    memory.pseudo_dirs.append("")
    log = AuditLog(memory, "lake", Anchor(tmp_path / "anchor.jsonl"))
    fill(log)
    yield log
    memory.store.clear()


def test_entries_chain_from_genesis_and_say_who_what_and_when(memory_log, tmp_path):
    entries = [json.loads(text) for _, text in memory_log.entries()]
    assert [e["sequence"] for e in entries] == [1, 2, 3]
    assert entries[0]["previous_hash"] == GENESIS_HASH
    assert entries[1]["previous_hash"] == entries[0]["hash"]
    assert entries[0]["actor"] == "steward.jones"
    assert entries[0]["row_counts"] == {"screenings_by_state_year": 40}
    assert entries[0]["recorded_at"]
    verification = memory_log.verify()
    assert verification.intact and verification.entries == 3
    assert verification.head_hash == entries[2]["hash"]
    anchored = [json.loads(line) for line in (tmp_path / "anchor.jsonl").read_text().splitlines()]
    assert [(a["sequence"], a["hash"]) for a in anchored] == [
        (e["sequence"], e["hash"]) for e in entries
    ]
    assert (tmp_path / "anchor.jsonl").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "anchor.key").stat().st_mode & 0o777 == 0o600


def test_an_edited_line_is_named(memory_log):
    key, text = memory_log.entries()[1]
    memory_log.fs.pipe_file(key, text.replace("public_reporting", "gap_analysis").encode())
    verification = memory_log.verify()
    assert not verification.intact
    assert verification.broken_at == 2
    assert "changed after it was written" in verification.reason
    assert verification.broken_key.endswith("0000000002.jsonl")


def test_an_edit_with_its_own_hash_recomputed_differs_from_the_anchor(memory_log):
    key, text = memory_log.entries()[1]
    entry = json.loads(text)
    entry["row_counts"] = {"silver": 0}
    entry["hash"] = entry_hash(entry)
    memory_log.fs.pipe_file(key, (json.dumps(entry) + "\n").encode())
    verification = memory_log.verify()
    assert verification.broken_at == 2
    assert "entry #2 was rewritten: entry #2 is not the one anchored" in verification.reason
    assert "does not follow entry #2" in verification.problems[1].message


def test_a_removed_entry_is_named(memory_log):
    memory_log.fs.rm(memory_log.entries()[1][0])
    verification = memory_log.verify()
    assert verification.broken_at == 2
    assert "missing" in verification.reason


def test_an_edited_anchor_line_is_named(memory_log, tmp_path):
    anchor = tmp_path / "anchor.jsonl"
    lines = anchor.read_text().splitlines()
    lines[1] = lines[1].replace('"sequence": 2', '"sequence": 9')
    anchor.write_text("\n".join(lines) + "\n")
    verification = memory_log.verify()
    assert not verification.intact
    assert f"line 2 of the anchor {anchor} does not verify" in verification.reason


def test_a_writer_that_lost_the_race_takes_the_next_number(memory_log, monkeypatch):
    stale = memory_log._head()
    memory_log.append("key_rotation")
    heads = iter([stale])
    original = memory_log._head
    monkeypatch.setattr(memory_log, "_head", lambda: next(heads, None) or original())
    entry = memory_log.append("key_rotation", details={"note": "second writer"})
    assert entry["sequence"] == 5
    assert memory_log.verify().intact


# On a real SeaweedFS, as the identities `hub objectstore start` makes.


@dataclass
class Store:
    server: ObjectStore
    admin: s3fs.S3FileSystem
    pipeline: s3fs.S3FileSystem
    lakes: Iterator[str]

    def client(self, keys: tuple[str, str]):
        return boto3.client(
            "s3",
            endpoint_url=self.server.endpoint_url,
            aws_access_key_id=keys[0],
            aws_secret_access_key=keys[1],
            region_name="us-east-1",
            config=Config(retries={"max_attempts": 1}),
        )


def filesystem(server: ObjectStore, keys: tuple[str, str]) -> s3fs.S3FileSystem:
    return s3fs.S3FileSystem(
        key=keys[0],
        secret=keys[1],
        client_kwargs={"endpoint_url": server.endpoint_url, "region_name": "us-east-1"},
        skip_instance_cache=True,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[Store]:
    # SeaweedFS reads identities at start, so the pipeline's identity is made for a few lakes
    # at once, each test taking its own; each lake's actions are what `pipeline_actions` gives.
    lakes = [f"lake-audit-test-{number}" for number in range(12)]
    actions = sorted({action for lake in lakes for action in pipeline_actions(RAW, lake)})
    server = ObjectStore(
        data_dir=tmp_path_factory.mktemp("audit-store"),
        identities=[Identity("hub_pipeline", *PIPELINE, actions), Identity("hub_admin", *ADMIN)],
        ports=dict(zip(DEFAULT_PORTS, free_ports(len(DEFAULT_PORTS)), strict=True)),
    )
    server.start()
    yield Store(server, filesystem(server, ADMIN), filesystem(server, PIPELINE), iter(lakes))
    server.stop()


@pytest.fixture
def lake(store) -> str:
    name = next(store.lakes)
    store.admin.mkdir(name)
    return name


@pytest.fixture(params=["object lock", "anchor only"])
def log(request, store, lake, monkeypatch) -> AuditLog:
    """Five entries written with the pipeline's keys: in the audit bucket `hub objectstore start`
    makes, or in a bucket without Object Lock (the lake's, where the log used to be)."""
    if request.param == "object lock":
        ensure_audit_bucket(store.admin, lake)
    else:
        monkeypatch.setenv(BUCKET_VARIABLE, lake)
    audit = AuditLog(store.pipeline, lake)
    fill(audit, entries=5)
    return audit


@pytest.mark.integration
def test_a_rewrite_with_every_later_hash_recomputed_is_named_at_its_entry(log, request):
    assert log.verify().intact
    forge_from(log, 2)
    verification = log.verify()
    assert not verification.intact
    assert verification.broken_at == 2
    assert verification.broken_key.endswith("0000000002.jsonl")
    if "object lock" in request.node.name:
        assert "entries #2 to #5 were changed after they were written" in verification.reason
        assert verification.entries == 5, "the entries as first written still verify"
    else:
        assert "entry #2 was rewritten and every later hash recomputed" in verification.reason


@pytest.mark.integration
def test_removing_the_newest_two_entries_is_reported_as_truncation(log, request):
    for key, _ in log.entries()[-2:]:
        log.fs.rm(key)
    verification = log.verify()
    assert not verification.intact
    assert verification.broken_at == 4
    if "object lock" in request.node.name:
        assert "entries #4 to #5 were deleted after being written" in verification.reason
        assert "the log as listed is truncated after #3" in verification.reason
    else:
        assert "the log was truncated: it ends at entry #3, but entry #5 was anchored" in (
            verification.reason
        )


@pytest.mark.integration
def test_the_pipelines_keys_append_but_cannot_delete_or_change_an_entry(store, lake):
    ensure_audit_bucket(store.admin, lake)
    log = AuditLog(store.pipeline, lake)
    fill(log, entries=3)
    bucket, key = audit_bucket(lake), "audit/0000000002.jsonl"
    pipeline, admin = store.client(PIPELINE), store.client(ADMIN)
    (first,) = pipeline.list_object_versions(Bucket=bucket, Prefix=key)["Versions"]
    version = first["VersionId"]
    original = pipeline.get_object(Bucket=bucket, Key=key)["Body"].read()

    assert log.append("key_rotation")["sequence"] == 4
    for client in (pipeline, admin):
        assert refused(lambda c=client: c.delete_object(Bucket=bucket, Key=key, VersionId=version))
    soon = datetime.now(UTC) + timedelta(seconds=1)
    assert refused(
        lambda: pipeline.put_object_retention(
            Bucket=bucket,
            Key=key,
            VersionId=version,
            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": soon},
        )
    )
    assert refused(
        lambda: pipeline.put_object(
            Bucket=bucket,
            Key="audit/0000000005.jsonl",
            Body=b"{}\n",
            ObjectLockMode="GOVERNANCE",
            ObjectLockRetainUntilDate=soon,
        )
    )
    assert refused(
        lambda: pipeline.put_object_lock_configuration(
            Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}
        )
    )
    assert refused(
        lambda: pipeline.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}
        )
    )
    # A plain overwrite or delete is accepted as a later version or a delete marker: the entry
    # as written stays, is what the log reads, and verify names what readers now see.
    pipeline.put_object(Bucket=bucket, Key=key, Body=b'{"forged": true}\n')
    pipeline.delete_object(Bucket=bucket, Key="audit/0000000003.jsonl")
    kept = pipeline.get_object(Bucket=bucket, Key=key, VersionId=version)["Body"].read()
    assert kept == original
    assert log.entries()[1][1].encode() == original
    verification = log.verify()
    assert [problem.sequence for problem in verification.problems] == [2, 3]
    assert verification.entries == 4

    pipeline.copy_object(
        Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key, "VersionId": version}
    )
    (marker,) = pipeline.list_object_versions(Bucket=bucket, Prefix="audit/0000000003")[
        "DeleteMarkers"
    ]
    pipeline.delete_object(Bucket=bucket, Key=marker["Key"], VersionId=marker["VersionId"])
    assert log.verify().intact, "restored from the versions Object Lock kept"


def refused(call) -> bool:
    try:
        call()
    except botocore.exceptions.ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"] in (403, 409)
    return False


@pytest.mark.integration
def test_entries_from_where_the_anchor_is_not_shared_are_adopted_not_failed(
    store, lake, monkeypatch, tmp_path
):
    monkeypatch.setenv(BUCKET_VARIABLE, lake)  # no Object Lock: only the anchor can tell
    here = AuditLog(store.pipeline, lake, Anchor(tmp_path / "here.jsonl"))
    elsewhere = AuditLog(store.pipeline, lake, Anchor(tmp_path / "elsewhere.jsonl"))
    fill(here, entries=3)
    elsewhere.append("key_rotation")
    elsewhere.append("key_rotation")

    verification = here.verify()
    assert verification.intact, verification.reason
    assert "entries #4 to #5 were not anchored here" in verification.notes[-1]
    assert "not anchored here" not in " ".join(here.verify().notes), "anchored now"

    forge_from(elsewhere, 4)
    rewritten = here.verify()
    assert rewritten.broken_at == 4
    assert "entry #4 was rewritten and every later hash recomputed" in rewritten.reason


@pytest.mark.integration
def test_hub_audit_verify_says_what_was_done_one_line_each(store, lake, monkeypatch, capsys):
    ensure_audit_bucket(store.admin, lake)
    for name, value in {
        "HUB_S3_ENDPOINT": store.server.endpoint_url,
        "HUB_S3_ACCESS_KEY_ID": PIPELINE[0],
        "HUB_S3_SECRET_ACCESS_KEY": PIPELINE[1],
        "HUB_RAW_BUCKET": RAW,
        "HUB_LAKE_BUCKET": lake,
        "HUB_PSEUDONYM_KEY": secrets.token_hex(32),
    }.items():
        monkeypatch.setenv(name, value)
    log = AuditLog(store.pipeline, lake)
    fill(log, entries=5)
    assert cli.main(["audit", "verify"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"audit log intact: 5 entries in s3://{lake}-audit/audit/" in lines
    assert any("kept by Object Lock until" in line and "anchored in" in line for line in lines)

    forge_from(log, 2)
    log.fs.rm(log.entries()[-1][0])
    assert cli.main(["audit", "verify"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        f"audit log broken at entry #2 (s3://{lake}-audit/audit/0000000002.jsonl): entries #2 "
        "to #4 were changed after they were written"
    )
    assert lines[1].startswith("also: entry #5 was deleted after being written")
    assert "truncated after #4" in lines[1]
    assert lines[2] == "the chain of entries as first written verifies up to #5"


def test_the_audit_bucket_is_the_lakes_unless_set(monkeypatch):
    assert audit_bucket("lake") == "lake-audit"
    monkeypatch.setenv(BUCKET_VARIABLE, "hub-audit")
    assert audit_bucket("lake") == "hub-audit"
    assert Path(Anchor.from_environment().path).name == "audit-anchor.jsonl"
