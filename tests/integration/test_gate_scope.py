"""What each gate reads: row rules see the new delivery, uniqueness sees bronze as it would be.

Landing calls the gate straight, on a real object store, with the declared screenings
data set: no Dagster run is needed to see which delivery is held and why.
"""

import pytest

from orchestration.landing.gates import GE_CHECK, gates_for
from orchestration.landing.landing import land_source
from orchestration.platform.declarations import load_source_specs
from orchestration.platform.resources import LakeResource
from orchestration.platform.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.integration

HEADER = "screening_id,screened_on,youth_dob,youth_last_name,youth_sex,youth_race\n"


def screenings(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


@pytest.fixture
def landing(hub_env):
    spec = next(s for s in load_source_specs(DBT_PROJECT_DIR) if s.name == "screenings")
    gate = gates_for(spec).gate(LakeResource.from_environment())

    def deliver(month: str, data: bytes):
        key = f"screenings/tx_dfps__{month}/screenings.csv"
        hub_env.fs.pipe(f"{hub_env.raw_bucket}/{key}", data)
        report = land_source(spec, hub_env.fs, hub_env.raw_bucket, hub_env.lake_bucket, gate=gate)
        return next(o for o in report.outcomes if o.raw_key.endswith(key))

    return deliver


def failed_rules(outcome) -> set[tuple[str, tuple[str, ...]]]:
    failures = outcome.gate_results[GE_CHECK]["failures"]
    return {(f["expectation_type"], tuple(f["columns"])) for f in failures}


def test_an_id_already_in_bronze_holds_the_new_delivery(landing):
    first = landing(
        "2024-01", screenings("S1,2024-01-03,2008-05-01,Doe,F,W", "S2,2024-01-04,,Roe,M,B")
    )
    assert first.status == "landed"

    again = landing(
        "2024-02", screenings("S3,2024-02-01,2009-01-01,Poe,F,W", "S2,2024-02-02,,Moe,M,B")
    )

    assert again.status == "held"
    assert failed_rules(again) == {
        ("expect_compound_columns_to_be_unique", ("_contributor", "screening_id"))
    }
    duplicate = again.gate_results[GE_CHECK]["failures"][0]
    # the same id once in released bronze and once in the candidate; the rule saw the
    # delivery's two rows and the one released row sharing a key with them, not S1
    assert (duplicate["unexpected_count"], duplicate["element_count"]) == (2, 3)


def test_an_id_twice_in_the_new_delivery_holds_it(landing):
    assert landing("2024-01", screenings("S1,2024-01-03,2008-05-01,Doe,F,W")).status == "landed"

    twice = landing(
        "2024-02", screenings("S2,2024-02-01,2009-01-01,Poe,F,W", "S2,2024-02-02,,Moe,M,B")
    )

    assert twice.status == "held"
    duplicate = twice.gate_results[GE_CHECK]["failures"][0]
    assert duplicate["expectation_type"] == "expect_compound_columns_to_be_unique"
    assert (duplicate["unexpected_count"], duplicate["element_count"]) == (2, 2)


def test_a_delivery_without_its_id_column_is_held_naming_it(landing):
    assert landing("2024-01", screenings("S1,2024-01-03,2008-05-01,Doe,F,W")).status == "landed"
    without_ids = b"screened_on,youth_dob,youth_last_name,youth_sex,youth_race\n"
    without_ids += b"2024-02-01,2009-01-01,Poe,F,W\n"

    held = landing("2024-02", without_ids)

    assert held.status == "held"
    assert ("expect_compound_columns_to_be_unique", ("_contributor", "screening_id")) in (
        failed_rules(held)
    )
    unique = next(
        f
        for f in held.gate_results[GE_CHECK]["failures"]
        if f["expectation_type"] == "expect_compound_columns_to_be_unique"
    )
    assert "screening_id" in unique["error"]


def test_a_row_rule_is_judged_on_the_new_delivery_alone(landing):
    assert landing("2024-01", screenings("S1,2024-01-03,2008-05-01,Doe,F,W")).status == "landed"

    undated = landing("2024-02", screenings("S2,,2009-01-01,Poe,F,W", "S3,2024-02-02,,Roe,M,B"))

    assert undated.status == "held"
    assert failed_rules(undated) == {("expect_column_values_to_not_be_null", ("screened_on",))}
    failure = undated.gate_results[GE_CHECK]["failures"][0]
    # counted over the delivery's two rows, not over bronze's three
    assert (failure["unexpected_count"], failure["element_count"]) == (1, 2)


def test_a_resent_delivery_is_not_its_own_duplicate(landing):
    data = screenings("S1,2024-01-03,2008-05-01,Doe,F,W")
    assert landing("2024-01", data).status == "landed"

    resent = landing("2024-01", data + b"S2,2024-01-05,2007-02-02,Roe,M,B\n")

    assert resent.status == "landed"
    assert resent.rows == 2
