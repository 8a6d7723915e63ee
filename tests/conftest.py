"""Shared fixtures: an isolated database per test, the CLI in-process, PostgreSQL on demand."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from secnet import cli

# The web fixtures (server, Chromium) live in one place so that a session opens one
# Playwright driver: fixtures imported into two test modules are two fixtures, and a
# second sync_playwright() inside the first one's loop fails.
from .web_fixtures import browser, live_server, tab, web_app, web_db  # noqa: F401,E402 - fixtures

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parent

# The research engine caches reference files in the user cache dir: the suite uses its own
# (set before any test runs, so subprocesses inherit it too), never the user's.
_CACHE = tempfile.mkdtemp(prefix="secnet-test-cache-")
os.environ["SECNET_CACHE_DIR"] = _CACHE

#: Tool directories that tests may fill (byte code, pytest and hypothesis state).
_TOOL_PATHS = ("__pycache__", ".pytest_cache", ".hypothesis", ".venv/", "node_modules/", ".egg-info/")


def working_tree_state(repo: Path = REPO) -> set[str] | None:
    """``git status --porcelain --ignored`` of the checkout, without tool directories; None outside git.

    Ignored files count too: a test that leaves ``x.sqlite`` or ``out/`` in the
    checkout wrote into it, even if git would not commit the file.
    """
    try:
        done = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--ignored"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return {line for line in done.stdout.splitlines() if line and not any(t in line for t in _TOOL_PATHS)}


def pytest_sessionstart(session):
    session.config._secnet_tree = working_tree_state()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run when the working tree changed during the suite (a test wrote into the checkout)."""
    shutil.rmtree(_CACHE, ignore_errors=True)
    before = getattr(session.config, "_secnet_tree", None)
    after = working_tree_state()
    if before is None or after is None or before == after:
        return
    changed = sorted((after - before) | (before - after))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = "the working tree changed during the tests (write to tmp_path instead): " + "; ".join(changed[:10])
    if reporter is not None:
        reporter.write_line(f"FAILED {message}", red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A free loopback port unless one is given: two test runs at once must not collide.
PG_PORT = int(os.environ.get("SECNET_TEST_PG_PORT") or _free_port())


@pytest.fixture(autouse=True)
def isolated_db(tmp_path, monkeypatch):
    """Every test gets its own default SQLite file; the user's database is never touched."""
    url = f"sqlite:///{tmp_path / 'secnet.sqlite'}"
    monkeypatch.setenv("SECNET_DATABASE_URL", url)
    return url


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys):
    """Run the CLI in-process: ``run("members", "nato", "--format", "json")``."""

    def _run(*args: str) -> Result:
        capsys.readouterr()
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def mini(tmp_path) -> Path:
    """A writable copy of the small hand-built dataset in tests/fixtures/mini."""
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest)
    return dest


# --- PostgreSQL: a throw-away cluster started from Debian's package -------------------------


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def pg_server():
    """Start PostgreSQL on a free loopback port in a temp dir; yield a URL factory; stop it afterwards."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: run `make test` (it installs Debian's postgresql)")
    base = Path(tempfile.mkdtemp(prefix="secnet-pg-"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"]),
                   check=True, capture_output=True)
    opts = f"-p {PG_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start"]),
                   check=True, capture_output=True)
    counter = iter(range(10**6))

    def new_database() -> str:
        name = f"secnet_test_{next(counter)}_{int(time.time() * 1000) % 10**6}"
        subprocess.run([str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
                       check=True, capture_output=True)
        return f"postgresql://postgres@127.0.0.1:{PG_PORT}/{name}"

    try:
        yield new_database
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty database on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite'}"
    return request.getfixturevalue("pg_server")()


@pytest.fixture(scope="session")
def research_dir() -> Path:
    """The peacesciencer research files (../shared/data/peacesciencer beside the repo, or $SECNET_PEACESCIENCER_DIR)."""
    env = os.environ.get("SECNET_PEACESCIENCER_DIR")
    path = Path(env) if env else HERE.parent.parent / "shared" / "data" / "peacesciencer"
    if not path.is_dir():
        pytest.fail(f"research data not found at {path}: put ../shared beside the repository")
    return path


@pytest.fixture(scope="session")
def shipped():
    """The registry over the shipped dataset (read-only: a Registry never changes), built once."""
    from secnet.registry import Registry

    return Registry.from_yaml()
