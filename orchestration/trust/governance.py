"""The data trust's declarations, read from orchestration/trust/*.yml and validated whole.

roles.yml         access tiers (least to most sensitive) and the roles that receive extracts
agreements.yml    purposes, and the data use agreements: roles, purposes, data sets, tier, term,
                  approving body
approvals.yml     approving bodies and their decisions on agreements
marts.yml         the gold marts that may leave the hub, their tier and their protected counts

Validation collects every problem before failing, and each message names the file, the entry,
the field and what to do, so a steward fixes the declarations in one pass. The data sets and
their contributors are declared once, in the data set declarations (meta.hub of each staging
folder's sources file, orchestration/platform/declarations.py); these files refer to them by id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from orchestration.platform.declarations import (
    YAML_LOADER,
    SourceSpec,
    load_source_specs,
)
from orchestration.platform.settings import DBT_PROJECT_DIR, REPO_ROOT

TRUST_DIR = REPO_ROOT / "orchestration" / "trust"
ALL_DATA_SETS = "all"
DECISIONS = ("approved", "rejected")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_AGREEMENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class GovernanceError(ValueError):
    """The declarations cannot be used; `problems` holds one actionable message per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "the data trust's declarations (orchestration/trust/) have "
            f"{len(problems)} problem(s):\n  - " + "\n  - ".join(problems)
        )


class AccessRefused(PermissionError):
    """No live agreement allows this role and purpose; the message says why."""

    audit_sequence: int | None = None  # the audit entry that recorded the refusal


@dataclass(frozen=True)
class Contributor:
    id: str
    name: str
    kind: str
    data_sets: tuple[str, ...]


@dataclass(frozen=True)
class Tier:
    id: str
    description: str


@dataclass(frozen=True)
class Role:
    id: str
    description: str
    max_tier: str
    lake_read: tuple[str, ...] = ()


@dataclass(frozen=True)
class Agreement:
    id: str
    party: str
    roles: tuple[str, ...]
    purposes: tuple[str, ...]
    data_sets: tuple[str, ...]
    tier: str
    starts_on: date
    expires_on: date
    approving_body: str

    def is_live(self, on: date) -> bool:
        return self.starts_on <= on <= self.expires_on


@dataclass(frozen=True)
class Approval:
    id: str
    body: str
    agreement: str
    decision: str
    decided_on: date
    expires_on: date
    record: str


@dataclass(frozen=True)
class SumOf:
    """A count of one mart that adds up cells of a suppressed cross-tabulation (another mart):
    in the rows matching `where`, `count` is the sum of the cells sharing the row's values of
    `by` (every cell when `by` is empty)."""

    count: str
    mart: str
    where: tuple[tuple[str, Any], ...] = ()
    by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mart:
    """A gold mart that may leave the hub, and how its counts are protected."""

    name: str
    tier: str
    data_sets: tuple[str, ...] | None  # None: describes every data set
    data_set_column: str | None = None
    counts: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    partition_by: tuple[str, ...] = ()
    suppressed_from: str | None = None
    sums_of: tuple[SumOf, ...] = ()

    @property
    def totals_name(self) -> str:
        return f"{self.name}_totals"


