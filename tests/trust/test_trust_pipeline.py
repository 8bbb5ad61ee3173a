"""The data trust on a full run: the demo estate on a real SeaweedFS, through Dagster and dbt.

One full_refresh run for the session (trust_checks.built_hub, shared with test_differencing.py).
The tests read what it left behind; the withdrawal comes last because it changes the lake and
the warehouse.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from built_hub import Hub, materialize
from trust_checks import hidden_rows, published_equations, recoverable

from infra.demo.manifest import EstateManifest
from orchestration import cli
from orchestration.publishing.explorer.slugs import data_set_page
from orchestration.trust.audit import AuditLog
from orchestration.trust.governance import load_governance
from orchestration.trust.suppression import small_counts, suppress, suppressed_flag

pytestmark = pytest.mark.integration

THRESHOLD = 11
WITHDRAWN = "nhth"


def failures(run: dg.ExecuteInProcessResult) -> list[str]:
    return [event.message for event in run.all_events if event.is_failure]


def packages(hub: Hub) -> list[Path]:
    return sorted(path.parent for path in hub.extracts.glob("*/*/*/_extract.json"))


def test_the_run_builds_the_suppressed_marts_and_the_approved_extracts(hub):
    assert hub.run.success, failures(hub.run)
    governance = load_governance()
    with hub.connect() as connection:
        tables = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'gold'"
            ).fetchall()
        }
    for mart in governance.suppressed_marts:
        assert {mart.name, mart.totals_name} <= tables
        assert hub.fs.exists(f"{hub.lake_bucket}/gold/{mart.name}.parquet")
    made = {(path.parts[-3], path.parts[-2]) for path in packages(hub)}
    assert ("researcher", "prevalence_research") in made
    assert ("public_reporter", "public_reporting") in made
    assert ("program_officer", "program_evaluation") not in made  # its agreement has expired


def test_only_a_published_tier_extract_carries_the_explorer_of_what_it_holds(hub):
    governance = load_governance()
    carried = {}
    for package in packages(hub):
        manifest = json.loads((package / "_extract.json").read_text())
        carried[manifest["role"]] = (package / "explorer" / "index.html").exists()
        if manifest["role"] != "public_reporter":
            continue
        agreement = governance.agreements[manifest["agreement"]]
        site = package / "explorer"
        pages = {
            path.relative_to(site).as_posix()
            for path in (site / "data-sets").glob("*.html")
            if path.name != "index.html"
        }
        # a page per data set the extract holds, none for the others
        assert pages and pages <= {data_set_page(name) for name in agreement.data_sets}
        lake = hub.fs.glob(
            f"{hub.lake_bucket}/extracts/public_reporter/public_reporting/*/explorer/index.html"
        )
        assert lake, "the lake holds the package's explorer too"
        assert manifest["companion"] == "explorer/"
        # every count on its pages is 0 or above the small-cell threshold
        for page in site.rglob("*.html"):
            text = page.read_text()
            assert not re.search(r'data-count="([1-9]|10)"', text), page
    assert carried["public_reporter"] is True
    assert carried["researcher"] is False  # an aggregate-tier extract: no public site from it


def identifier_patterns(manifest: EstateManifest) -> tuple[set[str], list[str]]:
    """Exact values to look for, and longer ones to look for inside any text too."""
    exact = {value.lower() for values in manifest.identifiers.values() for value in values}
    inside = [
        value.lower()
        for kind in ("full_name", "email", "phone", "case_number", "date_of_birth")
        for value in manifest.identifiers.get(kind, [])
    ]
    return exact, inside


def flat(values: list) -> list:
    """Values of a column, with the items of list columns (taxonomy cells, data sets)."""
    return [v for value in values for v in (flat(value) if isinstance(value, list) else [value])]


def leaks_in(frame: pl.DataFrame, exact: set[str], inside: list[str]) -> set[str]:
    found = set()
    for column in frame.columns:
        values = {str(v).lower() for v in flat(frame[column].to_list()) if v is not None}
        found |= values & exact
        for value in values:
            found |= {identifier for identifier in inside if identifier in value}
    return found


def test_no_synthetic_identifier_appears_in_silver_gold_or_any_extract(hub):
    exact, inside = identifier_patterns(hub.manifest)
    assert len(exact) > 100, "the estate should carry fake identifiers to look for"
    leaks: dict[str, set[str]] = {}
    with hub.connect() as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('silver', 'gold')"
        ).fetchall()
        assert len(tables) >= 10
        for schema, table in tables:
            frame = connection.execute(f'select * from {schema}."{table}"').pl()
            if found := leaks_in(frame, exact, inside):
                leaks[f"{schema}.{table}"] = found
    for package in packages(hub):
        for parquet in package.glob("*.parquet"):
            if found := leaks_in(pl.read_parquet(parquet), exact, inside):
                leaks[str(parquet)] = found
        with duckdb.connect(str(package / "extract.duckdb"), read_only=True) as database:
            for (table,) in database.execute("show tables").fetchall():
                if found := leaks_in(database.execute(f'from "{table}"').pl(), exact, inside):
                    leaks[f"{package}/extract.duckdb:{table}"] = found
    assert leaks == {}


def test_no_small_count_in_gold_analytic_marts_and_none_recoverable_from_their_totals(hub):
    governance = load_governance()
    with hub.connect() as connection:
        for mart in governance.suppressed_marts:
            cells = connection.execute(f"from gold.{mart.name} order by all").pl()
            totals = connection.execute(f"from gold.{mart.totals_name}").pl()
            assert small_counts(cells, mart.counts, THRESHOLD) == {}, mart.name
            assert small_counts(totals, mart.counts, THRESHOLD) == {}, mart.name
            original = connection.execute(
                f"from intermediate.{mart.suppressed_from} order by all"
            ).pl()
            count = mart.counts[0]
            keys = [*mart.partition_by, *mart.dimensions]
            aligned = original.join(
                cells.select(*keys, suppressed_flag(count)), on=keys, nulls_equal=True
            )
            assert aligned.height == cells.height == original.height
            primary = [i for i, n in enumerate(aligned[count].to_list()) if 0 < n < THRESHOLD]
            unknown = hidden_rows(aligned, count)
            assert set(primary) <= set(unknown)
            equations = published_equations(aligned, totals, mart.dimensions, mart.partition_by)
            for row in primary:
                assert not recoverable(unknown, equations, [row]), (mart.name, aligned.row(row))


def test_extracts_hold_only_allowed_marts_and_no_small_count(hub):
    governance = load_governance()
    assert packages(hub)
    for package in packages(hub):
        manifest = json.loads((package / "_extract.json").read_text())
        agreement = governance.agreements[manifest["agreement"]]
        allowed = {m.name for m in governance.marts_allowed(agreement, manifest["role"])}
        allowed |= {f"{name}_totals" for name in allowed}
        held = {path.stem for path in package.glob("*.parquet")}
        assert held == set(manifest["tables"]) and held <= allowed
        for parquet in package.glob("*.parquet"):
            frame = pl.read_parquet(parquet)
            counts = [c for c in frame.columns if suppressed_flag(c) in frame.columns]
            assert small_counts(frame, counts, THRESHOLD) == {}, parquet
            if "data_set" in frame.columns:
                assert set(frame["data_set"].drop_nulls()) <= set(agreement.data_sets), parquet
        if manifest["role"] == "public_reporter":
            assert "screenings_by_state_year" not in held
        scores = pl.read_parquet(package / "dataset_quality_scores.parquet")
        assert small_counts(scores, ["record_count"], THRESHOLD) == {}
        assert "record_count_suppressed" in scores.columns
        assert manifest["contributors"], "an extract names the contributors it derives from"


def test_hub_extract_delivers_under_a_live_agreement(hub, capsys):
    code = cli.main(["extract", "--role", "researcher", "--purpose", "gap_analysis"])
    output = capsys.readouterr().out
    assert code == 0, output
    assert "under agreement dua-2025-gulf-research" in output
    assert re.search(r"audit entry #\d+", output)
    hub.fs.invalidate_cache()
    delivered = hub.fs.glob(f"{hub.lake_bucket}/extracts/researcher/gap_analysis/*/_extract.json")
    assert delivered
    for manifest in delivered:
        # the lake holds the whole package: every file written locally, tables and database
        lake_package = manifest.rsplit("/", 1)[0]
        local_package = hub.extracts / "researcher" / "gap_analysis" / lake_package.rsplit("/")[-1]
        assert sorted(key.rsplit("/", 1)[1] for key in hub.fs.ls(lake_package)) == sorted(
            path.name for path in local_package.iterdir()
        )
    with duckdb.connect(str(packages(hub)[0] / "extract.duckdb"), read_only=True) as database:
        assert database.execute("from screenings_by_state_year limit 1").fetchall() is not None


def test_an_extract_that_cannot_be_made_fails_the_step_after_the_others_are_delivered(
    hub, tmp_path, monkeypatch
):
    from orchestration.definitions import defs

    graph = defs().resolve_asset_graph()
    extracts = sorted(key for key in graph.get_all_asset_keys() if key.path[0] == "extracts")
    marts = {key: graph.get(key).parent_keys for key in extracts}
    # a gold mart some extracts read and others do not
    missing = next(
        mart
        for mart in sorted(set().union(*marts.values()))
        if not all(mart in m for m in marts.values())
    )
    broken = {key for key in extracts if missing in marts[key]}
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(hub.warehouse.read_bytes())
    with duckdb.connect(str(warehouse)) as connection:
        (kind,) = connection.execute(
            "select table_type from information_schema.tables "
            "where table_schema = 'gold' and table_name = ?",
            [missing.path[-1]],
        ).fetchone()
        connection.execute(
            f'drop {"view" if kind == "VIEW" else "table"} gold."{missing.path[-1]}"'
        )
    monkeypatch.setenv("HUB_WAREHOUSE_PATH", str(warehouse))

    run = materialize(dg.AssetSelection.groups("extracts"))

    assert not run.success
    made = {event.asset_key for event in run.get_asset_materialization_events()}
    assert made == set(extracts) - broken
    (failure,) = [event.step_failure_data for event in run.all_events if event.is_step_failure]
    message = failure.user_failure_data.description
    for key in broken:
        assert f"{key.path[1]}/{key.path[2]}: gold.{missing.path[-1]} is not in the warehouse" in (
            message
        )


@pytest.mark.parametrize(
    ("role", "purpose", "reason"),
    [
        (
            "program_officer",
            "program_evaluation",
            "'dua-2023-program-review' expired on 2024-06-30",
        ),
        ("researcher", "public_reporting", "no agreement in orchestration/trust/agreements.yml"),
        ("journalist", "public_reporting", "role 'journalist' is not declared"),
    ],
    ids=["expired", "wrong purpose", "missing"],
)
def test_hub_extract_refuses_with_the_reason_and_audits_it(hub, capsys, role, purpose, reason):
    before = {path for path in packages(hub)}
    code = cli.main(["extract", "--role", role, "--purpose", purpose])
    output = " ".join(capsys.readouterr().out.split())
    assert code == 2
    assert "refused:" in output and reason in output
    assert {path for path in packages(hub)} == before
    _, last = AuditLog(hub.fs, hub.lake_bucket).entries()[-1]
    entry = json.loads(last)
    assert (entry["action"], entry["role"], entry["purpose"]) == (
        "extract_refused",
        role,
        purpose,
    )
    assert reason in " ".join(entry["details"]["reason"].split())
    assert entry["actor"] == "trust-test"


def test_hub_audit_verify_names_an_edited_line_in_the_lake(hub, capsys):
    assert cli.main(["audit", "verify"]) == 0
    assert "audit log intact" in capsys.readouterr().out
    log = AuditLog(hub.fs, hub.lake_bucket)
    key, original = log.entries()[1]
    edited = json.loads(original)
    edited["row_counts"] = {name: 0 for name in edited["row_counts"]} or {"forged": 1}
    hub.fs.pipe_file(key, (json.dumps(edited, sort_keys=True) + "\n").encode())
    try:
        assert cli.main(["audit", "verify"]) == 1
        output = capsys.readouterr().out
        assert "audit log broken at entry #2" in output
        assert "changed after it was written" in output
    finally:
        hub.fs.pipe_file(key, original.encode())
    assert log.verify().intact


def test_suppressing_a_suppressed_mart_again_changes_nothing(hub):
    # Extracts apply suppression again to what gold holds; it must not hide more there.
    with hub.connect() as connection:
        for mart in load_governance().suppressed_marts:
            cells = connection.execute(f"from gold.{mart.name} order by all").pl()
            again = suppress(
                cells,
                mart.counts[0],
                dimensions=mart.dimensions,
                partition_by=mart.partition_by,
                threshold=THRESHOLD,
            )
            assert again.cells.equals(cells), mart.name


def silver_rows_of(connection: duckdb.DuckDBPyConnection, contributor: str) -> dict[str, int]:
    tables = connection.execute(
        "select table_name from information_schema.columns "
        "where table_schema = 'silver' and column_name = 'contributor'"
    ).fetchall()
    return {
        table: connection.execute(
            f'select count(*) from silver."{table}" where contributor = ?', [contributor]
        ).fetchone()[0]
        for (table,) in tables
    }


def hotline_records(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute(
        "select record_count from gold.dataset_quality_scores where data_set = 'hotline'"
    ).fetchone()
    return row[0] if row else 0


def lake_keys_of(hub: Hub, contributor: str) -> list[str]:
    hub.fs.invalidate_cache()
    return [key for key in hub.fs.find(hub.lake_bucket) if f"/{contributor}__" in key]


def test_a_withdrawal_leaves_no_row_of_the_contributor_and_the_next_run_recomputes(hub, capsys):
    with hub.connect() as connection:
        before = silver_rows_of(connection, WITHDRAWN)
        records_before = hotline_records(connection)
    assert sum(before.values()) > 0 and lake_keys_of(hub, WITHDRAWN)
    holding = [
        path
        for path in packages(hub)
        if WITHDRAWN in json.loads((path / "_extract.json").read_text())["contributors"]
    ]
    assert holding

    code = cli.main(["withdraw", "--contributor", WITHDRAWN, "--reason", "agreement ended"])
    output = capsys.readouterr().out
    assert code == 0, output
    assert f"contributor {WITHDRAWN} withdrawn" in output

    assert lake_keys_of(hub, WITHDRAWN) == []
    assert hub.fs.glob(f"{hub.raw_bucket}/hotline/{WITHDRAWN}__*/*"), "raw stays as delivered"
    with hub.connect() as connection:
        assert set(silver_rows_of(connection, WITHDRAWN).values()) == {0}
    assert not any(path.exists() for path in holding)
    for _, manifest in _lake_manifests(hub):
        assert WITHDRAWN not in manifest["contributors"]

    rerun = materialize(
        dg.AssetSelection.assets(["bronze", "hotline"]).downstream()
        | dg.AssetSelection.groups("extracts")
    )
    assert rerun.success, failures(rerun)
    assert lake_keys_of(hub, WITHDRAWN) == []
    with hub.connect() as connection:
        assert set(silver_rows_of(connection, WITHDRAWN).values()) == {0}
        assert hotline_records(connection) < records_before
    for path in packages(hub):
        assert WITHDRAWN not in json.loads((path / "_extract.json").read_text())["contributors"]
    withdrawals = [
        json.loads(text)
        for _, text in AuditLog(hub.fs, hub.lake_bucket).entries()
        if json.loads(text)["action"] == "withdrawal"
    ]
    assert withdrawals[-1]["details"]["contributor"] == WITHDRAWN
    assert AuditLog(hub.fs, hub.lake_bucket).verify().intact


def _lake_manifests(hub: Hub) -> list[tuple[str, dict]]:
    hub.fs.invalidate_cache()
    return [
        (key, json.loads(hub.fs.cat_file(key)))
        for key in hub.fs.glob(f"{hub.lake_bucket}/extracts/*/*/*/_extract.json")
    ]
