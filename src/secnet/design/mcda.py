"""Multi-criteria decision analysis: normalisation, scoring methods and SMAA-2 over uncertain weights.

Plain arrays in, plain arrays out: ``values`` is *n* alternatives x *m*
criteria, ``benefit`` says per criterion whether more is better, ``weights``
are relative. :mod:`secnet.design.prioritise` builds the criteria table from
the registry and the research data and calls these.

**Methods**:

- :func:`weighted_sum`: ``S_i = sum_j w_j r_ij`` with min-max normalisation
  ``r_ij = (x_ij - min_j) / (max_j - min_j)`` for a benefit and
  ``(max_j - x_ij) / (max_j - min_j)`` for a cost (a constant criterion gives 0).
- :func:`topsis` (Hwang & Yoon 1981, *Multiple Attribute Decision Making*,
  Springer): vector normalisation ``r_ij = x_ij / sqrt(sum_i x_ij^2)``, weighted
  ``v_ij = w_j r_ij``; the ideal ``A+`` takes the best ``v`` of every criterion
  and the anti-ideal ``A-`` the worst; ``C_i = D-_i / (D+_i + D-_i)`` with
  Euclidean distances ``D+``/``D-`` to ``A+``/``A-``.

Weights are relative (``region=3,capability=2``), normalised to sum to 1; the
aim's preset is used when none are given (:data:`AIMS`).

**Sensitivity** (:func:`smaa2`, SMAA-2: Lahdelma & Salminen 2001, *Operations
Research* 49(3): 444-454): the weights are treated as unknown and drawn
uniformly from the simplex (Dirichlet(1, ..., 1)) over the criteria in play, or
from the part of it inside user ranges (``threat_distance=0.1:0.4``, shares of
the total). Per alternative it reports the rank acceptability indices
``b_i^r`` (the share of weight draws that give alternative ``i`` rank ``r``),
the central weight vector ``w_i^c`` (the mean of the draws that rank ``i``
first), the confidence factor ``p_i^c`` (the probability that ``i`` ranks first
when its central weights are used), and the holistic acceptability
``a_i^h = sum_r alpha_r b_i^r`` with linear meta-weights
``alpha_r = (n - r) / (n - 1)``. With exact criteria values the confidence
factor is 0 or 1; ``uncertainty`` adds Gaussian noise to the criteria values
(standard deviation ``uncertainty * (max_j - min_j)``), as in SMAA-2 proper.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import InvalidInput
from ..seeds import check_seed

METHODS = ("weighted_sum", "topsis")


# --- scoring methods ----------------------------------------------------------------------------


def minmax_normalise(values: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """``r_ij`` in [0, 1], 1 = best on the criterion; a constant criterion gives 0 for everyone."""
    x = np.asarray(values, dtype=float)
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    r = np.where(benefit, x - lo, hi - x) / np.where(span > 0, span, 1.0)
    r[:, span <= 0] = 0.0
    return r


def vector_normalise(values: np.ndarray) -> np.ndarray:
    """``x_ij / sqrt(sum_i x_ij^2)``; an all-zero criterion stays 0."""
    x = np.asarray(values, dtype=float)
    norm = np.sqrt((x ** 2).sum(axis=0))
    return x / np.where(norm > 0, norm, 1.0)


def weighted_sum(values: np.ndarray, benefit: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``S_i = sum_j w_j r_ij`` on min-max normalised criteria (weights normalised to sum 1).

    >>> weighted_sum(np.array([[1., 10.], [3., 30.]]), np.array([True, False]), np.array([1., 1.]))
    array([0.5, 0.5])
    """
    w = _check_weights(weights, values)
    return minmax_normalise(values, benefit) @ w


