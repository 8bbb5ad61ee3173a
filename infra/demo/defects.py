"""Damage done to written files, to reproduce what broken real deliveries look like."""

from __future__ import annotations

from pathlib import Path


def unquote_line(path: Path, line: int) -> None:
    """Drop the quotes on one line of a delimited file, so an embedded delimiter splits a field."""
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = lines[line - 1].replace(b'"', b"")
    path.write_bytes(b"\n".join(lines))


def truncate_in_line(path: Path, line: int) -> None:
    """Cut the file in the middle of `line`, as an interrupted upload leaves it."""
    data = path.read_bytes()
    start = 0
    for _ in range(line - 1):
        start = data.index(b"\n", start) + 1
    end = data.index(b"\n", start)
    path.write_bytes(data[: start + (end - start) // 2])
