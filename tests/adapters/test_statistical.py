"""SAS, SPSS and Stata files through ReadStat."""

from __future__ import annotations

import datetime

import pandas as pd
import pyarrow as pa
import pyreadstat
import pytest
from adapter_helpers import read_bytes, read_file, rows, write_sas7bdat

from adapters import AdapterError

FRAME = pd.DataFrame(
    {
        "state": ["TX", "OH", "NY"],
        "victims": [3.0, None, 12.0],
        "opened": [datetime.date(2021, 4, 1), None, datetime.date(2020, 1, 2)],
    }
)
LANDED = [
    {"state": "TX", "victims": 3.0, "opened": datetime.date(2021, 4, 1)},
    {"state": "OH", "victims": None, "opened": None},
    {"state": "NY", "victims": 12.0, "opened": datetime.date(2020, 1, 2)},
]


@pytest.mark.parametrize(
    ("suffix", "write"),
    [("sav", pyreadstat.write_sav), ("dta", pyreadstat.write_dta), ("xpt", pyreadstat.write_xport)],
)
def test_spss_stata_and_sas_transport_round_trip(tmp_path, suffix, write):
    path = tmp_path / f"cases.{suffix}"
    write(FRAME, str(path))

    result = read_file(path)

    assert rows(result.table) == LANDED
    assert result.table.schema.field("opened").type == pa.date32()
    assert result.report["format"] == suffix


def test_value_labels_travel_in_the_report_and_codes_stay(tmp_path):
    path = tmp_path / "sentencing.sav"
    frame = pd.DataFrame({"type": [0.0, 1.0, 2.0]})
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"type": "Trafficking type"},
        variable_value_labels={"type": {0.0: "labor", 1.0: "adult sex", 2.0: "minor sex"}},
    )

    result = read_file(path)

    assert [row["type"] for row in rows(result.table)] == [0.0, 1.0, 2.0]
    assert result.report["value_labels"] == {
        "type": {"0.0": "labor", "1.0": "adult sex", "2.0": "minor sex"}
    }
    assert result.report["column_labels"] == {"type": "Trafficking type"}


def test_sas7bdat_round_trips_in_chunks():
    data = write_sas7bdat({"state": ["TX", "OH", "NY"] * 50, "victims": [3.0, None, 12.0] * 50})

    result = read_bytes(data, "raw/x/2024-05/cases.sas7bdat", batch_rows=40)

    assert result.report["batches"] == 4
    assert rows(result.table)[:3] == [
        {"state": "TX", "victims": 3.0},
        {"state": "OH", "victims": None},
        {"state": "NY", "victims": 12.0},
    ]
    assert result.table.num_rows == 150


def test_sas7bdat_is_detected_by_magic_bytes():
    data = write_sas7bdat({"state": ["TX"]})

    assert read_bytes(data, "raw/x/2024-05/export.dat").report["format"] == "sas7bdat"


@pytest.mark.parametrize("name", ["cases.sas7bdat", "cases.sav", "cases.dta", "cases.xpt"])
def test_truncated_statistical_files_are_named(write_file, tmp_path, name):
    source = tmp_path / f"whole.{name.split('.')[1]}"
    if name.endswith("sas7bdat"):
        source.write_bytes(write_sas7bdat({"state": ["TX"] * 500}))
    else:
        {"sav": pyreadstat.write_sav, "dta": pyreadstat.write_dta, "xpt": pyreadstat.write_xport}[
            name.split(".")[1]
        ](FRAME, str(source))
    path = write_file(name, source.read_bytes()[:200])

    with pytest.raises(AdapterError) as raised:
        read_file(path, f"raw/x/2024-05/{name}")

    assert str(raised.value).startswith(f"raw/x/2024-05/{name}: not a readable")
    assert "ask the contributor to send it again" in str(raised.value)
