"""The analysts' gold on the real object store, read with the analyst's own keys: published by
a real run while readers hold it, nothing else reachable, no small count, and the README's
analyst commands working as printed."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import threading

import dagster as dg
import duckdb
import pytest
import s3fs
from built_hub import Hub, materialize

from orchestration.analyst import attach_sql
from orchestration.platform.settings import REPO_ROOT, ObjectStore
from orchestration.publishing.publication import PublishedGold, reading, snapshots
from orchestration.trust.audit import audit_bucket
from orchestration.trust.governance import load_governance
from orchestration.trust.identities import role_keys

pytestmark = pytest.mark.integration

PUBLISH = dg.AssetSelection.assets(["exports", "published_gold"])
ANALYST_PREFIXES = ("gold/", "published/")


def analyst_store() -> ObjectStore:
    key_id, secret = (os.environ[name] for name in role_keys("analyst"))
    return dataclasses.replace(
        ObjectStore.from_environment(), access_key_id=key_id, secret_access_key=secret
    )


def as_analyst():
    return reading(PublishedGold.from_environment(), analyst_store())


def test_a_reader_holds_the_published_gold_through_a_run_then_sees_the_new_one(hub: Hub):
    with as_analyst() as connection:
        connection.execute("begin transaction")
        before = snapshots(connection)
        scores = connection.sql("from dataset_quality_scores order by data_set").fetchall()

        run = materialize(PUBLISH)  # a real run publishing, the reader's transaction open

        assert run.success
        assert snapshots(connection) == before
        assert connection.sql("from dataset_quality_scores order by data_set").fetchall() == scores
        connection.execute("commit")
    (published,) = [e.materialization.metadata for e in run.get_asset_materialization_events()]
    with as_analyst() as connection:
        after = snapshots(connection)
    assert [s[0] for s in after[:-1]] == [s[0] for s in before]
    assert after[-1][0] == published["snapshot"].value > before[-1][0]
    # the previous run's gold stays queryable
    with reading(PublishedGold.from_environment(), analyst_store(), before[-1][0]) as old:
        assert old.sql("from dataset_quality_scores order by data_set").fetchall() == scores


def test_a_plain_duckdb_client_reading_while_a_run_publishes_gets_no_error(hub: Hub):
    """A client that knows nothing of the hub (the DuckDB CLI, DBeaver, a BI tool) opens the
    published gold with the lines `hub query --attach-sql` prints, again and again while a
    run publishes."""
    script = attach_sql()
    errors: list[str] = []
    snapshots_seen: set[int] = set()
    publishing = threading.Event()

    def read_until_published() -> None:
        while not publishing.is_set():
            try:
                with duckdb.connect() as client:
                    for statement in script.split(";\n"):
                        if statement.strip():
                            client.execute(statement)
                    client.sql("select count(*) from taxonomy_cell_scores").fetchone()
                    snapshots_seen.add(
                        client.sql(
                            "select max(snapshot_id) from ducklake_snapshots('gold')"
                        ).fetchone()[0]
                    )
            except Exception as error:
                errors.append(str(error))

    reader = threading.Thread(target=read_until_published)
    reader.start()
    try:
        run = materialize(PUBLISH)
    finally:
        publishing.set()
        reader.join()
    assert run.success
    assert errors == []
    assert snapshots_seen


def test_the_analysts_keys_reach_the_published_gold_and_nothing_else(hub: Hub):
    store = analyst_store()
    analyst = s3fs.S3FileSystem(**store.s3fs_options(), skip_instance_cache=True)
    lake = hub.lake_bucket
    prefixes = {path.split("/", 1)[1] + "/" for path in hub.fs.ls(lake, refresh=True)}
    assert set(ANALYST_PREFIXES) <= prefixes
    for prefix in sorted(prefixes):
        first = next(iter(hub.fs.find(f"{lake}/{prefix}")))
        if prefix in ANALYST_PREFIXES:
            assert analyst.cat_file(first), first
        else:
            with pytest.raises(PermissionError):
                analyst.cat_file(first)
    assert {"bronze/", "silver/", "quarantine/", "steward/"} & prefixes
    for bucket in (hub.raw_bucket, audit_bucket(lake)):
        with pytest.raises(PermissionError):
            analyst.ls(bucket, refresh=True)
    raw_object = next(iter(hub.fs.find(hub.raw_bucket)))
    with pytest.raises(PermissionError):
        analyst.cat_file(raw_object)


def test_no_published_count_holds_a_value_from_1_to_10(hub: Hub):
    governance = load_governance()
    declared: dict[str, list[str]] = {}
    for mart in governance.marts.values():
        declared[mart.name] = list(mart.counts)
        if mart.suppressed_from:
            declared[mart.totals_name] = list(mart.counts)
    checked = 0
    with as_analyst() as connection:
        tables = {name for (name,) in connection.sql("show tables").fetchall()}
        assert tables == {name for name in declared if name in tables} and tables
        for table in sorted(tables):
            columns = {row[0] for row in connection.sql(f'describe "{table}"').fetchall()}
            for count in declared[table]:
                assert count in columns, f"{table}.{count}"
                small = connection.sql(
                    f'select count(*) from "{table}" where "{count}" between 1 and 10'
                ).fetchone()[0]
                assert small == 0, f"{table}.{count}"
                checked += 1
        person_level = connection.sql(
            "select count(*) from duckdb_columns() where database_name = 'gold' "
            "and column_name in ('person_key', 'person_id', 'screening_id', 'case_id')"
        ).fetchone()[0]
    assert person_level == 0
    assert checked >= 5


def readme_analyst_commands() -> list[str]:
    """The shell lines of the README's section for analysts, as printed."""
    text = (REPO_ROOT / "README.md").read_text()
    section = text.split("## Querying the gold marts", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    return [line.split("  #", 1)[0].strip() for line in lines if line.strip()]


def test_every_analyst_command_in_the_readme_runs_as_printed(hub: Hub):
    commands = readme_analyst_commands()
    assert len(commands) >= 4
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "COLUMNS": "80"},
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert done.stdout.strip(), command
        assert "Traceback" not in done.stdout + done.stderr, command
