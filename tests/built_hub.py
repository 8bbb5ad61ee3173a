"""The demo estate built once for the session, through Dagster and dbt on the real object
store: the hub the trust's tests attack, the end-to-end test checks, and the analysts' tests
read (tests/conftest.py registers its fixtures)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import dagster as dg
    import duckdb
    import s3fs

    from infra.demo.manifest import EstateManifest


@dataclass
class Hub:
    home: Path
    fs: s3fs.S3FileSystem
    raw_bucket: str
    lake_bucket: str
    manifest: EstateManifest
    run: dg.ExecuteInProcessResult
    environment: dict[str, str] = field(default_factory=dict)
    # what the run's dbt build ran (run_results.json), read when it ended: later runs of the
    # session prune the oldest dbt run folders
    dbt_results: list[dict] = field(default_factory=list)

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def extracts(self) -> Path:
        return self.home / "extracts"

    def connect(self) -> duckdb.DuckDBPyConnection:
        import duckdb

        return duckdb.connect(str(self.warehouse), read_only=True)


def materialize(selection: dg.AssetSelection | None = None) -> dg.ExecuteInProcessResult:
    import dagster as dg

    from orchestration.definitions import defs

    definitions = defs()
    with dg.DagsterInstance.get() as instance:
        if selection is None:
            job = definitions.resolve_job_def("full_refresh")
            return job.execute_in_process(instance=instance, raise_on_error=False)
        job = definitions.resolve_implicit_global_asset_job_def()
        keys = selection.resolve(definitions.resolve_asset_graph())
        return job.execute_in_process(
            instance=instance, asset_selection=list(keys), raise_on_error=False
        )


@pytest.fixture(scope="session")
def built_hub(
    object_store: Any, dbt_manifest: Any, tmp_path_factory: pytest.TempPathFactory
) -> Hub:
    """The demo estate on a real SeaweedFS, through Dagster and dbt: one full_refresh run for
    the whole session (about a minute)."""
    import s3fs
    from session_store import ANALYST_KEYS, SHARED_LAKE_BUCKET, SHARED_RAW_BUCKET

    from infra.demo.generate import generate_estate
    from orchestration.platform.objectstore import ensure_buckets
    from orchestration.platform.resources import LakeResource, dbt_environment
    from orchestration.platform.settings import ObjectStore as StoreSettings
    from orchestration.trust.identities import role_keys

    home = tmp_path_factory.mktemp("trust-hub")
    variables = {
        "HUB_HOME": str(home),
        "HUB_S3_ENDPOINT": object_store.endpoint_url,
        "HUB_S3_REGION": "us-east-1",
        "HUB_S3_ACCESS_KEY_ID": object_store.identities[0].access_key_id,
        "HUB_S3_SECRET_ACCESS_KEY": object_store.identities[0].secret_access_key,
        "HUB_RAW_BUCKET": SHARED_RAW_BUCKET,
        "HUB_LAKE_BUCKET": SHARED_LAKE_BUCKET,
        **dict(zip(role_keys("analyst"), ANALYST_KEYS, strict=True)),
        "HUB_WAREHOUSE_PATH": str(home / "warehouse.duckdb"),
        "HUB_PSEUDONYM_KEY": secrets.token_hex(32),
        "HUB_ACTOR": "trust-test",
        "DAGSTER_HOME": str(home / "dagster"),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in variables.items():
            patch.setenv(name, value)
        patch.delenv("HUB_WAREHOUSE_ENCRYPTION_KEY", raising=False)
        (home / "dagster").mkdir()
        store = StoreSettings.from_environment()
        fs = s3fs.S3FileSystem(**store.s3fs_options(), skip_instance_cache=True)
        ensure_buckets(fs, [variables["HUB_RAW_BUCKET"], variables["HUB_LAKE_BUCKET"]])
        variables |= dbt_environment(LakeResource.from_environment())
        for name, value in variables.items():
            patch.setenv(name, value)
        estate = home / "estate"
        manifest = generate_estate(estate, seed=7, scale=0.2)
        for path in sorted(estate.rglob("*")):
            relative = path.relative_to(estate)
            if path.is_file() and not relative.parts[0].startswith("_"):
                fs.put_file(str(path), f"{variables['HUB_RAW_BUCKET']}/{relative.as_posix()}")
        run = materialize()
        from orchestration.platform.settings import DBT_PROJECT_DIR

        (folder,) = (DBT_PROJECT_DIR / "target").glob(f"warehouse_models-{run.run_id[:7]}-*")
        results = json.loads((folder / "run_results.json").read_text())["results"]
    return Hub(
        home,
        fs,
        variables["HUB_RAW_BUCKET"],
        variables["HUB_LAKE_BUCKET"],
        manifest,
        run,
        variables,
        results,
    )


@pytest.fixture
def hub(built_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    """The built hub, with its environment set for the test (and only for the test)."""
    for name, value in built_hub.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HUB_WAREHOUSE_ENCRYPTION_KEY", raising=False)
    yield built_hub
