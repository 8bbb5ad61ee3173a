"""The warehouse encrypted at rest: unreadable without the key, readable with it, dbt included."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.platform.resources import WarehouseResource
from orchestration.platform.settings import DBT_PROJECT_DIR, duckdb_extension_directory


def test_an_encrypted_warehouse_opens_only_with_its_key(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    key = secrets.token_hex(32)
    with WarehouseResource(path=str(path), encryption_key=key).connect() as connection:
        connection.execute("create schema gold")
        connection.execute("create table gold.screenings_by_state_year as select 42 as n")

    assert b"screenings_by_state_year" not in path.read_bytes()
    with pytest.raises(duckdb.Error, match="without a key"):
        duckdb.connect(str(path), read_only=True)
    wrong = WarehouseResource(path=str(path), encryption_key=secrets.token_hex(32))
    with pytest.raises(duckdb.Error, match="Wrong encryption key"), wrong.connect(read_only=True):
        pass
    right = WarehouseResource(path=str(path), encryption_key=key)
    with right.connect(read_only=True) as connection:
        assert connection.execute("from gold.screenings_by_state_year").fetchall() == [(42,)]


def test_dbt_builds_into_the_encrypted_warehouse_when_the_key_is_set(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    key = secrets.token_hex(32)
    environment = {
        **os.environ,
        "HUB_WAREHOUSE_PATH": str(path),
        "HUB_WAREHOUSE_ENCRYPTION_KEY": key,
        "HUB_DUCKDB_EXTENSION_DIRECTORY": str(duckdb_extension_directory()),
        "HUB_S3_ACCESS_KEY_ID": "unused",
        "HUB_S3_SECRET_ACCESS_KEY": "unused",
        "HUB_PSEUDONYM_KEY": secrets.token_hex(32),
    }
    dbt = str(Path(sys.executable).parent / "dbt")
    locations = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    completed = subprocess.run(
        [dbt, "seed", "--select", "us_states", *locations],
        cwd=DBT_PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]

    with pytest.raises(duckdb.Error, match="without a key"):
        duckdb.connect(str(path), read_only=True)
    with WarehouseResource(path=str(path), encryption_key=key).connect(read_only=True) as con:
        assert con.execute("select count(*) from reference.us_states").fetchone()[0] >= 50
