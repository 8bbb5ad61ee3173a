"""What a proposal matches columns against: the silver models' fields, the words data sets
use for them, and the code lists of the taxonomy seeds.

The fields and their descriptions come from `dbt_project/models/silver/_silver__models.yml`,
the code lists and taxonomy rules from `taxonomy_seeds/*.csv`, so a field or code added
there is matched without a change here. The terms below are the domain's ordinary words for
each field (what a case system or a statistics table calls it); they are not read from the
hub's own declarations, so a proposal for the hub's demo data sets is not told the answer.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from orchestration.engineering.proposal.naming import words

SHAPES = ("person_records", "cases", "indicator_observations", "policies")
# Filled by the pipeline, never from a contributor's column.
LINEAGE = {"data_set", "raw_key", "landed_at", "delivery", "contributor", "taxonomy_cells"}

FIELD_TERMS: dict[str, tuple[str, ...]] = {
    "record_key": ("record id", "case id", "case number", "intake id", "screening id", "id"),
    "person_key": ("person id", "client id", "individual id", "youth id", "victim id"),
    "role": ("role", "person role", "party type", "victim type"),
    "age_band": ("age", "age band", "age group", "age range", "date of birth", "birth date"),
    "sex": ("sex", "gender", "gender identity"),
    "race_ethnicity": ("race", "ethnicity", "race ethnicity"),
    "nationality": (
        "nationality",
        "citizenship",
        "country of origin",
        "country of birth",
        "birth country",
        "national",
    ),
    "state_fips": ("state", "state code", "state fips", "state abbreviation", "state name"),
    "county_fips": ("county", "county fips", "county code", "county name", "parish", "fips"),
    "event_date": (
        "date",
        "intake",
        "intake date",
        "screening date",
        "screened",
        "event date",
        "service date",
        "identified date",
        "report date",
    ),
    "period_year": ("year", "fiscal year", "report year", "data year", "calendar year"),
    "trafficking_type": (
        "trafficking type",
        "exploitation type",
        "type of trafficking",
        "exploitation",
        "offense type",
    ),
    "outcome": ("outcome", "result", "screening result", "concern level", "concern", "risk"),
    "case_key": ("case id", "case number", "docket number", "cause number", "case no"),
    "case_type": ("case type", "court level", "jurisdiction type"),
    "defendant_key": (
        "defendant id",
        "defendant name",
        "defendant",
        "offender id",
        "employer",
        "legal name",
    ),
    "defendant_sex": ("defendant sex", "defendant gender", "offender sex", "sex", "gender"),
    "defendant_age_band": ("defendant age", "offender age", "age at filing", "age", "dob"),
    "defendant_race_ethnicity": ("defendant race", "offender race", "race", "ethnicity"),
    "district": ("district", "federal district", "judicial district", "court district", "court"),
    "statute": ("statute", "charge statute", "offense statute", "citation", "law section"),
    "has_minor_victims": ("minor victims", "minor", "child victim", "juvenile victim"),
    "sentence_months": (
        "sentence months",
        "sentence",
        "prison months",
        "prison term",
        "prison total",
        "incarceration",
    ),
    "workers_affected": ("workers affected", "employees", "workers", "employees violated"),
    "back_wages_usd": ("back wages", "back wages amount", "wages owed", "amount"),
    "industry_code": ("industry", "industry code", "naics", "naics code", "sector"),
    "filed_on": (
        "filed",
        "filing date",
        "file date",
        "date filed",
        "charge date",
        "opened",
        "start date",
    ),
    "disposed_on": (
        "disposition date",
        "disposed",
        "termination date",
        "date closed",
        "closed",
        "sentencing date",
        "end date",
    ),
    "indicator": ("indicator", "measure", "offense", "offense code", "nibrs code", "metric"),
    "observed_value": ("count", "total", "number", "value", "rate", "amount"),
    "unit": ("unit", "units", "unit of measure"),
    "reporting_unit": ("agency", "ori", "agency name", "reporting agency", "city", "metro"),
    "geography_level": ("geography level", "summary level", "area type"),
    "country_iso3": ("country", "country code", "country name", "iso3", "nation"),
    "period_start": (
        "week",
        "week start",
        "period start",
        "start date",
        "month",
        "date",
        "issue date",
        "since",
        "first seen",
    ),
    "period_end": (
        "period end",
        "end date",
        "week end",
        "expiration date",
        "expire",
        "until",
        "last seen",
    ),
    "slice_dimension": ("breakdown", "dimension", "disaggregation"),
    "slice_value": ("audience", "grade band", "grade", "subgroup", "age group"),
    "policy_code": ("policy", "policy code", "policy area", "policy type", "provision"),
    "category": ("category", "policy category"),
    "is_enacted": ("enacted", "status", "bill status", "passed", "adopted"),
    "enacted_year": ("year enacted", "enacted year", "session year", "year adopted", "year"),
    "enacted_on": ("enacted date", "date enacted", "effective date", "signed date"),
    "bill_number": ("bill", "bill number", "bill id", "act number"),
}

# Abbreviations case systems and statistics tables use, expanded before matching.
ABBREVIATIONS: dict[str, str] = {
    "dob": "date of birth",
    "dt": "date",
    "yr": "year",
    "fy": "fiscal year",
    "st": "state",
    "cnty": "county",
    "cty": "city",
    "natl": "national",
    "nbr": "number",
    "num": "number",
    "no": "number",
    "cnt": "count",
    "amt": "amount",
    "cd": "code",
    "nm": "name",
    "desc": "description",
    "addr": "address",
    "tel": "phone",
    "dist": "district",
    "def": "defendant",
    "n": "number",
    "pct": "percent",
    "fname": "first name",
    "lname": "last name",
    "gndr": "gender",
    "key": "id",
    "ee": "employees",
    "scrn": "screening",
}
# A name ending in `_at` or `_on` (intake_at, screened_on) is a date by convention.
_DATE_SUFFIXES = {"at", "on"}


@cache
def known_words() -> frozenset[str]:
    """The words of the field terms and abbreviations (a word that is one of them is not read
    as a truncation of another: `count` is not `country`)."""
    known = {w for terms in FIELD_TERMS.values() for term in terms for w in term.split()}
    return frozenset(word for word in known | set(ABBREVIATIONS) if len(word) >= 2)


# Beyond the field terms, words that head or end compound names (FILEDATE, TERMDATE).
_COMPOUND_PARTS = {"file", "term", "start", "end", "total", "code", "name", "expire", "issue"}


def _split_compound(word: str) -> list[str]:
    """`filedate` -> [file, date], `cntyfips` -> [cnty, fips], when both parts are known."""
    known = known_words() | _COMPOUND_PARTS
    if word in known or len(word) < 5:
        return [word]
    for cut in range(2, len(word) - 1):
        if word[:cut] in known and word[cut:] in known:
            return [word[:cut], word[cut:]]
    return [word]


def expanded_words(name: str) -> list[str]:
    """The words of a column name with compounds split and the usual abbreviations spelt
    out."""
    parts = [part for word in words(name) for part in _split_compound(word)]
    result: list[str] = []
    for position, word in enumerate(parts):
        if word in _DATE_SUFFIXES and position == len(parts) - 1 and position > 0:
            result.append("date")
            continue
        result.extend(ABBREVIATIONS.get(word, word).split())
    return result


@dataclass(frozen=True)
class SilverField:
    shape: str
    name: str
    data_type: str
    description: str


@dataclass(frozen=True)
class CodeList:
    """Codes of one seed that identify what a column holds."""

    name: str
    seed: str
    codes: frozenset[str]
    fields: tuple[str, ...]
    canonical: dict[str, str]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def silver_fields(dbt_project_dir: Path) -> dict[str, list[SilverField]]:
    """The fields of each silver shape a contributor's column can feed."""
    document = yaml.safe_load(
        (dbt_project_dir / "models" / "silver" / "_silver__models.yml").read_text()
    )
    shapes: dict[str, list[SilverField]] = {}
    for model in document.get("models") or []:
        if model["name"] not in SHAPES:
            continue
        shapes[model["name"]] = [
            SilverField(
                model["name"],
                column["name"],
                column.get("data_type", "varchar"),
                " ".join(str(column.get("description") or "").split()),
            )
            for column in model.get("columns") or []
            if column["name"] not in LINEAGE
        ]
    return shapes


