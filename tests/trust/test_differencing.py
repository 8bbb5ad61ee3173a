"""Differencing across what leaves together, on the demo's real marts: every extract package,
and the gold tables in the lake that the analyst role reads.

Each table is suppressed on its own terms, but an outsider holds them all: a figure of one
(a data set's record count, a state's total) minus the published parts of another along a
margin they share gives away the parts withheld there. trust_checks.differencing tries every
pair of tables; the true values it checks a difference against come from the warehouse, which
keeps them exact (intermediate counts, and the dbt gold models before release).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Mapping
from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml
from built_hub import Hub
from trust_checks import Table, differencing, true_totals

from orchestration.trust.governance import (
    TRUST_DIR,
    Governance,
    GovernanceError,
    Mart,
    load_governance,
)
from orchestration.trust.suppression import small_counts, suppressed_flag

THRESHOLD = 11
# integer columns of released tables that count no people or cases (besides the dimensions of
# the cross-tabulations, such as period_year)
NOT_COUNTS = {
    "data_set_count": "data sets feeding a taxonomy cell",
    "gap_rank": "a rank",
    "first_period_year": "the first year a delivery's records cover",
    "last_period_year": "the last year a delivery's records cover",
}


def declaration_of(governance: Governance, table: str) -> tuple[Mart | None, bool]:
    """The mart a published table belongs to, and whether it is that mart's totals."""
    for mart in governance.marts.values():
        if table == mart.name:
            return mart, False
        if mart.suppressed_from and table == mart.totals_name:
            return mart, True
    return None, False


