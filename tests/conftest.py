"""Shared fixtures: a real SeaweedFS on loopback and a hub environment pointing at it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import s3fs
from built_hub import built_hub, hub  # noqa: F401 - the session's built hub, for every test
from session_store import (
    ANALYST_KEYS,
    SHARED_LAKE_BUCKET,
    TEST_ACCESS_KEY_ID,
    TEST_SECRET_ACCESS_KEY,
    HubEnvironment,
)

from orchestration.platform.objectstore import (
    DEFAULT_PORTS,
    Identity,
    ObjectStore,
    ensure_buckets,
    free_ports,
)
from orchestration.platform.resources import dbt_environment
from orchestration.platform.settings import DBT_PROJECT_DIR, duckdb_extension_directory
from orchestration.platform.settings import ObjectStore as StoreSettings
from orchestration.trust.governance import load_governance
from orchestration.trust.identities import role_actions


@pytest.fixture(autouse=True)
def _environment_restored() -> Iterator[None]:
    """Whatever a test (or the code it calls) writes into os.environ is undone after it, so
    no test sees another's HUB_HOME, keys or audit anchor."""
    before = dict(os.environ)
    yield
    if os.environ != before:
        os.environ.clear()
        os.environ.update(before)


@pytest.fixture(scope="session")
def object_store(tmp_path_factory) -> Iterator[ObjectStore]:
    """A SeaweedFS server on free loopback ports for the whole test session."""
    ports = dict(zip(DEFAULT_PORTS, free_ports(len(DEFAULT_PORTS)), strict=True))
    store = ObjectStore(
        data_dir=tmp_path_factory.mktemp("objectstore"),
        identities=[
            Identity("hub_pipeline", TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY),
            Identity(
                "hub_analyst",
                *ANALYST_KEYS,
                actions=role_actions(load_governance(), "analyst", SHARED_LAKE_BUCKET),
            ),
        ],
        ports=ports,
    )
    store.start()
    yield store
    store.stop()


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt project parsed once for the session (`dbt parse` takes 15-20 s). The manifest
    does not depend on the buckets or the warehouse: a run's `dbt build` parses again what
    the environment changes."""
    from dagster_dbt import DbtProject

    from orchestration.transform.dbt_cli import prepare_dbt_project

    placeholders = {
        "HUB_WAREHOUSE_PATH": "unused.duckdb",
        "HUB_S3_ACCESS_KEY_ID": "unused",
        "HUB_S3_SECRET_ACCESS_KEY": "unused",
        "HUB_DUCKDB_EXTENSION_DIRECTORY": "unused",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in placeholders.items():
            if not os.environ.get(name):
                patch.setenv(name, value)
        project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
        prepare_dbt_project(project)
    return project.manifest_path


@pytest.fixture
def hub_env(object_store, tmp_path, monkeypatch) -> HubEnvironment:
    """Environment variables for one test: its own buckets, warehouse and Dagster home."""
    return enter_hub(object_store, tmp_path, monkeypatch)


@pytest.fixture(scope="module")
def module_hub_env(object_store, tmp_path_factory) -> Iterator[HubEnvironment]:
    """`hub_env` shared by the tests of one module, for hubs that take a minute to build."""
    with pytest.MonkeyPatch.context() as patch:
        yield enter_hub(object_store, tmp_path_factory.mktemp("hub"), patch)


def enter_hub(object_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HubEnvironment:
    """Set a hub's variables (its own buckets, warehouse and Dagster home) and make its
    buckets."""
    suffix = uuid.uuid4().hex[:8]
    variables = {
        "HUB_HOME": str(tmp_path),
        "HUB_S3_ENDPOINT": object_store.endpoint_url,
        "HUB_S3_REGION": "us-east-1",
        "HUB_S3_ACCESS_KEY_ID": TEST_ACCESS_KEY_ID,
        "HUB_S3_SECRET_ACCESS_KEY": TEST_SECRET_ACCESS_KEY,
        "HUB_RAW_BUCKET": f"raw-{suffix}",
        "HUB_LAKE_BUCKET": f"lake-{suffix}",
        "HUB_WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "HUB_PSEUDONYM_KEY": secrets.token_hex(32),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "dagster").mkdir()
    store = StoreSettings.from_environment()
    fs = s3fs.S3FileSystem(**store.s3fs_options(), skip_instance_cache=True)
    ensure_buckets(fs, [variables["HUB_RAW_BUCKET"], variables["HUB_LAKE_BUCKET"]])
    from orchestration.platform.resources import LakeResource

    for name, value in dbt_environment(LakeResource.from_environment()).items():
        monkeypatch.setenv(name, value)
    return HubEnvironment(
        tmp_path, variables["HUB_RAW_BUCKET"], variables["HUB_LAKE_BUCKET"], fs, store
    )


@pytest.fixture(scope="session")
def dbt_offline() -> Callable[..., str]:
    """Runs a dbt command that reads no object store (compile, parse) with its artifacts in
    `target`, and returns what it printed; a failing command fails the test."""

    def run(target: Path, *arguments: str) -> str:
        env = {
            **os.environ,
            "HUB_WAREHOUSE_PATH": str(target / "warehouse.duckdb"),
            "HUB_DUCKDB_EXTENSION_DIRECTORY": str(duckdb_extension_directory()),
            "HUB_S3_ACCESS_KEY_ID": "unused",
            "HUB_S3_SECRET_ACCESS_KEY": "unused",
            "HUB_PSEUDONYM_KEY": "k" * 32,
            "DBT_TARGET_PATH": str(target),
        }
        project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
        completed = subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), *arguments, *project],
            env=env,
            capture_output=True,
            text=True,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return completed.stdout

    return run
