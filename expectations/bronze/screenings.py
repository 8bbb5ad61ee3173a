"""Bronze gate for youth screenings (contributor tx_dfps): one row per screening."""

from __future__ import annotations

from datetime import date

import great_expectations as gx
import pandera.polars as pa
from great_expectations.expectations import Expectation

from expectations.bronze._common import (
    STATE_CODES,
    BronzeLineage,
    lineage_expectations,
)

ITEM_COLUMNS = tuple(f"item_{number:02d}" for number in range(1, 7))
COLUMNS = (
    "screening_id",
    "agency_id",
    "agency_type",
    "state",
    "county_fips",
    "screened_on",
    "youth_first_name",
    "youth_last_name",
    "youth_dob",
    "youth_sex",
    "youth_race",
    *ITEM_COLUMNS,
    "concern_level",
)
AGENCY_TYPES = ("child_welfare", "juvenile_justice", "rhy_shelter")
YOUTH_SEXES = ("F", "M", "X")
ITEM_ANSWERS = ("yes", "no")
CONCERN_LEVELS = ("no_concern", "possible", "clear_concern")
COUNTY_FIPS_PATTERN = r"^\d{5}$"
EARLIEST_SCREENING = date(2000, 1, 1)
EARLIEST_BIRTH = date(1980, 1, 1)
LATEST_DATE = date(2030, 12, 31)


def gx_suite() -> list[Expectation]:
    expect = gx.expectations
    return [
        *lineage_expectations(COLUMNS),
        expect.ExpectColumnValuesToNotBeNull(column="screening_id"),
        expect.ExpectColumnValuesToBeUnique(column="screening_id"),
        expect.ExpectColumnValuesToBeInSet(column="agency_type", value_set=list(AGENCY_TYPES)),
        expect.ExpectColumnValuesToBeInSet(column="state", value_set=list(STATE_CODES)),
        expect.ExpectColumnValuesToMatchRegex(column="county_fips", regex=COUNTY_FIPS_PATTERN),
        # Dates are declared `types: date`, so a date no calendar has was quarantined at
        # landing; what is left must be a plausible screening and birth date.
        expect.ExpectColumnValuesToNotBeNull(column="screened_on"),
        expect.ExpectColumnValuesToBeBetween(
            column="screened_on", min_value=EARLIEST_SCREENING, max_value=LATEST_DATE
        ),
        expect.ExpectColumnValuesToBeBetween(
            column="youth_dob", min_value=EARLIEST_BIRTH, max_value=LATEST_DATE
        ),
        expect.ExpectColumnValuesToBeInSet(column="youth_sex", value_set=list(YOUTH_SEXES)),
        *(
            expect.ExpectColumnValuesToBeInSet(column=column, value_set=list(ITEM_ANSWERS))
            for column in ITEM_COLUMNS
        ),
        expect.ExpectColumnValuesToBeInSet(column="concern_level", value_set=list(CONCERN_LEVELS)),
    ]


class PanderaModel(BronzeLineage):
    screening_id: str = pa.Field(unique=True)
    agency_id: str = pa.Field(nullable=True)
    agency_type: str = pa.Field(isin=AGENCY_TYPES, nullable=True)
    state: str = pa.Field(isin=STATE_CODES, nullable=True)
    county_fips: str = pa.Field(str_matches=COUNTY_FIPS_PATTERN, nullable=True)
    screened_on: date = pa.Field(ge=EARLIEST_SCREENING, le=LATEST_DATE)
    youth_first_name: str = pa.Field(nullable=True)
    youth_last_name: str = pa.Field(nullable=True)
    youth_dob: date = pa.Field(ge=EARLIEST_BIRTH, le=LATEST_DATE, nullable=True)
    youth_sex: str = pa.Field(isin=YOUTH_SEXES, nullable=True)
    youth_race: str = pa.Field(nullable=True)
    item_01: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_02: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_03: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_04: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_05: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_06: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    concern_level: str = pa.Field(isin=CONCERN_LEVELS, nullable=True)
