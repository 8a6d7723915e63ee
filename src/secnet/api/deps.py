"""What routes depend on: the live registry, the store, the caller's date.

A server answers reads from one in-memory :class:`~secnet.registry.Registry`.
Every write bumps ``data_version`` in ``secnet_meta``; each request compares
it with the version the registry was built from (one indexed read) and
rebuilds the registry when it changed, so every server process sees every
edit, its own or another's, on the next request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine

from .. import store
from ..errors import InvalidInput
from ..registry import Registry, window


class LiveRegistry:
    """The registry a server answers from, rebuilt when the database's ``data_version`` changes."""

    def __init__(self, engine: Engine, loader: Callable[[], Registry] | None = None):
        self.engine = engine
        self._loader = loader or self._from_store
        self._lock = threading.Lock()
        self._version: int | None = None
        self._registry: Registry | None = None

    def _from_store(self) -> Registry:
        return Registry(store.read_dataset(self.engine), origin=store.get_meta(self.engine).get("origin", ""))

    def seed(self, registry: Registry, version: int) -> None:
        self._registry, self._version = registry, version

    @property
    def registry(self) -> Registry:
        return self._registry

    def is_current(self) -> bool:
        return self._registry is not None and store.data_version(self.engine) == self._version

    def current(self) -> Registry:
        version = store.data_version(self.engine)
        if version != self._version or self._registry is None:
            with self._lock:
                if version != self._version or self._registry is None:
                    self._registry, self._version = self._loader(), version
        return self._registry


async def get_registry(request: Request) -> Registry:
    """The registry for this request (current with every committed edit).

    The version check is one small indexed read, done on the event loop; a
    rebuild (after a write) runs in the thread pool.
    """
    live: LiveRegistry = request.app.state.live
    if live.is_current():
        return live.registry
    return await run_in_threadpool(live.current)


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


async def at_param(at: Annotated[str | None, Query(description="A date: YYYY-MM-DD, YYYY-MM or YYYY (default: today); "
                                                        "a year or month means the whole period.")] = None) -> str | None:
    """The query date, checked up front so that a bad one is a 422 whatever the endpoint does with it."""
    at = at or None
    try:
        window(at)
    except InvalidInput as e:
        raise InvalidInput(e.message.replace("--at:", "at:", 1)) from None
    return at


Reg = Annotated[Registry, Depends(get_registry)]
Store = Annotated[Engine, Depends(get_engine)]
At = Annotated[str | None, Depends(at_param)]
