"""Bronze gate for youth screenings (contributor tx_dfps): one row per screening."""

from __future__ import annotations

import great_expectations as gx
import pandera.polars as pa
import polars as pl
from great_expectations.expectations import Expectation
from pandera.api.polars.types import PolarsData

from expectations.bronze._common import (
    ISO_DATE_PATTERN,
    STATE_CODES,
    BronzeLineage,
    calendar_date_rule,
    is_calendar_date,
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
DATE_COLUMNS = ("screened_on", "youth_dob")


def gx_suite() -> list[Expectation]:
    expect = gx.expectations
    return [
        *lineage_expectations(COLUMNS),
        expect.ExpectColumnValuesToNotBeNull(column="screening_id"),
        expect.ExpectColumnValuesToBeUnique(column="screening_id"),
        expect.ExpectColumnValuesToBeInSet(column="agency_type", value_set=list(AGENCY_TYPES)),
        expect.ExpectColumnValuesToBeInSet(column="state", value_set=list(STATE_CODES)),
        expect.ExpectColumnValuesToMatchRegex(column="county_fips", regex=COUNTY_FIPS_PATTERN),
        *(
            expect.ExpectColumnValuesToMatchRegex(column=column, regex=ISO_DATE_PATTERN)
            for column in DATE_COLUMNS
        ),
        *(calendar_date_rule(column) for column in DATE_COLUMNS),
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
    screened_on: str = pa.Field(str_matches=ISO_DATE_PATTERN, nullable=True)
    youth_first_name: str = pa.Field(nullable=True)
    youth_last_name: str = pa.Field(nullable=True)
    youth_dob: str = pa.Field(str_matches=ISO_DATE_PATTERN, nullable=True)
    youth_sex: str = pa.Field(isin=YOUTH_SEXES, nullable=True)
    youth_race: str = pa.Field(nullable=True)
    item_01: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_02: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_03: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_04: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_05: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    item_06: str = pa.Field(isin=ITEM_ANSWERS, nullable=True)
    concern_level: str = pa.Field(isin=CONCERN_LEVELS, nullable=True)

    @pa.check(*DATE_COLUMNS)
    def calendar_date(cls, data: PolarsData) -> pl.LazyFrame:
        return is_calendar_date(data)
