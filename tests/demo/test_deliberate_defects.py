"""Deliberately broken deliveries are broken in the way the manifest says."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from infra.demo.manifest import EstateManifest


def defective(manifest: EstateManifest, kind: str):
    found = [d for d in manifest.deliveries if d.defect and d.defect.kind == kind]
    assert len(found) == 1, f"expected one {kind} delivery, found {len(found)}"
    return found[0]


def records(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_truncated_csv_ends_inside_a_record(manifest: EstateManifest, estate_dir: Path) -> None:
    delivery = defective(manifest, "truncated")
    data = (estate_dir / delivery.key).read_bytes()
    assert not data.endswith(b"\n")
    header, *rows = records(estate_dir / delivery.key)
    complete = [row for row in rows if len(row) == len(header)]
    assert len(complete) == delivery.rows
    assert len(rows[-1]) < len(header)
    assert delivery.defect.lines == (len(rows) + 1,)


def test_bad_dates_are_only_on_the_listed_lines(manifest: EstateManifest, estate_dir: Path) -> None:
    delivery = defective(manifest, "bad_dates")
    header, *rows = records(estate_dir / delivery.key)
    column = header.index("screened_on")
    unparseable = set()
    for line, row in enumerate(rows, start=2):
        try:
            dt.datetime.strptime(row[column], "%Y-%m-%d")
        except ValueError:
            unparseable.add(line)
    assert unparseable == set(delivery.defect.lines)
    assert len(unparseable) >= 3


def test_ragged_row_has_one_field_too_many(manifest: EstateManifest, estate_dir: Path) -> None:
    delivery = defective(manifest, "ragged_row")
    header, *rows = records(estate_dir / delivery.key)
    widths = {line: len(row) for line, row in enumerate(rows, start=2)}
    ragged = {line for line, width in widths.items() if width != len(header)}
    assert ragged == set(delivery.defect.lines)
    assert all(widths[line] == len(header) + 1 for line in ragged)
    assert len(rows) == delivery.rows


def test_clean_deliveries_are_not_flagged(manifest: EstateManifest) -> None:
    flagged = [d for d in manifest.deliveries if d.defect]
    assert {d.defect.kind for d in flagged} == {"truncated", "bad_dates", "ragged_row"}
    assert len(flagged) == 3
