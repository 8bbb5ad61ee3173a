"""Least privilege on a real SeaweedFS: each identity reaches its own prefixes and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import botocore.exceptions
import pytest
import s3fs
from botocore.config import Config

from orchestration.platform.declarations import ContributorFeed, SourceSpec
from orchestration.platform.objectstore import DEFAULT_PORTS, ObjectStore, free_ports
from orchestration.trust.audit import audit_bucket, ensure_audit_bucket
from orchestration.trust.governance import load_governance
from orchestration.trust.identities import (
    ADMIN_KEYS,
    PIPELINE_KEYS,
    contributor_keys,
    development_keys,
    object_store_identities,
    role_keys,
)

pytestmark = pytest.mark.integration

RAW, LAKE = "raw", "lake"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[tuple[ObjectStore, dict[str, str]]]:
    governance = load_governance()
    home = tmp_path_factory.mktemp("hub")
    environment = {
        PIPELINE_KEYS[0]: "hub-pipeline-test",
        PIPELINE_KEYS[1]: "pipeline-secret-for-tests",
        **development_keys(governance, home),
    }
    ports = dict(zip(DEFAULT_PORTS, free_ports(len(DEFAULT_PORTS)), strict=True))
    # A contributor that delivers through an API: the pipeline writes its snapshots into raw.
    api_feed = SourceSpec(
        name="hotline",
        title="Hotline",
        cadence_days=365,
        contributors={"nhth_web": ContributorFeed("nhth_web", "api")},
        declared_in=Path("_hotline__sources.yml"),
    )
    server = ObjectStore(
        data_dir=Path(home) / "objectstore",
        identities=object_store_identities(governance, RAW, LAKE, environment, [api_feed]),
        ports=ports,
    )
    server.start()
    admin = client(server, environment, ADMIN_KEYS)
    for bucket in (RAW, LAKE):
        admin.create_bucket(Bucket=bucket)
    admin.put_object(Bucket=RAW, Key="screenings/la_ocs__2024-06/screenings.csv", Body=b"la")
    admin.put_object(Bucket=LAKE, Key="gold/screenings_by_state_year.parquet", Body=b"gold")
    admin.put_object(Bucket=LAKE, Key="bronze/screenings/_ledger.json", Body=b"{}")
    admin_fs = s3fs.S3FileSystem(
        key=environment[ADMIN_KEYS[0]],
        secret=environment[ADMIN_KEYS[1]],
        client_kwargs={"endpoint_url": server.endpoint_url, "region_name": "us-east-1"},
        skip_instance_cache=True,
    )
    ensure_audit_bucket(admin_fs, LAKE)
    yield server, environment
    server.stop()


def client(server: ObjectStore, environment: dict[str, str], names: tuple[str, str]):
    return boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=environment[names[0]],
        aws_secret_access_key=environment[names[1]],
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )


def denied(call) -> bool:
    try:
        call()
    except botocore.exceptions.ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return False


def test_a_contributor_writes_its_own_prefix_and_nothing_else(store):
    server, environment = store
    tx = client(server, environment, contributor_keys("tx_dfps"))
    own = "screenings/tx_dfps__2024-06/screenings.csv"
    tx.put_object(Bucket=RAW, Key=own, Body=b"id,concern\n")
    assert tx.get_object(Bucket=RAW, Key=own)["Body"].read() == b"id,concern\n"
    assert denied(
        lambda: tx.put_object(Bucket=RAW, Key="screenings/la_ocs__2024-06/x.csv", Body=b"x")
    )
    assert denied(lambda: tx.put_object(Bucket=RAW, Key="screenings/tx_dfps_x__1/x.csv", Body=b"x"))
    assert denied(lambda: tx.put_object(Bucket=RAW, Key="hotline/tx_dfps__2024/x.csv", Body=b"x"))
    assert denied(lambda: tx.put_object(Bucket=LAKE, Key="gold/forged.parquet", Body=b"x"))


def test_a_contributor_cannot_read_or_list_another_contributors_prefix(store):
    server, environment = store
    tx = client(server, environment, contributor_keys("tx_dfps"))
    other = "screenings/la_ocs__2024-06/screenings.csv"
    assert denied(lambda: tx.get_object(Bucket=RAW, Key=other))
    assert denied(lambda: tx.head_object(Bucket=RAW, Key=other))
    assert denied(lambda: tx.delete_object(Bucket=RAW, Key=other))
    assert denied(lambda: tx.list_objects_v2(Bucket=RAW))
    assert denied(lambda: tx.list_objects_v2(Bucket=RAW, Prefix="screenings/la_ocs__"))
    assert denied(lambda: tx.get_object(Bucket=LAKE, Key="gold/screenings_by_state_year.parquet"))


def test_the_pipeline_reads_raw_without_changing_it_and_writes_the_lake(store):
    server, environment = store
    pipeline = client(server, environment, PIPELINE_KEYS)
    key = "screenings/la_ocs__2024-06/screenings.csv"
    assert pipeline.get_object(Bucket=RAW, Key=key)["Body"].read() == b"la"
    assert pipeline.list_objects_v2(Bucket=RAW)["KeyCount"] >= 1
    assert denied(lambda: pipeline.put_object(Bucket=RAW, Key=key, Body=b"changed"))
    assert denied(lambda: pipeline.delete_object(Bucket=RAW, Key=key))
    snapshot = "hotline/nhth_web__2026-11-25/api.parquet"
    pipeline.put_object(Bucket=RAW, Key=snapshot, Body=b"api")
    assert denied(lambda: pipeline.put_object(Bucket=RAW, Key="hotline/nhth__1/x", Body=b"x"))
    pipeline.put_object(Bucket=LAKE, Key="bronze/screenings/x.parquet", Body=b"b")
    pipeline.delete_object(Bucket=LAKE, Key="bronze/screenings/x.parquet")
    assert denied(lambda: pipeline.create_bucket(Bucket="another"))


def test_an_analyst_reads_gold_only(store):
    server, environment = store
    analyst = client(server, environment, role_keys("analyst"))
    gold = "gold/screenings_by_state_year.parquet"
    assert analyst.get_object(Bucket=LAKE, Key=gold)["Body"].read() == b"gold"
    assert analyst.list_objects_v2(Bucket=LAKE, Prefix="gold/")["KeyCount"] == 1
    assert denied(lambda: analyst.get_object(Bucket=LAKE, Key="bronze/screenings/_ledger.json"))
    assert denied(lambda: analyst.list_objects_v2(Bucket=LAKE, Prefix="bronze/"))
    assert denied(
        lambda: analyst.get_object(Bucket=RAW, Key="screenings/la_ocs__2024-06/screenings.csv")
    )
    assert denied(lambda: analyst.put_object(Bucket=LAKE, Key=gold, Body=b"x"))


def test_only_the_pipeline_reaches_the_audit_log(store):
    server, environment = store
    bucket, entry = audit_bucket(LAKE), "audit/0000000001.jsonl"
    pipeline = client(server, environment, PIPELINE_KEYS)
    pipeline.put_object(Bucket=bucket, Key=entry, Body=b"{}\n", IfNoneMatch="*")
    assert pipeline.list_objects_v2(Bucket=bucket)["KeyCount"] == 1
    (version,) = pipeline.list_object_versions(Bucket=bucket)["Versions"]
    assert denied(
        lambda: pipeline.delete_object(Bucket=bucket, Key=entry, VersionId=version["VersionId"])
    )
    analyst = client(server, environment, role_keys("analyst"))
    assert denied(lambda: analyst.get_object(Bucket=bucket, Key=entry))
    assert denied(lambda: analyst.list_objects_v2(Bucket=bucket))
    tx = client(server, environment, contributor_keys("tx_dfps"))
    assert denied(lambda: tx.put_object(Bucket=bucket, Key="audit/0000000002.jsonl", Body=b"x"))


def test_a_running_store_knows_when_its_identities_changed(store):
    server, _ = store
    same = ObjectStore(server.data_dir, server.identities, server.ports)
    assert not same.identities_changed()
    fewer = ObjectStore(server.data_dir, server.identities[:-1], server.ports)
    assert fewer.identities_changed()


def test_keys_not_in_the_environment_give_no_identity(store):
    server, environment = store
    partial = {k: v for k, v in environment.items() if k not in contributor_keys("la_ocs")}
    names = {i.name for i in object_store_identities(load_governance(), RAW, LAKE, partial)}
    assert "contributor_la_ocs" not in names and "contributor_tx_dfps" in names
    stranger = boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        aws_access_key_id="hub-unknown",
        aws_secret_access_key="not-a-secret-of-this-store",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )
    with pytest.raises(botocore.exceptions.ClientError):
        stranger.put_object(Bucket=RAW, Key="screenings/la_ocs__2024-06/y.csv", Body=b"x")
