"""Where the hub keeps its state and how it reaches the object store, read from the environment.

Every setting is an environment variable. `development_defaults()` gives the values the
embedded set-up uses (a SeaweedFS on loopback, state under `.hub/`); the `hub` command fills
them in for variables that are unset, so a laptop works with no configuration while a real
deployment sets every variable explicitly.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# A run tagged with it rebuilds incremental dbt models whole (`dbt build --full-refresh`).
FULL_REFRESH_TAG = "hub/full_refresh"

# The embedded store's keys are made once per hub, never committed: the pipeline's here, the
# other identities' by orchestration/trust/identities.py, all in one file (mode 0600).
DEVELOPMENT_KEYS_FILE = "object-store-keys.json"
PIPELINE_KEYS = ("HUB_S3_ACCESS_KEY_ID", "HUB_S3_SECRET_ACCESS_KEY")
# what tells the AWS credential chain whose credentials to use, when set
AWS_CHAIN_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_PROFILE")
EMBEDDED_ENDPOINT = "http://127.0.0.1:8333"
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def development_defaults(home: Path | None = None) -> dict[str, str]:
    """The embedded set-up's settings; secrets are not among them (see `development_secrets`)."""
    home = home or Path(os.environ.get("HUB_HOME") or REPO_ROOT / ".hub")
    return {
        "HUB_HOME": str(home),
        "HUB_S3_ENDPOINT": EMBEDDED_ENDPOINT,
        "HUB_S3_REGION": "us-east-1",
        "HUB_RAW_BUCKET": "raw",
        "HUB_LAKE_BUCKET": "lake",
        "HUB_WAREHOUSE_PATH": str(home / "warehouse.duckdb"),
        "DAGSTER_HOME": str(home / "dagster"),
    }


def apply_development_defaults(home: Path | None = None) -> list[str]:
    """Set every unset hub variable to its development default; return the names set.

    HUB_S3_ENDPOINT set to nothing means AWS, so only an unset endpoint becomes the embedded
    store. The pipeline's object-store keys are filled in only for a store on this machine
    (the embedded one), from keys made once for this hub, unless credentials are given to the
    AWS chain (AWS_ACCESS_KEY_ID, AWS_PROFILE); for any other store, unset keys mean the
    chain.
    """
    applied = []
    for name, value in development_defaults(home).items():
        # HUB_S3_ENDPOINT set and empty is a choice: AWS itself, not the embedded store
        unset = name not in os.environ if name == "HUB_S3_ENDPOINT" else not os.environ.get(name)
        if unset:
            os.environ[name] = value
            applied.append(name)
    chain = any(os.environ.get(name) for name in AWS_CHAIN_VARIABLES)
    if uses_local_store() and not chain and not all(os.environ.get(n) for n in PIPELINE_KEYS):
        keys = development_secrets(Path(os.environ["HUB_HOME"]), [PIPELINE_KEYS])
        for name in PIPELINE_KEYS:
            os.environ[name] = keys[name]
            applied.append(name)
    return applied


def uses_local_store() -> bool:
    """Whether HUB_S3_ENDPOINT is a store on this machine (loopback), as the embedded one is."""
    endpoint = os.environ.get("HUB_S3_ENDPOINT", "")
    return bool(endpoint) and urlparse(endpoint).hostname in _LOOPBACK_HOSTS


def development_secrets(home: Path, wanted: list[tuple[str, str]]) -> dict[str, str]:
    """Local (access key id, secret) pairs for the variables named in `wanted`, made once per
    hub with a cryptographic generator and kept in `home` with mode 0600; returns them all."""
    path = home / DEVELOPMENT_KEYS_FILE
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [pair for pair in wanted if pair[0] not in stored or pair[1] not in stored]
    for access_key_name, secret_name in missing:
        stored[access_key_name] = f"hub-{secrets.token_hex(6)}"
        stored[secret_name] = secrets.token_hex(20)
    if missing or not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        # written whole under a private name, then moved: never a readable or partial file
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(json.dumps(stored, indent=1, sort_keys=True))
        os.replace(partial, path)
    path.chmod(0o600)
    return stored


def duckdb_extension_directory() -> Path:
    """The folder the `duckdb-ext-*` wheels install into, so DuckDB never downloads."""
    spec = importlib.util.find_spec("duckdb_ext")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the duckdb-ext-httpfs package is not installed; run `uv sync` from the repo root"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "extensions"