def _normalized(code: str) -> str:
    return " ".join(code.strip().lower().split())


def _code_list(
    name: str, seed: str, pairs: list[tuple[str, str]], fields: tuple[str, ...]
) -> CodeList:
    canonical = {_normalized(source): target for source, target in pairs if source.strip()}
    return CodeList(name, seed, frozenset(canonical), fields, canonical)


@cache
def code_lists(seeds_dir: Path) -> list[CodeList]:
    """The seeds' code lists, each with the silver fields its codes identify."""
    read = lambda name: _rows(seeds_dir / f"{name}.csv")  # noqa: E731
    htcds = defaultdict(list)
    for row in read("htcds_code_map"):
        htcds[row["field"]].append((row["source_code"], row["canonical_code"]))
    states = read("us_states")
    counties = read("us_counties")
    countries = read("countries")
    county_names = []
    for row in counties:
        name = row["county_name"]
        for suffix in (" County", " Parish", " Borough", " Census Area", " city"):
            name = name.removesuffix(suffix)
        county_names.append((name, row["county_fips"]))
    sex = ("sex", "defendant_sex")
    race = ("race_ethnicity", "defendant_race_ethnicity")
    return [
        _code_list("sex codes", "sex_codes", _pairs(read("sex_codes")), sex),
        _code_list(
            "race codes", "race_ethnicity_codes", _pairs(read("race_ethnicity_codes")), race
        ),
        _code_list(
            "US states",
            "us_states",
            [(r["state_abbr"], r["state_fips"]) for r in states],
            ("state_fips",),
        ),
        _code_list(
            "US state names",
            "us_states",
            [(r["state_name"], r["state_fips"]) for r in states],
            ("state_fips",),
        ),
        _code_list(
            "state FIPS codes",
            "us_states",
            [(r["state_fips"], r["state_fips"]) for r in states]
            + [(r["state_fips"].lstrip("0"), r["state_fips"]) for r in states],
            ("state_fips",),
        ),
        _code_list(
            "county FIPS codes",
            "us_counties",
            [(r["county_fips"], r["county_fips"]) for r in counties]
            + [(r["county_fips"].lstrip("0"), r["county_fips"]) for r in counties],
            ("county_fips",),
        ),
        _code_list("county names", "us_counties", county_names, ("county_fips",)),
        _code_list(
            "countries",
            "countries",
            [(r[key], r["iso3"]) for r in countries for key in ("iso3", "name")]
            + _pairs(read("country_names")),
            ("nationality", "country_iso3"),
        ),
        _code_list(
            "exploitation types",
            "htcds_code_map",
            htcds["exploitation_type"],
            ("trafficking_type",),
        ),
        _code_list("person roles", "htcds_code_map", htcds["role"], ("role",)),
        _code_list(
            "NIBRS offense codes",
            "nibrs_offense_codes",
            [(r["offense_code"], r["offense_code"]) for r in read("nibrs_offense_codes")]
            + [(r["offense_name"], r["offense_code"]) for r in read("nibrs_offense_codes")]
            + _pairs(read("nibrs_offense_code_map")),
            ("indicator",),
        ),
        _code_list(
            "age bands",
            "age_bands",
            [(r["age_band"], r["age_band"]) for r in read("age_bands")],
            ("age_band", "defendant_age_band", "slice_value"),
        ),
        _code_list(
            "TIP report tiers",
            "tip_tier_codes",
            _pairs(read("tip_tier_codes")),
            ("observed_value",),
        ),
        _code_list(
            "policy codes", "policy_code_map", _pairs(read("policy_code_map")), ("policy_code",)
        ),
        _code_list(
            "screening outcomes",
            "concern_level_codes",
            _pairs(read("concern_level_codes")),
            ("outcome",),
        ),
    ]


