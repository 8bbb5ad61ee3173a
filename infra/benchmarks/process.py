"""Run one benchmark step in a child process and measure it from outside.

Wall time is the child's whole life (interpreter start and imports included); the child
reports the seconds of the measured work itself. Peak memory is the larger of two readings:
the resident set of the child and all its descendants summed, sampled from /proc every
0.1 s (dbt runs as a grandchild under Dagster), and the child's own high-water mark
(VmHWM), which misses no short spike. The kernel's maxrss from wait4 is not used: it starts
from the parent's size at fork, so every small step would read as big as this runner.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
_SAMPLE_SECONDS = 0.1


@dataclass
class Measurement:
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    load_before: float
    load_after: float
    returncode: int
    report: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def load_average() -> float:
    """The one-minute load average: other jobs share this machine's cores."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            continue
    return found


def tree_rss_kib(root: int) -> int:
    """Resident memory of `root` and every descendant, in KiB."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident * _PAGE_KIB
        pending += _children(pid)
    return total


def run_step(
    step: str,
    arguments: dict[str, Any],
    env: dict[str, str],
    cwd: Path,
    log: Path,
    timeout: float = 3600,
) -> Measurement:
    """Run `python -m infra.benchmarks.steps <step>` with `arguments`; measure it."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        report_path = Path(handle.name)
    command = [
        sys.executable,
        "-m",
        "infra.benchmarks.steps",
        step,
        json.dumps(arguments),
        str(report_path),
    ]
    load_before = load_average()
    peak = [0]
    with log.open("ab") as output:
        output.write(f"\n=== {step} {json.dumps(arguments)}\n".encode())
        output.flush()
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss_kib(child.pid))
                done.wait(_SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        deadline = started + timeout
        status, usage = 0, None
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                _, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    try:
        report = json.loads(report_path.read_text() or "{}")
    except json.JSONDecodeError:
        report = {}
    report_path.unlink(missing_ok=True)
    error = "" if child.returncode == 0 else f"exit code {child.returncode}; see {log}"
    return Measurement(
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime if usage else 0.0,
        peak_rss_mib=max(peak[0], report.get("own_peak_rss_kib", 0)) / 1024,
        load_before=load_before,
        load_after=load_average(),
        returncode=child.returncode,
        report=report,
        error=report.get("error", error) if child.returncode else "",
    )
