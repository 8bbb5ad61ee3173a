"""Geographies, code maps and the seed properties file."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict

import yaml

SEX_CODES = {"female", "male", "another", "unknown"}
RACE_ETHNICITY_CODES = {
    "white",
    "black",
    "hispanic",
    "asian",
    "aian",
    "nhpi",
    "multiracial",
    "other",
    "unknown",
}


def test_states_are_zero_padded_unique_and_targeted(seed):
    states = seed("us_states")
    fips = [state["state_fips"] for state in states]

    assert len(states) == 52
    assert all(re.fullmatch(r"\d{2}", code) for code in fips)
    assert len(set(fips)) == 52
    assert len({state["state_abbr"] for state in states}) == 52
    targets = {state["state_abbr"] for state in states if state["is_target"] == "true"}
    assert len(targets) == 51
    assert "DC" in targets
    assert "PR" not in targets
    assert {state["is_target"] for state in states} == {"true", "false"}


def test_every_target_state_has_a_census_region(seed):
    regions = defaultdict(int)
    for state in seed("us_states"):
        if state["is_target"] == "true":
            regions[state["census_region"]] += 1
    assert regions == {"Northeast": 9, "Midwest": 12, "South": 17, "West": 13}


def test_counties_are_zero_padded_unique_and_in_their_state(seed):
    states = {state["state_fips"]: state for state in seed("us_states")}
    counties = seed("us_counties")
    fips = [county["county_fips"] for county in counties]

    assert len(counties) == 3143
    assert all(re.fullmatch(r"\d{5}", code) for code in fips)
    assert len(set(fips)) == len(fips)
    for county in counties:
        state = states[county["state_fips"]]
        assert county["county_fips"][:2] == county["state_fips"], county
        assert county["state_abbr"] == state["state_abbr"], county
        assert county["county_name"].strip(), county
    target_fips = {code for code, state in states.items() if state["is_target"] == "true"}
    assert {county["state_fips"] for county in counties} == target_fips


def test_countries_follow_iso_3166_1(seed):
    countries = seed("countries")

    assert len(countries) >= 249
    for column, pattern in (("iso3", r"[A-Z]{3}"), ("iso2", r"[A-Z]{2}"), ("numeric", r"\d{3}")):
        values = [country[column] for country in countries]
        assert all(re.fullmatch(pattern, value) for value in values), column
        assert len(set(values)) == len(values), column
    assert {"iso3": "USA", "iso2": "US", "numeric": "840"}.items() <= next(
        country for country in countries if country["iso3"] == "USA"
    ).items()


def test_age_bands_are_contiguous_from_zero(seed):
    bands = sorted(seed("age_bands"), key=lambda band: int(band["sort_order"]))
    known = [band for band in bands if band["age_band"] != "unknown"]

    assert known[0]["min_age"] == "0"
    for lower, upper in itertools.pairwise(known):
        assert int(upper["min_age"]) == int(lower["max_age"]) + 1, upper["age_band"]
    assert bands[-1] == {"age_band": "unknown", "min_age": "", "max_age": "", "sort_order": "8"}


def test_trafficking_offenses_are_flagged(seed):
    offenses = {row["offense_code"]: row for row in seed("nibrs_offense_codes")}
    related = {code for code, row in offenses.items() if row["trafficking_related"] == "true"}
    assert related == {"64A", "64B", "40A", "40B", "40C"}
    assert {row["trafficking_related"] for row in offenses.values()} <= {"true", "false"}


def _check_code_map(rows: list[dict[str, str]], canonical: set[str]) -> None:
    by_folded_code = defaultdict(set)
    for row in rows:
        assert row["source_code"] == row["source_code"].strip() != "", row
        by_folded_code[row["source_code"].lower()].add(row["canonical_code"])
    assert {row["canonical_code"] for row in rows} == canonical
    assert len(by_folded_code) == len(rows), "a code differs from another only by case"
    missing = {code for code in canonical if code not in by_folded_code}
    assert missing == set(), "canonical codes must map to themselves"


def test_sex_map_covers_the_canonical_codes(seed):
    rows = seed("sex_codes")
    _check_code_map(rows, SEX_CODES)
    mapped = {row["source_code"]: row["canonical_code"] for row in rows}
    assert {mapped[code] for code in ("F", "2")} == {"female"}
    assert {mapped[code] for code in ("M", "1")} == {"male"}
    assert mapped["X"] == "another"
    assert mapped["U"] == "unknown"


def test_race_ethnicity_map_covers_the_canonical_codes(seed):
    _check_code_map(seed("race_ethnicity_codes"), RACE_ETHNICITY_CODES)


def test_htcds_map_is_consistent_per_field(seed):
    rows = seed("htcds_code_map")
    by_field = defaultdict(list)
    for row in rows:
        by_field[row["field"]].append(row)
    labels = defaultdict(set)
    for row in rows:
        labels[(row["field"], row["canonical_code"])].add(row["label"])

    assert set(by_field) == {"exploitation_type", "role", "control_method", "referral_type"}
    for field, field_rows in by_field.items():
        canonical = {row["canonical_code"] for row in field_rows}
        _check_code_map(field_rows, canonical)
        assert "unknown" in canonical, field
    assert all(len(label) == 1 for label in labels.values())
    exploitation = {
        row["source_code"]: row["canonical_code"] for row in by_field["exploitation_type"]
    }
    assert exploitation["Sex Trafficking"] == exploitation["CSEC"] == "sex"
    roles = {row["canonical_code"] for row in by_field["role"]}
    assert {"victim", "trafficker", "buyer"} <= roles


def test_properties_file_describes_every_seed_column_with_its_type(seeds_dir):
    properties = yaml.safe_load((seeds_dir / "_seeds.yml").read_text())
    described = {entry["name"]: entry for entry in properties["seeds"]}
    csv_names = {path.stem for path in seeds_dir.glob("*.csv")}

    assert set(described) == csv_names
    for name in sorted(csv_names):
        header = (seeds_dir / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        entry = described[name]
        assert entry.get("description"), name
        assert [column["name"] for column in entry["columns"]] == header, name
        assert list(entry["config"]["column_types"]) == header, name
        assert all(column.get("description") for column in entry["columns"]), name
