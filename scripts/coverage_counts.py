"""Write the generated counts block into src/secnet/data/COVERAGE.md.

Run from the repository root after changing the data:

    .venv/bin/python scripts/coverage_counts.py          # rewrite the block
    .venv/bin/python scripts/coverage_counts.py --check  # exit 1 if the block is out of date

The counts (sources by kind and host, participations by arrangement kind and
start precision, facts per source) are computed by secnet.ingest.counts from
the shipped dataset; only the text between the two markers is touched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from secnet.errors import InvalidData
from secnet.ingest.counts import render, replace_block
from secnet.ingest.dataset import load_dataset, shipped_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="Exit 1 if COVERAGE.md is out of date; write nothing.")
    args = ap.parse_args(argv)
    path = Path(shipped_path()) / "COVERAGE.md"
    try:
        ds = load_dataset()
    except InvalidData as e:
        print(f"coverage_counts: the dataset does not validate ({len(e.problems)} problems); run `secnet validate`",
              file=sys.stderr)
        return 2
    old = path.read_text(encoding="utf-8")
    try:
        new = replace_block(old, render(ds))
    except ValueError as e:
        print(f"coverage_counts: {path}: {e}", file=sys.stderr)
        return 2
    if args.check:
        if new != old:
            print(f"{path}: the generated counts are out of date; run scripts/coverage_counts.py", file=sys.stderr)
            return 1
        return 0
    if new != old:
        tmp = path.with_suffix(".md.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(path)
        print(f"{path}: counts updated")
    else:
        print(f"{path}: counts already current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
