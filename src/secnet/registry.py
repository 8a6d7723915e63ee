"""The query surface: who takes part in what, in which role, when, and on whose word.

A :class:`Registry` holds one dataset in memory (read from the store, or built
from YAML or a scenario) and answers questions for a date or a window of days:

- ``as_of(at)``: the whole system at a date;
- ``members(arrangement, at=, role=)``, ``partners(arrangement, at=)``;
- ``arrangements_of(actor, at=)``, ``history(arrangement)``, ``diff(...)``;
- ``search(text)``, ``sources_for(fact)``.

Date semantics (see :mod:`secnet.model.dates`): intervals are half-open; a
query date written as a year or a month is the whole year or month, and a fact
dated only to a year or month is *possibly* in effect inside that period. Every
row carries ``certain``: false where imprecise dates leave it open.

Rows are plain dicts with at least ``actor_id``, ``name``, ``iso3``,
``cow_code``, ``role``, ``start``, ``end``, ``arrangement_id`` and ``sources``.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from . import store
from .errors import InvalidInput, UnknownActor, UnknownArrangement, UnknownId
from .ingest.dataset import dataset_digest, load_dataset
from .model import vocab
from .model.dates import Window
from .model.entities import Actor, Arrangement, Dataset, Participation, Source
from .prepared import ROW_COLUMNS, prepare

if TYPE_CHECKING:  # pandas is imported where tables are built: a CLI call that needs none starts faster
    import pandas as pd



_T = TypeVar("_T")

#: Arrangement kinds whose parent's members take part in them too (see ``Registry.participants``).
INHERITING_KINDS = frozenset({"partnership_framework", "consultative_body"})


def window(at: object = None, where: str = "--at") -> Window:
    """The query window for ``at`` (a date, ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``; default today).

    ``where`` names the option in the error for a malformed date (``--from: not a date ...``).
    """
    try:
        return at if isinstance(at, Window) else Window.at(at)
    except ValueError as e:
        raise InvalidInput(f"{where}: {e}") from None


def diff_windows(from_: object, to: object, names: tuple[str, str] = ("--from", "--to")) -> tuple[Window, Window]:
    """The two windows of a diff, each error naming its own option; refused when ``from_`` starts after ``to``
    (a diff runs forwards in time: swap the dates to see the changes the other way round)."""
    w0, w1 = window(from_, names[0]), window(to, names[1])
    if w0.lo > w1.lo:
        raise InvalidInput(f"{names[0]} {w0.label} is later than {names[1]} {w1.label}: give the earlier date as {names[0]}")
    return w0, w1


@dataclass
class Snapshot:
    """The system at a date: the arrangements alive and every participation in effect."""

    at: Window
    arrangements: list[Arrangement]
    registry: Registry = field(repr=False)

    @cached_property
    def rows(self) -> list[dict]:
        """Every participation in effect, as dicts (see :data:`ROW_COLUMNS`)."""
        return self.registry.rows_at(np.arange(len(self.registry._parts), dtype=np.int64), self.at)

    def table(self) -> pd.DataFrame:
        """The same as a DataFrame, built without a Python loop over rows."""
        return self.registry._table(self.at)


class Registry:
    """An in-memory registry over one :class:`Dataset`.

    ``previous``: a registry over a dataset that shares most of its records with
    this one (the one a server served before a write); what it prepared for the
    records both share is reused (:mod:`secnet.prepared`), and the answers are
    the same as without it. Each registry keeps its own caches: a new snapshot
    starts empty and shares nothing mutable with the one it replaces.
    """

    def __init__(self, dataset: Dataset, *, origin: str = "", previous: Registry | None = None):
        self.dataset = dataset
        self.origin = origin
        self.actors: dict[str, Actor] = dataset.actors
        self.arrangements: dict[str, Arrangement] = dataset.arrangements
        self.sources: dict[str, Source] = dataset.sources
        self.prepared = prep = prepare(dataset, previous.prepared if previous is not None else None)
        self._parts: list[Participation] = prep.parts
        self._s0, self._s1, self._e0, self._e1 = prep.s0, prep.s1, prep.e0, prep.e1
        self._by_arr, self._by_actor, self._children = prep.by_arr, prep.by_actor, prep.children
        self._static = prep.static
        self._memo_lock = threading.Lock()
        self._participants_memo: dict[tuple[str, Window], tuple[dict, ...]] = {}
        self._roster_memo: dict[Window, dict[str, tuple[tuple[str, str], ...]]] = {}

    @cached_property
    def _frame(self) -> pd.DataFrame:
        """The static columns of every participation, built on the first table asked for."""
        import pandas as pd

        return pd.DataFrame(self._static, columns=[c for c in ROW_COLUMNS if c not in ("cow_code", "cow_abb", "certain")])

    def _memo(self, memo: dict, limit: int, key: Hashable, compute: Callable[[], _T]) -> _T:
        """``compute()``, remembered in ``memo`` (one of this registry's own) under ``key``; the oldest entry
        goes when ``limit`` is reached. A registry never changes, and analytics ask the same date repeatedly."""
        hit = memo.get(key)
        if hit is None:
            hit = compute()
            with self._memo_lock:
                if len(memo) >= limit:
                    del memo[next(iter(memo))]
                memo[key] = hit
        return hit

    # --- construction ---------------------------------------------------------------

    @classmethod
    def from_yaml(cls, path=None) -> Registry:
        return cls(load_dataset(path), origin=str(path or "shipped"))

    @classmethod
    def open(cls, db: str | None = None) -> Registry:
        """The registry in a database, loading the shipped dataset on first use.

        A database loaded from the shipped dataset is refreshed when the shipped
        files change; one loaded from elsewhere (or edited) is never overwritten.
        """
        engine = store.connect(db)
        meta = store.get_meta(engine)
        if store.is_empty(engine) or (meta.get("origin") == "shipped" and meta.get("digest") != dataset_digest()):
            load(engine=engine)
        return cls(store.read_dataset(engine), origin=store.get_meta(engine).get("origin", ""))

    # --- resolving ids ---------------------------------------------------------------

    def actor(self, ident: str) -> Actor:
        return self.actors[self.actor_id(ident)]

    def actor_id(self, ident: str) -> str:
        if ident in self.actors:
            return ident
        for cand in (ident.upper(), ident.lower()):
            if cand in self.actors:
                return cand
        low = ident.casefold()
        for a in self.actors.values():
            if a.name.casefold() == low or any(x.casefold() == low for x in a.aliases):
                return a.id
        raise UnknownActor(ident, self.actors)

    def arrangement(self, ident: str) -> Arrangement:
        return self.arrangements[self.arrangement_id(ident)]

    def arrangement_id(self, ident: str) -> str:
        if ident in self.arrangements:
            return ident
        if ident.lower() in self.arrangements:
            return ident.lower()
        low = ident.casefold()
        for a in self.arrangements.values():
            if a.name.casefold() == low or any(x.casefold() == low for x in a.aliases):
                return a.id
        raise UnknownArrangement(ident, self.arrangements)

    def descendants(self, arrangement: str) -> list[str]:
        """The arrangement's children, grandchildren, ... (not itself)."""
        out, todo = [], list(self._children.get(arrangement, []))
        while todo:
            cur = todo.pop(0)
            out.append(cur)
            todo.extend(self._children.get(cur, []))
        return out

    # --- rows -------------------------------------------------------------------------

    def _select(self, idx: np.ndarray, w: Window) -> tuple[np.ndarray, np.ndarray]:
        """Of the participations ``idx``, those possibly in effect in ``w``, and which of them certainly."""
        lo, hi = w.lo, w.hi
        s0, s1, e0, e1 = self._s0[idx], self._s1[idx], self._e0[idx], self._e1[idx]
        possible = (s0 < hi) & (e1 > lo)
        certain = (s1 < hi) & (e0 > lo) & (s1 < e0)
        return idx[possible], certain[possible]

    def _cow(self, actor_ids, w: Window) -> dict[str, tuple]:
        out = {}
        for aid in actor_ids:
            a = self.actors.get(aid)
            spell = a.cow_at(w.lo) if a else None
            out[aid] = (spell.code, spell.abb) if spell else (None, None)
        return out

    def rows_at(self, idx: np.ndarray, w: Window) -> list[dict]:
        """Rows (:data:`ROW_COLUMNS`) of the participations at positions ``idx`` of :attr:`prepared` that are
        possibly in effect in ``w``, sorted by arrangement, name and start."""
        if idx.size == 0:
            return []
        sel, certain = self._select(idx, w)
        out = []
        cow = self._cow({self._parts[i].actor for i in sel.tolist()}, w)
        for i, c in zip(sel.tolist(), certain.tolist()):
            row = dict(self._static[i])
            row["cow_code"], row["cow_abb"] = cow[row["actor_id"]]
            row["certain"] = bool(c)
            out.append(row)
        out.sort(key=lambda r: (r["arrangement_id"], r["name"], r["start"]))
        return out

    def _table(self, w: Window) -> pd.DataFrame:
        sel, certain = self._select(np.arange(len(self._parts), dtype=np.int64), w)
        t = self._frame.iloc[sel].reset_index(drop=True)
        cow = self._cow(t["actor_id"].unique().tolist(), w)
        t["cow_code"] = t["actor_id"].map({a: c[0] for a, c in cow.items()}).astype("Int64")
        t["cow_abb"] = t["actor_id"].map({a: c[1] for a, c in cow.items()})
        t["certain"] = certain
        return t[ROW_COLUMNS]

    # --- queries ------------------------------------------------------------------------

    def as_of(self, at: object = None) -> Snapshot:
        """The whole system at ``at``: arrangements alive and participations in effect."""
        w = window(at)
        alive = [
            a for a in self.arrangements.values()
            if a.founded.first < w.stop and (a.ended is None or a.ended.last > w.first)
        ]
        return Snapshot(at=w, arrangements=alive, registry=self)

    def participation_table(self, at: object = None) -> pd.DataFrame:
        """Every participation in effect at ``at``, one row each (columns :data:`ROW_COLUMNS`)."""
        return self.as_of(at).table()

    def members(self, arrangement: str, at: object = None, role: str | None = None) -> list[dict]:
        """Actors in a member-type role (or exactly ``role``) of ``arrangement`` at ``at``."""
        aid = self.arrangement_id(arrangement)
        idx = self._by_arr.get(aid, np.empty(0, dtype=np.int64))
        if role is not None:
            check_role(role)
            rows = self.rows_at(idx, window(at))
            return [r for r in rows if r["role"] == role]
        return [r for r in self.rows_at(idx, window(at)) if r["category"] == "member"]

    def partners(self, arrangement: str, at: object = None) -> list[dict]:
        """Actors in a partner-type role in ``arrangement`` or any child framework, not members of it.

        One row per actor and framework (``arrangement_id`` says which), so an
        actor that is both a PfP and an EOP partner appears twice.
        """
        aid = self.arrangement_id(arrangement)
        w = window(at)
        member_ids = {r["actor_id"] for r in self.members(aid, at=w)}
        out = []
        for fid in [aid, *self.descendants(aid)]:
            idx = self._by_arr.get(fid, np.empty(0, dtype=np.int64))
            out.extend(
                r for r in self.rows_at(idx, w)
                if vocab.ROLES[r["role"]] in vocab.PARTNER_CATEGORIES and r["actor_id"] not in member_ids
            )
        return out

    def participants(self, arrangement: str, at: object = None) -> list[dict]:
        """Everyone taking part in ``arrangement`` at ``at``, in any role.

        A partnership framework or consultative body also includes the members of
        its parent (``inherited_from`` names it): the Partnership for Peace is the
        allies *and* the partners, though the dataset lists only the partners.
        """
        aid = self.arrangement_id(arrangement)
        return [dict(r) for r in self._participants(aid, window(at))]

    def _participants(self, aid: str, w: Window) -> tuple[dict, ...]:
        return self._memo(self._participants_memo, 4096, (aid, w), lambda: self._participants_at(aid, w))

    def _participants_at(self, aid: str, w: Window) -> tuple[dict, ...]:
        rows = self.rows_at(self._by_arr.get(aid, np.empty(0, dtype=np.int64)), w)
        for r in rows:
            r["inherited_from"] = None
        arr = self.arrangements[aid]
        if arr.parent and arr.kind in INHERITING_KINDS:
            own = {r["actor_id"] for r in rows}
            for m in self.members(arr.parent, at=w):
                if m["actor_id"] not in own:
                    rows.append({**m, "arrangement_id": aid, "inherited_from": arr.parent})
        return tuple(rows)

    def roster(self, at: object = None) -> dict[str, tuple[tuple[str, str], ...]]:
        """``arrangement id -> ((actor_id, role), ...)``: who takes part in what at ``at``, in one pass.

        The same people and roles as :meth:`participants` for every arrangement
        at once (a framework's inherited parent members included), without the
        row dicts: the fast path for the network analytics. An actor appears
        once per participation in effect, so twice if its role changed inside
        the window. Arrangements nobody takes part in are left out.
        """
        return self._roster(window(at))

    def _roster(self, w: Window) -> dict[str, tuple[tuple[str, str], ...]]:
        return self._memo(self._roster_memo, 256, w, lambda: self._roster_at(w))

    def _roster_at(self, w: Window) -> dict[str, tuple[tuple[str, str], ...]]:
        sel, _ = self._select(np.arange(len(self._parts), dtype=np.int64), w)
        own: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for i in sel.tolist():
            p = self._parts[i]
            own[p.arrangement].append((p.actor, p.role))
        out = {aid: tuple(rows) for aid, rows in own.items()}
        for aid, arr in self.arrangements.items():
            if arr.parent and arr.kind in INHERITING_KINDS:
                rows = own.get(aid, [])
                mine = {a for a, _ in rows}
                inherited = [(a, role) for a, role in own.get(arr.parent, ())
                             if vocab.ROLES[role] == "member" and a not in mine]
                if rows or inherited:
                    out[aid] = (*rows, *inherited)
        return out

    def arrangements_of(self, actor: str, at: object = None) -> list[dict]:
        """Every participation of ``actor`` in effect at ``at``, with the arrangement's name and kind."""
        aid = self.actor_id(actor)
        rows = self.rows_at(self._by_actor.get(aid, np.empty(0, dtype=np.int64)), window(at))
        for r in rows:
            arr = self.arrangements[r["arrangement_id"]]
            r["arrangement_name"], r["arrangement_kind"], r["relation"] = arr.name, arr.kind, arr.relation
        return rows

    def history(self, arrangement: str) -> list[dict]:
        """Founding, joins, exits, role changes and ending of ``arrangement``, in date order.

        An exit and an entry of the same actor on the same date become one
        ``changed`` event (e.g. Finland: applicant -> member on 2023-04-04).
        """
        from .changes import history

        return history(self, arrangement)

    def diff(self, arrangement: str | None, from_: object, to: object) -> list[dict]:
        """What changed between two dates: joins, exits and role changes, per arrangement.

        ``certain`` is false where an imprecise date leaves the state at either date
        open: a member "by 2014" (``[..2014]``) possibly held at 2010 and surely at
        2015 is reported as ``joined`` with ``certain: false``, never silently left out.
        """
        from .changes import diff

        return diff(self, arrangement, from_, to)

    def search(self, text: str, limit: int = 50) -> list[dict]:
        """Actors, arrangements and sources whose id, name, aliases or title contain ``text``."""
        q = text.strip().casefold()
        if not q:
            raise InvalidInput("search: give a word to look for")
        hits = []

        def score(ident: str, names: list[str]) -> int | None:
            """0: the id, 1: a name, 2: the start of either, 3: inside either; None: no match. Each text is
            case-folded once, and most records are turned away after one look for ``q`` inside them."""
            folded_id, folded = ident.casefold(), [n.casefold() for n in names]
            hits = [n for n in (folded_id, *folded) if q in n]
            if not hits:
                return None
            if folded_id == q:
                return 0
            if q in folded:
                return 1
            return 2 if any(n.startswith(q) for n in hits) else 3

        for a in self.actors.values():
            s = score(a.id, [a.name, *a.aliases])
            if s is not None:
                hits.append({"type": "actor", "id": a.id, "name": a.name, "kind": a.kind, "score": s})
        for a in self.arrangements.values():
            s = score(a.id, [a.name, *a.aliases])
            if s is not None:
                hits.append({"type": "arrangement", "id": a.id, "name": a.name, "kind": a.kind, "score": s})
        for src in self.sources.values():
            s = score(src.id, [src.title, src.publisher])
            if s is not None:
                hits.append({"type": "source", "id": src.id, "name": src.title, "kind": src.kind, "score": s + 1})
        hits.sort(key=lambda h: (h["score"], h["type"], h["name"]))
        return hits[:limit]

    def sources_for(self, fact: str) -> list[dict]:
        """The sources behind a fact: a source id, an actor, an arrangement, or a participation
        (``arrangement:actor`` or its full key ``arrangement:actor:role:start``)."""
        out: list[tuple[str, str]] = []
        if fact in self.sources:
            out.append((fact, fact))
        if ":" in fact:
            parts = fact.split(":")
            arr_id, actor_id = self.arrangement_id(parts[0]), self.actor_id(parts[1])
            for i in self._by_arr.get(arr_id, np.empty(0, dtype=np.int64)).tolist():
                p = self._parts[i]
                if p.actor == actor_id and p.key.startswith(":".join([arr_id, actor_id, *parts[2:]])):
                    out.extend((p.key, s) for s in p.sources)
            if not out:
                raise UnknownId(fact, [self._parts[i].key for i in self._by_arr.get(arr_id, [])])
        else:
            found = bool(out)
            try:
                arr = self.arrangement(fact)
                found = True
                out.extend((arr.id, s) for s in arr.sources + arr.founded_sources)
                out.extend((f"{arr.id}: {o.type} ({o.article or 'obligation'})", s) for o in arr.obligations for s in o.sources)
            except UnknownArrangement:
                pass
            try:
                actor = self.actor(fact)
                found = True
                out.extend((actor.id, s) for s in actor.sources)
            except UnknownActor:
                pass
            if not found:
                raise UnknownId(fact, [*self.arrangements, *self.actors, *self.sources])
        rows = []
        for what, sid in dict.fromkeys(out):
            s = self.sources[sid]
            rows.append({"fact": what, "source_id": sid, "title": s.title, "publisher": s.publisher,
                         "url": s.url, "date": None if s.date is None else str(s.date), "kind": s.kind})
        return rows


def check_role(role: str) -> None:
    if role not in vocab.ROLES:
        from .errors import suggest

        hint = suggest(role, vocab.ROLES, n=1)
        raise InvalidInput(f"unknown role '{role}'" + (f"; did you mean {hint[0]}?" if hint else ""))


def load(path=None, *, db: str | None = None, engine=None, force: bool = False) -> Dataset:
    """Validate a dataset directory (the shipped one by default) and load it, in one transaction.

    Validation failure raises before the database is touched. A database with
    team edits not yet dumped is refused (:class:`~secnet.errors.UnsavedEdits`)
    unless ``force``.
    """
    ds = load_dataset(path)
    engine = engine if engine is not None else store.connect(db)
    origin = "shipped" if path is None else f"path:{path}"
    store.write_dataset(engine, ds, origin=origin, digest=dataset_digest(path), force=force)
    return ds
