"""Bronze gate for youth screenings: one row per screening, from every contributor's layout.

What holds for every contributor: a screening id, unique within the contributor; the youth
named (first and last name, or one name field); a screening date and a date of birth that
are plausible (both declared `types: date`, so a date no calendar has was quarantined at
landing); a state, where one is sent, as a USPS code.
"""

from __future__ import annotations

from datetime import date

import great_expectations as gx
from great_expectations.expectations import Expectation

from expectations.bronze._common import STATE_CODES, identified_rule, where_sent
from orchestration.platform.sql_quoting import literal

COLUMNS = ("screening_id", "screened_on", "youth_dob", "youth_sex", "youth_race")
NAME_COLUMNS = ("youth_last_name", "youth_full_name")
EARLIEST_SCREENING = date(2000, 1, 1)
EARLIEST_BIRTH = date(1980, 1, 1)
LATEST_DATE = date(2030, 12, 31)


def gx_suite() -> list[Expectation]:
    expect = gx.expectations
    return [
        expect.ExpectTableColumnsToMatchSet(column_set=list(COLUMNS), exact_match=False),
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
        where_sent(
            "state",
            f"state NOT IN ({', '.join(literal(code) for code in STATE_CODES)})",
            "A state, where sent, is a USPS code of the seed us_states.",
        ),
    ]
