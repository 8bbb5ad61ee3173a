"""The published gold: what analysts read, apart from the pipeline's working warehouse.

Each successful run publishes the released gold tables (the ones declared in
orchestration/trust/marts.yml, counts protected as in extracts) as one DuckLake snapshot: the
data as Parquet under lake/published/, the catalog in a SQLite file (HUB_PUBLISHED_CATALOG,
default $HUB_HOME/published/gold.sqlite) in write-ahead-log mode. A snapshot is one
transaction, so a reader sees the previous publication or the new one, never a mix; a reader
holding a transaction open keeps its snapshot while the next one is written, and neither
waits for the other. Earlier snapshots stay queryable (`hub query --as-of`) for
HUB_PUBLISHED_KEEP_DAYS (90) days.

Before the snapshot commits, every protected count column of every published table is read
back from it; a value from 1 to threshold - 1 rolls the whole snapshot back.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from orchestration.platform.settings import REPO_ROOT, ObjectStore, duckdb_extension_directory
from orchestration.platform.sql_quoting import identifier, literal
from orchestration.trust.suppression import suppressed_flag

CATALOG_VARIABLE = "HUB_PUBLISHED_CATALOG"
KEEP_DAYS_VARIABLE = "HUB_PUBLISHED_KEEP_DAYS"
DEFAULT_KEEP_DAYS = 90
DATA_PREFIX = "published/"
ALIAS = "gold"  # the name readers attach the catalog as: `from gold.<table>`


class PublicationError(RuntimeError):
    """The snapshot was not committed; readers keep the previous publication."""


@dataclass(frozen=True)
class PublishedGold:
    """Where the published gold lives: its DuckLake catalog file and its data prefix."""

    catalog: Path
    data_path: str  # s3://<lake bucket>/published/ (a local folder in unit tests)

    @classmethod
    def from_environment(cls, lake_bucket: str | None = None) -> PublishedGold:
        catalog = os.environ.get(CATALOG_VARIABLE)
        if not catalog:
            home = Path(os.environ.get("HUB_HOME") or REPO_ROOT / ".hub")
            catalog = str(home / "published" / "gold.sqlite")
        bucket = lake_bucket or os.environ["HUB_LAKE_BUCKET"]
        return cls(Path(catalog), f"s3://{bucket}/{DATA_PREFIX}")

    def attach_sql(self, snapshot: int | None = None, alias: str = ALIAS) -> str:
        """ATTACH, read-only, as any DuckDB client would; `snapshot` for an earlier one."""
        options = ["READ_ONLY"]
        if snapshot is not None:
            options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        location = literal(f"ducklake:sqlite:{self.catalog}")
        return f"ATTACH {location} AS {identifier(alias)} ({', '.join(options)})"

    def exists(self) -> bool:
        return self.catalog.is_file()


@dataclass(frozen=True)
class Publication:
    snapshot: int
    rows: dict[str, int]
    seconds: float
    data_bytes: int


def duckdb_with_store(store: ObjectStore) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that loads its extensions from the wheels and reads the store with
    `store`'s keys (the pipeline's to publish, an analyst's to read)."""
    connection = duckdb.connect(
        ":memory:",
        config={
            "extension_directory": str(duckdb_extension_directory()),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": True,
        },
    )
    connection.execute(store.duckdb_secret_sql())
    return connection


