"""The texts of a proposal: the dbt sources file, the staging model and the report.

YAML is rendered with `yaml.safe_dump` from plain data, never by pasting text. A name as the
file sent it appears only as a mapping key (`rename:`), which dbt does not render; every
YAML value and every SQL identifier or alias comes from naming.py or from the seeds. The
staging model quotes each bronze column (double quotes doubled) and holds no Jinja but its
one `source()` call, which a check below enforces.
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING

import yaml

from orchestration.engineering.proposal.matching import MAPPED
from orchestration.engineering.proposal.naming import shown
from orchestration.engineering.proposal.sampling import SAMPLE_ROWS, ProposalError

if TYPE_CHECKING:
    from orchestration.engineering.proposal.drafts import Proposal

EXTERNAL_LOCATION = (
    'read_parquet(\'s3://{{ env_var("HUB_LAKE_BUCKET", "lake") }}/bronze/{name}/*/*.parquet\','
    " union_by_name = true)"
)
WIDTH = 80
_GROUPS = ("ids", "codes", "measures", "dates", "text")
_JINJA = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")


def _file_label(proposal: Proposal) -> str:
    """The sample's file name with anything but letters, digits, dots and dashes replaced."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", proposal.sample.path.name)[:80]


def _column_description(proposal: Proposal, name: str) -> str:
    profile = next(p for p in proposal.profiles if p.name == name)
    parts = [profile.kind]
    if profile.date_format:
        parts[0] = f"{profile.kind} in {profile.date_format}"
    if profile.sentinels:
        parts.append(f"missing as {', '.join(profile.sentinels)}")
    if profile.name != profile.sent:
        parts.append("renamed on landing (the header cell was junk or unsafe)")
    column = next(c for c in proposal.columns if c.source == name)
    if column.note:
        parts.append(column.note)
    return "; ".join(parts)


def declaration(proposal: Proposal) -> dict:
    """The dbt sources document of the proposed data set."""
    name = proposal.data_set
    return {
        "version": 2,
        "sources": [
            {
                "name": name,
                "description": f"Proposed from a sample of {_file_label(proposal)}; review "
                "every field before use.",
                "schema": "bronze",
                "config": {"external_location": EXTERNAL_LOCATION},
                "tables": [
                    {
                        "name": name,
                        "config": {
                            "meta": {
                                "dagster": {"asset_key": ["bronze", name]},
                                "hub": proposal.hub,
                            }
                        },
                        "columns": [
                            {"name": p.name, "description": _column_description(proposal, p.name)}
                            for p in proposal.profiles
                        ],
                    }
                ],
            }
        ],
    }


