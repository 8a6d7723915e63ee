"""Alliance-portfolio similarity per dyad-year, vectorised by year.

In each year, every state in the COW system has a *portfolio*: its valued
alliance tie to every state in the system, itself included,

    3  defence or offence pledge
    2  neutrality or non-aggression pledge (and no defence/offence)
    1  consultation (ATOP) or entente (COW) only
    0  no alliance
    and a state's tie to itself is 3.

With ``M[k, a]`` the tie recorded in the directed row (ccode1 = k, ccode2 =
a), state a's portfolio is the column ``x_a = M[:, a]``, as in peacesciencer's
published tau-b (``spread(ccode2, commitment)`` then ``cor()`` on columns).
For the dyad (a, b), with x = x_a, y = x_b over the n states k of the year:

Kendall's tau-b (Kendall 1938; used by Bueno de Mesquita 1975)::

    tau_b = (C - D) / sqrt((n0 - T_x) (n0 - T_y))

where C and D count the concordant and discordant pairs {k, k'}, n0 = n(n-1)/2
and T_x = sum over levels l of n_l (n_l - 1) / 2 (pairs tied in x).

Signorino and Ritter's S (1999, *International Studies Quarterly* 43(1):
115-144), with d_max = 3 the largest possible distance::

    S   = 1 - 2 sum_k |x_k - y_k| / (3 n)                      (``s``, sallyvua)
    S_2 = 1 - 2 sum_k (x_k - y_k)^2 / (9 n)                    (``s_squared``, sallyvus)
    S_w = 1 - 2 sum_k w_k |x_k - y_k| / (3 sum_k w_k)          (``s_weighted``, sallyvwa)

with w_k the capability share (COW NMC ``cinc``) of state k; a state without
a CINC score weighs 0.

Cohen's kappa and Scott's pi as chance-corrected agreement (Häge 2011,
*Political Analysis* 19(3): 287-305), with the squared distance metric::

    kappa = 1 - sum (x_k - y_k)^2 / (sum x^2 + sum y^2 - 2 (sum x)(sum y) / n)
    pi    = 1 - sum (x_k - y_k)^2 / (sum x^2 + sum y^2 - (sum x + sum y)^2 / (2 n))

The denominators are the squared distance expected by chance when the two
states draw their ties independently from their own (kappa) or their pooled
(pi) distribution of ties.

How it is computed: every measure is a function of the 4 x 4 contingency
table of (x_k, y_k), because the ties take four levels. With the cumulative
level indicators ``G_s = [M >= s]`` (s = 1, 2, 3), the cumulative table
``h_st[a, b] = #{k : M[k,a] >= s, M[k,b] >= t}`` of every pair of states at
once is the matrix product ``G_s' G_t``. A year therefore costs a few n x n
products (BLAS; three dense ones, since ties of level exactly 1 are rare
enough to be added as thin corrections) and a fixed number of elementwise
array operations; there is no loop over dyads. Kendall's C - D is a
quadratic form in these counts (cx_s = h_ss[a, a] counts column a at level
>= s, cy_s the same for b)::

    C - D = h11 (n - cx2 - cy2 + h22) + h21 (cx1 - cx3 - h12 + h32)
          + h12 (cy1 - cy3 + h23) + h31 (cx2 - h22) + h13 (cy2 - h22)
          + h22 h33 - h23 h32 - cx1 cy1

and sum |x - y|, sum (x - y)^2, sum x y, sum x and sum x^2 are linear in
them (sum_k min(x_k, y_k) = h11 + h22 + h33; sum_k x_k y_k = sum of all nine
h_st). Every numerator and denominator is an integer below 2**24, computed
exactly in float32; each measure then takes one float64 division, so the
results agree with double-precision references to rounding. Small years are
stacked, padded with empty rows, into one batch of products; BLAS runs on
one thread (thousands of small products gain nothing from more).

Missing values, as in the reference: a dyad-year in which the two states are
not both in the system is not a row. A state that is in the system in a year
but never coexists on a day with some other member (a "false" dyad-year,
see :func:`secnet.research.panels.dyad_years`) has a hole in its portfolio,
so all its measures that year are NA, like R's ``cor()`` on a column with an
NA. Years outside the alliance data's span are NA. A measure whose
denominator is 0 (a constant portfolio) is NA.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from secnet.errors import InvalidData
from secnet.research.portfolio import DEFAULT_MEASURES, MEASURES, _batch, _finish, _one_blas_thread, parse_measures, similarity_matrices
from secnet.research.system import system_membership
from secnet.research.tables import Masked, column, column_names, reference_table
from secnet.research.ties import _levels, load_alliances, valued_alliances
from secnet.research.years import Years, parse_years

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["DEFAULT_MEASURES", "MEASURES", "alliance_similarity", "load_alliances", "parse_measures",
           "similarity_columns", "similarity_matrices", "valued_alliances"]
#: ``progress(done_years, total_years)``.
Progress = Callable[[int, int], None]
#: ``ready(columns, done_rows, total_rows)``: see :func:`similarity_columns`.
Ready = Callable[[dict[str, np.ndarray], int, int], None]

# ---------------------------------------------------------------------------
# all dyad-years


def alliance_similarity(
    alliances: pd.DataFrame | str = "atop",
    *,
    measures: str | Sequence[str] = DEFAULT_MEASURES,
    years: Years = None,
    directed: bool = True,
    coverage: tuple[int, int] | None = None,
    capabilities: pd.DataFrame | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Alliance-portfolio similarity for every COW dyad-year.

    ``alliances`` is ``"atop"`` (ATOP v5.1 from the peacesciencer files) or a
    dyad-year table in any layout :func:`valued_alliances` reads: ATOP or COW
    Formal Alliances from :mod:`secnet.ingest`, or the secnet registry's
    dyad-year table. ``measures`` are names from :data:`MEASURES` (``taub, s,
    s_squared, s_weighted, kappa, pi``); the output columns carry
    peacesciencer's names (``taub, sallyvua, sallyvus, sallyvwa, kallyv,
    pallyv``). ``years`` defaults to the alliance data's span (``coverage``,
    else the table's first to last year); years asked for outside it are NA.
    ``capabilities`` (``ccode, year, cinc``) replaces COW NMC v7.0 as the
    weights of ``s_weighted``. ``progress(done, total)`` is called as years
    are done.

    A table whose rows all have ``ccode1 < ccode2`` is taken as non-directed
    and mirrored (the tie holds both ways); otherwise rows are read as
    directed, ``M[ccode1, ccode2]``.

    Returns ``ccode1, ccode2, year`` and one column per measure, one row per
    directed dyad-year of the COW system (``ccode1 < ccode2`` only when
    ``directed=False``), sorted by year, ccode1, ccode2.
    """
    import pandas as pd

    names = parse_measures(measures)
    if isinstance(alliances, str):
        alliances = load_alliances(alliances, data_dir=data_dir)
    coverage = coverage or getattr(alliances, "attrs", {}).get("coverage")
    keys, values = _similarity(alliances, names, years, directed, coverage, capabilities, data_dir, progress)
    frame = pd.DataFrame(keys.T, columns=["ccode1", "ccode2", "year"], copy=False)
    measured = pd.DataFrame(values.T, columns=[MEASURES[n] for n in names], copy=False)
    return pd.concat([frame, measured], axis=1)