@dataclass(frozen=True)
class Governance:
    contributors: dict[str, Contributor]
    tiers: tuple[Tier, ...]
    roles: dict[str, Role]
    purposes: dict[str, str]
    agreements: dict[str, Agreement]
    bodies: dict[str, str]
    approvals: dict[str, Approval]
    marts: dict[str, Mart]
    data_sets: tuple[str, ...]
    directory: Path = TRUST_DIR

    def tier_rank(self, tier: str) -> int:
        return [t.id for t in self.tiers].index(tier)

    @property
    def suppressed_marts(self) -> list[Mart]:
        return [mart for mart in self.marts.values() if mart.suppressed_from]

    def contributors_of(self, data_set: str) -> list[str]:
        return sorted(c.id for c in self.contributors.values() if data_set in c.data_sets)

    def tier_ceiling(self, agreement: Agreement, role: str) -> int:
        """The rank of the highest tier an extract under this agreement may hold for this
        role: the lower of the agreement's tier and the role's (0 is the published tier)."""
        return min(self.tier_rank(agreement.tier), self.tier_rank(self.roles[role].max_tier))

    def marts_allowed(self, agreement: Agreement, role: str) -> list[Mart]:
        """The marts an extract under this agreement may hold for this role."""
        ceiling = self.tier_ceiling(agreement, role)
        allowed = []
        for mart in self.marts.values():
            if self.tier_rank(mart.tier) > ceiling:
                continue
            if mart.data_sets is not None and not set(mart.data_sets) <= set(agreement.data_sets):
                continue
            allowed.append(mart)
        return sorted(allowed, key=lambda mart: mart.name)

    def agreement_for(self, role: str, purpose: str, on: date) -> Agreement:
        """The live agreement allowing `role` to receive data for `purpose`, or AccessRefused."""
        if role not in self.roles:
            raise AccessRefused(
                f"role {role!r} is not declared in {self._file('roles.yml')} "
                f"(declared: {', '.join(sorted(self.roles))})"
            )
        if purpose not in self.purposes:
            raise AccessRefused(
                f"purpose {purpose!r} is not declared in {self._file('agreements.yml')} "
                f"(declared: {', '.join(sorted(self.purposes))})"
            )
        for_role = [a for a in self.agreements.values() if role in a.roles]
        matching = [a for a in for_role if purpose in a.purposes]
        if not matching:
            allowed = sorted({p for a in for_role if a.is_live(on) for p in a.purposes})
            detail = (
                f"; live agreements allow role {role!r} only for: {', '.join(allowed)}"
                if allowed
                else f"; no live agreement names role {role!r} at all"
            )
            raise AccessRefused(
                f"no agreement in {self._file('agreements.yml')} allows role {role!r} "
                f"for purpose {purpose!r}{detail}"
            )
        live = [a for a in matching if a.is_live(on)]
        if not live:
            reasons = [
                f"agreement {a.id!r} expired on {a.expires_on}"
                if a.expires_on < on
                else f"agreement {a.id!r} starts on {a.starts_on}"
                for a in sorted(matching, key=lambda a: a.expires_on)
            ]
            raise AccessRefused(
                f"no live agreement allows role {role!r} for purpose {purpose!r} on {on}: "
                + "; ".join(reasons)
                + "; a new or renewed agreement needs the approving body's decision"
            )
        # Validation forbids overlapping agreements for one role and purpose.
        return live[0]

    def _file(self, name: str) -> str:
        return _display(self.directory / name)


def load_governance(
    directory: Path = TRUST_DIR, specs: Sequence[SourceSpec] | None = None
) -> Governance:
    """Read and validate the declarations; raise GovernanceError listing every problem.

    The data sets and their contributors are those the data set declarations name (`specs`,
    by default read from the dbt sources): the trust's files refer to them by id.
    """
    if specs is None:
        specs = load_source_specs(DBT_PROJECT_DIR)
    problems: list[str] = []
    data_sets = tuple(spec.name for spec in specs)
    reader = _Reader(directory, problems)
    contributors = _declared_contributors(specs)
    tiers, roles = _parse_roles(reader)
    purposes, agreements = _parse_agreements(reader, data_sets, roles, tiers)
    bodies, approvals = _parse_approvals(reader, agreements)
    marts = _parse_marts(reader, data_sets, tiers)
    _check_agreements(reader, agreements, approvals, bodies, roles, tiers)
    if problems:
        raise GovernanceError(problems)
    return Governance(
        contributors=contributors,
        tiers=tiers,
        roles=roles,
        purposes=purposes,
        agreements=agreements,
        bodies=bodies,
        approvals=approvals,
        marts=marts,
        data_sets=data_sets,
        directory=directory,
    )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


