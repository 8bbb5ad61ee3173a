"""The columns of a drafted staging model: each bronze column renamed to snake_case, cast to
its type, its sentinels made null and its dates parsed; people's names and contacts left in
bronze; a date of birth turned into the age at the event.

Bronze columns are referenced only through `sql_quoting.identifier` (double quotes doubled)
and values only through `sql_quoting.literal`; aliases come from naming.snake_case.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.engineering.proposal.matching import ShapeFit
from orchestration.engineering.proposal.naming import snake_case, unique_names
from orchestration.engineering.proposal.profiles import ColumnProfile
from orchestration.engineering.proposal.vocabulary import expanded_words
from orchestration.platform.sql_quoting import identifier, literal

LINEAGE_COLUMNS = {
    "raw_key": "_raw_key",
    "landed_at": "_ingested_at",
    "delivery": "_delivery",
    "contributor": "_contributor",
    "raw_row_number": "_row_number",
}
AGE_COLUMN = "age_at_event"
RECORDS_COLUMN = "records"
KEY_FIELDS = {"record_key", "person_key", "case_key", "defendant_key"}
# Fields filled through a code seed or a geography lookup: staging hands them over as text.
CODE_FIELDS = {
    "sex",
    "defendant_sex",
    "race_ethnicity",
    "defendant_race_ethnicity",
    "trafficking_type",
    "role",
    "outcome",
    "policy_code",
    "nationality",
    "country_iso3",
    "state_fips",
    "county_fips",
    "indicator",
    "district",
    "statute",
    "industry_code",
}
_AGE_FIELDS = {"age_band", "defendant_age_band"}
_EVENT_FIELDS = ("event_date", "filed_on", "period_start")
_TRUE = ["true", "t", "yes", "y", "1", "1.0"]
_FALSE = ["false", "f", "no", "n", "0", "0.0"]
_BIRTH_WORDS = {"birth", "dob", "born"}


@dataclass
class StagingColumn:
    """One column of the drafted staging model."""

    alias: str
    expression: str
    group: str
    """ids, codes, measures, dates, text, or bronze (left there)."""
    profile: ColumnProfile | None = None
    """The bronze column it comes from; None for a derived column."""
    note: str = ""

    @property
    def source(self) -> str | None:
        return self.profile.name if self.profile is not None else None


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _text(profile: ColumnProfile) -> str:
    """The column as trimmed text with its text sentinels made null."""
    column = identifier(profile.name)
    if profile.typed:
        whole = profile.kind == "integer" and "whole" in profile.looks
        return (
            f"cast(try_cast({column} as bigint) as varchar)"
            if whole
            else f"cast({column} as varchar)"
        )
    text = f"trim({column})"
    for sentinel in profile.sentinels:
        text = f"nullif({text}, {literal(sentinel)})"
    return text


def _without_codes(expression: str, profile: ColumnProfile) -> str:
    """Numeric sentinels (-99, 999) made null."""
    for sentinel in profile.sentinels:
        if is_number(sentinel):
            expression = f"nullif({expression}, {sentinel})"
    return expression


def _boolean(profile: ColumnProfile) -> str:
    text = f"lower({_text(profile)})"
    true, false = (", ".join(literal(v) for v in values) for values in (_TRUE, _FALSE))
    return (
        f"case when list_contains([{true}], {text}) then true "
        f"when list_contains([{false}], {text}) then false end"
    )


def expression(profile: ColumnProfile, mapped: str | None, shape: str) -> tuple[str, str]:
    """The staging expression of a bronze column and the group it is listed under."""
    column = identifier(profile.name)
    kind, looks = profile.kind, profile.looks
    code_like = bool(set(expanded_words(profile.sent)) & {"id", "code", "fips", "zip"})
    code_like = code_like or "digit_code" in looks or mapped in CODE_FIELDS | KEY_FIELDS
    if mapped in KEY_FIELDS and shape in ("person_records", "cases"):
        return f"hub_pseudonym({_without_codes(_text(profile), profile)})", "ids"
    if kind in ("date", "datetime"):
        parsed = column
        if not profile.typed:
            parsed = f"try_strptime({_text(profile)}, {literal(profile.date_format or '%Y-%m-%d')})"
        return (f"cast({parsed} as date)" if kind == "date" else parsed), "dates"
    if kind == "boolean" or ("binary" in looks and mapped not in ("observed_value", None)):
        return _boolean(profile), "codes"
    if kind in ("integer", "float") and code_like:
        text = _text(profile)
        if mapped == "county_fips" and profile.typed:
            text = f"lpad({text}, 5, '0')"
        group = "ids" if "unique" in looks or mapped in KEY_FIELDS else "codes"
        return text, group
    if kind in ("integer", "float"):
        target = "bigint" if kind == "integer" else "double"
        if profile.typed:
            number = f"try_cast({column} as {target})"
        else:
            number = f"try_cast(replace({_text(profile)}, ',', '') as {target})"
        return _without_codes(number, profile), "measures"
    group = "ids" if "unique" in looks and code_like else "codes" if "code" in looks else "text"
    return _text(profile), group


def _as_date(sql: str) -> str:
    return sql if sql.startswith("cast(") and sql.endswith(" as date)") else f"cast({sql} as date)"


def _age_column(
    profiles: list[ColumnProfile], fit: ShapeFit, by_name: dict[str, StagingColumn]
) -> StagingColumn | None:
    """Age at the event from a date of birth, when both dates are there."""
    mapped = {m.field: m.column for m in fit.mappings}
    birth = next((mapped[f] for f in _AGE_FIELDS if f in mapped), None)
    event = next((mapped[f] for f in _EVENT_FIELDS if f in mapped), None)
    profile = next((p for p in profiles if p.name == birth), None)
    if profile is None or profile.kind not in ("date", "datetime") or event is None:
        return None
    born, on = (_as_date(by_name[name].expression) for name in (birth, event))
    return StagingColumn(
        AGE_COLUMN,
        f"date_sub(\n    'year',\n    {born},\n    {on}\n)",
        "measures",
        note=f"whole years from {by_name[birth].alias} to {by_name[event].alias}",
    )


def staging_columns(
    profiles: list[ColumnProfile], fit: ShapeFit, notes: list[str]
) -> list[StagingColumn]:
    """Every bronze column's staging column, in the file's order, and the derived age."""
    mapped = {m.column: m.field for m in fit.mappings}
    aliases = unique_names(
        [snake_case(p.name, f"column_{p.position + 1}") for p in profiles],
        {*LINEAGE_COLUMNS, AGE_COLUMN, RECORDS_COLUMN},
    )
    columns = []
    for profile, alias in zip(profiles, aliases, strict=True):
        field_name = mapped.get(profile.name)
        if "identifies_person" in profile.looks and field_name not in KEY_FIELDS:
            note = "identifies a person: stays in bronze"
            columns.append(StagingColumn(alias, "", "bronze", profile, note))
            continue
        if "empty" in profile.looks:
            columns.append(StagingColumn(alias, "", "bronze", profile, "empty in the sample"))
            continue
        sql, group = expression(profile, field_name, fit.shape)
        note = "identifies a record: pseudonymized" if sql.startswith("hub_pseudonym") else ""
        columns.append(StagingColumn(alias, sql, group, profile, note))
    by_name = {c.source: c for c in columns if c.source}
    age = _age_column(profiles, fit, by_name)
    for column in columns:
        birth = column.profile is not None and (
            set(expanded_words(column.profile.sent)) & _BIRTH_WORDS
            or "birth_dates" in column.profile.looks
        )
        if birth and column.group == "dates":
            if age is not None:
                column.group, column.note = "bronze", "a date of birth: only the age is kept"
            else:
                column.note = "a date of birth: keep only an age (no event date was found)"
    if age is not None:
        columns.append(age)
    if fit.shape == "indicator_observations" and not any(
        m.field == "observed_value" for m in fit.mappings
    ):
        note = "no measure column was found: each row counts once"
        columns.append(StagingColumn(RECORDS_COLUMN, "1", "measures", note=note))
    dropped = [c.alias for c in columns if c.group == "bronze"]
    if dropped:
        notes.append(f"left in bronze: {', '.join(dropped)}")
    return columns