def connect(
    published: PublishedGold, store: ObjectStore, snapshot: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection with the published gold attached as `gold` (and in use)."""
    if not published.exists():
        raise PublicationError(
            f"nothing is published yet ({published.catalog} does not exist); run "
            "`make demo` or `.venv/bin/hub materialize` first"
        )
    connection = duckdb_with_store(store)
    try:
        connection.execute(published.attach_sql(snapshot))
        connection.execute(f"USE {ALIAS}")
        # Nothing else on this machine or in the store is reachable from the connection: the
        # published data only (what the analyst's keys allow anyway), no local file.
        connection.execute(f"SET allowed_directories = [{literal(published.data_path)}]")
        connection.execute("SET enable_external_access = false")
    except BaseException:
        connection.close()
        raise
    return connection


@contextmanager
def reading(
    published: PublishedGold, store: ObjectStore, snapshot: int | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """`connect`, closed when the block ends."""
    connection = connect(published, store, snapshot)
    try:
        yield connection
    finally:
        connection.close()


def attach_script(published: PublishedGold, store: ObjectStore) -> str:
    """The statements that open the published gold in any DuckDB 1.4 client (the CLI, DBeaver,
    a BI tool through DuckDB), with `store`'s keys and the extensions from the wheels."""
    return "\n".join(
        [
            f"SET extension_directory = {literal(str(duckdb_extension_directory()))};",
            "LOAD httpfs; LOAD sqlite_scanner; LOAD ducklake;",
            store.duckdb_secret_sql("hub_published") + ";",
            published.attach_sql() + ";",
            f"USE {ALIAS};",
        ]
    )


def snapshots(connection: duckdb.DuckDBPyConnection) -> list[tuple[int, str, int]]:
    """(snapshot id, committed at in UTC, tables) of every publication kept, oldest first."""
    return connection.execute(
        f"""
        select s.snapshot_id,
               strftime(s.snapshot_time at time zone 'UTC', '%Y-%m-%d %H:%M:%S UTC'),
               count(distinct t.table_id)
        from ducklake_snapshots({literal(ALIAS)}) s
        left join __ducklake_metadata_{ALIAS}.ducklake_table t
          on t.begin_snapshot <= s.snapshot_id
         and (t.end_snapshot is null or t.end_snapshot > s.snapshot_id)
        group by all
        having count(distinct t.table_id) > 0
        order by s.snapshot_id
        """
    ).fetchall()


def publish(
    published: PublishedGold,
    store: ObjectStore,
    tables: Mapping[str, pl.DataFrame],
    threshold: int,
) -> Publication:
    """Write `tables` (released: counts protected) as the next snapshot, replacing every table
    of the previous one; tables no longer released are dropped from it."""
    started = time.monotonic()
    _prepare_catalog(published.catalog)
    connection = duckdb_with_store(store)
    try:
        connection.execute(
            f"ATTACH {literal(f'ducklake:sqlite:{published.catalog}')} AS {identifier(ALIAS)} "
            f"(DATA_PATH {literal(published.data_path)})"
        )
        before = _data_bytes(connection)
        connection.execute("BEGIN TRANSACTION")
        try:
            current = {
                name
                for (name,) in connection.execute(
                    "select table_name from duckdb_tables() where database_name = ?", [ALIAS]
                ).fetchall()
            }
            for name in sorted(current - set(tables)):
                connection.execute(f"DROP TABLE {identifier(ALIAS)}.{identifier(name)}")
            rows = {}
            for name, frame in sorted(tables.items()):
                connection.register("released_table", frame.to_arrow())
                connection.execute(
                    f"CREATE OR REPLACE TABLE {identifier(ALIAS)}.{identifier(name)} AS "
                    "SELECT * FROM released_table"
                )
                connection.unregister("released_table")
                rows[name] = frame.height
            if small := _small_counts_published(connection, tables, threshold):
                raise PublicationError(
                    f"not published, counts from 1 to {threshold - 1} remain in {small}; the "
                    "previous publication stays; rebuild the marts (`hub materialize`)"
                )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        snapshot = connection.execute(
            f"select max(snapshot_id) from ducklake_snapshots({literal(ALIAS)})"
        ).fetchone()[0]
        _expire_old_snapshots(connection)
        written = _data_bytes(connection) - before
    finally:
        connection.close()
    return Publication(snapshot, rows, round(time.monotonic() - started, 3), max(written, 0))


def count_columns(frame_columns: list[str]) -> list[str]:
    """The protected count columns of a released table: those with a `<count>_suppressed`."""
    return [c for c in frame_columns if suppressed_flag(c) in frame_columns]


def _small_counts_published(
    connection: duckdb.DuckDBPyConnection, tables: Mapping[str, pl.DataFrame], threshold: int
) -> dict[str, dict[str, int]]:
    """Read back from the snapshot being written: protected counts from 1 to threshold - 1."""
    found: dict[str, dict[str, int]] = {}
    for name, frame in sorted(tables.items()):
        for count in count_columns(frame.columns):
            small = connection.execute(
                f"select count(*) from {identifier(ALIAS)}.{identifier(name)} "
                f"where {identifier(count)} > 0 and {identifier(count)} < ?",
                [threshold],
            ).fetchone()[0]
            if small:
                found.setdefault(name, {})[count] = small
    return found


def _prepare_catalog(catalog: Path) -> None:
    """Create the catalog's folder and file (owner-only) in write-ahead-log mode, which lets
    readers keep their snapshot while a publication commits."""
    catalog.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not catalog.exists():
        catalog.touch(mode=0o600)
    with sqlite3.connect(catalog) as database:
        database.execute("pragma journal_mode=wal")
    database.close()


def _expire_old_snapshots(connection: duckdb.DuckDBPyConnection) -> None:
    days = int(os.environ.get(KEEP_DAYS_VARIABLE) or DEFAULT_KEEP_DAYS)
    older_than = f"now() - INTERVAL {literal(f'{days} days')}"
    connection.execute(
        f"CALL ducklake_expire_snapshots({literal(ALIAS)}, older_than => {older_than})"
    )
    # Files of expired snapshots go a day later, so a reader that began before stays whole.
    connection.execute(
        f"CALL ducklake_cleanup_old_files({literal(ALIAS)}, older_than => now() - INTERVAL '1 day')"
    )


def _data_bytes(connection: duckdb.DuckDBPyConnection) -> int:
    return connection.execute(
        f"select coalesce(sum(file_size_bytes), 0) from __ducklake_metadata_{ALIAS}.ducklake_data_file"
    ).fetchone()[0]