def similarity_columns(
    alliances: Any,
    *,
    measures: str | Sequence[str] = DEFAULT_MEASURES,
    years: Years = None,
    directed: bool = True,
    coverage: tuple[int, int] | None = None,
    capabilities: Any = None,
    data_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    ready: Ready | None = None,
) -> dict[str, np.ndarray]:
    """:func:`alliance_similarity` as numpy columns (``ccode1, ccode2, year``, then one per measure), no pandas.

    ``alliances`` is a dyad-year table, pandas or Arrow (e.g.
    ``reference_table("atop_alliance")``); ``capabilities`` likewise. What
    ``secnet similarity`` runs for the shipped ATOP file.

    ``ready(columns, done, total)``, if given, is called once the output is
    allocated (``done`` 0) and then as years finish, in order: rows ``[0,
    done)`` of ``columns`` (the arrays this returns, ``total`` rows) are
    final, so a writer can encode them while the rest is computed
    (:func:`secnet.research.output.write_parquet_streamed`). Years are then
    computed in order on this thread.
    """
    names = parse_measures(measures)
    labels = ("ccode1", "ccode2", "year", *(MEASURES[n] for n in names))

    def named(keys: np.ndarray, values: np.ndarray) -> dict[str, np.ndarray]:
        return dict(zip(labels, [*keys, *values], strict=True))

    hook = None if ready is None else (lambda keys, values, done: ready(named(keys, values), done, keys.shape[1]))
    return named(*_similarity(alliances, names, years, directed, coverage, capabilities, data_dir, progress, hook))


