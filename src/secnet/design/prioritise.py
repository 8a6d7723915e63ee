"""Partner prioritisation: rank partners for an aim on several criteria, and test the ranking's sensitivity.

Which partners matter most for regional stability on the Baltic, the Black Sea,
the southern flank or the Indo-Pacific, and which fill capability gaps? One size
does not fit all, so the answer is a ranking *for an aim* under *stated
weights*, plus how much of it survives when the weights are unknown.

This module holds the weights and the two verbs, :func:`prioritise` (a ranking at
stated weights) and :func:`acceptability` (SMAA-2 over uncertain weights). The
criteria, the aims and the table of values per partner are in
:mod:`secnet.design.criteria`; the scoring methods (weighted sum, TOPSIS) and SMAA-2
in :mod:`secnet.design.mcda`, each with its definition and citation.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import InvalidInput, suggest
from ..registry import Registry
from .criteria import (AIMS, CRITERIA, Aim, CriteriaTable, Criterion, aim, criteria_table,  # noqa: F401
                       fill_worst, partner_states)  # re-exported: what callers of the verbs name
from .mcda import (MAX_DRAWS, METHODS, TIE, competition_ranks, minmax_normalise, sample_weights, score,  # noqa: F401
                   smaa2, topsis, vector_normalise, weighted_sum)  # re-exported: the prioritise verbs' maths


# --- weights ------------------------------------------------------------------------------------


def parse_weights(spec: str | dict | None) -> dict[str, float | tuple[float, float]]:
    """``"region=3,capability=2,threat_distance=0.1:0.4"`` -> ``{name: weight or (lo, hi)}``.

    A ``lo:hi`` range is a share of the total weight (0-1), used by SMAA; the
    deterministic ranking uses its midpoint.
    """
    if spec is None:
        return {}
    items = spec.items() if isinstance(spec, dict) else _split_spec(spec)
    out: dict[str, float | tuple[float, float]] = {}
    for name, raw in items:
        if isinstance(raw, str) and ":" in raw:
            lo, hi = (_number(name, x) for x in raw.split(":", 1))
            if not 0 <= lo <= hi <= 1:
                raise InvalidInput(f"--weights: {name}={raw}: a range lo:hi needs 0 <= lo <= hi <= 1 (shares of the total)")
            out[name] = (lo, hi)
        elif isinstance(raw, tuple):
            out[name] = (float(raw[0]), float(raw[1]))
        else:
            w = _number(name, raw)
            if w < 0:
                raise InvalidInput(f"--weights: {name}={raw}: weights must not be negative")
            out[name] = w
    return out


def _split_spec(spec: str) -> list[tuple[str, str]]:
    out = []
    for item in spec.split(","):
        if not item.strip():
            continue
        name, eq, value = item.partition("=")
        if not eq or not name.strip() or not value.strip():
            raise InvalidInput(f"--weights: expected name=value, found '{item.strip()}'")
        out.append((name.strip(), value.strip()))
    if not out:
        raise InvalidInput("--weights: give at least one name=value")
    return out


def _number(name: str, raw) -> float:
    try:
        x = float(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"--weights: {name}: '{raw}' is not a number") from None
    if not math.isfinite(x):
        raise InvalidInput(f"--weights: {name}: '{raw}' is not a finite number")
    return x


def resolve_weights(t: CriteriaTable, weights=None) -> tuple[np.ndarray, np.ndarray | None]:
    """Weights for the table's criteria (normalised to sum 1) and, if any range was given, SMAA bounds.

    Without ``weights`` the aim's preset is used. Bounds are an ``(m, 2)``
    array of shares; a criterion with no weight is out of play (0, 0), one
    with a point weight is free (0, 1).
    """
    parsed = parse_weights(weights)
    names = t.criterion_names
    if not parsed:
        preset = {k: v for k, v in t.aim.weights.items() if k in names}
        dropped = sorted(k for k in t.aim.weights if k not in names)
        if dropped:
            t.notes.append(f"preset weights for {', '.join(dropped)} dropped: " + "; ".join(
                f"{k}: {t.unavailable.get(k, 'not available')}" for k in dropped))
        parsed = preset
    for k in parsed:
        if k in names:
            continue
        if k in t.unavailable:
            raise InvalidInput(f"--weights: criterion '{k}' is not available: {t.unavailable[k]}")
        hint = suggest(k, names, n=1)
        raise InvalidInput(f"--weights: unknown criterion '{k}'" + (f"; did you mean {hint[0]}?" if hint else "")
                           + f" (criteria: {', '.join(names)})")
    w = np.array([(sum(v) / 2 if isinstance(v, tuple) else v) if (v := parsed.get(k)) is not None else 0.0
                  for k in names], dtype=float)
    if not w.sum() > 0:
        raise InvalidInput("--weights: every weight is zero; give at least one criterion a positive weight")
    bounds = None
    if any(isinstance(v, tuple) for v in parsed.values()):
        bounds = np.array([v if isinstance(v, tuple) else ((0.0, 1.0) if parsed.get(k, 0) > 0 else (0.0, 0.0))
                           for k in names for v in [parsed.get(k, 0.0)]], dtype=float)
    return w / w.sum(), bounds


# --- the public verbs ---------------------------------------------------------------------------


def prioritise(r: Registry, at: object = None, *, aim_name: str | Aim = "general", actors: list[str] | None = None,
               threat: str | None = None, weights=None, method: str = "weighted_sum", extra=None,
               data_dir: str | Path | None = None, indicators_dir: str | Path | None = None) -> dict:
    """Rank partners for an aim at ``at`` by ``method`` under ``weights`` (default: the aim's preset).

    Returns ``criteria`` (name, direction, unit, source, weight, missing),
    ``ranking`` (rank, actor_id, name, score and every criterion's raw value),
    ``weights`` and ``notes``.
    """
    if method not in METHODS:
        raise InvalidInput(f"unknown method '{method}' (methods: {', '.join(METHODS)})")
    t = criteria_table(r, at, aim_name=aim_name, actors=actors, threat=threat, extra=extra, data_dir=data_dir,
                       indicators_dir=indicators_dir)
    w, _ = resolve_weights(t, weights)
    s = score(t.filled(), t.benefit, w, method)
    ranks = competition_ranks(s)
    rows = []
    for i in np.lexsort((np.array(t.names), -s)):
        row = {"rank": int(ranks[i]), "actor_id": t.actors[i], "name": t.names[i], "score": round(float(s[i]), 4)}
        row.update({c.name: (None if np.isnan(t.values[i, j]) else _plain(t.values[i, j])) for j, c in enumerate(t.criteria)})
        rows.append(row)
    return {"at": t.at, "aim": t.aim.name, "method": method, "threat": t.threat,
            "weights": {c.name: round(float(x), 6) for c, x in zip(t.criteria, w)},
            "criteria": _criteria_rows(t, w), "ranking": rows, "notes": t.notes}


def acceptability(r: Registry, at: object = None, *, aim_name: str | Aim = "general", actors: list[str] | None = None,
                  threat: str | None = None, weights=None, method: str = "weighted_sum", extra=None,
                  draws: int = 10_000, seed: int = 0, uncertainty: float = 0.0, data_dir: str | Path | None = None,
                  indicators_dir: str | Path | None = None) -> dict:
    """SMAA-2 sensitivity of the partner ranking (see :func:`smaa2`).

    The criteria in play are those with a positive weight (given, or the aim's
    preset); their weights are drawn uniformly from the simplex, inside any
    ranges given as ``name=lo:hi``. Rows are sorted by first-rank acceptability.
    """
    t = criteria_table(r, at, aim_name=aim_name, actors=actors, threat=threat, extra=extra, data_dir=data_dir,
                       indicators_dir=indicators_dir)
    w, bounds = resolve_weights(t, weights)
    if bounds is None:
        bounds = np.array([(0.0, 1.0) if x > 0 else (0.0, 0.0) for x in w])
    res = smaa2(t.filled(), t.benefit, method=method, bounds=bounds, draws=draws, seed=seed, uncertainty=uncertainty)
    point = competition_ranks(score(t.filled(), t.benefit, w, method))
    acc = res["acceptability"]
    n = len(t.actors)
    in_play = [c.name for c, (_, hi) in zip(t.criteria, bounds) if hi > 0]
    rows = []
    expected = acc @ np.arange(1, n + 1)
    for i in np.lexsort((expected, -acc[:, 0])):
        row = {"actor_id": t.actors[i], "name": t.names[i], "rank_at_weights": int(point[i])}
        row.update({f"share_rank_{k + 1}": round(float(acc[i, k]), 4) for k in range(n)})
        row["expected_rank"] = round(float(expected[i]), 3)
        row["holistic_acceptability"] = round(float(res["holistic"][i]), 4)
        row["confidence"] = round(float(res["confidence"][i]), 4)
        cw = res["central_weights"][i]
        row["central_weights"] = None if np.isnan(cw).any() else {
            c.name: round(float(x), 4) for c, x in zip(t.criteria, cw) if c.name in in_play}
        rows.append(row)
    return {"at": t.at, "aim": t.aim.name, "method": method, "threat": t.threat, "draws": draws, "seed": seed,
            "uncertainty": uncertainty, "acceptance": round(float(res["acceptance"]), 4), "criteria_in_play": in_play,
            "bounds": {c.name: [float(lo), float(hi)] for c, (lo, hi) in zip(t.criteria, bounds) if hi > 0},
            "criteria": _criteria_rows(t, w), "rows": rows, "notes": t.notes}


def _criteria_rows(t: CriteriaTable, w: np.ndarray) -> list[dict]:
    out = []
    for j, c in enumerate(t.criteria):
        missing = [t.actors[i] for i in np.flatnonzero(np.isnan(t.values[:, j]))]
        out.append({"criterion": c.name, "direction": c.direction, "unit": c.unit, "weight": round(float(w[j]), 6),
                    "source": c.source, "data_years": t.data_years.get(c.name), "missing": missing,
                    "description": c.description})
    for name, why in t.unavailable.items():
        if name not in t.criterion_names:
            out.append({"criterion": name, "direction": CRITERIA[name].direction if name in CRITERIA else "",
                        "unit": CRITERIA[name].unit if name in CRITERIA else "", "weight": None, "source": why, "data_years": None, "missing": [],
                        "description": "not used"})
    return out


def _plain(x: float):
    """An integer stays an integer; anything else keeps 4 significant digits (cinc is ~1e-4)."""
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(f"{float(x):.4g}")
