"""Vectorised joins on integer keys, on numpy arrays only (no pandas).

Keys are (ccode1, ccode2, year) for dyad-years and (ccode, year) for
state-years; every join is a handful of array operations, never a Python loop
over dyads. Row -1 means "the source has no row"; :func:`take` turns it into
a missing value (or 0 inside the source's temporal domain). A source table is
an Arrow table or a pandas DataFrame (read through
:func:`secnet.research.tables.column`); a result column is a float64 array
(NaN = missing) or a :class:`~secnet.research.tables.Masked` pair of whole
numbers and their missing mask. :mod:`secnet.research.joins` wraps these for
pandas panels; :mod:`secnet.research.chain` builds Arrow panels with them.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from secnet.errors import InvalidData
from secnet.research.tables import Masked, whole_numbers


def _codes(array: np.ndarray, what: str) -> int:
    """The largest code, refusing codes that cannot index an array.

    Read as unsigned, a negative code is huge, so one pass checks both ends.
    """
    if not array.size:
        return 0
    top = int(array.view(np.uint64).max()) if array.dtype == np.int64 else int(array.max())
    if top > 10_000_000 or (array.dtype != np.int64 and array.min() < 0):
        raise InvalidData(f"{what}: state codes must be whole numbers between 0 and 10,000,000")
    return top


class _DyadIndex:
    """A dyad-year table's rows sorted on one integer key, with each dyad's run of rows.

    ``key = (ccode1 * m + ccode2) * span + (year - first)`` (m = largest code
    + 1, span = the table's years). The shipped tables are sorted already, so
    building is one pass over the keys; no dense (state, state, year) grid.
    A lookup finds each panel dyad's run of table rows by binary search, once
    per run of panel rows of the same dyad (a panel is sorted by dyad, so a
    few tens of thousands of searches, not millions); a run whose years are
    consecutive gives every row by arithmetic, the few others by binary
    search on the full key. A dyad-year listed twice resolves to its last row.
    """

    def __init__(self, t1: np.ndarray, t2: np.ndarray, ty: np.ndarray):
        self.top = max(_codes(t1, "ccode1"), _codes(t2, "ccode2"))
        #: Every row has ccode1 < ccode2 (a non-directed table).
        self.lower = bool((t1 < t2).all())
        self.m = self.top + 1
        self.first = int(ty.min())
        self.span = int(ty.max()) - self.first + 1
        dyad = t1 * self.m + t2
        key = dyad * self.span + (ty - self.first)
        self.order = None  # table row of each sorted position; None: the table is sorted
        if key.size > 1 and (key[1:] < key[:-1]).any():
            self.order = np.argsort(key, kind="stable")
            key, dyad, ty = key[self.order], dyad[self.order], ty[self.order]
        self.key = key
        cut = np.flatnonzero(dyad[1:] != dyad[:-1]) + 1
        start = np.concatenate([[0], cut])
        stop = np.concatenate([cut, [key.size]])
        self.dyads = dyad[start]
        self.start = start
        self.first_year = ty[start]
        # A run's length when its years are consecutive and distinct; -1 (search the key) otherwise.
        self.length = np.where(ty[stop - 1] - ty[start] + 1 == stop - start, stop - start, -1)

    def rows(self, c1: np.ndarray, c2: np.ndarray, year: np.ndarray, top: int) -> np.ndarray:
        """Table row of each (c1, c2, year), or -1."""
        if top > self.top:  # codes the table lacks would alias other dyads: take them out
            known = (c1 <= self.top) & (c2 <= self.top)
            out = np.full(year.size, -1, dtype=np.intp)
            if known.any():
                out[known] = self.rows(c1[known], c2[known], year[known], self.top)
            return out
        dyad = c1 * self.m
        dyad += c2
        cut = np.flatnonzero(dyad[1:] != dyad[:-1]) + 1
        run_start = np.concatenate([[0], cut])
        run_length = np.diff(np.append(run_start, dyad.size))
        found = np.minimum(np.searchsorted(self.dyads, dyad[run_start]), self.dyads.size - 1)
        length = np.where(self.dyads[found] == dyad[run_start], self.length[found], 0)
        offset = year - np.repeat(self.first_year[found], run_length)
        row = np.repeat(self.start[found], run_length)
        row += offset
        inside = offset >= 0
        inside &= offset < np.repeat(length, run_length)
        row[~inside] = -1
        gaps = np.repeat(length < 0, run_length)
        if gaps.any():
            y = year[gaps] - self.first
            key = dyad[gaps] * self.span + y
            pos = np.searchsorted(self.key, key, side="right") - 1
            hit = (pos >= 0) & (y >= 0) & (y < self.span)
            hit &= self.key[np.maximum(pos, 0)] == key
            row[gaps] = np.where(hit, pos, -1)
        if self.order is not None:
            row = np.append(self.order, -1)[row]
        return row


@dataclass
class Keys:
    """A panel's key columns and their bounds, read and checked once per step."""

    codes: dict[str, np.ndarray]  # "1" and "2" (dyad-years) or "" (state-years)
    year: np.ndarray
    top: int
    first: int
    last: int

    @classmethod
    def of(cls, codes: dict[str, np.ndarray], year: np.ndarray, code: str = "ccode") -> Keys:
        top = max(_codes(a, f"{code}{side}") for side, a in codes.items())
        first, last = (int(year.min()), int(year.max())) if year.size else (0, 0)
        return cls(codes, year, top, first, last)


_INDEXES: OrderedDict[tuple, tuple[tuple, _DyadIndex]] = OrderedDict()
_INDEX_LOCK = threading.Lock()


def dyad_index(table: Any, code: str) -> _DyadIndex:
    """A :class:`_DyadIndex` for ``table``, kept for the large shared tables.

    The cache key is the identity of the key columns' buffers; the entry
    holds those arrays, so a buffer cannot be freed and reused while cached,
    and a table changed through pandas gets new buffers (copy-on-write).
    """
    arrays = tuple(whole_numbers(table, c, c) for c in (f"{code}1", f"{code}2", "year"))
    if len(table) < 50_000:
        return _DyadIndex(*arrays)
    key = tuple((a.__array_interface__["data"][0], a.shape, a.strides, a.dtype.str) for a in arrays)
    with _INDEX_LOCK:
        hit = _INDEXES.get(key)
        if hit is not None:
            _INDEXES.move_to_end(key)
            return hit[1]
    index = _DyadIndex(*arrays)
    with _INDEX_LOCK:
        _INDEXES[key] = (arrays, index)
        while len(_INDEXES) > 4:
            _INDEXES.popitem(last=False)
    return index


def dyad_rows(keys: Keys, table: Any, code: str = "ccode", mirror: bool = False) -> np.ndarray:
    """For each panel row, the row of ``table`` with the same dyad-year, else -1.

    ``mirror`` also matches the (b, a) rows of a non-directed table to (a, b)
    (a row recorded as (a, b) wins over one recorded as (b, a)).
    """
    if keys.year.size == 0 or len(table) == 0:
        return np.full(keys.year.size, -1, dtype=np.intp)
    index = dyad_index(table, code)
    c1, c2 = keys.codes["1"], keys.codes["2"]
    if mirror and index.lower:  # (a, b) and (b, a) are both the table's (min, max) row: one look-up
        return index.rows(np.minimum(c1, c2), np.maximum(c1, c2), keys.year, keys.top)
    rows = index.rows(c1, c2, keys.year, keys.top)
    if mirror:
        miss = np.flatnonzero(rows < 0)
        if miss.size:
            rows[miss] = index.rows(c2[miss], c1[miss], keys.year[miss], keys.top)
    return rows


def state_rows(keys: Keys, side: str, table: Any, code: str = "ccode") -> np.ndarray:
    """For each row's (code, year) on ``side``, the row of a state-year ``table``, else -1.

    The grid spans the panel's codes and years, so a key is ``code * width +
    year - first``: two passes and one gather.
    """
    codes = keys.codes[side]
    if codes.size == 0 or len(table) == 0:
        return np.full(codes.size, -1, dtype=np.intp)
    tc = whole_numbers(table, code, code)
    ty = whole_numbers(table, "year", "year")
    _codes(tc, code)
    width = keys.last - keys.first + 1
    ok = (tc <= keys.top) & (ty >= keys.first) & (ty <= keys.last)
    index = np.full((keys.top + 1) * width, -1, dtype=np.intp)
    index[tc[ok] * width + (ty[ok] - keys.first)] = np.flatnonzero(ok)
    key = codes * width
    key += keys.year
    key -= keys.first
    return index[key]


def take(
    values: np.ndarray | Masked,
    rows: np.ndarray,
    dtype: str = "Int64",
    inside: np.ndarray | None = None,
    absent: np.ndarray | None = None,
):
    """``column[rows]``, with row -1 meaning "no source row" (missing).

    Integer sources come back as a :class:`Masked` pair of ``dtype`` (``Int8``, ``Int64``), real
    ones as float64 with NaN. A sentinel appended to the source (0, masked)
    is what row -1 picks, so this is one gather per array. Where ``inside``
    (the source's temporal domain) is true, missing becomes 0, as
    peacesciencer's ``ifelse(is.na(x) & between(year, ...), 0, x)``.
    ``absent`` is ``rows < 0`` when the caller already has it.
    """
    if isinstance(values, Masked):
        data, mask = values
    else:
        values = np.asarray(values)
        if values.dtype.kind not in "iub":
            out = _gather(values.astype(np.float64, copy=False), rows, absent, np.nan)
            if inside is not None:
                out[np.isnan(out) & inside] = 0.0
            return out
        data, mask = values, None
    width = np.dtype(dtype.lower())
    source = data.astype(width, copy=False)
    if mask is not None and mask.any():
        # Missing source values carry the type's smallest value through the
        # gather, so one gather gives the data and a compare gives the mask.
        lowest = np.iinfo(width).min
        if (source[~mask] == lowest).any():
            raise InvalidData(f"column holds {lowest}, which secnet reserves for missing values")
        taken = _gather(np.where(mask, lowest, source), rows, absent, lowest)
        missing = taken == lowest
        if inside is not None:
            taken[missing & inside] = 0
    else:
        missing = rows < 0 if absent is None else absent.copy()
        taken = _gather(source, rows, missing, 0)
    if inside is not None:
        np.greater(missing, inside, out=missing)  # missing and outside the domain
    return Masked(taken, missing)


def _gather(source: np.ndarray, rows: np.ndarray, absent: np.ndarray | None, fill) -> np.ndarray:
    """``source[rows]`` with ``fill`` where the row is -1 (``absent`` is ``rows < 0`` when known).

    Row -1 first picks the last value (numpy's negative index) and is then
    overwritten: no copy of the source (a column of the reference data, 7 MB
    for the IGO dyads) per call, where appending a sentinel would make one.
    """
    if source.size == 0:
        return np.full(rows.size, fill, dtype=source.dtype)
    taken = source[rows]
    taken[rows < 0 if absent is None else absent] = fill
    return taken


def take_all(jobs: dict[str, tuple]) -> dict[str, object]:
    """Several :func:`take` at once: numpy's gathers release the GIL, so threads help."""
    workers = pool()
    futures = {name: workers.submit(take, *job) for name, job in jobs.items()}
    return {name: future.result() for name, future in futures.items()}


_POOL: ThreadPoolExecutor | None = None


def pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="secnet-panel")
    return _POOL