def _similarity(alliances, names, years, directed, coverage, capabilities, data_dir, progress, ready=None):
    """(keys (3, rows) int64, values (measures, rows) float64) of every dyad-year."""
    ties = _levels(alliances)
    if ties[0].size and not (ties[0] > ties[1]).any():
        # A non-directed table (every ccode1 < ccode2): the tie holds both ways.
        ties = tuple(np.concatenate(pair) for pair in zip(ties, (ties[1], ties[0], ties[2], ties[3]), strict=True))
    span = coverage
    if span is None and ties[2].size:
        span = (int(ties[2].min()), int(ties[2].max()))
    if span is None:
        raise InvalidData("alliance table is empty; give coverage=(first, last) to compare empty portfolios")
    wanted = parse_years(years)
    if wanted is None:
        wanted = np.arange(span[0], span[1] + 1)
    membership = system_membership("cow", wanted, data_dir=data_dir)
    weights = _weights(capabilities, membership, data_dir) if "s_weighted" in names else None
    with _one_blas_thread(), np.errstate(all="ignore"):
        return _similarity_panel(ties, membership, span, names, directed, weights, progress, ready)


#: Years whose padded matrices together stay under this many cells go in one batch.
_BATCH_CELLS = 40_000


def _batches(n_states: np.ndarray, columns: np.ndarray, inside: np.ndarray) -> list[np.ndarray]:
    """Consecutive year columns grouped so that small years share one padded stack."""
    batches: list[list[int]] = []
    for col in columns:
        n = int(n_states[col])
        if batches:
            last = batches[-1]
            size = max(n, max(int(n_states[c]) for c in last))
            small = min(n, min(int(n_states[c]) for c in last))
            fits = (len(last) + 1) * size * size <= _BATCH_CELLS and small * 10 >= size * 8
            if fits and inside[last[0]] == inside[col]:
                last.append(int(col))
                continue
        batches.append([int(col)])
    return [np.array(b) for b in batches]


@functools.lru_cache(maxsize=512)
def _off_cells(k: int, side: int) -> np.ndarray:
    """Flat indices of the off-diagonal cells of the top-left k x k block of side x side."""
    a, c = np.nonzero(~np.eye(k, dtype=bool))
    return a * side + c


