"""Compression wrappers and archives, including hostile ones."""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile

import pytest
import zstandard
from adapter_helpers import read_bytes, read_file, rows

from adapters import AdapterError

CSV = b"state,victims\nTX,3\nOH,4\n"


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "pack"),
    [
        ("cases.csv.gz", gzip.compress),
        ("cases.csv.bz2", bz2.compress),
        ("cases.csv.zst", zstandard.compress),
        ("cases.zip", lambda data: zip_of({"cases.csv": data})),
    ],
)
def test_each_wrapper_round_trips(name, pack):
    result = read_bytes(pack(CSV), f"raw/x/2024-05/{name}")

    assert rows(result.table) == [{"state": "TX", "victims": "3"}, {"state": "OH", "victims": "4"}]


def test_compression_is_detected_by_magic_bytes_when_the_name_hides_it():
    result = read_bytes(gzip.compress(CSV), "raw/x/2024-05/cases.csv")

    assert result.report["compression"] == "gzip"
    assert result.table.num_rows == 2


def test_many_members_selected_by_pattern_land_as_one_table():
    archive = zip_of(
        {
            "2015/tx.csv": CSV,
            "2016/oh.csv": b"state,victims\nOH,9\n",
            "README.txt": b"not data",
            "__MACOSX/._tx.csv": b"junk",
        }
    )
    result = read_bytes(archive, "raw/x/2024-05/all.zip", members="*.csv", member_column="member")

    assert [(r["member"], r["state"]) for r in rows(result.table)] == [
        ("2015/tx.csv", "TX"),
        ("2015/tx.csv", "OH"),
        ("2016/oh.csv", "OH"),
    ]
    assert result.report["members"] == ["2015/tx.csv", "2016/oh.csv"]


def test_members_with_different_columns_are_refused():
    archive = zip_of({"a.csv": CSV, "b.csv": b"county\nLucas\n"})

    with pytest.raises(AdapterError, match=r"member b\.csv has columns"):
        read_bytes(archive, "raw/x/2024-05/all.zip")


def test_a_pattern_that_matches_nothing_lists_the_members():
    with pytest.raises(
        AdapterError, match=r"no member .* matches `members: \*.xlsx`; it holds a.csv"
    ):
        read_bytes(zip_of({"a.csv": CSV}), "raw/x/2024-05/all.zip", members="*.xlsx")


def test_zip_bomb_is_stopped_by_ratio_before_extracting(write_file):
    bomb = zip_of({"huge.csv": b"state,victims\n" + b"0" * (40 << 20)})
    path = write_file("bomb.zip", bomb)

    with pytest.raises(AdapterError) as raised:
        read_file(path, "raw/x/2024-05/bomb.zip")

    message = str(raised.value)
    assert message.startswith("raw/x/2024-05/bomb.zip: zip member huge.csv expands ")
    assert "looks like a decompression bomb" in message
    assert "raise `max_compression_ratio`" in message


def test_zip_total_size_limit_is_configurable():
    archive = zip_of({"cases.csv": CSV + b"TX,3\n" * 2000})

    with pytest.raises(AdapterError, match=r"declare .* uncompressed, beyond"):
        read_bytes(archive, "raw/x/2024-05/a.zip", max_uncompressed_bytes=10_000)
    assert read_bytes(archive, "raw/x/2024-05/a.zip").table.num_rows == 2002


def test_gzip_bomb_is_stopped_while_streaming():
    bomb = gzip.compress(b"state\n" + b"0" * (40 << 20))

    with pytest.raises(AdapterError, match=r"the gzip data expands .* times"):
        read_bytes(bomb, "raw/x/2024-05/bomb.csv.gz")
    with pytest.raises(AdapterError, match=r"expands past 1.0 MiB \(max_uncompressed_bytes\)"):
        read_bytes(bomb, "raw/x/2024-05/bomb.csv.gz", max_uncompressed_bytes=1 << 20)


def test_truncated_gzip_is_an_error_naming_the_file(write_file):
    path = write_file("cases.csv.gz", gzip.compress(CSV * 100)[:-30])

    with pytest.raises(AdapterError) as raised:
        read_file(path, "raw/x/2024-05/cases.csv.gz")

    assert "the gzip data is truncated or corrupt" in str(raised.value)
    assert "ask the contributor to send the file again" in str(raised.value)


