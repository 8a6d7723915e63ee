"""Benchmark: reads while writes run (issue 16, item 5).

Claim: with 5 and with 20 authenticated writes per second going through the API, read latency at
200 requests/s stays close to the quiet figure: read p99 with writes <= 3x quiet and <= 20 ms.

``secnet serve`` runs as a real subprocess (one uvicorn process, access log off) on 127.0.0.1
over a fresh SQLite file loaded with the shipped dataset, with an editor token made for the run.
Reads are the same open-loop mix as ``benchmarks/server.py`` (request *i* leaves at t0 + i/rate
whatever happened to the earlier ones; latency from that scheduled time to the last byte). Writes
run open loop beside them over the same span: each is a PATCH of a participation (NATO's first,
then PfP's, EAPC's, ...: a new note, ``If-Match`` with the version it last saw,
``Authorization: Bearer``), round-robin over 150 of them so that no two writes of a run race for
one record; every accepted write makes the
server build and swap in its next registry snapshot. Each condition (0, 5 and 20 writes/s) runs
``--runs`` times, interleaved; the table gives the median over runs of each figure, and the
spread of p99. The load average is printed before and after: the machine's 2 cores are shared.

Run: ``.venv/bin/python benchmarks/server_writes.py [--reads 1200] [--runs 5] [--db URL]``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import statistics
import subprocess
import sys
import time

import httpx

from server import _run, ms, paths, scheduled_get, serving

READ_RATE = 200.0
WRITE_RATES = (0.0, 5.0, 20.0)
WRITE_TARGETS = 150  # more records than the writes of one run: no two writes ever race for one record
WRITE_ARRANGEMENTS = ("nato", "pfp", "eapc", "ici", "jef", "nordefco", "eu")


def make_token(db: str) -> str:
    """An editor token for the run (``secnet token create``, as a user would)."""
    done = subprocess.run([sys.executable, "-m", "secnet", "token", "create", f"bench-{os.getpid()}-{time.time_ns()}",
                           "--role", "editor", "--db", db], capture_output=True, text=True, check=True)
    return next(w for w in done.stdout.split() if w.startswith("secnet_"))


def write_targets(base: str) -> dict[int, str]:
    """Participation id -> current ETag, for up to :data:`WRITE_TARGETS` participations (NATO's first)."""
    with httpx.Client(base_url=base, timeout=30) as c:
        rows = [r for a in WRITE_ARRANGEMENTS for r in c.get(f"/api/v1/arrangements/{a}/participations").json()]
        return {r["id"]: c.get(f"/api/v1/participations/{r['id']}").headers["etag"] for r in rows[:WRITE_TARGETS]}


def _quantiles(xs: list[float]) -> dict:
    q = statistics.quantiles(sorted(xs), n=100, method="inclusive")
    return {"p50": q[49], "p99": q[98], "max": max(xs)}


async def mixed(base: str, token: str, etags: dict[int, str], n_reads: int, write_rate: float) -> dict:
    """``n_reads`` reads at :data:`READ_RATE` and, over the same span, writes at ``write_rate`` per second."""
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    todo = paths(n_reads)
    span = n_reads / READ_RATE
    n_writes = int(span * write_rate)
    ids = list(etags)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as reader, \
            httpx.AsyncClient(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as writer:
        clock = time.perf_counter
        t0 = clock() + 0.2

        async def write(i: int) -> tuple[float, int]:
            due = t0 + i / write_rate
            await asyncio.sleep(max(0.0, due - clock()))
            pid = ids[i % len(ids)]
            try:
                res = await writer.patch(f"/api/v1/participations/{pid}", json={"note": f"benchmark write {i} at {time.time():.3f}"},
                                         headers={"If-Match": etags[pid]})
                if res.status_code == 200:
                    etags[pid] = res.headers["etag"]
                status = res.status_code
            except httpx.HTTPError:
                status = 0
            return clock() - due, status

        results = await asyncio.gather(*(scheduled_get(reader, todo[i], t0 + i / READ_RATE) for i in range(n_reads)), *(write(i) for i in range(n_writes)))
    reads, writes = results[:n_reads], results[n_reads:]
    failed = collections.Counter(f"{'read' if k < n_reads else 'write'} {s}" for k, (_, s) in enumerate(results) if s != 200)
    out = {"write_rate": write_rate, "reads": n_reads, "writes": n_writes, "failed": failed,
           "read_errors": sum(1 for _, s in reads if s != 200), "write_errors": sum(1 for _, s in writes if s != 200),
           **_quantiles([x for x, _ in reads])}
    if writes:
        w = _quantiles([x for x, _ in writes])
        out |= {"write_p50": w["p50"], "write_p99": w["p99"]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reads", type=int, default=1200, help="Reads per run (at 200/s: 6 s).")
    ap.add_argument("--runs", type=int, default=5, help="Runs of each condition (the median is reported).")
    ap.add_argument("--db", help="Database URL (default: a fresh SQLite file loaded with the shipped data).")
    args = ap.parse_args()
    load_before = os.getloadavg()
    with serving(args.db) as (db, base):
        token = make_token(db)
        etags = write_targets(base)
        for p in paths(40):  # warm every endpoint and date once
            httpx.get(base + p, timeout=30).raise_for_status()
        _run(mixed(base, token, etags, 200, 5.0))  # and the write path
        runs: dict[float, list[dict]] = {r: [] for r in WRITE_RATES}
        for _ in range(args.runs):
            for rate in WRITE_RATES:  # interleaved, so that a noisy minute hits every condition
                runs[rate].append(_run(mixed(base, token, etags, args.reads, rate)))
    load_after = os.getloadavg()
    failures = sum((r["failed"] for rs in runs.values() for r in rs), collections.Counter())
    if failures:
        print("failed requests (0: no answer in 30 s):", dict(failures))
    quiet_p99 = statistics.median(r["p99"] for r in runs[0.0])
    print(f"\nReads at {READ_RATE:.0f}/s while writes run: secnet serve (SQLite, 1 uvicorn process, {os.cpu_count()} CPUs "
          f"shared with the client); median of {args.runs} runs of {args.reads} reads each")
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.2f}' for x in load_after)}")
    print("| writes/s | writes per run | errors (reads, writes) | read p50 | read p99 | p99 spread (min-max) | read max "
          "| write p50 | write p99 | p99 / quiet | target |")
    print("|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---|")
    for rate, rs in runs.items():
        p99s = [r["p99"] for r in rs]
        p99 = statistics.median(p99s)
        ratio = p99 / quiet_p99
        target = "" if rate == 0 else ("met" if ratio <= 3 and p99 <= 0.020 else "MISSED") + " (<= 3x quiet and <= 20 ms)"
        wp50 = ms(statistics.median(r["write_p50"] for r in rs)) if rate else ""
        wp99 = ms(statistics.median(r["write_p99"] for r in rs)) if rate else ""
        print(f"| {rate:.0f} | {rs[0]['writes']} | {sum(r['read_errors'] for r in rs)}, {sum(r['write_errors'] for r in rs)} | "
              f"{ms(statistics.median(r['p50'] for r in rs))} | {ms(p99)} | {ms(min(p99s))}-{ms(max(p99s))} | "
              f"{ms(statistics.median(r['max'] for r in rs))} | {wp50} | {wp99} | {ratio:.2f} | {target} |")


if __name__ == "__main__":
    main()
