"""The columns the panel verbs add, computed on numpy keys; and whole panels as Arrow tables.

Each ``*_columns`` function takes a panel's keys (:class:`~secnet.research.gather.Keys`)
and a source table (Arrow or pandas) and returns the new columns, in order,
as numpy arrays or :class:`~secnet.research.tables.Masked` pairs. The pandas
verbs (``add_atop_alliance``, ``add_igos``, ``add_nmc``, ``add_democracy``)
wrap exactly these, so a panel built here holds the same values.

:func:`arrow_panel` builds a COW dyad-year panel with the steps in
:data:`ARROW_STEPS` from the cached Arrow reference files, without pandas:
it is what ``secnet panel`` runs for those steps (pandas alone takes 0.3 s
to import). Other steps, Gleditsch-Ward panels and ATOP on a non-directed
panel (which folds both directions first) go through
:func:`secnet.research.panels.build_panel`.

Sources: ATOP v5.1 (Leeds et al. 2002); COW IGO v3.0 (Pevehouse et al.
2020); COW NMC v7.0 (Singer, Bremer and Stuckey 1972; Singer 1987);
peacesciencer's ``ccode_democracy`` (V-Dem v10, Polity IV 2017, Marquez's
extended UDS). See :mod:`secnet.research.api` for each column's definition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from secnet.errors import InvalidInput, SecnetError
from secnet.research.gather import Keys, dyad_rows, pool, state_rows, take, take_all
from secnet.research.tables import Masked, column, require, whole_numbers

ATOP_COLUMNS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
NMC_COLUMNS = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
DEMOCRACY_COLUMNS = ("v2x_polyarchy", "polity2", "xm_qudsest")

#: Every step ``secnet panel --add`` knows, in the documented order.
STEP_NAMES = ("atop", "igos", "democracy", "nmc", "contiguity", "mindist", "capital_distance", "majors", "secnet")
STEP_ALIASES = {
    "atop_alliance": "atop",
    "igo": "igos",
    "capdist": "capital_distance",
    "cow_majors": "majors",
    "minimum_distance": "mindist",
}
#: The steps :func:`arrow_panel` computes itself, with their reference table.
ARROW_STEPS = {"atop": "atop_alliance", "igos": "cow_igo_ndy", "nmc": "cow_nmc", "democracy": "ccode_democracy"}


def panel_steps(add: str | Sequence[str]) -> list[str]:
    """Step names from a list or ``"atop,igos,nmc"`` (aliases resolved); unknown names are refused."""
    if isinstance(add, str):
        add = add.split(",")
    steps = [STEP_ALIASES.get(s.strip().lower(), s.strip().lower()) for s in add if s.strip()]
    unknown = [s for s in steps if s not in STEP_NAMES]
    if unknown:
        raise InvalidInput(f"unknown panel step(s) {', '.join(unknown)}; known: {', '.join(sorted(STEP_NAMES))}")
    return steps


def atop_columns(keys: Keys, atop: Any) -> dict[str, np.ndarray | Masked]:
    """``atop_alliance`` and the five obligation flags (``Int8``): 1/0 inside ATOP's years, missing after.

    ``atop`` holds one row per directed dyad-year (on a non-directed panel,
    both directions already folded into one, see ``add_atop_alliance``).
    """
    require(atop, ("ccode1", "ccode2", "year", *ATOP_COLUMNS), "ATOP dyad-year table")
    years = whole_numbers(atop, "year", "ATOP year")
    first, last = (int(years.min()), int(years.max())) if years.size else (0, -1)
    rows = dyad_rows(keys, atop)
    inside = (keys.year >= first) & (keys.year <= last)
    absent = rows < 0
    out: dict[str, Any] = {"atop_alliance": Masked((~absent).view(np.int8), np.greater(absent, inside))}
    out.update(take_all({c: (column(atop, c), rows, "Int8", inside, absent) for c in ATOP_COLUMNS}))
    return out


def igo_dyad_columns(keys: Keys, igos: Any) -> dict[str, np.ndarray | Masked]:
    """``dyadigos`` (``Int64``): IGOs in which both states are full members; the non-directed file, mirrored."""
    require(igos, ("ccode1", "ccode2", "year", "dyadigos"), "COW IGO dyad-year table")
    rows = dyad_rows(keys, igos, mirror=True)
    return {"dyadigos": take(column(igos, "dyadigos"), rows)}


def state_value_columns(keys: Keys, table: Any, columns: Sequence[str]) -> dict[str, np.ndarray | Masked]:
    """State-year values for each side of the panel (``milex1`` ... ``cinc2``): plain left joins."""
    workers = pool()
    found = {side: workers.submit(state_rows, keys, side, table) for side in keys.codes}  # both sides at once
    jobs = {}
    for side, future in found.items():
        rows = future.result()
        absent = rows < 0
        jobs.update({f"{c}{side}": (column(table, c), rows, "Int64", None, absent) for c in columns})
    return take_all(jobs)


def keep_columns(keep, known: Sequence[str], verb: str) -> list[str]:
    """The columns a ``keep=`` argument selects (all by default); unknown names are refused."""
    if keep is None:
        return list(known)
    keep = [keep] if isinstance(keep, str) else list(keep)
    unknown = [k for k in keep if k not in known]
    if unknown:
        raise InvalidInput(f"{verb}: unknown column(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return keep


def arrow_ready(system: str, directed: bool, steps: Sequence[str]) -> bool:
    """Whether :func:`arrow_panel` builds this panel (else :func:`~secnet.research.panels.build_panel` does)."""
    return system == "cow" and set(steps) <= set(ARROW_STEPS) and (directed or "atop" not in steps)


def arrow_panel(
    system: str,
    directed: bool,
    steps: Sequence[str],
    years=None,
    *,
    data_dir=None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, np.ndarray | Masked]:
    """A COW dyad-year panel with ``steps`` (see :func:`arrow_ready`), as numpy columns in panel order.

    The same rows, columns and values as ``build_panel(system, directed,
    steps, years)``; hand the result to
    :func:`secnet.research.tables.arrow_table` for an Arrow table.
    """
    from secnet.research.dyads import dyad_year_keys

    if not arrow_ready(system, directed, steps):
        raise InvalidInput(f"arrow_panel: steps {', '.join(steps)} on a {system} panel need build_panel")
    total = len(steps) + 1
    names, key_rows = dyad_year_keys(system, directed, years, data_dir=data_dir)
    out: dict[str, Any] = dict(zip(names, key_rows, strict=True))
    keys = Keys.of({"1": key_rows[0], "2": key_rows[1]}, key_rows[2])
    if progress:
        progress("dyad_years", 1, total)
    _refuse_repeats(steps)
    # The steps read different tables and only add columns: they run side by side (numpy's
    # gathers and searches release the GIL); their columns are added in the order asked for.
    with ThreadPoolExecutor(max_workers=max(1, len(steps)), thread_name_prefix="secnet-step") as steps_pool:
        futures = [steps_pool.submit(_step_columns, step, keys, data_dir) for step in steps]
        for done, (step, future) in enumerate(zip(steps, futures, strict=True), start=2):
            out.update(future.result())
            if progress:
                progress(step, done, total)
    return out


def panel_slices(
    system: str,
    directed: bool,
    steps: Sequence[str],
    years=None,
    *,
    data_dir=None,
    rows_per_slice: int = 1 << 19,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[int, list[Callable[[], dict[str, np.ndarray | Masked]]]]:
    """:func:`arrow_panel` cut into row slices, each computed only when asked for.

    Returns the panel's row count and one function per slice of at most
    ``rows_per_slice`` rows that computes that slice's columns: the same
    values as the whole panel's rows there, since every step joins row by
    row. ``secnet panel`` hands them to
    :func:`secnet.research.parquet.write_parquet_slices`, so slices are
    joined and encoded side by side and the panel is never whole in memory.
    The reference tables and their indexes are read here, once; each slice
    makes its own keys.
    ``progress(step, done, total)`` is called as slices finish.
    """
    from secnet.research.dyads import dyad_year_key_rows
    from secnet.research.gather import dyad_index
    from secnet.research.tables import reference_table

    if not arrow_ready(system, directed, steps):
        raise InvalidInput(f"panel_slices: steps {', '.join(steps)} on a {system} panel need build_panel")
    _refuse_repeats(steps)
    names, rows, key_rows = dyad_year_key_rows(system, directed, years, data_dir=data_dir)
    for step in steps:
        table = reference_table(ARROW_STEPS[step], data_dir)
        if step in ("atop", "igos"):
            require(table, ("ccode1", "ccode2", "year"), "ATOP dyad-year table" if step == "atop" else
                    "COW IGO dyad-year table")
            dyad_index(table, "ccode")  # built once, before the slices share it
    bounds = list(range(0, rows, max(1, rows_per_slice))) or [0]
    done: list[int] = []

    def make(start: int) -> dict[str, np.ndarray | Masked]:
        part = key_rows(start, start + rows_per_slice)  # made here, on the slice's thread
        keys = Keys.of({"1": part[0], "2": part[1]}, part[2])
        out: dict[str, Any] = dict(zip(names, part, strict=True))
        for step in steps:
            out.update(_step_columns(step, keys, data_dir))
        done.append(start)
        if progress:
            progress("rows", min(len(done) * rows_per_slice, rows), rows)
        return out

    return rows, [lambda start=start: make(start) for start in bounds]


def _refuse_repeats(steps: Sequence[str]) -> None:
    """A step asked for twice would add its columns twice: refused, as the pandas verbs refuse it."""
    seen: set[str] = set()
    for step in steps:
        if step in seen:
            clash = ["atop_alliance", *ATOP_COLUMNS] if step == "atop" else ["dyadigos"] if step == "igos" else \
                [f"{c}{side}" for side in "12" for c in (NMC_COLUMNS if step == "nmc" else DEMOCRACY_COLUMNS)]
            raise SecnetError(f"the panel already has column(s) {', '.join(clash)}; was this step applied twice?")
        seen.add(step)


def _step_columns(step: str, keys: Keys, data_dir) -> dict[str, np.ndarray | Masked]:
    """The columns one step of :func:`arrow_panel` adds, from its reference table."""
    from secnet.research.tables import reference_table

    table = reference_table(ARROW_STEPS[step], data_dir)
    if step == "atop":
        return atop_columns(keys, table)
    if step == "igos":
        return igo_dyad_columns(keys, table)
    known = NMC_COLUMNS if step == "nmc" else DEMOCRACY_COLUMNS
    require(table, ("ccode", "year", *known), "NMC table" if step == "nmc" else "democracy table")
    return state_value_columns(keys, table, known)
