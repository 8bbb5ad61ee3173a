"""Workbooks: XLSX, XLS and ODS, sheets, report-style headers, corrupt and protected files."""

from __future__ import annotations

import datetime
import io

import msoffcrypto.format.ooxml
import pytest
import xlwt
from adapter_helpers import read_bytes, read_file, rows
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from adapters import AdapterError

SHEET = [
    ["state", "victims", "reported"],
    ["TX", 312, datetime.date(2021, 4, 1)],
    ["OH", 12.5, None],
    ["NY", None, "unknown"],
]
EXPECTED = [
    {"state": "TX", "victims": "312", "reported": "2021-04-01 00:00:00"},
    {"state": "OH", "victims": "12.5", "reported": None},
    {"state": "NY", "victims": None, "reported": "unknown"},
]


def xls_bytes(sheet_rows) -> bytes:
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Cases")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(sheet_rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_bytes(sheet_rows) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Cases")
    for row in sheet_rows:
        table_row = TableRow()
        for value in row:
            if value is None:
                cell = TableCell()
            elif isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def test_xlsx_round_trips(xlsx_bytes):
    result = read_bytes(xlsx_bytes(SHEET), "raw/x/2024-05/cases.xlsx")

    assert result.report["format"] == "xlsx"
    assert rows(result.table) == EXPECTED


def test_xls_round_trips():
    result = read_bytes(xls_bytes(SHEET), "raw/x/2024-05/cases.xls")

    assert result.report["format"] == "xls"
    assert rows(result.table)[0]["state"] == "TX"
    assert [row["victims"] for row in rows(result.table)] == ["312", "12.5", None]
    assert rows(result.table)[0]["reported"].startswith("2021-04-01")


def test_ods_round_trips():
    result = read_bytes(ods_bytes([row[:2] for row in SHEET]), "raw/x/2024-05/cases.ods")

    assert result.report["format"] == "ods"
    assert rows(result.table) == [
        {"state": "TX", "victims": "312"},
        {"state": "OH", "victims": "12.5"},
        {"state": "NY", "victims": None},
    ]


def test_zipped_workbook_round_trips(xlsx_bytes):
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("export/cases.xlsx", xlsx_bytes(SHEET))
    result = read_bytes(archive.getvalue(), "raw/x/2024-05/cases.zip")

    assert rows(result.table) == EXPECTED
    assert result.report["member"] == "export/cases.xlsx"


def test_sheet_by_name_and_index_and_report_style_header(xlsx_bytes):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["nothing here"])
    table = workbook.create_sheet("2017")
    for row in [
        ["Human Trafficking Offenses, 2017"],
        ["State", "Commercial sex acts", None],
        [None, "Offenses", "Total cleared"],
        ["Texas", 193, 82],
        [],
        ["Utah", 1, 0],
    ]:
        table.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    by_name = read_bytes(
        buffer.getvalue(),
        "raw/x/2024-05/t.xlsx",
        sheet="2017",
        skip_rows=1,
        header_rows=2,
        types={"Commercial sex acts Offenses": "integer"},
    )
    by_index = read_bytes(
        buffer.getvalue(), "raw/x/2024-05/t.xlsx", sheet=1, skip_rows=1, header_rows=2
    )

    assert by_name.table.column_names == [
        "State",
        "Commercial sex acts Offenses",
        "Commercial sex acts Total cleared",
    ]
    assert [row["Commercial sex acts Offenses"] for row in rows(by_name.table)] == [193, 1]
    assert rows(by_index.table)[1]["State"] == "Utah"
    assert by_name.report["sheet"] == "2017"


def test_a_missing_sheet_lists_the_sheets(xlsx_bytes):
    with pytest.raises(AdapterError, match=r"there is no sheet 'Tab9'; the sheets are \['Cases'\]"):
        read_bytes(xlsx_bytes(SHEET), "raw/x/2024-05/cases.xlsx", sheet="Tab9")


def test_invalid_values_reject_their_spreadsheet_row(xlsx_bytes):
    result = read_bytes(
        xlsx_bytes(SHEET),
        "raw/x/2024-05/cases.xlsx",
        types={"reported": "date"},
        date_formats={"reported": "%Y-%m-%d %H:%M:%S"},
    )

    [rejection] = result.rejections
    assert rejection.line == 4
    assert "column 'reported' value 'unknown' is not a date" in rejection.reason
    assert '"NY"' in rejection.original


def test_zero_row_sheet_with_header_is_empty_table(xlsx_bytes):
    result = read_bytes(xlsx_bytes([["state", "victims"]]), "raw/x/2024-05/cases.xlsx")

    assert result.table.num_rows == 0
    assert result.table.column_names == ["state", "victims"]


def test_corrupt_xlsx_is_named_with_what_to_do(write_file, xlsx_bytes):
    path = write_file("cases.xlsx", xlsx_bytes(SHEET)[:900])

    with pytest.raises(AdapterError) as raised:
        read_file(path, "raw/x/2024-05/cases.xlsx")

    assert str(raised.value).startswith("raw/x/2024-05/cases.xlsx: ")
    assert "ask the contributor" in str(raised.value)


def test_password_protected_workbook_is_refused_clearly(write_file, xlsx_bytes):
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(xlsx_bytes(SHEET))).encrypt("s3cret", encrypted)
    path = write_file("cases.xlsx", encrypted.getvalue())

    with pytest.raises(AdapterError) as raised:
        read_file(path, "raw/x/2024-05/cases.xlsx")

    assert str(raised.value) == (
        "raw/x/2024-05/cases.xlsx: the workbook is password-protected; ask the contributor for an "
        "unprotected copy (the hub does not hold workbook passwords)"
    )
