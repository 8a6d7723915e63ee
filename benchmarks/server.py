"""Benchmark: ``secnet serve`` under a steady request rate.

Claim (issue 8): on SQLite, the main read endpoints keep p99 latency <= 50 ms
at 200 requests/s. The server runs as a real subprocess (uvicorn, one
process, access log off) on 127.0.0.1 over the shipped dataset; an httpx async
client sends a fixed number of requests at a fixed rate (open loop: request i
is sent at t0 + i/rate whether or not earlier ones have returned, so a slow
server cannot slow the client down and hide its own latency), spread
round-robin over the endpoints below. Latency is measured from each request's
scheduled time to its last byte. The client shares the machine with the
server, so the numbers include that contention.

Run: ``.venv/bin/python benchmarks/server.py [--requests-per-rate N] [--db URL]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

#: The main read endpoints, with a few dates and ids so that no answer is served from a warm cache only.
READS = [
    "/api/v1/arrangements/nato/members?at={at}",
    "/api/v1/arrangements/nato/partners?at={at}",
    "/api/v1/actors/FIN/arrangements?at={at}",
    "/api/v1/actors/SWE",
    "/api/v1/arrangements/aukus",
    "/api/v1/arrangements/pfp/history",
    "/api/v1/search?q=swe",
    "/api/v1/diff?from=2000&to={at}&arrangement=nato",  # from before every date below (a later from is refused)
    "/api/v1/arrangements/jef/members?at={at}",
    "/api/v1/actors/UKR/arrangements?at={at}",
]
DATES = ["2024-06-01", "2023-04-04", "2019", "2010-05"]
#: Heavier analytics endpoints: timed one request at a time, not under load.
ANALYTICS = [
    "/api/v1/audit?at=2024-06-01",
    "/api/v1/coverage/UKR?at=2024-06-01",
    "/api/v1/overview?at=2024-06-01",
    "/api/v1/impact/aukus?at=2024-06-01",
    "/api/v1/timeline/nato",
    "/api/v1/network?at=2024-06-01",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "secnet", "serve", "--port", str(port), "--db", db, "--no-access-log"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120  # the first start loads the shipped dataset
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/arrangements", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start within 120 s")


@contextlib.contextmanager
def serving(db_url: str | None) -> Iterator[tuple[str, str]]:
    """``secnet serve`` on a free loopback port over ``db_url`` (default: a fresh SQLite file with the
    shipped data), stopped on leaving: yields (database, base URL)."""
    with tempfile.TemporaryDirectory(prefix="secnet-bench-") as tmp:
        db = db_url or str(Path(tmp) / "bench.sqlite")
        port = free_port()
        proc = start_server(db, port)
        try:
            yield db, f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def paths(n: int) -> list[str]:
    out = []
    for i in range(n):
        template = READS[i % len(READS)]
        out.append(template.format(at=DATES[(i // len(READS)) % len(DATES)]))
    return out


async def scheduled_get(client: httpx.AsyncClient, path: str, due: float) -> tuple[float, int]:
    """GET ``path`` at ``due`` (a ``time.perf_counter`` time), open loop: (latency from ``due``, status; 0 if no answer)."""
    clock = time.perf_counter  # not loop.time(): uvloop's clock ticks in whole milliseconds
    await asyncio.sleep(max(0.0, due - clock()))
    try:
        res = await client.get(path)
        await res.aread()
        status = res.status_code
    except httpx.HTTPError:
        status = 0
    return clock() - due, status


async def drive(base: str, rate: float, n: int) -> dict:
    """Send ``n`` requests at ``rate`` per second; latencies from each request's scheduled time."""
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    todo = paths(n)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        clock = time.perf_counter  # not loop.time(): uvloop's clock ticks in whole milliseconds
        t0 = clock() + 0.2

        results = await asyncio.gather(*(scheduled_get(client, todo[i], t0 + i / rate) for i in range(n)))
        elapsed = clock() - t0
    lat = sorted(x for x, _ in results)
    errors = sum(1 for _, s in results if s != 200)
    q = statistics.quantiles(lat, n=100, method="inclusive")
    return {"rate": rate, "requests": n, "errors": errors, "throughput": n / elapsed,
            "p50": q[49], "p90": q[89], "p99": q[98], "max": lat[-1]}


def single(base: str, path: str, runs: int = 5) -> float:
    with httpx.Client(base_url=base, timeout=60) as c:
        c.get(path)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            c.get(path).raise_for_status()
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests-per-rate", type=int, default=2000, help="Requests sent at each rate (bounded).")
    ap.add_argument("--db", help="Database URL (default: a fresh SQLite file loaded with the shipped data).")
    args = ap.parse_args()
    with serving(args.db) as (db, base):
        for p in paths(len(READS) * len(DATES)):  # warm up every endpoint and date once
            httpx.get(base + p, timeout=30).raise_for_status()
        rows = [_run(drive(base, rate, args.requests_per_rate if rate > 50 else args.requests_per_rate // 4))
                for rate in (50, 200)]
        heavy = [(p, single(base, p)) for p in ANALYTICS]
    engine = "SQLite" if "://" not in db or db.startswith("sqlite") else db.split("://")[0]
    print(f"\nsecnet serve ({engine}, 1 uvicorn process, {os.cpu_count()} CPUs shared with the client): "
          f"main read endpoints, open-loop load")
    print("| rate (req/s) | requests | errors | throughput (req/s) | p50 | p90 | p99 | max | target |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        target = "p99 <= 50 ms" if r["rate"] == 200 else ""
        ok = "" if not target else (" met" if r["p99"] <= 0.050 else " MISSED")
        print(f"| {r['rate']:.0f} | {r['requests']} | {r['errors']} | {r['throughput']:.1f} | {ms(r['p50'])} | {ms(r['p90'])} | "
              f"{ms(r['p99'])} | {ms(r['max'])} | {target}{ok} |")
    print("\nAnalytics endpoints, one request at a time (median of 5):")
    print("| endpoint | latency |")
    print("|---|---:|")
    for p, t in heavy:
        print(f"| `{p}` | {ms(t)} |")


def _run(coro):
    """uvloop when installed (as for the server): the client then takes less of the shared CPUs."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    main()
