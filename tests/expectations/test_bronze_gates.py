"""The bronze suites and models of the foundation sources, on valid and on crafted bad data."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from expectations import registry
from expectations.gx_duckdb import validate_relation
from expectations.pandera_gate import validate_frame

SOURCES = ["screenings", "hotline", "prosecutions"]


def gx_gate(frame: pl.DataFrame, source: str, parquet_view):
    return validate_relation(
        ":memory:", "bronze", registry.suite_for("bronze", source), setup_sql=parquet_view(frame)
    )


def pandera_gate(frame: pl.DataFrame, source: str):
    return validate_frame(frame.lazy(), registry.pandera_model_for("bronze", source))


def failed(result) -> dict[tuple[str, ...], int | None]:
    """Each failed expectation or check, by type and columns (or description), with its count."""
    return {
        (item.expectation_type, *(item.columns or [item.description or ""])): item.unexpected_count
        for item in result.failures
    }


def replaced(frame: pl.DataFrame, row: int, **values: object) -> pl.DataFrame:
    at_row = pl.int_range(pl.len()) == row
    return frame.with_columns(
        pl.when(at_row)
        .then(pl.lit(value, frame.schema[column]))
        .otherwise(pl.col(column))
        .alias(column)
        for column, value in values.items()
    )


@pytest.mark.parametrize("source", SOURCES)
def test_a_valid_delivery_passes_both_gates(source, valid_frame, parquet_view):
    frame = valid_frame(source)

    gx_result = gx_gate(frame, source, parquet_view)
    pandera_result = pandera_gate(frame, source)

    assert gx_result.success, gx_result.describe()
    assert pandera_result.success, pandera_result.describe()


def test_bad_screenings_fail_both_gates(valid_frame, parquet_view):
    frame = valid_frame("screenings")
    frame = replaced(frame, 1, screening_id="DFPS-1", concern_level="maybe", state="TEXAS")
    frame = replaced(frame, 2, screening_id=None, screened_on=date(1999, 5, 31), youth_sex="female")
    frame = replaced(frame, 3, county_fips="4811", item_03="Y", youth_dob=date(2031, 2, 3))

    assert failed(gx_gate(frame, "screenings", parquet_view)) == {
        ("expect_column_values_to_not_be_null", "screening_id"): 1,
        ("expect_column_values_to_be_unique", "screening_id"): 2,
        ("expect_column_values_to_be_in_set", "concern_level"): 1,
        ("expect_column_values_to_be_in_set", "state"): 1,
        ("expect_column_values_to_be_in_set", "youth_sex"): 1,
        ("expect_column_values_to_be_in_set", "item_03"): 1,
        ("expect_column_values_to_be_between", "screened_on"): 1,
        ("expect_column_values_to_match_regex", "county_fips"): 1,
        ("expect_column_values_to_be_between", "youth_dob"): 1,
    }
    assert failed(pandera_gate(frame, "screenings")) == {
        ("not_nullable", "screening_id"): 1,
        ("field_uniqueness", "screening_id"): 2,
        ("isin", "concern_level"): 1,
        ("isin", "state"): 1,
        ("isin", "youth_sex"): 1,
        ("isin", "item_03"): 1,
        ("greater_than_or_equal_to", "screened_on"): 1,
        ("str_matches", "county_fips"): 1,
        ("less_than_or_equal_to", "youth_dob"): 1,
    }


def test_bad_hotline_statistics_fail_both_gates(valid_frame, parquet_view):
    frame = valid_frame("hotline")
    frame = replaced(frame, 1, state="TX", signals="-3", cases="12.5")
    frame = replaced(frame, 2, year=None, potential_victims="n/a")

    assert failed(gx_gate(frame, "hotline", parquet_view)) == {
        ("expect_column_values_to_not_be_null", "year"): 1,
        ("expect_column_values_to_match_regex", "signals"): 1,
        ("expect_column_values_to_match_regex", "cases"): 1,
        ("expect_column_values_to_match_regex", "potential_victims"): 1,
        ("expect_compound_columns_to_be_unique", "_delivery", "state", "year"): 2,
    }
    assert failed(pandera_gate(frame, "hotline")) == {
        ("not_nullable", "year"): 1,
        ("str_matches", "signals"): 1,
        ("str_matches", "cases"): 1,
        ("str_matches", "potential_victims"): 1,
        ("multiple_fields_uniqueness", "_delivery", "state", "year"): 2,
    }


def test_the_same_state_and_year_may_come_in_two_deliveries(valid_frame, parquet_view):
    frame = valid_frame("hotline")
    frame = pl.concat([frame, frame.with_columns(_delivery=pl.lit("2024"))])

    assert gx_gate(frame, "hotline", parquet_view).success
    assert pandera_gate(frame, "hotline").success


def test_bad_prosecutions_fail_both_gates(valid_frame, parquet_view):
    frame = valid_frame("prosecutions")
    frame = replaced(frame, 0, disposition_date="2020-12-31", minor_victims="yes")
    frame = replaced(frame, 1, case_number=None, trafficking_type="forced labor")
    frame = replaced(
        frame, 2, filing_date="07/19/2022", disposition_date="2023-02-29", sentence_months="life"
    )

    gx_result = gx_gate(frame, "prosecutions", parquet_view)
    assert failed(gx_result) == {
        ("expect_column_values_to_not_be_null", "case_number"): 1,
        ("expect_column_values_to_be_in_set", "trafficking_type"): 1,
        ("expect_column_values_to_be_in_set", "minor_victims"): 1,
        ("expect_column_values_to_match_regex", "filing_date"): 1,
        ("expect_column_values_to_match_regex", "sentence_months"): 1,
        ("expect_no_violating_rows", "disposition_date is a date the calendar has"): 1,
        ("expect_no_violating_rows", "A case is not disposed of before it is filed."): 1,
    }
    (disposed_early,) = [item for item in gx_result.failures if "filed" in (item.description or "")]
    assert disposed_early.partial_unexpected_list == [
        {
            "_raw_key": "s3://raw/usao/2024-q1/file",
            "_row_number": 1,
            "filing_date": "2021-03-04",
            "disposition_date": "2020-12-31",
        }
    ]
    pandera_result = pandera_gate(frame, "prosecutions")
    assert failed(pandera_result) == {
        ("not_nullable", "case_number"): 1,
        ("isin", "trafficking_type"): 1,
        ("isin", "minor_victims"): 1,
        ("str_matches", "filing_date"): 1,
        ("str_matches", "sentence_months"): 1,
        ("calendar_date", "disposition_date"): 1,
        ("disposition_not_before_filing", ""): 1,
    }
    (disposed_early,) = [
        item for item in pandera_result.failures if item.expectation_type.startswith("disposition")
    ]
    assert disposed_early.partial_unexpected_list == [
        {"_raw_key": "s3://raw/usao/2024-q1/file", "_row_number": 1}
    ]


@pytest.mark.parametrize("source", SOURCES)
def test_a_delivery_without_its_lineage_fails_both_gates(source, valid_frame, parquet_view):
    frame = valid_frame(source).drop("_raw_sha256")

    assert ("expect_table_columns_to_match_set", "") in failed(gx_gate(frame, source, parquet_view))
    assert ("column_in_dataframe", "_raw_sha256") in failed(pandera_gate(frame, source))
