"""Rules every bronze source shares: code lists and row rules across contributor layouts.

A data set's contributors land under one set of column names, but each keeps its own codes
and types (a sex code is "F" from one and 2 from a statistical file), and a column one
contributor sends may be absent from another's delivery. So a gate checks a column's values
only where they mean the same for every contributor: dates and counts declared with `types:`,
identifiers. Codes are checked after mapping, by the dbt tests on staging and silver.

The lineage columns and the declared types are the pandera check's, derived in
`expectations.pandera_gate`; a suite here does not restate them.
"""

from __future__ import annotations

import csv

from expectations.gx_row_rules import ExpectNoViolatingRows
from orchestration.platform.settings import REPO_ROOT


def _state_codes() -> tuple[str, ...]:
    """The USPS codes of the seed us_states.csv (50 states, DC and Puerto Rico)."""
    with (REPO_ROOT / "taxonomy_seeds" / "us_states.csv").open(newline="") as seed:
        return tuple(row["state_abbr"] for row in csv.DictReader(seed))


STATE_CODES = _state_codes()


def identified_rule(identifier_pattern: str, what: str) -> ExpectNoViolatingRows:
    """No row without an identifier, whichever of the identifier columns a contributor sends.

    `identifier_pattern` is a regular expression naming the identifier columns; DuckDB's
    COLUMNS() joins `IS NULL` over the ones present with AND.
    """
    return ExpectNoViolatingRows(
        unexpected_rows_query=(
            "SELECT _raw_key, _row_number FROM {batch} "
            f"WHERE COLUMNS('{identifier_pattern}') IS NULL"
        ),
        description=what,
    )


def where_sent(column: str, breaks_rule: str, what: str) -> ExpectNoViolatingRows:
    """No row whose `column` breaks a rule, in a delivery that sends the column at all.

    `breaks_rule` is SQL over `column`, true for a value that breaks the rule and null for a
    missing value. A delivery without the column has none in its relation; the rule reads
    it there as an all-null column (an empty UNION BY NAME adds it), where nothing breaks.
    """
    # GX fills `{batch}` with str.format, so the rule's own braces (regex counts) are doubled.
    condition = breaks_rule.replace("{", "{{").replace("}", "}}")
    return ExpectNoViolatingRows(
        unexpected_rows_query=(
            f"SELECT _raw_key, _row_number, {column} "
            f"FROM (FROM {{batch}} UNION ALL BY NAME (SELECT NULL AS {column} LIMIT 0)) "
            f"WHERE {condition}"
        ),
        description=what,
    )
