"""The research engine as verbs that read like the question (peacesciencer's, in Python).

peacesciencer (R)::

    create_dyadyears(system = "cow", directed = TRUE) |>
      add_atop_alliance() |> add_igos() |> add_nmc()

secnet::

    from secnet import research
    research.dyad_years(system="cow", directed=True).add_atop_alliance().add_igos().add_nmc().to_pandas()

Each verb returns a new :class:`Panel` (the one it was called on is left as
it was), with the same rows in the same order and peacesciencer's column
names; ``to_pandas()``, ``to_arrow()``, ``to_parquet(path)`` and
``write(path)`` hand the table over. :func:`similarity` is the
alliance-portfolio similarity of every dyad-year. Every column is defined,
with its source, in the docstring of the verb that adds it and in
``docs/research.md``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

from secnet.research import panels as _p
from secnet.research.data import read_peacesciencer, write_table
from secnet.research.years import DataDir, Years, parse_years


def read_reference(name: str, data_dir: DataDir = None) -> pd.DataFrame:
    """One reference table by its peacesciencer name (``cow_nmc``, ``atop_alliance``, ``cow_mindist``...).

    Read through the columnar cache (:mod:`secnet.research.cache`); the frame
    is a shallow copy, safe to change.
    """
    return read_peacesciencer(name, data_dir)


class Panel:
    """A dyad-year or state-year panel, built verb by verb.

    Create one with :func:`dyad_years` or :func:`state_years`. Rows are
    sorted by ``ccode1, ccode2, year`` (dyad-years) or ``ccode, year``
    (state-years); ``gwcode`` for Gleditsch-Ward panels.
    """

    def __init__(self, frame: pd.DataFrame, data_dir: DataDir = None):
        self._frame = frame
        self._data_dir = data_dir

    def _then(self, verb: Callable[..., pd.DataFrame], *args, **kwargs) -> Panel:
        return Panel(verb(self._frame, *args, data_dir=self._data_dir, **kwargs), self._data_dir)

    # -- verbs -----------------------------------------------------------------------------

    def add_atop_alliance(self, atop: pd.DataFrame | None = None, *, ndir: bool = True) -> Panel:
        """ATOP v5.1 alliance obligations (dyad-years), as peacesciencer's ``add_atop_alliance()``.

        ``atop_alliance``: 1 when ATOP records any alliance between the two
        states in the year; ``atop_defense``, ``atop_offense``,
        ``atop_neutral``, ``atop_nonagg``, ``atop_consul``: 1 when an
        alliance with a defence, offence, neutrality, non-aggression or
        consultation obligation was in force. 0 inside ATOP's span
        (1815-2018), NA after it. On a non-directed panel each is the maximum
        of both directions. Source: Leeds, Ritter, Mitchell and Long (2002),
        *International Interactions* 28(3): 237-260; ATOP v5.1 codebook.
        """
        return self._then(_p.add_atop_alliance, atop, ndir=ndir)

    def add_igos(self, igos: pd.DataFrame | None = None) -> Panel:
        """Shared IGO memberships, as ``add_igos()``.

        Dyad-years: ``dyadigos``, the number of intergovernmental
        organisations in which both states are full members. State-years:
        ``sum_igo_full``, ``sum_igo_associate``, ``sum_igo_observer``,
        ``sum_igo_anytype``, the organisations the state belongs to by kind
        of membership. NA where the source has no row (after 2014). Source:
        Pevehouse, Nordstrom, McManus and Jamison (2020), *Journal of Peace
        Research* 57(3): 492-503, COW IGO v3.0.
        """
        return self._then(_p.add_igos, igos)

    def add_nmc(self, nmc: pd.DataFrame | None = None, *, keep: Iterable[str] | str | None = None) -> Panel:
        """National Material Capabilities, as ``add_nmc()`` (suffix 1 and 2 on dyad-years).

        ``milex`` military expenditure (thousands of US dollars), ``milper``
        military personnel (thousands), ``irst`` iron and steel production
        (thousands of tons), ``pec`` primary energy consumption (thousands of
        coal-ton equivalents), ``tpop`` total and ``upop`` urban population
        (thousands), ``cinc`` the Composite Index of National Capability (the
        state's mean share of the system's six totals). NA where NMC has no
        value. ``keep`` selects columns. Source: Singer, Bremer and Stuckey
        (1972); Singer (1987), *International Interactions* 14(2): 115-132; COW
        NMC v7.0.
        """
        return self._then(_p.add_nmc, nmc, keep=keep)

    def add_democracy(self, democracy: pd.DataFrame | None = None, *, keep: Iterable[str] | str | None = None) -> Panel:
        """Democracy scores, as ``add_democracy()`` (suffix 1 and 2 on dyad-years; COW panels only).

        ``v2x_polyarchy`` V-Dem's electoral democracy index (0-1; Coppedge et
        al. 2020, V-Dem Codebook v10), ``polity2`` the Polity IV combined
        score (-10 to 10; Marshall, Gurr and Jaggers 2017), ``xm_qudsest``
        Marquez's (2016) extension of the Unified Democracy Scores (Pemstein,
        Meserve and Melton 2010, *Political Analysis* 18(4): 426-449).
        NA where a score is missing (after 2020). ``keep`` selects columns.
        """
        return self._then(_p.add_democracy, democracy, keep=keep)

    def add_contiguity(self, contdir: pd.DataFrame | None = None, *, slice: str = "first") -> Panel:
        """COW direct contiguity v3.2, as ``add_contiguity()``.

        Dyad-years: ``conttype`` 1 land border, 2/3/4/5 separated by at most
        12/24/150/400 miles of water, 0 none. State-years: ``land``, ``sea``,
        the number of states bordering it by land / by water. 0 within
        1816-2016, NA after. Source: Stinnett, Tir, Schafer, Diehl and Gochman
        (2002), *Conflict Management and Peace Science* 19(2): 58-66.
        """
        return self._then(_p.add_contiguity, contdir, slice=slice)

    def add_minimum_distance(self, mindist: pd.DataFrame | None = None) -> Panel:
        """Minimum distance between borders in km, as ``add_minimum_distance()``.

        Dyad-years: ``mindist`` (0 = shared border); state-years:
        ``minmindist``, the smallest distance to any other state. NA outside
        1886-2019. Source: Schvitz, Rüegger, Girardin, Cederman, Weidmann and
        Gleditsch (2022), *Journal of Conflict Resolution* 66(1): 144-161,
        CShapes 2.0.
        """
        return self._then(_p.add_mindist, mindist)

    def add_capital_distance(self, capitals: pd.DataFrame | None = None, *, transsum: str = "first") -> Panel:
        """Great-circle distance between capitals in km, as ``add_capital_distance()``.

        Dyad-years: ``capdist``; state-years: ``mincapdist``, the distance to
        the nearest other capital. Vincenty's formula on a sphere of radius
        6,378,137 m, from peacesciencer's geocoded capitals (OpenStreetMap).
        """
        return self._then(_p.add_capital_distance, capitals, transsum=transsum)

    def add_cow_majors(self, majors: pd.DataFrame | None = None) -> Panel:
        """COW major powers v2016, as ``add_cow_majors()``: ``cowmaj1``/``cowmaj2`` (``cowmaj`` on state-years).

        1 when the state is a major power in the year, 0 otherwise, NA after
        the last complete year. Source: Correlates of War Project (2017),
        State System Membership v2016.
        """
        return self._then(_p.add_majors, majors)

    def add_secnet(self, table: pd.DataFrame) -> Panel:
        """secnet's registry per dyad-year (``research.secnet_dyad_years(registry)``), through this year.

        ``secnet_defence`` (a binding defence pledge from ccode1 to ccode2, dated
        from the signature of its instrument as ATOP dates it), ``secnet_defence_in_force``
        (the same pledge once in force in law), ``secnet_defence_political``,
        ``secnet_consult``, ``secnet_nato_both``,
        ``secnet_shared_frameworks``, ``secnet_shared_formats``,
        ``secnet_uncertain``: see :mod:`secnet.research.dyad_facts`. 0 from
        1949 to this year where the registry has nothing, NA before.
        Source: the secnet dataset (every fact cites its primary source).
        """
        return Panel(_p.add_secnet(self._frame, table), self._data_dir)

    # -- results ---------------------------------------------------------------------------

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self._frame.columns]

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        return f"<secnet.research.Panel {len(self):,} rows: {', '.join(self.columns)}>"

    def to_pandas(self) -> pd.DataFrame:
        """The panel as a pandas DataFrame (nullable ``Int8``/``Int64`` for counts and flags, float64 for reals)."""
        return self._frame.copy(deep=False)

    def to_arrow(self):
        """The panel as a ``pyarrow.Table`` (missing values as Arrow nulls)."""
        from secnet.research.data import to_arrow

        return to_arrow(self._frame)

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write the panel as Parquet (pyarrow, no index); returns the path written."""
        if not str(path).lower().endswith(".parquet"):
            from secnet.errors import InvalidInput

            raise InvalidInput(f"to_parquet: {path} must end in .parquet (use write() for other formats)")
        return write_table(self._frame, path)

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the panel; the format follows the name: .parquet, .csv, .csv.gz, .dta or .feather."""
        return write_table(self._frame, path)


def dyad_years(
    system: str = "cow",
    directed: bool = True,
    years: Years = None,
    *,
    last_year: int | None = None,
    data_dir: DataDir = None,
) -> Panel:
    """Every pair of states in the system in the same year, as ``create_dyadyears()``.

    ``system``: ``"cow"`` (COW State System Membership v2016; columns
    ``ccode1, ccode2, year``) or ``"gw"`` (Gleditsch and Ward 1999; ``gwcode1,
    gwcode2, year``). ``directed``: each pair as (a, b) and (b, a), or once
    with ``ccode1 < ccode2``. ``years``: ``(1816, 2018)``, one year, a list or
    ``"1946-1989,2001"`` (default: all, to the last complete year, as
    peacesciencer's ``mry = TRUE``). A dyad-year exists when both states are
    members at some time of the year and their memberships overlap on a day.
    """
    return Panel(_p.dyad_years(system, directed, years, last_year=last_year, data_dir=data_dir), data_dir)


def panel(
    system: str = "cow",
    directed: bool = True,
    add: str | Sequence[str] = ("atop", "igos", "democracy", "nmc"),
    years: Years = None,
    *,
    secnet: pd.DataFrame | None = None,
    data_dir: DataDir = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Panel:
    """:func:`dyad_years` with the verbs named in ``add`` applied in order (what ``secnet panel --add`` runs).

    ``add``: a list or ``"atop,igos,nmc"``; names ``atop``, ``igos``,
    ``democracy``, ``nmc``, ``contiguity``, ``mindist``,
    ``capital_distance``, ``majors``, ``secnet`` (which needs ``secnet``,
    the registry's table from :func:`secnet_dyad_years`).
    ``progress(step, done, total)`` is called after each step.
    """
    frame = _p.build_panel(system, directed, add, years, secnet=secnet, data_dir=data_dir, progress=progress)
    return Panel(frame, data_dir)


def state_years(system: str = "cow", years: Years = None, *, last_year: int | None = None,
                data_dir: DataDir = None) -> Panel:
    """One row per state per year in the system, as ``create_stateyears()``: ``ccode, cw_name, year``.

    ``gwcode, gw_name, year`` for ``system="gw"``; ``years`` as in :func:`dyad_years`.
    """
    return Panel(_p.state_years(system, years, last_year=last_year, data_dir=data_dir), data_dir)


def similarity(
    source: str | pd.DataFrame = "atop",
    measures: str | Sequence[str] = ("taub", "s", "kappa", "pi"),
    years: Years = None,
    *,
    directed: bool = True,
    file: str | os.PathLike[str] | None = None,
    table: pd.DataFrame | None = None,
    capabilities: pd.DataFrame | None = None,
    data_dir: DataDir = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Alliance-portfolio similarity of every COW dyad-year: ``ccode1, ccode2, year`` and one column per measure.

    ``source``: ``"atop"`` (ATOP v5.1, or the official file at ``file``),
    ``"cow"`` (COW Formal Alliances v4.1 at ``file``; Gibler 2009),
    ``"secnet"`` (the registry's ``table`` from
    :func:`secnet_dyad_years`) or a dyad-year table. ``measures``, with their
    columns (peacesciencer's names):

    - ``taub`` -> ``taub``: Kendall's tau-b of the two portfolios (Kendall
      1938; Bueno de Mesquita 1975);
    - ``s`` -> ``sallyvua``, ``s_squared`` -> ``sallyvus``, ``s_weighted``
      -> ``sallyvwa``: Signorino and Ritter's S, absolute, squared and
      CINC-weighted distances (1999, *International Studies Quarterly*
      43(1): 115-144);
    - ``kappa`` -> ``kallyv``, ``pi`` -> ``pallyv``: Cohen's kappa and
      Scott's pi (Häge 2011, *Political Analysis* 19(3): 287-305).

    A portfolio is a state's tie to every state in the system that year
    (3 defence or offence, 2 neutrality or non-aggression, 1 consultation
    or entente, 0 none, 3 to itself). NA for years outside the alliance
    data's span and for states with a "false" dyad-year in the year. Rows
    are sorted by year, ccode1, ccode2. See
    :mod:`secnet.research.similarity_panel` for the formulas.
    """
    from secnet.research.similarity_panel import alliance_similarity
    from secnet.research.ties import load_alliances

    parse_years(years)  # malformed years are refused before any data is looked for
    if isinstance(source, str):
        source = load_alliances(source, path=file, table=table, data_dir=data_dir)
    return alliance_similarity(source, measures=measures, years=years, directed=directed,
                               capabilities=capabilities, data_dir=data_dir, progress=progress)