def test_corrupt_zip_is_an_error_naming_the_file(write_file):
    path = write_file("cases.zip", zip_of({"cases.csv": CSV})[:40])

    with pytest.raises(AdapterError, match="not a readable zip archive"):
        read_file(path, "raw/x/2024-05/cases.zip")


def test_gzip_of_nothing_is_an_empty_object():
    with pytest.raises(AdapterError, match="decompresses to 0 bytes"):
        read_bytes(gzip.compress(b""), "raw/x/2024-05/cases.csv.gz")


def _format_fixtures() -> dict[str, bytes]:
    import json

    import fastavro
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.orc as orc

    table = pa.table({"state": ["TX", "OH"], "victims": ["3", "4"]})
    fixtures = {
        "cases.json": json.dumps(table.to_pylist()).encode(),
        "cases.ndjson": b"\n".join(json.dumps(row).encode() for row in table.to_pylist()),
        "cases.xml": b"<cases><case><state>TX</state><victims>3</victims></case>"
        b"<case><state>OH</state><victims>4</victims></case></cases>",
        "cases.html": b"<table><tr><th>state</th><th>victims</th></tr><tr><td>TX</td>"
        b"<td>3</td></tr><tr><td>OH</td><td>4</td></tr></table>",
        "cases.fwf": b"TX3\nOH4\n",
    }
    for name, write in [("cases.feather", feather.write_feather), ("cases.orc", orc.write_table)]:
        buffer = io.BytesIO()
        write(table, buffer)
        fixtures[name] = buffer.getvalue()
    buffer = io.BytesIO()
    schema = {
        "type": "record",
        "name": "Case",
        "fields": [{"name": "state", "type": "string"}, {"name": "victims", "type": "string"}],
    }
    fastavro.writer(buffer, schema, table.to_pylist())
    fixtures["cases.avro"] = buffer.getvalue()
    return fixtures


@pytest.mark.parametrize("name", sorted(_format_fixtures()))
@pytest.mark.parametrize("wrapper", ["gz", "bz2", "zst", "zip"])
def test_every_format_reads_the_same_inside_each_wrapper(name, wrapper):
    data = _format_fixtures()[name]
    layout = {"layout": [{"name": "state", "width": 2}, {"name": "victims", "width": 1}]}
    options = layout if name.endswith(".fwf") else {}
    pack = {
        "gz": gzip.compress,
        "bz2": bz2.compress,
        "zst": zstandard.compress,
        "zip": lambda raw: zip_of({name: raw}),
    }[wrapper]

    plain = read_bytes(data, f"raw/x/2024-05/{name}", **options)
    wrapped = read_bytes(pack(data), f"raw/x/2024-05/{name}.{wrapper}", **options)

    assert (
        rows(wrapped.table)
        == rows(plain.table)
        == [
            {"state": "TX", "victims": "3"},
            {"state": "OH", "victims": "4"},
        ]
    )


def test_password_protected_zip_member_is_refused():
    archive = bytearray(zip_of({"cases.csv": CSV}))
    # Set the encryption flag in the local and central headers, as a protected archive has it.
    archive[archive.index(b"PK\x03\x04") + 6] |= 0x1
    archive[archive.index(b"PK\x01\x02") + 8] |= 0x1

    with pytest.raises(AdapterError, match=r"zip member cases\.csv is password-protected"):
        read_bytes(bytes(archive), "raw/x/2024-05/cases.zip")


def test_declared_zip_with_a_gzipped_member_unwraps_both_layers():
    archive = zip_of({"2016/cases.csv.gz": gzip.compress(CSV)})

    result = read_bytes(archive, "raw/x/2024-05/delivery.bin", "csv", compression="zip")

    assert rows(result.table) == [{"state": "TX", "victims": "3"}, {"state": "OH", "victims": "4"}]


def test_unknown_declared_compression_is_named():
    with pytest.raises(AdapterError, match="unknown compression 'rar'"):
        read_bytes(CSV, "raw/x/2024-05/cases.csv", compression="rar")


@pytest.mark.parametrize(
    ("member", "problem"),
    [
        ("../../x.csv", "climbs out of the archive"),
        ("/etc/x.csv", "absolute path"),
        ("C:\\x.csv", "absolute path"),
        ("a\nb.csv", "control character"),
    ],
)
def test_a_zip_member_with_a_hostile_path_is_refused_by_name(member, problem):
    with pytest.raises(AdapterError) as error:
        read_bytes(zip_of({member: CSV}), "raw/x/2024-05/all.zip")
    message = str(error.value)
    assert repr(member) in message and problem in message and "nothing was landed" in message
