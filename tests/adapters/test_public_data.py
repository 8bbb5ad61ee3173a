"""The real public files in shared/public-data parse with the right options.

Skipped on a checkout without shared/ beside it.
"""

from __future__ import annotations

import unicodedata

import pyarrow as pa
from adapter_helpers import read_file, rows


def test_fbi_agency_offense_counts(public_data):
    result = read_file(
        public_data / "fbi_ucr_human_trafficking" / "HT_2013-2020.csv",
        types={"DATA_YEAR": "integer", "OFFENSE_SUBCAT_ID": "integer", "ACTUAL_COUNT": "integer"},
    )

    assert result.table.num_rows == 4417
    assert result.rejections == []
    assert set(result.table.column("OFFENSE_SUBCAT_ID").to_pylist()) == {81, 82}
    assert rows(result.table)[1]["POPULATION_GROUP_CODE"] == "500,000-999,999"
    assert min(result.table.column("DATA_YEAR").to_pylist()) == 2013


def test_fbi_2017_report_style_state_table(public_data):
    result = read_file(
        public_data
        / "fbi_ucr_human_trafficking"
        / "Human_Trafficking_Offenses_and_Clearances_by_State_2017.csv",
        skip_rows=3,
        header_rows=2,
        rename={"3 4": "source_row"},
    )

    assert result.table.column_names == [
        "source_row",
        "State",
        "Commercial sex acts Offenses",
        "Commercial sex acts Total cleared",
        "Commercial sex acts Clearances under 18",
        "Involuntary servitude Offenses",
        "Involuntary servitude Total cleared",
        "Involuntary servitude Clearances under 18",
        "Total Offenses",
        "Total Total cleared",
        "Total Clearances under 18",
    ]
    texas = next(row for row in rows(result.table) if row["State"] == "Texas")
    assert (texas["Total Offenses"], texas["Total Total cleared"]) == ("312", "141")
    assert result.table.num_rows == 48  # 47 jurisdictions and the footnote row, kept as sent


def test_tip_tiers_with_trailing_spaces_and_na(public_data):
    result = read_file(
        public_data / "tip_tier_rankings" / "tip_tiers_orig.csv",
        trim=True,
        types={"year": "integer", "ccode": "integer"},
    )

    assert result.table.num_rows == 3208
    tiers = set(result.table.column("tier").to_pylist())
    assert {"Tier 1", "Tier 2", "Tier 3", "Watchlist", None} <= tiers
    assert all(tier == tier.strip() for tier in tiers if tier)
    afghanistan_1999 = rows(result.table)[0]
    assert (afghanistan_1999["iso"], afghanistan_1999["year"], afghanistan_1999["tier"]) == (
        "AFG",
        1999,
        None,
    )


def test_ilab_goods_xml_one_row_per_good_and_country(public_data):
    result = read_file(
        public_data / "ilab_list_of_goods" / "goods_2016.xml",
        record_path="Goods/Good",
        explode="Countries/Country",
    )

    assert result.rejections == []
    assert result.table.num_rows == 467
    assert {"Good_Name", "Good_Sector", "Country_Name", "Child_Labor", "Forced_Labor"} <= set(
        result.table.column_names
    )
    # The file spells accents as combining marks; bronze keeps them as sent.
    assert unicodedata.normalize("NFC", rows(result.table)[0]["Good_Name"]) == "Açaí Berries"
    assert result.report["records"] == 169


def test_federal_sentencing_json(public_data):
    result = read_file(
        public_data / "federal_sentencing" / "ht_sentencing.json",
        types={"sentence": "float", "type": "integer"},
    )

    assert result.table.num_rows == 1763
    assert result.rejections == []
    assert result.table.schema.field("sentence").type == pa.float64()
    assert set(result.table.column("type").to_pylist()) <= {0, 1, 2, None}


def test_unodc_case_law_with_embedded_newlines(public_data):
    result = read_file(public_data / "unodc_case_law" / "HumanTrafficking_CLDB.csv")

    assert result.table.num_rows == 181
    assert result.rejections == []
    assert result.table.num_columns == 24
    assert any(
        "\n" in (text or "")
        for text in result.table.column("CommentarySignificantFeatures").to_pylist()
    )
    assert set(result.table.column("VerdictDate").to_pylist()) >= {"YYYY-MM-DD"}
