"""Silver person records, and the quality profiles of their objects, load by raw object: a
run touches only what bronze changed, and tests check only the rows it adds."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hub_runs import DBT_TARGET, dbt_reparsed, dbt_results, dbt_run_folder, run_for

from infra.demo.generate import generate_estate
from orchestration.platform.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.integration

MARCH = "screenings/tx_dfps__2024-03/screenings.csv"
APRIL = "screenings/tx_dfps__2024-04/screenings.csv"


def rows_by_object(hub_env) -> dict[str, tuple[int, set[str]]]:
    """raw key -> (rows in silver, the deliveries those rows name)."""
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        found = connection.execute(
            "select raw_key, count(*), list(distinct delivery) "
            "from silver.person_records where data_set = 'screenings' group by raw_key"
        ).fetchall()
    return {key.split("/", 1)[1]: (count, set(deliveries)) for key, count, deliveries in found}


def mark_rows_of(hub_env, key: str) -> None:
    """Stamp an object's silver rows, so a run that rewrote them would be seen."""
    with duckdb.connect(str(hub_env.warehouse_path)) as connection:
        connection.execute(
            "update silver.person_records set delivery = 'left alone' where raw_key like ?",
            [f"%/{key}"],
        )


def profiled_objects(hub_env) -> set[str]:
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        found = connection.execute(
            "select raw_key from intermediate.int_silver_object_profiles "
            "where silver_table = 'person_records'"
        ).fetchall()
    return {key.split("/", 1)[1] for (key,) in found}


def measures(hub_env) -> list[tuple]:
    """Every data set's quality measures, as the scoring marts read them from the profiles."""
    with duckdb.connect(str(hub_env.warehouse_path), read_only=True) as connection:
        return connection.execute(
            "select * from intermediate.int_data_set_measures order by data_set"
        ).fetchall()


def dbt(target: Path, *arguments: str) -> list[dict]:
    """A dbt command on the test's warehouse; the results it wrote in run_results.json."""
    executable = Path(sys.executable).parent / "dbt"
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    subprocess.run(
        [str(executable), *arguments, *project],
        env={**os.environ, "DBT_TARGET_PATH": str(target)},
        capture_output=True,
        check=False,
    )
    return json.loads((target / "run_results.json").read_text())["results"]


def test_a_run_loads_new_objects_leaves_the_rest_and_drops_removed_ones(
    hub_env, dbt_manifest, tmp_path
):
    estate = tmp_path / "estate"
    generate_estate(estate, seed=5, scale=0.1, only=["screenings"])
    hub_env.fs.put_file(str(estate / MARCH), f"{hub_env.raw_bucket}/{MARCH}")
    assert run_for("screenings").success
    march_rows, _ = rows_by_object(hub_env)[MARCH]
    assert march_rows > 0
    mark_rows_of(hub_env, MARCH)

    hub_env.fs.put_file(str(estate / APRIL), f"{hub_env.raw_bucket}/{APRIL}")
    april_run = run_for("screenings")
    assert april_run.success
    # a delivery's run tests the data, not the models' SQL (unit tests run in full refreshes)
    ran = {r["unique_id"].split(".")[0] for r in dbt_results(april_run)}
    assert "model" in ran and "test" in ran and "unit_test" not in ran
    # it starts from the previous run's parse: nothing to parse again, seeds included
    assert dbt_reparsed(april_run) == []
    kept = (DBT_TARGET / "partial_parse.msgpack").read_bytes()
    assert kept == (dbt_run_folder(april_run) / "partial_parse.msgpack").read_bytes()

    loaded = rows_by_object(hub_env)
    assert loaded[MARCH] == (march_rows, {"left alone"})  # not reloaded
    assert loaded[APRIL][0] > 0 and loaded[APRIL][1] == {"tx_dfps__2024-04"}

    # March profiled in the first run, April in this one: the measures summed from them equal
    # those of the profiles built whole
    assert profiled_objects(hub_env) == {MARCH, APRIL}
    kept = measures(hub_env)
    rebuilt = dbt(
        tmp_path / "dbt-rebuild", "run", "--full-refresh", "--select", "int_silver_object_profiles"
    )
    assert [r["status"] for r in rebuilt] == ["success"]
    assert measures(hub_env) == kept

    # a resend (its last row dropped) is a new version: its rows replace the old ones
    resent = b"\n".join((estate / MARCH).read_bytes().strip().split(b"\n")[:-1]) + b"\n"
    hub_env.fs.pipe(f"{hub_env.raw_bucket}/{MARCH}", resent)
    assert run_for("screenings").success
    assert rows_by_object(hub_env)[MARCH] == (march_rows - 1, {"tx_dfps__2024-03"})

    hub_env.fs.rm(f"{hub_env.raw_bucket}/{APRIL}")
    assert run_for("screenings").success
    assert set(rows_by_object(hub_env)) == {MARCH}

    # the profiles follow silver: the removed object's profile left with its rows
    assert profiled_objects(hub_env) == {MARCH}

    # tests on person_records check the rows added since the last profiles: a new row that
    # repeats an old row's key fails `unique`, a new row with an unknown code fails
    # `accepted_values`, and an old row, checked when it was loaded, is not checked again
    # (the repeated key is the smallest and the old row's the largest: were they the same,
    # the update below would reach the new row too)
    with duckdb.connect(str(hub_env.warehouse_path)) as connection:
        connection.execute(
            "insert into silver.person_records select * replace (now() as landed_at) "
            "from silver.person_records order by record_key limit 1"
        )
        connection.execute(
            "insert into silver.person_records select * replace "
            "(now() as landed_at, 'fresh' as record_key, 'bogus' as sex) "
            "from silver.person_records limit 1"
        )
        connection.execute(
            "update silver.person_records set data_set = null where record_key = "
            "(select max(record_key) from silver.person_records where record_key != 'fresh')"
        )
    results = dbt(tmp_path / "dbt-test", "test", "--select", "person_records")
    assert all(r["status"] in ("pass", "fail") for r in results), results
    failing = {r["unique_id"].split(".")[2] for r in results if r["status"] == "fail"}
    assert {name.split("__")[0] for name in failing} >= {
        "unique_person_records_record_key",
        "accepted_values_person_records_sex",
    }
    assert not any(name.startswith("not_null_person_records_data_set") for name in failing)
