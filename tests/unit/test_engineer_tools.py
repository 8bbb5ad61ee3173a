"""The data engineer's commands refuse hostile ids and file names, say what is declared, and
report a broken declaration by file and field (orchestration/engineering/tools.py)."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from orchestration.engineering import tools as engineer_tools
from orchestration.engineering.tools import EngineerToolError, Finding
from orchestration.platform.declarations import ContributorFeed, SourceSpec, load_source_specs
from orchestration.platform.settings import DBT_PROJECT_DIR, DEVELOPMENT_KEYS_FILE
from orchestration.trust.governance import load_governance

HOSTILE_IDS = [
    "../x",
    "a;b",
    "TX_DFPS",
    "tx dfps",
    "x" * 65,
    "",
    "tx__dfps",
    "tx\x00dfps",
    "$(id)",
    "screenings/../hotline",
]


@pytest.fixture(scope="module")
def specs() -> list[SourceSpec]:
    return load_source_specs(DBT_PROJECT_DIR)


@pytest.fixture(scope="module")
def governance():
    return load_governance()


@pytest.fixture(scope="module")
def screenings(specs) -> SourceSpec:
    return engineer_tools.declared_data_set(specs, "screenings")


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_hostile_ids_are_refused_before_they_name_anything(hostile, specs, governance):
    for refuse in (
        lambda: engineer_tools.declared_data_set(specs, hostile),
        lambda: engineer_tools.declared_contributor(governance, hostile),
        lambda: engineer_tools.data_set_run_command(hostile),
        lambda: engineer_tools.check_data_set(hostile, DBT_PROJECT_DIR, load_governance),
    ):
        with pytest.raises(EngineerToolError) as refused:
            refuse()
        message = str(refused.value)
        assert "is not an id" in message or "is longer than 64 characters" in message
        assert len(message) < 400, "a very long id is cut in the message"


def test_an_unknown_data_set_or_contributor_is_refused_with_the_declared_ones(specs, governance):
    with pytest.raises(EngineerToolError, match="no data set 'trafficking'") as refused:
        engineer_tools.declared_data_set(specs, "trafficking")
    assert "screenings" in str(refused.value) and "hotline" in str(refused.value)
    with pytest.raises(EngineerToolError, match="no contributor 'tx_nobody'") as refused:
        engineer_tools.declared_contributor(governance, "tx_nobody")
    assert "tx_dfps" in str(refused.value) and "nhth" in str(refused.value)


def test_a_contributor_not_declared_for_the_data_set_is_refused(screenings, governance):
    with pytest.raises(EngineerToolError) as refused:
        engineer_tools.delivery_object(screenings, governance, "nhth", "x.csv", "2024-06")
    message = str(refused.value)
    assert "'nhth' is not declared for data set 'screenings'" in message
    assert "tx_dfps" in message, "names the data set's contributors"
    assert "_screenings__sources.yml" in message, "names where to declare it"


def test_a_delivery_is_keyed_under_its_contributors_prefix(screenings, governance):
    raw = engineer_tools.delivery_object(
        screenings, governance, "tx_dfps", "June screenings.csv", "2024-06"
    )
    assert raw.key == "screenings/tx_dfps__2024-06/June screenings.csv"
    assert raw.contributor == "tx_dfps"


def test_the_label_defaults_to_the_day(screenings, governance):
    assert engineer_tools.default_label(date(2026, 3, 9)) == "2026-03-09"
    raw = engineer_tools.delivery_object(
        screenings, governance, "tx_dfps", "a.csv", engineer_tools.default_label()
    )
    assert raw.delivery == f"tx_dfps__{date.today().isoformat()}"


@pytest.mark.parametrize(
    ("file_name", "said"),
    [
        ("..", "starts with a dot"),
        (".hidden.csv", "starts with a dot"),
        ("screenings.csv ", "starts or ends with a space"),
        ("bell\x07.csv", "U+0007"),
        ("rtl\u202evsc.csv", "U+202E"),
        ("a;b.csv", "';'"),
        ("it's.csv", '"\'"'),
        ("x" * 250 + ".csv", "longer than 200 characters"),
        (os.fsdecode(b"caf\xe9.csv"), "not valid UTF-8"),
    ],
)
def test_hostile_file_names_are_refused_with_what_to_rename(
    file_name, said, screenings, governance
):
    with pytest.raises(EngineerToolError) as refused:
        engineer_tools.delivery_object(screenings, governance, "tx_dfps", file_name, "2024-06")
    message = str(refused.value)
    assert said in message
    assert "rename" in message
    message.encode("utf-8")  # printable, whatever bytes the name held


@pytest.mark.parametrize("label", ["2024/06", "../2024", ".x", "a;b", "x" * 300])
def test_hostile_labels_are_refused(label, screenings, governance):
    with pytest.raises(EngineerToolError, match="label"):
        engineer_tools.delivery_object(screenings, governance, "tx_dfps", "a.csv", label)


def test_a_file_the_contributors_glob_would_not_land_is_refused(screenings, governance):
    with pytest.raises(EngineerToolError) as refused:
        engineer_tools.delivery_object(screenings, governance, "tx_dfps", "a.xlsx", "2024-06")
    assert "'*.csv'" in str(refused.value) and "landing would ignore it" in str(refused.value)


def test_an_api_contributor_has_nothing_to_upload():
    spec = SourceSpec(
        name="hotline",
        title="Hotline",
        cadence_days=365,
        contributors={"nhth_web": ContributorFeed("nhth_web", "api")},
        declared_in=Path("_hotline__sources.yml"),
    )
    governance = SimpleNamespace(contributors={"nhth_web": SimpleNamespace(data_sets=("hotline",))})
    with pytest.raises(EngineerToolError, match="pulls 'nhth_web'"):
        engineer_tools.delivery_object(spec, governance, "nhth_web", "x.html", "2024")


def test_a_local_file_must_be_a_non_empty_regular_file(tmp_path):
    with pytest.raises(EngineerToolError, match="no such file"):
        engineer_tools.checked_local_file(tmp_path / "missing.csv")
    with pytest.raises(EngineerToolError, match="not a regular file"):
        engineer_tools.checked_local_file(tmp_path)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(EngineerToolError, match="empty"):
        engineer_tools.checked_local_file(tmp_path / "empty.csv")


def test_local_keys_are_made_once_private_and_for_the_embedded_store_only(tmp_path, governance):
    first = engineer_tools.keys_for_contributor(
        governance, "tx_dfps", tmp_path, local_store=True, environment={}
    )
    again = engineer_tools.keys_for_contributor(
        governance, "tx_dfps", tmp_path, local_store=True, environment={}
    )
    assert first.issued and not again.issued
    assert (first.access_key_id, first.secret_access_key) == (
        again.access_key_id,
        again.secret_access_key,
    )
    assert first.kept_in == tmp_path / DEVELOPMENT_KEYS_FILE
    assert stat.S_IMODE(first.kept_in.stat().st_mode) == 0o600
    assert first.exports() == [
        f"export HUB_CONTRIBUTOR_TX_DFPS_ACCESS_KEY_ID={first.access_key_id}",
        f"export HUB_CONTRIBUTOR_TX_DFPS_SECRET_ACCESS_KEY={first.secret_access_key}",
    ]
    with pytest.raises(EngineerToolError, match="embedded object store only"):
        engineer_tools.keys_for_contributor(
            governance, "tx_dfps", tmp_path / "remote", local_store=False, environment={}
        )
    assert not (tmp_path / "remote").exists(), "no local keys are made for another store"


def test_keys_set_in_the_environment_are_used_as_they_are(tmp_path, governance):
    environment = {
        "HUB_CONTRIBUTOR_NHTH_ACCESS_KEY_ID": "from-vault",
        "HUB_CONTRIBUTOR_NHTH_SECRET_ACCESS_KEY": "vault-secret",
    }
    keys = engineer_tools.keys_for_contributor(
        governance, "nhth", tmp_path, local_store=False, environment=environment
    )
    assert (keys.access_key_id, keys.secret_access_key, keys.kept_in) == (
        "from-vault",
        "vault-secret",
        None,
    )
    assert not (tmp_path / DEVELOPMENT_KEYS_FILE).exists()


def copied_project(tmp_path: Path, data_set: str) -> Path:
    """A dbt project holding one data set's staging folder, copied from the repository."""
    folder = tmp_path / "dbt_project" / "models" / "staging" / data_set
    shutil.copytree(DBT_PROJECT_DIR / "models" / "staging" / data_set, folder)
    return tmp_path / "dbt_project"


