"""JSON documents and JSON Lines."""

from __future__ import annotations

import gzip
import json

import pytest
from adapter_helpers import batches_of, read_bytes, read_file, rows

from adapters import AdapterError

RECORDS = [
    {
        "case_id": "C-1",
        "victims": 3,
        "minor": True,
        "court": {"district": "N.D. Ga.", "circuit": 11},
        "charges": ["1591", "1594"],
    },
    {"case_id": "C-2", "victims": 0.5, "minor": False, "court": None, "charges": []},
    {"case_id": "C-3", "notes": "ñandú “quoted”"},
]
EXPECTED = [
    {
        "case_id": "C-1",
        "victims": "3",
        "minor": "true",
        "court.district": "N.D. Ga.",
        "court.circuit": "11",
        "charges": '["1591", "1594"]',
        "court": None,
        "notes": None,
    },
    {
        "case_id": "C-2",
        "victims": "0.5",
        "minor": "false",
        "court.district": None,
        "court.circuit": None,
        "charges": "[]",
        "court": None,
        "notes": None,
    },
    {
        "case_id": "C-3",
        "victims": None,
        "minor": None,
        "court.district": None,
        "court.circuit": None,
        "charges": None,
        "court": None,
        "notes": "ñandú “quoted”",
    },
]


def by_name(table):
    return [{name: row.get(name) for name in EXPECTED[0]} for row in rows(table)]


def test_json_array_round_trips_with_nested_objects_flattened():
    result = read_bytes(json.dumps(RECORDS).encode(), "raw/x/2024-05/cases.json")

    assert by_name(result.table) == EXPECTED
    assert result.report["encoding"] == "utf-8"


def test_json_records_at_a_declared_path():
    document = {"meta": {"count": 3}, "data": {"cases": RECORDS}}
    result = read_bytes(
        json.dumps(document).encode(), "raw/x/2024-05/cases.json", record_path="data.cases"
    )

    assert by_name(result.table) == EXPECTED


def test_a_wrong_record_path_names_what_exists():
    with pytest.raises(AdapterError, match=r"'data.items' does not exist \(found \['cases'\]\)"):
        read_bytes(b'{"data": {"cases": []}}', "raw/x/2024-05/c.json", record_path="data.items")


def test_an_object_without_record_path_suggests_one():
    with pytest.raises(AdapterError, match=r"declare `record_path:` as one of \['cases'\]"):
        read_bytes(b'{"cases": [], "total": 0}', "raw/x/2024-05/c.json")


def test_ndjson_round_trips_compressed():
    data = "\n".join(json.dumps(record, ensure_ascii=False) for record in RECORDS).encode()
    result = read_bytes(gzip.compress(data), "raw/x/2024-05/cases.jsonl.gz")

    assert by_name(result.table) == EXPECTED
    assert result.report["format"] == "ndjson"


def test_bad_ndjson_lines_are_quarantined_with_their_text(write_file):
    data = b'{"case_id": "C-1"}\n{"case_id": "C-2"\n\n[1, 2]\n{"case_id": "C-3"}\n'
    result = read_file(write_file("cases.ndjson", data))

    assert [row["case_id"] for row in rows(result.table)] == ["C-1", "C-3"]
    assert [(r.line, r.original) for r in result.rejections] == [
        (2, '{"case_id": "C-2"'),
        (4, "[1, 2]"),
    ]
    assert "line 2 is not valid JSON at column 18" in result.rejections[0].reason


def test_ndjson_fields_first_seen_after_the_first_batch_are_quarantined_not_lost():
    lines = [json.dumps({"id": i}) for i in range(10)] + [json.dumps({"id": 10, "late": "x"})]
    results = batches_of("\n".join(lines).encode(), "raw/x/2024-05/c.ndjson", batch_rows=4)

    assert {r.table.column_names[0] for r in results} == {"id"}
    [rejection] = [r for result in results for r in result.rejections]
    assert rejection.line == 11
    assert rejection.original == '{"id": 10, "late": "x"}'
    assert "declare them under `columns:`" in rejection.reason
    declared = batches_of(
        "\n".join(lines).encode(), "raw/x/2024-05/c.ndjson", batch_rows=4, columns=["id", "late"]
    )
    assert sum(r.table.num_rows for r in declared) == 11


def test_truncated_json_names_line_and_column(write_file):
    path = write_file("cases.json", json.dumps(RECORDS, indent=1).encode()[:-40])

    with pytest.raises(AdapterError) as raised:
        read_file(path, "raw/x/2024-05/cases.json")

    assert "not valid JSON at line" in str(raised.value)
    assert "ask the contributor for a complete file" in str(raised.value)


def test_extremely_deep_json_is_refused_not_crashing():
    deep = b"[" * 100_000 + b"]" * 100_000

    with pytest.raises(AdapterError, match="nests arrays or objects deeper than"):
        read_bytes(deep, "raw/x/2024-05/deep.json")


def test_extremely_deep_ndjson_line_is_quarantined():
    data = b'{"id": 1}\n' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"\n"
    result = read_bytes(data, "raw/x/2024-05/deep.ndjson")

    assert rows(result.table) == [{"id": "1"}]
    [rejection] = result.rejections
    assert rejection.line == 2
    assert "nests deeper than" in rejection.reason


def test_non_object_items_are_rejected_with_their_position():
    result = read_bytes(b'[{"id": 1}, 7, {"id": 2}]', "raw/x/2024-05/c.json")

    assert [row["id"] for row in rows(result.table)] == ["1", "2"]
    assert [(r.line, r.original) for r in result.rejections] == [(2, "7")]


def test_empty_array_is_a_valid_empty_table_with_declared_columns():
    result = read_bytes(b"[]", "raw/x/2024-05/c.json", columns=["id", "state"])

    assert result.table.num_rows == 0
    assert result.table.column_names == ["id", "state"]