def _similarity_panel(ties, membership, span, names, directed, weights, progress,
                      ready=None) -> tuple[np.ndarray, np.ndarray]:
    present = membership.present
    n_states = present.sum(axis=0)
    rank = np.cumsum(present, axis=0) - 1  # a member's row in its year's matrix
    # One flat buffer holds every year's n x n matrix, year after year; 3 on the diagonal.
    size = n_states.astype(np.int64) ** 2
    offset = np.concatenate([[0], np.cumsum(size)[:-1]])
    flat = np.zeros(int(size.sum()), dtype=np.int8)
    diag_year = np.repeat(np.arange(present.shape[1]), n_states)
    diag_pos = np.arange(diag_year.size) - np.repeat(np.cumsum(n_states) - n_states, n_states)
    flat[offset[diag_year] + diag_pos * (n_states[diag_year] + 1)] = 3
    c1, c2, year, level = ties
    ok = level > 0
    ok &= year >= max(span[0], membership.first_year)
    ok &= year <= min(span[1], membership.first_year + present.shape[1] - 1)
    pick = np.flatnonzero(ok)
    t = year[pick] - membership.first_year
    # (state, year) -> the state's row in that year's matrix, or -1; a last row of -1 for codes
    # outside the system. Two gathers find both sides' rows, without a copy per filter.
    n_years = present.shape[1]
    grid = np.append(np.where(present, rank, -1).astype(np.int32).ravel(), np.full(n_years, -1, np.int32))
    s1, s2 = _rows(membership.codes, c1[pick]), _rows(membership.codes, c2[pick])
    s1[s1 < 0] = present.shape[0]
    s2[s2 < 0] = present.shape[0]
    s1 *= n_years
    s1 += t
    r1 = grid[s1]
    s2 *= n_years
    s2 += t
    r2 = grid[s2]
    ok = (r1 >= 0) & (r2 >= 0) & (r1 != r2)
    t, level = t[ok], level[pick[ok]]
    cell = offset[t] + r1[ok] * n_states[t] + r2[ok]
    for value in (1, 2, 3):  # a dyad-year listed twice keeps its highest level
        flat[cell[level == value]] = value

    fs1, fs2, ft = membership.false_dyads
    if not directed:
        keep = fs1 < fs2
        fs1, fs2, ft = fs1[keep], fs2[keep], ft[keep]
    false_in = np.bincount(ft, minlength=present.shape[1])
    count = n_states * (n_states - 1) // (1 if directed else 2) - false_in
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    total = int(count.sum())
    keys = np.empty((3, total), dtype=np.int64)
    values = np.empty((len(names), total))
    columns = np.flatnonzero(n_states)
    years = membership.first_year + np.arange(present.shape[1])
    inside = (years >= span[0]) & (years <= span[1])
    batches = _batches(n_states, columns, inside)

    def one(batch: np.ndarray) -> None:
        """Keys and measures of one batch of years, written into its own slice of ``keys`` and ``values``."""
        lo, hi = int(start[batch[0]]), int(start[batch[-1]] + count[batch[-1]])
        n = n_states[batch]
        side = int(n.max())
        members = np.zeros((batch.size, side), dtype=np.int64)
        m = np.zeros((batch.size, side, side), dtype=np.int8)
        bad = np.zeros((batch.size, side), dtype=bool)
        cells = []
        flagged = []
        for i, col in enumerate(batch):
            k, here, there = int(n_states[col]), int(start[col]), int(start[col] + count[col])
            codes = membership.codes[present[:, col]]
            members[i, :k] = codes
            m[i, :k, :k] = flat[offset[col] : offset[col] + k * k].reshape(k, k)
            keys[2, here:there] = years[col]
            if directed and not false_in[col]:  # every off-diagonal cell, row by row
                # Row a of the off-diagonal fold is codes rolled by a + 1: a sliding window.
                keys[0, here:there].reshape(k, k - 1)[:] = codes[:, None]
                keys[1, here:there].reshape(k - 1, k)[:] = sliding_window_view(np.concatenate([codes, codes]), k)[1:k]
                if batch.size > 1:
                    cells.append(i * side * side + _off_cells(k, side))
                flagged.append(None)
                continue
            keep = ~np.eye(k, dtype=bool) if directed else np.triu(np.ones((k, k), dtype=bool), 1)
            in_year = ft == col
            if in_year.any():
                r1, r2 = rank[fs1[in_year], col], rank[fs2[in_year], col]
                keep[r1, r2] = False
                bad[i, r1] = bad[i, r2] = True
            a, c = np.nonzero(keep)
            keys[0, here:there] = codes[a]
            keys[1, here:there] = codes[c]
            cells.append(i * side * side + a * side + c)
            flagged.append(bad[i, a] | bad[i, c])
        plain = batch.size == 1 and flagged[0] is None  # a single year, every off-diagonal cell
        cells = None if plain else np.concatenate(cells)
        if inside[batch[0]] and hi > lo:
            w = None
            if weights is not None:
                w = np.zeros((batch.size, side))
                for i, col in enumerate(batch):
                    w[i, : n[i]] = weights[present[:, col], col]
            parts = _batch(m, n, names, w)
            for i, name in enumerate(names):
                _finish(parts[name], cells, values[i, lo:hi])
            if bad.any():
                nan = [np.zeros(count[c], dtype=bool) if f is None else f for f, c in zip(flagged, batch, strict=True)]
                values[:, lo:hi][:, np.concatenate(nan)] = np.nan
        else:
            values[:, lo:hi] = np.nan

    def after(batch: np.ndarray) -> None:  # the rows up to the batch's last year are final
        ready(keys, values, int(start[batch[-1]] + count[batch[-1]]))

    if ready is not None:
        ready(keys, values, 0)
    _run_batches(batches, one, n_states, columns.size, progress, None if ready is None else after)
    return keys, values


