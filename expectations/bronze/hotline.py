"""Bronze gate for hotline statistics (contributor nhth, from XLSX): one row per state and year.

Counts arrive as strings of digits; a blank count is allowed (not reported), anything else
that is not a non-negative integer is not.
"""

from __future__ import annotations

import great_expectations as gx
import pandera.polars as pa
from great_expectations.expectations import Expectation

from expectations.bronze._common import (
    NON_NEGATIVE_INTEGER_PATTERN,
    BronzeLineage,
    lineage_expectations,
)

COUNT_COLUMNS = (
    "signals",
    "cases",
    "potential_victims",
    "sex_trafficking_cases",
    "labor_trafficking_cases",
)
COLUMNS = ("state", "year", *COUNT_COLUMNS)
YEAR_PATTERN = r"^\d{4}$"
# A delivery is one report: it must not state two figures for the same state and year.
REPORT_KEY = ("_delivery", "state", "year")


def gx_suite() -> list[Expectation]:
    expect = gx.expectations
    return [
        *lineage_expectations(COLUMNS),
        expect.ExpectColumnValuesToNotBeNull(column="state"),
        expect.ExpectColumnValuesToNotBeNull(column="year"),
        expect.ExpectColumnValuesToMatchRegex(column="year", regex=YEAR_PATTERN),
        *(
            expect.ExpectColumnValuesToMatchRegex(column=column, regex=NON_NEGATIVE_INTEGER_PATTERN)
            for column in COUNT_COLUMNS
        ),
        expect.ExpectCompoundColumnsToBeUnique(column_list=list(REPORT_KEY)),
    ]


class PanderaModel(BronzeLineage):
    state: str
    year: str = pa.Field(str_matches=YEAR_PATTERN)
    signals: str = pa.Field(str_matches=NON_NEGATIVE_INTEGER_PATTERN, nullable=True)
    cases: str = pa.Field(str_matches=NON_NEGATIVE_INTEGER_PATTERN, nullable=True)
    potential_victims: str = pa.Field(str_matches=NON_NEGATIVE_INTEGER_PATTERN, nullable=True)
    sex_trafficking_cases: str = pa.Field(str_matches=NON_NEGATIVE_INTEGER_PATTERN, nullable=True)
    labor_trafficking_cases: str = pa.Field(str_matches=NON_NEGATIVE_INTEGER_PATTERN, nullable=True)

    class Config:
        unique = REPORT_KEY