@dataclass
class _Reader:
    """Reads one YAML file at a time and records problems against file, entry and field."""

    directory: Path
    problems: list[str]
    file: str = ""
    documents: dict[str, Any] = field(default_factory=dict)

    def open(self, name: str, sections: tuple[str, ...]) -> dict[str, Any]:
        self.file = name
        path = self.directory / name
        try:
            document = yaml.load(path.read_text(), Loader=YAML_LOADER) or {}
        except FileNotFoundError:
            self.problems.append(f"{_display(path)}: the file is missing; create it")
            return {}
        except yaml.YAMLError as error:
            self.problems.append(f"{_display(path)}: not valid YAML ({error})")
            return {}
        if not isinstance(document, dict):
            self.problems.append(f"{_display(path)}: expected a mapping with {sections}")
            return {}
        for unknown in sorted(set(document) - set(sections)):
            self.problems.append(
                f"{_display(path)}: top-level key {unknown!r} is not known; "
                f"expected {', '.join(sections)}"
            )
        return document

    def problem(self, entry: str, message: str, field_name: str | None = None) -> None:
        where = f"{_display(self.directory / self.file)}: {entry}"
        if field_name:
            where += f", field {field_name}"
        self.problems.append(f"{where}: {message}")

    def fields(
        self,
        entry: str,
        value: Any,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(entry, "expected a mapping of fields")
            return None
        for missing in required:
            if value.get(missing) in (None, "", []):
                self.problem(entry, "is required", missing)
        for unknown in sorted(set(value) - set(required) - set(optional)):
            self.problem(
                entry,
                f"is not a known field (expected {', '.join(required + optional)}); "
                "fix the spelling or remove it",
                unknown,
            )
        return value

    @staticmethod
    def complete(value: dict[str, Any], required: tuple[str, ...]) -> bool:
        return all(value.get(name) not in (None, "", []) for name in required)

    def id_list(
        self, entry: str, field_name: str, value: Any, known: Iterable[str], what: str
    ) -> tuple[str, ...]:
        items = value if isinstance(value, list) else [value]
        known = list(known)
        for item in items:
            if item not in known:
                self.problem(
                    entry,
                    f"unknown {what} {item!r}; use one of: {', '.join(known)}",
                    field_name,
                )
        return tuple(str(item) for item in items)

    def day(self, entry: str, field_name: str, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        self.problem(entry, f"{value!r} is not a date; write it as YYYY-MM-DD", field_name)
        return None


def _declared_contributors(specs: Sequence[SourceSpec]) -> dict[str, Contributor]:
    """Each contributor of the declarations, with the data sets it delivers (the parser has
    checked ids, kinds, and that a contributor is described alike everywhere)."""
    contributors: dict[str, Contributor] = {}
    for spec in specs:
        for feed in spec.contributors.values():
            known = contributors.get(feed.contributor)
            data_sets = (known.data_sets if known else ()) + (spec.name,)
            contributors[feed.contributor] = Contributor(
                feed.contributor, feed.name or feed.contributor, feed.kind, data_sets
            )
    return contributors


def _parse_roles(reader: _Reader) -> tuple[tuple[Tier, ...], dict[str, Role]]:
    document = reader.open("roles.yml", ("tiers", "roles"))
    tiers = []
    for index, value in enumerate(document.get("tiers") or []):
        fields = reader.fields(f"tier #{index + 1}", value, ("id", "description"))
        if fields is not None and reader.complete(fields, ("id", "description")):
            tiers.append(Tier(str(fields["id"]), str(fields["description"]).strip()))
    if not tiers:
        reader.problem("tiers", "declare at least one access tier")
    tier_ids = [tier.id for tier in tiers]
    roles = {}
    for role_id, value in (document.get("roles") or {}).items():
        entry = f"role {role_id!r}"
        if not _ID.match(str(role_id)):
            reader.problem(entry, "role ids are snake_case; rename it")
        fields = reader.fields(entry, value, ("description", "max_tier"), ("lake_read",))
        if fields is None or not reader.complete(fields, ("description", "max_tier")):
            continue
        reader.id_list(entry, "max_tier", fields["max_tier"], tier_ids, "tier")
        lake_read = tuple(fields.get("lake_read") or ())
        for prefix in lake_read:
            if not str(prefix).endswith("/") or str(prefix).startswith("/"):
                reader.problem(entry, f"{prefix!r} must be a lake prefix like 'gold/'", "lake_read")
        roles[role_id] = Role(
            role_id, str(fields["description"]), str(fields["max_tier"]), lake_read
        )
    return tuple(tiers), roles


def _parse_agreements(
    reader: _Reader, data_sets: tuple[str, ...], roles: dict[str, Role], tiers: tuple[Tier, ...]
) -> tuple[dict[str, str], dict[str, Agreement]]:
    document = reader.open("agreements.yml", ("purposes", "agreements"))
    purposes = {str(k): str(v) for k, v in (document.get("purposes") or {}).items()}
    for purpose in purposes:
        if not _ID.match(purpose):
            reader.problem(f"purpose {purpose!r}", "purpose ids are snake_case; rename it")
    agreements = {}
    required = (
        "id",
        "party",
        "roles",
        "purposes",
        "data_sets",
        "tier",
        "starts_on",
        "expires_on",
        "approving_body",
    )
    for index, value in enumerate(document.get("agreements") or []):
        entry_id = value.get("id") if isinstance(value, dict) else None
        entry = f"agreement {entry_id!r}" if entry_id else f"agreement #{index + 1}"
        fields = reader.fields(entry, value, required)
        if fields is None:
            continue
        checked = {
            "roles": (roles, "role"),
            "purposes": (purposes, "purpose"),
            "data_sets": (data_sets, "data set"),
            "tier": ([t.id for t in tiers], "tier"),
        }
        lists = {
            name: reader.id_list(entry, name, fields[name], known, what)
            for name, (known, what) in checked.items()
            if fields.get(name)
        }
        days = {
            name: reader.day(entry, name, fields[name])
            for name in ("starts_on", "expires_on")
            if fields.get(name)
        }
        starts_on, expires_on = days.get("starts_on"), days.get("expires_on")
        if starts_on and expires_on and expires_on < starts_on:
            reader.problem(entry, f"{expires_on} is before starts_on {starts_on}", "expires_on")
        if not reader.complete(fields, required):
            continue
        agreement_id = str(fields["id"])
        if not _AGREEMENT_ID.match(agreement_id):
            reader.problem(entry, "ids are lower case letters, digits, '-' and '_'", "id")
        if agreement_id in agreements:
            reader.problem(entry, "the id is used twice; give each agreement its own id", "id")
        agreements[agreement_id] = Agreement(
            id=agreement_id,
            party=str(fields["party"]),
            roles=lists["roles"],
            purposes=lists["purposes"],
            data_sets=lists["data_sets"],
            tier=lists["tier"][0],
            starts_on=starts_on or date.min,
            expires_on=expires_on or date.min,
            approving_body=str(fields["approving_body"]),
        )
    return purposes, agreements


def _parse_approvals(
    reader: _Reader, agreements: dict[str, Agreement]
) -> tuple[dict[str, str], dict[str, Approval]]:
    document = reader.open("approvals.yml", ("bodies", "approvals"))
    bodies = {str(k): str(v).strip() for k, v in (document.get("bodies") or {}).items()}
    approvals = {}
    required = ("id", "body", "agreement", "decision", "decided_on", "expires_on", "record")
    for index, value in enumerate(document.get("approvals") or []):
        entry_id = value.get("id") if isinstance(value, dict) else None
        entry = f"approval {entry_id!r}" if entry_id else f"approval #{index + 1}"
        fields = reader.fields(entry, value, required)
        if fields is None or not reader.complete(fields, required):
            continue
        approval_id = str(fields["id"])
        if approval_id in approvals:
            reader.problem(entry, "the id is used twice; give each decision its own id", "id")
        reader.id_list(entry, "body", fields["body"], bodies, "approving body")
        reader.id_list(entry, "agreement", fields["agreement"], agreements, "agreement")
        if fields["decision"] not in DECISIONS:
            reader.problem(entry, f"must be one of {', '.join(DECISIONS)}", "decision")
        decided_on = reader.day(entry, "decided_on", fields["decided_on"])
        expires_on = reader.day(entry, "expires_on", fields["expires_on"])
        if decided_on and expires_on and expires_on < decided_on:
            reader.problem(entry, f"{expires_on} is before decided_on {decided_on}", "expires_on")
        approvals[approval_id] = Approval(
            id=approval_id,
            body=str(fields["body"]),
            agreement=str(fields["agreement"]),
            decision=str(fields["decision"]),
            decided_on=decided_on or date.max,
            expires_on=expires_on or date.min,
            record=str(fields["record"]),
        )
    return bodies, approvals


def _parse_marts(
    reader: _Reader, data_sets: tuple[str, ...], tiers: tuple[Tier, ...]
) -> dict[str, Mart]:
    document = reader.open("marts.yml", ("marts",))
    optional = (
        "data_set_column",
        "counts",
        "dimensions",
        "partition_by",
        "suppressed_from",
        "sums_of",
    )
    lowest_tier = tiers[0].id if tiers else None
    marts = {}
    for name, value in (document.get("marts") or {}).items():
        entry = f"mart {name!r}"
        fields = reader.fields(entry, value, ("tier", "data_sets"), optional)
        if fields is None or not reader.complete(fields, ("tier", "data_sets")):
            continue
        reader.id_list(entry, "tier", fields["tier"], [t.id for t in tiers], "tier")
        mart_data_sets = None
        if fields["data_sets"] != ALL_DATA_SETS:
            mart_data_sets = reader.id_list(
                entry, "data_sets", fields["data_sets"], data_sets, "data set"
            )
        elif fields["tier"] != lowest_tier and not fields.get("data_set_column"):
            reader.problem(
                entry,
                f"a mart describing all data sets above tier {lowest_tier!r} needs "
                "data_set_column, so an extract keeps only the agreement's data sets",
                "data_sets",
            )
        mart = Mart(
            name=str(name),
            tier=str(fields["tier"]),
            data_sets=mart_data_sets,
            data_set_column=fields.get("data_set_column"),
            counts=tuple(fields.get("counts") or ()),
            dimensions=tuple(fields.get("dimensions") or ()),
            partition_by=tuple(fields.get("partition_by") or ()),
            suppressed_from=fields.get("suppressed_from"),
            sums_of=_parse_sums_of(reader, entry, fields.get("sums_of")),
        )
        if mart.suppressed_from and (len(mart.counts) != 1 or not mart.dimensions):
            reader.problem(
                entry,
                "a suppressed cross-tabulation needs exactly one count and its dimensions",
                "suppressed_from",
            )
        if mart.dimensions and len(mart.counts) != 1:
            reader.problem(entry, "a cross-tabulation has exactly one count column", "counts")
        marts[mart.name] = mart
    for mart in marts.values():
        _check_sums_of(reader, mart, marts)
    return marts


def _parse_sums_of(reader: _Reader, entry: str, value: Any) -> tuple[SumOf, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        reader.problem(entry, "expected a list of {count, mart, where, by}", "sums_of")
        return ()
    sums = []
    for index, item in enumerate(value):
        fields = reader.fields(
            f"{entry}, sums_of #{index + 1}", item, ("count", "mart"), ("where", "by")
        )
        if fields is None or not reader.complete(fields, ("count", "mart")):
            continue
        where = fields.get("where") or {}
        if not isinstance(where, dict) or any(isinstance(v, (dict, list)) for v in where.values()):
            reader.problem(
                f"{entry}, sums_of #{index + 1}",
                "expected a mapping of column to value, e.g. {data_set: prosecutions}",
                "where",
            )
            where = {}
        sums.append(
            SumOf(
                count=str(fields["count"]),
                mart=str(fields["mart"]),
                where=tuple((str(k), v) for k, v in where.items()),
                by=tuple(str(b) for b in fields.get("by") or ()),
            )
        )
    return tuple(sums)


def _check_sums_of(reader: _Reader, mart: Mart, marts: dict[str, Mart]) -> None:
    """A declared sum must name a count of its mart and a suppressed cross-tabulation, keep its
    partitions apart, and select only rows of the data sets that cross-tabulation describes."""
    for index, declared in enumerate(mart.sums_of):
        entry = f"mart {mart.name!r}, sums_of #{index + 1}"
        if declared.count not in mart.counts:
            reader.problem(
                entry,
                f"{declared.count!r} is not one of the mart's counts {list(mart.counts)}; "
                "declare it under counts",
                "count",
            )
        cross_tab = marts.get(declared.mart)
        if cross_tab is None or not cross_tab.suppressed_from:
            reader.problem(
                entry,
                f"{declared.mart!r} is not a suppressed cross-tabulation declared here; use one "
                f"of: {', '.join(sorted(m.name for m in marts.values() if m.suppressed_from))}",
                "mart",
            )
            continue
        keys = (*cross_tab.partition_by, *cross_tab.dimensions)
        if not set(declared.by) <= set(keys) or not set(cross_tab.partition_by) <= set(declared.by):
            reader.problem(
                entry,
                f"must list columns of {declared.mart!r} ({', '.join(keys)}), including "
                f"every column it is partitioned by ({', '.join(cross_tab.partition_by)})",
                "by",
            )
        where = dict(declared.where)
        if (
            cross_tab.data_sets is not None
            and mart.data_set_column
            and where.get(mart.data_set_column) not in cross_tab.data_sets
        ):
            reader.problem(
                entry,
                f"{declared.mart!r} describes {', '.join(cross_tab.data_sets)} only; select "
                f"those rows, e.g. where: {{{mart.data_set_column}: {cross_tab.data_sets[0]}}}",
                "where",
            )


def _check_agreements(
    reader: _Reader,
    agreements: dict[str, Agreement],
    approvals: dict[str, Approval],
    bodies: dict[str, str],
    roles: dict[str, Role],
    tiers: tuple[Tier, ...],
) -> None:
    reader.file = "agreements.yml"
    ranks = {tier.id: rank for rank, tier in enumerate(tiers)}
    for agreement in agreements.values():
        entry = f"agreement {agreement.id!r}"
        if agreement.approving_body not in bodies:
            reader.problem(
                entry,
                f"unknown body {agreement.approving_body!r}; declare it under bodies in "
                "approvals.yml or name one of: " + ", ".join(bodies),
                "approving_body",
            )
            continue
        for role in agreement.roles:
            if role in roles and ranks.get(agreement.tier, 0) > ranks.get(roles[role].max_tier, 0):
                reader.problem(
                    entry,
                    f"grants tier {agreement.tier!r} to role {role!r}, whose max_tier is "
                    f"{roles[role].max_tier!r} (roles.yml); lower the tier or change the role",
                    "tier",
                )
        problem = _approval_gap(agreement, approvals.values())
        if problem:
            reader.problem(entry, problem, "approving_body")
    for first, second in _overlapping(list(agreements.values())):
        shared_roles = sorted(set(first.roles) & set(second.roles))
        shared_purposes = sorted(set(first.purposes) & set(second.purposes))
        reader.problem(
            f"agreement {second.id!r}",
            f"allows role(s) {shared_roles} for purpose(s) {shared_purposes} during the term "
            f"of agreement {first.id!r} ({first.starts_on} to {first.expires_on}); an extract "
            "must come under one agreement: narrow the roles, purposes or dates of one",
            "purposes",
        )


def _approval_gap(agreement: Agreement, approvals: Iterable[Approval]) -> str | None:
    """Why the approving body's decisions do not cover the agreement's term, or None."""
    decisions = sorted(
        (
            a
            for a in approvals
            if a.agreement == agreement.id
            and a.body == agreement.approving_body
            and a.decision == "approved"
        ),
        key=lambda a: (a.decided_on, a.expires_on),
    )
    if not decisions:
        return (
            f"no approved decision of {agreement.approving_body!r} in approvals.yml; record "
            "the approval there before the agreement starts, or remove the agreement"
        )
    if decisions[0].decided_on > agreement.starts_on:
        return (
            f"the agreement starts on {agreement.starts_on} but {agreement.approving_body!r} "
            f"approved it only on {decisions[0].decided_on} (approval {decisions[0].id!r}); "
            "move starts_on to the approval date or record the earlier decision"
        )
    covered_until = agreement.starts_on - timedelta(days=1)
    last = decisions[0]
    for decision in decisions:
        if decision.decided_on > covered_until + timedelta(days=1):
            break
        if decision.expires_on > covered_until:
            covered_until, last = decision.expires_on, decision
    if covered_until >= agreement.expires_on:
        return None
    return (
        f"the agreement runs to {agreement.expires_on}, but its approval {last.id!r} "
        f"expired on {last.expires_on}; record the renewal of {agreement.approving_body!r} "
        f"in approvals.yml or end the agreement by {last.expires_on}"
    )


def _overlapping(agreements: list[Agreement]) -> list[tuple[Agreement, Agreement]]:
    pairs = []
    for index, first in enumerate(agreements):
        for second in agreements[index + 1 :]:
            if (
                set(first.roles) & set(second.roles)
                and set(first.purposes) & set(second.purposes)
                and first.starts_on <= second.expires_on
                and second.starts_on <= first.expires_on
            ):
                pairs.append((first, second))
    return pairs
