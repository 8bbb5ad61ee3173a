"""Which silver field each column feeds, how sure that is, and why.

A column's confidence for a field combines three kinds of evidence, each of which can carry
a mapping on its own and which add up when they agree:

- its name: the column's words (abbreviations spelt out) against the field's name, the
  domain's words for it and its description, compared with rapidfuzz;
- its values: the share that are codes of a taxonomy seed's list (sex codes, states,
  countries, NIBRS offenses...);
- its profile: years, ages, dates, counts, identifiers of a known form (an ORI, a bill).

A field whose type cannot hold the column's values (a date field and a column of names)
gets nothing. Each shape is fitted on its own; the shape whose fields the columns fill best
is proposed, and the others are reported with their fit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from orchestration.engineering.proposal.naming import shown, words
from orchestration.engineering.proposal.profiles import ColumnProfile
from orchestration.engineering.proposal.vocabulary import (
    FIELD_TERMS,
    CodeList,
    SilverField,
    code_lists,
    expanded_words,
    known_words,
    silver_fields,
)

MAPPED = 0.5
"""Confidence from which a mapping goes into the draft's `silver.fields`."""
SUGGESTED = 0.3
"""Confidence from which a mapping is reported as a suggestion."""
_STOPWORDS = {"the", "a", "an", "of", "or", "and", "for", "is", "in", "to", "by", "its", "as"}
# Words that name a kind of value, not what it is about: "name" alone says little.
_GENERIC = {"name", "code", "id", "number", "date", "type", "value", "description", "count", "key"}
_ID_WORDS = {"id", "number", "key", "code", "identifier", "fips", "no"}
_ORI = re.compile(r"^[A-Z]{2}[0-9A-Z]{7}$")
_BILL = re.compile(r"^(?:[A-Z]{1,4}\.? ?){1,2}\d{1,5}[A-Z]?$")
_STATUTE = re.compile(r"\d+\s*(?:U\.?S\.?C\.?|§|:|\.)\s*\d+|^[A-Z]{1,4}\s+\d+[A-Z]?\.\d+")
_NAICS = re.compile(r"^\d{2,6}$")
_DATE_FIELDS = {"event_date", "filed_on", "disposed_on", "period_start", "period_end", "enacted_on"}
_YEAR_FIELDS = {"period_year", "enacted_year"}
_KEY_FIELDS = {"record_key", "person_key", "case_key", "defendant_key"}
# Fields every shape shares: they say little about which shape the file is.
_SHARED = {"state_fips", "county_fips", "period_year", "country_iso3"}


@dataclass
class Mapping:
    """A column proposed for a silver field."""

    column: str
    field: str
    confidence: float
    evidence: list[str]
    name_strength: float = 0.0
    wide: bool = False
    """One of several columns feeding the field, one per code (a wide layout)."""


@dataclass
class ShapeFit:
    """One silver shape fitted to the columns: its mappings, and how well they fill it."""

    shape: str
    fit: float
    mappings: list[Mapping] = field(default_factory=list)
    suggestions: list[Mapping] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def _word_match(term_word: str, column_word: str) -> float:
    """1 for the same word (or its plural), less for a truncation or a near spelling."""
    if term_word == column_word or term_word.rstrip("s") == column_word.rstrip("s"):
        return 1.0
    truncated = len(column_word) >= 4 and term_word.startswith(column_word)
    if truncated and column_word not in known_words():
        return 0.85
    if len(term_word) >= 8 and len(column_word) >= 8:
        ratio = fuzz.ratio(term_word, column_word) / 100
        if ratio >= 0.9:
            return ratio
    return 0.0


def _term_score(column_words: list[str], term: str) -> float:
    """The share of the term's words the column has, less for the column's other words; a
    term whose telling words are missing (only "name" of "country name") scores little."""
    term_words = [word for word in term.split() if word not in _STOPWORDS]
    if not column_words or not term_words:
        return 0.0
    coverage = [max(_word_match(t, c) for c in column_words) for t in term_words]
    used = sum(any(_word_match(t, c) for t in term_words) for c in column_words)
    score = (sum(coverage) / len(coverage)) * (0.7 + 0.3 * used / len(column_words))
    telling = [hit for t, hit in zip(term_words, coverage, strict=True) if t not in _GENERIC]
    if telling and not any(telling):
        score *= 0.3
    return score


def name_score(profile: ColumnProfile, silver: SilverField) -> tuple[float, str]:
    """How well the column's name says the field, and the term it matched."""
    column_words = [w for w in expanded_words(profile.sent) if w not in _STOPWORDS]
    best, said = 0.0, ""
    for term in (*FIELD_TERMS.get(silver.name, ()), silver.name.replace("_", " ")):
        score = _term_score(column_words, term)
        if score > best:
            best, said = score, term
    description = {w.rstrip("s") for w in words(silver.description) if len(w) >= 4}
    content = [w for w in column_words if len(w) >= 4 and w not in _GENERIC]
    if content and description:
        covered = sum(w.rstrip("s") in description for w in content) / len(content)
        if 0.5 * covered > best:
            best, said = 0.5 * covered, "its description"
    return best, said


