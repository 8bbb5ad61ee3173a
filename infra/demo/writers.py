"""One writer per file format.

Every delivery is generated as Polars frames (one frame, or a stream of chunks for large
deliveries) and handed to the writer of its format, so a new data set never needs new
file-format code. Writers that can stream do (delimited, fixed-width, JSON, NDJSON, XML,
HTML, GeoJSON, Parquet, Arrow, ORC, Avro, SQLite, XLSX, ODS); the others (XLS, SAS, SPSS,
Stata, shapefile) collect the chunks first.

Every writer is deterministic: where a format embeds a time (zip members, workbook
properties, statistical file headers, DBF headers, gzip headers) it gets the delivery's
stamp instead of the clock, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import bz2
import codecs
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from html import escape as html_escape
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape as xml_escape

import fastavro
import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pyreadstat
import shapefile
import xlwt

Frames = Iterable[pl.DataFrame]
Writer = Callable[..., None]

XLS_MAX_ROWS = 65_535
"""Excel 97-2003 sheets hold 65,536 rows, one of them the header."""

WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


def _zip_time(stamp: dt.datetime) -> tuple[int, int, int, int, int, int]:
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def _pinned_zip(
    data: bytes, stamp: dt.datetime, rewrite: Callable[[str, bytes], bytes] | None = None
) -> bytes:
    """Rebuild a zip container with every member dated `stamp` (writers use the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=_zip_time(stamp))
            pinned.compress_type = info.compress_type
            pinned.external_attr = 0o644 << 16
            content = source.read(info.filename)
            target.writestr(pinned, rewrite(info.filename, content) if rewrite else content)
    return out.getvalue()


def _collect(frames: Frames) -> pl.DataFrame:
    return pl.concat(list(frames), how="vertical")


