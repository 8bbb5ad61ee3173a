"""Is a data set on cadence: has a new delivery arrived within its declared cadence?"""

from datetime import datetime, timedelta


def days_overdue(newest_landed_at: str | None, cadence_days: int, now: datetime) -> float | None:
    """Days past the cadence since the newest delivery first landed; 0 when on time.

    None when nothing has landed yet: there is no delivery to be late from.
    """
    if not newest_landed_at:
        return None
    age = now - datetime.fromisoformat(newest_landed_at)
    return max(0.0, (age - timedelta(days=cadence_days)) / timedelta(days=1))
