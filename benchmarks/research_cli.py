"""Benchmark: the research commands as a researcher feels them, whole processes.

Each case runs ``secnet ...`` in a fresh process (``subprocess``) and times it
from start to exit: imports, reading the reference data, computing, writing
the file. *Cold* runs start from an empty cache directory each time (the
reference CSV.gz files are converted to columnar files during the run);
*warm* runs share a cache built beforehand. "net" subtracts the interpreter's
own start-up (the median of ``python -c pass``). Medians of ``--runs`` runs
(default 5, at least 5). "warm cpu" is the median CPU time (user + system, all
threads) of the warm runs, start-up included: on a shared machine it moves
less with the load than the wall-clock times do, and a figure above "warm"
shows work done on several cores at once.

Peer figures: peacesciencer 1.2.9 on this machine kind (``benchmarks/RESULTS.md``):
``create_dyadyears()`` 2.5-3.7 s, the chain 2.2-5.1 s, tau-b for every dyad-year
1816-2012 152.5 s. The ratio is the peer's best figure over our warm net median.

secnet's modules are compiled to bytecode first, as ``make install`` does.

Run: ``.venv/bin/python benchmarks/research_cli.py [--runs N] [--markdown]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import fmt, print_text_table  # noqa: E402

BIN = Path(sys.executable).with_name("secnet")
CASES = [
    # name, arguments, target (warm, net), peer seconds (best, worst) or None
    ("secnet --help", ["--help"], 0.25, None),
    ("create_dyadyears: panel --add '' 1816-2018", ["panel", "--system", "cow", "--directed", "--add", "",
                                                     "--years", "1816-2018", "--to", "{out}/d.parquet"], None, (2.5, 3.7)),
    ("chain: panel --add atop,igos,nmc 1816-2018", ["panel", "--system", "cow", "--directed", "--add", "atop,igos,nmc",
                                                     "--years", "1816-2018", "--to", "{out}/p.parquet"], 0.4, (2.2, 5.1)),
    ("tau-b, every dyad-year 1816-2012", ["similarity", "--measure", "taub", "--years", "1816-2012",
                                          "--to", "{out}/t.parquet"], 0.3, (152.5, 152.5)),
    ("taub,s,kappa,pi, every dyad-year 1816-2012", ["similarity", "--measure", "taub,s,kappa,pi", "--years", "1816-2012",
                                                    "--to", "{out}/s.parquet"], 0.5, None),
]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall-clock seconds of one run of ``cmd``; its CPU seconds are appended to ``cpu``."""
    before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
    if cpu is not None:
        cpu.append(_children_cpu() - before)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-cache runs")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    work = Path(tempfile.mkdtemp(prefix="secnet-bench-"))
    env = {**os.environ, "SECNET_CACHE_DIR": str(work / "warm-cache"),
           "SECNET_DATABASE_URL": f"sqlite:///{work / 'bench.sqlite'}"}
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    # What `make install` does: secnet's modules as bytecode, as a user's installed copy has them
    # (an editable install where PYTHONDONTWRITEBYTECODE is set would compile them on every run).
    import secnet

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(secnet.__file__).parent)], check=True)
    try:
        start_up = statistics.median(timed([sys.executable, "-c", "pass"], env) for _ in range(runs))
        lines = []
        for name, arguments, target, peer in CASES:
            cmd = [str(BIN), *(a.format(out=work) for a in arguments)]
            cold = None
            if not args.no_cold and arguments[0] != "--help":
                times = []
                for i in range(runs):
                    fresh = {**env, "SECNET_CACHE_DIR": str(work / f"cold-{i}")}
                    times.append(timed(cmd, fresh))
                    shutil.rmtree(work / f"cold-{i}", ignore_errors=True)
                cold = statistics.median(times)
            timed(cmd, env)  # builds the warm cache (and the page cache)
            cpu: list[float] = []
            warm_times = [timed(cmd, env, cpu) for _ in range(runs)]
            warm = statistics.median(warm_times)
            net = warm - start_up
            ratio = f"{peer[0] / net:.1f}x-{peer[1] / net:.1f}x" if peer and peer[0] != peer[1] else \
                (f"{peer[0] / net:.0f}x" if peer else "")
            verdict = "" if target is None else ("met" if net <= target else "not met")
            lines.append([name, fmt(cold) if cold is not None else "", fmt(warm), fmt(min(warm_times)),
                          fmt(max(warm_times)), fmt(statistics.median(cpu)), fmt(net), fmt(target) if target else "",
                          verdict,
                          f"{peer[0]}-{peer[1]} s" if peer and peer[0] != peer[1] else (f"{peer[0]} s" if peer else ""),
                          ratio])
        head = ["case", "cold", "warm", "warm min", "warm max", "warm cpu", "warm net", "target", "", "peacesciencer",
                "ratio"]
        print_text_table(f"whole processes, median of {runs}; interpreter start-up {fmt(start_up)} (subtracted in 'net')",
                         head, lines, args.markdown)
        print(f"\ninterpreter start-up (python -c pass): {fmt(start_up)}; load average before/after: "
              f"{load_before} / {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
