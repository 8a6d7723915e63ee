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
table of (x_k, y_k). With ``G_s = [M >= s]`` for s = 1, 2, 3, the cumulative
table ``h_st[a, b] = #{k : M[k,a] >= s, M[k,b] >= t}`` is the matrix product
``G_s' G_t``, so one year needs six n x n products (BLAS) and a fixed number
of elementwise array operations; no loop over dyads. Tau-b's numerator is
the quadratic form (with cx_s = h_ss on the diagonal for a, cy_s for b)::

    C - D = h11 (n - cx2 - cy2 + h22) + h21 (cx1 - cx3 - h12 + h32)
          + h12 (cy1 - cy3 + h23) + h31 (cx2 - h22) + h13 (cy2 - h22)
          + h22 h33 - h23 h32 - cx1 cy1

All counts are integers below 2**24, so the float32 products are exact.

Missing values, as in the reference: a dyad-year in which the two states are
not both in the system is not a row. A state that is in the system in a year
but never coexists on a day with some other member (a "false" dyad-year,
see :func:`secnet.analytics.panels.dyad_years`) has a hole in its portfolio,
so all its measures that year are NA, like R's ``cor()`` on a column with an
NA. Years outside the alliance data's span are NA. A measure whose
denominator is 0 (a constant portfolio) is NA.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from secnet.analytics.panels import Years, parse_years, system_membership
from secnet.analytics.research_data import read_peacesciencer
from secnet.errors import InvalidData, InvalidInput

#: Measure name -> output column (peacesciencer / fpsim names).
MEASURES: dict[str, str] = {
    "taub": "taub",
    "s": "sallyvua",
    "s_squared": "sallyvus",
    "s_weighted": "sallyvwa",
    "kappa": "kallyv",
    "pi": "pallyv",
}
DEFAULT_MEASURES = ("taub", "s", "s_weighted", "kappa", "pi")
#: ``progress(done_years, total_years)``.
Progress = Callable[[int, int], None]

_ATOP = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
_COW = ("cow_defense", "cow_neutral", "cow_nonagg", "cow_entente")
_COW_RAW = ("defense", "neutrality", "nonaggression", "entente")


def parse_measures(measures: str | Iterable[str]) -> list[str]:
    """Measure names from a list or a comma-separated string (``"taub,s,kappa,pi"``)."""
    names = measures.split(",") if isinstance(measures, str) else list(measures)
    names = [m.strip().lower() for m in names if m.strip()]
    aliases = {"tau": "taub", "tau_b": "taub", "sw": "s_weighted", "s2": "s_squared", "scott": "pi", "cohen": "kappa"}
    names = [aliases.get(m, MEASURES_BY_COLUMN.get(m, m)) for m in names]
    unknown = [m for m in names if m not in MEASURES]
    if unknown or not names:
        raise InvalidInput(f"unknown similarity measure(s) {', '.join(unknown) or '(none)'}; known: {', '.join(MEASURES)}")
    return list(dict.fromkeys(names))


MEASURES_BY_COLUMN = {column: name for name, column in MEASURES.items()}


def valued_alliances(table: pd.DataFrame) -> pd.DataFrame:
    """Dyad-year alliance ties on the 0-3 scale: ``ccode1, ccode2, year, level``.

    Reads any of these layouts (by their columns):

    - ATOP (``atop_defense, atop_offense, atop_neutral, atop_nonagg,
      atop_consul``): 3 defence or offence, 2 neutrality or non-aggression,
      1 consultation;
    - COW Formal Alliances (``cow_defense, cow_neutral, cow_nonagg,
      cow_entente``, or the official ``defense, neutrality, nonaggression,
      entente``): 3 defence, 2 neutrality or non-aggression, 1 entente;
    - secnet's registry table (``secnet_defence``, optionally
      ``secnet_consult``): 3 defence, 1 consultation;
    - a table that already has ``level``.

    A dyad-year listed more than once keeps its highest level.
    """
    c1, c2, year, level = _levels(table)
    out = pd.DataFrame({"ccode1": c1, "ccode2": c2, "year": year, "level": level})
    if out.duplicated(["ccode1", "ccode2", "year"]).any():
        out = out.groupby(["ccode1", "ccode2", "year"], as_index=False, sort=False)["level"].max()
    return out


