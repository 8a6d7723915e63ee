"""State-year and dyad-year panels in the shape of the R package peacesciencer.

The verbs read like peacesciencer's (Miller 2022, *Conflict Management and
Peace Science* 39(6): 755-779)::

    panel = dyad_years(system="cow", directed=True, years=(1816, 2018))
    panel = add_atop_alliance(panel)
    panel = add_igos(panel)
    panel = add_democracy(panel)
    panel = add_nmc(panel)

Every ``add_*`` keeps the panel's rows and their order and appends columns
with peacesciencer's names. Missing values follow peacesciencer: an
``add_*`` whose source has a temporal domain fills 0 inside that domain and
leaves NA outside it where peacesciencer does (ATOP 1815-2018, contiguity
1816-2016, major powers to the last complete year); the others are plain left
joins, NA where the source has no row.

Integer columns come back as pandas' nullable integers (``Int8``, ``Int64``)
so that "missing" never turns a count into a float; real-valued columns are
``float64`` with NaN.

All joins are vectorised: keys are mapped to positions in a dense
(state, state, year) or (state, year) grid with numpy, so an ``add_*`` is a
handful of array gathers, never a Python loop over dyads.

Sources (cite them with the panel): COW State System Membership v2016 and
Major Powers v2016; Gleditsch & Ward (1999); ATOP v5.1 (Leeds et al. 2002);
COW IGO v3.0 (Pevehouse et al. 2020); V-Dem v10, Polity IV 2017 and
Marquez's extended UDS (peacesciencer's ``ccode_democracy``); COW NMC v7.0;
COW Direct Contiguity v3.2 (Stinnett et al. 2002); CShapes 2.0 minimum
distances (Schvitz et al. 2022); peacesciencer's capitals list. See
``../shared/data/peacesciencer/README.md`` for the full references.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from secnet.analytics.research_data import read_peacesciencer
from secnet.errors import InvalidData, InvalidInput, SecnetError

DataDir = str | os.PathLike[str] | None
Years = int | str | tuple[int, int] | range | Iterable[int] | None
#: ``progress(step, done, total)``: called after each step of :func:`build_panel`.
Progress = Callable[[str, int, int], None]

ATOP_COLUMNS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
NMC_COLUMNS = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
DEMOCRACY_COLUMNS = ("v2x_polyarchy", "polity2", "xm_qudsest")
IGO_STATE_COLUMNS = ("sum_igo_full", "sum_igo_associate", "sum_igo_observer", "sum_igo_anytype")
#: First year of the secnet registry's coverage (NATO's founding).
SECNET_FIRST_YEAR = 1949
#: Earth radius (m) used by geosphere::distVincentySphere, as in peacesciencer.
EARTH_RADIUS_M = 6378137.0


@dataclass(frozen=True)
class _System:
    name: str
    code: str
    state_name: str


_SYSTEMS = {
    "cow": _System("cow", "ccode", "cw_name"),
    "gw": _System("gw", "gwcode", "gw_name"),
}


def last_complete_year() -> int:
    """The most recently concluded calendar year (peacesciencer's ``mry``)."""
    return _dt.date.today().year - 1


# ---------------------------------------------------------------------------
# years


def parse_years(years: Years) -> np.ndarray | None:
    """The years a ``years=`` argument names, sorted, or None for "all".

    Accepts ``None``, one year, a ``(first, last)`` tuple (both included), a
    ``range`` or any iterable of years, or text as typed on a command line:
    ``"1816-2018"``, ``"1990"``, ``"1946-1989,2001"``.
    """
    if years is None:
        return None
    if isinstance(years, bool):
        raise InvalidInput(f"years must be a year, a span or a list of years, not {years!r}")
    if isinstance(years, (int, np.integer)):
        out = np.array([int(years)])
    elif isinstance(years, str):
        out = _years_from_text(years)
    elif isinstance(years, tuple) and len(years) == 2 and all(isinstance(y, (int, np.integer)) for y in years):
        first, last = int(years[0]), int(years[1])
        if last < first:
            raise InvalidInput(f"years {first}-{last}: the last year is before the first")
        out = np.arange(first, last + 1)
    else:
        try:
            out = np.array(sorted({int(y) for y in years}), dtype=np.int64)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"years must be whole years, got {years!r}") from exc
    if out.size == 0:
        raise InvalidInput("years names no year")
    if out.min() < 1000 or out.max() > 9999:
        raise InvalidInput(f"years must be four-digit years, got {out.min()}..{out.max()}")
    return np.unique(out.astype(np.int64))


