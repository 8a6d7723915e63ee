"""State-year sources: COW IGO v3.0, NMC v7.0, democracy scores, major powers.

On a dyad-year panel every state-year column comes twice, with suffix 1 and 2
(``milex1``, ``milex2``), except ``dyadigos`` (a dyad-year count).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from secnet.research.chain import DEMOCRACY_COLUMNS, NMC_COLUMNS, igo_dyad_columns, keep_columns, state_value_columns
from secnet.research.joins import _Keys, _panel_kind, _require, _state_rows, _table, _take, _with, pandas_column
from secnet.research.years import DataDir, last_complete_year

__all__ = ["DEMOCRACY_COLUMNS", "IGO_STATE_COLUMNS", "NMC_COLUMNS", "add_democracy", "add_igos", "add_majors", "add_nmc"]
IGO_STATE_COLUMNS = ("sum_igo_full", "sum_igo_associate", "sum_igo_observer", "sum_igo_anytype")


def add_igos(panel: pd.DataFrame, igos: pd.DataFrame | None = None, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Shared IGO memberships (COW IGO v3.0), like ``add_igos()``.

    Dyad-year panels get ``dyadigos``: the number of IGOs in which both states
    are full members (the non-directed file, mirrored, so (a, b) and (b, a)
    get the same count). State-year panels get ``sum_igo_full``,
    ``sum_igo_associate``, ``sum_igo_observer``, ``sum_igo_anytype``. No
    zero-fill: a dyad-year or state-year without a row (after 2014, or a
    "false" dyad) is NA. ``igos`` replaces the shipped table (same layout; see
    :mod:`secnet.research.readers.cow`). Source: Pevehouse et al. (2020).
    """
    kind = _panel_kind(panel, "add_igos")
    if kind == "dyad":
        igos = _table(igos, "cow_igo_ndy", data_dir)
        _require(igos, ("ccode1", "ccode2", "year", "dyadigos"), "COW IGO dyad-year table")
        return _with(panel, {k: pandas_column(v) for k, v in igo_dyad_columns(_Keys.of(panel), igos).items()})
    igos = _table(igos, "cow_igo_sy", data_dir)
    _require(igos, ("ccode", "year", *IGO_STATE_COLUMNS), "COW IGO state-year table")
    rows = _state_rows(_Keys.of(panel), "", igos)
    return _with(panel, {c: _take(igos[c], rows) for c in IGO_STATE_COLUMNS})


def _add_state_values(
    panel: pd.DataFrame, table: pd.DataFrame, columns: Sequence[str], verb: str
) -> pd.DataFrame:
    _panel_kind(panel, verb)
    new = state_value_columns(_Keys.of(panel), table, columns)
    return _with(panel, {name: pandas_column(values) for name, values in new.items()})


def _keep(keep: Iterable[str] | str | None, known: Sequence[str], verb: str) -> list[str]:
    return keep_columns(keep, known, verb)


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
