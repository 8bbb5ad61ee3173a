"""Small excerpts of real US-government files, delivered byte for byte as they circulate.

They keep what synthetic data cannot: the FBI's report-style table with title rows and a
header spread over lines, the agency file's quoted population groups, the Department of
Labor's nested XML. See `infra/demo/excerpts/README.md` for their origin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from infra.demo.estate import Estate

EXCERPTS = Path(__file__).resolve().parent.parent / "excerpts"


def fbi_ht_agency(estate: Estate) -> None:
    estate.copy_public_file(
        source="fbi_ht_agency",
        contributor="fbi_cde",
        label="2013-2020",
        file_name="HT_2013-2020.csv",
        origin=EXCERPTS / "HT_2013-2020.csv",
        format="csv",
        rows=38,
        delivered_on=dt.date(2021, 9, 27),
        read_options={"delimiter": ","},
    )


def fbi_ht_state_tables(estate: Estate) -> None:
    estate.copy_public_file(
        source="fbi_ht_state_tables",
        contributor="fbi_ucr",
        label="2017",
        file_name="Human_Trafficking_Offenses_and_Clearances_by_State_2017.csv",
        origin=EXCERPTS / "Human_Trafficking_Offenses_and_Clearances_by_State_2017.csv",
        format="csv",
        rows=47,
        delivered_on=dt.date(2018, 9, 24),
        # Records 0-2 are titles, 3-4 a two-level header (with newlines inside cells), then
        # 47 state rows and a footnote row.
        read_options={
            "delimiter": ",",
            "skip_rows": 5,
            "header_rows": [3, 4],
            "footer_rows": 1,
            "missing_values": ["NA"],
        },
    )


def ilab_goods(estate: Estate) -> None:
    estate.copy_public_file(
        source="ilab_goods",
        contributor="dol_ilab",
        label="2022",
        file_name="goods.xml",
        origin=EXCERPTS / "goods.xml",
        format="xml",
        rows=6,
        delivered_on=dt.date(2022, 9, 28),
        read_options={"record_path": "Good"},
    )


SOURCES: dict[str, Callable[[Estate], None]] = {
    "fbi_ht_agency": fbi_ht_agency,
    "fbi_ht_state_tables": fbi_ht_state_tables,
    "ilab_goods": ilab_goods,
}
