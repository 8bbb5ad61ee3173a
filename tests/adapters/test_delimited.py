"""CSV, TSV and other delimiters: round trips, options, and bad input that loses nothing."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pytest
from adapter_helpers import batches_of, read_bytes, read_file, rows

from adapters import AdapterError

CASES = [
    ["case_id", "state", "victims", "opened"],
    ["C-001", "TX", "3", "2021-04-01"],
    ["C-002", "Ohio, Lucas County", "12", "2022-11-30"],
    ["C-003", 'said "no"', "0", "2020-01-15"],
]


def delimited(records: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(records)
    return buffer.getvalue().encode()


def as_records(table: pa.Table) -> list[list[str]]:
    return [
        table.column_names,
        *[[row[name] for name in table.column_names] for row in rows(table)],
    ]


@pytest.mark.parametrize(
    ("name", "delimiter", "format"),
    [
        ("cases.csv", ",", None),
        ("cases.tsv", "\t", None),
        ("cases.psv", "|", None),
        ("cases.txt", ";", None),
        ("cases.txt", "|", "delimited"),
        ("cases.dat", "\t", "delimited"),
    ],
)
def test_delimited_text_round_trips_with_the_dialect_sniffed(name, delimiter, format):
    result = read_bytes(delimited(CASES, delimiter), f"raw/ngo/2024-05/{name}", format)

    assert as_records(result.table) == CASES
    assert result.report["delimiter"] == delimiter
    assert result.rejections == []
    assert all(pa.types.is_string(t) for t in result.table.schema.types)


@pytest.mark.parametrize("compression", ["gz", "bz2", "zst"])
def test_compressed_csv_round_trips(compression):
    import bz2
    import gzip

    import zstandard

    pack = {"gz": gzip.compress, "bz2": bz2.compress, "zst": zstandard.compress}[compression]
    result = read_bytes(pack(delimited(CASES)), f"raw/ngo/2024-05/cases.csv.{compression}")

    assert as_records(result.table) == CASES
    assert result.report["compression"] == {"gz": "gzip", "bz2": "bz2", "zst": "zstd"}[compression]


@pytest.mark.parametrize(
    ("encoding", "prefix", "reported"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16", b"", "utf-16"),
    ],
)
def test_encoding_is_detected_and_reported(encoding, prefix, reported):
    text = "name,city\nJosé Nuñez,São Paulo\nZoë “Z” Ørsted,Malmö\n"
    result = read_bytes(prefix + text.encode(encoding))

    assert result.report["encoding"] == reported
    assert rows(result.table) == [
        {"name": "José Nuñez", "city": "São Paulo"},
        {"name": "Zoë “Z” Ørsted", "city": "Malmö"},
    ]


def test_latin1_is_detected_when_bytes_are_undefined_in_cp1252():
    result = read_bytes("name\nA\x81b\n".encode("latin-1"))

    assert result.report["encoding"] == "latin-1"
    assert rows(result.table) == [{"name": "A\x81b"}]


def test_declared_encoding_wins_over_detection():
    result = read_bytes("name\nMünchen\n".encode("latin-1"), encoding="latin-1")

    assert result.report["encoding"] == "latin-1"
    assert rows(result.table) == [{"name": "München"}]


def test_report_style_file_with_title_rows_and_two_header_rows():
    data = (
        b'"Human Trafficking",,,\n'
        b'"Offenses and Clearances by State, 2017",,,\n'
        b'"State","Commercial sex acts",,"Involuntary servitude"\n'
        b',"Offenses","Total\ncleared","Offenses"\n'
        b'"Texas","193","82","119"\n'
        b'"Utah","1","0","NA"\n'
    )
    result = read_bytes(data, skip_rows=2, header_rows=2)

    assert result.table.column_names == [
        "State",
        "Commercial sex acts Offenses",
        "Commercial sex acts Total cleared",
        "Involuntary servitude Offenses",
    ]
    assert rows(result.table)[1] == {
        "State": "Utah",
        "Commercial sex acts Offenses": "1",
        "Commercial sex acts Total cleared": "0",
        "Involuntary servitude Offenses": None,
    }


def test_missing_codes_become_null_and_values_keep_their_spaces_unless_trimmed():
    data = b"country,tier,score\nChad,Tier 3  ,-99\nPeru,NA,N/A\nFiji,   ,1\n"

    kept = read_bytes(data)
    trimmed = read_bytes(data, trim=True, missing_values=["NA", ""])

    assert rows(kept.table) == [
        {"country": "Chad", "tier": "Tier 3  ", "score": None},
        {"country": "Peru", "tier": None, "score": None},
        {"country": "Fiji", "tier": None, "score": "1"},
    ]
    assert rows(trimmed.table)[0] == {"country": "Chad", "tier": "Tier 3", "score": "-99"}
    assert rows(trimmed.table)[1]["score"] == "N/A"


def test_renames_and_declared_types_and_date_formats():
    data = b"St,Victims,Opened,Closed,Minor\nTX,3,04/01/2021,2021-05-02T10:00:00,yes\n"
    result = read_bytes(
        data,
        rename={"St": "state", "Victims": "victims"},
        types={"victims": "integer", "Opened": "date", "Closed": "datetime", "Minor": "boolean"},
        date_formats={"Opened": "%m/%d/%Y"},
    )

    assert result.table.schema.field("victims").type == pa.int64()
    assert result.table.schema.field("Opened").type == pa.date32()
    assert pa.types.is_timestamp(result.table.schema.field("Closed").type)
    row = rows(result.table)[0]
    assert (row["state"], row["victims"], str(row["Opened"]), row["Minor"]) == (
        "TX",
        3,
        "2021-04-01",
        True,
    )


def test_invalid_dates_and_numbers_reject_their_rows_with_line_and_text():
    data = b"case,victims,opened\nA,3,2021-04-01\nB,three,2021-04-02\nC,4,2021-02-30\nD,5,\n"
    result = read_bytes(data, types={"victims": "integer", "opened": "date"})

    assert [row["case"] for row in rows(result.table)] == ["A", "D"]
    assert [(r.line, r.original) for r in result.rejections] == [
        (3, "B,three,2021-04-02"),
        (4, "C,4,2021-02-30"),
    ]
    assert "column 'victims' value 'three' is not an integer" in result.rejections[0].reason
    assert "column 'opened' value '2021-02-30' is not a date" in result.rejections[1].reason
    assert result.rejections[0].reason.startswith("raw/test/2024-05/cases.csv: line 3")
    assert "change `types:`" in result.rejections[0].reason


def test_ragged_rows_are_quarantined_with_their_original_text(write_file):
    path = write_file("cases.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n")
    result = read_file(path)

    assert rows(result.table) == [{"a": "1", "b": "2", "c": "3"}, {"a": "10", "b": "11", "c": "12"}]
    assert [(r.line, r.original) for r in result.rejections] == [(3, "4,5"), (4, "6,7,8,9")]
    assert result.rejections[0].reason == (
        "raw/test/2024-05/cases.csv: line 3 has 2 fields, expected 3 (a field is missing, or "
        "the file was cut short); the row was quarantined"
    )
    assert "unquoted delimiter" in result.rejections[1].reason


def test_line_numbers_count_rows_spanning_lines_and_earlier_rejections():
    data = b'a,b\n1,"two\nlines"\nbad\n3,x\n4,y\n'
    result = read_bytes(data, types={"b": "integer"})

    assert [(r.line, r.original) for r in result.rejections] == [
        (2, '1,"two\nlines"'),
        (3, "bad"),
        (4, "3,x"),
        (5, "4,y"),
    ]


def test_truncated_file_keeps_every_complete_row(write_file):
    whole = delimited([["id", "note", "count"], *[[str(i), f"note {i}", "7"] for i in range(50)]])
    path = write_file("cut.csv", whole[: len(whole) - 3])
    result = read_file(path)

    assert result.table.num_rows == 49
    [rejection] = result.rejections
    assert rejection.line == 51
    assert rejection.original == "49,note 49"
    assert "cut short" in rejection.reason


def test_wrong_delimiter_is_named_with_the_fix():
    with pytest.raises(AdapterError) as raised:
        read_bytes(b"a;b;c\n1;2;3\n4;5;6\n", "raw/x/2024-05/cases.csv")

    message = str(raised.value)
    assert message.startswith("raw/x/2024-05/cases.csv: line 1 has 1 field when split on comma")
    assert "semicolon-delimited; declare `delimiter: ';'`" in message


def test_undecodable_bytes_reject_only_their_row_when_utf8_is_declared():
    data = b"name,city\nAna,Lima\nJos\xe9,Quito\nLe,Paris\n"
    result = read_bytes(data, encoding="utf-8")

    assert [row["name"] for row in rows(result.table)] == ["Ana", "Le"]
    [rejection] = result.rejections
    assert rejection.line == 3
    assert rejection.original == "Jos\\xe9,Quito"
    assert "column 'name' holds bytes that are not valid UTF-8" in rejection.reason
    assert "declare `encoding:`" in rejection.reason


def test_undecodable_bytes_in_a_declared_legacy_encoding_stop_the_object():
    with pytest.raises(AdapterError, match=r"byte 8 \(near line 2\) is not valid ascii"):
        read_bytes(b"name\nJos\xe9\n", encoding="ascii")


def test_a_multi_megabyte_line_lands_whole():
    narrative = "x" * (5 << 20)
    result = read_bytes(f'id,narrative\n1,"{narrative}"\n2,short\n'.encode())

    assert [len(row["narrative"]) for row in rows(result.table)] == [5 << 20, 5]


def test_a_line_longer_than_the_block_names_the_option_to_raise():
    with pytest.raises(AdapterError, match="declare a larger `block_bytes`"):
        read_bytes(b"id,narrative\n1," + b"y" * (3 << 20) + b"\n", block_bytes=1 << 20)


def test_duplicate_and_blank_column_names_keep_every_column():
    result = read_bytes(b"state,count,count,,state\nTX,1,2,x,Texas\n")

    assert result.table.column_names == ["state", "count", "count_2", "column_4", "state_2"]
    assert rows(result.table) == [
        {"state": "TX", "count": "1", "count_2": "2", "column_4": "x", "state_2": "Texas"}
    ]
    assert result.report["duplicate_columns"] == {
        "count": ["count", "count_2"],
        "state": ["state", "state_2"],
    }


def test_schema_drift_keeps_new_columns_and_adds_missing_ones_empty():
    result = read_bytes(
        b"state,victims,referral\nTX,3,hotline\n", columns=["state", "victims", "age"]
    )

    assert result.table.column_names == ["state", "victims", "referral", "age"]
    assert rows(result.table) == [
        {"state": "TX", "victims": "3", "referral": "hotline", "age": None}
    ]
    assert result.report["schema_drift"] == {"added": ["referral"], "missing": ["age"]}


def test_missing_required_column_stops_the_object():
    with pytest.raises(AdapterError) as raised:
        read_bytes(b"state,count\nTX,1\n", columns=["state", "victims"], required=["victims"])

    assert "required columns ['victims'] are missing" in str(raised.value)
    assert "Ask the contributor" in str(raised.value)


def test_zero_rows_with_a_header_is_a_valid_empty_table():
    result = read_bytes(b"state,victims\n", types={"victims": "integer"})

    assert result.table.num_rows == 0
    assert result.table.schema == pa.schema([("state", pa.string()), ("victims", pa.int64())])


def test_zero_bytes_is_an_error_that_says_what_to_do(write_file):
    with pytest.raises(AdapterError) as raised:
        read_file(write_file("empty.csv", b""), "raw/ngo/2024-05/empty.csv")

    assert str(raised.value) == (
        "raw/ngo/2024-05/empty.csv: is empty (0 bytes); an empty object is usually a failed "
        "upload: ask the contributor to send it again"
    )


def test_large_files_stream_in_bounded_batches_sharing_one_schema():
    data = delimited([["id", "state"], *[[str(i), "TX"] for i in range(60_000)]])
    results = batches_of(data, "raw/x/2024-05/big.csv", block_bytes=64 << 10)

    assert len(results) > 5
    assert sum(result.table.num_rows for result in results) == 60_000
    assert {result.table.schema for result in results} == {results[0].table.schema}
    assert max(result.table.nbytes for result in results) < 256 << 10
    assert results[-1].report["rows"] == 60_000


def test_no_header_uses_declared_names():
    result = read_bytes(b"TX,3\nOH,4\n", header_rows=0, column_names=["state", "victims"])

    assert rows(result.table) == [{"state": "TX", "victims": "3"}, {"state": "OH", "victims": "4"}]


# pyarrow reports its failed decoding of the row's text as an unraisable exception.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_ragged_row_with_undecodable_bytes_stops_the_object_naming_the_line():
    with pytest.raises(AdapterError) as raised:
        read_bytes(b"a,b\n1,2\n\xff,2,3\n4,5\n", encoding="utf-8")

    assert "a row near line 3 has the wrong number of fields and bytes that are not valid" in str(
        raised.value
    )
    assert "declare the right `encoding:`" in str(raised.value)
