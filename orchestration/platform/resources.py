"""Dagster resources for the lake (object store) and the warehouse (DuckDB file)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
import s3fs

from orchestration.platform.settings import ObjectStore, duckdb_extension_directory
from orchestration.platform.sql_quoting import literal


class LakeResource(dg.ConfigurableResource):
    """The object store holding raw deliveries and the lake (bronze, quarantine, gold)."""

    endpoint_url: str = ""
    # empty keys: the AWS credential chain (settings.ObjectStore)
    access_key_id: str = ""
    secret_access_key: str = ""
    region: str = "us-east-1"
    url_style: str = ""
    raw_bucket: str = "raw"
    lake_bucket: str = "lake"

    @classmethod
    def from_environment(cls) -> LakeResource:
        """The lake as the HUB_S3_* and HUB_*_BUCKET variables describe it (README: Configuration)."""
        store = ObjectStore.from_environment()
        return cls(
            endpoint_url=store.endpoint_url,
            access_key_id=store.access_key_id,
            secret_access_key=store.secret_access_key,
            region=store.region,
            url_style=store.url_style,
            raw_bucket=os.environ["HUB_RAW_BUCKET"],
            lake_bucket=os.environ["HUB_LAKE_BUCKET"],
        )

    @property
    def object_store(self) -> ObjectStore:
        return ObjectStore(
            endpoint_url=self.endpoint_url,
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            region=self.region,
            url_style=self.url_style,
        )

    def filesystem(self) -> s3fs.S3FileSystem:
        # A fresh instance per call: s3fs caches listings, and landing must see new objects.
        return s3fs.S3FileSystem(**self.object_store.s3fs_options(), skip_instance_cache=True)

    def bronze_uri(self, glob: str) -> str:
        return f"s3://{self.lake_bucket}/{glob}"


ENCRYPTION_KEY_VARIABLE = "HUB_WAREHOUSE_ENCRYPTION_KEY"
MEMORY_LIMIT_VARIABLE = "HUB_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file holding silver and gold; one writer at a time (pool).

    With `encryption_key` the file is encrypted at rest (AES-GCM); DuckDB then opens it only
    through ATTACH with the key, which needs the httpfs extension that open_duckdb loads.
    """

    path: str
    encryption_key: str = ""

    @contextmanager
    def connect(
        self, lake: LakeResource | None = None, read_only: bool = False
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        connection = open_duckdb(":memory:", lake)
        try:
            attach = f"ATTACH {literal(self.path)} AS warehouse"
            options = ["READ_ONLY"] if read_only else []
            if self.encryption_key:
                options.append(f"ENCRYPTION_KEY {literal(self.encryption_key)}")
            if options:
                attach += f" ({', '.join(options)})"
            connection.execute(attach)
            connection.execute("USE warehouse")
            yield connection
        finally:
            connection.close()


def open_duckdb(database: str, lake: LakeResource | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that loads extensions from the wheels and can read the lake."""
    connection = duckdb.connect(
        database,
        config={
            "extension_directory": str(duckdb_extension_directory()),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": True,
            # the same ceiling as the dbt build (profiles.yml); beyond it, DuckDB spills
            "memory_limit": os.environ.get(MEMORY_LIMIT_VARIABLE, DEFAULT_MEMORY_LIMIT),
        },
    )
    if lake is not None:
        connection.execute(lake.object_store.duckdb_secret_sql())
    return connection


def dbt_environment(lake: LakeResource) -> dict[str, str]:
    """What the dbt build reads from the environment: the extension folder profiles.yml names,
    and the lake as this resource sees it, for the session plugin (dbt_lake.py)."""
    store = lake.object_store
    return {
        "HUB_DUCKDB_EXTENSION_DIRECTORY": str(duckdb_extension_directory()),
        "HUB_LAKE_BUCKET": lake.lake_bucket,
        "HUB_S3_ENDPOINT": store.endpoint_url,
        "HUB_S3_ACCESS_KEY_ID": store.access_key_id,
        "HUB_S3_SECRET_ACCESS_KEY": store.secret_access_key,
        "HUB_S3_REGION": store.region,
        "HUB_S3_URL_STYLE": store.url_style,
    }


def export_dbt_environment(lake: LakeResource) -> None:
    os.environ.update(dbt_environment(lake))
