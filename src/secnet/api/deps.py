"""What routes depend on: the live registry, the store, the caller's date.

A server answers reads from one in-memory :class:`~secnet.registry.Registry`,
a *snapshot* of the database at one ``data_version`` (every write bumps it).
Readers never wait for a new snapshot:

- a write through this server builds the next snapshot itself, after its
  commit and before it answers, so its caller reads the change at once;
  while it is under way (:meth:`LiveRegistry.writing`) readers are answered
  from the served snapshot without even asking the database for its version,
  so no reader is the one that notices the write and builds the snapshot;
- the next snapshot is built beside the served one and swapped in with one
  assignment; a reader holds no lock and keeps the snapshot it started with;
- it is built *incrementally*: a write of this server hands over the dataset
  it left (:meth:`LiveRegistry.committed`), which shares every record it did
  not touch with the served one; for writes by other processes, the
  ``edit_log`` says which records the writes since the served version touched,
  only those are read back, and the rest of the dataset is shared with the old
  snapshot. A gap in the log (a ``secnet load``) means a full read instead;
- each request compares ``data_version`` with the served one (one indexed
  read), so writes by other processes are seen too: the first request to
  notice builds the snapshot, and requests arriving meanwhile are answered from
  the old one;
- building it is cheap: the new :class:`~secnet.registry.Registry` reuses what
  the old one prepared for every arrangement the writes did not touch
  (:mod:`secnet.prepared`);
- whether a snapshot's dataset passes every rule is remembered with it
  (:meth:`LiveRegistry.passes`: checked in full once, then carried over, since
  a snapshot built from one that passes passes if
  :func:`~secnet.model.rules.check_changed` finds nothing), so a write starting
  from it checks only what it changes (:meth:`LiveRegistry.dataset_at`).

Findings are cached per snapshot (:mod:`secnet.findings.cache`), so a swap
starts a fresh cache and the old one goes with the old snapshot.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine

from .. import store
from ..edits import EDITED
from ..errors import InvalidInput
from ..model import rules
from ..model.entities import Dataset
from ..registry import Registry, window

#: Each edit-log entity and the dataset collection whose record it changes.
_TOUCHES = {"source": "sources", "actor": "actors", "arrangement": "arrangements", "participation": "arrangements"}


class LiveRegistry:
    """The registry a server answers from: a snapshot, replaced when the database's ``data_version`` moves."""

    def __init__(self, engine: Engine, loader: Callable[[], Registry] | None = None):
        self.engine = engine
        self._loader = loader
        self._building = threading.Lock()  # taken by whoever builds the next snapshot; never by a plain read
        self._snapshot: tuple[int | None, Registry | None] = (None, None)
        self._writes = 0  # writes of this server under way: each builds the snapshot with its change itself
        self._count = threading.Lock()
        self._one_write = threading.Lock()  # a write of this server and the snapshot it builds, one at a time
        self._handed: tuple[int, Dataset] | None = None  # see committed()
        self._passes: weakref.WeakKeyDictionary[Registry, bool] = weakref.WeakKeyDictionary()  # see passes()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Around a write through this server: readers keep the served snapshot until the write has built the
        next one (on leaving, whether the write succeeded or not).

        The writes of this server take turns (the database serialises writers anyway; a write waits for
        its turn before it touches the database, so it holds neither a connection nor the database's lock
        while it waits). Each hands over the dataset it left (:meth:`committed`), and the next one starts
        from that (:meth:`dataset_at`) even while the snapshot is still being built: before, a write that
        began before the previous one's snapshot was swapped in read and checked the whole database,
        which at 20 writes/s made every write slower than the next one's arrival.
        """
        with self._count:
            self._writes += 1
        try:
            with self._one_write:
                yield
        finally:
            try:
                self.refresh()
            finally:
                with self._count:
                    self._writes -= 1

    @property
    def write_under_way(self) -> bool:
        return self._writes > 0 and self._snapshot[1] is not None

    def seed(self, registry: Registry, version: int) -> None:
        self._snapshot = (version, registry)

    @property
    def registry(self) -> Registry:
        return self._snapshot[1]

    @property
    def version(self) -> int | None:
        return self._snapshot[0]

    def is_current(self) -> bool:
        version, registry = self._snapshot
        return registry is not None and store.data_version(self.engine) == version

    def dataset_at(self, version: int) -> Dataset | None:
        """The database's content at ``version`` if this server has it and it passes every rule (else None):
        the dataset the last write of this server handed over, or the served one. Lets a write skip reading
        the whole database and check only what it changes (:mod:`secnet.edits`, ``base=``)."""
        handed = self._handed
        if self._loader is None and handed is not None and handed[0] == version:
            return handed[1]  # a write's result passes every rule: it was checked before its commit
        served, registry = self._snapshot
        if self._loader is not None or registry is None or served != version:
            return None  # a loader's registry (e.g. from YAML) is not the database's content
        return registry.dataset if self.passes(registry) else None

    def committed(self, version: int, dataset: Dataset) -> None:
        """Told by a write of this server (:mod:`secnet.edits`, ``committed=``), after its commit: ``dataset`` is
        the database's content at ``version`` and passes every rule. The next snapshot is built from it
        instead of reading the changed records back, if the database is still at that version."""
        self._handed = (version, dataset)

    def passes(self, registry: Registry) -> bool:
        """Whether ``registry``'s dataset passes every rule of :mod:`secnet.model.rules`: checked in full the
        first time it is asked (the first write after a start or a full read), then remembered per snapshot."""
        known = self._passes.get(registry)
        if known is None:
            known = self._passes[registry] = next(rules.check(registry.dataset), None) is None
        return known

    def current(self) -> Registry:
        """For a reader: the newest snapshot, built now unless another request is building it or a write of this
        server will (then the served one)."""
        if self.write_under_way:
            return self._snapshot[1]
        if self._snapshot[1] is not None:
            if not self._building.acquire(blocking=False):
                return self._snapshot[1]
        else:
            self._building.acquire()  # nothing to serve yet: wait
        try:
            self._refresh()
        finally:
            self._building.release()
        return self._snapshot[1]

    def refresh(self) -> Registry:
        """For a writer, after its commit: wait for the builder, then make sure the snapshot includes the write."""
        with self._building:
            self._refresh()
        return self._snapshot[1]

    def _refresh(self) -> None:
        served, old = self._snapshot
        version = store.data_version(self.engine)
        if old is not None and version == served:
            return
        if self._loader is not None:
            self._snapshot = (version, self._loader())
            return
        handed = self._handed  # kept: the next write may start from it (dataset_at)
        if old is not None and handed is not None and handed[0] == version:
            new = Registry(handed[1], origin=EDITED, previous=old)
            self._passes[new] = True  # a write's result is checked before it commits
            self._snapshot = (version, new)
            return
        new = self._apply(old, served) if old is not None else None
        self._snapshot = new or self._read_all()

    def _read_all(self) -> tuple[int, Registry]:
        while True:  # the version read before and after the content: equal means no write came in between
            version = store.data_version(self.engine)
            ds, meta = store.read_dataset(self.engine), store.get_meta(self.engine)
            if store.data_version(self.engine) == version:
                return version, Registry(ds, origin=meta.get("origin", ""))

    def _apply(self, old: Registry, served: int) -> tuple[int, Registry] | None:
        """The next snapshot from ``old`` and the records that the writes since ``served`` touched, or None
        when the edit log does not account for every write (then the whole database is read)."""
        for _ in range(3):
            target = store.data_version(self.engine)
            entries = [e for e in store.edits_after(self.engine, served) if e["data_version"] <= target]
            if [e["data_version"] for e in entries] != list(range(served + 1, target + 1)):
                return None
            touched: dict[str, set[str]] = {"sources": set(), "actors": set(), "arrangements": set()}
            for e in entries:
                touched[_TOUCHES[e["entity"]]].add(e["arrangement"] if e["entity"] == "participation" else e["entity_id"])
            fresh = store.read_records(self.engine, **touched)
            if store.data_version(self.engine) != target:
                continue  # another write committed while reading: read again
            parts = {}
            for name, ids in touched.items():
                records = dict(getattr(old.dataset, name))
                for ident in ids:
                    found = getattr(fresh, name).get(ident)
                    if found is None:
                        records.pop(ident, None)
                    else:
                        records[ident] = found
                parts[name] = records
            origin = store.get_meta(self.engine).get("origin", "")
            ds = Dataset.model_construct(**parts)
            new = Registry(ds, origin=origin, previous=old)
            if self._passes.get(old):  # then only what changed needs a look; else unknown until a write asks
                self._passes[new] = next(rules.check_changed(old.dataset, ds), None) is None
            return target, new
        return None


async def get_registry(request: Request) -> Registry:
    """The registry for this request (current with every committed edit, unless one is being applied).

    The version check is one small indexed read, done on the event loop;
    building a new snapshot runs in the thread pool.
    """
    live: LiveRegistry = request.app.state.live
    if live.write_under_way or live.is_current():
        return live.registry
    return await run_in_threadpool(live.current)


async def get_live(request: Request) -> LiveRegistry:
    return request.app.state.live


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
Live = Annotated[LiveRegistry, Depends(get_live)]
Store = Annotated[Engine, Depends(get_engine)]
At = Annotated[str | None, Depends(at_param)]
