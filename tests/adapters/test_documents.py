"""Tables inside documents: HTML pages and text-based PDFs."""

from __future__ import annotations

import pytest
from adapter_helpers import read_bytes, read_file, rows
from fpdf import FPDF

from adapters import AdapterError

PAGE = b"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Hotline</title></head><body>
<table id="nav"><tr><td>Home</td></tr></table>
<table id="calls">
  <thead><tr><th rowspan="2">State</th><th colspan="2">Calls</th></tr>
         <tr><th>2015</th><th>2016</th></tr></thead>
  <tbody>
    <tr><td>Texas</td><td>1,234</td><td>1,500</td></tr>
    <tr><td>S\xc3\xa3o Tom\xc3\xa9</td><td colspan="2">n/a</td></tr>
    <tr><td>Ohio</td><td>88</td></tr>
  </tbody>
</table></body></html>"""


def test_html_table_with_merged_cells_and_two_header_rows():
    result = read_bytes(PAGE, "raw/hotline/2024-05/calls.html", table_id="calls", header_rows=2)

    assert result.table.column_names == ["State", "Calls 2015", "Calls 2016"]
    assert rows(result.table)[:2] == [
        {"State": "Texas", "Calls 2015": "1,234", "Calls 2016": "1,500"},
        {"State": "São Tomé", "Calls 2015": "n/a", "Calls 2016": "n/a"},
    ]
    [rejection] = result.rejections
    assert (rejection.line, rejection.original) == (5, '["Ohio", "88"]')
    assert "table row 5 has 2 cells, expected 3" in rejection.reason


def test_html_table_chosen_by_text_or_index():
    by_match = read_bytes(PAGE, "raw/x/2024-05/p.html", match="Calls", header_rows=2)
    by_index = read_bytes(PAGE, "raw/x/2024-05/p.html", table=0)

    assert by_match.table.column_names[0] == "State"
    assert by_index.table.column_names == ["Home"]


def test_html_without_tables_says_so():
    with pytest.raises(AdapterError, match="holds no <table>"):
        read_bytes(b"<html><body><p>none</p></body></html>", "raw/x/2024-05/p.html")


def pdf_with_tables(pages: list[list[list[str]]]) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for page in pages:
        pdf.add_page()
        with pdf.table() as table:
            for cells in page:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
    return bytes(pdf.output())


def test_pdf_tables_across_pages_round_trip(write_file):
    header = ["state", "offenses", "cleared"]
    data = pdf_with_tables(
        [[header, ["Texas", "312", "141"], ["Ohio", "12", "4"]], [header, ["Utah", "1", "0"]]]
    )
    result = read_file(write_file("table1.pdf", data), types={"offenses": "integer"})

    assert rows(result.table) == [
        {"state": "Texas", "offenses": 312, "cleared": "141"},
        {"state": "Ohio", "offenses": 12, "cleared": "4"},
        {"state": "Utah", "offenses": 1, "cleared": "0"},
    ]
    assert result.report["pages_with_tables"] == [1, 2]


def test_pdf_page_selection():
    header = ["state", "offenses"]
    data = pdf_with_tables([[header, ["Texas", "1"]], [header, ["Utah", "2"]]])

    result = read_bytes(data, "raw/x/2024-05/t.pdf", pages="2")

    assert rows(result.table) == [{"state": "Utah", "offenses": "2"}]


def test_pdf_without_tables_suggests_what_to_do():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(text="No table on this page")

    with pytest.raises(AdapterError, match="no table found on pages"):
        read_bytes(bytes(pdf.output()), "raw/x/2024-05/t.pdf")


def test_corrupt_pdf_is_named():
    with pytest.raises(AdapterError, match="not a readable PDF"):
        read_bytes(b"%PDF-1.7\n garbage", "raw/x/2024-05/t.pdf")


def test_password_protected_pdf_is_refused_clearly():
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="reader")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(text="secret table")

    with pytest.raises(AdapterError, match="the PDF is password-protected; ask the contributor"):
        read_bytes(bytes(pdf.output()), "raw/x/2024-05/t.pdf")
