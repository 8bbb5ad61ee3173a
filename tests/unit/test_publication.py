"""The published gold as a DuckLake catalog: one snapshot per publication, readers and the
publisher never waiting for each other, nothing small ever committed. The data path is a local
folder here; tests/trust/test_published_gold.py runs the same on the object store."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration.platform.settings import REPO_ROOT, ObjectStore
from orchestration.publishing.publication import (
    PublicationError,
    PublishedGold,
    publish,
    reading,
    snapshots,
)

THRESHOLD = 11
STORE = ObjectStore("http://127.0.0.1:9", "unused", "unused")  # never reached: local data


def cells(*counts: int | None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "state": [f"S{i}" for i in range(len(counts))],
            "screenings": list(counts),
            "screenings_suppressed": [c is None for c in counts],
        }
    )


@pytest.fixture
def published(tmp_path) -> PublishedGold:
    return PublishedGold(tmp_path / "catalog" / "gold.sqlite", f"{tmp_path / 'data'}/")


def test_each_publication_is_a_snapshot_and_the_earlier_ones_stay_queryable(published):
    first = publish(published, STORE, {"by_state": cells(20, None), "scores": cells(40)}, THRESHOLD)
    second = publish(published, STORE, {"by_state": cells(30, 12)}, THRESHOLD)

    assert second.snapshot > first.snapshot
    assert first.rows == {"by_state": 2, "scores": 1} and second.data_bytes > 0
    with reading(published, STORE) as connection:
        assert connection.sql("show tables").fetchall() == [("by_state",)]  # scores dropped
        assert connection.sql("select screenings from gold.by_state").fetchall() == [(30,), (12,)]
        assert [s[0] for s in snapshots(connection)] == [first.snapshot, second.snapshot]
    with reading(published, STORE, snapshot=first.snapshot) as connection:
        assert connection.sql("select screenings from by_state").fetchall() == [(20,), (None,)]
        assert connection.sql("select count(*) from scores").fetchone() == (1,)


def test_a_small_count_rolls_the_whole_publication_back(published):
    kept = publish(published, STORE, {"by_state": cells(20, None)}, THRESHOLD)

    with pytest.raises(PublicationError, match=r"'other'.*'screenings': 1.*previous publication"):
        publish(published, STORE, {"by_state": cells(25), "other": cells(3, 40)}, THRESHOLD)

    with reading(published, STORE) as connection:
        assert connection.sql("show tables").fetchall() == [("by_state",)]
        assert connection.sql("select screenings from by_state").fetchall() == [(20,), (None,)]
        assert [s[0] for s in snapshots(connection)] == [kept.snapshot]


def test_a_reader_keeps_its_snapshot_while_another_process_publishes(published):
    publish(published, STORE, {"by_state": cells(20, 30)}, THRESHOLD)
    with reading(published, STORE) as connection:
        connection.execute("begin transaction")
        before = connection.sql("select sum(screenings) from by_state").fetchone()
        # Another process publishes while this reader's transaction is open: it must commit
        # without waiting for the reader (a publisher blocked by it would hit the timeout).
        publisher = textwrap.dedent(
            f"""
            import polars as pl
            from pathlib import Path
            from orchestration.publishing.publication import PublishedGold, publish
            from orchestration.platform.settings import ObjectStore
            target = PublishedGold(Path({str(published.catalog)!r}), {published.data_path!r})
            frame = pl.DataFrame({{"state": ["S0"], "screenings": [99],
                                   "screenings_suppressed": [False]}})
            print(publish(target, ObjectStore("http://127.0.0.1:9", "u", "u"),
                          {{"by_state": frame}}, 11).snapshot)
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", publisher],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert connection.sql("select sum(screenings) from by_state").fetchone() == before
        connection.execute("commit")
    with reading(published, STORE) as connection:
        assert connection.sql("select sum(screenings) from by_state").fetchone() == (99,)


def test_hostile_table_and_column_names_are_published_as_names(published):
    hostile_table = 'x"; drop table by_state; --'
    hostile = pl.DataFrame({'it\'s "odd"': ["'; select 1; --"], "n": [12], "n_suppressed": [False]})
    publish(published, STORE, {"by_state": cells(20), hostile_table: hostile}, THRESHOLD)

    with reading(published, STORE) as connection:
        assert sorted(connection.sql("show tables").fetchall()) == [
            ("by_state",),
            (hostile_table,),
        ]
        quoted = '"' + hostile_table.replace('"', '""') + '"'
        assert connection.sql(f"from {quoted}").fetchall() == [("'; select 1; --", 12, False)]


def test_a_reading_connection_reaches_no_local_file(published, tmp_path):
    publish(published, STORE, {"by_state": cells(20)}, THRESHOLD)
    secret = tmp_path / "warehouse.csv"
    secret.write_text("person,state\nA,TX\n")
    with reading(published, STORE) as connection:
        with pytest.raises(duckdb.PermissionException):
            connection.sql(f"from read_csv('{secret}')").fetchall()
        with pytest.raises(duckdb.Error):
            connection.execute(f"attach '{tmp_path / 'other.duckdb'}' as other")


def test_reading_before_anything_is_published_says_what_to_run(tmp_path):
    nothing = PublishedGold(tmp_path / "none" / "gold.sqlite", f"{tmp_path}/data/")
    with pytest.raises(PublicationError, match="make demo"), reading(nothing, STORE):
        pass
    assert not Path(nothing.catalog).exists()
