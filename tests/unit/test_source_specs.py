import re
from pathlib import Path

import pytest

from orchestration.platform.declarations import (
    SourceSpecError,
    load_source_specs,
    parse_source_file,
)
from orchestration.platform.settings import DBT_PROJECT_DIR

VALID = """
version: 2
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
                tx_dfps: {format: csv, files: "*.csv", options: {encoding: cp1252}}
                la_ocs: {format: xlsx}
"""


def write(tmp_path: Path, text: str, name: str = "_screenings__sources.yml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_declaration_gives_contributor_feeds(tmp_path):
    (spec,) = parse_source_file(write(tmp_path, VALID))
    assert spec.name == "screenings"
    assert spec.asset_key == ["bronze", "screenings"]
    assert spec.cadence_days == 30
    assert spec.feed_for("tx_dfps").options == {"encoding": "cp1252"}
    assert spec.feed_for("tx_dfps").accepts("screenings.csv")
    assert not spec.feed_for("tx_dfps").accepts("notes.txt")
    assert spec.feed_for("la_ocs").files == "*"
    assert spec.feed_for("nobody") is None


def test_a_table_without_hub_meta_is_not_a_data_set(tmp_path):
    text = "version: 2\nsources:\n  - name: x\n    tables:\n      - name: x\n"
    assert parse_source_file(write(tmp_path, text)) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("asset_key: [bronze, screenings]", "asset_key: [screenings]"),
            "must be [bronze, screenings]",
        ),
        (("cadence_days: 30", "cadence_days: monthly"), "cadence_days must be a positive"),
        (("la_ocs: {format: xlsx}", "la_ocs: {format: xlsx, sheet: 1}"), "unknown keys ['sheet']"),
        (("  - name: screenings\n    tables", "  - name: youth\n    tables"), "must be named like"),
    ],
)
def test_a_bad_declaration_names_the_file_and_the_field(tmp_path, change, message):
    path = write(tmp_path, VALID.replace(*change))
    with pytest.raises(SourceSpecError) as error:
        parse_source_file(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_data_set_declared_twice_is_refused(tmp_path):
    staging = tmp_path / "models" / "staging"
    for folder in ("a", "b"):
        (staging / folder).mkdir(parents=True)
        write(staging / folder, VALID)
    with pytest.raises(SourceSpecError, match="already declared"):
        load_source_specs(tmp_path)


def test_the_projects_own_declarations_load():
    specs = load_source_specs(DBT_PROJECT_DIR)
    names = [spec.name for spec in specs]
    assert {"screenings", "hotline", "prosecutions"} <= set(names)
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("tx_dfps: {format", "tx__dfps: {format"), "double underscore"),
        (("tx_dfps: {format", "'../x': {format"), "contributor ids are snake_case"),
        (("la_ocs: {format: xlsx}", "la_ocs: {format: xlsx, kind: bank}"), "kind 'bank'"),
        (
            ("la_ocs: {format: xlsx}", "la_ocs: {format: xlsx, jurisdiction: {state: Texas}}"),
            "jurisdiction is national, global",
        ),
        (("cadence_days: 30", "cadence_days: 30\n              scope: mars"), "scope must be"),
        (("cadence_days: 30", "cadence_days: 30\n              colour: red"), "unknown keys"),
        (
            ("cadence_days: 30", "cadence_days: 30\n              silver: {shape: blobs}"),
            "silver.shape must be",
        ),
        (
            (
                "cadence_days: 30",
                "cadence_days: 30\n              silver: {shape: cases, from: 'x; drop'}",
            ),
            "names the data set's staging model",
        ),
        (
            (
                "cadence_days: 30",
                "cadence_days: 30\n              silver: {shape: indicator_observations, "
                "from: stg_x}",
            ),
            "measures names the staging columns",
        ),
    ],
)
def test_each_new_declaration_field_is_checked(tmp_path, change, message):
    with pytest.raises(SourceSpecError, match=re.escape(message)):
        parse_source_file(write(tmp_path, VALID.replace(*change)))


def test_a_contributor_is_described_alike_in_every_data_set_it_delivers(tmp_path):
    (tmp_path / "models" / "staging" / "a").mkdir(parents=True)
    (tmp_path / "models" / "staging" / "b").mkdir(parents=True)
    first = VALID.replace("la_ocs: {format: xlsx}", "la_ocs: {format: xlsx, kind: ngo}")
    second = first.replace("screenings", "hotline").replace("kind: ngo", "kind: government")
    (tmp_path / "models/staging/a/_screenings__sources.yml").write_text(first)
    (tmp_path / "models/staging/b/_hotline__sources.yml").write_text(second)
    with pytest.raises(
        SourceSpecError, match=r"contributor 'la_ocs' has kind 'ngo' but .* gives 'government'"
    ):
        load_source_specs(tmp_path)


def test_the_projects_declarations_name_scope_and_contributors():
    specs = {spec.name: spec for spec in load_source_specs(DBT_PROJECT_DIR)}
    assert specs["tip_tiers"].target_geography == "countries"
    assert specs["screenings"].feed_for("tx_dfps").jurisdiction.code == "TX"
    assert specs["hotline"].silver["shape"] == "indicator_observations"


@pytest.mark.parametrize(
    "field",
    [
        "{code: 'sex_codes; drop table x', column: sex}",
        "{code: sex_codes}",
        "{age: ''}",
        "{age: age, state: state}",
        "{colour: red}",
        "''",
    ],
)
def test_a_declared_field_is_an_expression_or_one_known_conversion(tmp_path, field):
    silver = (
        "cadence_days: 30\n              silver: {shape: person_records, from: stg_x, "
        f"fields: {{sex: {field}}}}}"
    )
    with pytest.raises(SourceSpecError, match=r"fields\.sex: a SQL expression"):
        parse_source_file(write(tmp_path, VALID.replace("cadence_days: 30", silver)))
