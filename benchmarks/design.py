"""Benchmark: the design tools (issue 7).

Targets:
- SMAA-2 rank acceptability, 1,000,000 weight draws over 40 partners x 8 criteria: <= 3 s;
- the grouping integer program, 250 candidates x 60 capabilities: <= 1 s.

Also, without targets: SMAA with TOPSIS, the ILP with 3 next-best alternatives,
and the end-to-end commands on the shipped dataset. Instances are random with a
fixed seed. Run: ``.venv/bin/python benchmarks/design.py``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _timing import measure, print_table  # noqa: E402

from secnet.design import groupings, prioritise, scenarios  # noqa: E402
from secnet.registry import Registry  # noqa: E402

SCENARIO = """\
id: sweden-2023
title: Sweden joins NATO on 2023-03-07
end_participations:
  - {arrangement: nato, actor: SWE, end: "2023-03-07"}
participations:
  - {arrangement: nato, actor: SWE, role: member, start: "2023-03-07"}
"""


def smaa_case(method: str, draws: int = 1_000_000, n: int = 40, m: int = 8) -> dict:
    rng = np.random.default_rng(1)
    x = rng.random((n, m)) * rng.integers(1, 1000, m)
    benefit = rng.random(m) > 0.3
    res = measure(lambda: prioritise.smaa2(x, benefit, method=method, draws=draws, seed=0), runs=5)
    return {"case": f"smaa2 {method}, {draws:,} draws, {n} x {m}", **res}


def registry_like(n: int = 250, k: int = 60, n_arrangements: int = 80, seed: int = 0):
    """Capabilities as the registry derives them: each candidate takes part in a few of 80 thematic
    arrangements, each about 1-4 issue areas; every capability is required (1-3 providers); half allies."""
    rng = np.random.default_rng(seed)
    arr_caps = np.zeros((n_arrangements, k), bool)
    for j in range(n_arrangements):
        arr_caps[j, rng.choice(k, rng.integers(1, 5), replace=False)] = True
    arr_caps[rng.permutation(n_arrangements)[:k], np.arange(k)] = True  # every capability has an arrangement
    member = rng.random((n, n_arrangements)) < rng.uniform(0.01, 0.08, (n, 1))
    provides = (member.astype(int) @ arr_caps.astype(int)) > 0
    req = np.minimum(rng.integers(1, 4, k), provides.sum(axis=0))
    return provides, req, (rng.random(n) < 0.5).astype(float)


def uniform_sparse(n: int = 250, k: int = 60, seed: int = 0):
    """The stress case: each candidate has each capability with probability 0.08, independently."""
    rng = np.random.default_rng(seed)
    provides = rng.random((n, k)) < 0.08
    req = np.minimum(rng.integers(1, 4, k), provides.sum(axis=0))
    return provides, req, (rng.random(n) < 0.5).astype(float)


def main() -> None:
    rows = [
        {**smaa_case("weighted_sum"), "target": "3 s"},
        smaa_case("topsis"),
    ]
    for make, label in ((registry_like, "registry-like"), (uniform_sparse, "uniform p=0.08")):
        for seed in (0, 1, 2):
            a, req, tb = make(seed=seed)
            size = groupings.cover(a, req, tiebreak=tb)[0].size
            rows.append({"case": f"cover 250 x 60, {label} (seed {seed})", "target": "1 s",
                         **measure(lambda: groupings.cover(a, req, tiebreak=tb), runs=5),
                         "note": f"optimum {size} actors, density {a.mean():.2f}"})
    a, req, tb = registry_like(seed=0)
    rows.append({"case": "cover 250 x 60, registry-like (seed 0) + 3 alternatives",
                 **measure(lambda: groupings.cover(a, req, tiebreak=tb, alternatives=3), runs=5)})

    r = Registry.from_yaml()
    at = "2024-06-01"
    rows.append({"case": "prioritise(shipped, baltic, 2024-06-01)",
                 **measure(lambda: prioritise.prioritise(r, at, aim_name="baltic"), runs=5)})
    rows.append({"case": "acceptability(shipped, baltic, 100,000 draws)",
                 **measure(lambda: prioritise.acceptability(r, at, aim_name="baltic", draws=100_000), runs=5)})
    rows.append({"case": "design_group(shipped, cyber=3,maritime=2,space=1)",
                 **measure(lambda: groupings.design_group(r, "cyber=3,maritime=2,space=1", at), runs=5)})
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "sweden.yaml"
        f.write_text(SCENARIO)
        rows.append({"case": "apply_scenario(shipped, sweden-2023)", **measure(lambda: scenarios.apply_scenario(r, f), runs=5)})
    print_table("design tools (median of runs)", rows)


if __name__ == "__main__":
    main()
