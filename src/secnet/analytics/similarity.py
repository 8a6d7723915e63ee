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
see :func:`secnet.analytics.panels.dyad_years`) has a hole in its portfolio,
so all its measures that year are NA, like R's ``cor()`` on a column with an
NA. Years outside the alliance data's span are NA. A measure whose
denominator is 0 (a constant portfolio) is NA.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

try:  # threadpoolctl (BSD): without it BLAS may start threads for every small product
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover
    ThreadpoolController = None

from secnet.analytics.panels import SECNET_FIRST_YEAR, Years, parse_years, system_membership
from secnet.analytics.research_data import read_peacesciencer
from secnet.errors import InvalidData, InvalidInput, SecnetError

#: Measure name -> output column (peacesciencer / fpsim names).
MEASURES: dict[str, str] = {
    "taub": "taub",
    "s": "sallyvua",
    "s_squared": "sallyvus",
    "s_weighted": "sallyvwa",
    "kappa": "kallyv",
    "pi": "pallyv",
}
MEASURES_BY_COLUMN = {column: name for name, column in MEASURES.items()}
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
        raise InvalidInput(
            f"unknown similarity measure(s) {', '.join(unknown) or '(none)'}; known: {', '.join(MEASURES)}"
        )
    return list(dict.fromkeys(names))


