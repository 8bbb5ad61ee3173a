"""The layouts the foundation pipeline is built against must not drift."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import polars as pl

from infra.demo.manifest import EstateManifest
from infra.demo.places import DISTRICTS, STATE_BY_ABBR

SCREENING_COLUMNS = [
    "screening_id", "agency_id", "agency_type", "state", "county_fips", "screened_on",
    "youth_first_name", "youth_last_name", "youth_dob", "youth_sex", "youth_race",
    "item_01", "item_02", "item_03", "item_04", "item_05", "item_06", "concern_level",
]  # fmt: skip
HOTLINE_COLUMNS = [
    "state", "year", "signals", "cases", "potential_victims", "sex_trafficking_cases",
    "labor_trafficking_cases",
]  # fmt: skip
CASE_FIELDS = [
    "case_number", "district", "state", "filing_date", "disposition_date", "statute",
    "trafficking_type", "minor_victims", "defendant_name", "defendant_sex", "sentence_months",
]  # fmt: skip
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def deliveries(manifest: EstateManifest, source: str, contributor: str) -> list:
    found = [d for d in manifest.deliveries if (d.source, d.contributor) == (source, contributor)]
    assert found, f"no {source} delivery from {contributor}"
    return found


def is_iso_date(value: str) -> bool:
    try:
        return bool(ISO_DATE.match(value)) and dt.date.fromisoformat(value) is not None
    except ValueError:
        return False


def test_tx_dfps_screenings_csv(manifest: EstateManifest, estate_dir: Path) -> None:
    frames = []
    for delivery in deliveries(manifest, "screenings", "tx_dfps"):
        assert re.fullmatch(r"screenings/tx_dfps__\d{4}-\d{2}/screenings\.csv", delivery.key)
        frame = pl.read_csv(estate_dir / delivery.key, infer_schema=False)
        assert frame.columns == SCREENING_COLUMNS
        assert frame.height == delivery.rows
        bad_lines = set(delivery.defect.lines) if delivery.defect else set()
        screened = frame.with_row_index("line", offset=2).filter(~pl.col("line").is_in(bad_lines))
        assert all(is_iso_date(value) for value in screened["screened_on"])
        frames.append(frame)
    screenings = pl.concat(frames)
    assert set(screenings["agency_type"]) == {"child_welfare", "juvenile_justice", "rhy_shelter"}
    assert set(screenings["state"]) == {"TX"}
    assert screenings["county_fips"].str.contains(r"^48\d{3}$").all()
    assert screenings["screening_id"].is_unique().all()
    assert all(is_iso_date(value) for value in screenings["youth_dob"].drop_nulls())
    assert set(screenings["youth_sex"]) <= {"F", "M", "X"}
    assert set(screenings["youth_race"]) <= {
        "white", "black", "hispanic", "asian", "aian", "nhpi", "multi", "unknown",
    }  # fmt: skip
    for item in SCREENING_COLUMNS[11:17]:
        assert set(screenings[item]) == {"yes", "no"}
    assert set(screenings["concern_level"]) == {"no_concern", "possible", "clear_concern"}


def test_screening_concern_rates_differ_by_agency_type(
    manifest: EstateManifest, estate_dir: Path
) -> None:
    keys = [d.key for d in deliveries(manifest, "screenings", "tx_dfps")]
    screenings = pl.concat(pl.read_csv(estate_dir / key, infer_schema=False) for key in keys)
    rates = dict(
        screenings.group_by("agency_type")
        .agg((pl.col("concern_level") == "clear_concern").mean())
        .iter_rows()
    )
    assert 0.01 < rates["child_welfare"] < rates["rhy_shelter"] < 0.35
    # The tool's rule holds on every record: four or more items endorsed is a clear concern.
    endorsed = pl.sum_horizontal(pl.col(SCREENING_COLUMNS[11:17]) == "yes")
    clear = screenings.filter(endorsed >= 4)["concern_level"]
    assert set(clear) == {"clear_concern"}


def test_nhth_hotline_workbook(manifest: EstateManifest, estate_dir: Path) -> None:
    small_counts = 0
    for delivery in deliveries(manifest, "hotline", "nhth"):
        year = int(delivery.label)
        assert delivery.key == f"hotline/nhth__{year}/hotline_by_state.xlsx"
        workbook = openpyxl.load_workbook(estate_dir / delivery.key, read_only=True)
        assert workbook.sheetnames == ["by_state"]
        header, *rows = workbook["by_state"].iter_rows(values_only=True)
        assert list(header) == HOTLINE_COLUMNS
        assert len(rows) == delivery.rows
        for state, row_year, *measures in rows:
            assert state in STATE_BY_ABBR
            assert row_year == year
            assert all(isinstance(value, int) and value >= 0 for value in measures)
            signals, cases, victims, sex, labor = measures
            assert signals >= cases and victims >= cases >= sex + labor
            small_counts += sum(0 < value < 11 for value in measures)
    assert small_counts > 0, "small states should sometimes report counts under 11"


def test_usao_prosecutions_json(manifest: EstateManifest, estate_dir: Path) -> None:
    for delivery in deliveries(manifest, "prosecutions", "usao"):
        assert re.fullmatch(r"prosecutions/usao__\d{4}/cases\.json", delivery.key)
        document = json.loads((estate_dir / delivery.key).read_text(encoding="utf-8"))
        assert set(document) == {"exported_at", "cases"}
        assert len(document["cases"]) == delivery.rows
        for case in document["cases"]:
            assert list(case) == CASE_FIELDS
            assert re.fullmatch(r"\d:\d{2}-cr-\d{5}", case["case_number"])
            assert case["district"] in DISTRICTS
            assert case["state"] == DISTRICTS[case["district"]][0]
            assert is_iso_date(case["filing_date"])
            assert case["filing_date"][:4] == delivery.label
            assert case["disposition_date"] is None or is_iso_date(case["disposition_date"])
            assert re.fullmatch(r"18 USC \d{4}", case["statute"])
            assert case["trafficking_type"] in {"sex", "labor", "both"}
            assert isinstance(case["minor_victims"], bool)
            assert case["defendant_sex"] in {"M", "F"}
            months = case["sentence_months"]
            assert months is None or (isinstance(months, int) and months > 0)
            if case["disposition_date"] is None:
                assert months is None
