"""The state system: who is a member in which year (COW v2016 or Gleditsch-Ward).

:func:`system_membership` is the (state, year) grid behind every panel and
the similarity measures; :func:`system_spells` the membership spells it is
built from. Sources: COW State System Membership v2016; Gleditsch & Ward (1999).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from secnet.errors import InvalidData, InvalidInput
from secnet.research.data import read_peacesciencer
from secnet.research.joins import _require
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
    states: pd.DataFrame | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """Membership spells of a state system: code, name, start, end (dates).

    Spells that run to December of the list's last year (2016-12-31 for COW
    v2016, 2017-12-31 for Gleditsch-Ward) are taken to continue to 31
    December of ``last_year`` (default: the last complete calendar year), as
    peacesciencer's ``mry = TRUE`` does. ``states`` replaces the shipped list
    with a table in the COW ``states2016.csv`` layout (or, for ``gw``, the
    ``gwcode, startdate, enddate`` layout), e.g. from
    :func:`secnet.research.readers.cow.read_cow_states`.
    """
    sysm = _system(system)
    last_year = last_complete_year() if last_year is None else int(last_year)
    if states is None:
        states = read_peacesciencer("cow_states" if system == "cow" else "gw_states", data_dir)
    if system == "cow":
        need = {"ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"}
        _require(states, need, "COW state system table")
        start = _dates(states["styear"], states["stmonth"], states["stday"])
        end = _dates(states["endyear"], states["endmonth"], states["endday"])
        name = states["statenme"] if "statenme" in states else pd.Series("", index=states.index)
    else:
        _require(states, {"gwcode", "startdate", "enddate"}, "Gleditsch-Ward state table")
        start = pd.to_datetime(states["startdate"]).to_numpy("datetime64[D]")
        end = pd.to_datetime(states["enddate"]).to_numpy("datetime64[D]")
        name = states["statename"] if "statename" in states else pd.Series("", index=states.index)
    if (end < start).any():
        bad = states.loc[end < start, sysm.code].tolist()
        raise InvalidData(f"state system: a spell ends before it starts for {sysm.code} {bad}")
    end_year = end.astype("datetime64[Y]").astype(int) + 1970
    end_month = end.astype("datetime64[M]").astype(int) % 12 + 1
    extend = (end_year == end_year.max()) & (end_month == 12)
    end = np.where(extend, np.datetime64(f"{last_year}-12-31", "D"), end)
    return pd.DataFrame(
        {
            sysm.code: states[sysm.code].to_numpy(np.int64),
            sysm.state_name: np.asarray(name, dtype=object),
            "start": start,
            "end": end,
        }
    )


def _dates(year: pd.Series, month: pd.Series, day: pd.Series) -> np.ndarray:
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


def _presence(spells: pd.DataFrame, code: str, name: str, first: int, last: int, system: str) -> SystemMembership:
    codes, inverse = np.unique(spells[code].to_numpy(), return_inverse=True)
    names = np.empty(codes.size, dtype=object)
    names[inverse] = spells[name].to_numpy()
    start_y = _year_of(spells["start"].to_numpy("datetime64[D]"))
    end_y = _year_of(spells["end"].to_numpy("datetime64[D]"))
    n_years = last - first + 1
    lo = np.clip(start_y - first, 0, n_years)
    hi = np.clip(end_y - first + 1, 0, n_years)
    keep = hi > lo
    diff = np.zeros((codes.size, n_years + 1), dtype=np.int32)
    np.add.at(diff, (inverse[keep], lo[keep]), 1)
    np.add.at(diff, (inverse[keep], hi[keep]), -1)
    present = np.cumsum(diff[:, :-1], axis=1) > 0
    return SystemMembership(system, codes, names, first, present, _false_dyads(spells, inverse, first, last))


def _false_dyads(spells: pd.DataFrame, sid: np.ndarray, first: int, last: int):
    """(state, state, year-offset) of "false" dyad-years.

    Both states are members at some point in the year, but their spells never
    overlap on a day of it (Suriname enters on 25 November 1975, the Republic
    of Vietnam left on 30 April 1975). Only spells that cover part of a year
    can make one, so only those pieces are compared.
    """
    start = spells["start"].to_numpy("datetime64[D]")
    end = spells["end"].to_numpy("datetime64[D]")
    sy, ey = _year_of(start), _year_of(end)
    pieces = []
    for year, lo, hi in ((sy, start, np.minimum(end, _dec31(sy))), (ey, np.maximum(start, _jan1(ey)), end)):
        pieces.append(pd.DataFrame({"s": sid, "year": year, "lo": lo.astype(np.int64), "hi": hi.astype(np.int64)}))
    piece = pd.concat(pieces).drop_duplicates()
    piece = piece[(piece["year"] >= first) & (piece["year"] <= last)]
    jan1 = _jan1(piece["year"].to_numpy()).astype(np.int64)
    dec31 = _dec31(piece["year"].to_numpy()).astype(np.int64)
    whole = (piece["lo"].to_numpy() <= jan1) & (piece["hi"].to_numpy() >= dec31)
    full_years = set(zip(piece["s"][whole], piece["year"][whole], strict=True))
    partial = piece[~whole]
    partial = partial[[(s, y) not in full_years for s, y in zip(partial["s"], partial["year"], strict=True)]]
    pairs = partial.merge(partial, on="year", suffixes=("1", "2"))
    pairs = pairs[pairs["s1"] != pairs["s2"]]
    overlap = np.maximum(pairs["lo1"], pairs["lo2"]) <= np.minimum(pairs["hi1"], pairs["hi2"])
    any_overlap = overlap.groupby([pairs["s1"], pairs["s2"], pairs["year"]]).any()
    false = any_overlap[~any_overlap].index
    return (
        false.get_level_values(0).to_numpy(np.int64),
        false.get_level_values(1).to_numpy(np.int64),
        false.get_level_values(2).to_numpy(np.int64) - first,
    )


def _jan1(year: np.ndarray) -> np.ndarray:
    return (np.asarray(year) - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def _dec31(year: np.ndarray) -> np.ndarray:
    return _jan1(np.asarray(year) + 1) - 1


def system_membership(
    system: str = "cow",
    years: Years = None,
    *,
    last_year: int | None = None,
    states: pd.DataFrame | None = None,
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


_MEMBERSHIP: dict[tuple, tuple[np.ndarray, SystemMembership]] = {}


def _membership(system: str, last_year: int, states: pd.DataFrame | None, data_dir: DataDir) -> SystemMembership:
    """The full membership grid; kept per data directory for the shipped lists."""
    key = None
    if states is None:
        name = "cow_states" if system == "cow" else "gw_states"
        table = read_peacesciencer(name, data_dir)
        codes = table[_system(system).code].to_numpy()
        # Keyed on the (cached, read-only) table's buffer; the entry keeps the
        # array alive so that the address cannot be reused by another table.
        key = (system, last_year, codes.__array_interface__["data"][0], len(table))
        states = table
        cached = _MEMBERSHIP.get(key)
        if cached is not None:
            return _copy_membership(cached[1])
    sysm = _system(system)
    spells = system_spells(system, last_year=last_year, states=states, data_dir=data_dir)
    first = int(_year_of(spells["start"].to_numpy("datetime64[D]")).min())
    membership = _presence(spells, sysm.code, sysm.state_name, first, last_year, system)
    if key is not None:
        _MEMBERSHIP[key] = (codes, membership)
        return _copy_membership(membership)
    return membership


def _copy_membership(m: SystemMembership) -> SystemMembership:
    return SystemMembership(m.system, m.codes, m.names, m.first_year, m.present.copy(), m.false_dyads)
