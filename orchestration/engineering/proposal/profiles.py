"""What a sample's columns hold: a type, missing-value sentinels, a date format, and the
shapes of their values (years, ages, codes, emails, a row index).

Profiles are computed from the sample read with no missing-value codes applied, so a `-99`
or an `N/A` is seen as sent. A sentinel is a value that means "missing": text such as
`N/A`, `Unknown` or `.` when it is frequent in the column, and numeric codes such as -99,
-1 or 999 that stand apart from the column's other numbers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from orchestration.engineering.proposal.naming import words

TEXT_SENTINELS = {
    "n/a",
    "na",
    "n.a.",
    "#n/a",
    "none",
    "null",
    "nil",
    "nan",
    "unknown",
    "unk",
    "missing",
    "not available",
    "not reported",
    "not recorded",
    "not applicable",
    "declined",
    "refused",
    "(blank)",
    ".",
    "-",
    "--",
    "?",
}
NUMERIC_SENTINELS = (-99999, -9999, -999, -99, -98, -97, -9, -8, -7, -1)
NINES = (99, 999, 9999, 99999, 98, 998, 9998)
DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%Y/%m/%d",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%m/%d/%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
)
_COMPACT_DATE = "%Y%m%d"
_INTEGER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)$")
_FLOAT = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?\.\d+$|^[-+]?\d+(?:\.\d*)?[eE][-+]?\d+$")
_BOOLEAN = {"true", "false", "yes", "no", "y", "n", "t", "f"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?1?[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}$")
_AGE_RANGE = re.compile(r"^\d+\s*(?:-|to|\u2013)\s*\d+$|^\d+\s*\+$|^(?:under|<)\s*\d+$", re.I)
_YEAR_LABEL = re.compile(r"^(?:FY|CY|SFY)?\s*(?:19|20)\d{2}$", re.I)
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_WKT = re.compile(r"^(?:MULTI)?(?:POINT|LINESTRING|POLYGON)\s*\(", re.I)
_DATE_WORDS = {"date", "dt", "dob", "day", "on", "at", "birth", "born"}
_CONTACT_WORDS = {"phone", "email", "mail", "ssn", "telephone", "mobile"}
# Words that name a person's details when the column holds text
_PERSON_WORDS = {"surname", "address", "fname", "lname"}
# "first" names a person in `youth_first` or `Client First`, not in `first_seen` (a date)
_NAME_PARTS = {"first", "last", "given", "middle"}
_WHOSE_NAME = {"client", "youth", "defendant", "victim", "person", "full", "child", "survivor"}
_WHOSE_NAME |= {"patient", "offender", "participant", "suspect", "arrestee"}


@dataclass
class ColumnProfile:
    """One column of the sample."""

    name: str
    """The name the column lands under."""
    sent: str
    """The name as the file's header gave it."""
    position: int
    arrow_type: pa.DataType
    kind: str
    """integer, float, boolean, date, datetime or text."""
    rows: int
    present: int
    """Values that are neither null, blank nor a sentinel."""
    values: Counter[str]
    """The present values as text, with their counts."""
    numbers: list[float] = field(default_factory=list)
    sentinels: list[str] = field(default_factory=list)
    date_format: str | None = None
    date_range: tuple[dt.date, dt.date] | None = None
    looks: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return words(self.sent)

    @property
    def distinct(self) -> int:
        return len(self.values)

    @property
    def typed(self) -> bool:
        """Whether the file itself typed the column (Parquet, SPSS...), not text."""
        return not pa.types.is_string(self.arrow_type) and not pa.types.is_large_string(
            self.arrow_type
        )


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN: a statistical file's system missing
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _text_sentinels(counts: Counter[str], numeric_rest: bool) -> list[str]:
    """Frequent text codes for "missing"; any of them in a column otherwise numeric."""
    total = sum(counts.values())
    top = {value for value, _ in counts.most_common(5)}
    found = []
    for value, count in counts.items():
        if value.lower() not in TEXT_SENTINELS:
            continue
        if numeric_rest or value in top or count >= 0.02 * total:
            found.append(value)
    return sorted(found)


