"""JSON documents (an array of records, or records at a `record_path`) and JSON Lines.

Values land as text: numbers as written in JSON, `true`/`false`, nested objects flattened
into `parent.child` columns and arrays kept whole as JSON text, so nothing the contributor
sent is reinterpreted before staging.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.records import RecordBatcher, flatten
from adapters.streams import utf8_text


def load_document(stream: BinaryIO, options: AdapterOptions, source_name: str) -> tuple[Any, str]:
    """The whole JSON document, with errors that say where it broke."""
    text, encoding = utf8_text(stream, options, source_name)
    data = text.read()
    if not data.strip():
        raise AdapterError(source_name, "holds no JSON (only whitespace); ask for the file again")
    try:
        return json.loads(data), encoding
    except json.JSONDecodeError as error:
        raise AdapterError(
            source_name,
            f"not valid JSON at line {error.lineno} column {error.colno} ({error.msg}); the "
            "file may be truncated or not JSON: ask the contributor for a complete file",
        ) from error
    except UnicodeDecodeError as error:
        raise AdapterError(
            source_name,
            f"byte {error.start} is not valid UTF-8; JSON must be UTF-8: declare `encoding:` "
            "if the contributor used another one",
        ) from error
    except RecursionError as error:
        raise AdapterError(
            source_name,
            f"nests arrays or objects deeper than {sys.getrecursionlimit()} levels, which the "
            "hub refuses to parse; ask the contributor for a flatter export",
        ) from error


def records_at(document: Any, record_path: str | None, source_name: str) -> list[Any]:
    """The list of records at a dotted `record_path` (or the document itself)."""
    records = document
    walked: list[str] = []
    for step in record_path.split(".") if record_path else []:
        if not isinstance(records, dict) or step not in records:
            keys = sorted(records) if isinstance(records, dict) else type(records).__name__
            raise AdapterError(
                source_name,
                f"record path {record_path!r}: {'.'.join([*walked, step])!r} does not exist "
                f"(found {keys}); fix `record_path:`",
            )
        records = records[step]
        walked.append(step)
    if not isinstance(records, list):
        lists = (
            sorted(key for key, value in records.items() if isinstance(value, list))
            if isinstance(records, dict)
            else []
        )
        raise AdapterError(
            source_name,
            "expected a list of records"
            + (f" at {record_path!r}" if record_path else "")
            + (f"; declare `record_path:` as one of {lists}" if lists else ""),
        )
    return records


def read_json(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    document, encoding = load_document(stream, options, source_name)
    records = records_at(document, options.record_path, source_name)
    report: dict[str, Any] = {"format": "json", "encoding": encoding}
    batcher = RecordBatcher(options, source_name, report)
    separator = options.extra.get("flatten_separator", ".")
    for number, record in enumerate(records, start=1):
        original = json.dumps(record, ensure_ascii=False)
        if not isinstance(record, dict):
            batcher.reject(
                number,
                f"record {number} is {type(record).__name__} {original[:80]}, not an object; "
                "the row was quarantined",
                original,
            )
            continue
        batcher.add(flatten(record, separator), number, original)
        if batcher.full:
            yield batcher.flush()
    yield from batcher.finish()


def read_ndjson(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    text, encoding = utf8_text(stream, options, source_name)
    report: dict[str, Any] = {"format": "ndjson", "encoding": encoding}
    batcher = RecordBatcher(options, source_name, report)
    separator = options.extra.get("flatten_separator", ".")
    for number, raw in enumerate(text, start=1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as error:
            batcher.reject(
                number,
                f"line {number} holds bytes that are not valid UTF-8 at byte {error.start}; "
                "declare `encoding:` if the file is not UTF-8; the row was quarantined",
                raw.decode("utf-8", "backslashreplace").rstrip("\r\n"),
            )
            continue
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            batcher.reject(
                number,
                f"line {number} is not valid JSON at column {error.colno} ({error.msg}); "
                "the row was quarantined",
                line,
            )
            continue
        except RecursionError:
            batcher.reject(
                number,
                f"line {number} nests deeper than {sys.getrecursionlimit()} levels; the row "
                "was quarantined",
                line,
            )
            continue
        if not isinstance(record, dict):
            batcher.reject(
                number,
                f"line {number} is a JSON {type(record).__name__}, not an object; the row was "
                "quarantined",
                line,
            )
            continue
        batcher.add(flatten(record, separator), number, line)
        if batcher.full:
            yield batcher.flush()
    yield from batcher.finish()
