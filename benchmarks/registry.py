"""Benchmark: as_of(date) plus the full participation table for that date.

Target (issue 3): <= 20 ms on the shipped data. Also on a synthetic registry
100x larger (the shipped arrangements copied 100 times under new ids), to show
how the cost grows. Run: ``.venv/bin/python benchmarks/registry.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import measure, print_table  # noqa: E402

from secnet.ingest.dataset import load_dataset  # noqa: E402
from secnet.model.entities import Dataset  # noqa: E402
from secnet.registry import Registry  # noqa: E402


def scaled(ds: Dataset, factor: int) -> Dataset:
    """``factor`` copies of every arrangement (ids suffixed), same actors and sources."""
    arrangements = {}
    for k in range(factor):
        for arr in ds.arrangements.values():
            new_id = arr.id if k == 0 else f"{arr.id}-copy{k}"
            parent = None if arr.parent is None else (arr.parent if k == 0 else f"{arr.parent}-copy{k}")
            parts = [p.model_copy(update={"arrangement": new_id}) for p in arr.participations]
            arrangements[new_id] = arr.model_copy(update={"id": new_id, "parent": parent, "participations": parts})
    return Dataset.model_construct(sources=ds.sources, actors=ds.actors, arrangements=arrangements)


def main() -> None:
    ds = load_dataset()
    rows = []
    for factor in (1, 100):
        big = scaled(ds, factor)
        t0 = time.perf_counter()
        r = Registry(big)
        build = time.perf_counter() - t0
        n = len(r._parts)
        for at in ("2022-06-01", "1995"):
            m = measure(lambda: r.as_of(at).table(), runs=9 if factor == 1 else 5)
            rows.append({"case": f"as_of({at}).table()  x{factor} ({n} participations)", **m,
                         "target": "20 ms" if factor == 1 else "", "note": f"registry build {build * 1000:.0f} ms (once)"})
        m = measure(lambda: r.members("nato", at="2022-06-01"), runs=9 if factor == 1 else 5)
        rows.append({"case": f"members(nato, 2022-06-01)  x{factor}", **m})
    print_table("registry: as_of + participation table (median of runs)", rows)


if __name__ == "__main__":
    main()