def _numeric_sentinels(numbers: list[float]) -> list[float]:
    """Codes such as -99 in a column of non-negative numbers, or 999 far above the rest."""
    counts = Counter(numbers)
    found = []
    for code in (*NUMERIC_SENTINELS, *NINES):
        count = counts.get(float(code), 0)
        if count == 0 or (count < 2 and len(numbers) >= 20):
            continue
        rest = [n for n in numbers if n != code]
        if not rest:
            continue
        if (code < 0 and min(rest) >= 0) or (
            code > 0 and max(rest) < code and code - max(rest) >= 0.1 * code
        ):
            found.append(float(code))
    return found


def _parses(values: list[str], format: str, counts: Counter[str]) -> int:
    """How many rows hold a value `format` reads."""
    parsed = 0
    for value in values:
        try:
            dt.datetime.strptime(value, format)
        except ValueError:
            continue
        parsed += counts[value]
    return parsed


def _date_format(counts: Counter[str], name_words: list[str]) -> tuple[str | None, list[str]]:
    """The format that reads at least 90% of the values (the rest may be bad dates)."""
    distinct = sorted(counts)[:2000]
    if not distinct:
        return None, []
    formats = list(DATE_FORMATS)
    if _DATE_WORDS & set(name_words) and all(re.fullmatch(r"\d{8}", v) for v in distinct):
        formats.append(_COMPACT_DATE)
    total = sum(counts[v] for v in distinct)
    shares = {format: _parses(distinct, format, counts) / total for format in formats}
    best = max(formats, key=lambda format: shares[format])
    if shares[best] < 0.9:
        return None, []
    notes = []
    if shares[best] < 1:
        bad = total - _parses(distinct, best, counts)
        notes.append(f"{bad} values do not read as dates in {best} (they will be null)")
    twins = {"%m/%d/%Y": "%d/%m/%Y", "%m-%d-%Y": "%d-%m-%Y"}
    if best in twins and shares[twins[best]] == shares[best]:
        notes.append(f"day and month are ambiguous ({best} or {twins[best]}); check the source")
    return best, notes


def _looks(profile: ColumnProfile) -> set[str]:
    looks: set[str] = set()
    values = list(profile.values)
    present = profile.present
    if not present:
        return {"empty"}
    if profile.distinct == present and present >= 5:
        looks.add("unique")
    if profile.kind == "text":
        share = {
            "email": sum(bool(_EMAIL.match(v)) for v in values),
            "phone": sum(bool(_PHONE.match(v)) for v in values),
            "wkt": sum(bool(_WKT.match(v)) for v in values),
            "json": sum(v[:1] in "[{" for v in values),
            "packed": sum("; " in v for v in values),
            "age_range": sum(bool(_AGE_RANGE.match(v)) for v in values),
        }
        looks |= {look for look, hits in share.items() if hits >= 0.8 * len(values)}
        if share["packed"] >= 0.3 * len(values):
            looks.add("packed")
        if any(len(v) > 1 and v[0] == "0" and v.isdigit() for v in values):
            looks.add("digit_code")
        years = sum(bool(_YEAR_IN_TEXT.search(v)) and not v.isdigit() for v in values)
        if profile.kind == "text" and years >= 0.9 * len(values):
            labels = sum(bool(_YEAR_LABEL.match(v)) for v in values)
            looks.add("year_label" if labels >= 0.9 * len(values) else "period_text")
        if statistics.mean(len(v) for v in values) > 40:
            looks.add("long_text")
        if profile.distinct <= 60 and profile.distinct <= 0.5 * present:
            looks.add("code")
    if profile.kind in ("integer", "float") and profile.numbers:
        numbers = profile.numbers
        low, high = min(numbers), max(numbers)
        whole = all(n.is_integer() for n in numbers)
        if whole:
            looks.add("whole")
            ordered = [int(n) for n in numbers]
            if len(ordered) > 1 and all(b - a == 1 for a, b in itertools.pairwise(ordered)):
                looks.add("row_index")
            if low >= 1900 and high <= 2100:
                looks.add("year")
            if set(ordered) <= {0, 1}:
                looks.add("binary")
            elif low >= 0 and high <= 120 and 3 <= statistics.median(numbers) <= 85:
                looks.add("age")
            if low >= 0:
                looks.add("count")
            if profile.distinct <= 12 and high <= 99:
                looks.add("small_code")
        else:
            if low >= 0 and high <= 1:
                looks.add("share")
            precise = any(len(repr(n).split(".")[-1]) >= 4 for n in numbers)
            named = set(profile.words) & {"lat", "latitude", "lon", "lng", "long", "longitude"}
            if low >= -180 and high <= 180 and precise and named:
                looks.add("coordinate")
            if low >= 0:
                looks.add("amount")
    name_words = set(profile.words)
    text = profile.kind == "text"
    named = bool(name_words & (_NAME_PARTS | _PERSON_WORDS)) and text
    whose_name = "name" in name_words and bool(name_words & _WHOSE_NAME) and text
    if looks & {"email", "phone"} or name_words & _CONTACT_WORDS or named or whose_name:
        looks.add("identifies_person")
    if profile.kind in ("date", "datetime") and profile.date_range:
        first, last = profile.date_range
        if last.year - first.year >= 3 and last.year <= dt.date.today().year - 5:
            looks.add("birth_dates")
    return looks


