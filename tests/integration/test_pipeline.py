"""The whole hub on a real object store: raw deliveries -> bronze -> silver -> gold.

The session's built hub (tests/built_hub.py: the demo estate with every data set, every
contributor, the deliberate defects and the public excerpts, uploaded to SeaweedFS on loopback
and run through the full_refresh job) read back from the DuckDB warehouse and the lake. Its
one run serves every check, then a second run must change nothing.
"""

from __future__ import annotations

import csv

import duckdb
import pytest
from hub_runs import run_full_refresh
from session_store import HubEnvironment

from infra.demo.manifest import EstateManifest
from orchestration.landing.landing import read_last_landing
from orchestration.landing.quarantine import quarantined_rows
from orchestration.platform.declarations import load_source_specs
from orchestration.platform.resources import open_duckdb
from orchestration.platform.settings import DBT_PROJECT_DIR, REPO_ROOT
from orchestration.platform.settings import ObjectStore as StoreSettings

pytestmark = pytest.mark.integration

SILVER_MODELS = ("person_records", "cases", "indicator_observations", "policies")
# Declared, but the demo ships no delivery (the coded tier table is not public domain).
UNDELIVERED = "tip_tiers"


@pytest.fixture
def hub_env(hub) -> HubEnvironment:
    """The session's built hub (tests/built_hub.py): the demo estate at scale 0.2, every
    delivery uploaded, one full_refresh run."""
    return HubEnvironment(
        hub.home, hub.raw_bucket, hub.lake_bucket, hub.fs, StoreSettings.from_environment()
    )


def bronze_row_counts(hub_env) -> dict[str, int]:
    connection = open_duckdb(":memory:")
    connection.execute(hub_env.store.duckdb_secret_sql())
    return dict(
        connection.execute(
            f"""
            select split_part(filename, '/', 5) as data_set, count(*)
            from read_parquet('s3://{hub_env.lake_bucket}/bronze/*/*/*.parquet',
                              union_by_name = true, filename = true)
            group by all
            """
        ).fetchall()
    )


def gold_snapshot(hub_env) -> dict[str, list]:
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        return {
            table: connection.execute(
                f"select * exclude (as_of_date) from gold.{table} order by all"
                if table == "dataset_quality_scores"
                else f"select * from gold.{table} order by all"
            ).fetchall()
            for table in (
                "dataset_quality_scores",
                "taxonomy_cell_scores",
                "taxonomy_dimension_scores",
                "coverage_gaps",
            )
        }


def cells_fed_by(data_sets: set[str]) -> set[str]:
    with (REPO_ROOT / "taxonomy_seeds" / "indicator_cell_map.csv").open() as seed:
        return {row["cell_id"] for row in csv.DictReader(seed) if row["data_set"] in data_sets}


def silver_rows(connection, column: str) -> dict[str, int]:
    """Rows of every silver model, by `column` (data set or contributor)."""
    counts: dict[str, int] = {}
    for model in SILVER_MODELS:
        for value, rows in connection.execute(
            f"select {column}, count(*) from silver.{model} group by all"
        ).fetchall():
            counts[value] = counts.get(value, 0) + rows
    return counts


def landing_outcomes(hub_env, data_set: str) -> dict[str, dict]:
    """The latest landing's outcome of every raw object of a data set, by raw key."""
    report = read_last_landing(hub_env.fs, hub_env.lake_bucket, data_set)
    return {outcome["raw_key"]: outcome for outcome in report["outcomes"]}


def check_every_delivery_lands_whole(hub_env, manifest: EstateManifest) -> None:
    """Each synthetic delivery's rows are in bronze or in quarantine; none is lost or failed."""
    for delivery in manifest.deliveries:
        outcome = landing_outcomes(hub_env, delivery.source)[f"{hub_env.raw_bucket}/{delivery.key}"]
        assert outcome["status"] in ("landed", "unchanged"), (delivery.key, outcome["error"])
        if not delivery.synthetic:
            continue
        # a truncated file's manifest counts its complete records; the cut one is quarantined
        cut = delivery.defect is not None and delivery.defect.kind == "truncated"
        assert outcome["rows"] + outcome["rejected"] == delivery.rows + cut, delivery.key


