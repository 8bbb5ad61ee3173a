"""Keyed-hash pseudonyms for identifiers of people, applied before anything reaches silver.

HMAC-SHA-256 with a key from the environment (HUB_PSEUDONYM_KEY), never from the repository.
Values are normalized first (case, spacing), so the same person sent by two contributors gets
the same pseudonym and can be de-duplicated, while nobody without the key can reverse it or
test a guess. The dbt plugin below registers `hub_pseudonym(text)` in every dbt connection.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin

KEY_VARIABLE = "HUB_PSEUDONYM_KEY"
MIN_KEY_BYTES = 32


def pseudonym_key() -> bytes:
    key = os.environ.get(KEY_VARIABLE, "")
    if len(key.encode()) < MIN_KEY_BYTES:
        raise RuntimeError(
            f"{KEY_VARIABLE} must be set to a secret of at least {MIN_KEY_BYTES} bytes "
            "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`); "
            "the `hub` command creates one under .hub/ for local use"
        )
    return key.encode()


def normalize(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().lower())


def pseudonymize(value: str | None, key: bytes) -> str | None:
    if value is None or not value.strip():
        return None
    digest = hmac.new(key, normalize(value).encode(), hashlib.sha256).hexdigest()
    return f"p_{digest[:32]}"


class Plugin(BasePlugin):
    """dbt-duckdb plugin: `hub_pseudonym(value)` as a vectorized DuckDB function."""

    def configure_connection(self, conn) -> None:
        key = pseudonym_key()

        def hub_pseudonym(values: pa.Array) -> pa.Array:
            return pa.array([pseudonymize(value, key) for value in values.to_pylist()], pa.string())

        conn.create_function(
            "hub_pseudonym",
            hub_pseudonym,
            ["VARCHAR"],
            "VARCHAR",
            type="arrow",
            side_effects=False,
        )