def _kind_of_text(values: list[str]) -> str:
    lowered = {v.lower() for v in values}
    if lowered and lowered <= _BOOLEAN:
        return "boolean"
    if values and all(_INTEGER.match(v) for v in values):
        return "integer"
    if values and all(_INTEGER.match(v) or _FLOAT.match(v) for v in values):
        return "float"
    return "text"


def _kind_of_type(arrow_type: pa.DataType, numbers: list[float]) -> str:
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "integer" if all(n.is_integer() for n in numbers) else "float"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "datetime"
    return "text"


def profile_column(column: pa.ChunkedArray, name: str, sent: str, position: int) -> ColumnProfile:
    """A column's profile from its sampled values."""
    texts = [_as_text(value) for value in column.to_pylist()]
    counts = Counter(text for text in texts if text is not None)
    numeric = {v for v in counts if _number(v) is not None}
    rest_numeric = bool(numeric) and all(
        v in numeric or v.lower() in TEXT_SENTINELS for v in counts
    )
    sentinels = _text_sentinels(counts, rest_numeric)
    for sentinel in sentinels:
        del counts[sentinel]
    profile = ColumnProfile(
        name=name,
        sent=sent,
        position=position,
        arrow_type=column.type,
        kind="text",
        rows=len(texts),
        present=sum(counts.values()),
        values=counts,
        sentinels=sentinels,
    )
    values = list(counts)
    if profile.typed:
        numbers = [n for v in values for n in [_number(v)] * counts[v] if n is not None]
        profile.kind = _kind_of_type(column.type, numbers)
    else:
        profile.kind = _kind_of_text(values)
    if profile.kind in ("integer", "float"):
        profile.numbers = [n for v in values for n in [_number(v)] * counts[v] if n is not None]
        codes = _numeric_sentinels(profile.numbers)
        if codes:
            profile.numbers = [n for n in profile.numbers if n not in codes]
            for code in codes:
                text = str(int(code))
                profile.sentinels.append(text)
                profile.present -= counts.pop(text, 0)
    elif profile.kind == "text" and values:
        profile.date_format, profile.notes = _date_format(counts, words(sent))
        if profile.date_format:
            has_time = "%H" in profile.date_format
            midnight = all(v.endswith(("00:00:00", "00:00", "00:00:00Z")) for v in values)
            profile.kind = "datetime" if has_time and not midnight else "date"
    if profile.kind in ("date", "datetime"):
        dates = []
        for value in values:
            try:
                parsed = (
                    dt.datetime.strptime(value, profile.date_format)
                    if profile.date_format
                    else dt.datetime.fromisoformat(value)
                )
            except ValueError:
                continue
            dates.append(parsed.date() if isinstance(parsed, dt.datetime) else parsed)
        if dates:
            profile.date_range = (min(dates), max(dates))
    if profile.kind == "datetime" and profile.typed:
        midnight = all(v.endswith("T00:00:00") for v in values)
        profile.kind = "date" if midnight else "datetime"
    profile.looks = _looks(profile)
    return profile


def profile_table(table: pa.Table, sent_names: dict[str, str]) -> list[ColumnProfile]:
    """Every column's profile, in the table's order."""
    return [
        profile_column(table.column(name), name, sent_names.get(name, name), position)
        for position, name in enumerate(table.column_names)
    ]