class SettingsError(RuntimeError):
    """A setting the hub needs is missing or wrong; the message says which and what to do."""


URL_STYLES = ("path", "vhost")  # DuckDB's names; botocore says "virtual" for vhost
_BOTO_ADDRESSING = {"path": "path", "vhost": "virtual"}


@dataclass(frozen=True)
class ObjectStore:
    """How to reach the S3 API: an explicit endpoint (SeaweedFS, MinIO) or AWS when empty.

    Without keys, credentials come from the standard AWS chain (environment, shared profile
    or SSO, web identity, the instance or task role), as every AWS client finds them.
    """

    endpoint_url: str
    access_key_id: str = ""
    secret_access_key: str = ""
    region: str = "us-east-1"
    url_style: str = ""  # path or vhost; empty: path for an explicit endpoint, vhost for AWS

    def __post_init__(self) -> None:
        if bool(self.access_key_id) != bool(self.secret_access_key):
            raise SettingsError(
                "only one of HUB_S3_ACCESS_KEY_ID and HUB_S3_SECRET_ACCESS_KEY is set: set "
                "both for static keys, or neither to use the AWS credential chain"
            )
        if self.url_style not in ("", *URL_STYLES):
            raise SettingsError(
                f"HUB_S3_URL_STYLE is {self.url_style!r}: use path, vhost, or leave it empty"
            )

    @property
    def uses_credential_chain(self) -> bool:
        return not self.access_key_id

    @property
    def addressing(self) -> str:
        """path (bucket in the path) or vhost (bucket in the host name)."""
        return self.url_style or ("path" if self.endpoint_url else "vhost")

    @property
    def uses_ssl(self) -> bool:
        return not self.endpoint_url or urlparse(self.endpoint_url).scheme == "https"

    @property
    def host(self) -> str:
        """host:port without scheme, the form DuckDB's S3 secret wants."""
        return urlparse(self.endpoint_url).netloc if self.endpoint_url else ""

    def duckdb_secret_sql(self, name: str = "hub_lake") -> str:
        from orchestration.platform.sql_quoting import identifier, literal

        if self.uses_credential_chain:
            # DuckDB's aws extension (from its wheel) walks the same chain as boto
            options = ["TYPE s3", "PROVIDER credential_chain"]
        else:
            options = [
                "TYPE s3",
                f"KEY_ID {literal(self.access_key_id)}",
                f"SECRET {literal(self.secret_access_key)}",
            ]
        options += [f"REGION {literal(self.region)}", f"URL_STYLE {literal(self.addressing)}"]
        if self.endpoint_url:
            options += [f"ENDPOINT {literal(self.host)}", f"USE_SSL {self.uses_ssl}"]
        return f"CREATE OR REPLACE SECRET {identifier(name)} ({', '.join(options)})"

    def s3fs_options(self) -> dict:
        client_kwargs = {"region_name": self.region}
        if self.endpoint_url:
            client_kwargs["endpoint_url"] = self.endpoint_url
        options: dict = {
            "client_kwargs": client_kwargs,
            "config_kwargs": {"s3": {"addressing_style": _BOTO_ADDRESSING[self.addressing]}},
        }
        if not self.uses_credential_chain:
            options |= {"key": self.access_key_id, "secret": self.secret_access_key}
        return options

    def boto3_options(self) -> dict:
        """Keyword arguments for `boto3.client("s3", ...)`; no keys means the chain."""
        from botocore.config import Config

        options: dict = {
            "region_name": self.region,
            "config": Config(s3={"addressing_style": _BOTO_ADDRESSING[self.addressing]}),
        }
        if self.endpoint_url:
            options["endpoint_url"] = self.endpoint_url
        if not self.uses_credential_chain:
            options |= {
                "aws_access_key_id": self.access_key_id,
                "aws_secret_access_key": self.secret_access_key,
            }
        return options

    @classmethod
    def from_environment(cls) -> ObjectStore:
        return cls(
            endpoint_url=os.environ.get("HUB_S3_ENDPOINT", ""),
            access_key_id=os.environ.get("HUB_S3_ACCESS_KEY_ID", ""),
            secret_access_key=os.environ.get("HUB_S3_SECRET_ACCESS_KEY", ""),
            region=os.environ.get("HUB_S3_REGION") or "us-east-1",
            url_style=os.environ.get("HUB_S3_URL_STYLE", ""),
        )