def _levels(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    columns = set(table.columns)
    if not {"ccode1", "ccode2", "year"} <= columns:
        raise InvalidData("alliance table: needs ccode1, ccode2 and year columns")

    def flag(name: str) -> np.ndarray:
        values = table[name]
        if values.dtype.kind in "iub":
            return values.to_numpy() > 0
        return pd.to_numeric(values, errors="coerce").fillna(0).to_numpy() > 0

    if "level" in columns:
        level = pd.to_numeric(table["level"], errors="coerce").fillna(0).to_numpy()
        if ((level < 0) | (level > 3) | (level != np.round(level))).any():
            raise InvalidData("alliance table: level must be 0, 1, 2 or 3")
    elif set(_ATOP) <= columns:
        level = np.where(flag("atop_defense") | flag("atop_offense"), 3, 0)
        level = np.maximum(level, np.where(flag("atop_neutral") | flag("atop_nonagg"), 2, 0))
        level = np.maximum(level, flag("atop_consul"))
    elif set(_COW) <= columns or set(_COW_RAW) <= columns:
        d, n, a, e = _COW if set(_COW) <= columns else _COW_RAW
        level = np.where(flag(d), 3, 0)
        level = np.maximum(level, np.where(flag(n) | flag(a), 2, 0))
        level = np.maximum(level, flag(e))
    elif "secnet_defence" in columns:
        level = np.where(flag("secnet_defence"), 3, 0)
        if "secnet_consult" in columns:
            level = np.maximum(level, flag("secnet_consult"))
    else:
        raise InvalidData(
            "alliance table: no level, ATOP (atop_defense...), COW (cow_defense... or defense, neutrality, "
            "nonaggression, entente) or secnet (secnet_defence) columns"
        )
    return (
        _int_column(table["ccode1"], "ccode1"),
        _int_column(table["ccode2"], "ccode2"),
        _int_column(table["year"], "year"),
        np.asarray(level, dtype=np.int8),
    )


def _int_column(column: pd.Series, name: str) -> np.ndarray:
    if column.hasnans:
        raise InvalidData(f"alliance table: {name} has missing values")
    try:
        return column.to_numpy(np.int64)
    except (TypeError, ValueError) as exc:
        raise InvalidData(f"alliance table: {name} must be whole numbers") from exc


# ---------------------------------------------------------------------------
# the per-year computation


def similarity_matrices(
    levels: np.ndarray,
    measures: Sequence[str] = DEFAULT_MEASURES,
    weights: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """All pairwise similarities of the portfolios in one year.

    ``levels`` is the n x n matrix ``M[k, a]`` of valued ties (0-3, the
    diagonal 3): column a is state a's portfolio. Returns, per measure, an
    n x n float64 matrix whose [a, b] entry compares columns a and b (see
    the module docstring for the formulas). ``weights`` (length n, for
    ``s_weighted``) weigh the third states k.

    >>> m = np.array([[3, 3, 0], [3, 3, 0], [0, 0, 3]])
    >>> float(similarity_matrices(m, ["s"])["s"][0, 1])
    1.0
    """
    levels = np.asarray(levels)
    if levels.ndim != 2 or levels.shape[0] != levels.shape[1]:
        raise InvalidInput("levels must be a square matrix")
    if levels.size and (levels.min() < 0 or levels.max() > 3):
        raise InvalidInput("levels must be 0, 1, 2 or 3")
    measures = parse_measures(measures)
    if "s_weighted" in measures:
        if weights is None:
            raise InvalidInput("s_weighted needs weights (one per state)")
        weights = np.nan_to_num(np.asarray(weights, dtype=np.float64), nan=0.0)
        if weights.shape != (levels.shape[0],) or (weights < 0).any():
            raise InvalidInput("weights must be one non-negative number per state")
    n = levels.shape[0]
    parts = _year(np.ascontiguousarray(levels, dtype=np.int8), measures, weights)
    every = _Cells(n, np.arange(n * n))
    out = {}
    with np.errstate(all="ignore"):
        for name in measures:
            target = np.empty(n * n)
            _finish(parts[name], every, target)
            out[name] = target.reshape(n, n)
    return out


class _Cells:
    """Which cells of a year's n x n matrices become output rows.

    The common case, every off-diagonal cell in row-major order, is a strided
    view (no index array): drop the first element, fold the rest into rows
    of n + 1, and the last column of that fold is the diagonal.
    """

    def __init__(self, n: int, index: np.ndarray | None = None):
        self.n = n
        self.index = index
        self.shape = (n - 1, n) if index is None else (index.size,)

    def __call__(self, matrix: np.ndarray) -> np.ndarray:
        if self.index is None:
            return matrix.reshape(-1)[1:].reshape(self.n - 1, self.n + 1)[:, : self.n]
        return matrix.reshape(-1)[self.index]


def _finish(part: tuple, cells: _Cells, target: np.ndarray) -> None:
    """Write one measure's selected cells into ``target`` (float64): one pass.

    Numerators and denominators are exact integer counts (float32), so the
    single division in float64 is correctly rounded.
    """
    kind = part[0]
    target = target.reshape(cells.shape)
    if kind == "outer":  # numerator * scale[a] * scale[b]
        _, numerator, scale = part
        np.multiply(cells(numerator), cells(np.multiply.outer(scale, scale)), out=target)
    elif kind == "divide":  # numerator / denominator; NA where the denominator is 0
        _, numerator, denominator, zero = part
        if np.isscalar(denominator):
            np.divide(cells(numerator), denominator, out=target, dtype=np.float64)
        else:
            np.divide(cells(numerator), cells(denominator), out=target, dtype=np.float64)
            if zero:
                target[cells(denominator) == 0] = np.nan
    else:  # "value": already float64
        target[...] = cells(part[1])


def _gemm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Distinct buffers keep numpy on BLAS gemm: its syrk path for a.T @ a is
    # slow for small matrices under OpenBLAS threading.
    return a.T @ (b.copy() if a is b else b)


def _year(m: np.ndarray, measures: Sequence[str], weights: np.ndarray | None) -> dict[str, tuple]:
    """The exact integer parts of each measure for one year (see :func:`_finish`).

    Counts stay below 2**24 for n < 600, so float32 arithmetic is exact;
    larger systems switch to float64.
    """
    n = m.shape[0]
    ftype = np.float32 if n < 600 else np.float64
    g = np.empty((3, n, n), dtype=ftype)
    for s in range(3):
        np.greater_equal(m, s + 1, out=g[s], casting="unsafe")
    g1, g2, g3 = g
    cx1, cx2, cx3 = g.sum(axis=1)  # how many k have M[k, a] >= s, per column a
    parts: dict[str, tuple] = {}
    need_all = bool({"taub", "s_squared", "kappa", "pi"} & set(measures)) and "taub" in measures
    need_diag = need_all or "s" in measures
    if need_diag:
        h11, h22, h33 = _gemm(g1, g1), _gemm(g2, g2), _gemm(g3, g3)
    if need_all:
        h12, h13, h23 = _gemm(g1, g2), _gemm(g1, g3), _gemm(g2, g3)
        h21, h31, h32 = h12.T, h13.T, h23.T
        acc = h22 + (n - cx2)[:, None]
        acc -= cx2[None, :]
        acc *= h11
        t = h32 - h12
        t += (cx1 - cx3)[:, None]
        t *= h21
        acc += t
        t = h23 + (cx1 - cx3)[None, :]
        t *= h12
        acc += t
        np.subtract(cx2[:, None], h22, out=t)
        t *= h31
        acc += t
        np.subtract(cx2[None, :], h22, out=t)
        t *= h13
        acc += t
        np.multiply(h22, h33, out=t)
        acc += t
        np.multiply(h23, h32, out=t)
        acc -= t
        acc -= np.multiply.outer(cx1, cx1)
        counts = np.stack([n - cx1, cx1 - cx2, cx2 - cx3, cx3]).astype(np.float64)
        untied = n * (n - 1) / 2 - (counts * (counts - 1) / 2).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(untied > 0, 1.0 / np.sqrt(untied), np.nan)
        parts["taub"] = ("outer", acc, scale)
    sx = cx1 + cx2 + cx3  # sum of x over k, per column
    constant = bool((cx3 == n).any())  # a portfolio of all 3s: kappa and pi are 0/0
    if need_diag:
        common = h11 + h22  # sum_k min(x_k, y_k) = h11 + h22 + h33
        common += h33
    if "s" in measures:
        # S = 1 - 2 sad / 3n = (3n - 2 sad) / 3n, sad = sum x + sum y - 2 sum min(x, y)
        numerator = common * 4
        numerator += (3 * n - 2 * sx)[:, None]
        numerator -= (2 * sx)[None, :]
        parts["s"] = ("divide", numerator, float(3 * n), False)
    if {"s_squared", "kappa", "pi"} & set(measures):
        if need_all:
            sxy = common  # sum_k x_k y_k = sum over all nine h_st
            for block in (h12, h21, h13, h31, h23, h32):
                sxy += block
        else:
            mf = m.astype(ftype)
            sxy = _gemm(mf, mf)
        sxx = cx1 + 3 * cx2 + 5 * cx3  # x^2 = sum_{s,t} [x >= max(s, t)]
        ssd = sxy * -2  # sum_k (x_k - y_k)^2
        ssd += sxx[:, None]
        ssd += sxx[None, :]
        if "s_squared" in measures:  # (9n - 2 ssd) / 9n
            parts["s_squared"] = ("divide", 9 * n - 2 * ssd, float(9 * n), False)
        if "kappa" in measures:  # 1 - n ssd / (n (sum x^2 + sum y^2) - 2 sum x sum y)
            expected = np.add.outer(n * sxx, n * sxx)
            expected -= np.multiply.outer(2 * sx, sx)
            parts["kappa"] = ("divide", expected - n * ssd, expected, constant)
        if "pi" in measures:  # 1 - 2n ssd / (2n (sum x^2 + sum y^2) - (sum x + sum y)^2)
            pooled = np.add.outer(sx, sx)
            pooled *= pooled
            np.subtract(np.add.outer(2 * n * sxx, 2 * n * sxx), pooled, out=pooled)
            parts["pi"] = ("divide", pooled - (2 * n) * ssd, pooled, constant)
    if "s_weighted" in measures:
        total = float(weights.sum())
        if total > 0:
            w = weights / total
            # sum_k w_k |x - y| = sum_k w_k x + sum_k w_k y - 2 sum_t sum_k w_k [x >= t][y >= t]
            gw = g.astype(np.float64)
            wx = w @ gw.sum(axis=0)
            common_w = (gw[0] * w[:, None]).T @ gw[0]
            common_w += (gw[1] * w[:, None]).T @ gw[1]
            common_w += (gw[2] * w[:, None]).T @ gw[2]
            common_w *= 4.0 / 3.0  # S_w = 1 - (2/3) sum_k w_k |x - y|  (w sums to 1)
            common_w += (1.0 - 2.0 / 3.0 * wx)[:, None]
            common_w -= (2.0 / 3.0 * wx)[None, :]
            parts["s_weighted"] = ("value", common_w)
        else:
            parts["s_weighted"] = ("value", np.full((n, n), np.nan))
    return parts


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
    weights of ``s_weighted``. ``progress(done, total)`` is called after
    each year.

    Returns ``ccode1, ccode2, year`` and one column per measure, one row per
    directed dyad-year of the COW system (``ccode1 < ccode2`` only when
    ``directed=False``), sorted by year, ccode1, ccode2.
    """
    names = parse_measures(measures)
    if isinstance(alliances, str):
        if alliances.lower() != "atop":
            raise InvalidInput(
                f"alliance source '{alliances}': use 'atop', or pass a dyad-year table "
                "(COW from secnet.ingest.cow, or the registry's)"
            )
        alliances = read_peacesciencer("atop_alliance", data_dir)
    ties = _levels(alliances)
    span = coverage or alliances.attrs.get("coverage")
    if span is None and ties[2].size:
        span = (int(ties[2].min()), int(ties[2].max()))
    if span is None:
        raise InvalidData("alliance table is empty; give coverage=(first, last) to compare empty portfolios")
    wanted = parse_years(years)
    if wanted is None:
        wanted = np.arange(span[0], span[1] + 1)
    membership = system_membership("cow", wanted, data_dir=data_dir)
    weights = _weights(capabilities, membership, data_dir) if "s_weighted" in names else None
    with threadpool_limits(1):
        return _similarity_panel(ties, membership, span, names, directed, weights, progress)


def _similarity_panel(ties, membership, span, names, directed, weights, progress) -> pd.DataFrame:
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
    ok = (level > 0) & (year >= max(span[0], membership.first_year))
    ok &= year <= min(span[1], membership.first_year + present.shape[1] - 1)
    c1, c2, t, level = c1[ok], c2[ok], year[ok] - membership.first_year, level[ok]
    s1, s2 = _rows(membership.codes, c1), _rows(membership.codes, c2)
    ok = (s1 >= 0) & (s2 >= 0) & (s1 != s2)
    s1, s2, t, level = s1[ok], s2[ok], t[ok], level[ok]
    ok = present[s1, t] & present[s2, t]
    cell = offset[t[ok]] + rank[s1[ok], t[ok]] * n_states[t[ok]] + rank[s2[ok], t[ok]]
    level = level[ok]
    for value in (1, 2, 3):  # a dyad-year listed twice keeps its highest level
        flat[cell[level == value]] = value

    fs1, fs2, ft = membership.false_dyads
    if not directed:
        keep = fs1 < fs2
        fs1, fs2, ft = fs1[keep], fs2[keep], ft[keep]
    pairs = n_states * (n_states - 1) // (1 if directed else 2)
    total = int(pairs.sum()) - ft.size
    keys = np.empty((3, total), dtype=np.int64)
    values = np.empty((len(names), total))
    columns = np.flatnonzero(n_states)
    done = 0
    with np.errstate(all="ignore"):
        for step, col in enumerate(columns, start=1):
            n = int(n_states[col])
            in_year = ft == col
            bad = np.zeros(n, dtype=bool)
            members = membership.codes[present[:, col]]
            if directed and not in_year.any():
                cells = _Cells(n)
                count = n * (n - 1)
                keys[0, done : done + count] = np.repeat(members, n - 1)
                keys[1, done : done + count].reshape(cells.shape)[:] = cells(np.tile(members, n))
            else:
                keep = ~np.eye(n, dtype=bool) if directed else np.triu(np.ones((n, n), dtype=bool), 1)
                if in_year.any():
                    r1, r2 = rank[fs1[in_year], col], rank[fs2[in_year], col]
                    keep[r1, r2] = False
                    bad[r1] = bad[r2] = True
                rows, cols_ = np.nonzero(keep)
                cells = _Cells(n, rows * n + cols_)
                count = rows.size
                keys[0, done : done + count] = members[rows]
                keys[1, done : done + count] = members[cols_]
                bad = bad[rows] | bad[cols_]
            keys[2, done : done + count] = membership.first_year + col
            if span[0] <= membership.first_year + col <= span[1] and count:
                m = flat[offset[col] : offset[col] + n * n].reshape(n, n)
                w = weights[present[:, col], col] if weights is not None else None
                parts = _year(m, names, w)
                for i, name in enumerate(names):
                    _finish(parts[name], cells, values[i, done : done + count])
                if bad.any():
                    values[:, done : done + count][:, bad] = np.nan
            else:
                values[:, done : done + count] = np.nan
            done += count
            if progress:
                progress(step, columns.size)
    frame = pd.DataFrame(keys.T, columns=["ccode1", "ccode2", "year"], copy=False)
    measured = pd.DataFrame(values.T, columns=[MEASURES[n] for n in names], copy=False)
    return pd.concat([frame, measured], axis=1)


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


def _weights(capabilities: pd.DataFrame | None, membership, data_dir) -> np.ndarray:
    """CINC per (state row, year column) of the membership grid; 0 where missing."""
    nmc = read_peacesciencer("cow_nmc", data_dir) if capabilities is None else capabilities
    if not {"ccode", "year", "cinc"} <= set(nmc.columns):
        raise InvalidData("capabilities table: needs ccode, year and cinc columns")
    grid = np.zeros(membership.present.shape)
    codes = nmc["ccode"].to_numpy(np.int64)
    years = nmc["year"].to_numpy(np.int64) - membership.first_year
    cinc = pd.to_numeric(nmc["cinc"], errors="coerce").to_numpy(np.float64)
    row = _rows(membership.codes, codes)
    ok = (row >= 0) & (years >= 0) & (years < grid.shape[1]) & ~np.isnan(cinc)
    if (cinc[ok] < 0).any():
        raise InvalidData("capabilities table: cinc must not be negative")
    grid[row[ok], years[ok]] = cinc[ok]
    return grid