def _years_from_text(text: str) -> np.ndarray:
    parts: list[np.ndarray] = []
    for chunk in text.replace(" ", "").split(","):
        match = re.fullmatch(r"([0-9]{4})(?:(?:-|\.\.|:)([0-9]{4}))?", chunk)  # ASCII digits only
        if not match:
            raise InvalidInput(f"years '{text}': write a year (1990), a span (1816-2018) or a list (1946-1989,2001)")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise InvalidInput(f"years '{chunk}': the last year is before the first")
        parts.append(np.arange(first, last + 1))
    return np.concatenate(parts)


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
    :func:`secnet.ingest.cow.read_cow_states`.
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


# ---------------------------------------------------------------------------
# panels


def state_years(
    system: str = "cow",
    years: Years = None,
    *,
    last_year: int | None = None,
    states: pd.DataFrame | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """One row per state per year in the system, like ``create_stateyears()``.

    Columns ``ccode, cw_name, year`` (COW) or ``gwcode, gw_name, year``
    (Gleditsch-Ward), sorted by state and year. Memberships that run to the
    end of the state list are extended to ``last_year`` (default: the last
    complete calendar year, or the last year asked for in ``years``).

    >>> state_years(years=1816).shape  # doctest: +SKIP
    (23, 3)
    """
    sysm = _system(system)
    presence = system_membership(system, years, last_year=last_year, states=states, data_dir=data_dir)
    s, t = np.nonzero(presence.present)
    return pd.DataFrame(
        {
            sysm.code: presence.codes[s],
            sysm.state_name: pd.array(presence.names[s], dtype="str"),
            "year": t.astype(np.int64) + presence.first_year,
        }
    )


def dyad_years(
    system: str = "cow",
    directed: bool = True,
    years: Years = None,
    *,
    last_year: int | None = None,
    states: pd.DataFrame | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """Every pair of states in the system in the same year, like ``create_dyadyears()``.

    Built from the state system membership spells (COW v2016 by default,
    Gleditsch-Ward with ``system="gw"``): a dyad-year exists when both states
    are members at some point of the year, minus the "false" dyad-years in
    which their memberships never overlap on a day. Memberships that run to
    the end of the list are extended to ``last_year`` (default: the last
    complete calendar year, or the last year in ``years``). Directed panels
    hold (a, b) and (b, a); non-directed ones only ``ccode1 < ccode2``. Rows
    are sorted by ``ccode1, ccode2, year``; columns are ``ccode1, ccode2,
    year`` (``gwcode1, gwcode2, year`` for Gleditsch-Ward).

    Cut at 2024, the COW directed panel is peacesciencer's ``cow_ddy`` row
    for row (2,214,930 rows).
    """
    sysm = _system(system)
    presence = system_membership(system, years, last_year=last_year, states=states, data_dir=data_dir)
    si, sj, lo, hi = _dyad_runs(presence, directed)
    length = hi - lo
    total = int(length.sum())
    out = np.empty((3, total), dtype=np.int64)
    out[0] = np.repeat(presence.codes[si], length)
    out[1] = np.repeat(presence.codes[sj], length)
    # Within a run the years count up from its first year: arange + per-run shift.
    out[2] = np.arange(total, dtype=np.int64)
    out[2] += np.repeat(lo + presence.first_year - (np.cumsum(length) - length), length)
    columns = [f"{sysm.code}1", f"{sysm.code}2", "year"]
    return pd.DataFrame(out.T, columns=columns, copy=False)


def _dyad_runs(presence: SystemMembership, directed: bool):
    """Runs of consecutive years two states share: (state, state, first, end) offsets.

    Sorted by state, state, first year; "false" dyad-years are cut out.
    """
    present = presence.present
    n_states, n_years = present.shape
    padded = np.zeros((n_states, n_years + 2), dtype=np.int8)
    padded[:, 1:-1] = present
    step = np.diff(padded, axis=1)
    state, start = np.nonzero(step == 1)
    _, stop = np.nonzero(step == -1)
    a = np.repeat(np.arange(state.size), state.size)
    b = np.tile(np.arange(state.size), state.size)
    keep = state[a] < state[b] if not directed else state[a] != state[b]
    a, b = a[keep], b[keep]
    lo = np.maximum(start[a], start[b])
    hi = np.minimum(stop[a], stop[b])
    keep = hi > lo
    si, sj, lo, hi = state[a][keep], state[b][keep], lo[keep], hi[keep]
    fs1, fs2, ft = presence.false_dyads
    if not directed:
        keep = fs1 < fs2
        fs1, fs2, ft = fs1[keep], fs2[keep], ft[keep]
    if ft.size:
        si, sj, lo, hi = _cut_years(si, sj, lo, hi, fs1, fs2, ft)
    order = np.lexsort((lo, sj, si))
    return si[order], sj[order], lo[order], hi[order]


def _cut_years(si, sj, lo, hi, fs1, fs2, ft):
    """Remove single dyad-years (fs1, fs2, ft) from runs [lo, hi) of (si, sj)."""
    runs = pd.DataFrame({"si": si, "sj": sj, "lo": lo, "hi": hi, "run": np.arange(si.size)})
    cuts = pd.DataFrame({"si": fs1, "sj": fs2, "t": ft}).merge(runs, on=["si", "sj"])
    cuts = cuts[(cuts["t"] >= cuts["lo"]) & (cuts["t"] < cuts["hi"])]
    hit = np.zeros(si.size, dtype=bool)
    hit[cuts["run"].to_numpy()] = True
    # Runs with a cut are few: split them into single years and drop the cut ones.
    length = (hi - lo)[hit]
    row = np.repeat(np.flatnonzero(hit), length)
    year = np.arange(row.size) - np.repeat(np.cumsum(length) - length, length) + lo[row]
    cut = set(zip(cuts["si"], cuts["sj"], cuts["t"], strict=True))
    keep = np.array([(a, b, t) not in cut for a, b, t in zip(si[row], sj[row], year, strict=True)], dtype=bool)
    row, year = row[keep], year[keep]
    return (
        np.concatenate([si[~hit], si[row]]),
        np.concatenate([sj[~hit], sj[row]]),
        np.concatenate([lo[~hit], year]),
        np.concatenate([hi[~hit], year + 1]),
    )


def build_panel(
    system: str = "cow",
    directed: bool = True,
    add: str | Sequence[str] = ("atop", "igos", "democracy", "nmc"),
    years: Years = None,
    *,
    secnet: pd.DataFrame | None = None,
    data_dir: DataDir = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """A dyad-year panel with the named ``add_*`` steps applied in order.

    ``add`` (a list, or text such as ``"atop,igos,democracy,nmc,secnet"``)
    names: ``atop``, ``igos``, ``democracy``, ``nmc``, ``contiguity``,
    ``mindist``, ``capital_distance`` (or ``capdist``), ``majors``, ``secnet``
    (which needs ``secnet``, the registry's dyad-year table; see
    :func:`add_secnet`). ``progress(step, done, total)`` is called after the
    panel is created and after each step, for a progress bar.
    """
    if isinstance(add, str):
        add = add.split(",")
    steps = [_STEP_ALIASES.get(s.strip().lower(), s.strip().lower()) for s in add if s.strip()]
    unknown = [s for s in steps if s not in _STEPS]
    if unknown:
        raise InvalidInput(f"unknown panel step(s) {', '.join(unknown)}; known: {', '.join(sorted(_STEPS))}")
    if "secnet" in steps and secnet is None:
        raise SecnetError("the secnet step needs the registry's dyad-year table (secnet=...)")
    total = len(steps) + 1
    panel = dyad_years(system, directed, years, data_dir=data_dir)
    if progress:
        progress("dyad_years", 1, total)
    for done, step in enumerate(steps, start=2):
        if step == "secnet":
            panel = add_secnet(panel, secnet)
        else:
            panel = _STEPS[step](panel, data_dir=data_dir)
        if progress:
            progress(step, done, total)
    return panel


# ---------------------------------------------------------------------------
# vectorised joins


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


# ---------------------------------------------------------------------------
# add_* verbs


def add_atop_alliance(
    panel: pd.DataFrame, atop: pd.DataFrame | None = None, *, ndir: bool = True, data_dir: DataDir = None
) -> pd.DataFrame:
    """ATOP v5.1 alliance obligations per dyad-year (``add_atop_alliance()``).

    Adds ``atop_alliance`` (1 when ATOP has a row for the dyad-year) and
    ``atop_defense``, ``atop_offense``, ``atop_neutral``, ``atop_nonagg``,
    ``atop_consul`` (1 = an alliance with that obligation was in force). Dyad-
    years in ATOP's span (1815-2018 for v5.1; the table's first to last year
    for a supplied ``atop``) without a row get 0; later years stay NA. A
    directed panel takes ATOP's directed values as they are; on a
    non-directed panel (every ``ccode1 < ccode2``) with ``ndir=True`` each
    column is the maximum over both directions (peacesciencer 1.3.0).

    ``atop`` replaces the shipped table, e.g. with
    :func:`secnet.ingest.atop.read_atop_dyad_years`. Source: Leeds et al.
    (2002), ATOP v5.1.
    """
    _panel_kind(panel, "add_atop_alliance")
    if "ccode1" not in panel.columns:
        raise SecnetError("add_atop_alliance needs a dyad-year panel (ccode1, ccode2, year)")
    atop = _table(atop, "atop_alliance", data_dir)
    _require(atop, ("ccode1", "ccode2", "year", *ATOP_COLUMNS), "ATOP dyad-year table")
    years = _ints(atop["year"], "ATOP year")
    first, last = (int(years.min()), int(years.max())) if years.size else (0, -1)
    non_directed = _is_non_directed(panel) and ndir
    if non_directed:
        atop = _symmetric_max(atop, ATOP_COLUMNS)
    rows = _dyad_rows(panel, "ccode", atop)
    year = panel["year"].to_numpy(np.int64)
    inside = (year >= first) & (year <= last)
    absent = rows < 0
    out = {"atop_alliance": pd.arrays.IntegerArray((~absent).view(np.int8), np.greater(absent, inside))}
    out.update(_take_all({c: (atop[c], rows, "Int8", inside, absent) for c in ATOP_COLUMNS}))
    return _with(panel, out)


def _symmetric_max(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Each (low, high) dyad-year once, with the maximum of both directions."""
    c1, c2 = table["ccode1"].to_numpy(np.int64), table["ccode2"].to_numpy(np.int64)
    low = pd.DataFrame(
        {"ccode1": np.minimum(c1, c2), "ccode2": np.maximum(c1, c2), "year": table["year"].to_numpy(np.int64)}
    )
    for column in columns:
        low[column] = table[column].to_numpy()
    return low.groupby(["ccode1", "ccode2", "year"], as_index=False, sort=False).max()


def add_igos(panel: pd.DataFrame, igos: pd.DataFrame | None = None, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Shared IGO memberships (COW IGO v3.0), like ``add_igos()``.

    Dyad-year panels get ``dyadigos``: the number of IGOs in which both states
    are full members (the non-directed file, mirrored, so (a, b) and (b, a)
    get the same count). State-year panels get ``sum_igo_full``,
    ``sum_igo_associate``, ``sum_igo_observer``, ``sum_igo_anytype``. No
    zero-fill: a dyad-year or state-year without a row (after 2014, or a
    "false" dyad) is NA. ``igos`` replaces the shipped table (same layout; see
    :mod:`secnet.ingest.cow`). Source: Pevehouse et al. (2020).
    """
    kind = _panel_kind(panel, "add_igos")
    if kind == "dyad":
        igos = _table(igos, "cow_igo_ndy", data_dir)
        _require(igos, ("ccode1", "ccode2", "year", "dyadigos"), "COW IGO dyad-year table")
        rows = _dyad_rows(panel, "ccode", igos, mirror=True)
        return _with(panel, {"dyadigos": _take(igos["dyadigos"], rows)})
    igos = _table(igos, "cow_igo_sy", data_dir)
    _require(igos, ("ccode", "year", *IGO_STATE_COLUMNS), "COW IGO state-year table")
    rows = _state_rows(_Keys.of(panel), "", igos)
    return _with(panel, {c: _take(igos[c], rows) for c in IGO_STATE_COLUMNS})


def _add_state_values(
    panel: pd.DataFrame, table: pd.DataFrame, columns: Sequence[str], verb: str
) -> pd.DataFrame:
    _panel_kind(panel, verb)
    keys = _Keys.of(panel)
    pool = _pool()
    found = {side: pool.submit(_state_rows, keys, side, table) for side in keys.codes}  # both sides at once
    jobs = {}
    for side, future in found.items():
        rows = future.result()
        absent = rows < 0
        jobs.update({f"{c}{side}": (table[c], rows, "Int64", None, absent) for c in columns})
    return _with(panel, _take_all(jobs))


def _keep(keep: Iterable[str] | str | None, known: Sequence[str], verb: str) -> list[str]:
    if keep is None:
        return list(known)
    keep = [keep] if isinstance(keep, str) else list(keep)
    unknown = [k for k in keep if k not in known]
    if unknown:
        raise InvalidInput(f"{verb}: unknown column(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return keep


def add_democracy(
    panel: pd.DataFrame,
    democracy: pd.DataFrame | None = None,
    *,
    keep: Iterable[str] | str | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """Democracy scores per state-year (peacesciencer's ``ccode_democracy``).

    ``v2x_polyarchy`` (V-Dem v10 electoral democracy, 0-1), ``polity2``
    (Polity IV 2017, -10..10) and ``xm_qudsest`` (Marquez's extended Unified
    Democracy Scores). Dyad-year panels get each with suffix 1 and 2
    (``v2x_polyarchy1``, ``polity21``, ..., ``xm_qudsest2``). Plain left join:
    NA where the source has no value (after 2020, or a missing score).
    ``keep`` selects columns. COW panels only: the Gleditsch-Ward version is
    not among the shipped files.
    """
    democracy = _table(democracy, "ccode_democracy", data_dir)
    columns = _keep(keep, DEMOCRACY_COLUMNS, "add_democracy")
    _require(democracy, ("ccode", "year", *columns), "democracy table")
    return _add_state_values(panel, democracy, columns, "add_democracy")


def add_nmc(
    panel: pd.DataFrame,
    nmc: pd.DataFrame | None = None,
    *,
    keep: Iterable[str] | str | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """National Material Capabilities (COW NMC v7.0), like ``add_nmc()``.

    ``milex, milper, irst, pec, tpop, upop, cinc`` per state-year; dyad-year
    panels get each with suffix 1 and 2 (``milex1`` ... ``cinc2``). Plain left
    join: NA after 2022 and where NMC has -9 (missing). ``keep`` selects
    columns. Source: Singer, Bremer and Stuckey (1972); Singer (1987).
    """
    nmc = _table(nmc, "cow_nmc", data_dir)
    columns = _keep(keep, NMC_COLUMNS, "add_nmc")
    _require(nmc, ("ccode", "year", *columns), "NMC table")
    return _add_state_values(panel, nmc, columns, "add_nmc")


def add_majors(
    panel: pd.DataFrame,
    majors: pd.DataFrame | None = None,
    *,
    last_year: int | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """COW major power status (v2016), like ``add_cow_majors()``.

    ``cowmaj1``/``cowmaj2`` on dyad-years, ``cowmaj`` on state-years: 1 =
    major power that year. Spells that end on 31 December of the list's last
    year are carried to ``last_year`` (default: the last complete calendar
    year); up to that year a non-major is 0, after it NA.
    """
    _panel_kind(panel, "add_majors")
    majors = _table(majors, "cow_majors", data_dir)
    _require(majors, ("ccode", "styear", "endyear", "endmonth", "endday"), "major powers table")
    mrcy = last_complete_year() if last_year is None else int(last_year)
    end = majors["endyear"].to_numpy(np.int64).copy()
    extend = (end == end.max()) & (majors["endmonth"].to_numpy() == 12) & (majors["endday"].to_numpy() == 31)
    end[extend] = mrcy
    spells = pd.DataFrame({"ccode": majors["ccode"].to_numpy(np.int64), "start": majors["styear"], "end": end})
    major_years = _expand_years(spells, "start", "end")[["ccode", "year"]].drop_duplicates()
    major_years["cowmaj"] = 1
    year = panel["year"].to_numpy(np.int64)
    inside = year <= mrcy
    keys = _Keys.of(panel)
    out = {}
    for side in keys.codes:
        rows = _state_rows(keys, side, major_years)
        out[f"cowmaj{side}"] = _take(major_years["cowmaj"], rows, "Int8", inside)
    return _with(panel, out)


def _expand_years(spells: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """One row per spell per year from ``start`` to ``end`` (both included)."""
    lo = spells[start].to_numpy(np.int64)
    hi = spells[end].to_numpy(np.int64)
    length = np.maximum(hi - lo + 1, 0)
    row = np.repeat(np.arange(len(spells)), length)
    step = np.arange(row.size) - np.repeat(np.cumsum(length) - length, length)
    out = spells.iloc[row].reset_index(drop=True)
    out["year"] = lo[row] + step
    out["spell"] = row
    return out


def contiguity_years(contdir: pd.DataFrame | None = None, slice: str = "first", *, data_dir: DataDir = None):
    """Directed dyad-years of COW direct contiguity v3.2 with their ``conttype``.

    The master records are monthly spells; in a year where a dyad's
    contiguity changes, ``slice="first"`` keeps the type of the first month
    of the year it is recorded for and ``"last"`` the last (peacesciencer's
    ``add_contiguity(slice=)``; ties between overlapping spells go to the
    earlier record in the file for "first", the later for "last").
    """
    if slice not in ("first", "last"):
        raise InvalidInput("slice must be 'first' or 'last'")
    contdir = _table(contdir, "cow_contdir", data_dir)
    _require(contdir, ("ccode1", "ccode2", "conttype", "stdate", "enddate"), "contiguity table")
    start = pd.to_datetime(contdir["stdate"]).to_numpy("datetime64[M]")
    end = pd.to_datetime(contdir["enddate"]).to_numpy("datetime64[M]")
    spells = pd.DataFrame(
        {
            "ccode1": contdir["ccode1"].to_numpy(np.int64),
            "ccode2": contdir["ccode2"].to_numpy(np.int64),
            "conttype": contdir["conttype"].to_numpy(np.int64),
            "start": start.astype("datetime64[Y]").astype(np.int64) + 1970,
            "end": end.astype("datetime64[Y]").astype(np.int64) + 1970,
            "m0": start.astype(np.int64) % 12,
            "m1": end.astype(np.int64) % 12,
        }
    )
    years = _expand_years(spells, "start", "end")
    first_month = np.where(years["year"] == years["start"], years["m0"], 0)
    last_month = np.where(years["year"] == years["end"], years["m1"], 11)
    if slice == "first":
        years["order"] = first_month * 100_000 + years["spell"]
        pick = years.sort_values("order", kind="stable").drop_duplicates(["ccode1", "ccode2", "year"], keep="first")
    else:
        years["order"] = last_month * 100_000 + years["spell"]
        pick = years.sort_values("order", kind="stable").drop_duplicates(["ccode1", "ccode2", "year"], keep="last")
    pick = pick.sort_values(["ccode1", "ccode2", "year"])[["ccode1", "ccode2", "year", "conttype"]]
    pick.attrs["years"] = (int(spells["start"].min()), int(spells["end"].max()))
    return pick.reset_index(drop=True)


def add_contiguity(
    panel: pd.DataFrame, contdir: pd.DataFrame | None = None, *, slice: str = "first", data_dir: DataDir = None
) -> pd.DataFrame:
    """COW direct contiguity v3.2, like ``add_contiguity()``.

    Dyad-years get ``conttype``: 1 land border, 2/3/4/5 separated by up to
    12/24/150/400 miles of water, 0 none of these (categories, not an ordinal
    scale). State-years get ``land`` and ``sea``: how many states border it
    by land / by water (types 2-5). 0 inside the data's span (1816-2016), NA
    after. See :func:`contiguity_years` for ``slice``. Source: Stinnett et al.
    (2002).
    """
    kind = _panel_kind(panel, "add_contiguity")
    cont = contiguity_years(contdir, slice, data_dir=data_dir)
    first, last = cont.attrs["years"]
    year = panel["year"].to_numpy(np.int64)
    inside = (year >= first) & (year <= last)
    if kind == "dyad":
        rows = _dyad_rows(panel, "ccode", cont)
        return _with(panel, {"conttype": _take(cont["conttype"], rows, "Int8", inside)})
    conttype = cont["conttype"].to_numpy()
    counts = pd.DataFrame(
        {"ccode": cont["ccode1"], "year": cont["year"], "land": conttype == 1, "sea": conttype > 1}
    ).groupby(["ccode", "year"], as_index=False).sum()
    rows = _state_rows(_Keys.of(panel), "", counts)
    return _with(panel, {c: _take(counts[c].to_numpy(np.int64), rows, "Int64", inside) for c in ("land", "sea")})


def add_mindist(panel: pd.DataFrame, mindist: pd.DataFrame | None = None, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Minimum distance between borders in km (CShapes 2.0), like ``add_minimum_distance()``.

    Dyad-years get ``mindist`` (on 1 January; 0 = shared border), from the
    non-directed table mirrored. State-years get ``minmindist``, the smallest
    ``mindist`` to any other state that year. Plain left join: NA outside
    1886-2019 and where CShapes has no polygon. This is peacesciencer's
    ``use_extdata = FALSE`` path (the shipped ``cow_mindist``).
    """
    kind = _panel_kind(panel, "add_mindist")
    mindist = _table(mindist, "cow_mindist", data_dir)
    _require(mindist, ("ccode1", "ccode2", "year", "mindist"), "minimum distance table")
    if kind == "dyad":
        rows = _dyad_rows(panel, "ccode", mindist, mirror=True)
        return _with(panel, {"mindist": _take(mindist["mindist"], rows)})
    both = pd.DataFrame(
        {
            "ccode": np.concatenate([mindist["ccode1"], mindist["ccode2"]]),
            "year": np.concatenate([mindist["year"], mindist["year"]]),
            "minmindist": np.concatenate([mindist["mindist"], mindist["mindist"]]),
        }
    )
    smallest = both.groupby(["ccode", "year"], as_index=False)["minmindist"].min()
    rows = _state_rows(_Keys.of(panel), "", smallest)
    return _with(panel, {"minmindist": _take(smallest["minmindist"], rows)})


def capital_years(
    capitals: pd.DataFrame | None = None, transsum: str = "first", *, data_dir: DataDir = None
) -> pd.DataFrame:
    """The capital of each COW state in each year: ``ccode, year, lat, lng``.

    In a year the capital moved, ``transsum="first"`` (or ``"jan1"``) keeps
    the capital of the first day of the year that the list covers, ``"last"``
    (or ``"dec31"``) the capital of the last day.
    """
    if transsum not in ("first", "jan1", "last", "dec31"):
        raise InvalidInput("transsum must be 'first', 'jan1', 'last' or 'dec31'")
    capitals = _table(capitals, "cow_capitals", data_dir)
    _require(capitals, ("ccode", "stdate", "enddate", "lat", "lng"), "capitals table")
    start = pd.to_datetime(capitals["stdate"]).to_numpy("datetime64[D]")
    end = pd.to_datetime(capitals["enddate"]).to_numpy("datetime64[D]")
    spells = pd.DataFrame(
        {
            "ccode": capitals["ccode"].to_numpy(np.int64),
            "start": _year_of(start),
            "end": _year_of(end),
            "day0": start.astype(np.int64),
            "lat": capitals["lat"].to_numpy(np.float64),
            "lng": capitals["lng"].to_numpy(np.float64),
        }
    )
    years = _expand_years(spells, "start", "end").sort_values(["ccode", "year", "day0", "spell"], kind="stable")
    keep = "first" if transsum in ("first", "jan1") else "last"
    years = years.drop_duplicates(["ccode", "year"], keep=keep)
    return years[["ccode", "year", "lat", "lng"]].reset_index(drop=True)


def vincenty_sphere_km(lat1, lng1, lat2, lng2) -> np.ndarray:
    """Great-circle distance in km by Vincenty's formula on a sphere.

    The same computation as ``geosphere::distVincentySphere`` (radius
    6,378,137 m), which peacesciencer uses: with longitudes λ and latitudes φ
    in radians and Δλ = λ1 - λ2,

        d = r · atan2( √((cos φ2 sin Δλ)² + (cos φ1 sin φ2 - sin φ1 cos φ2 cos Δλ)²),
                       sin φ1 sin φ2 + cos φ1 cos φ2 cos Δλ )
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lng1) - np.radians(lng2)
    cos_p1, sin_p1, cos_p2, sin_p2, cos_dl = np.cos(p1), np.sin(p1), np.cos(p2), np.sin(p2), np.cos(dl)
    x = np.hypot(cos_p2 * np.sin(dl), cos_p1 * sin_p2 - sin_p1 * cos_p2 * cos_dl)
    y = sin_p1 * sin_p2 + cos_p1 * cos_p2 * cos_dl
    return EARTH_RADIUS_M * np.arctan2(x, y) / 1000.0


def add_capital_distance(
    panel: pd.DataFrame,
    capitals: pd.DataFrame | None = None,
    *,
    transsum: str = "first",
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """Distance between capitals in km, like ``add_capital_distance()``.

    Dyad-years get ``capdist``; state-years get ``mincapdist``, the distance
    to the nearest other capital among the states in the COW system that
    year. Distances by :func:`vincenty_sphere_km` from peacesciencer's
    geocoded capitals (OpenStreetMap); see :func:`capital_years` for
    ``transsum``. NA where a capital is unknown.
    """
    kind = _panel_kind(panel, "add_capital_distance")
    caps = capital_years(capitals, transsum, data_dir=data_dir)
    if kind == "dyad":
        return _with(panel, {"capdist": _capdist(panel, caps)})
    year = panel["year"].to_numpy(np.int64)
    dyads = dyad_years("cow", True, (int(year.min()), int(year.max())), data_dir=data_dir)
    dist = _capdist(dyads, caps)
    nearest = (
        pd.DataFrame({"ccode": dyads["ccode1"], "year": dyads["year"], "mincapdist": dist})
        .groupby(["ccode", "year"], as_index=False)["mincapdist"]
        .min()
    )
    rows = _state_rows(_Keys.of(panel), "", nearest)
    return _with(panel, {"mincapdist": _take(nearest["mincapdist"], rows)})


def _capdist(dyads: pd.DataFrame, caps: pd.DataFrame) -> np.ndarray:
    keys = _Keys.of(dyads)
    r1, r2 = _state_rows(keys, "1", caps), _state_rows(keys, "2", caps)
    lat, lng = caps["lat"].to_numpy(), caps["lng"].to_numpy()
    return vincenty_sphere_km(_take(lat, r1), _take(lng, r1), _take(lat, r2), _take(lng, r2))


def add_secnet(
    panel: pd.DataFrame, table: pd.DataFrame, *, coverage: tuple[int, int] | None = None
) -> pd.DataFrame:
    """secnet's curated pledges and co-memberships per dyad-year, through today.

    ``table`` holds dyad-year facts from the registry: ``ccode1, ccode2,
    year`` and value columns (``secnet_defence``, ``secnet_consult``,
    ``secnet_nato_both``, ``secnet_shared_frameworks``,
    ``secnet_shared_formats``...). Every value column is merged onto the
    panel; dyad-years inside the registry's coverage (``coverage``, default
    1949 to the current year) without a row get 0, years outside stay NA. A
    table with no row where ``ccode1 > ccode2`` is taken as non-directed and
    mirrored onto both directions; otherwise rows are matched as directed.
    """
    _panel_kind(panel, "add_secnet")
    if "ccode1" not in panel.columns:
        raise SecnetError("add_secnet needs a dyad-year panel (ccode1, ccode2, year)")
    _require(table, ("ccode1", "ccode2", "year"), "secnet dyad-year table")
    values = [c for c in table.columns if c not in ("ccode1", "ccode2", "year")]
    if not values:
        raise InvalidData("secnet dyad-year table: no value columns besides ccode1, ccode2, year")
    keys = table[["ccode1", "ccode2", "year"]]
    if keys.duplicated().any():
        dup = keys[keys.duplicated()].iloc[0].tolist()
        raise InvalidData(f"secnet dyad-year table: dyad-year {dup} appears more than once")
    first, last = coverage if coverage is not None else (SECNET_FIRST_YEAR, _dt.date.today().year)
    mirror = not (table["ccode1"].to_numpy() > table["ccode2"].to_numpy()).any()
    rows = _dyad_rows(panel, "ccode", table, mirror=mirror)
    year = panel["year"].to_numpy(np.int64)
    inside = (year >= first) & (year <= last)
    out = {}
    for column in values:
        out[column] = _take(table[column], rows, "Int64", inside)
    return _with(panel, out)


@dataclass
class AtopAgreement:
    """How often ATOP records a defence pledge between two NATO members."""

    years: tuple[int, int]
    dyad_years: int
    agreeing: int
    #: Directed dyad-years where both are NATO members but ``atop_defense`` is not 1.
    disagreements: pd.DataFrame

    @property
    def share(self) -> float:
        return self.agreeing / self.dyad_years if self.dyad_years else float("nan")


def nato_atop_agreement(
    nato_member_years: pd.DataFrame,
    atop: pd.DataFrame | None = None,
    *,
    years: tuple[int, int] = (1949, 2018),
    data_dir: DataDir = None,
) -> AtopAgreement:
    """Share of both-NATO directed dyad-years that ATOP codes ``atop_defense == 1``.

    ``nato_member_years`` is a state-year table (``ccode, year``) of NATO
    membership from the registry. Every ordered pair of distinct members in
    the same year within ``years`` (default 1949-2018, ATOP v5.1's span) is a
    both-NATO dyad-year; a dyad-year ATOP lacks counts as 0. The report lists
    each disagreement (``ccode1, ccode2, year, atop_defense``).
    """
    _require(nato_member_years, ("ccode", "year"), "NATO member-year table")
    atop = _table(atop, "atop_alliance", data_dir)
    _require(atop, ("ccode1", "ccode2", "year", "atop_defense"), "ATOP dyad-year table")
    first, last = years
    members = nato_member_years[["ccode", "year"]].drop_duplicates()
    members = members[(members["year"] >= first) & (members["year"] <= last)]
    pairs = members.merge(members, on="year", suffixes=("1", "2"))
    pairs = pairs[pairs["ccode1"] != pairs["ccode2"]]
    pairs = pairs[["ccode1", "ccode2", "year"]].sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True)
    rows = _dyad_rows(pairs, "ccode", atop) if len(pairs) else np.zeros(0, dtype=np.int64)
    defense = np.asarray(_take(atop["atop_defense"], rows, "Int64", np.ones(len(pairs), bool)), dtype=np.int64)
    pairs["atop_defense"] = defense
    disagreements = pairs[defense != 1].reset_index(drop=True)
    return AtopAgreement((first, last), len(pairs), int((defense == 1).sum()), disagreements)


_STEPS: dict[str, Callable[..., pd.DataFrame]] = {
    "atop": add_atop_alliance,
    "igos": add_igos,
    "democracy": add_democracy,
    "nmc": add_nmc,
    "contiguity": add_contiguity,
    "mindist": add_mindist,
    "capital_distance": add_capital_distance,
    "majors": add_majors,
    "secnet": add_secnet,
}
_STEP_ALIASES = {
    "atop_alliance": "atop",
    "igo": "igos",
    "capdist": "capital_distance",
    "cow_majors": "majors",
    "minimum_distance": "mindist",
}
