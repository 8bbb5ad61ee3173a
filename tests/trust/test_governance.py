"""The trust's declarations: valid as shipped, and every mistake named with what to do."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from orchestration.trust.governance import (
    TRUST_DIR,
    AccessRefused,
    GovernanceError,
    load_governance,
)

TODAY = date(2026, 11, 25)


@pytest.fixture
def declarations(tmp_path) -> Path:
    directory = tmp_path / "trust"
    shutil.copytree(TRUST_DIR, directory)
    return directory


def edit(directory: Path, name: str, change) -> None:
    path = directory / name
    document = yaml.safe_load(path.read_text())
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def problems(directory: Path) -> list[str]:
    with pytest.raises(GovernanceError) as raised:
        load_governance(directory)
    return raised.value.problems


def agreement(document: dict, agreement_id: str) -> dict:
    return next(a for a in document["agreements"] if a["id"] == agreement_id)


def test_the_shipped_declarations_are_valid_and_know_every_contributor():
    governance = load_governance()
    assert {"tx_dfps", "nhth", "usao"} <= set(governance.contributors)
    assert [tier.id for tier in governance.tiers] == ["published", "aggregate"]
    assert {m.name for m in governance.suppressed_marts} == {
        "screenings_by_state_year",
        "cases_by_state_year_type",
        "indicator_totals_by_state_year",
    }


def test_an_agreement_naming_an_unknown_data_set_is_an_error(declarations):
    edit(
        declarations,
        "agreements.yml",
        lambda d: agreement(d, "dua-2025-gulf-research")["data_sets"].append("screening"),
    )
    found = problems(declarations)
    assert len(found) == 1
    message = found[0]
    assert message.startswith(f"{declarations / 'agreements.yml'}: ")
    assert "agreement 'dua-2025-gulf-research'" in message
    assert "field data_sets" in message
    assert "unknown data set 'screening'" in message
    assert "use one of: commercial_sex_ads, community_vulnerability" in message


def test_an_agreement_outliving_its_expired_approval_is_an_error(declarations):
    def expire(document):
        approval = next(a for a in document["approvals"] if a["id"] == "ac-2025-06-item-4")
        approval["expires_on"] = date(2026, 6, 30)

    edit(declarations, "approvals.yml", expire)
    (message,) = problems(declarations)
    assert "agreement 'dua-2025-gulf-research'" in message
    assert "approval 'ac-2025-06-item-4' expired on 2026-06-30" in message
    assert "record the renewal of 'advisory_council' in approvals.yml" in message


def test_a_renewal_decided_in_time_extends_the_approval(declarations):
    def renew(document):
        first = next(a for a in document["approvals"] if a["id"] == "ac-2025-06-item-4")
        first["expires_on"] = date(2026, 6, 30)
        document["approvals"].append(
            {
                **first,
                "id": "ac-2026-05-item-1",
                "decided_on": date(2026, 5, 4),
                "expires_on": date(2027, 6, 30),
                "record": "renewal",
            }
        )

    edit(declarations, "approvals.yml", renew)
    assert load_governance(declarations).agreements["dua-2025-gulf-research"]


def test_an_agreement_that_starts_before_its_approval_is_an_error(declarations):
    edit(
        declarations,
        "agreements.yml",
        lambda d: agreement(d, "dua-2025-gulf-research").update(starts_on=date(2025, 1, 1)),
    )
    (message,) = problems(declarations)
    assert "approved it only on 2025-06-12" in message


def test_mistakes_are_all_reported_at_once(declarations):
    def break_things(document):
        gulf = agreement(document, "dua-2025-gulf-research")
        gulf["roles"] = ["reseacher"]
        gulf["expires"] = gulf.pop("expires_on")
        gulf["purposes"].append("marketing")

    edit(declarations, "agreements.yml", break_things)
    found = "\n".join(problems(declarations))
    assert "field roles: unknown role 'reseacher'" in found
    assert "field expires: is not a known field" in found
    assert "field expires_on: is required" in found
    assert "unknown purpose 'marketing'" in found


def test_overlapping_agreements_for_one_role_and_purpose_are_an_error(declarations):
    def duplicate(document):
        copy = dict(agreement(document, "dua-2025-gulf-research"), id="dua-2026-copy")
        document["agreements"].append(copy)

    def approve(document):
        approval = dict(document["approvals"][0], id="ac-copy", agreement="dua-2026-copy")
        document["approvals"].append(approval)

    edit(declarations, "agreements.yml", duplicate)
    edit(declarations, "approvals.yml", approve)
    (message,) = problems(declarations)
    assert "during the term of agreement 'dua-2025-gulf-research'" in message


def test_the_contributors_are_those_the_data_set_declarations_name():
    governance = load_governance()
    assert governance.contributors_of("screenings") == [
        "fl_djj",
        "fl_rhy_network",
        "la_ocs",
        "la_rhy_coalition",
        "tx_dfps",
        "tx_jjd",
    ]
    texas = governance.contributors["tx_dfps"]
    assert (texas.kind, texas.data_sets) == ("government", ("screenings",))
    assert not (TRUST_DIR / "contributors.yml").exists()


def test_the_live_agreement_decides_and_refusals_say_why():
    governance = load_governance()
    gulf = governance.agreement_for("researcher", "prevalence_research", TODAY)
    assert gulf.id == "dua-2025-gulf-research"
    marts = {m.name for m in governance.marts_allowed(gulf, "researcher")}
    assert {"screenings_by_state_year", "dataset_quality_scores"} <= marts
    public = governance.agreement_for("public_reporter", "public_reporting", TODAY)
    assert "screenings_by_state_year" not in {
        m.name for m in governance.marts_allowed(public, "public_reporter")
    }
    with pytest.raises(AccessRefused, match="'dua-2023-program-review' expired on 2024-06-30"):
        governance.agreement_for("program_officer", "program_evaluation", TODAY)
    with pytest.raises(AccessRefused, match="allows role 'researcher' for purpose 'public"):
        governance.agreement_for("researcher", "public_reporting", TODAY)
    with pytest.raises(AccessRefused, match="role 'auditor' is not declared"):
        governance.agreement_for("auditor", "gap_analysis", TODAY)
    with pytest.raises(AccessRefused, match="starts on 2025-07-01"):
        governance.agreement_for("researcher", "prevalence_research", date(2025, 3, 1))
