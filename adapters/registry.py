"""Format lookup and the two entry points the orchestration calls.

The format is the declared `format:`, else detected from the object: strong magic bytes
first (a Parquet footer does not lie), then the extension, then a look at the text.
Compression (gzip, bz2, zstd, zip) is unwrapped first, from magic bytes or extension or
the declared `compression:`; zip archives yield each selected member in turn.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import PurePosixPath
from typing import Any, BinaryIO

import pyarrow as pa

from adapters import (
    columnar,
    delimited,
    fixed_width,
    geo,
    html_tables,
    json_records,
    pdf_tables,
    spreadsheets,
    sqlite_tables,
    statistical,
    xml_records,
)
from adapters.base import Adapter, AdapterError, AdapterOptions, AdapterResult, as_options
from adapters.http_api import read_api
from adapters.streams import (
    decompress,
    detect_compression,
    open_member,
    peek,
    seekable_copy,
    strip_compression_suffix,
    zip_members,
)

ADAPTERS: dict[str, Adapter] = {
    "csv": partial(delimited.read_delimited, format="csv"),
    "tsv": partial(delimited.read_delimited, format="tsv"),
    "psv": partial(delimited.read_delimited, format="psv"),
    "delimited": partial(delimited.read_delimited, format="delimited"),
    "fixed_width": fixed_width.read_fixed_width,
    "xlsx": partial(spreadsheets.read_spreadsheet, format="xlsx"),
    "xls": partial(spreadsheets.read_spreadsheet, format="xls"),
    "ods": partial(spreadsheets.read_spreadsheet, format="ods"),
    "json": json_records.read_json,
    "ndjson": json_records.read_ndjson,
    "xml": xml_records.read_xml,
    "html": html_tables.read_html,
    "pdf": pdf_tables.read_pdf,
    "parquet": columnar.read_parquet,
    "avro": columnar.read_avro,
    "arrow": columnar.read_arrow,
    "orc": columnar.read_orc,
    "sas7bdat": partial(statistical.read_statistical, format="sas7bdat"),
    "xpt": partial(statistical.read_statistical, format="xpt"),
    "sav": partial(statistical.read_statistical, format="sav"),
    "dta": partial(statistical.read_statistical, format="dta"),
    "sqlite": sqlite_tables.read_sqlite,
    "geojson": geo.read_geojson,
    "shapefile": geo.read_shapefile,
}
API_FORMAT = "api"
# Formats whose files are zip archives themselves: never unzipped as a compression layer.
_ZIP_CONTAINERS = {"xlsx", "ods", "shapefile"}
_COMPRESSIONS = ("gzip", "bz2", "zstd", "zip")
# A delivery may nest a little (a .csv.gz inside a .zip); deeper nesting is not detected.
_MAX_LAYERS = 3

EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".psv": "psv",
    ".txt": "delimited",
    ".dat": "delimited",
    ".fwf": "fixed_width",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".geojson": "geojson",
    ".xml": "xml",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".avro": "avro",
    ".arrow": "arrow",
    ".feather": "arrow",
    ".ipc": "arrow",
    ".arrows": "arrow",
    ".orc": "orc",
    ".sas7bdat": "sas7bdat",
    ".xpt": "xpt",
    ".xport": "xpt",
    ".sav": "sav",
    ".zsav": "sav",
    ".dta": "dta",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
}
_SAS7BDAT_MAGIC = bytes.fromhex("c2ea8160b31411cfbd92080009c7318c181f1011")
_MAGIC = [
    (b"PAR1", "parquet"),
    (b"ARROW1", "arrow"),
    (b"Obj\x01", "avro"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"%PDF", "pdf"),
    (b"$FL2", "sav"),
    (b"$FL3", "sav"),
    (b"<stata_dta>", "dta"),
    (b"HEADER RECORD*******LIB", "xpt"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
]
# Short signatures that ordinary text can start with ("ORCID,name"): used only when the
# extension says nothing.
_WEAK_MAGIC = [(b"ORC", "orc"), (b"\xff\xff\xff\xff", "arrow")]


def _magic_format(head: bytes) -> str | None:
    if head[12:32] == _SAS7BDAT_MAGIC:
        return "sas7bdat"
    for magic, format in _MAGIC:
        if head.startswith(magic):
            return format
    return None


def _text_format(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    start = text[:1024].lower()
    if start.startswith(b"<"):
        html = (b"<!doctype html", b"<html", b"<table", b"<body")
        return "html" if any(marker in start for marker in html) else "xml"
    if start.startswith(b"{") or start.startswith(b"["):
        if b'"featurecollection"' in start.replace(b" ", b""):
            return "geojson"
        first, _, rest = text.partition(b"\n")
        if start.startswith(b"{") and first.rstrip().endswith(b"}") and rest.lstrip()[:1] == b"{":
            return "ndjson"
        return "json"
    return "delimited"


def detect_format(
    object_name: str, head: bytes = b"", options: AdapterOptions | None = None
) -> str:
    """The format of an object from its magic bytes, its extension, or a look at its text."""
    magic = _magic_format(head)
    suffix = PurePosixPath(object_name).suffix.lower()
    by_extension = EXTENSIONS.get(suffix)
    if magic == "xls" and by_extension == "xlsx":
        return "xlsx"  # an encrypted .xlsx travels in the legacy container
    if magic:
        return magic
    if by_extension == "delimited" and options is not None and options.layout:
        return "fixed_width"
    if by_extension == "json" and head and _text_format(head) == "geojson":
        return "geojson"
    if by_extension:
        return by_extension
    if options is not None and options.layout:
        return "fixed_width"
    for magic_bytes, format in _WEAK_MAGIC:
        if head.startswith(magic_bytes):
            return format
    if head:
        return _text_format(head)
    raise AdapterError(
        object_name,
        f"cannot tell the format from the extension {suffix!r}; declare `format:` in the "
        "source declaration",
    )


def _zip_format(stream: BinaryIO, name: str, source_name: str) -> tuple[str | None, BinaryIO]:
    """xlsx, ods or shapefile when the archive is one of those, else None (plain archive)."""
    by_extension = EXTENSIONS.get(PurePosixPath(name).suffix.lower())
    if by_extension in _ZIP_CONTAINERS:
        return by_extension, stream
    stream = seekable_copy(stream)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise AdapterError(
            source_name,
            f"not a readable zip archive ({error}); it may be truncated or corrupt: ask the "
            "contributor to send it again",
        ) from error
    finally:
        stream.seek(0)
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx", stream
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods", stream
    if any(n.lower().endswith(".shp") for n in names):
        return "shapefile", stream
    return None, stream


def _read(
    stream: BinaryIO,
    source_name: str,
    format: str | None,
    options: AdapterOptions,
    name: str,
    report: dict[str, Any],
    compression: str | None,
    depth: int = 0,
) -> Iterator[AdapterResult]:
    """Unwrap compression layers (declared, else detected), then read with the format."""
    head, stream = peek(stream, 4096)
    if not head:
        what = "decompresses to 0 bytes" if report.get("compression") else "is empty (0 bytes)"
        raise AdapterError(
            source_name,
            f"{what}; an empty object is usually a failed upload: ask the contributor to send "
            "it again",
        )
    if compression is None and depth < _MAX_LAYERS:
        compression = detect_compression(head, name)
    if compression not in (None, "none", *_COMPRESSIONS):
        raise AdapterError(
            source_name,
            f"unknown compression {compression!r}; declare `compression:` as one of "
            f"{', '.join(_COMPRESSIONS)} or none",
        )
    if compression in ("gzip", "bz2", "zstd"):
        report["compression"] = compression
        inner = decompress(stream, compression, source_name, options)
        inner_name = strip_compression_suffix(name)
        yield from _read(inner, source_name, format, options, inner_name, report, None, depth + 1)
        return
    if compression == "zip" and format not in _ZIP_CONTAINERS:
        container, stream = _zip_format(stream, name, source_name)
        if container is None or format is not None:
            yield from _read_members(stream, source_name, format, options, report, depth + 1)
            return
        format = container
    format = format or detect_format(name, head, options)
    if format not in ADAPTERS:
        known = ", ".join(sorted([*ADAPTERS, API_FORMAT]))
        raise AdapterError(source_name, f"unknown format {format!r}; known formats: {known}")
    for result in ADAPTERS[format](stream, options, source_name):
        result.report = {**report, **result.report}
        yield result


def _read_members(
    stream: BinaryIO,
    source_name: str,
    format: str | None,
    options: AdapterOptions,
    report: dict[str, Any],
    depth: int,
) -> Iterator[AdapterResult]:
    stream = seekable_copy(stream)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise AdapterError(
            source_name,
            f"not a readable zip archive ({error}); it may be truncated or corrupt: ask the "
            "contributor to send it again",
        ) from error
    with archive:
        members = zip_members(archive, source_name, options)
        report = {**report, "compression": "zip", "members": [m.filename for m in members]}
        for info in members:
            member_report = {**report, "member": info.filename}
            member_stream = open_member(archive, info, source_name, options)
            for result in _read(
                member_stream,
                source_name,
                format,
                options,
                info.filename,
                member_report,
                None,
                depth,
            ):
                if options.member_column:
                    result.table = result.table.append_column(
                        options.member_column,
                        pa.array([info.filename] * result.table.num_rows, pa.string()),
                    )
                yield result


def _one_schema(results: Iterator[AdapterResult], source_name: str) -> Iterator[AdapterResult]:
    """Hold every batch of an object to the first batch's schema."""
    schema: pa.Schema | None = None
    for result in results:
        if schema is None:
            schema = result.table.schema
        elif not result.table.schema.equals(schema):
            where = f"member {result.report['member']}" if "member" in result.report else "a batch"
            if result.table.column_names != schema.names:
                raise AdapterError(
                    source_name,
                    f"{where} has columns {result.table.column_names}, but the first batch had "
                    f"{schema.names}; an object lands as one table: select members with the "
                    "same columns with `members:`, or split the delivery",
                )
            try:
                result.table = result.table.cast(schema)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
                raise AdapterError(
                    source_name,
                    f"{where} has column types {result.table.schema.types} that do not match "
                    f"the first batch's {schema.types} ({error}); declare `types:` to fix them",
                ) from error
        yield result


def read_batches(
    stream: BinaryIO | None,
    source_name: str,
    format: str | None = None,
    options: Mapping[str, Any] | AdapterOptions | None = None,
) -> Iterator[AdapterResult]:
    """Read one raw object as a sequence of bounded batches sharing one schema.

    For `format="api"` the stream is unused (pass None): the options declare the API.
    """
    parsed = as_options(options, source_name)
    if format == API_FORMAT:
        yield from _one_schema(read_api(parsed, source_name), source_name)
        return
    if stream is None:
        raise AdapterError(source_name, "no stream to read; only `format: api` reads without one")
    results = _read(stream, source_name, format, parsed, source_name, {}, parsed.compression)
    yield from _one_schema(results, source_name)


def read_object(
    stream: BinaryIO | None,
    source_name: str,
    format: str | None = None,
    options: Mapping[str, Any] | AdapterOptions | None = None,
) -> AdapterResult:
    """Read one raw object whole: all batches concatenated, all rejections, the full report."""
    results = list(read_batches(stream, source_name, format, options))
    table = pa.concat_tables([result.table for result in results])
    rejections = [rejection for result in results for rejection in result.rejections]
    return AdapterResult(table, rejections, {**results[-1].report, "batches": len(results)})