def problems(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if not finding.ok]


def test_check_passes_a_sound_declaration(tmp_path):
    project = copied_project(tmp_path, "tip_tiers")
    findings = engineer_tools.check_data_set("tip_tiers", project, load_governance)
    assert problems(findings) == []
    assert {f.subject for f in findings} >= {"declaration", "trust", "staging model"}


def test_check_names_the_file_and_field_of_a_broken_declaration(tmp_path):
    project = copied_project(tmp_path, "tip_tiers")
    sources = project / "models" / "staging" / "tip_tiers" / "_tip_tiers__sources.yml"
    sources.write_text(sources.read_text().replace("cadence_days: ", "cadence_days: -"))
    (project / "models" / "staging" / "tip_tiers" / "stg_tip_tiers__tier_placements.sql").unlink()
    findings = engineer_tools.check_data_set("tip_tiers", project, load_governance)
    found = problems(findings)
    declaration = next(f for f in found if f.subject == "declaration")
    assert str(sources) in declaration.text and "cadence_days" in declaration.text
    staging = next(f for f in found if f.subject == "staging model")
    assert "stg_tip_tiers__" in staging.text
    for line in engineer_tools.report_lines(findings):
        assert len(line) <= 80
    assert engineer_tools.report_lines(findings)[0].startswith("problem declaration:")


