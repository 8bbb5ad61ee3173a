"""File names for the explorer's pages, made from names contributors supply.

A name that is already a plain identifier (lowercase letters, digits, underscores) is its own
slug, so pages keep readable names (data-sets/screenings.html). Anything else (`../`, markup,
quotes, spaces, another script) is reduced to those characters, joined by hyphens, and given
a hash of the whole name: two names never share a page, and no slug leaves its folder.
"""

from __future__ import annotations

import hashlib
import re

from orchestration.publishing.heatmap import CellScore

_PLAIN = re.compile(r"[a-z0-9_]{1,60}")
_OTHER = re.compile(r"[^a-z0-9_]+")
MAX_STEM = 40


def slug(name: str) -> str:
    """A file-name-safe stem for `name`: [a-z0-9_-] only, never empty, never `.` or `..`."""
    if _PLAIN.fullmatch(name):
        return name
    stem = _OTHER.sub("-", name.lower()).strip("-_")[:MAX_STEM].strip("-_")
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    # a plain name has no hyphen, so a hashed slug never equals one
    return f"{stem}-{digest}" if stem else f"name-{digest}"


def data_set_page(data_set: str) -> str:
    """The data set's page, relative to the site's root."""
    return f"data-sets/{slug(data_set)}.html"


def cell_page(cell: CellScore) -> str:
    """The cell's page, relative to the site's root: named by its position in the taxonomy."""
    return f"cells/{slug(cell.intervention)}-{slug(cell.condition)}-{slug(cell.level)}.html"
