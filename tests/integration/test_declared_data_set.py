"""Data sets added by declaration alone reach gold.

The README's "Adding a data set" names two files: the declaration and one staging model. This
test adds exactly those for two data sets in shapes the demo does not have (a global,
case-level one and a national yearly series broken down by type: tests/fixtures/
declared_data_sets/) to a copy of the project, checks that nothing else in the copy changed,
delivers a file for each, and runs each through Dagster with the data engineer's commands
(`hub prepare`, `hub materialize --data-set`).
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.platform.settings import REPO_ROOT

FIXTURES = Path(__file__).parents[1] / "fixtures" / "declared_data_sets"
# what a fresh clone holds: neither environments, artifacts nor the generated silver inputs
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", ".hub", "target", "logs", "__pycache__", ".*_cache", "declared", ".bench"
)
# (person, gender, age range, citizenship, country of exploitation, exploitation, year)
PEOPLE = [
    ("p-001", "F", "18-24", "Mexico", "USA", "Sexual exploitation", "2021"),
    ("p-002", "Female", "15-17", "MEX", "MEX", "Sexual exploitation", "2021"),
    ("p-003", "M", "25-34", "Philippines", "ARE", "Labour Trafficking", "2022"),
    ("p-004", "F", "9-17", "PHL", "PHL", "Sexual exploitation", "2022"),  # across band edges
    ("p-005", "M", "50+", "Viet Nam", "GBR", "labor", "2022"),
    ("p-006", "", "", "", "", "", "2023"),  # nothing known but the year
]


# (year, type as printed, prosecuted, convicted), below a title and a blank line
SERIES = [
    ("2021", "Sex trafficking", "1,046", "837"),
    ("2021", "Labor trafficking", "97", "55"),
    ("2022", "Sex trafficking", "1,102", "901"),
    ("2022", "Labor trafficking", "", "61"),  # a count not published
]


def digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def hub(copy: Path, *arguments: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(copy), "COLUMNS": "80"}
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *arguments],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed


def write_csv(path: Path, header: list[str], rows: list[tuple], preamble: tuple = ()) -> Path:
    with path.open("w", newline="") as stream:
        for line in preamble:
            stream.write(line + "\n")
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.integration
def test_new_data_sets_reach_gold_by_declaration_alone(hub_env, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(REPO_ROOT, copy, ignore=NOT_IN_A_CLONE)
    before = digest(copy)
    staging = copy / "dbt_project" / "models" / "staging"
    for fixture in FIXTURES.iterdir():
        shutil.copytree(fixture, staging / fixture.name)
    added = {name for name, _ in set(digest(copy).items()) - set(before.items())}
    assert added == {
        "dbt_project/models/staging/identified_victims/_identified_victims__sources.yml",
        "dbt_project/models/staging/identified_victims/stg_identified_victims__records.sql",
        "dbt_project/models/staging/trafficking_convictions/_trafficking_convictions__sources.yml",
        "dbt_project/models/staging/trafficking_convictions/stg_trafficking_convictions__years.sql",
    }
    assert set(before.items()) <= set(digest(copy).items())

    victims = write_csv(
        tmp_path / "victims.csv",
        [
            "person_id",
            "gender",
            "age_range",
            "citizenship",
            "country_of_exploitation",
            "type_of_exploitation",
            "year_registered",
        ],
        PEOPLE,
    )
    series = write_csv(
        tmp_path / "convictions.csv",
        ["Year", "Type of trafficking", "Persons prosecuted", "Persons convicted"],
        SERIES,
        preamble=("Human trafficking prosecutions and convictions, by type", ""),
    )
    raw = hub_env.raw_bucket
    hub_env.fs.put_file(
        str(victims), f"{raw}/identified_victims/victim_data_collaborative__2026-12-01/v.csv"
    )
    hub_env.fs.put_file(
        str(series),
        f"{raw}/trafficking_convictions/national_statistics_office__2026/convictions.csv",
    )

    hub(copy, "prepare")
    hub(copy, "materialize", "--data-set", "identified_victims")
    hub(copy, "materialize", "--data-set", "trafficking_convictions")

    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as warehouse:
        people = warehouse.execute(
            "select record_key, age_band, sex, nationality, country_iso3, trafficking_type, "
            "period_year, taxonomy_cells from silver.person_records "
            "where data_set = 'identified_victims' order by period_year, age_band"
        ).fetchall()
        observations = warehouse.execute(
            "select indicator, slice_dimension, slice_value, period_year, observed_value, "
            "geography_level, country_iso3, taxonomy_cells from silver.indicator_observations "
            "where data_set = 'trafficking_convictions' order by all"
        ).fetchall()
        catalog = warehouse.execute(
            "select data_set, title, target_geography from reference.data_set_catalog "
            "where data_set in ('identified_victims', 'trafficking_convictions') order by 1"
        ).fetchall()
        coverage = dict(
            warehouse.execute(
                "select data_set, geographic_coverage_value from gold.dataset_quality_scores "
                "where data_set in ('identified_victims', 'trafficking_convictions')"
            ).fetchall()
        )
    assert catalog == [
        ("identified_victims", "Identified victims worldwide", "countries"),
        (
            "trafficking_convictions",
            "Trafficking prosecutions and convictions by type",
            "us_national",
        ),
    ]
    # the global data set is scored on the countries it names, the national one on the US
    assert coverage["identified_victims"] > 0
    assert coverage["trafficking_convictions"] == 1.0

    assert len(people) == len(PEOPLE)
    by_band = {row[1]: row for row in people}
    # pseudonymized keys, never the collaborative's ids
    assert all(row[0] and not row[0].startswith("p-") for row in people)
    assert by_band["18-24"][2:6] == ("female", "MEX", "USA", "sex")
    assert by_band["25-34"][4:6] == ("ARE", "labor")
    assert by_band["unmapped"][4] == "PHL"  # 9-17 crosses band edges: measured, not guessed
    assert by_band["unknown"][2:5] == ("unknown", "unknown", None)
    assert all(row[7] == ["protection.supply.individual"] for row in people)

    assert len(observations) == 2 * len(SERIES) - 1  # the unpublished count is no row
    sex_2021 = [row for row in observations if row[2] == "sex" and row[3] == 2021]
    assert {(row[0], row[4]) for row in sex_2021} == {
        ("trafficking_convictions_persons_prosecuted", 1046.0),
        ("trafficking_convictions_persons_convicted", 837.0),
    }
    assert {row[1] for row in observations} == {"trafficking_type"}  # a declared new term
    assert {(row[5], row[6]) for row in observations} == {("country", "USA")}
    assert all(row[7] == ["prosecution.supply.system"] for row in observations)
