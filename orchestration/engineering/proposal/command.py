"""The command line of `hub propose FILE [--data-set ID] [--contributor ID] [--out DIR]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.engineering.proposal.drafts import draft
from orchestration.engineering.proposal.sampling import ProposalError


def run(
    path: Path,
    data_set: str | None = None,
    contributor: str | None = None,
    out_dir: Path | None = None,
) -> int:
    """Print the report; write the drafts into `out_dir`, or print them when there is none.
    Returns the exit status: 0, or 1 when the file cannot be drafted or a draft exists."""
    try:
        proposal = draft(Path(path), data_set=data_set, contributor=contributor)
        print(proposal.report())
        if out_dir is None:
            print(f"--- {proposal.sources_file}")
            print(proposal.declaration_yaml())
            print(f"--- {proposal.staging_file}")
            print(proposal.staging_sql())
            return 0
        for written in proposal.write(Path(out_dir)):
            print(f"wrote {written}")
    except ProposalError as error:
        print(f"hub propose: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="hub propose",
        description="Draft a data set declaration and a staging model from a sample file.",
    )
    parser.add_argument("file", type=Path, help="a sample delivery, in any supported format")
    parser.add_argument("--data-set", help="the data set id (default: from the file name)")
    parser.add_argument("--contributor", help="the contributor id (default: from the folder)")
    parser.add_argument("--out", type=Path, help="folder for the drafts (default: print them)")
    args = parser.parse_args(argv)
    return run(args.file, args.data_set, args.contributor, args.out)
