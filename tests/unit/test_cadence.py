from datetime import UTC, datetime, timedelta

from orchestration.landing.cadence import days_overdue

LANDED = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_data_set_is_on_cadence_until_its_cadence_has_passed():
    assert days_overdue(LANDED.isoformat(), 30, LANDED + timedelta(days=30)) == 0


def test_a_quiet_data_set_is_reported_stale_by_the_days_it_is_overdue():
    assert days_overdue(LANDED.isoformat(), 30, LANDED + timedelta(days=45)) == 15


def test_a_data_set_with_nothing_landed_has_no_lateness():
    assert days_overdue(None, 30, LANDED) is None
