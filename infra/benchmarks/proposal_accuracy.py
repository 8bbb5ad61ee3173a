"""How often `hub propose` maps a column to the right silver field, on the demo's own data.

For one delivery of each contributor labelled in `proposal_labels.yml` (written by hand from
the staging and conformed models), the demo generator writes the estate into a temporary
folder (or `--raw DIR` reads one already written), `draft` proposes a declaration, and the
proposal's field mappings (confidence of at least 0.5) are compared with the labels:

- right: a labelled column mapped to its field (or to one of its fields);
- missed: a labelled column left unmapped, or mapped to another field;
- spurious: a column the hub uses for no silver field, mapped anyway.

The share printed is right / labelled columns (a column whose label allows "no mapping" is
right either way), per data set and overall, with the shape the proposal chose.

    .venv/bin/python -m infra.benchmarks.proposal_accuracy
    .venv/bin/python -m infra.benchmarks.proposal_accuracy --raw .hub/raw --verbose
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from infra.demo.generate import generate_estate
from orchestration.engineering.proposal import draft

LABELS = Path(__file__).with_name("proposal_labels.yml")
# Files of a delivery folder that are not the delivery (a fixed-width file's record layout).
COMPANIONS = {"layout.csv"}


@dataclass
class Score:
    labelled: int = 0
    right: int = 0
    spurious: int = 0
    unused: int = 0
    shapes_right: int = 0
    files: int = 0
    mistakes: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.labelled += other.labelled
        self.right += other.right
        self.spurious += other.spurious
        self.unused += other.unused
        self.shapes_right += other.shapes_right
        self.files += other.files

    @property
    def share(self) -> float:
        return self.right / self.labelled if self.labelled else 0.0


def _delivery(raw: Path, data_set: str, contributor: str) -> Path:
    files = sorted(
        path
        for path in (raw / data_set).glob(f"{contributor}__*/*")
        if path.is_file() and path.name not in COMPANIONS
    )
    if not files:
        raise SystemExit(f"{raw / data_set}: no delivery of {contributor}; generate the estate")
    return files[0]


def score_file(path: Path, data_set: str, contributor: str, shape: str, labels: dict) -> Score:
    proposal = draft(path, data_set=data_set, contributor=contributor)
    sent = {profile.name: profile.sent for profile in proposal.profiles}
    predicted = {sent[m.column]: m.field for m in proposal.mappings}
    score = Score(files=1, shapes_right=int(proposal.shape.shape == shape))
    if proposal.shape.shape != shape:
        score.mistakes.append(f"shape {proposal.shape.shape}, expected {shape}")
    for column, label in labels.items():
        allowed = label if isinstance(label, list) else [label]
        got = predicted.get(column)
        if allowed == [None]:
            score.unused += 1
            if got is not None:
                score.spurious += 1
                score.mistakes.append(f"{column!r} -> {got}, feeds nothing")
            continue
        score.labelled += 1
        if got in allowed:
            score.right += 1
        else:
            expected = " or ".join(str(a) for a in allowed)
            score.mistakes.append(f"{column!r} -> {got}, expected {expected}")
    unknown = sorted(set(sent.values()) - set(labels))
    if unknown:
        score.mistakes.append(f"columns without a label: {unknown}")
    return score


def run(raw: Path, verbose: bool) -> Score:
    labels = yaml.safe_load(LABELS.read_text())
    total = Score()
    print(
        f"{'data set':26} {'files':>5} {'shape':>6} {'columns':>8} {'right':>6} {'share':>6} "
        f"{'spurious':>8}"
    )
    for data_set, about in labels.items():
        score = Score()
        lines = []
        for contributor, columns in about["contributors"].items():
            path = _delivery(raw, data_set, contributor)
            found = score_file(path, data_set, contributor, about["shape"], columns)
            score.add(found)
            lines.extend(f"    {contributor}: {mistake}" for mistake in found.mistakes)
        total.add(score)
        print(
            f"{data_set:26} {score.files:>5} {score.shapes_right:>3}/{score.files:<2} "
            f"{score.labelled:>8} {score.right:>6} {score.share:>6.0%} "
            f"{score.spurious:>4}/{score.unused:<3}"
        )
        if verbose and lines:
            print("\n".join(lines))
    print(
        f"{'overall':26} {total.files:>5} {total.shapes_right:>3}/{total.files:<2} "
        f"{total.labelled:>8} {total.right:>6} {total.share:>6.0%} "
        f"{total.spurious:>4}/{total.unused:<3}"
    )
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, help="a demo estate already written (default: new)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--verbose", action="store_true", help="list every mistake")
    args = parser.parse_args(argv)
    if args.raw:
        run(args.raw, args.verbose)
        return 0
    with tempfile.TemporaryDirectory(prefix="proposal-accuracy-") as folder:
        labels = yaml.safe_load(LABELS.read_text())
        generate_estate(Path(folder), seed=args.seed, only=list(labels))
        run(Path(folder), args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
