"""Source declarations: the `meta.hub` block of a dbt source table.

A data set is declared once, in its staging folder's `_<source>__sources.yml`, so dbt and
Dagster read the same declaration: dbt gets the bronze location, Dagster gets how to land
each contributor's deliveries. Example::

    sources:
      - name: screenings
        tables:
          - name: screenings
            config:
              meta:
                dagster: {asset_key: [bronze, screenings]}
                hub:
                  title: Youth screenings
                  cadence_days: 30
                  contributors:
                    tx_dfps: {format: csv, files: "*.csv", options: {encoding: utf-8}}
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SOURCES_GLOB = "models/staging/*/_*__sources.yml"

# libyaml's safe loader where PyYAML was built with it: the same documents, 8x faster
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceSpecError(ValueError):
    """A declaration that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class ContributorFeed:
    """How one contributor's deliveries of a data set are read."""

    contributor: str
    format: str | None
    files: str = "*"
    options: dict[str, Any] = field(default_factory=dict)

    def accepts(self, file_name: str) -> bool:
        return fnmatch.fnmatch(file_name, self.files)

    @property
    def fingerprint(self) -> str:
        """A digest of how deliveries are read: when it changes, landed objects land again."""
        declared = json.dumps(
            {"format": self.format, "options": self.options}, sort_keys=True, default=str
        )
        return hashlib.sha256(declared.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SourceSpec:
    name: str
    title: str
    cadence_days: int
    contributors: dict[str, ContributorFeed]
    declared_in: Path
    description: str = ""

    @property
    def asset_key(self) -> list[str]:
        return ["bronze", self.name]

    def feed_for(self, contributor: str) -> ContributorFeed | None:
        return self.contributors.get(contributor)


def parse_source_file(path: Path) -> list[SourceSpec]:
    """Every table with a `meta.hub` block in one dbt sources file."""
    try:
        document = yaml.load(path.read_text(), Loader=YAML_LOADER) or {}
    except yaml.YAMLError as error:
        raise SourceSpecError(f"{path}: not valid YAML ({error})") from error
    specs = []
    for source in document.get("sources") or []:
        for table in source.get("tables") or []:
            meta = _table_meta(table)
            if "hub" in meta:
                specs.append(_parse_table(path, source, table, meta))
    return specs


def load_source_specs(dbt_project_dir: Path) -> list[SourceSpec]:
    """All declared data sets of a dbt project, sorted by name; names must be unique."""
    specs: dict[str, SourceSpec] = {}
    for path in sorted(dbt_project_dir.glob(SOURCES_GLOB)):
        for spec in parse_source_file(path):
            if spec.name in specs:
                raise SourceSpecError(
                    f"{path}: data set {spec.name!r} is already declared in "
                    f"{specs[spec.name].declared_in}; keep one declaration per data set"
                )
            specs[spec.name] = spec
    return [specs[name] for name in sorted(specs)]


def _table_meta(table: dict) -> dict:
    # dbt accepts meta both under `config:` and at the top level of a table.
    return {**(table.get("meta") or {}), **((table.get("config") or {}).get("meta") or {})}


def _parse_table(path: Path, source: dict, table: dict, meta: dict) -> SourceSpec:
    name = table["name"]
    where = f"{path}: table {name!r}"
    hub = meta["hub"] or {}
    asset_key = (meta.get("dagster") or {}).get("asset_key")
    if asset_key != ["bronze", name]:
        raise SourceSpecError(
            f"{where}: meta.dagster.asset_key must be [bronze, {name}] so that dbt lineage "
            f"joins the bronze asset; found {asset_key!r}"
        )
    if source.get("name") != name:
        raise SourceSpecError(f"{where}: the source must be named like its table ({name!r})")
    cadence = hub.get("cadence_days")
    if not isinstance(cadence, int) or cadence <= 0:
        raise SourceSpecError(f"{where}: meta.hub.cadence_days must be a positive whole number")
    raw_contributors = hub.get("contributors") or {}
    if not raw_contributors:
        raise SourceSpecError(f"{where}: meta.hub.contributors must name at least one contributor")
    contributors = {}
    for contributor, feed in raw_contributors.items():
        feed = feed or {}
        unknown = set(feed) - {"format", "files", "options"}
        if unknown:
            raise SourceSpecError(
                f"{where}: contributor {contributor!r} has unknown keys {sorted(unknown)}; "
                "allowed: format, files, options"
            )
        contributors[contributor] = ContributorFeed(
            contributor=contributor,
            format=feed.get("format"),
            files=feed.get("files", "*"),
            options=dict(feed.get("options") or {}),
        )
    return SourceSpec(
        name=name,
        title=hub.get("title", name),
        cadence_days=cadence,
        contributors=contributors,
        declared_in=path,
        description=table.get("description", ""),
    )
