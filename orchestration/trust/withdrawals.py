"""A contributor's withdrawal: the registry landing consults, and the purge of what was landed.

Raw deliveries are the contributor's own, immutable record of what it sent, and the pipeline's
identity cannot delete them; a withdrawal therefore purges everything the hub made from them
(bronze, quarantine, silver rows, extracts holding derived figures) and records the
contributor in lake/trust/withdrawals.json, which landing reads so the raw objects are never
landed again. Gold marts are aggregates: the next run recomputes them without the contributor.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.platform import lake_layout
from orchestration.platform.lake_layout import DELIVERY_SEPARATOR
from orchestration.trust.audit import AuditLog, actor

WITHDRAWALS_KEY = "trust/withdrawals.json"
# Holds a data set's columns, without rows, once its last contributor has withdrawn, so the
# dbt source still finds a file and silver builds with no rows instead of failing.
EMPTY_BRONZE_FOLDER = "_no_contributors"


def withdrawn_contributors(fs: Any, lake_bucket: str) -> dict[str, dict[str, str]]:
    """The withdrawn contributors and when, by whom and why they withdrew."""
    key = f"{lake_bucket}/{WITHDRAWALS_KEY}"
    if not fs.exists(key):
        return {}
    return json.loads(fs.cat_file(key))


def is_withdrawn(raw_key: str, withdrawn: dict[str, Any]) -> bool:
    """Whether a key inside the raw bucket (<data set>/<contributor>__<label>/<file>) is withdrawn."""
    parts = raw_key.split("/")
    return len(parts) >= 2 and parts[1].split(DELIVERY_SEPARATOR, 1)[0] in withdrawn


@dataclass
class WithdrawalReport:
    contributor: str
    lake_objects_removed: dict[str, int] = field(default_factory=dict)
    silver_rows_removed: dict[str, int] = field(default_factory=dict)
    extracts_revoked: list[str] = field(default_factory=list)
    emptied_data_sets: list[str] = field(default_factory=list)
    audit_sequence: int = 0


def withdraw(
    contributor: str,
    reason: str,
    fs: Any,
    lake_bucket: str,
    warehouse: duckdb.DuckDBPyConnection | None,
    local_extracts: Path | None,
    now: datetime | None = None,
) -> WithdrawalReport:
    """Record the withdrawal, purge the lake, silver and extracts, and audit it."""
    now = now or datetime.now(UTC)
    registry = withdrawn_contributors(fs, lake_bucket)
    registry[contributor] = {"withdrawn_at": now.isoformat(), "actor": actor(), "reason": reason}
    # The registry first: a purge interrupted half-way is finished by the next landing.
    fs.pipe_file(
        f"{lake_bucket}/{WITHDRAWALS_KEY}", json.dumps(registry, indent=1, sort_keys=True).encode()
    )
    report = WithdrawalReport(contributor)
    report.lake_objects_removed, report.emptied_data_sets = purge_lake(fs, lake_bucket, contributor)
    if warehouse is not None:
        report.silver_rows_removed = purge_silver(warehouse, contributor)
    report.extracts_revoked = revoke_extracts(fs, lake_bucket, local_extracts, contributor)
    entry = AuditLog(fs, lake_bucket).append(
        "withdrawal",
        details={
            "contributor": contributor,
            "reason": reason,
            "lake_objects_removed": report.lake_objects_removed,
            "extracts_revoked": report.extracts_revoked,
            "emptied_data_sets": report.emptied_data_sets,
            "raw_deliveries": "kept (immutable); never landed again",
        },
        row_counts=report.silver_rows_removed,
        now=now,
    )
    report.audit_sequence = entry["sequence"]
    return report


def purge_lake(fs: Any, lake_bucket: str, contributor: str) -> tuple[dict[str, int], list[str]]:
    """Remove the contributor's bronze and quarantine objects and its ledger entries."""
    removed: dict[str, int] = {}
    schemas: dict[str, list[pa.Schema]] = {}
    for layer in ("bronze", "quarantine"):
        found = fs.glob(f"{lake_bucket}/{layer}/*/{contributor}{DELIVERY_SEPARATOR}*/*")
        for key in found:
            data_set = key.lstrip("/").split("/")[2]
            if layer == "bronze" and key.endswith(".parquet"):
                with fs.open(key, "rb") as stream:
                    schemas.setdefault(data_set, []).append(pq.read_schema(stream))
            removed[f"{layer}/{data_set}"] = removed.get(f"{layer}/{data_set}", 0) + 1
        if found:
            fs.rm(found)
    emptied = []
    for data_set in sorted(schemas):
        _drop_from_ledger(fs, lake_bucket, data_set, contributor)
        remaining = fs.glob(f"{lake_bucket}/{lake_layout.bronze_glob(data_set)}")
        if not remaining:
            empty = pa.unify_schemas(schemas[data_set], promote_options="permissive").empty_table()
            with fs.open(
                f"{lake_bucket}/bronze/{data_set}/{EMPTY_BRONZE_FOLDER}/columns.parquet", "wb"
            ) as stream:
                pq.write_table(empty, stream)
            emptied.append(data_set)
    return removed, emptied


def _drop_from_ledger(fs: Any, lake_bucket: str, data_set: str, contributor: str) -> None:
    key = f"{lake_bucket}/{lake_layout.ledger_key(data_set)}"
    if not fs.exists(key):
        return
    ledger = json.loads(fs.cat_file(key))
    kept = {raw: entry for raw, entry in ledger.items() if entry.get("contributor") != contributor}
    if len(kept) != len(ledger):
        fs.pipe_file(key, json.dumps(kept, indent=1, sort_keys=True).encode())


def purge_silver(connection: duckdb.DuckDBPyConnection, contributor: str) -> dict[str, int]:
    """Delete the contributor's rows from every silver table that records a contributor."""
    tables = [
        row[0]
        for row in connection.execute(
            """
            select table_name from information_schema.columns
            where table_catalog = current_database() and table_schema = 'silver'
              and column_name = 'contributor'
            order by table_name
            """
        ).fetchall()
    ]
    removed = {}
    for table in tables:
        (count,) = connection.execute(
            f'delete from silver."{table}" where contributor = ?', [contributor]
        ).fetchone()
        removed[f"silver.{table}"] = count
    return removed


def revoke_extracts(
    fs: Any, lake_bucket: str, local_root: Path | None, contributor: str
) -> list[str]:
    """Delete every extract package, in the lake and locally, that holds the contributor's data."""
    from orchestration.trust.extracts import read_manifests

    revoked = []
    for location, manifest in read_manifests(fs, lake_bucket, local_root):
        if contributor not in manifest.get("contributors", []):
            continue
        if location.startswith("s3://"):
            fs.rm(location.removeprefix("s3://"), recursive=True)
        else:
            shutil.rmtree(location)
        revoked.append(location)
    return sorted(revoked)
