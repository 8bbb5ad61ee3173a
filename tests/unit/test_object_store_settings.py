"""How the hub reaches S3 from its settings: an empty endpoint is AWS, no keys is the AWS
credential chain, and the addressing style follows the endpoint unless set."""

from __future__ import annotations

import boto3
import duckdb
import pytest

from orchestration.platform.settings import (
    ObjectStore,
    SettingsError,
    apply_development_defaults,
    duckdb_extension_directory,
)

HUB_VARIABLES = (
    "HUB_HOME",
    "HUB_S3_ENDPOINT",
    "HUB_S3_REGION",
    "HUB_S3_ACCESS_KEY_ID",
    "HUB_S3_SECRET_ACCESS_KEY",
    "HUB_S3_URL_STYLE",
    "HUB_RAW_BUCKET",
    "HUB_LAKE_BUCKET",
    "HUB_WAREHOUSE_PATH",
    "DAGSTER_HOME",
)


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for name in HUB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HUB_HOME", str(tmp_path))
    return tmp_path


def described_secrets(store: ObjectStore) -> list[tuple[str, str]]:
    """(name, description) of every secret after the store's secret was created, in a
    session that loads DuckDB's extensions from their wheels."""
    connection = duckdb.connect(
        config={
            "extension_directory": str(duckdb_extension_directory()),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": True,
        }
    )
    connection.execute(store.duckdb_secret_sql())
    return connection.sql("select name, secret_string from duckdb_secrets()").fetchall()


def duckdb_secret(store: ObjectStore) -> dict[str, str]:
    ((_, described),) = described_secrets(store)
    return dict(part.split("=", 1) for part in described.split(";"))


def test_an_empty_endpoint_is_aws_not_the_embedded_store(clean_environment, monkeypatch):
    monkeypatch.setenv("HUB_S3_ENDPOINT", "")
    monkeypatch.setenv("HUB_S3_REGION", "eu-west-2")
    applied = apply_development_defaults()
    assert "HUB_S3_ENDPOINT" not in applied
    store = ObjectStore.from_environment()
    assert store.endpoint_url == ""
    # and no keys were made up for it: AWS credentials come from its chain
    assert store.uses_credential_chain
    client = boto3.client("s3", **store.boto3_options())
    assert client.meta.endpoint_url == "https://s3.eu-west-2.amazonaws.com"
    assert client.meta.config.s3["addressing_style"] == "virtual"


def test_an_unset_endpoint_is_the_embedded_store_with_its_own_keys(clean_environment):
    applied = apply_development_defaults()
    assert {"HUB_S3_ENDPOINT", "HUB_S3_ACCESS_KEY_ID", "HUB_S3_SECRET_ACCESS_KEY"} <= set(applied)
    store = ObjectStore.from_environment()
    assert store.endpoint_url == "http://127.0.0.1:8333"
    assert not store.uses_credential_chain
    assert store.addressing == "path"


def test_the_state_folders_follow_hub_home(clean_environment):
    apply_development_defaults()
    import os

    assert os.environ["DAGSTER_HOME"] == str(clean_environment / "dagster")
    assert os.environ["HUB_WAREHOUSE_PATH"] == str(clean_environment / "warehouse.duckdb")


def test_without_keys_every_client_uses_the_credential_chain(monkeypatch):
    # the chain's first link: the standard AWS variables
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIACHAINEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "chain-secret")
    store = ObjectStore("", region="ap-southeast-2")
    options = store.s3fs_options()
    assert "key" not in options and "secret" not in options
    assert "aws_access_key_id" not in store.boto3_options()
    secret = duckdb_secret(store)
    assert secret["provider"] == "credential_chain"
    assert secret["key_id"] == "AKIACHAINEXAMPLE"
    assert secret["region"] == "ap-southeast-2"
    assert secret["url_style"] == "vhost"
    assert secret["endpoint"] == "s3.amazonaws.com"


def test_static_keys_and_an_explicit_endpoint(monkeypatch):
    store = ObjectStore("https://minio.example.org:9000", "hub-key", "hub-secret", "us-west-1")
    secret = duckdb_secret(store)
    assert secret["provider"] == "config"
    assert secret["key_id"] == "hub-key"
    assert secret["endpoint"] == "minio.example.org:9000"
    assert secret["use_ssl"] == "true"
    assert secret["url_style"] == "path"
    options = store.s3fs_options()
    assert options["key"] == "hub-key"
    assert options["client_kwargs"]["endpoint_url"] == "https://minio.example.org:9000"
    assert options["config_kwargs"] == {"s3": {"addressing_style": "path"}}


def test_the_addressing_style_is_a_setting(monkeypatch):
    monkeypatch.setenv("HUB_S3_ENDPOINT", "https://storage.example.org")
    monkeypatch.setenv("HUB_S3_URL_STYLE", "vhost")
    monkeypatch.setenv("HUB_S3_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("HUB_S3_SECRET_ACCESS_KEY", "s")
    store = ObjectStore.from_environment()
    assert duckdb_secret(store)["url_style"] == "vhost"
    assert boto3.client("s3", **store.boto3_options()).meta.config.s3 == {
        "addressing_style": "virtual"
    }


@pytest.mark.parametrize(
    ("keys", "style", "said"),
    [
        (("only-the-id", ""), "", "only one of HUB_S3_ACCESS_KEY_ID"),
        (("", "only-the-secret"), "", "only one of HUB_S3_ACCESS_KEY_ID"),
        (("k", "s"), "virtual'); DROP SECRET x; --", "HUB_S3_URL_STYLE"),
    ],
)
def test_half_a_key_pair_or_an_unknown_style_is_refused(keys, style, said):
    with pytest.raises(SettingsError, match=said):
        ObjectStore("", *keys, url_style=style)


def test_hostile_keys_stay_inside_their_quotes():
    hostile = "k'); CREATE SECRET stolen (TYPE s3, KEY_ID 'x"
    store = ObjectStore("http://127.0.0.1:9", hostile, "s'--", "us-east-1")
    ((name, described),) = described_secrets(store)
    assert name == "hub_lake"
    assert f"key_id={hostile};" in described


def test_credentials_given_to_the_chain_are_used_on_loopback_too(clean_environment, monkeypatch):
    monkeypatch.setenv("HUB_S3_ENDPOINT", "http://127.0.0.1:9000")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFROMTHECHAIN")
    applied = apply_development_defaults()
    assert "HUB_S3_ACCESS_KEY_ID" not in applied
    assert ObjectStore.from_environment().uses_credential_chain
