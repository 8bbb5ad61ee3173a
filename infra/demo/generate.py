"""Generate the synthetic demo estate: raw deliveries of the hub's data sets.

    python -m infra.demo.generate --out DIR [--seed N] [--scale X] [--rows N] [--only SOURCE ...]

Writes `DIR/<source>/<contributor>__<label>/<file>` (the key under the `raw` bucket) and
`DIR/_manifest.json`. Names starting with `_` at the top of DIR are never sources.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from infra.demo.estate import Estate
from infra.demo.manifest import EstateManifest
from infra.demo.sources import (
    commercial_sex_ads,
    community_vulnerability,
    hotline,
    labor_exploitation,
    massage_businesses,
    police_offenses,
    prevention_programs,
    prosecutions,
    public_excerpts,
    screenings,
    service_cases,
    state_policies,
)

SOURCES: dict[str, Callable[[Estate], None]] = {
    "screenings": screenings.generate,
    "hotline": hotline.generate,
    "prosecutions": prosecutions.generate,
    "state_policies": state_policies.generate,
    "commercial_sex_ads": commercial_sex_ads.generate,
    "massage_businesses": massage_businesses.generate,
    "police_offenses": police_offenses.generate,
    "service_cases": service_cases.generate,
    "labor_exploitation": labor_exploitation.generate,
    "prevention_programs": prevention_programs.generate,
    "community_vulnerability": community_vulnerability.generate,
    **public_excerpts.SOURCES,
}
"""Every source id and its generator: the eleven synthetic data sets, then the excerpts of
real public files."""


def generate_estate(
    out_dir: Path,
    seed: int = 2026,
    scale: float = 1.0,
    *,
    only: Sequence[str] | None = None,
    screening_rows: int | None = None,
    ads_rows: int | None = None,
) -> EstateManifest:
    """Write the estate under `out_dir` and return its manifest.

    `scale` multiplies the row counts of record-level data sets (aggregate tables keep their
    geography-by-period grain). `screening_rows` sets the total rows of the tx_dfps
    screening CSVs and `ads_rows` those of the ads_monitor_ngo Arrow files (in deliveries of
    at most 10M rows), streamed in chunks so memory stays bounded at any size. `only` limits
    generation to some sources; each source's bytes do not depend on which others run.
    """
    unknown = sorted(set(only or ()) - set(SOURCES))
    if unknown:
        raise ValueError(f"unknown sources {unknown}; known sources: {', '.join(SOURCES)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    estate = Estate(out_dir, seed, scale, screening_rows=screening_rows, ads_rows=ads_rows)
    for source, generate in SOURCES.items():
        if only and source not in only:
            continue
        # A rerun replaces the source's deliveries instead of mixing old and new files.
        shutil.rmtree(out_dir / source, ignore_errors=True)
        generate(estate)
    return estate.finish()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.demo.generate",
        description="Generate synthetic raw deliveries for the trafficking data hub demo.",
    )
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies row counts")
    parser.add_argument(
        "--rows", type=int, default=None, help="total rows of the tx_dfps screening CSVs"
    )
    parser.add_argument(
        "--ads-rows", type=int, default=None, help="total rows of the ads_monitor_ngo Arrow files"
    )
    parser.add_argument("--only", nargs="+", choices=sorted(SOURCES), metavar="SOURCE")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate_estate(
        args.out,
        args.seed,
        args.scale,
        only=args.only,
        screening_rows=args.rows,
        ads_rows=args.ads_rows,
    )
    elapsed = time.perf_counter() - started
    total = sum(delivery.bytes for delivery in manifest.deliveries)
    for delivery in manifest.deliveries:
        flag = f"  [defect: {delivery.defect.kind}]" if delivery.defect else ""
        print(f"{delivery.key:<90} {delivery.rows:>9} rows {delivery.bytes:>11,} B{flag}")
    print(
        f"{len(manifest.deliveries)} deliveries, {len(manifest.sources)} sources, "
        f"{total:,} bytes in {elapsed:.1f} s -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
