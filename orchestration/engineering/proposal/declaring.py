"""The `meta.hub` block of a drafted declaration: how landing reads the contributor's file,
what the data set is (grain, scope, cadence, standard), and how it reaches silver.

Silver fields are written as the declared conformance reads them (macros/conform_to_silver.sql,
orchestration/platform/declarations.py): a staging column, or one conversion of it (a code seed,
an age, an age range, a country, a state). Measures of aggregate tables go under `measures`
with a unit; cells are the taxonomy cells the records feed, proposed from the rules the seeds
already hold for the codes the records carry, or from the words of the file when no code does.
"""

from __future__ import annotations

import csv
import re

from orchestration.engineering.proposal.matching import Mapping, ShapeFit
from orchestration.engineering.proposal.naming import words
from orchestration.engineering.proposal.profiles import ColumnProfile
from orchestration.engineering.proposal.sampling import Sample
from orchestration.engineering.proposal.staging import AGE_COLUMN, RECORDS_COLUMN, StagingColumn
from orchestration.engineering.proposal.vocabulary import (
    code_lists,
    expanded_words,
    silver_fields,
    state_abbreviations,
    taxonomy,
)
from orchestration.platform.declarations import SourceSpecError, load_source_specs
from orchestration.platform.settings import DBT_PROJECT_DIR, REPO_ROOT

SEEDS_DIR = REPO_ROOT / "taxonomy_seeds"
_TVPA_SECTIONS = re.compile(r"\b(?:1581|1584|1589|1590|1591|1592|1594)\b")
_PUBLISHER_WORDS = {
    "research": {"univ", "university", "lab", "research", "institute", "college", "center"},
    "service_provider": {"services", "shelter", "clinic", "provider", "victim", "survivor"},
    "ngo": {"ngo", "coalition", "network", "alliance", "foundation", "monitor", "project"},
    "platform": {"platform", "app", "online", "web"},
}


def _canonical_values(profile: ColumnProfile, list_name: str) -> list[str]:
    codes = next(c for c in code_lists(SEEDS_DIR) if c.name == list_name)
    found: set[str] = set()
    for value in profile.values:
        canonical = codes.canonical.get(" ".join(value.lower().split()))
        if canonical and canonical not in ("unknown", "unmapped"):
            found.add(canonical)
    return sorted(found)


def _rule_cells(kind: str, codes: list[str]) -> dict[str, list[str]]:
    """cell id -> the data sets whose rules map these codes of `kind` to it."""
    cells: dict[str, list[str]] = {}
    for rule in taxonomy(SEEDS_DIR).rules:
        if rule.kind == kind and rule.code in codes:
            cells.setdefault(rule.cell_id, []).append(rule.data_set)
    return cells


def _cell_label(cell_id: str) -> str:
    """A cell as the taxonomy names it: "Protection x Supply x Individual: Victim ..."."""
    known = taxonomy(SEEDS_DIR)
    cell = known.cells.get(cell_id, {})
    parts = [
        known.dimension_labels.get((dimension, cell.get(dimension, "")), "?")
        for dimension in ("intervention", "condition", "level")
    ]
    return f"{' x '.join(parts)}: {cell.get('name', '')}"


def _word_cells(context: set[str]) -> list[tuple[str, list[str]]]:
    """Cells whose name, description and examples share at least two words with the file's
    name and columns, best first."""
    wanted = {w.rstrip("s") for w in context if len(w) >= 4}
    scored = []
    for cell_id, cell in taxonomy(SEEDS_DIR).cells.items():
        text = " ".join(cell.get(key, "") for key in ("name", "description", "example_data"))
        shared = sorted(wanted & {w.rstrip("s") for w in words(text) if len(w) >= 4})
        if len(shared) >= 2:
            scored.append((cell_id, shared))
    return sorted(scored, key=lambda item: (-len(item[1]), item[0]))[:3]


