"""The files under ``/static/`` that the pages load, and which of them are not installed.

The browser libraries (``static/vendor/``: htmx, Cytoscape.js, vis-timeline,
d3, world-atlas, with their licences) come from npm through
``scripts/web-assets.sh``, which ``make run`` and ``make test`` call; they are
not committed. A wheel built after that step carries them as package data
(``web/static/**/*``). ``secnet serve`` warns when they are missing: the API
works without them, the dashboard's drawings do not.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent
STATIC = HERE / "static"
#: ``/static/...`` in a template's ``src``/``href`` or in a script's string literal.
_REFERENCE = re.compile(r"""["'](/static/[^"'?#\s{}$`]+)""")


def referenced() -> list[str]:
    """Every ``/static/...`` path named by a template or by one of our scripts, sorted."""
    found: set[str] = set()
    for f in [*(HERE / "templates").glob("*.html"), *STATIC.glob("*.js")]:
        found.update(_REFERENCE.findall(f.read_text(encoding="utf-8")))
    return sorted(found)


def missing() -> list[str]:
    """The referenced paths with no file behind them (before ``make web-assets``: the vendor files)."""
    return [p for p in referenced() if not (STATIC / p.removeprefix("/static/")).is_file()]