def _elements(value: str) -> list[str]:
    """A value's codes: itself, or the items of a JSON list of strings (["black"])."""
    if value.startswith("[") and value.endswith("]"):
        try:
            items = json.loads(value)
        except ValueError:
            return [value]
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            return items
    return [value]


def _value_share(profile: ColumnProfile, codes: CodeList) -> float:
    if not profile.present:
        return 0.0
    hits = sum(
        count
        for value, count in profile.values.items()
        if any(" ".join(item.lower().split()) in codes.codes for item in _elements(value))
    )
    return hits / profile.present


def _specificity(profile: ColumnProfile, codes: CodeList) -> float:
    """Short numeric codes (1, 2, 9) are in many lists, and small counts look like them:
    such matches prove little on their own."""
    matched = [v for v in profile.values if " ".join(v.lower().split()) in codes.codes]
    if profile.distinct <= 1:
        return 0.5
    if profile.kind == "integer" and profile.distinct > 12 and "county FIPS" not in codes.name:
        return 0.2
    if matched and all(v.isdigit() and len(v) <= 2 for v in matched):
        return 0.35
    if codes.name in ("US state names", "county names"):
        return 0.95  # names, not the codes: a column of codes beside them is the better source
    return 1.0


def value_evidence(
    profile: ColumnProfile, silver: SilverField, lists: list[CodeList]
) -> tuple[float, str]:
    best, said = 0.0, ""
    for codes in lists:
        if silver.name not in codes.fields:
            continue
        share = _value_share(profile, codes)
        score = share * _specificity(profile, codes)
        if score > best:
            best, said = score, f"{share:.0%} of values are {codes.name} ({codes.seed})"
    return best, said


def _matches(profile: ColumnProfile, pattern: re.Pattern[str]) -> float:
    if not profile.present:
        return 0.0
    hits = sum(count for value, count in profile.values.items() if pattern.search(value))
    return hits / profile.present


def profile_evidence(profile: ColumnProfile, silver: SilverField) -> tuple[float, str]:
    """What the shape of the values says about the field, from 0 to about 0.6."""
    looks, kind, name = profile.looks, profile.kind, silver.name
    measure = (
        kind in ("integer", "float")
        and not looks & {"year", "row_index", "binary", "digit_code", "coordinate"}
        and not _ID_WORDS & set(expanded_words(profile.sent))
    )
    if name in ("age_band", "defendant_age_band"):
        if "age" in looks:
            return 0.35, "whole numbers between 0 and 120 (ages)"
        if "birth_dates" in looks:
            return 0.4, "dates years in the past (dates of birth)"
        if "age_range" in looks:
            return 0.45, "age ranges (9-17, 18+)"
    if name in _YEAR_FIELDS and "year" in looks:
        return 0.45, "whole numbers between 1900 and 2100 (years)"
    if name in _YEAR_FIELDS and "year_label" in looks:
        return 0.45, "years written as text (FY2023)"
    if name == "period_start" and "period_text" in looks:
        return 0.3, "periods written as text (2023-24, 2024-W01)"
    if name in _YEAR_FIELDS and "period_text" in looks:
        return 0.2, "periods written as text (2023-24, 2024-W01)"
    if name in _DATE_FIELDS and kind in ("date", "datetime"):
        detail = f" in {profile.date_format}" if profile.date_format else ""
        return 0.2, f"dates{detail}"
    if name == "observed_value" and measure and looks & {"count", "share", "amount"}:
        return 0.55, "non-negative numbers (a measure)"
    if name == "observed_value" and (kind == "boolean" or "binary" in looks):
        return 0.5, "yes/no flags (counted per place and period)"
    if name in ("sentence_months", "workers_affected") and measure and "count" in looks:
        return 0.1, "counts"
    if name == "back_wages_usd" and kind == "float" and "amount" in looks:
        return 0.2, "amounts with decimals"
    if name in ("has_minor_victims", "is_enacted") and (kind == "boolean" or "binary" in looks):
        return 0.2, "yes/no values"
    if name in _KEY_FIELDS and "unique" in looks and kind in ("text", "integer"):
        return 0.25, "a distinct value on every row (an identifier)"
    if name == "reporting_unit" and _matches(profile, _ORI) >= 0.9:
        return 0.6, "ORI codes (two letters and seven characters)"
    if name == "bill_number" and _matches(profile, _BILL) >= 0.8:
        return 0.5, "bill numbers (SB 12, HB 345)"
    if name == "statute" and _matches(profile, _STATUTE) >= 0.8:
        return 0.35, "statute citations"
    if name == "industry_code" and _matches(profile, _NAICS) >= 0.9 and profile.distinct > 1:
        return 0.15, "numeric industry codes"
    if name == "is_enacted" and any("enact" in v.lower() for v in profile.values):
        return 0.4, "legislative statuses (Enacted)"
    return 0.0, ""