def _code_kinds(fit: ShapeFit, profiles: dict[str, ColumnProfile], context: set[str]) -> dict:
    """Codes of the taxonomy rules' kinds that the records carry, and where they were seen."""
    by_field = {m.field: profiles[m.column] for m in fit.mappings if not m.wide}
    sources = {
        "trafficking_type": ("htcds_exploitation_type", "exploitation types"),
        "role": ("htcds_role", "person roles"),
        "indicator": ("nibrs_offense", "NIBRS offense codes"),
        "policy_code": ("policy_code", "policy codes"),
    }
    kinds: dict[str, tuple[list[str], str]] = {}
    for field_name, (kind, list_name) in sources.items():
        if field_name in by_field and (
            values := _canonical_values(by_field[field_name], list_name)
        ):
            kinds[kind] = (values, f"values of {by_field[field_name].name!r}")
    policies = next(c for c in code_lists(SEEDS_DIR) if c.name == "policy codes")
    wide = [
        policies.canonical.get("_".join(words(profiles[m.column].sent)))
        for m in fit.mappings
        if m.wide and m.field == "enacted_year"
    ]
    if wide or "policy_code" in kinds:
        codes = sorted({c for c in wide if c} | set(kinds.pop("policy_code", ([], ""))[0]))
        categories = taxonomy(SEEDS_DIR).policy_categories
        found = sorted({categories[c] for c in codes if c in categories})
        if found:
            kinds["policy_category"] = (found, "the categories of the policies (policy_categories)")
    victims = {"victim", "victims", "survivor", "survivors", "client", "clients"}
    if fit.shape == "person_records" and "htcds_role" not in kinds and context & victims:
        kinds["htcds_role"] = (["victim"], "the file names victims, survivors or clients")
    return kinds


def _measure_codes(alias: str, profile: ColumnProfile) -> dict[str, list[str]]:
    """Rule codes a measure column's name carries: an offense (off_64a), a kind of
    exploitation (sex_trafficking_cases)."""
    lists = {c.name: c for c in code_lists(SEEDS_DIR)}
    name_words = words(profile.sent)
    phrase = f" {' '.join(name_words)} "
    found: dict[str, list[str]] = {}
    offenses = [
        lists["NIBRS offense codes"].canonical[w]
        for w in name_words
        if any(c.isdigit() for c in w) and w in lists["NIBRS offense codes"].codes
    ]
    if offenses:
        found["nibrs_offense"] = sorted(set(offenses))
    types = {
        target
        for source, target in lists["exploitation types"].canonical.items()
        if len(source) >= 3 and f" {source} " in phrase and target not in ("unknown", "unmapped")
    }
    if types:
        found["htcds_exploitation_type"] = sorted(types)
    return found


def _unit(profile: ColumnProfile) -> str:
    name_words = expanded_words(profile.sent)
    if set(name_words) & {"share", "rate", "percent", "proportion"} or "share" in profile.looks:
        return "share"
    if set(name_words) & {"usd", "price", "wages", "dollars", "amount"}:
        return "usd"
    generic = {"count", "total", "number", "value", "n", "identified", "reached", "trained"}
    nouns = [w for w in name_words if w.isalpha() and w not in generic and len(w) > 3]
    return nouns[-1] if nouns else "count"


def _cells(
    fit: ShapeFit,
    profiles: dict[str, ColumnProfile],
    columns: list[StagingColumn],
    context: set[str],
) -> tuple[list[str], dict[str, dict], list[str]]:
    """The cells every record feeds, each measure's own, and the evidence for them."""
    evidence: list[str] = []
    cells: dict[str, list[str]] = {}
    for kind, (codes, seen) in _code_kinds(fit, profiles, context).items():
        evidence.append(f"{kind} {', '.join(codes)}: {seen}")
        for cell_id, data_sets in _rule_cells(kind, codes).items():
            cells.setdefault(cell_id, []).extend(data_sets)
    alias = {c.source: c.alias for c in columns if c.source}
    measures: dict[str, dict] = {}
    for mapping in fit.mappings:
        if mapping.field != "observed_value":
            continue
        profile = profiles[mapping.column]
        about: dict = {"unit": _unit(profile)}
        measure_cells: set[str] = set()
        for kind, codes in _measure_codes(alias[mapping.column], profile).items():
            if kind == "nibrs_offense" and len(codes) == 1:
                about["indicator"] = codes[0]
            measure_cells.update(_rule_cells(kind, codes))
            evidence.append(f"measure {alias[mapping.column]}: {kind} {', '.join(codes)}")
        if measure_cells:
            about["cells"] = sorted(measure_cells)
        measures[alias[mapping.column]] = about
    for cell_id, data_sets in sorted(cells.items()):
        rules = ", ".join(sorted(set(data_sets)))
        evidence.append(f"  -> {cell_id} ({_cell_label(cell_id)}): rules of {rules}")
    chosen = sorted(cells)
    related = _word_cells(context)
    for cell_id, shared in related:
        evidence.append(f"  ~ {cell_id} ({_cell_label(cell_id)}): shares {', '.join(shared)}")
    if not chosen and not any("cells" in about for about in measures.values()) and related:
        chosen = [related[0][0]]
        evidence.append(f"  {related[0][0]} is proposed from its words alone; check it")
    return chosen, measures, evidence


