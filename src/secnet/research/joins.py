"""Vectorised joins of a panel with a source table on its integer keys.

Keys are (ccode1, ccode2, year) for dyad-years and (ccode, year) for
state-years; every join is a handful of array operations, never a Python loop
over dyads. Row -1 means "the source has no row"; :func:`_take` turns it into
a missing value (or 0 inside the source's temporal domain).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from secnet.errors import InvalidData, SecnetError
from secnet.research.data import read_peacesciencer
from secnet.research.years import DataDir


def _require(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InvalidData(f"{what}: missing column(s) {', '.join(missing)}")


def _ints(series: pd.Series | np.ndarray, what: str) -> np.ndarray:
    if isinstance(series, pd.Series) and series.hasnans:
        raise InvalidData(f"{what}: has missing values")
    try:
        return np.asarray(series, dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise InvalidData(f"{what}: not whole numbers") from exc


def _panel_kind(panel: pd.DataFrame, verb: str, code: str = "ccode") -> str:
    if {f"{code}1", f"{code}2", "year"} <= set(panel.columns):
        return "dyad"
    if {code, "year"} <= set(panel.columns):
        return "state"
    other = "gwcode" if code == "ccode" else "ccode"
    if {f"{other}1", f"{other}2"} <= set(panel.columns) or other in panel.columns:
        raise SecnetError(
            f"{verb} merges on {code} (the {'Correlates of War' if code == 'ccode' else 'Gleditsch-Ward'} code), "
            f"which this panel does not have; build it with system='{'cow' if code == 'ccode' else 'gw'}'"
        )
    raise SecnetError(f"{verb} needs a dyad-year panel ({code}1, {code}2, year) or a state-year panel ({code}, year)")


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


def _year_map(first_year: int, last_year: int, first: int, span: int) -> np.ndarray:
    """Lookup array: calendar year -> offset in [0, span), or the spare slot ``span``."""
    if first_year < 0:
        raise InvalidData("years must be positive")
    ymap = np.full(max(last_year, first + span) + 1, span, dtype=np.int64)
    ymap[first : first + span] = np.arange(span)
    return ymap


class _DyadIndex:
    """The rows of a dyad-year table on a dense (state, state, year) grid.

    States and years the table lacks map to one spare slot per axis, whose
    cells hold -1, so a lookup is three small gathers, two adds and one
    gather from the grid: no hashing, no sort, no Python loop.
    """

    def __init__(self, t1: np.ndarray, t2: np.ndarray, ty: np.ndarray, mirror: bool):
        self.top = max(_codes(t1, "ccode1"), _codes(t2, "ccode2"))
        seen = np.zeros(self.top + 1, dtype=bool)
        seen[t1] = True
        seen[t2] = True
        self.n = int(seen.sum()) + 1
        self.slot = np.full(self.top + 1, self.n - 1, dtype=np.int64)
        self.slot[seen] = np.arange(self.n - 1)
        self.first = int(ty.min())
        self.span = int(ty.max()) - self.first + 1
        width = self.span + 1
        # Row numbers are kept as intp (the gather's index type): larger, but no
        # conversion pass on every lookup of a cached table.
        rows = np.arange(t1.size, dtype=np.intp)
        self.cube = np.full(self.n * self.n * width, -1, dtype=np.intp)
        s1, s2, year = self.slot[t1], self.slot[t2], ty - self.first
        if mirror:
            self.cube[(s2 * self.n + s1) * width + year] = rows
        self.cube[(s1 * self.n + s2) * width + year] = rows

    def rows(self, keys: _Keys) -> np.ndarray:
        width = self.span + 1
        slot = self.slot
        if keys.top > self.top:
            slot = np.concatenate([slot, np.full(keys.top - self.top, self.n - 1, dtype=np.int64)])
        key = (slot * (self.n * width))[keys.codes["1"]]
        key += (slot * width)[keys.codes["2"]]
        key += _year_map(keys.first, keys.last, self.first, self.span)[keys.year]
        return self.cube[key]


@dataclass
class _Keys:
    """A panel's key columns and their bounds, read and checked once per step."""

    codes: dict[str, np.ndarray]  # "1" and "2" (dyad-years) or "" (state-years)
    year: np.ndarray
    top: int
    first: int
    last: int

    @classmethod
    def of(cls, panel: pd.DataFrame, code: str = "ccode") -> _Keys:
        sides = ("1", "2") if f"{code}1" in panel.columns else ("",)
        codes = {side: panel[f"{code}{side}"].to_numpy(np.int64) for side in sides}
        year = panel["year"].to_numpy(np.int64)
        top = max(_codes(a, f"{code}{side}") for side, a in codes.items())
        first, last = (int(year.min()), int(year.max())) if year.size else (0, 0)
        return cls(codes, year, top, first, last)


_INDEXES: OrderedDict[tuple, tuple[tuple, _DyadIndex]] = OrderedDict()
_INDEX_LOCK = threading.Lock()


