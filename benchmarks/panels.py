"""Benchmark: peacesciencer-style panels against the R reference.

Targets (research-data issue): ``create_dyadyears(system = "cow", directed =
TRUE)`` and the chain create + ``add_atop_alliance`` + ``add_igos`` +
``add_democracy`` + ``add_nmc`` at least 10x faster than peacesciencer 1.2.9
measured on this machine kind (2.5-3.7 s and 2.2-5.1 s). The speed-up is
shown against both ends of each reference range.

The data are in memory, as peacesciencer's are in an R session; the "cold"
row adds reading the CSV files. Times are the median of ``--runs`` runs
(default 7) after one warm-up; peak memory is what the step allocates
through numpy (tracemalloc, a separate run), plus the process's peak RSS.
Run: ``.venv/bin/python benchmarks/panels.py [--runs N] [--markdown]``.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import fmt, measure, peak_mb, print_text_table  # noqa: E402

from secnet.research import panels as P  # noqa: E402
from secnet.research.data import clear_cache, read_peacesciencer  # noqa: E402

#: peacesciencer 1.2.9 on this machine kind (seconds, fastest and slowest run).
R_CREATE = (2.5, 3.7)
R_CHAIN = (2.2, 5.1)


def chain():
    panel = P.dyad_years("cow", directed=True)
    panel = P.add_atop_alliance(panel)
    panel = P.add_igos(panel)
    panel = P.add_democracy(panel)
    return P.add_nmc(panel)


def cold_chain():
    clear_cache()
    return chain()



def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    for name in ("cow_states", "gw_states", "atop_alliance", "cow_igo_ndy", "ccode_democracy", "cow_nmc"):
        read_peacesciencer(name)
    panel = P.dyad_years()
    states = P.state_years()
    cases = [
        (
            "create_dyadyears(cow, directed)",
            lambda: P.dyad_years("cow", directed=True),
            R_CREATE,
            f"{len(panel):,} rows, 1816-{panel['year'].max()}",
        ),
        ("create + atop + igos + democracy + nmc", chain, R_CHAIN, f"{chain().shape[1]} columns"),
        ("  same, cold (reads the CSV files)", cold_chain, R_CHAIN, "first call in a session"),
        ("create_dyadyears(gw, directed)", lambda: P.dyad_years("gw"), None, ""),
        ("create_dyadyears(cow, non-directed)", lambda: P.dyad_years("cow", directed=False), None, ""),
        ("create_stateyears(cow)", lambda: P.state_years("cow"), None, f"{len(states):,} rows"),
        ("add_contiguity", lambda: P.add_contiguity(panel), None, ""),
        ("add_minimum_distance", lambda: P.add_mindist(panel), None, ""),
        ("add_capital_distance", lambda: P.add_capital_distance(panel), None, ""),
        ("add_cow_majors", lambda: P.add_majors(panel), None, ""),
    ]
    rows = []
    for label, fn, reference, note in cases:
        timing = measure(fn, runs=runs)
        rows.append({"case": label, **timing, "reference": reference, "peak": peak_mb(fn), "note": note})
    print_rows(rows, markdown="--markdown" in sys.argv)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {rss:.0f} MB (all cases, data loaded once)")


def print_rows(rows: list[dict], markdown: bool) -> None:
    head = ["case", "median", "min", "max", "runs", "R reference", "speed-up", "peak numpy MB", "note"]
    lines = []
    for r in rows:
        ref = r["reference"]
        speed = f"{ref[0] / r['median']:.0f}x-{ref[1] / r['median']:.0f}x" if ref else ""
        lines.append(
            [
                r["case"],
                fmt(r["median"]),
                fmt(r["min"]),
                fmt(r["max"]),
                str(r["runs"]),
                f"{ref[0]}-{ref[1]} s" if ref else "",
                speed,
                f"{r['peak']:.0f}",
                r["note"],
            ]
        )
    print_text_table("panels (median of runs; speed-up = R reference / median, against its fastest and slowest run)", head, lines, markdown)



if __name__ == "__main__":
    main()
