"""The per-year computation of alliance-portfolio similarity (every pair of states at once).

See :mod:`secnet.research.similarity_panel` for the measures' definitions and
sources; this module holds the matrix algebra: the cumulative contingency
tables h_st = G_s' G_t as batched products, and each measure as exact integer
numerators and denominators.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence

import numpy as np

from secnet.errors import InvalidInput


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
    and the machine may be shared.

    When ``OPENBLAS_NUM_THREADS=1`` was set before numpy loaded (``secnet
    similarity`` sets it), BLAS has one thread already and threadpoolctl (6 ms
    to import and inspect the loaded libraries) is not needed.
    """
    global _CONTROLLER
    if _blas_single():
        return contextlib.nullcontext()
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController  # BSD

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


def _blas_single() -> bool:
    """Whether BLAS runs on one thread because the environment says so."""
    return os.environ.get("OPENBLAS_NUM_THREADS") == "1"


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
    syrk = m.shape[0] == 1 and m.shape[1] >= 100 and (_CONTROLLER is not None or _blas_single())
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
