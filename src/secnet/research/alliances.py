"""Alliance obligations per dyad-year: ATOP v5.1 and secnet's own registry.

Sources: Leeds, Ritter, Mitchell and Long (2002), *International Interactions*
28: 237-260, ATOP v5.1 (peacesciencer's ``atop_alliance``); the secnet registry
(:mod:`secnet.research.dyad_facts`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from secnet.errors import InvalidData, SecnetError
from secnet.research.chain import ATOP_COLUMNS, atop_columns
from secnet.research.joins import _dyad_rows, _is_non_directed, _Keys, _panel_kind, _require, _table, _take, _with, pandas_column
from secnet.research.years import SECNET_FIRST_YEAR, DataDir

__all__ = ["ATOP_COLUMNS", "AtopAgreement", "add_atop_alliance", "add_secnet", "nato_atop_agreement"]


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
    :func:`secnet.research.readers.atop.read_atop_dyad_years`. Source: Leeds et al.
    (2002), ATOP v5.1.
    """
    _panel_kind(panel, "add_atop_alliance")
    if "ccode1" not in panel.columns:
        raise SecnetError("add_atop_alliance needs a dyad-year panel (ccode1, ccode2, year)")
    atop = _table(atop, "atop_alliance", data_dir)
    _require(atop, ("ccode1", "ccode2", "year", *ATOP_COLUMNS), "ATOP dyad-year table")
    if _is_non_directed(panel) and ndir:
        atop = _symmetric_max(atop, ATOP_COLUMNS)
    out = {name: pandas_column(values) for name, values in atop_columns(_Keys.of(panel), atop).items()}
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