def test_check_of_an_undeclared_data_set_lists_the_declared_ones(tmp_path):
    project = copied_project(tmp_path, "tip_tiers")
    with pytest.raises(EngineerToolError, match=r"no data set 'hotline'.*declared: tip_tiers"):
        engineer_tools.check_data_set("hotline", project, load_governance)


def test_check_reports_the_trusts_problems_with_the_data_set(tmp_path):
    from orchestration.trust.governance import GovernanceError

    def broken_trust():
        raise GovernanceError(
            [
                "orchestration/trust/marts.yml: mart 'tiers', field data_sets: unknown data "
                "set 'tip_tiers'",
                "orchestration/trust/roles.yml: role 'x': role ids are snake_case; rename it",
            ]
        )

    project = copied_project(tmp_path, "tip_tiers")
    trust = [
        f
        for f in engineer_tools.check_data_set("tip_tiers", project, broken_trust)
        if f.subject == "trust"
    ]
    assert [f.ok for f in trust] == [False, False]
    assert "mart 'tiers'" in trust[0].text
    assert "1 other problem" in trust[1].text


def test_check_says_which_contributor_a_sample_matches(tmp_path):
    project = copied_project(tmp_path, "screenings")
    sample = tmp_path / "export.txt"
    sample.write_text("id\n1\n")
    findings = engineer_tools.check_data_set("screenings", project, load_governance, sample=sample)
    refused = next(f for f in findings if f.subject == "sample")
    assert not refused.ok
    assert "matches no contributor's files" in refused.text and "tx_dfps: *.csv" in refused.text
    assert "--contributor" in refused.text


SCREENINGS_HEADER = (
    "screening_id,agency_id,agency_type,state,county_fips,screened_on,youth_first_name,"
    "youth_last_name,youth_dob,youth_sex,youth_race,item_01,item_02,item_03,item_04,item_05,"
    "item_06,concern_level"
)


def screening(screening_id: str, screened_on: str) -> str:
    return (
        f"{screening_id},TX-CW-309,child_welfare,TX,48309,{screened_on},Ana,Example,2010-04-26,"
        "F,white,no,no,no,yes,no,no,no_concern"
    )


def test_check_reads_a_sample_as_its_contributor_and_gates_it(tmp_path):
    project = copied_project(tmp_path, "screenings")
    sample = tmp_path / "screenings.csv"
    rows = [
        screening("S-1", "2024-03-03"),
        screening("S-2", "2024-03-04"),
        screening("S-2", "2024-03-05"),  # the same screening id twice
        screening("S-3", "2024-02-30"),  # no such day: quarantined at landing
    ]
    sample.write_text("\n".join([SCREENINGS_HEADER, *rows]) + "\n")
    findings = engineer_tools.check_data_set("screenings", project, load_governance, sample=sample)
    by_subject = {finding.subject: finding for finding in findings}
    read = by_subject["read as tx_dfps"]
    assert not read.ok
    assert "3 rows" in read.text and "1 row(s) would be quarantined" in read.text
    assert "2024-02-30" in read.text
    gate = by_subject["great_expectations_suite"]
    assert not gate.ok and "screening_id" in gate.text and "hold this delivery" in gate.text
    assert by_subject["pandera_schema"].ok
    assert by_subject["file name"].ok
