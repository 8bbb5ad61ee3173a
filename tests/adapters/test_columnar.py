"""Typed binary formats keep their types: Parquet, Arrow IPC, ORC, Avro."""

from __future__ import annotations

import datetime
import decimal
import gzip
import io

import fastavro
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest
from adapter_helpers import batches_of, read_bytes, read_file, rows

from adapters import AdapterError

CASES = pa.table(
    {
        "case_id": pa.array(["C-1", "C-2", "C-3", "NA"]),
        "victims": pa.array([3, None, -99, 7], pa.int64()),
        "sentence_years": pa.array([2.5, 30.0, None, 1.0]),
        "opened": pa.array(
            [datetime.date(2021, 4, 1), None, datetime.date(2020, 1, 2), datetime.date(2019, 5, 6)]
        ),
    }
)
LANDED = [
    {"case_id": "C-1", "victims": 3, "sentence_years": 2.5, "opened": datetime.date(2021, 4, 1)},
    {"case_id": "C-2", "victims": None, "sentence_years": 30.0, "opened": None},
    {
        "case_id": "C-3",
        "victims": None,
        "sentence_years": None,
        "opened": datetime.date(2020, 1, 2),
    },
    {"case_id": None, "victims": 7, "sentence_years": 1.0, "opened": datetime.date(2019, 5, 6)},
]


def parquet_bytes(table: pa.Table, **kwargs) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **kwargs)
    return buffer.getvalue()


def ipc_file_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    feather.write_feather(table, buffer, compression="zstd")
    return buffer.getvalue()


def ipc_stream_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    with ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=2)
    return sink.getvalue()


def orc_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    orc.write_table(table, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("cases.parquet", parquet_bytes),
        ("cases.feather", ipc_file_bytes),
        ("cases.arrows", ipc_stream_bytes),
        ("cases.orc", orc_bytes),
    ],
)
def test_typed_formats_round_trip_with_native_types_and_missing_codes(name, build):
    result = read_bytes(build(CASES), f"raw/x/2024-05/{name}")

    assert result.table.schema.field("victims").type == pa.int64()
    assert result.table.schema.field("opened").type == pa.date32()
    assert rows(result.table) == LANDED


def test_typed_formats_are_detected_by_magic_bytes_without_an_extension():
    for data, format in [(parquet_bytes(CASES), "parquet"), (ipc_file_bytes(CASES), "arrow")]:
        assert read_bytes(data, "raw/x/2024-05/export.bin").report["format"] == format


def test_gzipped_parquet_round_trips():
    result = read_bytes(gzip.compress(parquet_bytes(CASES)), "raw/x/2024-05/cases.parquet.gz")

    assert rows(result.table) == LANDED


def test_parquet_streams_by_batches_of_bounded_rows():
    table = pa.table({"id": pa.array(range(10_000))})
    results = batches_of(
        parquet_bytes(table, row_group_size=3_000), "raw/x/2024-05/t.parquet", batch_rows=1_000
    )

    assert [r.table.num_rows for r in results] == [1_000] * 10
    assert results[-1].report["rows"] == 10_000


def test_parquet_declared_types_reject_rows_that_do_not_fit():
    table = pa.table({"age": pa.array(["12", "twelve", "40"])})
    result = read_bytes(parquet_bytes(table), "raw/x/2024-05/t.parquet", types={"age": "integer"})

    assert rows(result.table) == [{"age": 12}, {"age": 40}]
    [rejection] = result.rejections
    assert (rejection.line, rejection.original) == (2, '{"age": "twelve"}')


@pytest.mark.parametrize("cut", [0.5, 0.98])
def test_corrupt_or_truncated_parquet_is_an_error_naming_the_file(write_file, cut):
    data = parquet_bytes(CASES)
    path = write_file("cases.parquet", data[: int(len(data) * cut)])

    with pytest.raises(AdapterError) as raised:
        read_file(path, "raw/x/2024-05/cases.parquet")

    assert str(raised.value).startswith("raw/x/2024-05/cases.parquet: not a readable Parquet")
    assert "ask the contributor to send it again" in str(raised.value)


def test_zero_row_parquet_keeps_its_schema():
    result = read_bytes(parquet_bytes(CASES.slice(0, 0)), "raw/x/2024-05/t.parquet")

    assert result.table.num_rows == 0
    assert result.table.schema.field("victims").type == pa.int64()


AVRO_SCHEMA = {
    "type": "record",
    "name": "Case",
    "fields": [
        {"name": "case_id", "type": "string"},
        {"name": "victims", "type": ["null", "long"]},
        {"name": "opened", "type": {"type": "int", "logicalType": "date"}},
        {
            "name": "fine",
            "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
        },
        {"name": "charges", "type": {"type": "array", "items": "string"}},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["SEX", "LABOR"]}},
    ],
}
AVRO_RECORDS = [
    {
        "case_id": "C-1",
        "victims": 3,
        "opened": datetime.date(2021, 4, 1),
        "fine": decimal.Decimal("1250.50"),
        "charges": ["1591"],
        "kind": "SEX",
    },
    {
        "case_id": "C-2",
        "victims": None,
        "opened": datetime.date(2020, 1, 2),
        "fine": decimal.Decimal("0.00"),
        "charges": [],
        "kind": "LABOR",
    },
]


def avro_bytes(records, codec="null") -> bytes:
    buffer = io.BytesIO()
    fastavro.writer(buffer, fastavro.parse_schema(AVRO_SCHEMA), records, codec=codec)
    return buffer.getvalue()


@pytest.mark.parametrize("codec", ["null", "deflate"])
def test_avro_round_trips_with_logical_types(codec):
    result = read_bytes(avro_bytes(AVRO_RECORDS, codec), "raw/x/2024-05/cases.avro")

    assert result.table.schema.field("opened").type == pa.date32()
    assert result.table.schema.field("fine").type == pa.decimal128(9, 2)
    assert rows(result.table) == [
        {**AVRO_RECORDS[0], "charges": '["1591"]'},
        {**AVRO_RECORDS[1], "charges": "[]"},
    ]


def test_truncated_avro_is_an_error_naming_the_row(write_file):
    data = avro_bytes(AVRO_RECORDS * 500)
    path = write_file("cases.avro", data[: len(data) // 2])

    with pytest.raises(AdapterError, match="the Avro data is corrupt or truncated after row"):
        read_file(path, "raw/x/2024-05/cases.avro")


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("t.feather", ipc_file_bytes),
        ("t.arrows", ipc_stream_bytes),
        ("t.orc", orc_bytes),
        ("t.avro", lambda table: avro_bytes(AVRO_RECORDS * 5)),
    ],
)
def test_typed_formats_yield_batches_of_at_most_batch_rows(name, build):
    table = pa.table({"case_id": [f"C-{i}" for i in range(10)]})

    results = batches_of(build(table), f"raw/x/2024-05/{name}", batch_rows=3)

    assert len(results) >= 4
    assert all(r.table.num_rows <= 3 for r in results)
    assert sum(r.table.num_rows for r in results) == 10
