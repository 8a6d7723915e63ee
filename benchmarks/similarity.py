"""Benchmark: alliance-portfolio similarity for every COW dyad-year.

Target (research-data issue): tau-b, S, Cohen's kappa and Scott's pi for all
directed dyad-years 1816-2012 together in at most 0.15 s, i.e. at least 1000x
the 152.5 s that peacesciencer's published tau-b method (per-year ``cor(method
= "kendall")`` in a parallel ``foreach``) takes for tau-b alone on this
machine kind.

The ATOP table is in memory (read once); the timed call does everything
else: the 0-3 coding, the per-year matrices, the measures and the output
DataFrame (1,760,970 rows). The "cold" row adds reading the CSV files.
Median of ``--runs`` runs (default 9) after one warm-up; peak memory is what
the call allocates through numpy (tracemalloc, a separate run).
Run: ``.venv/bin/python benchmarks/similarity.py [--runs N] [--markdown]``.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import fmt, measure, peak_mb, print_text_table  # noqa: E402

from secnet.research.data import clear_cache, read_peacesciencer  # noqa: E402
from secnet.research.similarity_panel import alliance_similarity  # noqa: E402

#: peacesciencer's published tau-b method, all dyad-years 1816-2012, this machine kind.
R_TAUB = 152.5
TARGET = 0.15


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 9
    read_peacesciencer("atop_alliance")
    read_peacesciencer("cow_nmc")
    years = (1816, 2012)
    four = ["taub", "s", "kappa", "pi"]
    six = ["taub", "s", "s_squared", "s_weighted", "kappa", "pi"]
    out = alliance_similarity(measures=four, years=years)

    def cold():
        clear_cache()
        return alliance_similarity(measures=four, years=years)

    cases = [
        ("tau-b + S + kappa + pi, 1816-2012", lambda: alliance_similarity(measures=four, years=years), True),
        ("tau-b alone, 1816-2012", lambda: alliance_similarity(measures=["taub"], years=years), True),
        ("all six (+ weighted S, squared S), 1816-2012", lambda: alliance_similarity(measures=six, years=years), False),
        ("all six, 1816-2018 (ATOP's whole span)", lambda: alliance_similarity(measures=six), False),
        ("tau-b + S + kappa + pi, cold (reads the CSVs)", cold, False),
    ]
    rows = []
    for label, fn, versus_r in cases:
        timing = measure(fn, runs=runs)
        cpu = _cpu(fn)
        rows.append({"case": label, **timing, "cpu": cpu, "versus_r": versus_r, "peak": peak_mb(fn)})
    print_rows(rows, len(out), markdown="--markdown" in sys.argv)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {rss:.0f} MB")


def _cpu(fn, runs: int = 5) -> float:
    """Median CPU time of the process: less sensitive than wall time to a busy machine."""
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return sorted(times)[len(times) // 2]



def print_rows(rows: list[dict], n_rows: int, markdown: bool) -> None:
    head = ["case", "median", "min", "max", "CPU median", "runs", "target", "vs R tau-b (152.5 s)", "peak numpy MB"]
    lines = []
    for r in rows:
        first = r is rows[0]
        lines.append(
            [
                r["case"],
                fmt(r["median"]),
                fmt(r["min"]),
                fmt(r["max"]),
                fmt(r["cpu"]),
                str(r["runs"]),
                f"<= {TARGET} s" if first else "",
                f"{R_TAUB / r['median']:,.0f}x" if r["versus_r"] else "",
                f"{r['peak']:.0f}",
            ]
        )
    print_text_table(f"similarity, {n_rows:,} directed dyad-years 1816-2012 (median of runs)", head, lines, markdown)



if __name__ == "__main__":
    main()
