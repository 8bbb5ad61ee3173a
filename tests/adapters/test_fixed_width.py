"""Fixed-width text with a declared layout, inline or from a layout file."""

from __future__ import annotations

import pyarrow as pa
import pytest
import yaml
from adapter_helpers import read_bytes, read_file, rows

from adapters import AdapterError

LAYOUT = [
    {"name": "state", "start": 1, "end": 2},
    {"name": "county", "start": 3, "end": 14},
    {"name": "victims", "start": 15, "end": 19},
]
RECORDS = [("TX", "Travis", "12"), ("OH", "Lucas", ""), ("CA", "Los Angeles", "310")]


def fixed_width(records, line_end="\n") -> bytes:
    return "".join(f"{s:<2}{c:<12}{v:>5}{line_end}" for s, c, v in records).encode()


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_fixed_width_round_trips_with_an_inline_layout(line_end):
    result = read_bytes(fixed_width(RECORDS, line_end), "raw/x/2024-05/counts.txt", layout=LAYOUT)

    assert result.report["format"] == "fixed_width"
    assert rows(result.table) == [
        {"state": "TX", "county": "Travis", "victims": "12"},
        {"state": "OH", "county": "Lucas", "victims": None},
        {"state": "CA", "county": "Los Angeles", "victims": "310"},
    ]


def test_layout_from_a_yaml_file_with_widths(tmp_path):
    layout_file = tmp_path / "layout.yaml"
    layout_file.write_text(
        yaml.safe_dump(
            {
                "columns": [
                    {"name": "state", "width": 2},
                    {"name": "county", "width": 12},
                    {"name": "victims", "width": 5},
                ]
            }
        )
    )
    result = read_bytes(
        b"STATE COUNTY     COUNT\n" + fixed_width(RECORDS),
        "raw/x/2024-05/counts.fwf",
        layout=str(layout_file),
        skip_rows=1,
        types={"victims": "integer"},
    )

    assert result.table.schema.field("victims").type == pa.int64()
    assert [row["victims"] for row in rows(result.table)] == [12, None, 310]


def test_layout_from_a_csv_file(tmp_path):
    layout_file = tmp_path / "layout.csv"
    layout_file.write_text("name,start,end\nstate,1,2\nvictims,15,19\n")
    result = read_bytes(fixed_width(RECORDS), format="fixed_width", layout=str(layout_file))

    assert rows(result.table)[2] == {"state": "CA", "victims": "310"}


def test_lines_longer_than_the_layout_are_quarantined(write_file):
    data = fixed_width(RECORDS[:1]) + b"NYKings          7   EXTRA\n" + fixed_width(RECORDS[2:])
    result = read_file(write_file("counts.txt", data), layout=LAYOUT)

    assert [row["state"] for row in rows(result.table)] == ["TX", "CA"]
    [rejection] = result.rejections
    assert rejection.line == 2
    assert rejection.original == "NYKings          7   EXTRA"
    assert "has text past position 19, where the layout ends" in rejection.reason


def test_fixed_width_streams_in_batches_with_exact_line_numbers():
    data = fixed_width(RECORDS * 2000) + b"\xff\xfe broken line\n"
    from adapter_helpers import batches_of

    results = batches_of(
        data, "raw/x/2024-05/counts.txt", layout=LAYOUT, block_bytes=4096, encoding="utf-8"
    )

    assert len(results) > 10
    assert sum(r.table.num_rows for r in results) == 6000
    [rejection] = [r for result in results for r in result.rejections]
    assert rejection.line == 6001
    assert "not valid UTF-8" in rejection.reason


def test_a_missing_layout_says_how_to_declare_one():
    with pytest.raises(AdapterError, match="fixed-width text needs a `layout:`"):
        read_bytes(b"TX12\n", format="fixed_width")


def test_a_bad_layout_entry_is_named():
    with pytest.raises(AdapterError, match="layout entry 2"):
        read_bytes(
            b"TX12\n", format="fixed_width", layout=[{"name": "a", "width": 2}, {"name": "b"}]
        )
