"""Bronze gate for hotline statistics: one row per state and year, from workbooks and web pages.

Counts arrive as text, with thousands separators from the web pages (years included:
"2,018"); a blank count is allowed (not reported), anything else must be a whole number.
Only the workbooks break cases down by kind of trafficking.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations import Expectation

from expectations.bronze._common import where_sent
from orchestration.platform.sql_quoting import literal

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
        expect.ExpectTableColumnsToMatchSet(column_set=list(COLUMNS), exact_match=False),
        expect.ExpectColumnValuesToNotBeNull(column="state"),
        expect.ExpectColumnValuesToNotBeNull(column="year"),
        expect.ExpectColumnValuesToMatchRegex(column="year", regex=YEAR_PATTERN),
        *(
            expect.ExpectColumnValuesToMatchRegex(column=column, regex=COUNT_PATTERN)
            for column in COUNT_COLUMNS
        ),
        *(
            where_sent(
                column,
                f"NOT regexp_matches({column}, {literal(COUNT_PATTERN)})",
                f"{column}, where sent, is a whole number.",
            )
            for column in BREAKDOWN_COLUMNS
        ),
        expect.ExpectCompoundColumnsToBeUnique(column_list=list(REPORT_KEY)),
    ]
