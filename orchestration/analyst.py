"""The published gold for analysts, with the analyst's keys: what `hub query` uses, and what a
notebook or script imports.

    from orchestration.analyst import connect
    connection = connect()                      # the latest publication, read-only
    connection.sql("from gold.coverage_gaps").pl()
    connect(snapshot=3)                         # an earlier one (`hub query --snapshots`)

Keys come from HUB_ROLE_ANALYST_ACCESS_KEY_ID and HUB_ROLE_ANALYST_SECRET_ACCESS_KEY; on the
embedded store, from the hub's local key file when those are unset.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import duckdb

from orchestration.platform.settings import (
    ObjectStore,
    SettingsError,
    apply_development_defaults,
    uses_local_store,
)
from orchestration.publishing.publication import PublishedGold, attach_script
from orchestration.publishing.publication import connect as connect_published

ROLE = "analyst"


def analyst_store() -> ObjectStore:
    """The object store as the analyst's identity (it reads gold/ and published/ only)."""
    from orchestration.trust.identities import development_keys, role_keys

    apply_development_defaults()
    names = role_keys(ROLE)
    if not all(os.environ.get(name) for name in names) and uses_local_store():
        from orchestration.trust.governance import load_governance

        local = development_keys(load_governance(), Path(os.environ["HUB_HOME"]))
        for name in names:
            if not os.environ.get(name):
                os.environ[name] = local[name]
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        raise SettingsError(f"{' and '.join(missing)} not set: the analyst's keys read the gold")
    return dataclasses.replace(
        ObjectStore.from_environment(),
        access_key_id=os.environ[names[0]],
        secret_access_key=os.environ[names[1]],
    )


def connect(snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
    """The published gold (`gold`), read-only, as of `snapshot` or the latest publication."""
    store = analyst_store()  # first: it fills in the development defaults
    return connect_published(PublishedGold.from_environment(), store, snapshot)


def attach_sql() -> str:
    """The statements that open the published gold in another DuckDB client."""
    store = analyst_store()
    return attach_script(PublishedGold.from_environment(), store)
