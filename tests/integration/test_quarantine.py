"""A steward finds the rows rejected at landing, with their line, reason and original text."""

import pytest

from orchestration.landing.landing import land_source
from orchestration.landing.quarantine import quarantine_summary, quarantined_rows
from orchestration.platform.declarations import ContributorFeed, SourceSpec
from orchestration.platform.resources import open_duckdb

pytestmark = pytest.mark.integration

SPEC = SourceSpec(
    name="screenings",
    title="Youth screenings",
    cadence_days=30,
    contributors={"tx_dfps": ContributorFeed("tx_dfps", "csv", "*.csv", {})},
    declared_in=None,
)


def test_quarantined_rows_are_queryable_in_the_lake(hub_env):
    key = "screenings/tx_dfps__2024-07/screenings.csv"
    hub_env.fs.pipe(
        f"{hub_env.raw_bucket}/{key}",
        b"screening_id,concern_level\nS1,possible\nS2,no_concern,extra field\nS3,possible\n",
    )
    connection = open_duckdb(":memory:")
    assert quarantine_summary(connection, hub_env.store, hub_env.lake_bucket) == []

    land_source(SPEC, hub_env.fs, hub_env.raw_bucket, hub_env.lake_bucket)

    raw_key = f"{hub_env.raw_bucket}/{key}"
    assert quarantine_summary(connection, hub_env.store, hub_env.lake_bucket) == [
        ("screenings", raw_key, 1)
    ]
    ((found_key, line, reason, original),) = quarantined_rows(
        connection, hub_env.store, hub_env.lake_bucket, "screenings"
    )
    assert (found_key, original) == (raw_key, "S2,no_concern,extra field")
    assert line == 3
    assert "fields" in reason
