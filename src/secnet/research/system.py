"""The state system: who is a member in which year (COW v2016 or Gleditsch-Ward).

:func:`system_membership` is the (state, year) grid behind every panel and
the similarity measures; :func:`system_spells` the membership spells it is
built from. Sources: COW State System Membership v2016; Gleditsch & Ward (1999).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from secnet.errors import InvalidData, InvalidInput
from secnet.research.tables import column, column_names, reference_table, require as _require, whole_numbers
from secnet.research.years import DataDir, Years, last_complete_year, parse_years


@dataclass(frozen=True)
class _System:
    name: str
    code: str
    state_name: str


_SYSTEMS = {
    "cow": _System("cow", "ccode", "cw_name"),
    "gw": _System("gw", "gwcode", "gw_name"),
}


# ---------------------------------------------------------------------------
# state system spells


def _system(system: str) -> _System:
    try:
        return _SYSTEMS[system]
    except KeyError:
        raise InvalidInput(f"system must be 'cow' or 'gw', not '{system}'") from None


def system_spells(
    system: str = "cow",
    *,
    last_year: int | None = None,
    states: Any = None,
    data_dir: DataDir = None,
):
    """Membership spells of a state system as a pandas DataFrame: code, name, start, end (dates).

    Spells that run to December of the list's last year (2016-12-31 for COW
    v2016, 2017-12-31 for Gleditsch-Ward) are taken to continue to 31
    December of ``last_year`` (default: the last complete calendar year), as
    peacesciencer's ``mry = TRUE`` does. ``states`` replaces the shipped list
    with a table in the COW ``states2016.csv`` layout (or, for ``gw``, the
    ``gwcode, startdate, enddate`` layout), e.g. from
    :func:`secnet.research.readers.cow.read_cow_states`.
    """
    import pandas as pd

    sysm = _system(system)
    codes, names, start, end = _spells(system, last_year, states, data_dir)
    return pd.DataFrame({sysm.code: codes, sysm.state_name: names, "start": start, "end": end})


def _spells(system: str, last_year: int | None, states: Any, data_dir: DataDir):
    """(codes, names, start, end) of every membership spell: numpy arrays, dates as ``datetime64[D]``."""
    sysm = _system(system)
    last_year = last_complete_year() if last_year is None else int(last_year)
    if states is None:
        states = reference_table("cow_states" if system == "cow" else "gw_states", data_dir)
    if system == "cow":
        _require(states, {"ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"},
                 "COW state system table")
        start, end = (_dates(*(whole_numbers(states, c, f"COW state system table: {c}") for c in group))
                      for group in (("styear", "stmonth", "stday"), ("endyear", "endmonth", "endday")))
        name_column = "statenme"
    else:
        _require(states, {"gwcode", "startdate", "enddate"}, "Gleditsch-Ward state table")
        start, end = (_days(column(states, c)) for c in ("startdate", "enddate"))
        name_column = "statename"
    codes = whole_numbers(states, sysm.code, f"state system table: {sysm.code}")
    n = codes.size
    names = np.asarray(column(states, name_column), dtype=object) if name_column in column_names(states) \
        else np.full(n, "", dtype=object)
    if (end < start).any():
        bad = codes[end < start].tolist()
        raise InvalidData(f"state system: a spell ends before it starts for {sysm.code} {bad}")
    end_year = end.astype("datetime64[Y]").astype(int) + 1970
    end_month = end.astype("datetime64[M]").astype(int) % 12 + 1
    extend = (end_year == end_year.max()) & (end_month == 12) if n else np.zeros(0, dtype=bool)
    end = np.where(extend, np.datetime64(f"{last_year}-12-31", "D"), end)
    return codes, names, start, end


def _days(values: np.ndarray) -> np.ndarray:
    """Dates as ``datetime64[D]`` (text such as ``1816-01-01`` through pandas' parser)."""
    if values.dtype.kind == "M":
        return values.astype("datetime64[D]")
    import pandas as pd

    return pd.to_datetime(values).to_numpy("datetime64[D]")


def _dates(year, month, day) -> np.ndarray:
    y = np.asarray(year, dtype=np.int64)
    m = np.asarray(month, dtype=np.int64)
    d = np.asarray(day, dtype=np.int64)
    months = (y - 1970) * 12 + (m - 1)
    return months.astype("datetime64[M]").astype("datetime64[D]") + (d - 1)


def _year_of(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[Y]").astype(np.int64) + 1970


@dataclass
class SystemMembership:
    """Which state is a member of the system in which year, on a dense grid."""

    system: str
    #: Sorted state codes; a state's position here is its row in ``present``.
    codes: np.ndarray
    names: np.ndarray
    first_year: int
    #: (states, years) bool: member at some point of ``first_year + column``.
    present: np.ndarray
    #: "False" dyad-years as (state row, state row, year column) arrays.
    false_dyads: tuple[np.ndarray, np.ndarray, np.ndarray] = field(default=(np.array([], int),) * 3)

    @property
    def years(self) -> np.ndarray:
        return self.first_year + np.flatnonzero(self.present.any(axis=0))


def _presence(codes_in: np.ndarray, names_in: np.ndarray, start: np.ndarray, end: np.ndarray,
              first: int, last: int, system: str) -> SystemMembership:
    codes, inverse = np.unique(codes_in, return_inverse=True)
    names = np.empty(codes.size, dtype=object)
    names[inverse] = names_in
    start_y = _year_of(start)
    end_y = _year_of(end)
    n_years = last - first + 1
    lo = np.clip(start_y - first, 0, n_years)
    hi = np.clip(end_y - first + 1, 0, n_years)
    keep = hi > lo
    diff = np.zeros((codes.size, n_years + 1), dtype=np.int32)
    np.add.at(diff, (inverse[keep], lo[keep]), 1)
    np.add.at(diff, (inverse[keep], hi[keep]), -1)
    present = np.cumsum(diff[:, :-1], axis=1) > 0
    return SystemMembership(system, codes, names, first, present, _false_dyads(inverse, start, end, first, last))


def _false_dyads(sid: np.ndarray, start: np.ndarray, end: np.ndarray, first: int, last: int):
    """(state, state, year-offset) of "false" dyad-years, sorted.

    Both states are members at some point in the year, but their spells never
    overlap on a day of it (Suriname enters on 25 November 1975, the Republic
    of Vietnam left on 30 April 1975). Only spells that cover part of a year
    can make one, so only those pieces (a spell's first and last year, cut to
    the year) are compared, pairwise within each year.
    """
    sy, ey = _year_of(start), _year_of(end)
    piece, _ = np.unique(np.stack([
        np.concatenate([sid, sid]),
        np.concatenate([sy, ey]),
        np.concatenate([start, np.maximum(start, _jan1(ey))]).astype(np.int64),
        np.concatenate([np.minimum(end, _dec31(sy)), end]).astype(np.int64),
    ], axis=1).astype(np.int64), axis=0, return_index=True)  # (an index keeps numpy.ma unimported)
    s, year, lo, hi = piece.T
    inside = (year >= first) & (year <= last)
    s, year, lo, hi = s[inside], year[inside], lo[inside], hi[inside]
    whole = (lo <= _jan1(year).astype(np.int64)) & (hi >= _dec31(year).astype(np.int64))
    width = int(year.max()) + 1 if year.size else 1
    partial = ~whole & ~is_in(s * width + year, (s * width + year)[whole])
    s, year, lo, hi = s[partial], year[partial], lo[partial], hi[partial]
    order = np.argsort(year, kind="stable")
    s, year, lo, hi = s[order], year[order], lo[order], hi[order]
    # Every pair of pieces in the same year: piece i with each piece of its year's block.
    block_start = np.searchsorted(year, year, side="left")
    block_size = np.searchsorted(year, year, side="right") - block_start
    i = np.repeat(np.arange(year.size), block_size)
    j = np.repeat(block_start, block_size) + np.arange(i.size) - np.repeat(np.cumsum(block_size) - block_size, block_size)
    pair = s[i] != s[j]
    i, j = i[pair], j[pair]
    overlap = np.maximum(lo[i], lo[j]) <= np.minimum(hi[i], hi[j])
    keys = np.stack([s[i], s[j], year[i]], axis=1)
    groups, group = np.unique(keys, axis=0, return_inverse=True)
    any_overlap = np.bincount(group.ravel(), weights=overlap, minlength=len(groups)) > 0
    false = groups[~any_overlap]
    return false[:, 0].copy(), false[:, 1].copy(), false[:, 2] - first


def is_in(values: np.ndarray, of: np.ndarray) -> np.ndarray:
    """``np.isin`` for integers by binary search (``np.isin`` imports numpy.ma, 20 ms, through ``np.unique``)."""
    if of.size == 0:
        return np.zeros(values.shape, dtype=bool)
    of = np.sort(of)
    return of[np.minimum(np.searchsorted(of, values), of.size - 1)] == values


def _jan1(year: np.ndarray) -> np.ndarray:
    return (np.asarray(year) - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def _dec31(year: np.ndarray) -> np.ndarray:
    return _jan1(np.asarray(year) + 1) - 1


def system_membership(
    system: str = "cow",
    years: Years = None,
    *,
    last_year: int | None = None,
    states: Any = None,
    data_dir: DataDir = None,
) -> SystemMembership:
    """Who is in the state system in which year (the grid behind the panels).

    ``years`` restricts the grid to those years (the others are all False);
    ``last_year`` and ``states`` are as in :func:`system_spells`. When
    ``last_year`` is not given it is the last complete calendar year, or the
    last year asked for in ``years`` if that is later (but not in the future).
    """
    _system(system)  # refuse an unknown system before reading anything
    wanted = parse_years(years)
    if last_year is None:
        last_year = last_complete_year()
        if wanted is not None and wanted.max() > last_year:
            last_year = int(wanted.max())
    if last_year > _dt.date.today().year:
        raise InvalidInput(f"years: {last_year} is in the future; the panel can reach {_dt.date.today().year} at most")
    membership = _membership(system, last_year, states, data_dir)
    if wanted is not None:
        offsets = wanted - membership.first_year
        inside = (offsets >= 0) & (offsets < membership.present.shape[1])
        keep = np.zeros(membership.present.shape[1], dtype=bool)
        keep[offsets[inside]] = True
        membership.present &= keep[None, :]
        fs1, fs2, ft = membership.false_dyads
        kept = keep[ft]
        membership.false_dyads = (fs1[kept], fs2[kept], ft[kept])
    return membership


_MEMBERSHIP: dict[tuple, tuple[Any, SystemMembership]] = {}


def _membership(system: str, last_year: int, states: Any, data_dir: DataDir) -> SystemMembership:
    """The full membership grid; kept per data directory for the shipped lists."""
    key = None
    if states is None:
        table = reference_table("cow_states" if system == "cow" else "gw_states", data_dir)
        # Keyed on the (cached, read-only) Arrow table; the entry keeps it alive
        # so that its id cannot be reused by another table.
        key = (system, last_year, id(table), table.num_rows)
        states = table
        cached = _MEMBERSHIP.get(key)
        if cached is not None:
            return _copy_membership(cached[1])
    codes, names, start, end = _spells(system, last_year, states, data_dir)
    first = int(_year_of(start).min())
    membership = _presence(codes, names, start, end, first, last_year, system)
    if key is not None:
        _MEMBERSHIP[key] = (states, membership)
        return _copy_membership(membership)
    return membership


def _copy_membership(m: SystemMembership) -> SystemMembership:
    return SystemMembership(m.system, m.codes, m.names, m.first_year, m.present.copy(), m.false_dyads)