def topsis(values: np.ndarray, benefit: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """TOPSIS closeness ``C_i = D-_i / (D+_i + D-_i)`` (Hwang & Yoon 1981); 1 = the ideal itself.

    Vector normalisation, weighted; ``A+``/``A-`` are the best/worst weighted
    value per criterion. Alternatives that all coincide get 0.
    """
    w = _check_weights(weights, values)
    v = vector_normalise(values) * w
    best = np.where(benefit, v.max(axis=0), v.min(axis=0))
    worst = np.where(benefit, v.min(axis=0), v.max(axis=0))
    dp = np.sqrt(((v - best) ** 2).sum(axis=1))
    dm = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = dp + dm
    return np.where(total > 0, dm / np.where(total > 0, total, 1.0), 0.0)


def _check_weights(weights, values) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (np.asarray(values).shape[1],):
        raise InvalidInput(f"expected {np.asarray(values).shape[1]} weights, got {w.size}")
    if (w < 0).any() or not np.isfinite(w).all():
        raise InvalidInput("weights must be finite and not negative")
    if not w.sum() > 0:
        raise InvalidInput("every weight is zero; give at least one criterion a positive weight")
    return w / w.sum()


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; equal scores share the better rank ("1224")."""
    s = np.asarray(scores, dtype=float)
    return 1 + (s[None, :] > s[:, None]).sum(axis=1)


def score(values: np.ndarray, benefit: np.ndarray, weights: np.ndarray, method: str = "weighted_sum") -> np.ndarray:
    """Scores by ``method`` (``weighted_sum`` or ``topsis``)."""
    if method == "weighted_sum":
        return weighted_sum(values, benefit, weights)
    if method == "topsis":
        return topsis(values, benefit, weights)
    raise InvalidInput(f"unknown method '{method}' (methods: {', '.join(METHODS)})")


# --- SMAA-2 ------------------------------------------------------------------------------------


def sample_weights(rng: np.random.Generator, size: int, bounds: np.ndarray, max_rejection: float = 1e4) -> tuple[np.ndarray, int]:
    """``size`` weight vectors drawn uniformly from ``{w >= 0, sum w = 1, lo <= w <= hi}``.

    The lower bounds are taken out first (``w = lo + (1 - sum lo) u`` with
    ``u`` uniform on the simplex, an affine map that keeps uniformity); the
    upper bounds by rejection. Returns the draws and how many were tried.
    """
    lo, hi = bounds[:, 0], bounds[:, 1]
    active = np.flatnonzero(hi > 0)
    free = 1.0 - lo.sum()
    out = np.zeros((size, len(lo)))
    if free <= 1e-12:
        out[:] = lo
        return out, size
    tight = (hi[active] < lo[active] + free - 1e-12).any()
    got, tried = 0, 0
    while got < size:
        want = size - got if not tight else max(1024, int(1.2 * (size - got) * max(1.0, tried / max(got, 1))))
        e = rng.standard_exponential((want, active.size))
        u = e / e.sum(axis=1, keepdims=True)
        w = lo[active] + free * u
        tried += want
        if tight:
            w = w[(w <= hi[active] + 1e-12).all(axis=1)]
        take = min(size - got, len(w))
        out[got:got + take, active] = w[:take]
        got += take
        if tight and tried >= 100_000 and got / tried < 1 / max_rejection:
            raise InvalidInput(f"--weights: the ranges leave too little room to sample (acceptance {got / tried:.2e}); widen them")
    return out, tried


def _chunk_scores(x: np.ndarray, benefit: np.ndarray, w: np.ndarray, method: str) -> np.ndarray:
    """Scores for a chunk of weight draws ``w`` (d x m): exact values ``x`` (n x m) or perturbed (d x n x m)."""
    if x.ndim == 2:
        # einsum's own loop, not BLAS: a (d x m) @ (m x n) product with m ~ 8 gains nothing from BLAS
        # threads, and on a busy machine their spin-waiting made it ten times slower.
        if method == "weighted_sum":
            return np.einsum("dm,nm->dn", w, minmax_normalise(x, benefit))
        r = vector_normalise(x)
        best = np.where(benefit, r.max(axis=0), r.min(axis=0))
        worst = np.where(benefit, r.min(axis=0), r.max(axis=0))
        w2 = w * w
        dp = np.sqrt(np.maximum(np.einsum("dm,nm->dn", w2, (r - best) ** 2), 0))
        dm = np.sqrt(np.maximum(np.einsum("dm,nm->dn", w2, (r - worst) ** 2), 0))
    else:
        if method == "weighted_sum":
            lo, hi = x.min(axis=1, keepdims=True), x.max(axis=1, keepdims=True)
            span = hi - lo
            r = np.where(benefit, x - lo, hi - x) / np.where(span > 0, span, 1.0)
            r = np.where(span > 0, r, 0.0)
            return np.einsum("dnm,dm->dn", r, w)
        norm = np.sqrt((x ** 2).sum(axis=1, keepdims=True))
        v = x / np.where(norm > 0, norm, 1.0) * w[:, None, :]
        best = np.where(benefit, v.max(axis=1, keepdims=True), v.min(axis=1, keepdims=True))
        worst = np.where(benefit, v.min(axis=1, keepdims=True), v.max(axis=1, keepdims=True))
        dp = np.sqrt(((v - best) ** 2).sum(axis=2))
        dm = np.sqrt(((v - worst) ** 2).sum(axis=2))
    total = dp + dm
    return np.where(total > 0, dm / np.where(total > 0, total, 1.0), 0.0)


#: Scores closer than this are a tie in SMAA (scores lie in [0, 1]; float noise is ~1e-16).
TIE = 1e-12

#: The most weight draws SMAA takes in one call (about ten seconds of work).
MAX_DRAWS = 10_000_000


def smaa2(values: np.ndarray, benefit: np.ndarray, *, method: str = "weighted_sum", bounds: np.ndarray | None = None,
          draws: int = 10_000, seed: int = 0, uncertainty: float = 0.0, chunk: int = 16_384) -> dict:
    """SMAA-2 (Lahdelma & Salminen 2001) over weights drawn uniformly from the (bounded) simplex.

    ``values``: n alternatives x m criteria, no missing values. ``bounds``:
    ``(m, 2)`` shares ``[lo, hi]`` (default: every criterion free, ``[0, 1]``;
    ``hi = 0`` takes a criterion out of play). Work is done in chunks of
    ``chunk`` draws, so memory stays bounded whatever ``draws`` is: ranks come
    from one ``argsort`` per chunk and are counted with ``bincount``. Tied
    scores share the better rank (competition ranking, "1224"), as in
    :func:`competition_ranks`: criteria such as a 0/1 land border make exact
    ties common, and two partners with the same values both rank first. Each
    alternative's shares still sum to 1 over the ranks; the shares of one rank
    may sum to more than 1 across alternatives.

    Returns ``acceptability`` (n x n, ``[i, r-1] = b_i^r``), ``central_weights``
    (n x m; NaN where ``b_i^1 = 0``), ``confidence`` (n), ``holistic`` (n),
    ``draws`` and ``acceptance`` (share of tried draws inside the ranges).
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise InvalidInput("SMAA needs at least one alternative and one criterion")
    if np.isnan(x).any():
        raise InvalidInput("SMAA needs complete criteria values; fill missing ones first (fill_worst)")
    if method not in METHODS:
        raise InvalidInput(f"unknown method '{method}' (methods: {', '.join(METHODS)})")
    if not 1 <= draws <= MAX_DRAWS:
        raise InvalidInput(f"--draws must be between 1 and {MAX_DRAWS:,} (1,000,000 take about a second)")
    if not (math.isfinite(uncertainty) and uncertainty >= 0):
        raise InvalidInput(f"--uncertainty must be a finite number, not negative (found {uncertainty})")
    check_seed(seed)
    n, m = x.shape
    benefit = np.asarray(benefit, dtype=bool)
    b = np.tile([0.0, 1.0], (m, 1)) if bounds is None else np.asarray(bounds, dtype=float)
    if b.shape != (m, 2) or (b < 0).any() or (b[:, 0] > b[:, 1]).any():
        raise InvalidInput("weight ranges must be 0 <= lo <= hi")
    if b[:, 0].sum() > 1 + 1e-9:
        raise InvalidInput(f"--weights: the lower bounds add up to {b[:, 0].sum():.3g} > 1")
    if b[:, 1].sum() < 1 - 1e-9:
        raise InvalidInput(f"--weights: the upper bounds add up to {b[:, 1].sum():.3g} < 1")
    rng = np.random.default_rng(seed)
    sigma = uncertainty * (x.max(axis=0) - x.min(axis=0))
    if uncertainty > 0:
        chunk = max(1, min(chunk, 4096))
    counts = np.zeros(n * n, dtype=np.int64)
    wsum = np.zeros((n, m))
    positions = np.arange(n, dtype=np.int64)
    done, tried = 0, 0
    while done < draws:
        d = min(chunk, draws - done)
        w, t = sample_weights(rng, d, b)
        tried += t
        xs = x if uncertainty == 0 else x[None, :, :] + rng.standard_normal((d, n, m)) * sigma
        key = -_chunk_scores(xs, benefit, w, method)
        order = np.argsort(key, axis=1)  # order[k, r] = the alternative at sorted position r in draw k
        ranked = np.take_along_axis(key, order, axis=1)
        # Competition ranks: a position opens a new rank unless its score equals the previous one
        # (within TIE, far below any difference that matters: scores lie in [0, 1]); the rank of a
        # position is the last opening position at or before it.
        opens = np.ones((d, n), dtype=bool)
        opens[:, 1:] = (ranked[:, 1:] - ranked[:, :-1]) > TIE
        rank0 = np.maximum.accumulate(np.where(opens, positions, 0), axis=1)  # 0-based rank per position
        cells = order * n + rank0
        counts += np.bincount(cells.ravel(), minlength=n * n)
        is_first = rank0 == 0
        firsts = order[is_first]
        draw_of = np.broadcast_to(np.arange(d)[:, None], (d, n))[is_first]
        for j in range(m):
            wsum[:, j] += np.bincount(firsts, weights=w[draw_of, j], minlength=n)
        done += d
    acc = counts.reshape(n, n) / draws  # counts[i * n + r]: alternative i at rank r + 1
    firsts = acc[:, 0] * draws
    with np.errstate(invalid="ignore", divide="ignore"):
        central = np.where(firsts[:, None] > 0, wsum / firsts[:, None], np.nan)
    alpha = np.ones(1) if n == 1 else (n - 1 - np.arange(n)) / (n - 1)
    return {"acceptability": acc, "central_weights": central,
            "confidence": _confidence(x, benefit, central, method, sigma, rng, min(draws, 10_000)),
            "holistic": acc @ alpha, "draws": draws, "acceptance": draws / tried if tried else 1.0}


def _confidence(x, benefit, central, method, sigma, rng, draws) -> np.ndarray:
    """``p_i^c``: how often ``i`` ranks first with its central weights (exact values: 0 or 1)."""
    n = x.shape[0]
    have = ~np.isnan(central).any(axis=1)
    conf = np.zeros(n)
    if not have.any():
        return conf
    idx = np.flatnonzero(have)
    wc = central[idx]
    if not (sigma > 0).any():
        s = _chunk_scores(x, benefit, wc, method)
        conf[idx] = (s[np.arange(idx.size), idx] >= s.max(axis=1) - TIE).astype(float)  # a tie for first is first
        return conf
    hits = np.zeros(idx.size)
    step = max(1, 2_000_000 // (n * n + n * x.shape[1]))
    done = 0
    while done < draws:
        d = min(step, draws - done)
        xs = x[None, :, :] + rng.standard_normal((d, n, x.shape[1])) * sigma
        for k, i in enumerate(idx):
            s = _chunk_scores(xs, benefit, np.broadcast_to(wc[k], (d, wc.shape[1])), method)
            hits[k] += (s[:, i] >= s.max(axis=1) - TIE).sum()
        done += d
    conf[idx] = hits / draws
    return conf
