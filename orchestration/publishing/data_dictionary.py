"""The data dictionary of the published gold: dbt's documentation site as one static page.

`build_data_dictionary` runs `dbt docs generate --static`, which writes the manifest (every
model's and source's description) and the catalog (column types) into one self-contained HTML
file. The gold tables that Python writes are declared as the dbt source published_analytics
(dbt_project/models/gold/analytics/), so the page describes every table that leaves the hub.

dbt never opens the warehouse itself: a DuckDB file admits one writer or several readers, and
a documentation build holding it would stop a run from starting. The column types are read
instead in one brief read-only attach and copied into an empty replica (the tables and views
with their columns, no rows), which dbt reads. Without a warehouse, or with one locked by a
running run, the page has an empty catalog: every description, no column types, and a
DataDictionaryWarning saying so.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import warnings
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.platform.pseudonyms import KEY_VARIABLE as PSEUDONYM_KEY_VARIABLE
from orchestration.platform.resources import (
    ENCRYPTION_KEY_VARIABLE,
    LakeResource,
    WarehouseResource,
    dbt_environment,
)
from orchestration.platform.settings import DBT_PROJECT_DIR, development_defaults
from orchestration.platform.sql_quoting import identifier

# Generating documentation reads no object store: dbt gets placeholder keys, never the
# pipeline's.
NO_OBJECT_STORE = "docs-read-no-object-store"


class DataDictionaryError(RuntimeError):
    """dbt could not build the documentation; the message holds the end of its output."""


class DataDictionaryWarning(UserWarning):
    """The dictionary was built without column types; the message says why."""


class WarehouseUnavailable(Exception):
    """The warehouse could not be read: missing, or locked by a running run."""


@dataclass(frozen=True)
class Relation:
    """A table or view of the warehouse, with its columns (name, DuckDB type) in order."""

    schema: str
    name: str
    is_view: bool
    columns: tuple[tuple[str, str], ...]


def build_data_dictionary(out_dir: Path) -> Path:
    """Build the data dictionary into `out_dir`/index.html and return that path.

    Every variable profiles.yml needs is set here, from the environment where it is set and
    from the development defaults where not (HUB_WAREHOUSE_PATH, HUB_LAKE_BUCKET). Warns with
    a DataDictionaryWarning when the warehouse gives no column types (missing, or locked by
    a run); raises DataDictionaryError when dbt fails (e.g. on a YAML error it names).
    """
    warehouse = _warehouse_from_environment()
    with tempfile.TemporaryDirectory(prefix="hub-data-dictionary-") as folder:
        target = Path(folder)
        replica = target / "warehouse.duckdb"
        try:
            write_schema_replica(warehouse_relations(warehouse), replica)
            catalog_arguments = []
        except WarehouseUnavailable as reason:
            warnings.warn(
                f"the data dictionary has no column types: {reason}. Every description is "
                "there; build it again when the warehouse can be read to add the types",
                DataDictionaryWarning,
                stacklevel=2,
            )
            catalog_arguments = ["--empty-catalog"]
        env = _dbt_process_environment(target, replica)
        # dbt 1.11 writes no manifest.json under --no-compile, and --static reads it from the
        # target: `dbt parse` writes it, and its partial parse makes the second parse quick.
        _run_dbt(["parse"], env)
        # no compiling: it reads the object store (staging's bronze macro lists deliveries)
        _run_dbt(["docs", "generate", "--static", "--no-compile", *catalog_arguments], env)
        out_dir.mkdir(parents=True, exist_ok=True)
        index = out_dir / "index.html"
        # written whole under a private name, then moved: a server never sends half a page
        partial = out_dir / f".index.html.{os.getpid()}"
        shutil.copyfile(target / "static_index.html", partial)
        os.replace(partial, index)
    return index


def warehouse_relations(warehouse: WarehouseResource) -> list[Relation]:
    """Every table and view of the warehouse with its columns, read-only and at once.

    Raises WarehouseUnavailable when the file is missing or cannot be opened (a run writing
    to it holds it exclusively).
    """
    if not Path(warehouse.path).exists():
        raise WarehouseUnavailable(
            f"there is no warehouse at {warehouse.path} yet (`hub materialize` builds it)"
        )
    try:
        with warehouse.connect(read_only=True) as connection:
            rows = connection.execute(
                """
                select
                    columns.schema_name,
                    columns.table_name,
                    views.view_name is not null,
                    columns.column_name,
                    columns.data_type
                from duckdb_columns() as columns
                left join duckdb_views() as views
                    on views.database_name = columns.database_name
                    and views.schema_name = columns.schema_name
                    and views.view_name = columns.table_name
                where columns.database_name = current_database() and not columns.internal
                order by columns.schema_name, columns.table_name, columns.column_index
                """
            ).fetchall()
    except duckdb.Error as error:
        raise WarehouseUnavailable(
            f"the warehouse {warehouse.path} could not be read, most likely because a run is "
            f"writing to it ({error})"
        ) from error
    relations: dict[tuple[str, str], Relation] = {}
    for schema, name, is_view, column, data_type in rows:
        known = relations.get((schema, name), Relation(schema, name, is_view, ()))
        relations[(schema, name)] = Relation(
            schema, name, is_view, (*known.columns, (column, data_type))
        )
    return list(relations.values())


def write_schema_replica(relations: list[Relation], path: Path) -> None:
    """Create `relations` in a new DuckDB file at `path`, without rows: what dbt's catalog
    query reads (tables and views, their columns and types), and nothing else."""
    with closing(duckdb.connect(str(path))) as connection:
        for schema in sorted({relation.schema for relation in relations}):
            connection.execute(f"create schema if not exists {identifier(schema)}")
        for relation in relations:
            name = f"{identifier(relation.schema)}.{identifier(relation.name)}"
            if relation.is_view:
                # a view of typed nulls: the real one may read the object store
                nulls = ", ".join(
                    f"cast(null as {data_type}) as {identifier(column)}"
                    for column, data_type in relation.columns
                )
                connection.execute(f"create view {name} as select {nulls}")
            else:
                columns = ", ".join(
                    f"{identifier(column)} {data_type}" for column, data_type in relation.columns
                )
                connection.execute(f"create table {name} ({columns})")


def _warehouse_from_environment() -> WarehouseResource:
    defaults = development_defaults(_home())
    return WarehouseResource(
        path=os.environ.get("HUB_WAREHOUSE_PATH") or defaults["HUB_WAREHOUSE_PATH"],
        encryption_key=os.environ.get(ENCRYPTION_KEY_VARIABLE, ""),
    )


def _home() -> Path | None:
    home = os.environ.get("HUB_HOME")
    return Path(home) if home else None


def _dbt_process_environment(target: Path, replica: Path) -> dict[str, str]:
    lake = LakeResource(
        access_key_id=NO_OBJECT_STORE,
        secret_access_key=NO_OBJECT_STORE,
        lake_bucket=os.environ.get("HUB_LAKE_BUCKET")
        or development_defaults(_home())["HUB_LAKE_BUCKET"],
    )
    return {
        **os.environ,
        **dbt_environment(lake),
        "HUB_WAREHOUSE_PATH": str(replica),
        # the replica is neither encrypted nor holding data
        ENCRYPTION_KEY_VARIABLE: "",
        # The pseudonym plugin wants a key in every dbt connection; documentation
        # pseudonymizes nothing, so it gets a throwaway one rather than the hub's.
        PSEUDONYM_KEY_VARIABLE: secrets.token_hex(32),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target / "logs"),
    }


def _run_dbt(arguments: list[str], env: dict[str, str]) -> None:
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    command = [str(Path(sys.executable).parent / "dbt"), *arguments, *project]
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-30:])
        raise DataDictionaryError(
            f"`dbt {' '.join(arguments)}` failed (exit {completed.returncode}), so no data "
            f"dictionary was written; fix what dbt names below and build it again:\n{tail}"
        )
