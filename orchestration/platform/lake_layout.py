"""Where each object lives, in one place, so a key is never assembled by hand elsewhere.

raw/<source>/<contributor>__<label>/<file>          immutable contributor deliveries
lake/bronze/<source>/<delivery>/<file>.parquet     one Parquet object per raw file
lake/quarantine/<source>/<delivery>/<file>.parquet rows rejected at parse time, with reasons
lake/bronze/<source>/_ledger.json                   what was landed from which raw object
lake/bronze/<source>/_last_landing.json             the outcome of the latest landing
lake/gold/<table>.parquet                           exports of the gold marts
lake/gold/reports/<file>                            rendered reports (the heat map)
lake/steward/run_failures/<run id>.json             a note on each failed run, for stewards
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pyarrow as pa

DELIVERY_SEPARATOR = "__"
# The columns landing adds to every bronze row, saying where it came from. The gates, the
# dbt macro `bronze()` (through the macro `hub prepare` generates) and the quarantine read
# these names and types from here.
LINEAGE_SCHEMA = pa.schema(
    [
        ("_raw_key", pa.string()),
        ("_raw_sha256", pa.string()),
        ("_delivery", pa.string()),
        ("_contributor", pa.string()),
        ("_row_number", pa.int64()),
        ("_ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)
LINEAGE_COLUMNS = tuple(LINEAGE_SCHEMA.names)
# Every lineage column but the landing time is set on each row.
REQUIRED_LINEAGE = LINEAGE_COLUMNS[:-1]
_SQL_TYPES = {
    pa.string(): "varchar",
    pa.int64(): "bigint",
    pa.timestamp("us", tz="UTC"): "timestamptz",
}


def lineage_sql_types() -> list[tuple[str, str]]:
    """The lineage columns with their DuckDB types, for SQL that must name them."""
    return [(field.name, _SQL_TYPES[field.type]) for field in LINEAGE_SCHEMA]


# A name part may hold letters and digits (of any script), these punctuation marks, and inner
# spaces. Everything else a contributor could put in a key (quotes, `;`, glob characters,
# `%`, slashes, control and format characters such as NUL or a right-to-left override) is
# refused before anything reads the object, so a key is safe in SQL, a glob and a path.
NAME_PUNCTUATION = frozenset("._- ")
MAX_NAME_LENGTH = 200


class LayoutError(ValueError):
    """A raw key that does not follow raw/<source>/<contributor>__<label>/<file>."""


@dataclass(frozen=True, order=True)
class RawObject:
    source: str
    delivery: str
    file_name: str

    @property
    def contributor(self) -> str:
        return self.delivery.split(DELIVERY_SEPARATOR, 1)[0]

    @property
    def key(self) -> str:
        """The key inside the raw bucket."""
        return f"{self.source}/{self.delivery}/{self.file_name}"


def parse_raw_key(key: str) -> RawObject:
    """Split a key inside the raw bucket (no bucket name) into source, delivery and file.

    The key is checked whole first: a key that is not plainly
    <source>/<contributor>__<label>/<file> with safe names is refused, never read.
    """
    parts = key.split("/")
    if len(parts) != 3:
        raise LayoutError(
            f"raw object {key!r} is not at <source>/<contributor>__<label>/<file>; move it there"
        )
    for part in parts:
        if problem := unsafe_name(part):
            raise LayoutError(
                f"raw object {key!r}: the name {part!r} {problem}; rename it using letters, "
                "digits, '.', '_', '-' and inner spaces, and upload it again"
            )
    source, delivery, file_name = parts
    if DELIVERY_SEPARATOR not in delivery or delivery.startswith(DELIVERY_SEPARATOR):
        raise LayoutError(
            f"raw object {key!r}: delivery folder {delivery!r} must be "
            f"<contributor>{DELIVERY_SEPARATOR}<label>, e.g. tx_dfps__2024-06"
        )
    return RawObject(source, delivery, file_name)


def unsafe_name(name: str) -> str | None:
    """Why `name` cannot be one part of a raw key, or None when it can."""
    if not name:
        return "is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"is longer than {MAX_NAME_LENGTH} characters"
    if name != name.strip():
        return "starts or ends with a space"
    if name.startswith("."):
        return "starts with a dot"
    refused = sorted({ch for ch in name if not (ch.isalnum() or ch in NAME_PUNCTUATION)})
    if refused:
        shown = ", ".join(
            repr(ch) if ch.isprintable() else f"U+{ord(ch):04X} ({unicodedata.name(ch, 'control')})"
            for ch in refused
        )
        return f"holds characters a raw key may not hold: {shown}"
    return None


def bronze_key(raw: RawObject) -> str:
    return f"bronze/{raw.source}/{raw.delivery}/{raw.file_name}.parquet"


def is_bronze_key(key: str) -> bool:
    """Whether a key inside the lake bucket is one `bronze_key` can have made."""
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != "bronze" or not parts[3].endswith(".parquet"):
        return False
    try:
        raw = parse_raw_key("/".join([parts[1], parts[2], parts[3].removesuffix(".parquet")]))
    except LayoutError:
        return False
    return bronze_key(raw) == key


def quarantine_key(raw: RawObject) -> str:
    return f"quarantine/{raw.source}/{raw.delivery}/{raw.file_name}.parquet"


def ledger_key(source: str) -> str:
    return f"bronze/{source}/_ledger.json"


def last_landing_key(source: str) -> str:
    return f"bronze/{source}/_last_landing.json"


def bronze_glob(source: str) -> str:
    return f"bronze/{source}/*/*.parquet"


def gold_export_key(table: str) -> str:
    return f"gold/{table}.parquet"


def report_key(file_name: str) -> str:
    return f"gold/reports/{file_name}"


def run_failure_key(run_id: str) -> str:
    return f"steward/run_failures/{run_id}.json"
