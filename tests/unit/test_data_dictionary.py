"""The data dictionary: one static page describing every table and column that leaves the hub,
built whether or not the warehouse can be read, and never holding the warehouse itself."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import pytest

from orchestration.platform.resources import WarehouseResource
from orchestration.publishing.data_dictionary import (
    DataDictionaryWarning,
    WarehouseUnavailable,
    build_data_dictionary,
    warehouse_relations,
)
from orchestration.trust.analytics import release, write_suppressed_mart
from orchestration.trust.governance import load_governance
from orchestration.trust.suppression import configured_threshold


def embedded(html: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and the catalog that `dbt docs generate --static` writes into the page."""
    decoder = json.JSONDecoder()
    manifest, end = decoder.raw_decode(html, html.index("{manifest:") + len("{manifest:"))
    assert html.startswith(",catalog:", end)
    catalog, _ = decoder.raw_decode(html, end + len(",catalog:"))
    return manifest, catalog


def models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }


def released_columns(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Every table `release` publishes, with its columns: from a run of the trust's own code
    in memory, on empty tables shaped as the project builds them. The dbt gold models take
    their enforced contracts; the Python-written marts come from their intermediate models'
    SQL, suppressed as the asset gold/<mart> does."""
    governance, threshold = load_governance(), configured_threshold()
    by_name = models(manifest)
    gold_models = {name for name, node in by_name.items() if "gold" in node["fqn"]}
    # what exports/published_gold releases (orchestration/trust/assets.py)
    marts = [m for m in governance.marts.values() if m.suppressed_from or m.name in gold_models]
    templates = jinja2.Environment(undefined=jinja2.StrictUndefined)
    connection = duckdb.connect()
    for schema in ("silver", "intermediate", "gold"):
        connection.execute(f"create schema {schema}")

    def create_contracted(schema: str, node: dict[str, Any]) -> None:
        columns = ", ".join(f'"{c["name"]}" {c["data_type"]}' for c in node["columns"].values())
        connection.execute(f'create table {schema}."{node["name"]}" ({columns})')

    for node in by_name.values():
        if "silver" in node["fqn"]:
            create_contracted("silver", node)
    for mart in marts:
        if mart.suppressed_from:
            sql = templates.from_string(by_name[mart.suppressed_from]["raw_code"]).render(
                ref=lambda model: f'silver."{model}"', config=lambda **_: ""
            )
            connection.execute(f'create table intermediate."{mart.suppressed_from}" as {sql}')
            write_suppressed_mart(connection, mart, threshold)
        else:
            create_contracted("gold", by_name[mart.name])
    tables = release(connection, marts, governance.marts, threshold)
    return {name: frame.columns for name, frame in tables.items()}


def described_tables(manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each gold table's entries in the dictionary (gold models and sources in schema gold),
    as {description, columns: {name: description}}."""
    found: dict[str, list[dict[str, Any]]] = {}
    for node in models(manifest).values():
        if "gold" in node["fqn"]:
            columns = {name: c["description"] for name, c in node["columns"].items()}
            columns |= node["config"]["meta"].get("published_only_columns", {})
            found.setdefault(node["name"], []).append(
                {"description": node["description"], "columns": columns}
            )
    for source in manifest["sources"].values():
        if source["schema"] == "gold":
            columns = {name: c["description"] for name, c in source["columns"].items()}
            found.setdefault(source["name"], []).append(
                {"description": source["description"], "columns": columns}
            )
    return found


@pytest.fixture(scope="module")
def without_warehouse(tmp_path_factory) -> tuple[Path, list[warnings.WarningMessage]]:
    folder = tmp_path_factory.mktemp("dictionary")
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        patch.setenv("HUB_WAREHOUSE_PATH", str(folder / "warehouse.duckdb"))
        index = build_data_dictionary(folder / "site")
    return index, caught


def test_every_published_table_and_column_is_described_once(without_warehouse):
    index, _ = without_warehouse
    manifest, _ = embedded(index.read_text())
    released = released_columns(manifest)
    described = described_tables(manifest)
    assert "screenings_by_state_year_totals" in released  # the margins are among them

    problems = []
    for table, columns in sorted(released.items()):
        entries = described.get(table, [])
        if len(entries) != 1:
            problems.append(f"{table}: described {len(entries)} times, expected once")
            continue
        entry = entries[0]
        if not entry["description"].strip():
            problems.append(f"{table}: no description")
        undescribed = [c for c in columns if not entry["columns"].get(c, "").strip()]
        if undescribed:
            problems.append(f"{table}: columns without a description: {undescribed}")
        # a description of a column that is not published has drifted from the code
        if stale := sorted(set(entry["columns"]) - set(columns)):
            problems.append(f"{table}: described but not published: {stale}")
    assert not problems, "\n".join(problems)


def test_without_a_warehouse_the_dictionary_is_built_with_a_warning_and_no_types(
    without_warehouse,
):
    index, caught = without_warehouse
    _, catalog = embedded(index.read_text())
    assert index.name == "index.html"
    assert catalog["nodes"] == {} and catalog["sources"] == {}
    notes = [str(w.message) for w in caught if issubclass(w.category, DataDictionaryWarning)]
    assert len(notes) == 1 and "no column types" in notes[0] and "no warehouse" in notes[0]
    assert not (index.parent.parent / "warehouse.duckdb").exists()  # none was created


def test_column_types_come_from_the_warehouse_which_stays_free(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema gold")
        connection.execute(
            "create table gold.dataset_quality_scores (data_set varchar, quality_score double)"
        )
        connection.execute(
            "create table gold.screenings_by_state_year (state_fips varchar, screenings bigint)"
        )
        connection.execute("create schema staging")
        # a staging view (in a real warehouse it reads the object store; dbt sees typed nulls)
        connection.execute(
            "create view staging.stg_screenings__screenings as "
            "select cast(null as date) as screened_on"
        )
    before = warehouse.read_bytes()
    monkeypatch.setenv("HUB_WAREHOUSE_PATH", str(warehouse))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataDictionaryWarning)
        index = build_data_dictionary(tmp_path / "site")

    _, catalog = embedded(index.read_text())
    scores = catalog["nodes"]["model.trafficking_hub.dataset_quality_scores"]
    assert scores["columns"]["quality_score"]["type"] == "DOUBLE"
    assert scores["metadata"]["type"] == "BASE TABLE"
    staged = catalog["nodes"]["model.trafficking_hub.stg_screenings__screenings"]
    assert staged["metadata"]["type"] == "VIEW"
    assert staged["columns"]["screened_on"]["type"] == "DATE"
    source = catalog["sources"][
        "source.trafficking_hub.published_analytics.screenings_by_state_year"
    ]
    assert source["columns"]["screenings"]["type"] == "BIGINT"
    assert warehouse.read_bytes() == before
    duckdb.connect(str(warehouse)).close()  # not left locked


def test_a_warehouse_locked_by_a_run_is_reported_not_waited_for(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True)"
            "; time.sleep(120)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseUnavailable, match="could not be read"):
            warehouse_relations(WarehouseResource(path=str(warehouse)))
    finally:
        holder.kill()
        holder.wait()
