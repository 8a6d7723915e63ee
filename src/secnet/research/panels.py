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

All joins are vectorised on sorted integer keys (:mod:`secnet.research.gather`,
numpy only), so an ``add_*`` is a handful of array gathers, never a Python
loop over dyads. The columns of ``atop``, ``igos``, ``nmc`` and ``democracy``
come from :mod:`secnet.research.chain`, which ``secnet panel`` also uses to
build the same panel as Arrow without pandas.

Sources (cite them with the panel): COW State System Membership v2016 and
Major Powers v2016; Gleditsch & Ward (1999); ATOP v5.1 (Leeds et al. 2002);
COW IGO v3.0 (Pevehouse et al. 2020); V-Dem v10, Polity IV 2017 and
Marquez's extended UDS (peacesciencer's ``ccode_democracy``); COW NMC v7.0;
COW Direct Contiguity v3.2 (Stinnett et al. 2002); CShapes 2.0 minimum
distances (Schvitz et al. 2022); peacesciencer's capitals list. See
``../shared/data/peacesciencer/README.md`` for the full references.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from secnet.errors import SecnetError
from secnet.research.alliances import ATOP_COLUMNS, AtopAgreement, add_atop_alliance, add_secnet, nato_atop_agreement
from secnet.research.geography import (
    EARTH_RADIUS_M,
    add_capital_distance,
    add_contiguity,
    add_mindist,
    capital_years,
    contiguity_years,
    vincenty_sphere_km,
)
from secnet.research.states import (
    DEMOCRACY_COLUMNS,
    IGO_STATE_COLUMNS,
    NMC_COLUMNS,
    add_democracy,
    add_igos,
    add_majors,
    add_nmc,
)
from secnet.research.chain import panel_steps
from secnet.research.dyads import dyad_year_keys
from secnet.research.system import SystemMembership, _system, system_membership, system_spells
from secnet.research.years import SECNET_FIRST_YEAR, DataDir, Years, last_complete_year, parse_years

#: ``progress(step, done, total)``: called after each step of :func:`build_panel`.
Progress = Callable[[str, int, int], None]

__all__ = [
    "ATOP_COLUMNS", "DEMOCRACY_COLUMNS", "EARTH_RADIUS_M", "IGO_STATE_COLUMNS", "NMC_COLUMNS", "SECNET_FIRST_YEAR",
    "AtopAgreement", "DataDir", "SystemMembership", "Years", "add_atop_alliance", "add_capital_distance",
    "add_contiguity", "add_democracy", "add_igos", "add_majors", "add_mindist", "add_nmc", "add_secnet",
    "build_panel", "capital_years", "contiguity_years", "dyad_years", "last_complete_year", "nato_atop_agreement",
    "parse_years", "state_years", "system_membership", "system_spells", "vincenty_sphere_km",
]


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
    columns, keys = dyad_year_keys(system, directed, years, last_year=last_year, states=states, data_dir=data_dir)
    return pd.DataFrame(keys.T, columns=columns, copy=False)


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
    steps = panel_steps(add)
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
