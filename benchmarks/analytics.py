"""Benchmark: graph + all metrics at a date, `impact --all`, and the audit 1949-today.

Targets (issue 5), on the shipped data: <= 50 ms, <= 1 s and <= 1 s. Also on
synthetic registries 10x and 100x larger (every arrangement copied), to show how
cost grows: the note gives each median as a multiple of the x1 median.
Run: ``.venv/bin/python benchmarks/analytics.py [--quick]`` (``--quick``: x1 only;
the full run takes about three minutes).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import print_table  # noqa: E402
from registry import scaled  # noqa: E402

from secnet.analytics import coverage, formats, graph  # noqa: E402
from secnet.ingest.dataset import load_dataset  # noqa: E402
from secnet.registry import Registry  # noqa: E402

AT = "2024-06-01"


def graph_and_metrics(r: Registry):
    g = graph.actor_graph(r, AT)
    graph.metrics(g)
    graph.communities(g, seed=0)
    return g


def cold(dataset, fn, runs: int) -> dict:
    """Median seconds of ``fn(registry)``, each run on a freshly built registry.

    The registry caches participants per date, so a warm second call would be
    faster than what a user (one CLI call, one request) sees.
    """
    times = []
    for _ in range(runs):
        r = Registry(dataset)
        t0 = time.perf_counter()
        fn(r)
        times.append(time.perf_counter() - t0)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": runs}


def main() -> None:
    quick = "--quick" in sys.argv
    ds = load_dataset()
    rows = []
    this_year = dt.date.today().year
    base: dict[str, float] = {}
    for factor in ((1,) if quick else (1, 10, 100)):
        big = scaled(ds, factor)
        r = Registry(big)
        g = graph.actor_graph(r, AT)
        size = f"{len(r._parts)} participations, {g.number_of_nodes()} actors, {g.number_of_edges()} ties"
        runs = 7 if factor == 1 else 5
        cases = [("graph + metrics + communities", graph_and_metrics, "50 ms"),
                 ("impact --all", lambda r: formats.impact_all(r, AT), "1 s"),
                 (f"audit 1949-{this_year} (per year)", lambda r: coverage.audit_by_year(r, 1949, this_year), "1 s")]
        for k, (name, fn, target) in enumerate(cases):
            row = {"case": f"{name}  x{factor}", **cold(big, fn, runs), "target": target if factor == 1 else ""}
            if factor == 1:
                base[name] = row["median"]
            else:
                row["note"] = f"{row['median'] / base[name]:.1f}x the x1 median"
            if k == 0:
                row["note"] = f"{row.get('note', '')}; {size}".lstrip("; ")
            rows.append(row)
    print_table("analytics, each run on a fresh registry (median of runs)", rows)


if __name__ == "__main__":
    main()
