"""Shared timing for the benchmark scripts: median of repeated runs, as a table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(fn: Callable[[], object], runs: int = 7, warmup: int = 1) -> dict:
    """Run ``fn`` ``warmup`` + ``runs`` times; return median/min/max seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": runs}


def print_table(title: str, rows: list[dict]) -> None:
    """Rows with keys: case, median, min, max, runs, and optional target / ratio / note."""
    print(f"\n{title}")
    head = f"| {'case':<52} | {'median':>10} | {'min':>10} | {'max':>10} | runs | {'target':>9} | note"
    print(head)
    print("|" + "-" * (len(head) - 1))
    for r in rows:
        target = r.get("target", "")
        print(f"| {r['case']:<52} | {_fmt(r['median']):>10} | {_fmt(r['min']):>10} | {_fmt(r['max']):>10} | {r['runs']:>4} | {target:>9} | {r.get('note', '')}")


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.3f} s"
