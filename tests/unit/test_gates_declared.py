from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.landing.gates import GE_CHECK, PANDERA_CHECK, gates_for, key_relation
from orchestration.platform.declarations import ContributorFeed, SourceSpec
from orchestration.platform.lake_layout import LINEAGE_SCHEMA, RawObject


def spec(name: str, **contributors: dict) -> SourceSpec:
    feeds = {
        contributor: ContributorFeed(contributor, "csv", options=options)
        for contributor, options in contributors.items()
    }
    return SourceSpec(name, name, 30, feeds, Path("x.yml"))


def test_a_data_set_with_a_gate_module_gets_both_checks_which_block_nothing_downstream():
    # a failing delivery is held out of bronze; blocking would stop every data set's models
    gates = gates_for(spec("screenings"))
    assert gates.check_names == (GE_CHECK, PANDERA_CHECK)
    assert not any(check.blocking for check in gates.check_specs())


def test_a_data_set_without_a_gate_module_has_the_pandera_check_only():
    gates = gates_for(spec("no_such_data_set"))

    assert gates.check_names == (PANDERA_CHECK,)
    assert [check.name for check in gates.check_specs()] == [PANDERA_CHECK]


def landed(tmp_path: Path, contributor: str, sessions: list[str]) -> Path:
    """A candidate as landing writes it: the delivery's columns, then lineage."""
    rows = len(sessions)
    lineage = {
        "_raw_key": [f"s3://raw/programs/{contributor}__2024/f.csv"] * rows,
        "_raw_sha256": ["0" * 64] * rows,
        "_delivery": [f"{contributor}__2024"] * rows,
        "_contributor": [contributor] * rows,
        "_row_number": list(range(1, rows + 1)),
        "_ingested_at": [datetime(2024, 6, 1, tzinfo=UTC)] * rows,
    }
    table = pa.table({"sessions": sessions, **lineage}).cast(
        pa.schema([pa.field("sessions", pa.string()), *LINEAGE_SCHEMA])
    )
    path = tmp_path / f"{contributor}.parquet"
    pq.write_table(table, path)
    return path


def test_the_pandera_check_holds_a_delivery_to_its_own_contributors_declared_types(tmp_path):
    # sessions landed as text: wrong for the contributor declaring it an integer, fine for one
    # that declares nothing; a data set without a suite runs no GE check
    programs = spec("programs", strict={"types": {"sessions": "integer"}}, lenient={})
    gate = gates_for(programs).gate(None)

    strict = gate(RawObject("programs", "strict__2024", "f.csv"), landed(tmp_path, "strict", ["4"]))
    lenient = gate(
        RawObject("programs", "lenient__2024", "f.csv"), landed(tmp_path, "lenient", ["4"])
    )

    assert not strict.passed
    assert list(strict.results) == [PANDERA_CHECK]
    (wrong_type,) = strict.results[PANDERA_CHECK]["failures"]
    assert (wrong_type["expectation_type"], wrong_type["columns"]) == ("dtype", ["sessions"])
    assert lenient.passed
    assert list(lenient.results) == [PANDERA_CHECK]


def test_the_key_relation_holds_the_candidate_and_the_released_rows_sharing_a_key(tmp_path):
    # the oldest released object predates the key column, which must read as null, not fail
    pq.write_table(pa.table({"_contributor": ["a"], "other": [1]}), tmp_path / "old.parquet")
    pq.write_table(
        pa.table({"_contributor": ["a", "a", "b", None], "id": ["1", "2", "1", "3"]}),
        tmp_path / "released.parquet",
    )
    candidate = tmp_path / "candidate.parquet"
    pq.write_table(pa.table({"_contributor": ["a", "a", None], "id": ["2", "9", "3"]}), candidate)
    released = [str(tmp_path / "old.parquet"), str(tmp_path / "released.parquet")]

    rows = duckdb.sql(key_relation(released, candidate, ["_contributor", "id"])).fetchall()

    # the candidate's three rows; of the released, only ("a", "2"): a missing key matches nothing
    assert sorted(rows, key=str) == sorted(
        [("a", "2"), ("a", "9"), (None, "3"), ("a", "2")], key=str
    )


def test_without_released_objects_or_a_key_column_the_key_relation_is_the_candidate(tmp_path):
    candidate = tmp_path / "candidate.parquet"
    pq.write_table(pa.table({"_contributor": ["a"], "other": [1]}), candidate)
    released = [str(tmp_path / "absent.parquet")]  # never read (it would fail): no "id" to probe

    assert duckdb.sql(key_relation([], candidate, ["_contributor"])).fetchall() == [("a",)]
    whole = duckdb.sql(key_relation(released, candidate, ["_contributor", "id"]))
    assert whole.columns == ["_contributor", "other"]


def test_ids_sent_as_numbers_meet_the_same_ids_sent_as_text(tmp_path):
    released = tmp_path / "released.parquet"
    pq.write_table(pa.table({"_contributor": ["a", "a"], "id": ["7", "x9"]}), released)
    candidate = tmp_path / "candidate.parquet"
    pq.write_table(pa.table({"_contributor": ["a"], "id": pa.array([7], pa.int64())}), candidate)

    relation = key_relation([str(released)], candidate, ["_contributor", "id"])

    assert sorted(duckdb.sql(relation).fetchall()) == [("a", "7"), ("a", "7")]
