"""The bronze GE suites of the foundation sources, on every contributor's layout, on all of
them landed together, and on crafted bad data: every rule on a value is in the suite."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from expectations import registry
from expectations.gx_duckdb import validate_relation

SOURCES = ["screenings", "hotline", "prosecutions"]


def gx_gate(frames: pl.DataFrame | list[pl.DataFrame], source: str, parquet_view):
    frames = frames if isinstance(frames, list) else [frames]
    return validate_relation(
        ":memory:", "bronze", registry.suite_for("bronze", source), setup_sql=parquet_view(*frames)
    )


def failed(result) -> dict[tuple[str, ...], int | None]:
    """Each failed expectation, by type and columns (or description), with its count."""
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


def layout_of(frames: list[pl.DataFrame], contributor: str) -> pl.DataFrame:
    return next(frame for frame in frames if frame["_contributor"][0] == contributor)


def test_each_contributors_delivery_passes_the_suite(source, layout, parquet_view):
    result = gx_gate(layout(), source, parquet_view)

    assert result.success, result.describe()


@pytest.mark.parametrize("data_set", SOURCES)
def test_every_contributor_landed_together_passes_the_suite(
    data_set, contributor_frames, parquet_view
):
    """Codes and types differ between layouts (F and 2, text and numbers): the suite runs over
    the data set as bronze holds it, every contributor's objects at once."""
    result = gx_gate(contributor_frames(data_set), data_set, parquet_view)

    assert result.success, result.describe()


STATE_RULE = "A state, where sent, is a USPS code of the seed us_states."


def test_bad_screenings_fail_the_suite(valid_frame, parquet_view):
    frame = valid_frame("screenings")
    frame = replaced(frame, 1, screening_id="DFPS-1", state="TEXAS")
    frame = replaced(frame, 2, screening_id=None, screened_on=date(1999, 5, 31))
    frame = replaced(frame, 3, youth_last_name=None, youth_dob=date(2031, 2, 3))

    result = gx_gate(frame, "screenings", parquet_view)

    assert failed(result) == {
        ("expect_column_values_to_not_be_null", "screening_id"): 1,
        ("expect_compound_columns_to_be_unique", "_contributor", "screening_id"): 2,
        ("expect_no_violating_rows", "Every screening names its youth."): 1,
        ("expect_column_values_to_be_between", "screened_on"): 1,
        ("expect_column_values_to_be_between", "youth_dob"): 1,
        ("expect_no_violating_rows", STATE_RULE): 1,
    }
    (state,) = [item for item in result.failures if item.description == STATE_RULE]
    assert state.partial_unexpected_list == [
        {"_raw_key": "s3://raw/tx_dfps/tx_dfps__2024-05/file", "_row_number": 2, "state": "TEXAS"}
    ]


def test_two_contributors_may_use_the_same_screening_id(valid_frame, parquet_view):
    frame = valid_frame("screenings")
    other = frame.with_columns(_contributor=pl.lit("la_ocs"), _delivery=pl.lit("la_ocs__2024-Q1"))

    assert gx_gate([frame, other], "screenings", parquet_view).success


def test_codes_are_left_to_the_dbt_tests(valid_frame, parquet_view):
    """A contributor's own codes are mapped in staging and tested after mapping; the gate
    does not hold a delivery back for spelling its codes differently."""
    frame = replaced(valid_frame("screenings"), 0, youth_sex="Female", item_01="Y")

    assert gx_gate(frame, "screenings", parquet_view).success


def test_bad_hotline_statistics_fail_the_suite(valid_frame, parquet_view):
    frame = valid_frame("hotline")
    frame = replaced(frame, 0, sex_trafficking_cases="3.5")
    frame = replaced(frame, 1, state="TX", signals="-3", cases="12.5")
    frame = replaced(frame, 2, year=None, potential_victims="n/a", labor_trafficking_cases="-")

    assert failed(gx_gate(frame, "hotline", parquet_view)) == {
        ("expect_column_values_to_not_be_null", "year"): 1,
        ("expect_column_values_to_match_regex", "signals"): 1,
        ("expect_column_values_to_match_regex", "cases"): 1,
        ("expect_column_values_to_match_regex", "potential_victims"): 1,
        ("expect_no_violating_rows", "sex_trafficking_cases, where sent, is a whole number."): 1,
        ("expect_no_violating_rows", "labor_trafficking_cases, where sent, is a whole number."): 1,
        ("expect_compound_columns_to_be_unique", "_delivery", "state", "year"): 2,
    }


