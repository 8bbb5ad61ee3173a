"""Data set declarations: the `meta.hub` block of a dbt source table.

A data set is declared once, in its staging folder's `_<source>__sources.yml`, and that file is
the only place that names it: dbt gets the bronze location, Dagster gets how to land each
contributor's deliveries, the trust gets who may deliver it, and the catalog the scoring reads
(`data_set_catalog`, `contributor_jurisdictions`) is derived from it. Example::

    sources:
      - name: screenings
        tables:
          - name: screenings
            config:
              meta:
                dagster: {asset_key: [bronze, screenings]}
                hub:
                  title: Youth trafficking screenings
                  cadence_days: 30
                  grain: one screening of one youth
                  publisher_type: government
                  standard_definition: none
                  scope: us_counties
                  demographic_dimensions: [age, sex, race_ethnicity]
                  expected_fields: [record_key, event_date, state_fips, age_band, sex]
                  contributors:
                    tx_dfps:
                      name: Texas Department of Family and Protective Services
                      kind: government
                      jurisdiction: {state: TX}
                      format: csv
                      files: "*.csv"
                      options: {encoding: utf-8}
                  silver:            # optional: conform by declaration (macros/conform_to_silver.sql)
                    shape: person_records
                    from: stg_screenings__screenings
                    fields: {event_date: screened_on, sex: {code: sex_codes, column: sex}}
                    cells: {htcds_role: [victim]}
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SOURCES_GLOB = "models/staging/*/_*__sources.yml"

# libyaml's safe loader where PyYAML was built with it: the same documents, 8x faster
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CONTRIBUTOR_KINDS = ("government", "ngo", "research", "platform", "service_provider")
STANDARD_DEFINITIONS = ("TVPA", "NIBRS", "HTCDS", "Palermo", "none")
# scope: the geography a data set means to cover, which its geographic coverage is scored on
SCOPES = {
    "us_counties": ("us_counties", "county"),
    "us_states": ("us_states", "state"),
    "us_national": ("us_national", "country"),
    "global": ("countries", "country"),
}
GEOGRAPHY_LEVELS = ("state", "county", "city", "country", "point")
SILVER_SHAPES = ("person_records", "cases", "indicator_observations", "policies")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_STATE = re.compile(r"^[A-Z]{2}$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_MEASURE_KEYS = {"unit", "indicator", "cells", "rules", "slice_dimension", "slice_value"}
_CELL = re.compile(r"^[a-z]+\.[a-z]+\.[a-z]+$")
_FEED_KEYS = {"format", "files", "options", "name", "kind", "jurisdiction"}
_HUB_KEYS = {
    "title",
    "cadence_days",
    "grain",
    "publisher_type",
    "standard_definition",
    "scope",
    "geography_level",
    "demographic_dimensions",
    "expected_fields",
    "demo",
    "contributors",
    "silver",
    "vocabularies",
}
VOCABULARIES = ("indicator_kind", "slice_dimension", "role")


class SourceSpecError(ValueError):
    """A declaration that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Jurisdiction:
    """Where a contributor's deliveries come from: the whole scope, a US state or a country."""

    level: str = "national"  # national | global | state | country
    code: str | None = None  # USPS code of a state, ISO 3166-1 alpha-3 of a country


@dataclass(frozen=True)
class ContributorFeed:
    """How one contributor's deliveries of a data set are read, and who the contributor is."""

    contributor: str
    format: str | None
    files: str = "*"
    options: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    kind: str = ""
    jurisdiction: Jurisdiction = field(default_factory=Jurisdiction)

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
    grain: str = ""
    publisher_type: str = ""
    standard_definition: str = "none"
    scope: str = "us_states"
    geography_level: str = "state"
    demographic_dimensions: tuple[str, ...] = ()
    expected_fields: tuple[str, ...] = ()
    demo: bool = True  # the demo generator delivers it; False for data sets without one
    silver: dict[str, Any] | None = None  # the declared conformance, if any
    vocabularies: dict[str, tuple[str, ...]] = field(default_factory=dict)  # terms it adds

    @property
    def asset_key(self) -> list[str]:
        return ["bronze", self.name]

    @property
    def target_geography(self) -> str:
        return SCOPES[self.scope][0]

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
    """All declared data sets of a dbt project, sorted by name.

    Names must be unique, and a contributor delivering several data sets must be described
    alike in each (name, kind).
    """
    specs: dict[str, SourceSpec] = {}
    for path in sorted(dbt_project_dir.glob(SOURCES_GLOB)):
        for spec in parse_source_file(path):
            if spec.name in specs:
                raise SourceSpecError(
                    f"{path}: data set {spec.name!r} is already declared in "
                    f"{specs[spec.name].declared_in}; keep one declaration per data set"
                )
            specs[spec.name] = spec
    ordered = [specs[name] for name in sorted(specs)]
    _check_contributors_agree(ordered)
    return ordered


