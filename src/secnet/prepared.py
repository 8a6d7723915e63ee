"""Participations made ready for queries: the arrays and rows a :class:`~secnet.registry.Registry` answers from.

A registry answers "who takes part, in which role, at a date" by selecting the
participations whose day bounds meet the query window (numpy, see
:meth:`Registry._select`) and copying their static row dicts. Making those for
every participation (about 1,600 in the shipped data) is most of the cost of a
new registry, and a team server builds one after every write. So the work is
kept per arrangement and reused:

- a :class:`Block` is one arrangement's participations, their bounds (``k x 4``
  day ordinals: start first/last, end first/last, see
  :func:`secnet.model.dates.bounds`) and static rows, together with the
  arrangement and the actor objects they were made from;
- a :class:`Prepared` is the whole dataset's: the blocks laid end to end in
  arrangement order, index arrays by arrangement and by actor, and each
  arrangement's children.

``prepare(dataset, previous)`` takes a block over from ``previous`` when its
arrangement is the very same object and none of the actors its participations
name is a different object (or missing) in ``dataset`` than in ``previous``'s
dataset. Records are frozen, so the same object means the same content, and
the result always equals a fresh ``prepare(dataset)``; a server applying a
write (which replaces only the records it touched, :mod:`secnet.api.deps`)
rebuilds only those blocks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .model.dates import bounds, precision
from .model.entities import Actor, Arrangement, Dataset, Participation

#: The columns of a participation row (the static ones come from :func:`static_row`; ``cow_code``,
#: ``cow_abb`` and ``certain`` depend on the query date).
ROW_COLUMNS = [
    "arrangement_id", "actor_id", "name", "kind", "iso3", "cow_code", "cow_abb",
    "role", "category", "start", "end", "start_precision", "end_precision", "certain", "sources", "note", "key",
]


def static_row(p: Participation, a: Actor | None) -> dict:
    """What a row says about ``p`` whatever the query date: the actor ``a`` it names (None if unknown) and its span."""
    return {
        "arrangement_id": p.arrangement,
        "actor_id": p.actor,
        "name": a.name if a else p.actor,
        "kind": a.kind if a else None,
        "iso3": a.iso3 if a else None,
        "role": p.role,
        "category": p.category,
        "start": str(p.start),
        "end": None if p.end is None else str(p.end),
        "start_precision": p.start.precision,  # day | month | year | not_after ("[..2014]": by 2014)
        "end_precision": precision(p.end),
        "sources": list(p.sources),
        "note": p.note,
        "key": p.key,
    }


@dataclass(frozen=True, eq=False)
class Block:
    """One arrangement's participations made ready: their ``bounds`` and ``static`` rows, made from
    ``arrangement`` and the actors (by id: ``actor_ids``) of the dataset it was made in."""

    arrangement: Arrangement
    actor_ids: frozenset[str]
    bounds: np.ndarray
    static: tuple[dict, ...]

    @classmethod
    def make(cls, arr: Arrangement, actors: dict[str, Actor]) -> Block:
        parts = arr.participations
        b = np.array([bounds(p.start, p.end) for p in parts], dtype=np.int64).reshape(len(parts), 4)
        b.flags.writeable = False  # shared by every snapshot that reuses the block
        return cls(arr, frozenset(p.actor for p in parts), b, tuple(static_row(p, actors.get(p.actor)) for p in parts))


@dataclass(frozen=True, eq=False)
class Prepared:
    """Every participation of a dataset made ready for queries (see the module docstring).

    ``parts[i]`` has day bounds ``s0[i], s1[i], e0[i], e1[i]`` and row ``static[i]``;
    ``by_arr`` and ``by_actor`` give the positions of an arrangement's or actor's
    participations (ids without any are absent); ``children`` the arrangements
    whose parent an arrangement is, in dataset order.
    """

    blocks: dict[str, Block]
    actors: dict[str, Actor]
    parts: list[Participation]
    s0: np.ndarray
    s1: np.ndarray
    e0: np.ndarray
    e1: np.ndarray
    static: list[dict]
    by_arr: dict[str, np.ndarray]
    by_actor: dict[str, np.ndarray]
    children: dict[str, list[str]]


def prepare(ds: Dataset, previous: Prepared | None = None) -> Prepared:
    """``ds`` made ready for queries, taking over the blocks of ``previous`` that still fit (see the module docstring)."""
    old = previous.blocks if previous is not None else {}
    changed: set[str] = set()  # actors that are not the same object as when previous's blocks were made
    if previous is not None:
        before = previous.actors
        changed = {k for k, a in ds.actors.items() if before.get(k) is not a} | (before.keys() - ds.actors.keys())
    blocks: dict[str, Block] = {}
    for aid, arr in ds.arrangements.items():
        block = old.get(aid)
        fits = block is not None and block.arrangement is arr and block.actor_ids.isdisjoint(changed)
        blocks[aid] = block if fits else Block.make(arr, ds.actors)
    parts = [p for arr in ds.arrangements.values() for p in arr.participations]
    b = np.concatenate([blk.bounds for blk in blocks.values()]) if blocks else np.empty((0, 4), dtype=np.int64)
    every = np.arange(len(parts), dtype=np.int64)
    every.flags.writeable = False
    by_arr: dict[str, np.ndarray] = {}
    start = 0
    for aid, blk in blocks.items():
        k = len(blk.static)
        if k:
            by_arr[aid] = every[start:start + k]
        start += k
    by_actor: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(parts):
        by_actor[p.actor].append(i)
    children: dict[str, list[str]] = defaultdict(list)
    for arr in ds.arrangements.values():
        if arr.parent:
            children[arr.parent].append(arr.id)
    return Prepared(
        blocks=blocks, actors=ds.actors, parts=parts, s0=b[:, 0], s1=b[:, 1], e0=b[:, 2], e1=b[:, 3],
        static=[row for blk in blocks.values() for row in blk.static],
        by_arr=by_arr, by_actor={k: np.array(v, dtype=np.int64) for k, v in by_actor.items()}, children=dict(children),
    )