# silver field -> the declared conversion that fills it from a staging column
_CODE_SEEDS = {
    "sex": ("sex_codes", None),
    "defendant_sex": ("sex_codes", None),
    "race_ethnicity": ("race_ethnicity_codes", None),
    "defendant_race_ethnicity": ("race_ethnicity_codes", None),
    "trafficking_type": ("htcds_code_map", "exploitation_type"),
    "role": ("htcds_code_map", "role"),
    "outcome": ("concern_level_codes", None),
    "policy_code": ("policy_code_map", None),
}


def _field(
    mapping: Mapping,
    profile: ColumnProfile,
    alias: str,
    age_column: str | None,
    notes: list[str],
) -> str | dict | None:
    """How the draft fills a silver field from its staging column, or None to leave it out."""
    name = mapping.field
    if name in _CODE_SEEDS:
        seed, code_field = _CODE_SEEDS[name]
        declared = {"code": seed, "column": alias}
        return {**declared, "field": code_field} if code_field else declared
    if name in ("nationality", "country_iso3"):
        return {"country": alias}
    if name == "state_fips":
        return {"state": alias}
    if name in ("age_band", "defendant_age_band"):
        if "age_range" in profile.looks:
            return {"age_range": alias}
        if profile.kind in ("date", "datetime"):
            if age_column is None:
                notes.append(f"{alias} is a date of birth and no event date was found: no age")
                return None
            return {"age": age_column}
        return {"age": alias}
    if (
        name == "county_fips"
        and profile.kind == "text"
        and not any(v.isdigit() for v in profile.values)
    ):
        notes.append(
            f"{alias} holds county names: no declared conversion turns names into FIPS codes, "
            "so county_fips is left out; derive it in staging or a conformed model"
        )
        return None
    if name == "is_enacted" and profile.kind == "text":
        return f"lower({alias}) = 'enacted'"
    if name == "indicator":
        notes.append(
            f"{alias} names an indicator per row; a declared conformance names one indicator "
            "per measure column, so indicator is left out of silver.fields"
        )
        return None
    if mapping.wide:
        return None
    return alias


def hub_block(
    data_set: str,
    contributor: str,
    sample: Sample,
    options: dict,
    fit: ShapeFit,
    profiles: dict[str, ColumnProfile],
    columns: list[StagingColumn],
    context: set[str],
    notes: list[str],
) -> tuple[dict, list[str]]:
    """The `meta.hub` block: what the sample says, and defaults the report calls guesses."""
    by_field = {m.field: profiles[m.column] for m in fit.mappings}
    file_words = set(words(sample.path.name.split(".")[0]))
    alias = {c.source: c.alias for c in columns if c.source}
    age_column = next((c.alias for c in columns if c.alias == AGE_COLUMN and not c.profile), None)
    jurisdiction: str | dict = "national"
    if "state_fips" in by_field:
        states = sorted(
            {
                code
                for codes in ("US states", "US state names", "state FIPS codes")
                for code in _canonical_values(by_field["state_fips"], codes)
            }
        )
        if len(states) == 1:
            jurisdiction = {"state": state_abbreviations(SEEDS_DIR).get(states[0], states[0])}
    for key in ("country_iso3", "nationality"):
        if key in by_field and fit.shape == "indicator_observations":
            countries = _canonical_values(by_field[key], "countries")
            jurisdiction = {"country": countries[0]} if len(countries) == 1 else "global"
    scope, level = "us_national", "country"
    if "county_fips" in by_field:
        scope, level = "us_counties", "county"
    elif "state_fips" in by_field:
        scope, level = "us_states", "state"
    elif "country_iso3" in by_field:
        scope, level = "global", "country"
    if any("coordinate" in p.looks for p in profiles.values()):
        level = "point"
    elif "reporting_unit" in by_field and "city" in by_field["reporting_unit"].words:
        level = "city"
    dimensions = {
        "age": {"age_band", "defendant_age_band"},
        "sex": {"sex", "defendant_sex"},
        "race_ethnicity": {"race_ethnicity", "defendant_race_ethnicity"},
        "nationality": {"nationality"},
    }
    standard = "none"
    if "statute" in by_field and any(_TVPA_SECTIONS.search(v) for v in by_field["statute"].values):
        standard = "TVPA"
    elif "indicator" in by_field and _canonical_values(
        by_field["indicator"], "NIBRS offense codes"
    ):
        standard = "NIBRS"
    fields: dict[str, str | dict] = {}
    for silver_field in silver_fields(DBT_PROJECT_DIR)[fit.shape]:
        for mapping in fit.mappings:
            if mapping.field == silver_field.name and mapping.field != "observed_value":
                declared = _field(
                    mapping, profiles[mapping.column], alias[mapping.column], age_column, notes
                )
                if declared is not None:
                    fields[silver_field.name] = declared
                break
    vocabularies: dict[str, list[str]] = {}
    if fit.shape == "person_records":
        role = "screened_youth" if context & {"screening", "screened", "screen"} else None
        role = role or ("victim" if context & {"victim", "victims", "survivor", "client"} else None)
        if role and "role" not in fields:
            fields["role"] = f"'{role}'"
    if "slice_value" in fields and "slice_dimension" not in fields:
        dimension = str(fields["slice_value"])
        fields["slice_dimension"] = f"'{dimension}'"
        if dimension not in _known_terms("slice_dimension"):
            vocabularies["slice_dimension"] = [dimension]
    cells, measures, cell_evidence = _cells(fit, profiles, columns, context)
    if any(c.alias == RECORDS_COLUMN and c.profile is None for c in columns):
        measures[RECORDS_COLUMN] = {"unit": "records"}
        notes.append("no measure column was found: the draft counts each row once (records)")
    silver: dict = {"shape": fit.shape, "from": f"stg_{data_set}__records", "fields": fields}
    if measures:
        silver["measures"] = measures
    if cells:
        silver["cells"] = cells
    expected = [f for f in fields if f not in ("role", "slice_dimension")]
    if measures:
        expected = ["indicator", "observed_value", "unit", *expected]
    publisher = _publisher(contributor, file_words)
    hub = {
        "title": " ".join(words(sample.path.name.split(".")[0])).capitalize() or data_set,
        "cadence_days": _cadence(fit, profiles),
        "grain": _grain(fit),
        "publisher_type": publisher,
        "standard_definition": standard,
        "scope": scope,
        "geography_level": level,
        "demographic_dimensions": [d for d, names in dimensions.items() if names & set(fields)],
        "expected_fields": expected,
        "demo": False,
        "contributors": {
            contributor: {
                **_known_contributor(contributor, publisher, jurisdiction, notes),
                "format": sample.format,
                "files": sample.files,
                "options": options,
            }
        },
        "silver": silver,
    }
    if vocabularies:
        hub["vocabularies"] = vocabularies
    return hub, cell_evidence


