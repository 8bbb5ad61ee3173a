"""Properties of the text adapters: any bytes fail only with AdapterError, and any table
written by the format's own library reads back unchanged."""

from __future__ import annotations

import csv
import io
import json

import pytest
from adapter_helpers import read_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters import AdapterError

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT_FORMATS = [
    ("csv", {}),
    ("tsv", {}),
    ("delimited", {}),
    ("ndjson", {}),
    ("json", {}),
    ("xml", {}),
    ("html", {}),
    ("fixed_width", {"layout": [{"name": "a", "width": 3}, {"name": "b", "width": 5}]}),
    (None, {}),
]

names = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=8),
    min_size=1,
    max_size=5,
    unique=True,
)
# Any printable text, including quotes, delimiters, newlines and non-ASCII letters.
values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from([",", ";", "|", "\t", '"', "\n", "\r", " "]),
    max_size=20,
)


@pytest.mark.parametrize(("format", "options"), TEXT_FORMATS)
@FAST
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_fail_only_with_adapter_error(format, options, data):
    try:
        result = read_bytes(data, "raw/fuzz/2024-05/object", format, **options)
    except AdapterError as error:
        assert str(error).startswith("raw/fuzz/2024-05/object: ")
        return
    assert all(r.reason.startswith("raw/fuzz/2024-05/object: ") for r in result.rejections)


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
@FAST
@given(data=st.data())
def test_any_table_written_by_the_csv_module_round_trips(delimiter, data):
    columns = data.draw(names)
    table = data.draw(
        st.lists(st.lists(values, min_size=len(columns), max_size=len(columns)), max_size=8)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows([columns, *table])

    result = read_bytes(
        buffer.getvalue().encode(),
        "raw/x/2024-05/t.txt",
        "delimited",
        delimiter=delimiter,
        missing_values=[],
    )

    assert result.table.column_names == columns
    assert [[row[name] for name in columns] for row in result.table.to_pylist()] == table
    assert result.rejections == []


@FAST
@given(data=st.data())
def test_any_records_written_as_json_lines_round_trip(data):
    columns = data.draw(names)
    records = data.draw(
        st.lists(st.fixed_dictionaries({name: values for name in columns}), min_size=1, max_size=8)
    )
    encoded = "\n".join(
        json.dumps(record, ensure_ascii=data.draw(st.booleans())) for record in records
    )

    result = read_bytes(encoded.encode(), "raw/x/2024-05/t.ndjson", missing_values=[])

    assert result.table.to_pylist() == records


@FAST
@given(data=st.data())
def test_any_fixed_width_table_round_trips(data):
    widths = data.draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))
    cell = st.text(alphabet="abcXYZ019-.é", min_size=1, max_size=6)
    table = data.draw(
        st.lists(
            st.tuples(*[cell.filter(lambda v, w=w: len(v) <= w) for w in widths]),
            min_size=1,
            max_size=8,
        )
    )
    lines = [
        "".join(value.ljust(width) for value, width in zip(row, widths, strict=True))
        for row in table
    ]
    layout = [{"name": f"c{i}", "width": w} for i, w in enumerate(widths)]

    result = read_bytes(
        "\n".join(lines).encode(),
        "raw/x/2024-05/t.txt",
        "fixed_width",
        layout=layout,
        missing_values=[],
    )

    assert [tuple(row.values()) for row in result.table.to_pylist()] == table