def _check_contributors_agree(specs: list[SourceSpec]) -> None:
    seen: dict[str, tuple[ContributorFeed, SourceSpec]] = {}
    for spec in specs:
        for feed in spec.contributors.values():
            if feed.contributor not in seen:
                seen[feed.contributor] = (feed, spec)
                continue
            first, first_spec = seen[feed.contributor]
            for attribute in ("name", "kind"):
                if getattr(first, attribute) != getattr(feed, attribute):
                    raise SourceSpecError(
                        f"{spec.declared_in}: contributor {feed.contributor!r} has {attribute} "
                        f"{getattr(feed, attribute)!r} but {first_spec.declared_in} gives "
                        f"{getattr(first, attribute)!r}; one contributor is described alike "
                        "in every data set it delivers"
                    )


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
    if not _ID.match(str(name)) or "__" in str(name):
        raise SourceSpecError(
            f"{where}: data set ids are snake_case without a double underscore; rename it"
        )
    unknown = set(hub) - _HUB_KEYS
    if unknown:
        raise SourceSpecError(
            f"{where}: meta.hub has unknown keys {sorted(unknown)}; allowed: {sorted(_HUB_KEYS)}"
        )
    cadence = hub.get("cadence_days")
    if not isinstance(cadence, int) or isinstance(cadence, bool) or cadence <= 0:
        raise SourceSpecError(f"{where}: meta.hub.cadence_days must be a positive whole number")
    scope = hub.get("scope", "us_states")
    if scope not in SCOPES:
        raise SourceSpecError(f"{where}: meta.hub.scope must be one of {', '.join(SCOPES)}")
    geography_level = hub.get("geography_level", SCOPES[scope][1])
    _one_of(where, "geography_level", geography_level, GEOGRAPHY_LEVELS)
    publisher_type = hub.get("publisher_type", "")
    if publisher_type:
        _one_of(where, "publisher_type", publisher_type, CONTRIBUTOR_KINDS)
    standard = hub.get("standard_definition", "none")
    _one_of(where, "standard_definition", standard, STANDARD_DEFINITIONS)
    raw_contributors = hub.get("contributors") or {}
    if not raw_contributors:
        raise SourceSpecError(f"{where}: meta.hub.contributors must name at least one contributor")
    contributors = {
        contributor: _parse_feed(where, str(contributor), feed)
        for contributor, feed in raw_contributors.items()
    }
    demo = hub.get("demo", True)
    if not isinstance(demo, bool):
        raise SourceSpecError(f"{where}: meta.hub.demo is true or false")
    return SourceSpec(
        name=name,
        title=str(hub.get("title", name)),
        cadence_days=cadence,
        contributors=contributors,
        declared_in=path,
        description=table.get("description", "") or source.get("description", "") or "",
        grain=str(hub.get("grain", "")),
        publisher_type=publisher_type,
        standard_definition=standard,
        scope=scope,
        geography_level=geography_level,
        demographic_dimensions=_names(where, "demographic_dimensions", hub),
        expected_fields=_names(where, "expected_fields", hub),
        demo=demo,
        silver=_parse_silver(where, hub.get("silver")),
        vocabularies=_parse_vocabularies(where, hub.get("vocabularies")),
    )


