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
import pandera.polars as pa
import polars as pl
from great_expectations.expectations import Expectation
from pandera.api.polars.types import PolarsData

from expectations.bronze._common import (
    BronzeLineage,
    identified_rule,
    is_identified,
    lineage_expectations,
)
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
        *lineage_expectations(COLUMNS),
        expect.ExpectColumnValuesToNotBeNull(column="statute"),
        identified_rule(
            f"^({'|'.join(IDENTIFIERS)})$", "Every defendant carries a case or defendant number."
        ),
        expect.ExpectColumnValuesToNotBeNull(column="filing_date"),
        expect.ExpectColumnValuesToBeBetween(
            column="filing_date", min_value=EARLIEST_FILING, max_value=LATEST_DATE
        ),
        ExpectNoViolatingRows(
            unexpected_rows_query=DISPOSITION_BEFORE_FILING_SQL,
            description="A case is not disposed of before it is filed.",
        ),
    ]


class PanderaModel(BronzeLineage):
    statute: str
    filing_date: date = pa.Field(ge=EARLIEST_FILING, le=LATEST_DATE)
    disposition_date: date = pa.Field(ge=EARLIEST_FILING, le=LATEST_DATE, nullable=True)
    sentence_months: pl.Int64 | None = pa.Field(ge=0, le=LONGEST_SENTENCE_MONTHS, nullable=True)

    @pa.dataframe_check
    def identified(cls, data: PolarsData) -> pl.LazyFrame:
        return is_identified(data, IDENTIFIERS)

    @pa.dataframe_check
    def disposition_not_before_filing(cls, data: PolarsData) -> pl.LazyFrame:
        # A missing date is another check's business, not this one's.
        return data.lazyframe.select(
            (pl.col("disposition_date") >= pl.col("filing_date")).fill_null(True)
        )
