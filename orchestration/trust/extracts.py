"""Extracts: the gold marts a live agreement allows for a role and purpose, released, packaged.

A package is Parquet files (one per table) plus one DuckDB file holding the same tables, and
`_extract.json` saying what it is: role, purpose, agreement, tables and row counts, the
contributors whose data it derives from (so a withdrawal can revoke it) and its audit entry.
It is written under .hub/extracts/<role>/<purpose>/<timestamp>/ and copied to
lake/extracts/<role>/<purpose>/<timestamp>/. Every extract and every refusal is audited.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from orchestration.trust.analytics import (
    ReleaseError,
    release,
    small_values,
    suppressed_values,
)
from orchestration.trust.audit import AuditLog
from orchestration.trust.governance import AccessRefused, Agreement, Governance, Mart

EXTRACTS_PREFIX = "extracts"
MANIFEST_NAME = "_extract.json"
DATABASE_NAME = "extract.duckdb"


class ExtractError(RuntimeError):
    """The extract cannot be made from what the warehouse holds; nothing was delivered."""


@dataclass(frozen=True)
class ExtractPackage:
    role: str
    purpose: str
    agreement: Agreement
    created_at: datetime
    local_directory: Path
    lake_location: str
    tables: dict[str, int]
    suppressed_cells: dict[str, int]
    contributors: list[str]
    audit_sequence: int


# Writes what goes with a published-tier extract into a folder, from the extract's database.
Companion = Callable[[Path, Path], object]
COMPANION_FOLDER = "explorer"


def make_extract(
    governance: Governance,
    role: str,
    purpose: str,
    warehouse: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    fs: Any,
    lake_bucket: str,
    local_root: Path,
    threshold: int,
    now: datetime | None = None,
    context: dict[str, Any] | None = None,
    companion: Companion | None = None,
) -> ExtractPackage:
    """Make and deliver one extract, or raise AccessRefused (audited) with the reason.

    `warehouse` opens a read-only connection; it is called only once access is granted.
    `companion`, for an extract of the published tier only, writes what goes with the tables
    (the evidence explorer) into its folder, from the extract's own database: it sees
    nothing the package does not hold, and the audit entry covers it.
    """
    now = now or datetime.now(UTC)
    audit = AuditLog(fs, lake_bucket)
    try:
        agreement = governance.agreement_for(role, purpose, now.date())
        marts = governance.marts_allowed(agreement, role)
        if not marts:
            raise AccessRefused(
                f"agreement {agreement.id!r} allows role {role!r} no mart: none of "
                "orchestration/trust/marts.yml is within its tier and data sets"
            )
    except AccessRefused as refusal:
        entry = audit.append(
            "extract_refused",
            role=role,
            purpose=purpose,
            details={"reason": str(refusal), **(context or {})},
            now=now,
        )
        refusal.audit_sequence = entry["sequence"]
        raise
    try:
        with warehouse() as connection:
            tables, suppressed = _extract_tables(
                connection, marts, governance, agreement, threshold
            )
            contributors = _contributors(connection, _data_sets_in(marts, agreement, governance))
    except duckdb.IOException as error:
        raise ExtractError(
            f"the warehouse cannot be opened ({error}); build it with `hub materialize`, or "
            "retry once the run holding it has ended"
        ) from error
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    local_directory = local_root / role / purpose / stamp
    lake_prefix = f"{lake_bucket}/{EXTRACTS_PREFIX}/{role}/{purpose}/{stamp}"
    manifest = {
        "role": role,
        "purpose": purpose,
        "agreement": agreement.id,
        "party": agreement.party,
        "agreement_expires_on": agreement.expires_on.isoformat(),
        "created_at": now.isoformat(),
        "small_cell_threshold": threshold,
        "tables": {name: frame.height for name, frame in tables.items()},
        "suppressed_cells": suppressed,
        "contributors": contributors,
        "note": "Counts from 1 to threshold - 1, and the cells or totals that would reveal them, "
        "are null; <count>_suppressed says which. Use under the agreement named here only.",
    }
    published_only = governance.tier_ceiling(agreement, role) == 0
    if companion is not None and published_only:
        manifest["companion"] = f"{COMPANION_FOLDER}/"
    # The manifest goes first, so an interrupted delivery can still be found and revoked.
    _write_package(
        local_directory,
        fs,
        lake_prefix,
        tables,
        manifest,
        companion if published_only else None,
    )
    entry = audit.append(
        "extract",
        role=role,
        purpose=purpose,
        details={
            "agreement": agreement.id,
            "location": f"s3://{lake_prefix}",
            "contributors": contributors,
            "small_cell_threshold": threshold,
            **(context or {}),
        },
        row_counts=manifest["tables"],
        now=now,
    )
    manifest["audit_sequence"] = entry["sequence"]
    manifest["audit_hash"] = entry["hash"]
    _write_manifest(local_directory, fs, lake_prefix, manifest)
    return ExtractPackage(
        role=role,
        purpose=purpose,
        agreement=agreement,
        created_at=now,
        local_directory=local_directory,
        lake_location=f"s3://{lake_prefix}",
        tables=manifest["tables"],
        suppressed_cells=suppressed,
        contributors=contributors,
        audit_sequence=entry["sequence"],
    )


def read_manifests(
    fs: Any, lake_bucket: str, local_root: Path | None
) -> list[tuple[str, dict[str, Any]]]:
    """(package location, manifest) of every extract package in the lake and under local_root."""
    found = []
    for key in fs.glob(f"{lake_bucket}/{EXTRACTS_PREFIX}/*/*/*/{MANIFEST_NAME}"):
        found.append((f"s3://{key.rsplit('/', 1)[0]}", json.loads(fs.cat_file(key))))
    if local_root is not None and local_root.exists():
        for path in sorted(local_root.glob(f"*/*/*/{MANIFEST_NAME}")):
            found.append((str(path.parent), json.loads(path.read_text())))
    return found


def _extract_tables(
    connection: duckdb.DuckDBPyConnection,
    marts: list[Mart],
    governance: Governance,
    agreement: Agreement,
    threshold: int,
) -> tuple[dict[str, pl.DataFrame], dict[str, int]]:
    try:
        released = release(connection, marts, governance.marts, threshold)
    except ReleaseError as error:
        raise ExtractError(str(error)) from error
    tables: dict[str, pl.DataFrame] = {}
    for mart in marts:
        for name in (mart.name, mart.totals_name):
            if name in released:
                frame = released[name]
                # the agreement's data sets only, once the whole mart is protected: the same
                # figure is published or withheld in every package
                if mart.data_set_column and mart.data_set_column in frame.columns:
                    frame = frame.filter(
                        pl.col(mart.data_set_column).is_in(list(agreement.data_sets))
                    )
                tables[name] = frame
    small = small_values(tables, threshold)
    if small:
        raise ExtractError(
            f"gold tables still hold counts below {threshold} ({small}); nothing was "
            "delivered: rebuild the marts (`hub materialize`) and try again"
        )
    return tables, suppressed_values(tables)


def _data_sets_in(marts: list[Mart], agreement: Agreement, governance: Governance) -> list[str]:
    """The data sets the extract's figures derive from."""
    if any(mart.data_sets is None and not mart.data_set_column for mart in marts):
        return list(governance.data_sets)
    return list(agreement.data_sets)