def _pairs(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(row["source_code"], row["canonical_code"]) for row in rows]


@dataclass(frozen=True)
class CellRule:
    data_set: str
    kind: str
    code: str
    cell_id: str
    note: str


@dataclass(frozen=True)
class Taxonomy:
    cells: dict[str, dict[str, str]]
    """cell_id -> its row of taxonomy_cells.csv."""
    dimension_labels: dict[tuple[str, str], str]
    rules: list[CellRule]
    policy_categories: dict[str, str]
    """policy_code -> category."""


@cache
def taxonomy(seeds_dir: Path) -> Taxonomy:
    return Taxonomy(
        cells={row["cell_id"]: row for row in _rows(seeds_dir / "taxonomy_cells.csv")},
        dimension_labels={
            (row["dimension"], row["value"]): row["label"]
            for row in _rows(seeds_dir / "taxonomy_dimensions.csv")
        },
        rules=[
            CellRule(
                row["data_set"],
                row["indicator_kind"],
                row["indicator_code"],
                row["cell_id"],
                row["rule_note"],
            )
            for row in _rows(seeds_dir / "indicator_cell_map.csv")
        ],
        policy_categories={
            row["policy_code"]: row["category"]
            for row in _rows(seeds_dir / "policy_categories.csv")
        },
    )


@cache
def state_abbreviations(seeds_dir: Path) -> dict[str, str]:
    """State FIPS code -> USPS abbreviation."""
    return {row["state_fips"]: row["state_abbr"] for row in _rows(seeds_dir / "us_states.csv")}