def _one_of(where: str, key: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SourceSpecError(
            f"{where}: meta.hub.{key} is {value!r}; use one of: {', '.join(allowed)}"
        )


def _names(where: str, key: str, hub: dict) -> tuple[str, ...]:
    values = hub.get(key) or []
    if not isinstance(values, list) or not all(
        isinstance(value, str) and _ID.match(value) for value in values
    ):
        raise SourceSpecError(f"{where}: meta.hub.{key} is a list of snake_case names")
    return tuple(values)


def _parse_feed(where: str, contributor: str, feed: Any) -> ContributorFeed:
    entry = f"{where}: contributor {contributor!r}"
    if not _ID.match(contributor) or "__" in contributor:
        raise SourceSpecError(
            f"{entry}: contributor ids are snake_case without a double underscore (the "
            "separator in raw/<data set>/<contributor>__<label>/); rename it"
        )
    feed = feed or {}
    if not isinstance(feed, dict):
        raise SourceSpecError(f"{entry}: declare format, files and options as a mapping")
    unknown = set(feed) - _FEED_KEYS
    if unknown:
        raise SourceSpecError(
            f"{entry}: unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(_FEED_KEYS))}"
        )
    kind = feed.get("kind", "")
    if kind and kind not in CONTRIBUTOR_KINDS:
        raise SourceSpecError(
            f"{entry}: kind {kind!r} is not one of {', '.join(CONTRIBUTOR_KINDS)}"
        )
    return ContributorFeed(
        contributor=contributor,
        format=feed.get("format"),
        files=feed.get("files", "*"),
        options=dict(feed.get("options") or {}),
        name=str(feed.get("name", "")),
        kind=kind,
        jurisdiction=_parse_jurisdiction(entry, feed.get("jurisdiction", "national")),
    )


def _parse_jurisdiction(entry: str, value: Any) -> Jurisdiction:
    if value in ("national", "global"):
        return Jurisdiction(value)
    if isinstance(value, dict) and len(value) == 1:
        ((level, code),) = value.items()
        pattern = {"state": _STATE, "country": _COUNTRY}.get(level)
        if pattern is not None and isinstance(code, str) and pattern.match(code):
            return Jurisdiction(level, code)
    raise SourceSpecError(
        f"{entry}: jurisdiction is national, global, {{state: TX}} (a USPS code) or "
        f"{{country: MEX}} (ISO 3166-1 alpha-3); found {value!r}"
    )


def _parse_silver(where: str, silver: Any) -> dict[str, Any] | None:
    """Check the shape of a declared conformance; macros/conform_to_silver.sql compiles it."""
    if silver is None:
        return None
    entry = f"{where}: meta.hub.silver"
    if not isinstance(silver, dict):
        raise SourceSpecError(f"{entry} is a mapping with shape, from and fields")
    unknown = set(silver) - {"shape", "from", "fields", "measures", "cells"}
    if unknown:
        raise SourceSpecError(
            f"{entry} has unknown keys {sorted(unknown)}; allowed: shape, from, fields, "
            "measures, cells"
        )
    if silver.get("shape") not in SILVER_SHAPES:
        raise SourceSpecError(f"{entry}.shape must be one of {', '.join(SILVER_SHAPES)}")
    model = silver.get("from")
    if not isinstance(model, str) or not re.match(r"^stg_[a-z0-9_]+$", model):
        raise SourceSpecError(f"{entry}.from names the data set's staging model (stg_...)")
    for key in ("fields", "measures"):
        if not isinstance(silver.get(key) or {}, dict):
            raise SourceSpecError(f"{entry}.{key} is a mapping")
    if not _cell_list(silver.get("cells") or []):
        raise SourceSpecError(f"{entry}.cells is a list of taxonomy cell ids")
    for measure, about in (silver.get("measures") or {}).items():
        about = about or {}
        unknown = set(about) - _MEASURE_KEYS if isinstance(about, dict) else {"?"}
        if unknown or not _ID.match(str(measure)) or not _cell_list(about.get("cells") or []):
            raise SourceSpecError(
                f"{entry}.measures.{measure}: a staging column mapped to "
                f"{{{', '.join(sorted(_MEASURE_KEYS))}}}; cells is a list of cell ids"
            )
    for name, declared in (silver.get("fields") or {}).items():
        _check_field(f"{entry}.fields.{name}", declared)
    if silver["shape"] == "indicator_observations" and not silver.get("measures"):
        raise SourceSpecError(
            f"{entry}.measures names the staging columns that hold the observed values"
        )
    return silver


def _cell_list(cells: Any) -> bool:
    return isinstance(cells, list) and all(isinstance(c, str) and _CELL.match(c) for c in cells)


def _parse_vocabularies(where: str, value: Any) -> dict[str, tuple[str, ...]]:
    """Terms a data set adds to the hub's vocabularies (taxonomy_seeds/vocabularies.csv)."""
    value = value or {}
    entry = f"{where}: meta.hub.vocabularies"
    if not isinstance(value, dict) or set(value) - set(VOCABULARIES):
        raise SourceSpecError(f"{entry} maps {', '.join(VOCABULARIES)} to lists of new terms")
    for vocabulary, terms in value.items():
        if not isinstance(terms, list) or not all(
            isinstance(term, str) and _ID.match(term) for term in terms
        ):
            raise SourceSpecError(f"{entry}.{vocabulary} is a list of snake_case terms")
    return {vocabulary: tuple(terms) for vocabulary, terms in value.items()}


CONVERSIONS = ("code", "age", "age_range", "country", "state")


def _check_field(entry: str, declared: Any) -> None:
    """A field is a SQL expression, or one conversion of a staging column or expression."""
    if isinstance(declared, str) and declared.strip():
        return
    if isinstance(declared, dict):
        conversions = set(declared) & set(CONVERSIONS)
        extra = set(declared) - set(CONVERSIONS) - {"column", "field", "min_overlap"}
        columns = [declared.get(key) for key in ("column", *CONVERSIONS[1:]) if key in declared]
        names_ok = all(isinstance(column, str) and column.strip() for column in columns)
        seed_ok = "code" not in declared or (
            isinstance(declared["code"], str)
            and _ID.match(declared["code"])
            and "column" in declared
        )
        if len(conversions) == 1 and not extra and names_ok and seed_ok:
            return
    raise SourceSpecError(
        f"{entry}: a SQL expression over staging columns, or one of {{code: <seed>, column: "
        "<column>}, {age: <column>}, {age_range: <column>}, {country: <column>}, "
        "{state: <column>}"
    )
