"""Which data sets have new or changed raw objects since the last look (the sensor's logic)."""

from __future__ import annotations

import hashlib
import json

from orchestration.lib.lake_layout import LayoutError, parse_raw_key


def changed_sources(
    previous: dict[str, str], current: dict[str, str], declared: set[str]
) -> set[str]:
    """Declared data sets with an object added, changed (new ETag) or removed."""
    changed_keys = {k for k, etag in current.items() if previous.get(k) != etag}
    changed_keys |= set(previous) - set(current)
    sources = set()
    for key in changed_keys:
        try:
            source = parse_raw_key(key).source
        except LayoutError:
            continue
        if source in declared:
            sources.add(source)
    return sources


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
