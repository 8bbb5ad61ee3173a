"""Bronze gate for youth screenings: one row per screening, from every contributor's layout.

What holds for every contributor: a screening id, unique within the contributor; the youth
named (first and last name, or one name field); a screening date and a date of birth that
are plausible (both declared `types: date`, so a date no calendar has was quarantined at
landing); a state, where one is sent, as a USPS code.
"""

from __future__ import annotations

from datetime import date

import great_expectations as gx
import pandera.polars as pa
import polars as pl
from great_expectations.expectations import Expectation
from pandera.api.polars.types import PolarsData

from expectations.bronze._common import (
    STATE_CODES,
    BronzeLineage,
    identified_rule,
    is_identified,
    lineage_expectations,
)

COLUMNS = ("screening_id", "screened_on", "youth_dob", "youth_sex", "youth_race")
NAME_COLUMNS = ("youth_last_name", "youth_full_name")
EARLIEST_SCREENING = date(2000, 1, 1)
EARLIEST_BIRTH = date(1980, 1, 1)
LATEST_DATE = date(2030, 12, 31)


def gx_suite() -> list[Expectation]:
    expect = gx.expectations
    return [
        *lineage_expectations(COLUMNS),
        expect.ExpectColumnValuesToNotBeNull(column="screening_id"),
        expect.ExpectCompoundColumnsToBeUnique(column_list=["_contributor", "screening_id"]),
        identified_rule(f"^({'|'.join(NAME_COLUMNS)})$", "Every screening names its youth."),
        expect.ExpectColumnValuesToNotBeNull(column="screened_on"),
        expect.ExpectColumnValuesToBeBetween(
            column="screened_on", min_value=EARLIEST_SCREENING, max_value=LATEST_DATE
        ),
        expect.ExpectColumnValuesToBeBetween(
            column="youth_dob", min_value=EARLIEST_BIRTH, max_value=LATEST_DATE
        ),
    ]


class PanderaModel(BronzeLineage):
    screened_on: date = pa.Field(ge=EARLIEST_SCREENING, le=LATEST_DATE)
    youth_dob: date = pa.Field(ge=EARLIEST_BIRTH, le=LATEST_DATE, nullable=True)
    state: str | None = pa.Field(isin=STATE_CODES, nullable=True)

    @pa.dataframe_check
    def youth_named(cls, data: PolarsData) -> pl.LazyFrame:
        return is_identified(data, NAME_COLUMNS)
