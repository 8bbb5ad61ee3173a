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

from dataclasses import dataclass
from pathlib import PurePosixPath

DELIVERY_SEPARATOR = "__"


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
    """Split a key inside the raw bucket (no bucket name) into source, delivery and file."""
    parts = PurePosixPath(key).parts
    if len(parts) != 3:
        raise LayoutError(
            f"raw object {key!r} is not at <source>/<contributor>__<label>/<file>; move it there"
        )
    source, delivery, file_name = parts
    if DELIVERY_SEPARATOR not in delivery or delivery.startswith(DELIVERY_SEPARATOR):
        raise LayoutError(
            f"raw object {key!r}: delivery folder {delivery!r} must be "
            f"<contributor>{DELIVERY_SEPARATOR}<label>, e.g. tx_dfps__2024-06"
        )
    return RawObject(source, delivery, file_name)


def bronze_key(raw: RawObject) -> str:
    return f"bronze/{raw.source}/{raw.delivery}/{raw.file_name}.parquet"


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
