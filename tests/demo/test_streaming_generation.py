"""Large screening deliveries are streamed: memory stays flat as rows grow."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

# Runs the CLI in a fresh interpreter and reports that process's own peak resident set, so
# nothing else the test session allocated is counted.
MEASURE = """
import resource, sys
from infra.demo.generate import main
main(sys.argv[1:])
print("peak_kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_kib(out: Path, rows: int) -> int:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            "--out",
            str(out),
            "--only",
            "screenings",
            "--rows",
            str(rows),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return int(result.stdout.split("peak_kib")[-1])


def test_two_million_screenings_stream_in_bounded_memory(tmp_path: Path) -> None:
    baseline = peak_kib(tmp_path / "small", 1_000)
    peak = peak_kib(tmp_path / "large", 2_000_000)
    csvs = sorted((tmp_path / "large" / "screenings").glob("tx_dfps__*/screenings.csv"))
    written = sum(path.stat().st_size for path in csvs)
    lines = 0
    for path in csvs:
        with path.open("rb") as data:
            while block := data.read(1 << 24):
                lines += block.count(b"\n")
    # A quarter of a gigabyte is not worth keeping among pytest's retained temp folders.
    shutil.rmtree(tmp_path / "large")
    assert lines == 2_000_000 + len(csvs)
    assert written > 250_000_000
    # Holding the rows in memory would take well over the file size; streaming stays flat.
    growth = (peak - baseline) * 1024
    assert growth < 200_000_000, f"peak memory grew by {growth / 1e6:.0f} MB"
