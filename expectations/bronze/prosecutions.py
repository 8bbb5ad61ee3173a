"""Bronze gate for federal prosecutions (contributor usao, from JSON): one row per defendant."""

from __future__ import annotations

import great_expectations as gx
import pandera.polars as pa
import polars as pl
from great_expectations.expectations import Expectation
from pandera.api.polars.types import PolarsData

from expectations.bronze._common import (
    ISO_DATE_PATTERN,
    BronzeLineage,
    calendar_date_rule,
    is_calendar_date,
    lineage_expectations,
)
from expectations.gx_row_rules import ExpectNoViolatingRows

COLUMNS = (
    "case_number",
    "district",
    "state",
    "filing_date",
    "disposition_date",
    "statute",
    "trafficking_type",
    "minor_victims",
    "defendant_name",
    "defendant_sex",
    "sentence_months",
)
TRAFFICKING_TYPES = ("sex", "labor", "both")
# JSON booleans reach bronze as strings, capitalised or not depending on the writer.
MINOR_VICTIMS_VALUES = ("True", "False", "true", "false")
SENTENCE_MONTHS_PATTERN = r"^\d+(\.\d+)?$"
DATE_COLUMNS = ("filing_date", "disposition_date")
# Rows are named by where they landed, not by case number, which identifies a person.
DISPOSITION_BEFORE_FILING_SQL = """
SELECT _raw_key, _row_number, filing_date, disposition_date
FROM {batch}
WHERE TRY_CAST(disposition_date AS DATE) < TRY_CAST(filing_date AS DATE)
"""


def gx_suite() -> list[Expectation]:
    expect = gx.expectations
    return [
        *lineage_expectations(COLUMNS),
        expect.ExpectColumnValuesToNotBeNull(column="case_number"),
        expect.ExpectColumnValuesToBeInSet(
            column="trafficking_type", value_set=list(TRAFFICKING_TYPES)
        ),
        expect.ExpectColumnValuesToBeInSet(
            column="minor_victims", value_set=list(MINOR_VICTIMS_VALUES)
        ),
        *(
            expect.ExpectColumnValuesToMatchRegex(column=column, regex=ISO_DATE_PATTERN)
            for column in DATE_COLUMNS
        ),
        *(calendar_date_rule(column) for column in DATE_COLUMNS),
        expect.ExpectColumnValuesToMatchRegex(
            column="sentence_months", regex=SENTENCE_MONTHS_PATTERN
        ),
        ExpectNoViolatingRows(
            unexpected_rows_query=DISPOSITION_BEFORE_FILING_SQL,
            description="A case is not disposed of before it is filed.",
        ),
    ]


class PanderaModel(BronzeLineage):
    case_number: str
    district: str = pa.Field(nullable=True)
    state: str = pa.Field(nullable=True)
    filing_date: str = pa.Field(str_matches=ISO_DATE_PATTERN, nullable=True)
    disposition_date: str = pa.Field(str_matches=ISO_DATE_PATTERN, nullable=True)
    statute: str = pa.Field(nullable=True)
    trafficking_type: str = pa.Field(isin=TRAFFICKING_TYPES, nullable=True)
    minor_victims: str = pa.Field(isin=MINOR_VICTIMS_VALUES, nullable=True)
    defendant_name: str = pa.Field(nullable=True)
    defendant_sex: str = pa.Field(nullable=True)
    sentence_months: str = pa.Field(str_matches=SENTENCE_MONTHS_PATTERN, nullable=True)

    @pa.check(*DATE_COLUMNS)
    def calendar_date(cls, data: PolarsData) -> pl.LazyFrame:
        return is_calendar_date(data)

    @pa.dataframe_check
    def disposition_not_before_filing(cls, data: PolarsData) -> pl.LazyFrame:
        filed = pl.col("filing_date").str.to_date("%Y-%m-%d", strict=False)
        disposed = pl.col("disposition_date").str.to_date("%Y-%m-%d", strict=False)
        # A missing or unreadable date is another check's business, not this one's.
        return data.lazyframe.select((disposed >= filed).fill_null(True))
