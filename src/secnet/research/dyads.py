"""The dyad-years of a state system as key arrays (numpy only).

A dyad-year exists when both states are members of the system at some point
of the year, minus the "false" dyad-years in which their memberships never
overlap on a day (:func:`secnet.research.system.system_membership`). The
keys come sorted by ``ccode1, ccode2, year``; directed panels hold (a, b)
and (b, a), non-directed ones only ``ccode1 < ccode2``.
:func:`secnet.research.panels.dyad_years` is the same panel as a pandas
DataFrame; :mod:`secnet.research.chain` builds Arrow panels on these keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from secnet.research.system import SystemMembership, _system, is_in, system_membership
from secnet.research.years import DataDir, Years


def dyad_year_keys(
    system: str = "cow",
    directed: bool = True,
    years: Years = None,
    *,
    last_year: int | None = None,
    states: Any = None,
    data_dir: DataDir = None,
) -> tuple[list[str], np.ndarray]:
    """Column names (``ccode1, ccode2, year`` or ``gwcode1, gwcode2, year``) and a (3, rows) int64 array."""
    names, total, rows = dyad_year_key_rows(system, directed, years, last_year=last_year, states=states,
                                            data_dir=data_dir)
    return names, rows(0, total)


def dyad_year_key_rows(
    system: str = "cow",
    directed: bool = True,
    years: Years = None,
    *,
    last_year: int | None = None,
    states: Any = None,
    data_dir: DataDir = None,
) -> tuple[list[str], int, Callable[[int, int], np.ndarray]]:
    """The keys of :func:`dyad_year_keys` made on demand: column names, the row count, and
    ``rows(start, stop)``, the (3, stop - start) int64 keys of those rows.

    The panel is a list of runs (one dyad, consecutive years); a slice of rows
    is made from the runs it overlaps, so a panel built slice by slice never
    holds all its keys at once.
    """
    sysm = _system(system)
    presence = system_membership(system, years, last_year=last_year, states=states, data_dir=data_dir)
    si, sj, lo, hi = _dyad_runs(presence, directed)
    c1, c2 = presence.codes[si], presence.codes[sj]
    first_year = lo + presence.first_year  # the first calendar year of each run
    ends = np.cumsum(hi - lo)  # one past each run's last row
    total = int(ends[-1]) if ends.size else 0

    def rows(start: int, stop: int) -> np.ndarray:
        start, stop = max(0, start), min(stop, total)
        out = np.empty((3, max(0, stop - start)), dtype=np.int64)
        if stop <= start:
            return out
        first_run, last_run = np.searchsorted(ends, [start, stop - 1], side="right")  # the runs holding both ends
        runs = slice(int(first_run), int(last_run) + 1)
        begins = ends[runs] - (hi[runs] - lo[runs])  # each run's first row
        length = np.minimum(ends[runs], stop) - np.maximum(begins, start)
        out[0] = np.repeat(c1[runs], length)
        out[1] = np.repeat(c2[runs], length)
        # Within a run the years count up from its first year: row number + per-run shift.
        out[2] = np.arange(start, stop, dtype=np.int64)
        out[2] += np.repeat(first_year[runs] - begins, length)
        return out

    return [f"{sysm.code}1", f"{sysm.code}2", "year"], total, rows


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
        si, sj, lo, hi = _cut_years(si, sj, lo, hi, fs1, fs2, ft, n_states, n_years)
    order = np.lexsort((lo, sj, si))
    return si[order], sj[order], lo[order], hi[order]


def _cut_years(si, sj, lo, hi, fs1, fs2, ft, n_states: int, n_years: int):
    """Remove single dyad-years (fs1, fs2, ft) from runs [lo, hi) of (si, sj)."""
    run_key = si * n_states + sj
    cut_key = fs1 * n_states + fs2
    hit = np.zeros(si.size, dtype=bool)
    for key, year in zip(cut_key, ft, strict=True):  # false dyad-years are few (16 in COW v2016)
        hit |= (run_key == key) & (lo <= year) & (year < hi)
    # Runs with a cut are few: split them into single years and drop the cut ones.
    length = (hi - lo)[hit]
    row = np.repeat(np.flatnonzero(hit), length)
    year = np.arange(row.size) - np.repeat(np.cumsum(length) - length, length) + lo[row]
    keep = ~is_in(run_key[row] * n_years + year, cut_key * n_years + ft)
    row, year = row[keep], year[keep]
    return (
        np.concatenate([si[~hit], si[row]]),
        np.concatenate([sj[~hit], sj[row]]),
        np.concatenate([lo[~hit], year]),
        np.concatenate([hi[~hit], year + 1]),
    )
