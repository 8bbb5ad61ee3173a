"""`make demo`: the hub's main job on the embedded defaults.

    python -m infra.demo [--scale S] [--seed N] [--seed-only]

Starts the embedded object store, generates the synthetic deliveries and sends those the raw
bucket does not hold yet (each with its contributor's keys), then prepares the hub, runs the
full_refresh job with its progress, and prints the summary: the steps of `hub objectstore
start`, `hub prepare`, `hub materialize` and `hub summary`, through the hub's own functions.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from orchestration import cli


def demo(scale: float, seed: int, seed_only: bool) -> int:
    from infra.demo.seeding import seed_raw_bucket

    cli.objectstore("start")
    seeding = seed_raw_bucket(scale, seed)
    for line in seeding.lines(os.environ["HUB_RAW_BUCKET"]):
        cli.console.print(line, style="red" if line.startswith("not uploaded") else None)
    if seed_only:
        return 1 if seeding.refused else 0
    cli.prepare()
    code = cli.materialize()
    if code == 0:
        cli.summary()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.demo",
        description="Run the hub's demo: start the object store, upload the synthetic "
        "deliveries the raw bucket lacks, prepare, materialize full_refresh, print the summary.",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiplies the row counts of record-level data sets (default 1.0)",
    )
    parser.add_argument(
        "--seed", type=int, default=2026, help="the generator's seed (default 2026)"
    )
    parser.add_argument(
        "--seed-only",
        action="store_true",
        dest="seed_only",
        help="generate and upload the deliveries only; prepare and run nothing",
    )
    args = parser.parse_args(argv)
    return cli.run_handled(lambda: demo(args.scale, args.seed, args.seed_only))


if __name__ == "__main__":
    sys.exit(main())
