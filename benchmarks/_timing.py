"""Shared timing for the benchmark scripts: median of repeated runs, as a table."""

from __future__ import annotations

import statistics
import time
import tracemalloc
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


def fmt(seconds: float) -> str:
    """Seconds as ``12.3 ms`` or ``1.23 s``, for the research-data tables."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def peak_mb(fn) -> float:
    """Peak memory (MiB) that one call of ``fn`` allocates, as tracemalloc sees it (numpy included)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def print_text_table(title: str, head: list[str], lines: list[list[str]], markdown: bool) -> None:
    """Rows of strings as a Markdown table (for RESULTS.md) or aligned plain text under ``title``."""
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for line in lines:
            print("| " + " | ".join(line) + " |")
        return
    widths = [max(len(x) for x in column) for column in zip(head, *lines, strict=True)]
    print(f"\n{title}")
    for line in [head, *lines]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