def check_every_data_set_reaches_silver_and_gold(hub_env, manifest: EstateManifest) -> None:
    delivered = set(manifest.sources)
    specs = load_source_specs(DBT_PROJECT_DIR)
    # a data set declared `demo: false` has no demo delivery; every other one has
    assert {spec.name for spec in specs if spec.demo} == delivered
    assert {spec.name for spec in specs if not spec.demo} == {UNDELIVERED}
    assert set(bronze_row_counts(hub_env)) == delivered
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        assert set(silver_rows(connection, "data_set")) == delivered
        assert set(silver_rows(connection, "contributor")) == {
            delivery.contributor for delivery in manifest.deliveries
        }
        scored = {
            row[0]
            for row in connection.execute(
                "select data_set from gold.dataset_quality_scores where record_count > 0"
            ).fetchall()
        }
        assert scored == delivered
        # the demo's codes are all known to the code-map seeds
        unmapped = connection.execute(
            """
            select data_set, count(*) from (
                select data_set, [sex, race_ethnicity, nationality, trafficking_type, outcome]
                    as codes from silver.person_records
                union all
                select data_set, [defendant_sex, defendant_race_ethnicity, trafficking_type]
                    from silver.cases
                union all
                select data_set, [indicator] from silver.indicator_observations
                union all
                select data_set, [policy_code, category] from silver.policies
            )
            where list_contains(codes, 'unmapped')
            group by all
            """
        ).fetchall()
        assert unmapped == []


def check_a_data_set_without_deliveries_is_empty_and_unscored(hub_env) -> None:
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        scored = connection.execute(
            "select count(*) from gold.dataset_quality_scores where data_set = ?", [UNDELIVERED]
        ).fetchone()[0]
        in_silver = connection.execute(
            "select count(*) from silver.indicator_observations where data_set = ?", [UNDELIVERED]
        ).fetchone()[0]
    assert (scored, in_silver) == (0, 0)
    # staging views read the lake, so the warehouse is opened with the lake's credentials
    connection = open_duckdb(":memory:")
    connection.execute(hub_env.store.duckdb_secret_sql())
    connection.execute(f"attach '{hub_env.warehouse_path}' as warehouse (read_only)")
    staged = connection.execute(
        "select count(*) from warehouse.staging.stg_tip_tiers__tier_placements"
    ).fetchone()[0]
    connection.close()
    assert staged == 0


def check_the_defective_deliveries_are_quarantined(hub_env, manifest: EstateManifest) -> None:
    """Bad dates and a ragged row are quarantined with their reason; a file cut off mid-record
    lands its complete records and quarantines the partial one."""
    reasons = {
        "bad_dates": "is not a date in format %Y-%m-%d",
        "ragged_row": "fields, expected",
        "truncated": "the file was cut short",
    }
    defective = [delivery for delivery in manifest.deliveries if delivery.defect]
    assert {delivery.defect.kind for delivery in defective} == set(reasons)
    connection = open_duckdb(":memory:")
    for delivery in defective:
        raw_key = f"{hub_env.raw_bucket}/{delivery.key}"
        rows = [
            row
            for row in quarantined_rows(
                connection, hub_env.store, hub_env.lake_bucket, delivery.source
            )
            if row[0] == raw_key
        ]
        assert {line for _, line, _, _ in rows} == set(delivery.defect.lines), delivery.key
        assert all(reasons[delivery.defect.kind] in reason for _, _, reason, _ in rows), rows