def _compatibility(profile: ColumnProfile, silver: SilverField, code_fields: set[str]) -> float:
    """Whether the field's type can hold the column's values: 1, partly, or 0."""
    kind, looks = profile.kind, profile.looks
    if "empty" in looks or ("identifies_person" in looks and silver.name not in _KEY_FIELDS):
        return 0.0
    data_type = silver.data_type
    if data_type == "date":
        if kind in ("date", "datetime"):
            return 1.0
        periods = "period_text" in looks and silver.name in ("period_start", "period_end")
        return 1.0 if periods else 0.5 if kind == "text" else 0.0
    if data_type == "boolean":
        text_flags = kind == "text" and silver.name == "is_enacted"
        return 1.0 if kind == "boolean" or "binary" in looks or text_flags else 0.0
    if silver.name in _YEAR_FIELDS:
        if looks & {"year", "year_label", "period_text"}:
            return 1.0
        return 0.5 if kind in ("date", "datetime") else 0.3 if kind in ("text", "integer") else 0.0
    if silver.name == "observed_value":
        return 1.0 if kind in ("integer", "float", "boolean") or "binary" in looks else 0.0
    if data_type in ("bigint", "integer", "double"):
        if kind in ("integer", "float"):
            return 1.0
        return 0.3 if kind == "text" else 0.0
    if silver.name == "indicator":
        return 1.0 if kind == "text" else 0.5 if "small_code" in looks else 0.0
    if kind in ("date", "datetime"):
        return 1.0 if silver.name in ("age_band", "defendant_age_band") else 0.0
    if kind == "float" and silver.name not in ("reporting_unit", "slice_value"):
        return 0.0
    if kind == "boolean":
        return 0.0
    if looks & {"email", "phone", "wkt", "long_text", "coordinate"}:
        return 0.0
    if "json" in looks and silver.name not in code_fields:
        return 0.0
    numeric_codes = silver.name in ("state_fips", "county_fips", "age_band", "defendant_age_band")
    if (
        silver.name in code_fields
        and kind == "integer"
        and "small_code" not in looks
        and not numeric_codes
    ):
        return 0.3
    return 1.0


# A column named after a code of these lists is one of a wide layout's columns (a column per
# policy, per offense), holding this field's values.
_NAMED_BY_CODE = {"policy codes": "enacted_year", "NIBRS offense codes": "observed_value"}


def named_by_code(profile: ColumnProfile, silver: SilverField, lists: list[CodeList]) -> str:
    """The code a wide layout's column is named after, when its values fit `silver`."""
    for codes in lists:
        if _NAMED_BY_CODE.get(codes.name) != silver.name:
            continue
        if silver.name == "enacted_year" and "year" not in profile.looks:
            continue
        name_words = words(profile.sent)
        candidates = [" ".join(name_words), "_".join(name_words)]
        candidates += [w for w in name_words if len(w) >= 3 and any(c.isdigit() for c in w)]
        for candidate in candidates:
            if candidate in codes.codes:
                return f"named after {codes.canonical[candidate]!r} of {codes.seed}"
    return ""


def score(profile: ColumnProfile, silver: SilverField, lists: list[CodeList]) -> Mapping | None:
    code_fields = {field for codes in lists for field in codes.fields} | {"outcome", "role"}
    compatible = _compatibility(profile, silver, code_fields)
    if not compatible:
        return None
    name, term = name_score(profile, silver)
    values, value_said = value_evidence(profile, silver, lists)
    shape, shape_said = profile_evidence(profile, silver)
    wide = named_by_code(profile, silver, lists)
    doubt = (1 - 0.85 * name) * (1 - 0.9 * values) * (1 - shape) * (0.3 if wide else 1)
    confidence = compatible * (1 - doubt)
    if confidence < SUGGESTED:
        return None
    evidence = []
    if name >= 0.3:
        evidence.append(f"name ~ {term!r} ({name:.2f})")
    if values >= 0.1:
        evidence.append(value_said)
    if shape:
        evidence.append(shape_said)
    if wide:
        evidence.append(f"{wide}: one column per code (a wide layout)")
    if compatible < 1:
        evidence.append("type only partly fits")
    confidence = min(confidence, 0.99)
    return Mapping(profile.name, silver.name, confidence, evidence, name, bool(wide))


def _weight(silver: str) -> float:
    if silver in _SHARED:
        return 0.4
    if silver in _DATE_FIELDS:
        return 0.6
    return 1.0