def _plain(value: Any) -> Any:
    """A JSON/XML-friendly value."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


# -- text tables -----------------------------------------------------------------------------


def write_delimited(
    frames: Frames,
    sink: BinaryIO,
    *,
    stamp: dt.datetime,
    separator: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    null_value: str = "",
    line_terminator: str = "\n",
    quote_style: str = "necessary",
    include_header: bool = True,
) -> None:
    if bom:
        sink.write(codecs.BOM_UTF8)
    for number, frame in enumerate(frames):
        text = frame.write_csv(
            separator=separator,
            include_header=include_header and number == 0,
            null_value=null_value,
            line_terminator=line_terminator,
            quote_style=quote_style,
        )
        sink.write(text.encode(encoding))


def fixed_width_layout(schema: pl.Schema, widths: dict[str, int]) -> pl.DataFrame:
    """The record layout that travels with a fixed-width file: 1-based start and end columns."""
    starts, position = [], 1
    for name in schema.names():
        starts.append(position)
        position += widths[name]
    return pl.DataFrame(
        {
            "field": schema.names(),
            "start": starts,
            "end": [
                start + widths[name] - 1 for start, name in zip(starts, schema.names(), strict=True)
            ],
            "width": [widths[name] for name in schema.names()],
            "type": ["numeric" if schema[name].is_numeric() else "text" for name in schema],
        }
    )


def write_fixed_width(
    frames: Frames,
    sink: BinaryIO,
    *,
    stamp: dt.datetime,
    widths: dict[str, int],
    null_value: str = "",
    encoding: str = "ascii",
) -> None:
    for frame in frames:
        padded = []
        for name, dtype in frame.schema.items():
            text = pl.col(name).cast(pl.String).fill_null(null_value)
            too_wide = frame.select(text.str.len_chars().max()).item() or 0
            if too_wide > widths[name]:
                raise ValueError(
                    f"column {name!r} needs {too_wide} characters, layout allows "
                    f"{widths[name]}; widen it in the layout"
                )
            # Numbers are right-aligned as in mainframe extracts, text left-aligned.
            pad = text.str.pad_start if dtype.is_numeric() else text.str.pad_end
            padded.append(pad(widths[name]))
        lines = frame.select(pl.concat_str(padded).alias("line"))["line"]
        if len(lines):
            sink.write(("\n".join(lines.to_list()) + "\n").encode(encoding))


def write_json(
    frames: Frames,
    sink: BinaryIO,
    *,
    stamp: dt.datetime,
    envelope: dict[str, Any] | None = None,
    record_path: str | None = None,
) -> None:
    """A JSON array of records, or an object whose `record_path` key holds the array."""
    if record_path:
        head = json.dumps({**(envelope or {}), record_path: []}, ensure_ascii=False)
        prefix, suffix = head[: -len("]}")], "]}"
    else:
        prefix, suffix = "[", "]"
    sink.write(prefix.encode())
    first = True
    for frame in frames:
        if frame.is_empty():
            continue
        records = frame.write_ndjson().rstrip("\n").replace("\n", ",\n")
        sink.write((("\n" if first else ",\n") + records).encode())
        first = False
    sink.write(("\n" + suffix + "\n").encode())


def write_ndjson(frames: Frames, sink: BinaryIO, *, stamp: dt.datetime) -> None:
    for frame in frames:
        sink.write(frame.write_ndjson().encode())


def _xml_element(tag: str, value: Any, list_items: dict[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        inner = "".join(_xml_element(key, item, list_items) for key, item in value.items())
        return f"<{tag}>{inner}</{tag}>"
    if isinstance(value, list):
        item_tag = list_items.get(tag, "item")
        inner = "".join(_xml_element(item_tag, item, list_items) for item in value)
        return f"<{tag}>{inner}</{tag}>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{tag}>{xml_escape(str(_plain(value)))}</{tag}>"


def write_xml(
    frames: Frames,
    sink: BinaryIO,
    *,
    stamp: dt.datetime,
    root: str = "records",
    record: str = "record",
    root_attributes: dict[str, str] | None = None,
    list_items: dict[str, str] | None = None,
) -> None:
    """One element per record; structs nest, lists repeat `list_items[column]` elements."""
    attributes = "".join(
        f' {name}="{xml_escape(value, {chr(34): "&quot;"})}"'
        for name, value in (root_attributes or {}).items()
    )
    sink.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}{attributes}>\n'.encode())
    for frame in frames:
        for row in frame.iter_rows(named=True):
            inner = "".join(
                _xml_element(key, value, list_items or {}) for key, value in row.items()
            )
            sink.write(f"  <{record}>{inner}</{record}>\n".encode())
    sink.write(f"</{root}>\n".encode())


def write_html(
    frames: Frames,
    sink: BinaryIO,
    *,
    stamp: dt.datetime,
    title: str,
    caption: str | None = None,
    thousands: bool = False,
    footnote: str | None = None,
) -> None:
    """A web page with one table, as published statistics pages are scraped."""

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if thousands and isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return html_escape(str(_plain(value)))

    sink.write(
        (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html_escape(title)}</title>\n</head>\n<body>\n"
            f'<h1>{html_escape(title)}</h1>\n<table class="statistics">\n'
        ).encode()
    )
    if caption:
        sink.write(f"<caption>{html_escape(caption)}</caption>\n".encode())
    header_written = False
    for frame in frames:
        if not header_written:
            heads = "".join(f'<th scope="col">{html_escape(name)}</th>' for name in frame.columns)
            sink.write(f"<thead>\n<tr>{heads}</tr>\n</thead>\n<tbody>\n".encode())
            header_written = True
        for row in frame.iter_rows():
            sink.write(("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>\n").encode())
    sink.write(b"</tbody>\n</table>\n")
    if footnote:
        sink.write(f'<p class="footnote">{html_escape(footnote)}</p>\n'.encode())
    sink.write(b"</body>\n</html>\n")


# -- spreadsheets ----------------------------------------------------------------------------


def _pin_core_properties(stamp: dt.datetime) -> Callable[[str, bytes], bytes]:
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def rewrite(name: str, content: bytes) -> bytes:
        if name != "docProps/core.xml":
            return content
        return re.sub(
            rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", lambda m: m.group(1) + when, content
        )

    return rewrite


def write_xlsx(
    frames: Frames,
    sink: BinaryIO,
    *,
    stamp: dt.datetime,
    sheet: str = "Sheet1",
    title_rows: tuple[str, ...] = (),
) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    workbook.properties.creator = "data export"
    worksheet = workbook.create_sheet(sheet)
    for title in title_rows:
        worksheet.append([title])
    header_written = False
    for frame in frames:
        if not header_written:
            worksheet.append(frame.columns)
            header_written = True
        for row in frame.iter_rows():
            worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    sink.write(_pinned_zip(buffer.getvalue(), stamp, _pin_core_properties(stamp)))


def write_xls(frames: Frames, sink: BinaryIO, *, stamp: dt.datetime, sheet: str = "Sheet1") -> None:
    frame = _collect(frames)
    if frame.height > XLS_MAX_ROWS:
        raise ValueError(
            f"an .xls sheet holds {XLS_MAX_ROWS} data rows, this delivery has {frame.height}; "
            "cap the delivery or choose xlsx"
        )
    workbook = xlwt.Workbook(encoding="utf-8")
    worksheet = workbook.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="MM/DD/YYYY")
    for column, name in enumerate(frame.columns):
        worksheet.write(0, column, name)
    for row_number, row in enumerate(frame.iter_rows(), start=1):
        for column, value in enumerate(row):
            if isinstance(value, dt.date):
                worksheet.write(row_number, column, value, date_style)
            elif value is not None:
                worksheet.write(row_number, column, value)
    workbook.save(sink)


_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" \
manifest:media-type="{_ODS_MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.2"'
)


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    text = f"<text:p>{xml_escape(str(_plain(value)))}</text:p>"
    if isinstance(value, bool):
        kind = f'office:value-type="boolean" office:boolean-value="{str(value).lower()}"'
    elif isinstance(value, int | float):
        kind = f'office:value-type="float" office:value="{value}"'
    elif isinstance(value, dt.date):
        kind = f'office:value-type="date" office:date-value="{value.isoformat()}"'
    else:
        kind = 'office:value-type="string"'
    return f"<table:table-cell {kind}>{text}</table:table-cell>"


def write_ods(frames: Frames, sink: BinaryIO, *, stamp: dt.datetime, sheet: str = "Sheet1") -> None:
    """An OpenDocument spreadsheet, written directly (the package is a zip of XML parts)."""

    def member(name: str, compress: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_zip_time(stamp))
        info.compress_type = compress
        info.external_attr = 0o644 << 16
        return info

    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_ODS_NAMESPACES}>'
        f"<office:meta><meta:creation-date>{stamp.isoformat()}</meta:creation-date>"
        "</office:meta></office:document-meta>\n"
    )
    with zipfile.ZipFile(sink, "w") as package:
        # The mimetype must come first and uncompressed, so tools can sniff the type.
        package.writestr(member("mimetype", zipfile.ZIP_STORED), _ODS_MIMETYPE)
        package.writestr(member("META-INF/manifest.xml"), _ODS_MANIFEST)
        package.writestr(member("meta.xml"), meta)
        with package.open(member("content.xml"), "w", force_zip64=True) as content:
            content.write(
                (
                    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
                    f"{_ODS_NAMESPACES}><office:body><office:spreadsheet>"
                    f'<table:table table:name="{xml_escape(sheet)}">'
                ).encode()
            )
            header_written = False
            for frame in frames:
                if not header_written:
                    cells = "".join(_ods_cell(name) for name in frame.columns)
                    content.write(f"<table:table-row>{cells}</table:table-row>\n".encode())
                    header_written = True
                for row in frame.iter_rows():
                    cells = "".join(_ods_cell(value) for value in row)
                    content.write(f"<table:table-row>{cells}</table:table-row>\n".encode())
            content.write(
                b"</table:table></office:spreadsheet></office:body></office:document-content>\n"
            )


# -- columnar and row binary formats ---------------------------------------------------------


def _arrow_batches(frames: Frames) -> Iterator[pa.Table]:
    schema = None
    for frame in frames:
        table = frame.to_arrow()
        schema = schema or table.schema
        yield table.cast(schema)


def write_parquet(
    frames: Frames, sink: BinaryIO, *, stamp: dt.datetime, compression: str = "zstd"
) -> None:
    writer = None
    for table in _arrow_batches(frames):
        writer = writer or pq.ParquetWriter(sink, table.schema, compression=compression)
        writer.write_table(table)
    if writer is not None:
        writer.close()


def write_arrow(
    frames: Frames, sink: BinaryIO, *, stamp: dt.datetime, compression: str | None = None
) -> None:
    """Arrow IPC file format, which is also Feather version 2."""
    writer = None
    options = pa.ipc.IpcWriteOptions(compression=compression)
    for table in _arrow_batches(frames):
        writer = writer or pa.ipc.new_file(sink, table.schema, options=options)
        writer.write_table(table)
    if writer is not None:
        writer.close()


def write_orc(frames: Frames, sink: BinaryIO, *, stamp: dt.datetime) -> None:
    writer = None
    for table in _arrow_batches(frames):
        writer = writer or orc.ORCWriter(sink, compression="zlib")
        writer.write(table)
    if writer is not None:
        writer.close()


_AVRO_TYPES: dict[type[pl.DataType], Any] = {
    pl.Int8: "int",
    pl.Int16: "int",
    pl.Int32: "int",
    pl.Int64: "long",
    pl.Float32: "float",
    pl.Float64: "double",
    pl.Boolean: "boolean",
    pl.String: "string",
    pl.Date: {"type": "int", "logicalType": "date"},
}


def write_avro(
    frames: Frames,
    sink: BinaryIO,
    *,
    stamp: dt.datetime,
    record_name: str,
    namespace: str,
    sync_seed: str,
) -> None:
    iterator = iter(frames)
    first = next(iterator)
    schema = {
        "type": "record",
        "name": record_name,
        "namespace": namespace,
        "fields": [
            {"name": name, "type": ["null", _AVRO_TYPES[type(dtype)]], "default": None}
            for name, dtype in first.schema.items()
        ],
    }

    def records() -> Iterator[dict[str, Any]]:
        yield from first.iter_rows(named=True)
        for frame in iterator:
            yield from frame.iter_rows(named=True)

    # The sync marker is random unless given; it is derived from `sync_seed` instead.
    marker = hashlib.blake2b(sync_seed.encode(), digest_size=16).digest()
    fastavro.writer(sink, schema, records(), codec="deflate", sync_marker=marker)


# -- statistical packages --------------------------------------------------------------------

_READSTAT_STAMPS = {
    # ddMMMyy:hh:mm:ss in the library and member header records
    "xpt": (rb"\d\d[A-Z]{3}\d\d:\d\d:\d\d:\d\d", "%d%b%y:%H:%M:%S", True),
    # creation date "dd Mon yy" directly followed by the time "hh:mm:ss"
    "sav": (rb"\d\d [A-Z][a-z]{2} \d\d\d\d:\d\d:\d\d", "%d %b %y%H:%M:%S", False),
    # <timestamp> "dd Mon yyyy hh:mm"
    "dta": (rb"\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d", "%d %b %Y %H:%M", False),
}


def _write_readstat(
    kind: str, frames: Frames, sink: BinaryIO, stamp: dt.datetime, **options: Any
) -> None:
    frame = _collect(frames)
    pattern, layout, upper = _READSTAT_STAMPS[kind]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"delivery.{kind}"
        getattr(pyreadstat, f"write_{'xport' if kind == 'xpt' else kind}")(frame, path, **options)
        data = path.read_bytes()
    pinned = stamp.strftime(layout)
    replacement = (pinned.upper() if upper else pinned).encode("ascii")
    # The stamps live in the file header; only that part is rewritten.
    head = re.sub(pattern, replacement, data[:2048])
    sink.write(head + data[2048:])


def write_xpt(frames: Frames, sink: BinaryIO, *, stamp: dt.datetime, **options: Any) -> None:
    _write_readstat("xpt", frames, sink, stamp, **options)


def write_sav(frames: Frames, sink: BinaryIO, *, stamp: dt.datetime, **options: Any) -> None:
    _write_readstat("sav", frames, sink, stamp, **options)


def write_dta(frames: Frames, sink: BinaryIO, *, stamp: dt.datetime, **options: Any) -> None:
    _write_readstat("dta", frames, sink, stamp, **options)


# -- databases and geodata -------------------------------------------------------------------

_SQLITE_TYPES = {
    pl.Int64: "INTEGER",
    pl.Int32: "INTEGER",
    pl.Float64: "REAL",
    pl.Boolean: "INTEGER",
}


def write_sqlite(frames: Frames, sink: BinaryIO, *, stamp: dt.datetime, table: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "delivery.sqlite"
        connection = sqlite3.connect(path)
        created = False
        for frame in frames:
            if not created:
                columns = ", ".join(
                    f'"{name}" {_SQLITE_TYPES.get(type(dtype), "TEXT")}'
                    for name, dtype in frame.schema.items()
                )
                connection.execute(f'CREATE TABLE "{table}" ({columns})')
                created = True
            placeholders = ", ".join("?" for _ in frame.columns)
            rows = frame.with_columns(pl.col(pl.Date).cast(pl.String)).iter_rows()
            connection.executemany(f'INSERT INTO "{table}" VALUES ({placeholders})', rows)
        connection.commit()
        connection.close()
        with path.open("rb") as database:
            shutil.copyfileobj(database, sink)


def write_geojson(
    frames: Frames,
    sink: BinaryIO,
    *,
    stamp: dt.datetime,
    lon: str = "lon",
    lat: str = "lat",
    name: str | None = None,
) -> None:
    head = {"type": "FeatureCollection", **({"name": name} if name else {}), "features": []}
    sink.write(json.dumps(head)[: -len("]}")].encode())
    first = True
    for frame in frames:
        for row in frame.iter_rows(named=True):
            x, y = row.pop(lon), row.pop(lat)
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]},
                "properties": {key: _plain(value) for key, value in row.items()},
            }
            sink.write((("" if first else ",") + "\n" + json.dumps(feature)).encode())
            first = False
    sink.write(b"\n]}\n")


def write_shapefile_zip(
    frames: Frames,
    sink: BinaryIO,
    *,
    stamp: dt.datetime,
    layer: str,
    lon: str = "lon",
    lat: str = "lat",
) -> None:
    """A zipped point shapefile (.shp, .shx, .dbf, .prj, .cpg), as GIS offices send them."""
    frame = _collect(frames)
    attributes = frame.drop(lon, lat)
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POINT)
    for name, dtype in attributes.schema.items():
        if dtype == pl.Date:
            writer.field(name, "D")
        elif dtype.is_integer():
            writer.field(name, "N", size=10, decimal=0)
        elif dtype.is_float():
            writer.field(name, "N", size=18, decimal=6)
        else:
            longest = attributes.select(pl.col(name).str.len_bytes().max()).item() or 1
            writer.field(name, "C", size=max(longest, 1))
    for (x, y), record in zip(
        frame.select(lon, lat).iter_rows(), attributes.iter_rows(), strict=True
    ):
        writer.point(x, y)
        writer.record(*record)
    writer.close()
    table = bytearray(dbf.getvalue())
    # The dBASE header carries the date of last update (years since 1900, month, day).
    table[1:4] = bytes([stamp.year - 1900, stamp.month, stamp.day])
    members = {
        f"{layer}.shp": shp.getvalue(),
        f"{layer}.shx": shx.getvalue(),
        f"{layer}.dbf": bytes(table),
        f"{layer}.prj": WGS84_PRJ.encode(),
        f"{layer}.cpg": b"UTF-8",
    }
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            info = zipfile.ZipInfo(member, date_time=_zip_time(stamp))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)


WRITERS: dict[str, Writer] = {
    "csv": write_delimited,
    "tsv": partial(write_delimited, separator="\t"),
    "fixed_width": write_fixed_width,
    "json": write_json,
    "ndjson": write_ndjson,
    "xml": write_xml,
    "html": write_html,
    "xlsx": write_xlsx,
    "xls": write_xls,
    "ods": write_ods,
    "parquet": write_parquet,
    "arrow": write_arrow,
    "orc": write_orc,
    "avro": write_avro,
    "xpt": write_xpt,
    "sav": write_sav,
    "dta": write_dta,
    "sqlite": write_sqlite,
    "geojson": write_geojson,
    "shapefile": write_shapefile_zip,
}


# -- compression wrappers --------------------------------------------------------------------


@contextmanager
def open_sink(
    path: Path, compression: str | None, member: str, stamp: dt.datetime
) -> Iterator[BinaryIO]:
    """A binary sink for `path`, compressed as contributors wrap their files."""
    with path.open("wb") as raw:
        if compression is None:
            yield raw
        elif compression == "gzip":
            mtime = int(stamp.replace(tzinfo=dt.UTC).timestamp())
            with gzip.GzipFile(filename=member, mode="wb", fileobj=raw, mtime=mtime) as stream:
                yield stream
        elif compression == "bz2":
            with bz2.BZ2File(raw, "wb") as stream:
                yield stream
        elif compression == "zstd":
            with pa.CompressedOutputStream(pa.PythonFile(raw, mode="w"), "zstd") as stream:
                yield stream
        elif compression == "zip":
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
                info = zipfile.ZipInfo(member, date_time=_zip_time(stamp))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with archive.open(info, "w", force_zip64=True) as stream:
                    yield stream
        else:
            raise ValueError(f"unknown compression {compression!r}: use gzip, bz2, zstd or zip")
