"""Typed binary formats: Parquet, Arrow IPC/Feather, ORC and Avro.

These carry their own schema, so columns keep their native types (a Parquet int64 stays
int64); renames, missing codes, declared types and drift checks still apply. All stream:
Parquet by row group batches, IPC by record batch, ORC by stripe, Avro by block.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import fastavro
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.orc as orc
import pyarrow.parquet as pq

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.column_plan import apply_plan, plan_columns
from adapters.streams import peek, seekable_copy


def _row_text(table: pa.Table, position: int) -> str:
    return json.dumps(table.slice(position, 1).to_pylist()[0], ensure_ascii=False, default=str)


def typed_batches(
    batches: Iterable[pa.RecordBatch],
    schema: pa.Schema,
    options: AdapterOptions,
    source_name: str,
    report: dict[str, Any],
    unreadable: tuple[type[BaseException], ...],
    what: str,
) -> Iterator[AdapterResult]:
    """Conform typed record batches, re-sliced to at most `batch_rows` rows each."""
    plan = plan_columns(schema.names, options, source_name, report)
    report["columns"] = plan.names
    rows_read = 0
    totals = {"rows": 0, "rejected": 0}
    emitted = False
    batches = iter(batches)
    while True:
        try:
            batch = next(batches, None)
        except unreadable as error:
            raise AdapterError(
                source_name,
                f"the {what} data is corrupt or truncated after row {rows_read} ({error}); ask "
                "the contributor to send the file again",
            ) from error
        if batch is None:
            break
        table = pa.Table.from_batches([batch], schema=schema)
        for start in range(0, max(table.num_rows, 1), options.batch_rows):
            part = table.slice(start, options.batch_rows)
            if not part.num_rows and emitted:
                continue
            first = rows_read + start + 1
            landed, rejections = apply_plan(
                part,
                plan,
                options,
                source_name,
                line_of=lambda i, first=first: first + i,
                original_of=lambda i, part=part: _row_text(part, i),
            )
            totals["rows"] += landed.num_rows
            totals["rejected"] += len(rejections)
            report.update(totals)
            emitted = True
            yield AdapterResult(landed, rejections, dict(report))
        rows_read += table.num_rows
    if not emitted:
        landed, _ = apply_plan(schema.empty_table(), plan, options, source_name, str, str)
        report.update(totals)
        yield AdapterResult(landed, [], dict(report))


def _unreadable(source_name: str, what: str, error: BaseException) -> AdapterError:
    return AdapterError(
        source_name,
        f"not a readable {what} file ({error}); it may be truncated or corrupt: ask the "
        "contributor to send it again",
    )


def read_parquet(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    try:
        parquet = pq.ParquetFile(seekable_copy(stream))
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(source_name, "Parquet", error) from error
    report: dict[str, Any] = {
        "format": "parquet",
        "rows_in_file": parquet.metadata.num_rows,
        "row_groups": parquet.num_row_groups,
    }
    batches = parquet.iter_batches(batch_size=options.batch_rows)
    yield from typed_batches(
        batches, schema, options, source_name, report, (pa.ArrowException, OSError), "Parquet"
    )


def read_arrow(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    head, stream = peek(stream, 8)
    try:
        if head.startswith(b"ARROW1"):
            file_reader = ipc.open_file(seekable_copy(stream))
            schema = file_reader.schema
            batches: Iterable[pa.RecordBatch] = (
                file_reader.get_batch(index) for index in range(file_reader.num_record_batches)
            )
            layout = "file"
        else:
            stream_reader = ipc.open_stream(stream)
            schema, batches, layout = stream_reader.schema, stream_reader, "stream"
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(source_name, "Arrow IPC (Feather v2)", error) from error
    report: dict[str, Any] = {"format": "arrow", "ipc_layout": layout}
    yield from typed_batches(
        batches, schema, options, source_name, report, (pa.ArrowException, OSError), "Arrow IPC"
    )


def read_orc(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    try:
        orc_file = orc.ORCFile(seekable_copy(stream))
        schema = orc_file.schema
        stripes = orc_file.nstripes
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(source_name, "ORC", error) from error
    report: dict[str, Any] = {"format": "orc", "rows_in_file": orc_file.nrows, "stripes": stripes}
    batches = (orc_file.read_stripe(index) for index in range(stripes))
    yield from typed_batches(
        batches, schema, options, source_name, report, (pa.ArrowException, OSError), "ORC"
    )


_AVRO_PRIMITIVES = {
    "boolean": pa.bool_(),
    "int": pa.int32(),
    "long": pa.int64(),
    "float": pa.float32(),
    "double": pa.float64(),
    "bytes": pa.binary(),
    "string": pa.string(),
    "null": pa.null(),
}
_AVRO_LOGICAL = {
    "date": pa.date32(),
    "time-millis": pa.time32("ms"),
    "time-micros": pa.time64("us"),
    "timestamp-millis": pa.timestamp("ms", tz="UTC"),
    "timestamp-micros": pa.timestamp("us", tz="UTC"),
    "local-timestamp-millis": pa.timestamp("ms"),
    "local-timestamp-micros": pa.timestamp("us"),
    "uuid": pa.string(),
}


def avro_type(schema: Any) -> tuple[pa.DataType, bool]:
    """The Arrow type for an Avro field type, and whether values need turning into JSON text.

    Records, arrays and maps land as JSON text: bronze keeps them whole, staging unpacks.
    """
    if isinstance(schema, list):
        branches = [branch for branch in schema if branch != "null"]
        if len(branches) == 1:
            return avro_type(branches[0])
        return pa.string(), True
    if isinstance(schema, str):
        return _AVRO_PRIMITIVES.get(schema, pa.string()), schema not in _AVRO_PRIMITIVES
    logical = schema.get("logicalType")
    if logical == "decimal":
        return pa.decimal128(schema["precision"], schema.get("scale", 0)), False
    if logical in _AVRO_LOGICAL:
        return _AVRO_LOGICAL[logical], logical == "uuid"
    kind = schema.get("type")
    if kind == "enum":
        return pa.string(), False
    if kind == "fixed":
        return pa.binary(), False
    if isinstance(kind, str) and kind in _AVRO_PRIMITIVES:
        return _AVRO_PRIMITIVES[kind], False
    return pa.string(), True


def read_avro(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    try:
        reader = fastavro.reader(stream)
        writer_schema = reader.writer_schema
    except (ValueError, EOFError, OSError) as error:
        raise _unreadable(source_name, "Avro", error) from error
    if not isinstance(writer_schema, dict) or writer_schema.get("type") != "record":
        raise AdapterError(
            source_name, "the Avro schema is not a record; the hub lands records as rows"
        )
    fields = []
    as_json = set()
    for field in writer_schema["fields"]:
        arrow_type, needs_json = avro_type(field["type"])
        fields.append(pa.field(field["name"], arrow_type))
        if needs_json:
            as_json.add(field["name"])
    schema = pa.schema(fields)

    def batches() -> Iterator[pa.RecordBatch]:
        rows: list[dict[str, Any]] = []
        for record in reader:
            for name in as_json:
                value = record.get(name)
                if value is not None and not isinstance(value, str):
                    record[name] = json.dumps(value, ensure_ascii=False, default=str)
            rows.append(record)
            if len(rows) >= options.batch_rows:
                yield pa.RecordBatch.from_pylist(rows, schema=schema)
                rows = []
        if rows:
            yield pa.RecordBatch.from_pylist(rows, schema=schema)

    report: dict[str, Any] = {"format": "avro", "codec": reader.codec}
    yield from typed_batches(
        batches(), schema, options, source_name, report, (ValueError, EOFError, OSError), "Avro"
    )