def _contributors(connection: duckdb.DuckDBPyConnection, data_sets: list[str]) -> list[str]:
    tables = connection.execute(
        """
        select table_name from information_schema.columns
        where table_catalog = current_database() and table_schema = 'silver'
          and column_name in ('data_set', 'contributor')
        group by table_name having count(*) = 2
        order by table_name
        """
    ).fetchall()
    if not tables:
        return []
    union = " union ".join(
        f'select distinct contributor from silver."{name}" where data_set in '
        f"(select unnest(?::varchar[])) and contributor is not null"
        for (name,) in tables
    )
    rows = connection.execute(union, [data_sets] * len(tables)).fetchall()
    return sorted({row[0] for row in rows})


def _write_package(
    directory: Path,
    fs: Any,
    lake_prefix: str,
    tables: dict[str, pl.DataFrame],
    manifest: dict[str, Any],
    companion: Companion | None = None,
) -> None:
    directory.mkdir(parents=True, exist_ok=False)
    _write_manifest(directory, fs, lake_prefix, manifest)
    with duckdb.connect(str(directory / DATABASE_NAME)) as database:
        for name, frame in sorted(tables.items()):
            frame.write_parquet(directory / f"{name}.parquet")
            database.register("incoming", frame.to_arrow())
            database.execute(f'create table "{name}" as select * from incoming')
            database.unregister("incoming")
    if companion is not None:
        companion(directory / DATABASE_NAME, directory / COMPANION_FOLDER)
    # one call, so the object store receives the files side by side rather than one by one
    files = sorted(
        path for path in directory.rglob("*") if path.is_file() and path.name != MANIFEST_NAME
    )
    fs.put(
        [str(path) for path in files],
        [f"{lake_prefix}/{path.relative_to(directory).as_posix()}" for path in files],
    )


def _write_manifest(directory: Path, fs: Any, lake_prefix: str, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True)
    (directory / MANIFEST_NAME).write_text(text)
    fs.pipe_file(f"{lake_prefix}/{MANIFEST_NAME}", text.encode())