def check_the_public_excerpts_land(hub_env) -> None:
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        texas_2017 = connection.execute(
            """
            select indicator, observed_value from silver.indicator_observations
            where data_set = 'fbi_ht_state_tables' and state_fips = '48' and period_year = 2017
              and unit = 'offenses' and slice_value = 'all'
            order by indicator
            """
        ).fetchall()
        agencies = connection.execute(
            "select count(distinct reporting_unit) from silver.indicator_observations "
            "where data_set = 'fbi_ht_agency'"
        ).fetchone()[0]
        countries = connection.execute(
            "select list(distinct country_iso3 order by country_iso3) "
            "from silver.indicator_observations where data_set = 'ilab_goods'"
        ).fetchone()[0]
    # the published table: 193 commercial sex acts and 119 involuntary servitude offenses
    assert texas_2017 == [("64A", 193.0), ("64B", 119.0)]
    assert agencies > 20
    assert countries == ["BRA", "CHN", "DOM", "KHM", "MMR", "PAK", "SLV", "UKR"]


def check_no_identifier_reaches_silver(hub_env, manifest: EstateManifest) -> None:
    """No name, phone, email or case number written in the estate appears in a silver text
    column: identifiers are pseudonymized in staging."""
    identifiers = sorted(
        {value.lower() for values in manifest.identifiers.values() for value in values}
    )
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        connection.execute("create temp table identifiers (value varchar)")
        connection.executemany("insert into identifiers values (?)", [[v] for v in identifiers])
        for model in SILVER_MODELS:
            text_columns = [
                name
                for name, kind in connection.execute(
                    f"select column_name, data_type from information_schema.columns "
                    f"where table_schema = 'silver' and table_name = '{model}'"
                ).fetchall()
                if kind == "VARCHAR"
            ]
            matches = " or ".join(
                f"lower({column}) in (select value from identifiers)" for column in text_columns
            )
            leaked = connection.execute(
                f"select count(*) from silver.{model} where {matches}"
            ).fetchone()[0]
            assert leaked == 0, model


def test_the_hub_runs_end_to_end_and_a_second_run_changes_nothing(hub, hub_env):
    manifest = hub.manifest
    assert manifest.deliveries, "the demo generator produced no deliveries"
    first = hub.run
    assert first.success, [e.message for e in first.all_events if e.is_failure]
    # the full refresh runs the models' unit tests too (a delivery's run leaves them out)
    unit_tests = [r for r in hub.dbt_results if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= 9 and {r["status"] for r in unit_tests} == {"pass"}

    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        cells = dict(
            connection.execute(
                "select cell_id, cell_score from gold.taxonomy_cell_scores"
            ).fetchall()
        )
        scored = {
            row[0] for row in connection.execute("from gold.dataset_quality_scores").fetchall()
        }
        fed = {
            row[0]
            for row in connection.execute(
                "select distinct cell_id from intermediate.int_data_set_cells"
            ).fetchall()
        }
        overall = connection.execute(
            "select average_score from gold.taxonomy_dimension_scores where dimension = 'overall'"
        ).fetchone()[0]
    assert len(cells) == 27
    # every cell some record maps to scores above 0, every other cell 0, and only the
    # mapping seed's rules for these data sets can feed a cell
    assert fed <= cells_fed_by(scored)
    assert {
        "prevention.supply.individual",
        "protection.supply.community",
        "prosecution.distribution.system",
    } <= fed
    assert {cell for cell, score in cells.items() if score > 0} == fed
    assert all(cells[cell] == 0 for cell in set(cells) - fed)
    assert overall == pytest.approx(sum(cells.values()) / 27, abs=0.01)

    check_every_delivery_lands_whole(hub_env, manifest)
    check_every_data_set_reaches_silver_and_gold(hub_env, manifest)
    check_a_data_set_without_deliveries_is_empty_and_unscored(hub_env)
    check_the_defective_deliveries_are_quarantined(hub_env, manifest)
    check_the_public_excerpts_land(hub_env)
    check_no_identifier_reaches_silver(hub_env, manifest)

    bronze_before = bronze_row_counts(hub_env)
    gold_before = gold_snapshot(hub_env)
    exported = hub_env.fs.find(f"{hub_env.lake_bucket}/gold/")
    assert any(key.endswith("taxonomy_cell_scores.parquet") for key in exported)

    second = run_full_refresh()
    assert second.success
    assert bronze_row_counts(hub_env) == bronze_before
    assert gold_snapshot(hub_env) == gold_before