class _Dumper(yaml.SafeDumper):
    """Block style, with lists of plain values inline as the house's declarations write them."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(item, str | int | float) for item in data) and len(data) <= 12
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def declaration_yaml(proposal: Proposal) -> str:
    text = yaml.dump(
        declaration(proposal),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    header = (
        f"# Drafted by `hub propose` from a sample of {_file_label(proposal)}; every choice\n"
        "# and its evidence is in the proposal's report. Review before use.\n"
    )
    return header + text


def staging_sql(proposal: Proposal) -> str:
    """The staging model: rename to snake_case, cast, null the sentinels, keep lineage."""
    name = proposal.data_set
    lines = [
        f"-- Drafted by `hub propose` from a sample of {_file_label(proposal)}; review before use.",
        f"-- Grain: {proposal.hub['grain']}.",
        "with",
        "",
        "source as (",
        "",
        f"    select * from {{{{ bronze(source('{name}', '{name}')) }}}}",
        "",
        "),",
        "",
        "renamed as (",
        "",
        "    select",
    ]
    body: list[str] = []
    for group in _GROUPS:
        columns = [c for c in proposal.columns if c.group == group]
        if not columns:
            continue
        body.append(f"        -- {group}")
        for column in columns:
            sql = column.expression.replace("\n", "\n        ")
            body.append(f"        {sql} as {column.alias},")
        body.append("")
    left = [c.alias for c in proposal.columns if c.group == "bronze"]
    if left:
        wrapped = textwrap.wrap(
            "left in bronze (a person's names or contacts, or empty): " + ", ".join(left),
            WIDTH + 12,
            initial_indent="        -- ",
            subsequent_indent="        -- ",
        )
        body.extend([*wrapped, ""])
    body.append("        -- lineage")
    body.extend(
        [
            "        _raw_key as raw_key,",
            "        _ingested_at as landed_at,",
            "        _delivery as delivery,",
            "        _contributor as contributor,",
            "        _row_number as raw_row_number",
        ]
    )
    lines.extend(body)
    lines.extend(["", "    from source", "", ")", "", "select * from renamed", ""])
    sql = "\n".join(lines)
    if len(_JINJA.findall(sql)) != 2:
        raise ProposalError(
            f"{proposal.sample.path}: the staging draft would carry Jinja from the file; "
            "nothing was drafted (report this file to the hub's maintainers)"
        )
    return sql


def _wrap(text: str, indent: str = "  ", hanging: str = "    ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=hanging) or [""]


def report(proposal: Proposal) -> str:
    """What the proposal found and why, in plain text at 80 columns."""
    sample = proposal.sample
    out: list[str] = []
    out += _wrap(f"hub propose: {shown(sample.path.name, 60)}", "", "  ")
    out += _wrap(
        f"format {sample.format}"
        + (f", {sample.compression}-compressed" if sample.compression else "")
        + f"; {sample.raw.num_rows} rows sampled (at most {SAMPLE_ROWS}), "
        f"{sample.raw.num_columns} columns"
    )
    options = {k: v for k, v in proposal.options.items() if k not in ("rename", "layout")}
    if options:
        out += _wrap("adapter options: " + ", ".join(f"{k}={v!r}" for k, v in options.items()))
    for note in proposal.notes:
        out += _wrap(f"- {note}")
    out.append("")
    fit = proposal.shape
    others = ", ".join(f"{f.shape} {f.fit:.1f}" for f in proposal.fits[1:])
    out += _wrap(
        f"Data set {proposal.data_set} from {proposal.contributor}: shape {fit.shape} "
        f"(fit {fit.fit:.1f}; {others})",
        "",
        "  ",
    )
    for evidence in fit.evidence:
        out += _wrap(f"- {evidence}")
    out.append("")
    out.append(f"Silver fields (mapped from confidence {MAPPED}):")
    alias = proposal.alias_of
    for mapping in sorted(fit.mappings, key=lambda m: (-m.confidence, m.field)):
        out += _wrap(
            f"{mapping.field} <- {alias[mapping.column]} ({shown(mapping.column)}) "
            f"{mapping.confidence:.2f}",
        )
        out += _wrap("; ".join(mapping.evidence), "      ", "      ")
    if fit.suggestions:
        out.append("")
        out.append("Weaker suggestions (not in the draft):")
        for mapping in fit.suggestions:
            out += _wrap(
                f"{mapping.field} <- {alias[mapping.column]} {mapping.confidence:.2f}: "
                + "; ".join(mapping.evidence)
            )
    mapped = {m.column for m in fit.mappings}
    unmapped = [c for c in proposal.columns if c.profile and c.source not in mapped]
    out.append("")
    out.append(f"Unmapped columns ({len(unmapped)}):")
    for column in unmapped:
        detail = column.note or column.profile.kind
        out += _wrap(f"{column.alias} ({shown(column.profile.sent)}): {detail}")
    for column in proposal.columns:
        if column.profile is None:
            out += _wrap(f"{column.alias} (derived): {column.note}")
    out.append("")
    out.append("Values:")
    for profile in proposal.profiles:
        facts = []
        if profile.sentinels:
            facts.append(f"missing as {', '.join(shown(s, 12) for s in profile.sentinels)}")
        if profile.date_format:
            facts.append(f"dates in {profile.date_format}")
        facts.extend(profile.notes)
        if facts:
            out += _wrap(f"{alias[profile.name]}: {'; '.join(facts)}")
    out.append("")
    out.append("Taxonomy:")
    if proposal.cell_evidence:
        for line in proposal.cell_evidence:
            out += _wrap(line.strip(), "    " if line.startswith("  ") else "  ", "      ")
    else:
        out += _wrap("no rule kind found in the values; set silver.cells by hand")
    out.append("")
    hub = proposal.hub
    out += _wrap(
        f"Guessed, check them: cadence_days {hub['cadence_days']}, publisher_type "
        f"{hub['publisher_type']}, standard_definition {hub['standard_definition']}, scope "
        f"{hub['scope']}, title and contributor name from the file and contributor id.",
        "",
        "  ",
    )
    return "\n".join(line.rstrip() for line in out) + "\n"
