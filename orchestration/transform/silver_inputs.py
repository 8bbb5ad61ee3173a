"""Which models feed each silver model, found by convention instead of kept by hand.

A data set reaches silver one of two ways:
- declared: its declaration has a `silver` block, compiled by `macros/conform_to_silver.sql`
  over its staging model;
- hand-written: a model `intermediate/conformed/int_<data set>__<silver model>.sql`, for an
  odd shape no declaration can express.

dbt resolves `ref()` while it parses, before it can read any declaration, so `hub prepare`
writes the list into `macros/declared/silver_inputs.sql` (not versioned) just before dbt
parses; the silver models loop over `silver_inputs('<silver model>')`. It writes the bronze
lineage columns beside it (`lineage_columns()`, read by `macros/bronze.sql`), so they are
named in one place.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from orchestration.platform.declarations import SILVER_SHAPES, SourceSpecError, load_source_specs
from orchestration.platform.lake_layout import lineage_sql_types

GENERATED = Path("macros") / "declared" / "silver_inputs.sql"
GENERATED_LINEAGE = Path("macros") / "declared" / "lineage_columns.sql"
CONFORMED = Path("models") / "intermediate" / "conformed"
CONFORMANCE_LOOKUPS = (
    "age_bands",
    "contributor_jurisdictions",
    "countries",
    "country_names",
    "int_taxonomy_rules_grouped",
    "us_states",
)
_HAND_WRITTEN = re.compile(r"^int_([a-z][a-z0-9_]*?)__([a-z_]+)$")


def silver_inputs(dbt_project_dir: Path) -> dict[str, list[dict]]:
    """For each silver model, its inputs in data set order: data set, model and how."""
    inputs: dict[str, list[dict]] = {shape: [] for shape in SILVER_SHAPES}
    declared = {}
    for spec in load_source_specs(dbt_project_dir):
        if spec.silver:
            shape = spec.silver["shape"]
            declared[(spec.name, shape)] = spec.declared_in
            inputs[shape].append(
                {
                    "data_set": spec.name,
                    "model": spec.silver["from"],
                    "declared": True,
                    "refs": declared_refs(spec.silver),
                }
            )
    for path in sorted((dbt_project_dir / CONFORMED).glob("int_*__*.sql")):
        match = _HAND_WRITTEN.match(path.stem)
        if not match or match.group(2) not in SILVER_SHAPES:
            continue
        data_set, shape = match.groups()
        if (data_set, shape) in declared:
            raise SourceSpecError(
                f"{path}: {data_set} also declares how it conforms to {shape} in "
                f"{declared[(data_set, shape)]}; keep one of the two"
            )
        inputs[shape].append({"data_set": data_set, "model": path.stem, "declared": False})
    for shape in inputs:
        inputs[shape].sort(key=lambda item: item["data_set"])
    return inputs


def declared_refs(silver: dict) -> list[str]:
    """What a declared conformance may read besides its staging model: the lookups of
    macros/conform_to_silver.sql and the code seeds its fields name. dbt must see these
    ref()s while it parses, before the declaration can be read."""
    seeds = {
        field["code"]
        for field in (silver.get("fields") or {}).values()
        if isinstance(field, dict) and isinstance(field.get("code"), str)
    }
    return sorted(set(CONFORMANCE_LOOKUPS) | seeds)


def render(inputs: dict[str, list[dict]]) -> str:
    # Ids are snake_case by validation, so JSON is also a valid Jinja literal here.
    literal = json.dumps(inputs, sort_keys=True)
    return (
        "{#- Written by `hub prepare` from the data set declarations and the models in\n"
        "    models/intermediate/conformed/ (orchestration/transform/silver_inputs.py); not edited\n"
        "    by hand, not versioned. -#}\n"
        "{% macro silver_inputs(shape) -%}\n"
        f"    {{{{ return({literal}.get(shape, [])) }}}}\n"
        "{%- endmacro %}\n"
    )


def write_silver_inputs(dbt_project_dir: Path) -> Path:
    return write_if_changed(dbt_project_dir / GENERATED, render(silver_inputs(dbt_project_dir)))


def render_lineage() -> str:
    columns = json.dumps([list(column) for column in lineage_sql_types()])
    return (
        "{#- Written by `hub prepare` from the lineage columns landing adds to every bronze\n"
        "    row (orchestration/platform/lake_layout.py); not edited by hand, not versioned. -#}\n"
        "{% macro lineage_columns() -%}\n"
        f"    {{{{ return({columns}) }}}}\n"
        "{%- endmacro %}\n"
    )


def write_lineage_columns(dbt_project_dir: Path) -> Path:
    return write_if_changed(dbt_project_dir / GENERATED_LINEAGE, render_lineage())


def write_if_changed(path: Path, text: str) -> Path:
    """Write a generated macro when its content changes (an unchanged file keeps dbt's
    partial parse)."""
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return path
