"""Bronze gate for prosecutions: one row per defendant in a case, federal or state.

What holds for every contributor: a statute; an identifier (a case number, or a
de-identified defendant number); a filing date and, once disposed of, a disposition date
that are plausible and in order (both declared `types: date`, so a date no calendar has was
quarantined at landing); a sentence, where one is sent in months, of a possible length.
Every contributor lands disposition_date, empty while its cases are pending (a layout that
can omit it declares it under `columns:`).
"""

from __future__ import annotations

from datetime import date

import great_expectations as gx
from great_expectations.expectations import Expectation

from expectations.bronze._common import identified_rule, where_sent
from expectations.gx_row_rules import ExpectNoViolatingRows

COLUMNS = ("filing_date", "disposition_date", "statute")
IDENTIFIERS = ("case_number", "defendant_id")
EARLIEST_FILING = date(1990, 1, 1)
LATEST_DATE = date(2030, 12, 31)
LONGEST_SENTENCE_MONTHS = 1200
# Rows are named by where they landed, not by case number, which identifies a person.
DISPOSITION_BEFORE_FILING_SQL = """
SELECT _raw_key, _row_number, filing_date, disposition_date
FROM {batch}
WHERE disposition_date < filing_date
"""


def gx_suite() -> list[Expectation]:
    expect = gx.expectations
    return [
        expect.ExpectTableColumnsToMatchSet(column_set=list(COLUMNS), exact_match=False),
        expect.ExpectColumnValuesToNotBeNull(column="statute"),
        identified_rule(
            f"^({'|'.join(IDENTIFIERS)})$", "Every defendant carries a case or defendant number."
        ),
        expect.ExpectColumnValuesToNotBeNull(column="filing_date"),
        expect.ExpectColumnValuesToBeBetween(
            column="filing_date", min_value=EARLIEST_FILING, max_value=LATEST_DATE
        ),
        expect.ExpectColumnValuesToBeBetween(
            column="disposition_date", min_value=EARLIEST_FILING, max_value=LATEST_DATE
        ),
        ExpectNoViolatingRows(
            unexpected_rows_query=DISPOSITION_BEFORE_FILING_SQL,
            description="A case is not disposed of before it is filed.",
        ),
        where_sent(
            "sentence_months",
            f"sentence_months NOT BETWEEN 0 AND {LONGEST_SENTENCE_MONTHS}",
            f"A sentence in months, where sent, is 0 to {LONGEST_SENTENCE_MONTHS} months.",
        ),
    ]
