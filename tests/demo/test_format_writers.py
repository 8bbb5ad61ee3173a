"""Each format writer turns the same table into a file its usual reader gives back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import fastavro
import polars as pl
import pyarrow as pa
import pyarrow.orc as orc
import pyreadstat
import pytest
import shapefile

from infra.demo.writers import WRITERS, XLS_MAX_ROWS, fixed_width_layout, open_sink

STAMP = dt.datetime(2024, 6, 5, 6, 0)
TABLE = pl.DataFrame(
    {
        "case_id": ["A-1", "B-2", "C-3"],
        "county": ["Orleans", "Miami-Dade", "Harris"],
        "opened": [dt.date(2024, 1, 2), dt.date(2024, 2, 29), dt.date(2024, 3, 31)],
        "victims": [1, 12, 3],
        "lon": [-90.07, -80.19, -95.37],
        "lat": [29.95, 25.76, 29.76],
    }
)
OPTIONS = {
    "fixed_width": {
        "widths": {"case_id": 5, "county": 12, "opened": 10, "victims": 4, "lon": 8, "lat": 7}
    },
    "avro": {"record_name": "Case", "namespace": "test", "sync_seed": "test"},
    "sqlite": {"table": "cases"},
    "html": {"title": "Cases"},
    "shapefile": {"layer": "cases"},
    "xpt": {"file_format_version": 5},
}


def write(
    format: str, path: Path, table: pl.DataFrame = TABLE, compression: str | None = None
) -> Path:
    with open_sink(path, compression, "cases.csv", STAMP) as sink:
        WRITERS[format]([table], sink, stamp=STAMP, **OPTIONS.get(format, {}))
    return path


def read(format: str, path: Path) -> list[tuple]:
    """Rows as (case_id, victims) pairs, read with the tool an analyst would use."""
    if format in {"csv", "tsv"}:
        rows = list(
            csv.DictReader(path.open(newline=""), delimiter="\t" if format == "tsv" else ",")
        )
        return [(row["case_id"], int(row["victims"])) for row in rows]
    if format == "fixed_width":
        return [(line[:5].strip(), int(line[27:31])) for line in path.read_text().splitlines()]
    if format in {"json", "ndjson", "geojson"}:
        text = path.read_text()
        if format == "ndjson":
            records = [json.loads(line) for line in text.splitlines()]
        elif format == "geojson":
            records = [feature["properties"] for feature in json.loads(text)["features"]]
        else:
            records = json.loads(text)
        return [(record["case_id"], record["victims"]) for record in records]
    if format == "xml":
        root = ElementTree.parse(path).getroot()
        return [(record.findtext("case_id"), int(record.findtext("victims"))) for record in root]
    if format == "html":
        cells = [
            re.findall(r"<td>(.*?)</td>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", path.read_text())
        ]
        return [(row[0], int(row[3])) for row in cells if row]
    if format in {"xlsx", "xls", "ods"}:
        frame = pl.read_excel(path)
        return list(frame.select("case_id", pl.col("victims").cast(pl.Int64)).iter_rows())
    if format == "parquet":
        return list(pl.read_parquet(path).select("case_id", "victims").iter_rows())
    if format == "arrow":
        return list(pl.read_ipc(path).select("case_id", "victims").iter_rows())
    if format == "orc":
        return list(pl.from_arrow(orc.read_table(path)).select("case_id", "victims").iter_rows())
    if format == "avro":
        with path.open("rb") as data:
            return [(record["case_id"], record["victims"]) for record in fastavro.reader(data)]
    if format in {"xpt", "sav", "dta"}:
        reader = {
            "xpt": pyreadstat.read_xport,
            "sav": pyreadstat.read_sav,
            "dta": pyreadstat.read_dta,
        }
        frame, _ = reader[format](str(path))
        return list(zip(frame["case_id"], frame["victims"].astype(int), strict=True))
    if format == "sqlite":
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT case_id, victims FROM cases").fetchall()
    if format == "shapefile":
        with zipfile.ZipFile(path) as archive:
            members = {
                name.rsplit(".", 1)[1]: io.BytesIO(archive.read(name))
                for name in archive.namelist()
            }
        reader = shapefile.Reader(shp=members["shp"], shx=members["shx"], dbf=members["dbf"])
        return [(record["case_id"], record["victims"]) for record in reader.records()]
    raise AssertionError(format)


@pytest.mark.parametrize("format", sorted(WRITERS))
def test_writer_round_trip(format: str, tmp_path: Path) -> None:
    path = write(format, tmp_path / f"cases.{format}")
    assert read(format, path) == [("A-1", 1), ("B-2", 12), ("C-3", 3)]


@pytest.mark.parametrize("format", sorted(WRITERS))
def test_writer_output_does_not_depend_on_the_clock(format: str, tmp_path: Path) -> None:
    first = write(format, tmp_path / "first").read_bytes()
    second = write(format, tmp_path / "second").read_bytes()
    assert first == second


@pytest.mark.parametrize("compression", ["gzip", "bz2", "zstd", "zip"])
def test_compressed_delivery_unwraps_to_the_plain_file(compression: str, tmp_path: Path) -> None:
    plain = write("csv", tmp_path / "plain.csv").read_bytes()
    packed = write("csv", tmp_path / "packed", compression=compression)
    if compression == "zip":
        with zipfile.ZipFile(packed) as archive:
            assert archive.namelist() == ["cases.csv"]
            assert archive.read("cases.csv") == plain
    else:
        with pa.input_stream(str(packed), compression=compression) as stream:
            assert stream.read() == plain


def test_fixed_width_layout_describes_the_columns() -> None:
    layout = fixed_width_layout(TABLE.schema, OPTIONS["fixed_width"]["widths"])
    assert layout.row(0) == ("case_id", 1, 5, 5, "text")
    assert layout.row(3) == ("victims", 28, 31, 4, "numeric")


def test_xls_refuses_more_rows_than_a_sheet_holds(tmp_path: Path) -> None:
    too_long = pl.DataFrame({"case_id": ["x"] * (XLS_MAX_ROWS + 1), "victims": 1})
    with pytest.raises(ValueError, match="65535 data rows"):
        write("xls", tmp_path / "too_long.xls", too_long)
