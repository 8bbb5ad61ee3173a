"""Where the hub keeps its state and how it reaches the object store, read from the environment.

Every setting is an environment variable. `development_defaults()` gives the values the
embedded set-up uses (a SeaweedFS on loopback, state under `.hub/`); the `hub` command fills
them in for variables that are unset, so a laptop works with no configuration while a real
deployment sets every variable explicitly.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# A run tagged with it rebuilds incremental dbt models whole (`dbt build --full-refresh`).
FULL_REFRESH_TAG = "hub/full_refresh"

# Development-only credentials for the embedded object store on loopback. A real deployment
# sets HUB_S3_ACCESS_KEY_ID and HUB_S3_SECRET_ACCESS_KEY (README: "Pointing at a real S3").
DEV_ACCESS_KEY_ID = "hub-dev"
DEV_SECRET_ACCESS_KEY = "hub-dev-secret-change-me"


def development_defaults(home: Path | None = None) -> dict[str, str]:
    home = home or REPO_ROOT / ".hub"
    return {
        "HUB_HOME": str(home),
        "HUB_S3_ENDPOINT": "http://127.0.0.1:8333",
        "HUB_S3_REGION": "us-east-1",
        "HUB_S3_ACCESS_KEY_ID": DEV_ACCESS_KEY_ID,
        "HUB_S3_SECRET_ACCESS_KEY": DEV_SECRET_ACCESS_KEY,
        "HUB_RAW_BUCKET": "raw",
        "HUB_LAKE_BUCKET": "lake",
        "HUB_WAREHOUSE_PATH": str(home / "warehouse.duckdb"),
        "DAGSTER_HOME": str(home / "dagster"),
    }


def apply_development_defaults(home: Path | None = None) -> list[str]:
    """Set every unset hub variable to its development default; return the names set."""
    applied = []
    for name, value in development_defaults(home).items():
        if not os.environ.get(name):
            os.environ[name] = value
            applied.append(name)
    return applied


def duckdb_extension_directory() -> Path:
    """The folder the `duckdb-ext-*` wheels install into, so DuckDB never downloads."""
    spec = importlib.util.find_spec("duckdb_ext")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the duckdb-ext-httpfs package is not installed; run `uv sync` from the repo root"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "extensions"


@dataclass(frozen=True)
class ObjectStore:
    """How to reach the S3 API: an explicit endpoint (SeaweedFS, MinIO) or AWS when empty."""

    endpoint_url: str
    access_key_id: str
    secret_access_key: str
    region: str = "us-east-1"

    @property
    def uses_ssl(self) -> bool:
        return not self.endpoint_url or urlparse(self.endpoint_url).scheme == "https"

    @property
    def host(self) -> str:
        """host:port without scheme, the form DuckDB's S3 secret wants."""
        return urlparse(self.endpoint_url).netloc if self.endpoint_url else ""

    def duckdb_secret_sql(self, name: str = "hub_lake") -> str:
        options = [
            "TYPE s3",
            f"KEY_ID '{_sql_literal(self.access_key_id)}'",
            f"SECRET '{_sql_literal(self.secret_access_key)}'",
            f"REGION '{_sql_literal(self.region)}'",
        ]
        if self.endpoint_url:
            options += [f"ENDPOINT '{self.host}'", "URL_STYLE 'path'", f"USE_SSL {self.uses_ssl}"]
        return f"CREATE OR REPLACE SECRET {name} ({', '.join(options)})"

    def s3fs_options(self) -> dict:
        client_kwargs = {"region_name": self.region}
        if self.endpoint_url:
            client_kwargs["endpoint_url"] = self.endpoint_url
        return {
            "key": self.access_key_id,
            "secret": self.secret_access_key,
            "client_kwargs": client_kwargs,
        }

    @classmethod
    def from_environment(cls) -> ObjectStore:
        return cls(
            endpoint_url=os.environ.get("HUB_S3_ENDPOINT", ""),
            access_key_id=require_env("HUB_S3_ACCESS_KEY_ID"),
            secret_access_key=require_env("HUB_S3_SECRET_ACCESS_KEY"),
            region=os.environ.get("HUB_S3_REGION", "us-east-1"),
        )


def require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(
            f"environment variable {name} is not set; run through `hub` for the embedded "
            "defaults, or set it (README: Configuration)"
        )
    return value


def _sql_literal(value: str) -> str:
    return value.replace("'", "''")