def _known_contributor(
    contributor: str, kind: str, jurisdiction: str | dict, notes: list[str]
) -> dict:
    """Name, kind and jurisdiction of a contributor another declaration already describes
    (a contributor is described alike in every data set), else the guesses."""
    try:
        specs = load_source_specs(DBT_PROJECT_DIR)
    except SourceSpecError:
        specs = []
    for spec in specs:
        feed = spec.feed_for(contributor)
        if feed is not None:
            notes.append(f"contributor {contributor} is described as in {spec.name}'s declaration")
            place = feed.jurisdiction
            return {
                "name": feed.name,
                "kind": feed.kind or kind,
                "jurisdiction": place.level if place.code is None else {place.level: place.code},
            }
    return {
        "name": " ".join(words(contributor)).title(),
        "kind": kind,
        "jurisdiction": jurisdiction,
    }


def _known_terms(vocabulary: str) -> set[str]:
    path = SEEDS_DIR / "vocabularies.csv"
    if not path.exists():
        return set()
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["term"] for row in csv.DictReader(handle) if row["vocabulary"] == vocabulary}


def _publisher(contributor: str, file_words: set[str]) -> str:
    found = set(words(contributor)) | file_words
    for kind, hints in _PUBLISHER_WORDS.items():
        if found & hints:
            return kind
    return "government"


def _cadence(fit: ShapeFit, profiles: dict[str, ColumnProfile]) -> int:
    """30 or 90 days when the sample's dates span about a month or a quarter, else a year."""
    for mapping in fit.mappings:
        profile = profiles[mapping.column]
        if mapping.field in ("event_date", "filed_on", "period_start") and profile.date_range:
            first, last = profile.date_range
            days = (last - first).days
            return 30 if days <= 45 else 90 if days <= 120 else 365
    return 365


def _grain(fit: ShapeFit) -> str:
    fields = {m.field for m in fit.mappings}
    if fit.shape == "person_records":
        return "one person in one record"
    if fit.shape == "cases":
        return "one defendant in one case" if "defendant_key" in fields else "one case"
    if fit.shape == "policies":
        return "one state and policy"
    place = next(
        (
            label
            for key, label in (
                ("reporting_unit", "reporting unit"),
                ("county_fips", "county"),
                ("state_fips", "state"),
                ("country_iso3", "country"),
            )
            if key in fields
        ),
        "place",
    )
    period = "week" if "period_start" in fields else "year" if "period_year" in fields else "period"
    return f"one {place} and {period}"
