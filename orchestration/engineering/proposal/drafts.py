"""A proposal: the drafted declaration and staging model of one sample file, with the
evidence for every choice.

`draft` reads the sample (sampling.py), profiles its columns (profiles.py), fits the silver
shapes (matching.py) and decides the staging columns; `Proposal` renders the declaration,
the staging SQL and the report (rendering.py) and writes the two drafts to a folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from adapters.base import AdapterOptions
from orchestration.engineering.proposal import rendering
from orchestration.engineering.proposal.declaring import SEEDS_DIR, hub_block
from orchestration.engineering.proposal.matching import Mapping, ShapeFit, fit_shapes
from orchestration.engineering.proposal.naming import SNAKE_CASE, snake_case, words
from orchestration.engineering.proposal.profiles import ColumnProfile, profile_table
from orchestration.engineering.proposal.sampling import (
    ProposalError,
    Sample,
    read_landed,
    sample_file,
)
from orchestration.engineering.proposal.staging import StagingColumn, is_number, staging_columns
from orchestration.platform.settings import DBT_PROJECT_DIR

DEFAULT_MISSING = AdapterOptions().missing_values


@dataclass
class Proposal:
    """The drafts for one sample file and the evidence behind them."""

    data_set: str
    contributor: str
    sample: Sample
    options: dict
    profiles: list[ColumnProfile]
    fits: list[ShapeFit]
    columns: list[StagingColumn]
    cell_evidence: list[str]
    hub: dict
    notes: list[str] = field(default_factory=list)

    @property
    def shape(self) -> ShapeFit:
        return self.fits[0]

    @property
    def mappings(self) -> list[Mapping]:
        return self.shape.mappings

    @property
    def alias_of(self) -> dict[str, str]:
        """Landed column name -> staging column name."""
        return {column.source: column.alias for column in self.columns if column.source}

    @property
    def sources_file(self) -> str:
        return f"_{self.data_set}__sources.yml"

    @property
    def staging_file(self) -> str:
        return f"stg_{self.data_set}__records.sql"

    def declaration(self) -> dict:
        return rendering.declaration(self)

    def declaration_yaml(self) -> str:
        return rendering.declaration_yaml(self)

    def staging_sql(self) -> str:
        return rendering.staging_sql(self)

    def report(self) -> str:
        return rendering.report(self)

    def write(self, out_dir: Path) -> list[Path]:
        """Write the declaration and the staging model into `out_dir`; an existing file of
        either name is never replaced (nothing is written then)."""
        paths = [out_dir / self.sources_file, out_dir / self.staging_file]
        existing = [path for path in paths if path.exists()]
        if existing:
            raise ProposalError(
                f"{existing[0]} already exists; the proposal never replaces a file: choose "
                "another --out folder or move the file away"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        texts = [self.declaration_yaml(), self.staging_sql()]
        for path, text in zip(paths, texts, strict=True):
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        return paths


def _check_id(value: str, what: str) -> str:
    if not SNAKE_CASE.match(value) or "__" in value:
        raise ProposalError(
            f"{what} {value!r} is not a snake_case id (lower-case letters, digits and single "
            f"underscores, starting with a letter); pass one with --{what.replace('_', '-')}"
        )
    return value


def _default_contributor(path: Path) -> str:
    """The contributor of a delivery folder named `<contributor>__<label>`, if there is one."""
    folder = path.parent.name
    if "__" in folder:
        candidate = snake_case(folder.split("__", 1)[0], "")
        if SNAKE_CASE.match(candidate):
            return candidate
    return "contributor"


def _final_options(sample: Sample, profiles: list[ColumnProfile], notes: list[str]) -> dict:
    """The sample's options plus the text sentinels found, landing as nulls."""
    options = dict(sample.options)
    found = sorted({s for p in profiles for s in p.sentinels if not is_number(s)})
    extra = [s for s in found if s not in DEFAULT_MISSING]
    if extra:
        options["missing_values"] = [*DEFAULT_MISSING, *extra]
    landed = read_landed(sample, options)
    expected = [p.name for p in profiles]
    if landed.column_names != expected and "missing_values" in options:
        # a header cell equal to a sentinel would lose its name: null them in staging only
        options.pop("missing_values")
        notes.append("missing-value codes are nulled in staging, since a header cell uses one")
        landed = read_landed(sample, options)
    if landed.column_names != expected:
        raise ProposalError(
            f"{sample.path}: the drafted options land columns {landed.column_names[:8]}, not "
            f"the sampled {expected[:8]}; declare the file by hand"
        )
    return options


def draft(path: Path, *, data_set: str | None = None, contributor: str | None = None) -> Proposal:
    """Draft a declaration and a staging model for the file at `path` (read, never landed)."""
    path = Path(path)
    data_set = _check_id(data_set or snake_case(path.name.split(".")[0], "data_set"), "data_set")
    contributor = _check_id(contributor or _default_contributor(path), "contributor")
    sample = sample_file(path)
    notes = list(sample.notes)
    profiles = profile_table(sample.raw, sample.sent_names)
    options = _final_options(sample, profiles, notes)
    fits = fit_shapes(profiles, DBT_PROJECT_DIR, SEEDS_DIR)
    columns = staging_columns(profiles, fits[0], notes)
    context = set(words(path.name.split(".")[0])) | {w for p in profiles for w in p.words}
    by_name = {p.name: p for p in profiles}
    hub, cell_evidence = hub_block(
        data_set, contributor, sample, options, fits[0], by_name, columns, context, notes
    )
    return Proposal(
        data_set=data_set,
        contributor=contributor,
        sample=sample,
        options=options,
        profiles=profiles,
        fits=fits,
        columns=columns,
        cell_evidence=cell_evidence,
        hub=hub,
        notes=notes,
    )
