"""The bronze suites and models of the foundation sources, on every contributor's layout, on
all of them landed together, and on crafted bad data."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from expectations import registry
from expectations.gx_duckdb import validate_relation
from expectations.pandera_gate import validate_frame

SOURCES = ["screenings", "hotline", "prosecutions"]


def gx_gate(frames: pl.DataFrame | list[pl.DataFrame], source: str, parquet_view):
    frames = frames if isinstance(frames, list) else [frames]
    return validate_relation(
        ":memory:", "bronze", registry.suite_for("bronze", source), setup_sql=parquet_view(*frames)
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


def test_each_contributors_delivery_passes_both_gates(source, layout, parquet_view):
    frame = layout()

    gx_result = gx_gate(frame, source, parquet_view)
    pandera_result = pandera_gate(frame, source)

    assert gx_result.success, gx_result.describe()
    assert pandera_result.success, pandera_result.describe()


@pytest.mark.parametrize("data_set", SOURCES)
def test_every_contributor_landed_together_passes_the_suite(
    data_set, contributor_frames, parquet_view
):
    """Codes and types differ between layouts (F and 2, text and numbers): the suite runs over
    the data set as bronze holds it, every contributor's objects at once."""
    result = gx_gate(contributor_frames(data_set), data_set, parquet_view)

    assert result.success, result.describe()


def test_bad_screenings_fail_both_gates(valid_frame, parquet_view):
    frame = valid_frame("screenings")
    frame = replaced(frame, 1, screening_id="DFPS-1", state="TEXAS")
    frame = replaced(frame, 2, screening_id=None, screened_on=date(1999, 5, 31))
    frame = replaced(frame, 3, youth_last_name=None, youth_dob=date(2031, 2, 3))

    assert failed(gx_gate(frame, "screenings", parquet_view)) == {
        ("expect_column_values_to_not_be_null", "screening_id"): 1,
        ("expect_compound_columns_to_be_unique", "_contributor", "screening_id"): 2,
        ("expect_no_violating_rows", "Every screening names its youth."): 1,
        ("expect_column_values_to_be_between", "screened_on"): 1,
        ("expect_column_values_to_be_between", "youth_dob"): 1,
    }
    assert failed(pandera_gate(frame, "screenings")) == {
        ("isin", "state"): 1,
        ("greater_than_or_equal_to", "screened_on"): 1,
        ("less_than_or_equal_to", "youth_dob"): 1,
        ("youth_named", ""): 1,
    }


def test_two_contributors_may_use_the_same_screening_id(valid_frame, parquet_view):
    frame = valid_frame("screenings")
    other = frame.with_columns(_contributor=pl.lit("la_ocs"), _delivery=pl.lit("la_ocs__2024-Q1"))

    assert gx_gate([frame, other], "screenings", parquet_view).success


def test_codes_are_left_to_the_dbt_tests(valid_frame, parquet_view):
    """A contributor's own codes are mapped in staging and tested after mapping; the gate
    does not hold a delivery back for spelling its codes differently."""
    frame = replaced(valid_frame("screenings"), 0, youth_sex="Female", item_01="Y")

    assert gx_gate(frame, "screenings", parquet_view).success
    assert pandera_gate(frame, "screenings").success


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
    frame = pl.concat([frame, frame.with_columns(_delivery=pl.lit("nhth__2024"))])

    assert gx_gate(frame, "hotline", parquet_view).success
    assert pandera_gate(frame, "hotline").success


def test_bad_prosecutions_fail_both_gates(valid_frame, parquet_view):
    frame = valid_frame("prosecutions")
    frame = replaced(frame, 0, disposition_date=date(2020, 12, 31))
    frame = replaced(frame, 1, case_number=None, statute=None)
    frame = replaced(frame, 2, filing_date=date(1989, 7, 19), sentence_months=5000)

    gx_result = gx_gate(frame, "prosecutions", parquet_view)
    assert failed(gx_result) == {
        ("expect_column_values_to_not_be_null", "statute"): 1,
        (
            "expect_no_violating_rows",
            "Every defendant carries a case or defendant number.",
        ): 1,
        ("expect_column_values_to_be_between", "filing_date"): 1,
        ("expect_no_violating_rows", "A case is not disposed of before it is filed."): 1,
    }
    (disposed_early,) = [item for item in gx_result.failures if "filed" in (item.description or "")]
    assert disposed_early.partial_unexpected_list == [
        {
            "_raw_key": "s3://raw/usao/usao__2021/file",
            "_row_number": 1,
            "filing_date": date(2021, 3, 4),
            "disposition_date": date(2020, 12, 31),
        }
    ]
    pandera_result = pandera_gate(frame, "prosecutions")
    assert failed(pandera_result) == {
        ("not_nullable", "statute"): 1,
        ("identified", ""): 1,
        ("greater_than_or_equal_to", "filing_date"): 1,
        ("less_than_or_equal_to", "sentence_months"): 1,
        ("disposition_not_before_filing", ""): 1,
    }
    (disposed_early,) = [
        item for item in pandera_result.failures if item.expectation_type.startswith("disposition")
    ]
    assert disposed_early.partial_unexpected_list == [
        {"_raw_key": "s3://raw/usao/usao__2021/file", "_row_number": 1}
    ]


def test_a_de_identified_defendant_number_identifies_a_defendant(contributor_frames, parquet_view):
    de_identified = next(
        frame for frame in contributor_frames("prosecutions") if "defendant_id" in frame.columns
    )
    anonymous = replaced(de_identified, 0, defendant_id=None)

    assert gx_gate(de_identified, "prosecutions", parquet_view).success
    assert ("identified", "") in failed(pandera_gate(anonymous, "prosecutions"))


@pytest.mark.parametrize("source", SOURCES)
def test_a_delivery_without_its_lineage_fails_both_gates(source, valid_frame, parquet_view):
    frame = valid_frame(source).drop("_raw_sha256")

    assert ("expect_table_columns_to_match_set", "") in failed(gx_gate(frame, source, parquet_view))
    assert ("column_in_dataframe", "_raw_sha256") in failed(pandera_gate(frame, source))
