"""The Dagster instance the hub's commands write into $DAGSTER_HOME/dagster.yaml.

It is infra/dagster.yaml, plus run, event and schedule storage on PostgreSQL when
HUB_DAGSTER_POSTGRES_URL is set (SQLite under $DAGSTER_HOME otherwise). The URL stays in the
environment: the file names the variable, never the password. A dagster.yaml the hub did not
write (no marker line) is the operator's own and is kept as it is.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from orchestration.platform.settings import REPO_ROOT, SettingsError

POSTGRES_URL_VARIABLE = "HUB_DAGSTER_POSTGRES_URL"
TEMPLATE = REPO_ROOT / "infra" / "dagster.yaml"
MARKER = (
    "# Written by the hub's commands from infra/dagster.yaml and HUB_DAGSTER_POSTGRES_URL; "
    "delete this line to keep your own settings."
)
# dagster-postgres's storage and event watcher speak psycopg2; SQLAlchemy 2.1 sends a bare
# postgresql:// URL to psycopg 3, which the event watcher cannot use.
DRIVER_SCHEME = "postgresql+psycopg2"
_SCHEMES = ("postgres", "postgresql", DRIVER_SCHEME)
POSTGRES_STORAGE = f"""
# Runs, events and schedules in PostgreSQL ({POSTGRES_URL_VARIABLE}), so that runs in
# several processes or machines share one instance.
storage:
  postgres:
    postgres_url:
      env: {POSTGRES_URL_VARIABLE}
"""


def postgres_url() -> str | None:
    """HUB_DAGSTER_POSTGRES_URL with the psycopg2 driver named, or None when unset."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise SettingsError(
            f"{POSTGRES_URL_VARIABLE} must be a postgresql:// URL "
            f"(postgresql://user:password@host:5432/dagster), not a {parts.scheme or 'bare'} one"
        )
    return urlunsplit(parts._replace(scheme=DRIVER_SCHEME))


def configuration() -> str:
    """The instance file's text for the current environment."""
    text = f"{MARKER}\n{TEMPLATE.read_text()}"
    if postgres_url() is not None:
        text += POSTGRES_STORAGE
    return text


def write(dagster_home: Path) -> str:
    """Write the instance file unless it is the operator's own; say which it was."""
    path = dagster_home / "dagster.yaml"
    if path.exists() and not path.read_text().startswith(MARKER):
        return f"kept your own Dagster instance settings in {path} (no hub marker line)"
    dagster_home.mkdir(parents=True, exist_ok=True)
    path.write_text(configuration())
    storage = "PostgreSQL" if postgres_url() is not None else f"SQLite in {dagster_home}"
    return f"Dagster instance: runs, events and schedules in {storage}"
