"""Bronze gate for hotline statistics: one row per state and year, from workbooks and web pages.

Counts arrive as text, with thousands separators from the web pages (years included:
"2,018"); a blank count is allowed (not reported), anything else must be a whole number.
"""

from __future__ import annotations

import great_expectations as gx
import pandera.polars as pa
from great_expectations.expectations import Expectation

from expectations.bronze._common import BronzeLineage, lineage_expectations

COUNT_COLUMNS = ("signals", "cases", "potential_victims")
BREAKDOWN_COLUMNS = ("sex_trafficking_cases", "labor_trafficking_cases")
COLUMNS = ("state", "year", *COUNT_COLUMNS)
YEAR_PATTERN = r"^\d,?\d{3}$"
COUNT_PATTERN = r"^\d{1,3}(,?\d{3})*$"
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
            expect.ExpectColumnValuesToMatchRegex(column=column, regex=COUNT_PATTERN)
            for column in COUNT_COLUMNS
        ),
        expect.ExpectCompoundColumnsToBeUnique(column_list=list(REPORT_KEY)),
    ]


class PanderaModel(BronzeLineage):
    state: str
    year: str = pa.Field(str_matches=YEAR_PATTERN)
    signals: str = pa.Field(str_matches=COUNT_PATTERN, nullable=True)
    cases: str = pa.Field(str_matches=COUNT_PATTERN, nullable=True)
    potential_victims: str = pa.Field(str_matches=COUNT_PATTERN, nullable=True)
    # only the workbooks break cases down by kind of trafficking
    sex_trafficking_cases: str | None = pa.Field(str_matches=COUNT_PATTERN, nullable=True)
    labor_trafficking_cases: str | None = pa.Field(str_matches=COUNT_PATTERN, nullable=True)

    class Config:
        unique = REPORT_KEY
