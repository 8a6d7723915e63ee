"""Findings kept per registry snapshot, so the dashboard's home page and the API answer at once after the first ask.

A registry never changes once built (a write builds a new one), so the findings
of one registry at one date stay true for as long as that registry is served.
The cache is keyed weakly by the registry: when the server swaps in a new one,
the old answers go with it.
"""

from __future__ import annotations

import copy
import threading
import weakref

from ..registry import Registry, window
from . import findings

_LIMIT = 64
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def cached_findings(r: Registry, at: object = None, since: object = None) -> list[dict]:
    """:func:`secnet.findings.findings`, remembered per registry, date and since-date (a copy each time)."""
    key = (window(at).label, None if since is None else window(since).label)
    with _lock:
        per = _cache.setdefault(r, {})
        hit = per.get(key)
    if hit is None:
        hit = findings(r, at, since)
        with _lock:
            if len(per) >= _LIMIT:
                per.pop(next(iter(per)))
            per[key] = hit
    return copy.deepcopy(hit)
