"""Silver person records load by raw object: a run touches only what bronze changed."""

import duckdb
import pytest
from dagster_dbt import DbtProject
from hub_runs import run_for

from infra.demo.generate import generate_estate
from orchestration.lib.settings import DBT_PROJECT_DIR

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


def test_a_run_loads_new_objects_leaves_the_rest_and_drops_removed_ones(hub_env, tmp_path):
    estate = tmp_path / "estate"
    generate_estate(estate, seed=5, scale=0.1, only=["screenings"])
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.preparer.prepare(project)
    hub_env.fs.put_file(str(estate / MARCH), f"{hub_env.raw_bucket}/{MARCH}")
    assert run_for("screenings").success
    march_rows, _ = rows_by_object(hub_env)[MARCH]
    assert march_rows > 0
    mark_rows_of(hub_env, MARCH)

    hub_env.fs.put_file(str(estate / APRIL), f"{hub_env.raw_bucket}/{APRIL}")
    assert run_for("screenings").success

    loaded = rows_by_object(hub_env)
    assert loaded[MARCH] == (march_rows, {"left alone"})  # not reloaded
    assert loaded[APRIL][0] > 0 and loaded[APRIL][1] == {"tx_dfps__2024-04"}

    # a resend (its last row dropped) is a new version: its rows replace the old ones
    resent = b"\n".join((estate / MARCH).read_bytes().strip().split(b"\n")[:-1]) + b"\n"
    hub_env.fs.pipe(f"{hub_env.raw_bucket}/{MARCH}", resent)
    assert run_for("screenings").success
    assert rows_by_object(hub_env)[MARCH] == (march_rows - 1, {"tx_dfps__2024-03"})

    hub_env.fs.rm(f"{hub_env.raw_bucket}/{APRIL}")
    assert run_for("screenings").success
    assert set(rows_by_object(hub_env)) == {MARCH}