def _dyad_index(table: pd.DataFrame, code: str, mirror: bool) -> _DyadIndex:
    """A :class:`_DyadIndex` for ``table``, kept for the large shared tables.

    The cache key is the identity of the key columns' buffers; the entry
    holds those arrays, so a buffer cannot be freed and reused while cached,
    and a table changed through pandas gets new buffers (copy-on-write).
    """
    arrays = tuple(_ints(table[c], c) for c in (f"{code}1", f"{code}2", "year"))
    if len(table) < 50_000:
        return _DyadIndex(*arrays, mirror)
    key = (*((a.__array_interface__["data"][0], a.shape, a.strides, a.dtype.str) for a in arrays), mirror)
    with _INDEX_LOCK:
        hit = _INDEXES.get(key)
        if hit is not None:
            _INDEXES.move_to_end(key)
            return hit[1]
    index = _DyadIndex(*arrays, mirror)
    with _INDEX_LOCK:
        _INDEXES[key] = (arrays, index)
        while len(_INDEXES) > 4:
            _INDEXES.popitem(last=False)
    return index


def _dyad_rows(panel: pd.DataFrame, code: str, table: pd.DataFrame, mirror: bool = False) -> np.ndarray:
    """For each panel row, the row of ``table`` with the same dyad-year, else -1.

    ``mirror`` also matches the (b, a) rows of a non-directed table to (a, b).
    """
    keys = _Keys.of(panel, code)
    if keys.year.size == 0 or len(table) == 0:
        return np.full(keys.year.size, -1, dtype=np.intp)
    return _dyad_index(table, code, mirror).rows(keys)


def _state_rows(keys: _Keys, side: str, table: pd.DataFrame, code: str = "ccode") -> np.ndarray:
    """For each row's (code, year) on ``side``, the row of a state-year ``table``, else -1.

    The grid spans the panel's codes and years, so a key is ``code * width +
    year - first``: two passes and one gather.
    """
    codes = keys.codes[side]
    if codes.size == 0 or len(table) == 0:
        return np.full(codes.size, -1, dtype=np.intp)
    tc = _ints(table[code], code)
    ty = _ints(table["year"], "year")
    _codes(tc, code)
    width = keys.last - keys.first + 1
    ok = (tc <= keys.top) & (ty >= keys.first) & (ty <= keys.last)
    index = np.full((keys.top + 1) * width, -1, dtype=np.intp)
    index[tc[ok] * width + (ty[ok] - keys.first)] = np.flatnonzero(ok)
    key = codes * width
    key += keys.year
    key -= keys.first
    return index[key]


def _take(
    column: pd.Series | np.ndarray,
    rows: np.ndarray,
    dtype: str = "Int64",
    inside: np.ndarray | None = None,
    absent: np.ndarray | None = None,
):
    """``column[rows]``, with row -1 meaning "no source row" (missing).

    Integer sources come back as a nullable integer array of ``dtype``, real
    ones as float64 with NaN. A sentinel appended to the source (0, masked)
    is what row -1 picks, so this is one gather per array. Where ``inside``
    (the source's temporal domain) is true, missing becomes 0, as
    peacesciencer's ``ifelse(is.na(x) & between(year, ...), 0, x)``.
    ``absent`` is ``rows < 0`` when the caller already has it.
    """
    values = column.array if isinstance(column, pd.Series) else column
    if isinstance(values, pd.arrays.IntegerArray):
        data, mask = values._data, values._mask
    else:
        values = np.asarray(values)
        if values.dtype.kind not in "iub":
            out = np.append(values.astype(np.float64), np.nan)[rows]
            if inside is not None:
                out[np.isnan(out) & inside] = 0.0
            return out
        data, mask = values, None
    width = np.dtype(dtype.lower())
    source = data.astype(width)
    if mask is not None and mask.any():
        # Missing source values carry the type's smallest value through the
        # gather, so one gather gives the data and a compare gives the mask.
        lowest = np.iinfo(width).min
        if (source[~mask] == lowest).any():
            raise InvalidData(f"column holds {lowest}, which secnet reserves for missing values")
        source = np.where(mask, lowest, source)
        taken = np.append(source, lowest)[rows]
        missing = taken == lowest
        if inside is not None:
            taken[missing & inside] = 0
    else:
        taken = np.append(source, width.type(0))[rows]
        missing = rows < 0 if absent is None else absent.copy()  # the appended 0 is what row -1 picks
    if inside is not None:
        np.greater(missing, inside, out=missing)  # missing and outside the domain
    return pd.arrays.IntegerArray(taken, missing)


def _take_all(jobs: dict[str, tuple]) -> dict[str, object]:
    """Several :func:`_take` at once: numpy's gathers release the GIL, so threads help."""
    pool = _pool()
    futures = {name: pool.submit(_take, *job) for name, job in jobs.items()}
    return {name: future.result() for name, future in futures.items()}


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="secnet-panel")
    return _POOL


def _with(panel: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
    clash = [c for c in columns if c in panel.columns]
    if clash:
        raise SecnetError(f"the panel already has column(s) {', '.join(clash)}; was this step applied twice?")
    # Series made without copying, joined side by side: setitem would copy every column.
    new = pd.DataFrame({k: pd.Series(v, index=panel.index, copy=False) for k, v in columns.items()}, copy=False)
    return pd.concat([panel, new], axis=1)


def _table(table: pd.DataFrame | None, name: str, data_dir: DataDir) -> pd.DataFrame:
    return read_peacesciencer(name, data_dir) if table is None else table


def _is_non_directed(panel: pd.DataFrame, code: str = "ccode") -> bool:
    return not (panel[f"{code}1"].to_numpy() > panel[f"{code}2"].to_numpy()).any()