def _assign(candidates: Iterable[Mapping]) -> list[Mapping]:
    """Greedy: the surest pairs first; a column feeds one field, a field takes one column
    (measures excepted: every measure column is an observed value)."""
    taken_columns: set[str] = set()
    taken_fields: set[str] = set()
    chosen = []
    ranked = sorted(candidates, key=lambda m: (-m.confidence, -m.name_strength, m.column, m.field))
    for candidate in ranked:
        if candidate.column in taken_columns or candidate.field in taken_fields:
            continue
        if candidate.wide and any(c.field == candidate.field and not c.wide for c in chosen):
            continue
        chosen.append(candidate)
        taken_columns.add(candidate.column)
        if candidate.field != "observed_value" and not candidate.wide:
            taken_fields.add(candidate.field)
    return chosen


_PERSON_FIELDS = {"sex", "race_ethnicity", "age_band", "nationality", "person_key", "role"}
_CASE_FIELDS = {
    "case_key",
    "case_type",
    "defendant_key",
    "defendant_sex",
    "defendant_age_band",
    "defendant_race_ethnicity",
    "district",
    "statute",
    "has_minor_victims",
    "sentence_months",
    "workers_affected",
    "back_wages_usd",
    "industry_code",
    "filed_on",
    "disposed_on",
}


def _identifiers(profiles: list[ColumnProfile]) -> list[ColumnProfile]:
    """Columns distinct on every row that name a record (an id, a number, a code)."""
    return [
        p
        for p in profiles
        if "unique" in p.looks
        and p.kind in ("text", "integer")
        and (
            _ID_WORDS & set(expanded_words(p.sent))
            or (
                p.kind == "text"
                and sum(any(c.isdigit() for c in v) for v in p.values) >= 0.8 * p.distinct
            )
        )
        and not p.looks & {"email", "phone", "wkt", "coordinate"}
    ]


def _grain(profiles: list[ColumnProfile], fit: ShapeFit) -> float:
    """Multiplies a shape's fit by what the table's grain says: person records need a
    person's details, cases a case's, and a table of measures with no identifier is an
    aggregate rather than records."""
    personal = [
        p for p in profiles if p.looks & {"identifies_person", "birth_dates"} or "birth" in p.words
    ]
    identifiers = _identifiers(profiles)
    fields = {m.field for m in fit.mappings}
    measures = sum(m.field == "observed_value" for m in fit.mappings)
    factor = 1.0
    if fit.shape == "person_records":
        if personal:
            fit.evidence.append(
                f"columns describing people (names, contacts, births): {len(personal)}"
            )
        if len(personal) < 2 and not fields & _PERSON_FIELDS:
            fit.evidence.append("no column describes a person (sex, race, age, names)")
            factor *= 0.4
    policy = fields & {"policy_code", "is_enacted", "bill_number"} or any(
        m.wide for m in fit.mappings
    )
    if fit.shape == "policies" and not policy:
        fit.evidence.append("no column names a policy (its code, status or bill)")
        factor *= 0.4
    if fit.shape == "cases" and not fields & _CASE_FIELDS:
        fit.evidence.append("no column describes a case (statute, court, sentence, filing)")
        factor *= 0.4
    if identifiers and fit.shape in ("person_records", "cases"):
        fit.evidence.append(
            f"{shown(identifiers[0].sent)} is distinct on every row: a row per record"
        )
    if identifiers and fit.shape == "indicator_observations":
        factor *= 0.75
    if not identifiers and measures >= 2:
        if fit.shape == "indicator_observations":
            fit.evidence.append(f"{measures} measure columns and no record identifier: aggregates")
        elif fit.shape in ("person_records", "cases"):
            factor *= 0.75
    return factor


def fit_shapes(
    profiles: list[ColumnProfile], dbt_project_dir: Path, seeds_dir: Path
) -> list[ShapeFit]:
    """Every shape fitted to the columns, best first."""
    lists = code_lists(seeds_dir)
    fits = []
    for shape, fields in silver_fields(dbt_project_dir).items():
        candidates = [
            mapping
            for profile in profiles
            for silver in fields
            if (mapping := score(profile, silver, lists)) is not None
        ]
        chosen = _assign(candidates)
        mapped = [m for m in chosen if m.confidence >= MAPPED]
        suggested = [m for m in chosen if m.confidence < MAPPED]
        repeated = [m for m in mapped if m.field == "observed_value" or m.wide]
        total = sum(m.confidence * _weight(m.field) for m in mapped if m not in repeated)
        total += min(len(repeated), 4) * 0.5 * max((m.confidence for m in repeated), default=0)
        fit = ShapeFit(shape, 0.0, mapped, suggested)
        fit.fit = round(total * _grain(profiles, fit), 2)
        fits.append(fit)
    return sorted(fits, key=lambda fit: -fit.fit)