def test_the_same_state_and_year_may_come_in_two_deliveries(valid_frame, parquet_view):
    frame = valid_frame("hotline")
    frame = pl.concat([frame, frame.with_columns(_delivery=pl.lit("nhth__2024"))])

    assert gx_gate(frame, "hotline", parquet_view).success


def test_bad_prosecutions_fail_the_suite(valid_frame, parquet_view):
    frame = valid_frame("prosecutions")
    frame = replaced(frame, 0, disposition_date=date(2020, 12, 31))
    frame = replaced(frame, 1, case_number=None, statute=None)
    frame = replaced(
        frame,
        2,
        filing_date=date(1989, 7, 19),
        disposition_date=date(2031, 1, 2),
        sentence_months=5000,
    )

    result = gx_gate(frame, "prosecutions", parquet_view)

    assert failed(result) == {
        ("expect_column_values_to_not_be_null", "statute"): 1,
        (
            "expect_no_violating_rows",
            "Every defendant carries a case or defendant number.",
        ): 1,
        ("expect_column_values_to_be_between", "filing_date"): 1,
        ("expect_column_values_to_be_between", "disposition_date"): 1,
        ("expect_no_violating_rows", "A case is not disposed of before it is filed."): 1,
        ("expect_no_violating_rows", "A sentence in months, where sent, is 0 to 1200 months."): 1,
    }
    (disposed_early,) = [item for item in result.failures if "filed" in (item.description or "")]
    assert disposed_early.partial_unexpected_list == [
        {
            "_raw_key": "s3://raw/usao/usao__2021/file",
            "_row_number": 1,
            "filing_date": date(2021, 3, 4),
            "disposition_date": date(2020, 12, 31),
        }
    ]


def test_a_de_identified_defendant_number_identifies_a_defendant(contributor_frames, parquet_view):
    de_identified = layout_of(contributor_frames("prosecutions"), "bjs_fjsp")
    anonymous = replaced(de_identified, 0, defendant_id=None)

    assert gx_gate(de_identified, "prosecutions", parquet_view).success
    assert failed(gx_gate(anonymous, "prosecutions", parquet_view)) == {
        ("expect_no_violating_rows", "Every defendant carries a case or defendant number."): 1
    }


@pytest.mark.parametrize(
    ("data_set", "column"),
    [
        ("screenings", "state"),
        ("hotline", "sex_trafficking_cases"),
        ("hotline", "labor_trafficking_cases"),
        ("prosecutions", "sentence_months"),
    ],
)
def test_a_rule_on_a_column_a_contributor_does_not_send_passes_its_delivery(
    data_set, column, valid_frame, parquet_view
):
    result = gx_gate(valid_frame(data_set).drop(column), data_set, parquet_view)

    assert result.success, result.describe()


@pytest.mark.parametrize(
    ("data_set", "column"),
    [("screenings", "youth_race"), ("hotline", "potential_victims"), ("prosecutions", "statute")],
)
def test_a_delivery_without_a_column_every_contributor_lands_fails_the_suite(
    data_set, column, valid_frame, parquet_view
):
    frame = valid_frame(data_set).drop(column)

    assert ("expect_table_columns_to_match_set", "") in failed(
        gx_gate(frame, data_set, parquet_view)
    )


def test_a_date_a_contributor_sends_as_text_is_held_by_its_range_rule(
    contributor_frames, parquet_view
):
    """fl_djj's dates arrive typed from its SPSS file, with no `types:` for them, so no
    declared type is checked: a delivery with its dates as text still cannot pass."""
    frame = layout_of(contributor_frames("screenings"), "fl_djj")
    as_text = frame.with_columns(pl.col("screened_on").cast(pl.String))

    result = gx_gate(as_text, "screenings", parquet_view)

    assert failed(result) == {("expect_column_values_to_be_between", "screened_on"): None}
    assert "VARCHAR" in result.failures[0].error
