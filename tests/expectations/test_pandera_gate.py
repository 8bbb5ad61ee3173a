"""pandera gates over polars frames, collected into a GateResult without raising."""

from __future__ import annotations

import json

import pandera.polars as pa
import polars as pl

from expectations.pandera_gate import validate_frame

SCREENINGS = pa.DataFrameSchema(
    {
        "screening_id": pa.Column(pl.String, unique=True),
        "concern_level": pa.Column(
            pl.String, pa.Check.isin(["no_concern", "possible", "clear_concern"])
        ),
        "county_fips": pa.Column(pl.String, pa.Check.str_matches(r"^\d{5}$"), nullable=True),
        "agency_id": pa.Column(pl.String, pa.Check.str_length(3), required=False),
    },
    name="screenings",
)


def screenings(**overrides: list) -> pl.DataFrame:
    columns = {
        "screening_id": ["S1", "S2", "S3", "S4", "S5"],
        "concern_level": ["possible", "no_concern", "clear_concern", "possible", "possible"],
        "county_fips": ["48201", None, "48113", "11001", "72127"],
    }
    return pl.DataFrame({**columns, **overrides})


def outcome(result, expectation_type: str, column: str):
    (match,) = [
        item
        for item in result.outcomes
        if item.expectation_type == expectation_type and item.columns == [column]
    ]
    return match


def test_a_valid_frame_passes_every_check():
    result = validate_frame(screenings(), SCREENINGS)

    assert result.success
    assert result.engine == "pandera"
    assert result.relation == "screenings"
    assert {(item.expectation_type, tuple(item.columns)) for item in result.outcomes} >= {
        ("field_uniqueness", ("screening_id",)),
        ("isin", ("concern_level",)),
        ("str_matches", ("county_fips",)),
    }
    assert all(item.unexpected_count == 0 for item in result.outcomes)


def test_bad_values_are_counted_with_examples_on_a_lazy_frame():
    frame = screenings(
        screening_id=["S1", "S2", "S2", "S4", None],
        concern_level=["possible", "maybe", "maybe", "unsure", "possible"],
        county_fips=["48201", "4820", None, "11001", "TX-01"],
    ).lazy()

    result = validate_frame(frame, SCREENINGS, relation="bronze.screenings")

    assert not result.success
    assert result.relation == "bronze.screenings"
    in_set = outcome(result, "isin", "concern_level")
    assert (in_set.unexpected_count, in_set.element_count) == (3, 5)
    assert in_set.unexpected_percent == 60.0
    assert in_set.partial_unexpected_list == ["maybe", "maybe", "unsure"]
    assert outcome(result, "str_matches", "county_fips").partial_unexpected_list == [
        "4820",
        "TX-01",
    ]
    assert outcome(result, "field_uniqueness", "screening_id").unexpected_count == 2
    assert outcome(result, "not_nullable", "screening_id").unexpected_count == 1
    metadata = result.as_metadata()
    assert json.loads(json.dumps(metadata)) == metadata
    assert metadata["expectations_failed"] == 4


def test_a_missing_column_fails_without_claiming_its_values_passed():
    result = validate_frame(screenings().drop("county_fips"), SCREENINGS)

    assert not result.success
    (missing,) = result.failures
    assert (missing.expectation_type, missing.columns) == ("column_in_dataframe", ["county_fips"])
    assert "county_fips" in missing.observed_value
    assert not [
        item for item in result.outcomes if item.columns == ["county_fips"] and item.success
    ]


def test_a_wrong_type_is_a_finding_and_checks_it_breaks_are_errors():
    result = validate_frame(screenings(county_fips=[48201, None, 48113, 11001, 72127]), SCREENINGS)

    wrong_type = outcome(result, "dtype", "county_fips")
    assert not wrong_type.success
    assert "Int64" in wrong_type.observed_value
    broken = outcome(result, "str_matches", "county_fips")
    assert not broken.success
    assert "expected String type" in broken.error


def test_an_optional_column_that_is_absent_is_not_claimed_checked():
    result = validate_frame(screenings(), SCREENINGS)

    assert result.success
    assert not [item for item in result.outcomes if item.columns == ["agency_id"]]


def test_an_optional_column_that_is_present_is_checked():
    frame = screenings(agency_id=["TX1", "TX22", "TX3", "TX4", None])

    result = validate_frame(frame, SCREENINGS)

    assert outcome(result, "str_length", "agency_id").partial_unexpected_list == ["TX22"]
    assert outcome(result, "dtype", "agency_id").success
