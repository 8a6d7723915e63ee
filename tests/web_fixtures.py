"""Fixtures for the web dashboard: the app on a temp SQLite file, a live uvicorn server, Debian's Chromium.

Imported by ``tests/test_web.py``. The server runs in a background thread on
127.0.0.1 and a free port; the browser is Debian's ``/usr/bin/chromium``
driven by Playwright (browsers cannot be downloaded here).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SECNET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VENDOR = Path(__file__).parent.parent / "src" / "secnet" / "web" / "static" / "vendor"


def make_app(db: str):
    from secnet.api.app import create_app

    return create_app(db)


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> str:
    """A temp SQLite file loaded with the shipped dataset (on first open)."""
    return f"sqlite:///{tmp_path_factory.mktemp('web') / 'secnet.sqlite'}"


@pytest.fixture(scope="session")
def web_app(web_db):
    return make_app(web_db)


class LiveServer:
    """uvicorn serving an app in a daemon thread on 127.0.0.1 and a free port."""

    def __init__(self, app):
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(web_app):
    with LiveServer(web_app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright, once per session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)")
    if not (VENDOR / "htmx.min.js").exists():
        pytest.fail(f"web assets missing in {VENDOR}: run scripts/web-assets.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Tab:
    """A browser page that records console errors, uncaught exceptions and failed requests."""

    page: object
    base: str
    errors: list[str] = field(default_factory=list)

    def open(self, path: str):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page


@pytest.fixture
def tab(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    t = Tab(page, live_server.url)
    page.on("console", lambda m: t.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: t.errors.append(f"uncaught: {e}"))
    page.on("response", lambda r: t.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield t
    context.close()