def true_counts(
    connection: duckdb.DuckDBPyConnection, mart: Mart, is_totals: bool, frame: pl.DataFrame
) -> pl.DataFrame:
    """The rows of a published table with the exact value of each count, from the warehouse."""
    if mart.suppressed_from:
        count, keys = mart.counts[0], [*mart.partition_by, *mart.dimensions]
        original = connection.execute(f'from intermediate."{mart.suppressed_from}"').pl()
        if is_totals:
            return true_totals(original, frame, count, mart.dimensions, mart.partition_by)
        return frame.select(keys).join(
            original.select(*keys, count),
            on=keys,
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
    original = connection.execute(f'from gold."{mart.name}"').pl()
    on = [
        column
        for column, kind in frame.schema.items()
        if column in original.columns
        and column not in mart.counts
        and not column.endswith("_suppressed")
        and not kind.is_numeric()
        and not isinstance(kind, pl.List)
    ]
    return frame.select(on).join(
        original.select(*on, *mart.counts), on=on, how="left", maintain_order="left"
    )


def attackable(
    frames: Mapping[str, pl.DataFrame], connection: duckdb.DuckDBPyConnection
) -> dict[str, Table]:
    """Published tables with what marts.yml says of them, and their true counts."""
    governance = load_governance()
    tables = {}
    for name, frame in frames.items():
        mart, is_totals = declaration_of(governance, name)
        if mart is None:
            flagged = [c for c in frame.columns if suppressed_flag(c) in frame.columns]
            tables[name] = Table(frame, counts=tuple(flagged))
            continue
        keys = [mart.data_set_column, *mart.partition_by, *mart.dimensions]
        never_summed = [mart.data_set_column, *mart.partition_by]
        tables[name] = Table(
            frame,
            counts=mart.counts,
            keys=tuple(dict.fromkeys(k for k in keys if k in frame.columns)),
            never_summed=tuple(dict.fromkeys(k for k in never_summed if k in frame.columns)),
            data_sets=mart.data_sets,
            data_set_column=mart.data_set_column,
            truth=true_counts(connection, mart, is_totals, frame) if mart.counts else None,
        )
    return tables


def packages(hub: Hub) -> list[Path]:
    return sorted(path.parent for path in hub.extracts.glob("*/*/*/_extract.json"))


def package_tables(package: Path) -> dict[str, pl.DataFrame]:
    return {path.stem: pl.read_parquet(path) for path in sorted(package.glob("*.parquet"))}


def lake_gold(hub: Hub) -> dict[str, pl.DataFrame]:
    hub.fs.invalidate_cache()
    return {
        key.rsplit("/", 1)[1].removesuffix(".parquet"): pl.read_parquet(
            io.BytesIO(hub.fs.cat_file(key))
        )
        for key in sorted(hub.fs.glob(f"{hub.lake_bucket}/gold/*.parquet"))
    }


def built(hub: Hub) -> Hub:
    assert hub.run.success, [event.message for event in hub.run.all_events if event.is_failure]
    return hub


@pytest.mark.integration
def test_no_extract_gives_away_a_small_count_by_differencing_its_tables(hub):
    found = {}
    with built(hub).connect() as connection:
        for package in packages(hub):
            tables = package_tables(package)
            assert len(tables) >= 5, package
            disclosures = differencing(attackable(tables, connection), THRESHOLD)
            if disclosures:
                found[str(package.relative_to(hub.extracts))] = [str(d) for d in disclosures]
    assert {path.parts[-3] for path in packages(hub)} >= {"analyst", "researcher"}
    assert found == {}


@pytest.mark.integration
def test_the_lake_gold_tables_give_away_no_small_count_by_differencing(hub):
    tables = lake_gold(built(hub))
    assert {"dataset_quality_scores", "cases_by_state_year_type_totals"} <= set(tables)
    with hub.connect() as connection:
        disclosures = differencing(attackable(tables, connection), THRESHOLD)
    assert [str(d) for d in disclosures] == []


@pytest.mark.integration
def test_the_lake_holds_only_declared_gold_tables_with_every_count_protected(hub):
    governance = load_governance()
    declared = {m.name for m in governance.marts.values()}
    declared |= {m.totals_name for m in governance.suppressed_marts}
    dimensions = {d for m in governance.marts.values() for d in (*m.dimensions, *m.partition_by)}
    tables = lake_gold(built(hub))
    assert set(tables) <= declared
    for name, frame in tables.items():
        mart, _ = declaration_of(governance, name)
        for count in mart.counts:
            assert suppressed_flag(count) in frame.columns, (name, count)
        assert small_counts(frame, mart.counts, THRESHOLD) == {}, name
        # a new integer column is a count until declared (counts) or shown here to count none
        known = {*mart.counts, *dimensions, *NOT_COUNTS}
        undeclared = [
            column
            for column, kind in frame.schema.items()
            if kind.is_integer() and column not in known and not column.endswith("_score")
        ]
        assert undeclared == [], name
    scores = tables["dataset_quality_scores"]
    assert scores["record_count_suppressed"].dtype == pl.Boolean


@pytest.mark.integration
def test_the_declared_sums_hold_on_the_demo_data(hub):
    """Each count declared in marts.yml as a sum of a cross-tabulation's cells equals that sum
    in the warehouse (this is what makes withholding it with the total necessary)."""
    governance = load_governance()
    checked = []
    with built(hub).connect() as connection:
        for mart in governance.marts.values():
            figures = connection.execute(f'from gold."{mart.name}"').pl()
            if "as_of_date" in figures.columns:  # the history: today's rows
                figures = figures.filter(pl.col("as_of_date") == pl.col("as_of_date").max())
            for declared_sum in mart.sums_of:
                cross_tab = governance.marts[declared_sum.mart]
                cells = connection.execute(f'from intermediate."{cross_tab.suppressed_from}"').pl()
                totals = (
                    cells.group_by(list(declared_sum.by)).agg(
                        pl.col(cross_tab.counts[0]).sum().alias("_total")
                    )
                    if declared_sum.by
                    else cells.select(pl.col(cross_tab.counts[0]).sum().alias("_total"))
                )
                rows = figures.filter(**dict(declared_sum.where))
                assert rows.height, (mart.name, declared_sum)
                paired = (
                    rows.join(totals, on=list(declared_sum.by), how="left")
                    if declared_sum.by
                    else rows.join(totals, how="cross")
                )
                assert paired[declared_sum.count].to_list() == paired["_total"].to_list(), (
                    mart.name,
                    declared_sum,
                )
                checked.append((mart.name, declared_sum.mart))
    assert ("dataset_quality_scores", "cases_by_state_year_type") in checked
    assert ("dataset_quality_scores", "screenings_by_state_year") in checked


@pytest.mark.integration
def test_a_figure_is_published_or_withheld_alike_in_every_package_and_the_lake(hub):
    # what one package withholds another must not publish: decisions are made once, for all
    lake = lake_gold(built(hub))
    for package in packages(hub):
        for name, frame in package_tables(package).items():
            if "data_set" in frame.columns and name in lake:
                expected = lake[name].filter(pl.col("data_set").is_in(frame["data_set"]))
                assert frame.sort(pl.all()).equals(expected.sort(pl.all())), (package, name)


def test_a_declared_sum_must_name_a_count_and_a_cross_tabulation_and_select_its_data_set(
    tmp_path,
):
    directory = tmp_path / "trust"
    shutil.copytree(TRUST_DIR, directory)
    path = directory / "marts.yml"
    document = yaml.safe_load(path.read_text())
    document["marts"]["dataset_quality_scores"]["sums_of"] = [
        {"count": "records", "mart": "coverage_gaps"},
        {"count": "record_count", "mart": "cases_by_state_year_type", "by": ["county_fips"]},
    ]
    path.write_text(yaml.safe_dump(document, sort_keys=False))

    with pytest.raises(GovernanceError) as raised:
        load_governance(directory)

    problems = [p for p in raised.value.problems if "sums_of" in p]
    assert len(problems) == 4, problems
    assert "'records' is not one of the mart's counts ['record_count']" in problems[0]
    assert "'coverage_gaps' is not a suppressed cross-tabulation" in problems[1]
    assert "field by: must list columns of 'cases_by_state_year_type'" in problems[2]
    assert "describes prosecutions only; select those rows" in problems[3]
