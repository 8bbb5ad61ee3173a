"""Format detection by extension and magic bytes, and the declared override."""

from __future__ import annotations

import pytest
from adapter_helpers import read_bytes

from adapters import AdapterError, detect_format


@pytest.mark.parametrize(
    ("name", "head", "format"),
    [
        ("x.csv", b"a,b", "csv"),
        ("x.TSV", b"a\tb", "tsv"),
        ("x.jsonl", b"{}", "ndjson"),
        ("x.xlsx", b"PK\x03\x04", "xlsx"),
        ("x.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xlsx"),
        ("x.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
        ("x.csv", b"PAR1\x15\x04", "parquet"),
        ("x", b"ARROW1\x00\x00", "arrow"),
        ("x", b"Obj\x01\x04", "avro"),
        ("x", b"ORC\x0a", "orc"),
        ("ORCID.csv", b"ORCID,name", "csv"),
        ("x", b"SQLite format 3\x00", "sqlite"),
        ("x", b"%PDF-1.7", "pdf"),
        ("x", b"$FL2@(#) SPSS", "sav"),
        ("x", b"<stata_dta><header>", "dta"),
        ("x", b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!", "xpt"),
        ("x", b'<?xml version="1.0"?><cases/>', "xml"),
        ("x", b"<!DOCTYPE html><html><table>", "html"),
        ("x", b'[{"a": 1}]', "json"),
        ("x", b'{"a": 1}\n{"a": 2}\n', "ndjson"),
        ("x", b'{"type": "FeatureCollection", "features": []}', "geojson"),
        ("x", b"a;b\n1;2\n", "delimited"),
    ],
)
def test_detection(name, head, format):
    assert detect_format(name, head) == format


def test_unknown_extension_without_content_asks_for_a_declaration():
    with pytest.raises(AdapterError, match="declare `format:`"):
        detect_format("raw/x/2024-05/cases.weird")


def test_declared_format_overrides_the_extension():
    result = read_bytes(b"a|b\n1|2\n", "raw/x/2024-05/cases.json", format="psv")

    assert result.table.to_pylist() == [{"a": "1", "b": "2"}]


def test_unknown_declared_format_lists_the_known_ones():
    with pytest.raises(AdapterError, match="unknown format 'excel'; known formats: api, arrow"):
        read_bytes(b"a\n", "raw/x/2024-05/x.csv", format="excel")


def test_an_option_of_the_wrong_kind_is_named():
    with pytest.raises(AdapterError, match=r"option `header_rows` must be a whole number, not '2'"):
        read_bytes(b"a\n1\n", "raw/x/2024-05/x.csv", header_rows="2")
    with pytest.raises(AdapterError, match=r"option `types` must be a mapping"):
        read_bytes(b"a\n1\n", "raw/x/2024-05/x.csv", types=["a"])
