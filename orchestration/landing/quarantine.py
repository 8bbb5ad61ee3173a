"""The quarantine, as a steward reads it: rows rejected at parse time, per data set.

Quarantined rows hold the original text the contributor sent, identifiers included, so they
stay in the lake inside the trust boundary and never enter the analysts' warehouse. Stewards
query them in place with DuckDB.
"""

import duckdb

from orchestration.platform.lake_layout import unsafe_name
from orchestration.platform.settings import ObjectStore
from orchestration.platform.sql_quoting import literal


def quarantine_sql(lake_bucket: str, data_set: str | None = None) -> str:
    """A query over the quarantine objects of one data set, or of all."""
    return (
        "select split_part(_raw_key, '/', 2) as data_set, _raw_key as raw_key, line, reason, "
        "original, _ingested_at as ingested_at "
        f"from read_parquet({literal(_pattern(lake_bucket, data_set))}, union_by_name = true)"
    )


def _pattern(lake_bucket: str, data_set: str | None) -> str:
    if data_set is not None and unsafe_name(data_set):
        raise ValueError(f"{data_set!r} is not a data set name: {unsafe_name(data_set)}")
    return f"s3://{lake_bucket}/quarantine/{data_set or '*'}/*/*.parquet"


def quarantine_summary(
    connection: duckdb.DuckDBPyConnection, store: ObjectStore, lake_bucket: str
) -> list[tuple[str, str, int]]:
    """(data set, raw object, rows quarantined) for every object with quarantined rows."""
    connection.execute(store.duckdb_secret_sql())
    if not _has_objects(connection, lake_bucket):
        return []
    return connection.execute(
        f"select data_set, raw_key, count(*) from ({quarantine_sql(lake_bucket)}) "
        "group by all order by all"
    ).fetchall()


def quarantined_rows(
    connection: duckdb.DuckDBPyConnection,
    store: ObjectStore,
    lake_bucket: str,
    data_set: str,
    limit: int = 50,
) -> list[tuple]:
    """The quarantined rows of one data set: raw object, line, reason and original text."""
    connection.execute(store.duckdb_secret_sql())
    if not _has_objects(connection, lake_bucket, data_set):
        return []
    return connection.execute(
        f"select raw_key, line, reason, original from ({quarantine_sql(lake_bucket, data_set)}) "
        f"order by raw_key, line limit {int(limit)}"
    ).fetchall()


def _has_objects(
    connection: duckdb.DuckDBPyConnection, lake_bucket: str, data_set: str | None = None
) -> bool:
    pattern = _pattern(lake_bucket, data_set)
    return bool(connection.execute("select count(*) from glob(?)", [pattern]).fetchone()[0])