def _run_batches(batches: list[np.ndarray], one: Callable[[np.ndarray], None], n_states: np.ndarray, years: int,
                 progress: Progress | None, after: Callable[[np.ndarray], None] | None = None) -> None:
    """Run ``one`` on every batch, on two threads when there are two CPUs.

    Batches write to disjoint slices of the output and BLAS and numpy's loops
    release the GIL, so the years split in two halves of equal work (the sum
    of n squared) take about half the time. ``progress`` is called from this
    thread only, as batches finish, in order. With ``after`` (called after
    each batch) the batches run in order on this thread: a writer is using
    the other CPU.
    """
    cost = np.array([float((n_states[b].max() ** 2) * b.size) for b in batches])
    halves = 2 if (os.cpu_count() or 1) > 1 and len(batches) > 1 and cost.sum() > 2e6 else 1
    if halves == 1 or after is not None:
        done = 0
        for batch in batches:
            one(batch)
            done += batch.size
            if progress:
                progress(done, years)
            if after is not None:
                after(batch)
        return
    cut = int(np.searchsorted(np.cumsum(cost), cost.sum() / 2)) + 1
    cut = min(max(cut, 1), len(batches) - 1)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="secnet-similarity") as worker:
        later = worker.submit(_quietly, one, batches[cut:])
        done = 0
        for batch in batches[:cut]:
            one(batch)
            done += batch.size
            if progress:
                progress(done, years)
        later.result()
    if progress:
        progress(years, years)


def _quietly(one: Callable[[np.ndarray], None], batches: list[np.ndarray]) -> None:
    # numpy's error state belongs to a thread (a context variable): 0/0 is NA here too, not a warning.
    with np.errstate(all="ignore"):
        for batch in batches:
            one(batch)


def _rows(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in the sorted ``codes``, or -1."""
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    top = int(max(codes.max(), values.max()))
    if values.min() < 0 or top > 10_000_000:
        row = np.clip(np.searchsorted(codes, values), 0, codes.size - 1)
        return np.where(codes[row] == values, row, -1)
    lookup = np.full(top + 1, -1, dtype=np.int64)
    lookup[codes] = np.arange(codes.size)
    return lookup[values]


def _weights(capabilities: Any, membership, data_dir) -> np.ndarray:
    """CINC per (state row, year column) of the membership grid; 0 where missing."""
    nmc = reference_table("cow_nmc", data_dir) if capabilities is None else capabilities
    if not {"ccode", "year", "cinc"} <= set(column_names(nmc)):
        raise InvalidData("capabilities table: needs ccode, year and cinc columns")
    grid = np.zeros(membership.present.shape)
    codes = np.asarray(column(nmc, "ccode"), dtype=np.int64)
    years = np.asarray(column(nmc, "year"), dtype=np.int64) - membership.first_year
    cinc = column(nmc, "cinc")
    if isinstance(cinc, Masked):
        cinc = np.where(cinc.mask, np.nan, cinc.data.astype(np.float64))
    elif cinc.dtype.kind not in "iuf":
        import pandas as pd

        cinc = pd.to_numeric(pd.Series(cinc), errors="coerce").to_numpy(np.float64)
    cinc = cinc.astype(np.float64)
    row = _rows(membership.codes, codes)
    ok = (row >= 0) & (years >= 0) & (years < grid.shape[1]) & ~np.isnan(cinc)
    if (cinc[ok] < 0).any():
        raise InvalidData("capabilities table: cinc must not be negative")
    grid[row[ok], years[ok]] = cinc[ok]
    return grid