def load_alliances(
    source: str = "atop",
    path: str | os.PathLike[str] | None = None,
    table: pd.DataFrame | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """The dyad-year alliance table for ``source`` (``atop``, ``cow`` or ``secnet``).

    - ``atop``: ATOP v5.1 from the peacesciencer files, or the official
      directed dyad-year file at ``path``;
    - ``cow``: the official COW Formal Alliances v4.1 dyad-year file at
      ``path`` (not shipped: its maintainer asks users to download it);
    - ``secnet``: the registry's dyad-year ``table`` (``secnet_defence``,
      ``secnet_consult``...), covering 1949 to the current year unless its
      ``attrs["coverage"]`` says otherwise.
    """
    from secnet.ingest.atop import read_atop_dyad_years
    from secnet.ingest.cow import read_cow_alliance_dyad_years

    source = source.lower()
    if source == "atop":
        return read_atop_dyad_years(path) if path is not None else read_peacesciencer("atop_alliance", data_dir)
    if source == "cow":
        if path is None:
            raise SecnetError(
                "COW Formal Alliances v4.1 is not shipped (its maintainer asks users to download it): "
                "give the path of alliance_v4.1_by_dyad_yearly.csv"
            )
        return read_cow_alliance_dyad_years(path)
    if source == "secnet":
        if table is None:
            raise SecnetError("the secnet source needs the registry's dyad-year table")
        table = table.copy(deep=False)
        table.attrs.setdefault("coverage", (SECNET_FIRST_YEAR, dt.date.today().year))
        return table
    raise InvalidInput(f"alliance source '{source}': use atop, cow or secnet")


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
    n = levels.shape[0]
    if "s_weighted" in measures:
        if weights is None:
            raise InvalidInput("s_weighted needs weights (one per state)")
        weights = np.nan_to_num(np.asarray(weights, dtype=np.float64), nan=0.0)
        if weights.shape != (n,) or (weights < 0).any():
            raise InvalidInput("weights must be one non-negative number per state")
        weights = weights[None, :]
    stack = np.ascontiguousarray(levels, dtype=np.int8)[None]
    with _one_blas_thread(), np.errstate(all="ignore"):
        parts = _batch(stack, np.array([n]), measures, weights)
        every = np.arange(n * n)
        out = {}
        for name in measures:
            target = np.empty(n * n)
            _finish(parts[name], every, target)
            out[name] = target.reshape(n, n)
    return out


_CONTROLLER = None


def _one_blas_thread():
    """BLAS on one thread: thousands of small products lose to thread start-up,
    and the machine may be shared."""
    global _CONTROLLER
    if ThreadpoolController is None:
        return contextlib.nullcontext()
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


def _off_diagonal(matrix: np.ndarray) -> np.ndarray:
    """The off-diagonal cells of an n x n array, row by row, as a strided view.

    Drop the first element, fold the rest into rows of n + 1: the last
    column of that fold is the diagonal.
    """
    n = matrix.shape[-1]
    return matrix.reshape(-1)[1:].reshape(n - 1, n + 1)[:, :n]


def _finish(part: tuple, cells: np.ndarray | None, target: np.ndarray) -> None:
    """Write one measure's cells into ``target`` (float64).

    ``cells`` indexes the flattened (b, m, m) parts; None means "every
    off-diagonal cell of a single unpadded year", done on strided views. The
    numerators and denominators are exact integer counts, so the one
    division, in float64, is correctly rounded.
    """
    kind = part[0]
    if cells is None:
        target = target.reshape(part[1].shape[-1] - 1, part[1].shape[-1])

        def pick(a):
            return a.reshape(-1)[0] if a.size == 1 else _off_diagonal(a[0])

    else:
        cube = part[1].shape[1] * part[1].shape[2]

        def pick(a):
            if a.shape[1:] == (1, 1):  # one number per year
                return a.reshape(-1)[cells // cube]
            return a.reshape(-1)[cells]

    if kind == "outer":  # numerator * scale[a] * scale[b]
        _, numerator, scale = part
        np.multiply(pick(numerator), pick(scale[:, :, None] * scale[:, None, :]), out=target)
    elif kind == "divide":  # numerator / denominator; NA where the denominator is 0
        _, numerator, denominator, zero = part
        denominator = pick(denominator)
        np.divide(pick(numerator), denominator, out=target, dtype=np.float64)
        if zero:
            target[denominator == 0] = np.nan
    else:  # "value": already float64
        target[...] = pick(part[1])


def _products(m: np.ndarray, g: np.ndarray, all_six: bool):
    """The cumulative tables h_st = G_s' G_t (h11, h12, h13, h22, h23, h33), batched.

    Ties of level exactly 1 (consultation or entente only) are rare, so for a
    single year, with E1 = [M == 1] restricted to the few rows k that have
    one, G1 = G2 + E1 gives h12, h13 and h11 from h22 and h23 at the cost of
    thin products.
    """
    g1, g2, g3 = g
    t1, t2 = g1.transpose(0, 2, 1), g2.transpose(0, 2, 1)
    # G' G of one buffer is a symmetric product (BLAS syrk, half the work) but
    # numpy only takes that path for a single matrix, and it is only worth it
    # for large ones with BLAS held to one thread.
    syrk = m.shape[0] == 1 and m.shape[1] >= 100 and ThreadpoolController is not None
    c2, c3 = (g2, g3) if syrk else (g2.copy(), g3.copy())
    if syrk:
        h22, h33 = (g2[0].T @ g2[0])[None], (g3[0].T @ g3[0])[None]
    else:
        h22, h33 = t2 @ c2, g3.transpose(0, 2, 1) @ c3
    h23 = t2 @ c3 if all_six else None
    rows = np.flatnonzero((m[0] == 1).any(axis=1)) if m.shape[0] == 1 else None
    if rows is None or rows.size > m.shape[1] // 3:
        h11 = (g1[0].T @ g1[0])[None] if syrk else t1 @ g1.copy()
        h12 = t1 @ c2 if all_six else None
        h13 = t1 @ c3 if all_six else None
        return h11, h12, h13, h22, h23, h33
    if rows.size == 0:
        return h22, h22, h23, h22, h23, h33
    e1 = (m[:, rows] == 1).astype(g.dtype)
    e1t = e1.transpose(0, 2, 1)
    e1g2 = e1t @ g2[:, rows]
    h12 = h22 + e1g2  # G1'G2 = G2'G2 + E1'G2
    h11 = h12 + e1g2.transpose(0, 2, 1)  # G1'G1 = G2'G2 + E1'G2 + G2'E1 + E1'E1
    h11 += e1t @ e1
    h13 = h23 + e1t @ g3[:, rows] if all_six else None
    return h11, h12, h13, h22, h23, h33


def _batch(m: np.ndarray, n: np.ndarray, measures: Sequence[str], weights: np.ndarray | None) -> dict[str, tuple]:
    """The parts of each measure (see :func:`_finish`) for a stack of years.

    ``m`` is (b, size, size): year i's matrix in its top-left n[i] x n[i]
    corner, zeros (no tie) elsewhere; padding rows add nothing to any h_st
    or column count, and the formulas take each year's own n. Counts stay
    below 2**24 for n < 600, so float32 arithmetic is exact; larger systems
    switch to float64.
    """
    b, size = m.shape[0], m.shape[1]
    ftype = np.float32 if size < 600 else np.float64
    g = np.empty((3, b, size, size), dtype=ftype)
    for s in range(3):
        np.greater_equal(m, s + 1, out=g[s], casting="unsafe")
    cx1, cx2, cx3 = g.sum(axis=2)  # (b, size): how many k have M[k, a] >= s
    nv = n.astype(ftype)[:, None]  # per year, for (b, size) vectors
    nm = nv[:, :, None]  # per year, for (b, size, size) matrices
    rows, cols = (slice(None), slice(None), None), (slice(None), None, slice(None))
    parts: dict[str, tuple] = {}
    need_all = "taub" in measures
    need_diag = need_all or "s" in measures
    if need_diag:
        h11, h12, h13, h22, h23, h33 = _products(m, g, need_all)
    if need_all:
        h21, h32 = h12.transpose(0, 2, 1), h23.transpose(0, 2, 1)
        # C - D (see the module docstring). Its asymmetric terms come in
        # transposed pairs: h21 (cx1 - cx3 + h32) + h12 (cy1 - cy3 + h23) - h12 h21
        # = P' + P - h12 h21 with P = h12 (cy1 - cy3 + h23), and
        # h31 (cx2 - h22) + h13 (cy2 - h22) = Q' + Q with Q = h13 (cy2 - h22).
        acc = h22 + (nv - cx2)[rows]
        acc -= cx2[cols]
        acc *= h11
        p = h23 + (cx1 - cx3)[cols]
        p *= h12
        t = cx2[cols] - h22
        t *= h13
        p += t
        acc += p
        acc += p.transpose(0, 2, 1)
        np.multiply(h12, h21, out=t)
        acc -= t
        np.multiply(h22, h33, out=t)
        acc += t
        np.multiply(h23, h32, out=t)
        acc -= t
        acc -= cx1[rows] * cx1[cols]
        counts = np.stack([nv - cx1, cx1 - cx2, cx2 - cx3, cx3]).astype(np.float64)
        untied = (nv * (nv - 1) / 2).astype(np.float64) - (counts * (counts - 1) / 2).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(untied > 0, 1.0 / np.sqrt(untied), np.nan)
        parts["taub"] = ("outer", acc, scale)
    sx = cx1 + cx2 + cx3  # sum of x over k, per column
    constant = bool((cx3 == nv).any())  # a portfolio of all 3s: kappa and pi are 0/0
    if need_diag:
        common = h11 + h22  # sum_k min(x_k, y_k) = h11 + h22 + h33
        common += h33
    if "s" in measures:
        # S = 1 - 2 sad / 3n = (3n - 2 sad) / 3n, sad = sum x + sum y - 2 sum min(x, y)
        numerator = common * 4
        numerator += (3 * nv - 2 * sx)[rows]
        numerator -= (2 * sx)[cols]
        parts["s"] = ("divide", numerator, 3 * nm, False)
    if {"s_squared", "kappa", "pi"} & set(measures):
        if need_all:
            upper = h12 + h13  # sum_k x_k y_k = sum of all nine h_st
            upper += h23
            sxy = common
            sxy += upper
            sxy += upper.transpose(0, 2, 1)
        else:
            mf = m.astype(ftype)
            sxy = mf.transpose(0, 2, 1) @ mf.copy()
        sxx = cx1 + 3 * cx2 + 5 * cx3  # x^2 = sum_{s,t} [x >= max(s, t)]
        # With ssd = sum x^2 + sum y^2 - 2 sum xy, every numerator below is an
        # integer combination of sum xy and the column sums.
        if "s_squared" in measures:  # 1 - 2 ssd / 9n = (9n - 2 ssd) / 9n
            numerator = sxy * 4
            numerator += (9 * nv - 2 * sxx)[rows]
            numerator -= (2 * sxx)[cols]
            parts["s_squared"] = ("divide", numerator, 9 * nm, False)
        if "kappa" in measures:
            # 1 - n ssd / E with E = n (sum x^2 + sum y^2) - 2 sum x sum y;
            # E - n ssd = 2 (n sum xy - sum x sum y)
            product = sx[rows] * sx[cols]
            agreement = sxy * nm
            agreement -= product
            agreement *= 2
            expected = (nv * sxx)[rows] + (nv * sxx)[cols]
            expected -= product
            expected -= product
            parts["kappa"] = ("divide", agreement, expected, constant)
        if "pi" in measures:
            # 1 - 2n ssd / E with E = 2n (sum x^2 + sum y^2) - (sum x + sum y)^2;
            # E - 2n ssd = 4n sum xy - (sum x + sum y)^2
            pooled = sx[rows] + sx[cols]
            pooled *= pooled
            agreement = sxy * (4 * nm)
            agreement -= pooled
            expected = (2 * nv * sxx)[rows] + (2 * nv * sxx)[cols]
            expected -= pooled
            parts["pi"] = ("divide", agreement, expected, constant)
    if "s_weighted" in measures:
        total = weights.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(total[:, None] > 0, weights / total[:, None], np.nan)
        # sum_k w_k |x - y| = sum_k w_k x + sum_k w_k y - 2 sum_t sum_k w_k [x >= t][y >= t]
        gw = g.astype(np.float64)
        wx = np.einsum("bk,bka->ba", w, gw.sum(axis=0))
        common_w = np.zeros((b, size, size))
        for level in gw:
            common_w += (level * w[:, :, None]).transpose(0, 2, 1) @ level
        common_w *= 4.0 / 3.0  # S_w = 1 - (2/3) sum_k w_k |x - y|, weights summing to 1
        common_w += (1.0 - 2.0 / 3.0 * wx)[rows]
        common_w -= (2.0 / 3.0 * wx)[cols]
        parts["s_weighted"] = ("value", common_w)
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
    weights of ``s_weighted``. ``progress(done, total)`` is called as years
    are done.

    A table whose rows all have ``ccode1 < ccode2`` is taken as non-directed
    and mirrored (the tie holds both ways); otherwise rows are read as
    directed, ``M[ccode1, ccode2]``.

    Returns ``ccode1, ccode2, year`` and one column per measure, one row per
    directed dyad-year of the COW system (``ccode1 < ccode2`` only when
    ``directed=False``), sorted by year, ccode1, ccode2.
    """
    names = parse_measures(measures)
    if isinstance(alliances, str):
        alliances = load_alliances(alliances, data_dir=data_dir)
    ties = _levels(alliances)
    if ties[0].size and not (ties[0] > ties[1]).any():
        # A non-directed table (every ccode1 < ccode2): the tie holds both ways.
        ties = tuple(np.concatenate(pair) for pair in zip(ties, (ties[1], ties[0], ties[2], ties[3]), strict=True))
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
    with _one_blas_thread(), np.errstate(all="ignore"):
        return _similarity_panel(ties, membership, span, names, directed, weights, progress)


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
    where = np.where(present, rank, -1).T.ravel()  # (year, state) -> row in that year's matrix, or -1
    r1 = where[t * present.shape[0] + s1]
    r2 = where[t * present.shape[0] + s2]
    ok = (r1 >= 0) & (r2 >= 0)
    t, level = t[ok], level[ok]
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
    done_years = 0
    for batch in _batches(n_states, columns, inside):
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
        done_years += batch.size
        if progress:
            progress(done_years, columns.size)
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
