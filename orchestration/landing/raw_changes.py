"""Which data sets have new or changed raw objects since the last look (the sensor's logic).

The sensor compares each listing of the raw bucket with the one before (its cursor). Its first
look has none: it compares the listing with what the landings have seen instead (each data
set's ledger and last landing), so only data sets with something new to land start a run,
not every data set at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from orchestration.landing.landing import _read_ledger, read_last_landing
from orchestration.platform.lake_layout import LayoutError, parse_raw_key
from orchestration.trust.withdrawals import is_withdrawn, withdrawn_contributors


def changed_sources(
    previous: dict[str, str], current: dict[str, str], declared: set[str]
) -> set[str]:
    """Declared data sets with an object added, changed (new ETag) or removed.

    An object whose name the layout refuses still counts for the declared data set whose
    folder it is in: that data set's run reports it by name (and reads nothing of it).
    """
    changed_keys = {k for k, etag in current.items() if previous.get(k) != etag}
    changed_keys |= set(previous) - set(current)
    sources = set()
    for key in changed_keys:
        try:
            source = parse_raw_key(key).source
        except LayoutError:
            source = key.split("/", 1)[0]
        if source in declared:
            sources.add(source)
    return sources


def seen_by_landings(
    raw_bucket: str, ledgers: Iterable[dict[str, dict]], last_landings: Iterable[dict | None]
) -> dict[str, str]:
    """The raw objects the landings have seen, key (in the raw bucket) -> ETag: what bronze
    holds (the ledgers), and what each data set's last landing read, whatever became of it
    (landed, unchanged, held by a gate, failed, ignored). Landing one of these again at the
    same ETag would change nothing."""
    seen: dict[str, str] = {}
    entries = [entry for ledger in ledgers for entry in ledger.values()]
    entries += [outcome for report in last_landings if report for outcome in report["outcomes"]]
    prefix = f"{raw_bucket}/"
    for entry in entries:
        raw_key, version = entry.get("raw_key", ""), entry.get("version")
        if version and raw_key.startswith(prefix):
            seen[raw_key.removeprefix(prefix)] = version
    return seen


def landed_listing(
    fs: Any, raw_bucket: str, lake_bucket: str, sources: Iterable[str], current: dict[str, str]
) -> dict[str, str]:
    """The listing as the landings last saw it, to compare `current` with when there is no
    earlier listing. A withdrawn contributor's objects, which landing skips, count as seen."""
    sources = sorted(sources)
    seen = seen_by_landings(
        raw_bucket,
        (_read_ledger(fs, lake_bucket, source) for source in sources),
        (read_last_landing(fs, lake_bucket, source) for source in sources),
    )
    withdrawn = withdrawn_contributors(fs, lake_bucket)
    return seen | {key: etag for key, etag in current.items() if is_withdrawn(key, withdrawn)}


def read_cursor(cursor: str | None) -> dict[str, str]:
    return json.loads(cursor) if cursor else {}


def write_cursor(listing: dict[str, str]) -> str:
    return json.dumps(listing, sort_keys=True, separators=(",", ":"))


def listing_digest(listing: dict[str, str], source: str) -> str:
    """A stable fingerprint of one data set's raw objects, so a state is run only once."""
    digest = hashlib.sha256()
    for key in sorted(k for k in listing if k.startswith(f"{source}/")):
        digest.update(f"{key}={listing[key]}\n".encode())
    return digest.hexdigest()[:16]
