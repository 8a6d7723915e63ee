"""Issue-based grouping designer: the best group of actors for a problem, solved exactly.

For an issue that needs capabilities (each with a minimum number of providers),
which members, partners and organisations should work on it together, under the
NATO umbrella, rather than in bilateral one-offs?

**Candidates** and what they bring: an actor's capabilities at ``at`` are the
issue areas of the thematic arrangements it takes part in (Centres of
Excellence, flexible and minilateral formats, initiatives; any role but
suspended) plus the capabilities recorded on the actor itself
(``Actor.capabilities``). Or they come from a CSV file (see
:func:`read_candidates_csv`). Each candidate has a status at ``at``: ``ally``
(a NATO member), ``partner`` (a partner in NATO or one of its frameworks),
``organisation``, ``private`` or ``other`` (any other state). A *framework
nation* is an actor holding a ``framework_nation`` or ``lead`` role in some
arrangement at ``at``.

**The integer program** (set multicover; solved to proven optimality by HiGHS,
Huangfu & Hall 2018, *Mathematical Programming Computation* 10: 119-142)::

    minimise    sum_i c_i x_i
    subject to  sum_{i provides k} x_i >= n_k     for every required capability k
                x_i = 1                            for every actor that must be included
                sum_i x_i <= max_size              (if given)
                sum_{i framework nation} x_i >= 1  (if asked)
                x_i in {0, 1}; x_i = 0 for excluded or disallowed actors

The cost ``c_i`` is 1 per actor (or the CSV's ``cost``). With ``prefer_allies``
the objective is lexicographic: least cost first, then, among the groups of
least cost, the fewest non-allies (a second program with the cost held at its
optimum). A non-ally still joins if it saves a whole member.

**Alternatives**: the next-best ``k`` groups, each found by re-solving with a
no-good cut ``sum_{i in S} x_i <= |S| - 1`` for every group ``S`` found so far:
every alternative drops at least one actor of each earlier group, so no
superset of an earlier group (a padded copy of it) is offered.

**Closest existing formats**: the Jaccard index ``|G ∩ F| / |G ∪ F|`` of the
optimal group and the own participants of each flexible or minilateral format,
Centre of Excellence or initiative alive at ``at``.

An infeasible issue raises :class:`Infeasible`, saying which requirement cannot
be met and why (which providers were excluded or disallowed).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InvalidInput, SecnetError, suggest
from ..model import vocab
from ..registry import Registry, window
from ..userfiles import read_text

NATO = "nato"
#: Arrangement kinds whose issue areas say what their participants bring.
THEMATIC_KINDS = frozenset({"centre_of_excellence", "flexible_format", "minilateral", "initiative"})
FORMAT_RELATIONS = ("flexible", "minilateral")
STATUSES = ("ally", "partner", "organisation", "private", "other")
FRAMEWORK_ROLES = frozenset({"framework_nation", "lead"})


class Infeasible(InvalidInput):
    """No group meets the issue's requirements; ``reasons`` says which cannot be met and why."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("no group meets the requirements: " + "; ".join(self.reasons))


@dataclass
class Candidate:
    actor_id: str
    name: str
    status: str
    capabilities: frozenset[str]
    cost: float = 1.0
    framework: bool = False


# --- what actors bring --------------------------------------------------------------------------


def own_participants(r: Registry, arrangement: str, at: object = None) -> set[str]:
    """The actors in an arrangement at ``at`` in their own right (not inherited, not suspended)."""
    return {p["actor_id"] for p in r.participants(arrangement, at=at) if p["inherited_from"] is None and p["category"] != "suspended"}


def actor_capabilities(r: Registry, at: object = None) -> dict[str, set[str]]:
    """Each actor's capabilities at ``at``: issue areas of its thematic arrangements plus ``Actor.capabilities``."""
    w = window(at)
    t = r.participation_table(w)
    t = t[t.category != "suspended"]
    alive = {a.id: a for a in r.as_of(w).arrangements if a.kind in THEMATIC_KINDS}
    out: dict[str, set[str]] = {a.id: set(a.capabilities) for a in r.actors.values()}
    for actor, arr in zip(t.actor_id.tolist(), t.arrangement_id.tolist()):
        if arr in alive:
            out.setdefault(actor, set()).update(alive[arr].issue_areas)
    return out


def actor_status(r: Registry, at: object = None) -> dict[str, str]:
    """``ally``, ``partner``, ``organisation``, ``private`` or ``other`` for every actor at ``at``."""
    w = window(at)
    allies = {m["actor_id"] for m in r.members(NATO, at=w)} if NATO in r.arrangements else set()
    partners = {p["actor_id"] for p in r.partners(NATO, at=w)} if NATO in r.arrangements else set()
    out = {}
    for a in r.actors.values():
        if a.kind == "international_organisation":
            out[a.id] = "organisation"
        elif a.kind == "private_actor":
            out[a.id] = "private"
        else:
            out[a.id] = "ally" if a.id in allies else "partner" if a.id in partners else "other"
    return out


def framework_nations(r: Registry, at: object = None) -> set[str]:
    """Actors in a ``framework_nation`` or ``lead`` role of any arrangement at ``at``."""
    t = r.participation_table(at)
    return set(t.loc[t.role.isin(FRAMEWORK_ROLES), "actor_id"])


def registry_candidates(r: Registry, at: object = None) -> list[Candidate]:
    """Every actor with its status, capabilities and framework-nation flag at ``at`` (cost 1)."""
    caps, status, fns = actor_capabilities(r, at), actor_status(r, at), framework_nations(r, at)
    return [Candidate(a.id, a.name, status[a.id], frozenset(caps.get(a.id, ())), 1.0, a.id in fns)
            for a in sorted(r.actors.values(), key=lambda a: a.id)]


def read_candidates_csv(path: str | Path, r: Registry | None = None, at: object = None) -> list[Candidate]:
    """Candidates from a CSV file with columns ``actor_id``, ``capabilities`` (separated by ``;``) and
    optional ``cost`` (default 1), ``status`` (default: from the registry, else ``other``), ``framework``
    (1/0, yes/no; default: from the registry, else no) and ``name``.
    """
    text = read_text(path, "--candidates")
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip() for f in reader.fieldnames or []]
    if "actor_id" not in fields or "capabilities" not in fields:
        raise InvalidInput(f"{path}:1: the header needs actor_id and capabilities (and optionally cost, status, framework, name)")
    status = actor_status(r, at) if r is not None else {}
    fns = framework_nations(r, at) if r is not None else set()
    out, seen = [], set()
    for line, row in enumerate(reader, start=2):
        if None in row:  # DictReader files the cells beyond the header under None
            raise InvalidInput(f"{path}:{line}: more fields than the header has ({len(fields)})")
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        aid = row["actor_id"]
        if r is not None and aid not in r.actors:
            try:
                aid = r.actor_id(aid)
            except SecnetError:
                pass
        if not aid or aid in seen:
            raise InvalidInput(f"{path}:{line}: " + ("actor_id is empty" if not aid else f"{aid} appears twice"))
        seen.add(aid)
        caps = frozenset(c.strip() for c in row["capabilities"].split(";") if c.strip())
        for c in caps:
            _check_capability(c, f"{path}:{line}: ")
        try:
            cost = float(row.get("cost") or 1)
        except ValueError:
            raise InvalidInput(f"{path}:{line}: cost '{row['cost']}' is not a number") from None
        if not (math.isfinite(cost) and cost >= 0):
            raise InvalidInput(f"{path}:{line}: cost must be a finite number, not negative (found {row.get('cost')})")
        st = row.get("status") or status.get(aid, "other")
        if st not in STATUSES:
            raise InvalidInput(f"{path}:{line}: status '{st}' is not one of {', '.join(STATUSES)}")
        fw_raw = (row.get("framework") or "").lower()
        fw = fw_raw in ("1", "yes", "true") if fw_raw else aid in fns
        name = row.get("name") or (r.actors[aid].name if r is not None and aid in r.actors else aid)
        out.append(Candidate(aid, name, st, caps, cost, fw))
    if not out:
        raise InvalidInput(f"{path}: no candidates")
    return out


# --- requirements -------------------------------------------------------------------------------


def _check_capability(c: str, where: str = "") -> None:
    if c not in vocab.CAPABILITIES:
        hint = suggest(c, vocab.CAPABILITIES, n=1)
        raise InvalidInput(f"{where}unknown capability '{c}'" + (f"; did you mean {hint[0]}?" if hint else ""))


def parse_need(spec: str | dict[str, int]) -> dict[str, int]:
    """``"cyber=3,maritime=2,space"`` -> ``{"cyber": 3, "maritime": 2, "space": 1}`` (checked against the vocabulary)."""
    items = spec.items() if isinstance(spec, dict) else [
        (p.partition("=")[0].strip(), p.partition("=")[2].strip() or "1") for p in spec.split(",") if p.strip()]
    out: dict[str, int] = {}
    for cap, raw in items:
        _check_capability(cap, "--need: ")
        try:
            n = int(raw)
        except (TypeError, ValueError):
            raise InvalidInput(f"--need: {cap}: '{raw}' is not a whole number") from None
        if n < 1:
            raise InvalidInput(f"--need: {cap}: at least 1 provider, not {n}")
        out[cap] = n
    if not out:
        raise InvalidInput("--need: name at least one capability, e.g. cyber=2,maritime")
    return out


# --- the integer program ------------------------------------------------------------------------


def _highs():
    import highspy

    class _QuietHighs(highspy.Highs):
        # highspy prints its banner on stdout while __init__ enables callbacks, before
        # any option can be set; switch output off there so JSON output stays clean.
        def enableCallbacks(self):
            self.setOptionValue("output_flag", False)
            super().enableCallbacks()

    return highspy, _QuietHighs()


def cover(provides: np.ndarray, required: np.ndarray, cost: np.ndarray | None = None, *, tiebreak: np.ndarray | None = None,
          must: np.ndarray | None = None, allowed: np.ndarray | None = None, max_size: int | None = None,
          one_of: np.ndarray | None = None, alternatives: int = 0, time_limit: float = 60.0) -> list[np.ndarray]:
    """The cheapest set multicover and up to ``alternatives`` next-best ones (see the module docstring).

    ``provides``: N x K booleans; ``required``: K minimum counts; ``cost``: N
    (default 1); ``tiebreak``: N non-negative secondary costs, minimised among
    the groups of least cost (lexicographic: a second program with the cost
    held at its optimum); ``must``/``allowed``/``one_of``: N booleans. Returns
    the chosen index arrays, best first; an empty list when no group is feasible.

    >>> [g.tolist() for g in cover(np.array([[1, 0], [0, 1], [1, 1]], bool), np.array([1, 1]))]
    [[2]]
    """
    a = np.asarray(provides, dtype=bool)
    n, _ = a.shape
    req = np.asarray(required, dtype=float)
    c = np.ones(n) if cost is None else np.asarray(cost, dtype=float)
    tb = None if tiebreak is None else np.asarray(tiebreak, dtype=float)
    if (c < 0).any() or (tb is not None and (tb < 0).any()):
        raise InvalidInput("costs must not be negative")
    must = np.zeros(n, bool) if must is None else np.asarray(must, bool)
    allowed = np.ones(n, bool) if allowed is None else np.asarray(allowed, bool)
    if (must & ~allowed).any():
        return []
    rows_req = np.flatnonzero(req > 0)
    extra_rows = []
    if max_size is not None:
        extra_rows.append((np.ones(n, bool), -np.inf, float(max_size)))
    if one_of is not None:
        extra_rows.append((np.asarray(one_of, bool), 1.0, np.inf))
    # Column-wise (CSC) matrix: each candidate's required capabilities, then the extra rows.
    full = np.concatenate([a[:, rows_req], np.column_stack([m for m, _, _ in extra_rows]) if extra_rows else np.zeros((n, 0), bool)],
                          axis=1)
    cand, row = np.nonzero(full)  # row-major order: grouped by candidate, as CSC wants

    highspy, h = _highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("time_limit", float(time_limit))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, full.shape[1]
    lp.col_cost_ = c
    lp.col_lower_ = must.astype(float)
    lp.col_upper_ = allowed.astype(float)
    lp.row_lower_ = np.concatenate([req[rows_req], [lo for _, lo, _ in extra_rows]]).astype(float)
    lp.row_upper_ = np.concatenate([np.full(rows_req.size, np.inf), [hi for _, _, hi in extra_rows]]).astype(float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(full.sum(axis=1))]).astype(np.int32)
    lp.a_matrix_.index_ = row.astype(np.int32)
    lp.a_matrix_.value_ = np.ones(row.size)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    cols = np.arange(n, dtype=np.int32)

    def solve() -> np.ndarray | None:
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise SecnetError(f"the grouping solver stopped before proving optimality ({h.modelStatusToString(status)})")
        return np.flatnonzero(np.asarray(h.getSolution().col_value) > 0.5)

    found: list[np.ndarray] = []
    for _ in range(alternatives + 1):
        chosen = solve()
        if chosen is None:
            break
        if tb is not None and tb[chosen].sum() > 0:  # a zero tiebreak cannot be beaten
            # Second stage: the least tiebreak among the groups of least cost. (A small tiebreak
            # folded into the cost would do the same in theory, but it makes HiGHS's bounds fractional
            # and hard instances far slower.)
            best = float(c[chosen].sum())
            h.addRow(-np.inf, best + 1e-7 * max(1.0, abs(best)), n, cols, c)
            h.changeColsCost(n, cols, tb)
            chosen = solve()
            h.deleteRows(1, np.array([h.getNumRow() - 1], dtype=np.int32))
            h.changeColsCost(n, cols, c)
        found.append(chosen)
        if chosen.size == 0:
            break
        h.addRow(-np.inf, float(chosen.size - 1), chosen.size, chosen.astype(np.int32), np.ones(chosen.size))
    return found


# --- the public verb ----------------------------------------------------------------------------


def design_group(r: Registry, need: str | dict[str, int], at: object = None, *, candidates: list[Candidate] | str | Path | None = None,
                 allow_partners: bool = True, allow_organisations: bool = True, allow_private: bool = False,
                 allow_others: bool = False, prefer_allies: bool = True, must_include: list[str] = (),
                 exclude: list[str] = (), max_size: int | None = None, framework_nation: bool = False,
                 alternatives: int = 3, formats: int = 5) -> dict:
    """The optimal group for an issue at ``at``, the next-best alternatives and the closest existing formats.

    ``need``: ``{capability: minimum providers}`` or ``"cyber=3,maritime=2"``.
    Raises :class:`Infeasible` with the reasons when no group can meet it.
    """
    w = window(at)
    req = parse_need(need)
    if max_size is not None and max_size < 1:
        raise InvalidInput(f"--max-size must be at least 1, not {max_size}")
    if alternatives < 0:
        raise InvalidInput("--alternatives must not be negative")
    if isinstance(candidates, (str, Path)):
        cands = read_candidates_csv(candidates, r, w)
    else:
        cands = registry_candidates(r, w) if candidates is None else list(candidates)
    by_id = {c.actor_id: c for c in cands}

    def resolve(ids, what):
        out = []
        for x in ids:
            if x in by_id:
                out.append(x)
                continue
            aid = r.actor_id(x)
            if aid not in by_id:
                raise InvalidInput(f"--{what}: {aid} is not among the candidates")
            out.append(aid)
        return out

    must_ids, excl_ids = set(resolve(must_include, "include")), set(resolve(exclude, "exclude"))
    if must_ids & excl_ids:
        raise InvalidInput(f"{', '.join(sorted(must_ids & excl_ids))} both included and excluded")
    allowed_status = {"ally"} | {s for s, ok in (("partner", allow_partners), ("organisation", allow_organisations),
                                                 ("private", allow_private), ("other", allow_others)) if ok}
    for aid in sorted(must_ids):
        if by_id[aid].status not in allowed_status:
            raise InvalidInput(f"--include: {aid} is {_a(by_id[aid].status)}, and {by_id[aid].status}s are not allowed")

    def why_out(c: Candidate) -> str | None:
        if c.actor_id in excl_ids:
            return "excluded"
        if c.status not in allowed_status:
            return f"{c.status}s not allowed"
        return None

    caps = list(req)
    # Candidates: anyone who provides a required capability, the must-includes and, if one is needed,
    # the framework nations.
    pool = [c for c in cands if (c.capabilities & set(caps)) or c.actor_id in must_ids or (framework_nation and c.framework)]
    usable = [c for c in pool if why_out(c) is None]
    reasons = _simple_reasons(req, pool, usable, why_out, must_ids, max_size, framework_nation)
    if reasons:
        raise Infeasible(reasons)

    n = len(usable)
    provides = np.array([[k in c.capabilities for k in caps] for c in usable], dtype=bool).reshape(n, len(caps))
    base = np.array([c.cost for c in usable], dtype=float)
    tiebreak = np.array([float(c.status != "ally") for c in usable]) if prefer_allies else None
    must = np.array([c.actor_id in must_ids for c in usable], dtype=bool)
    fn = np.array([c.framework for c in usable], dtype=bool) if framework_nation else None
    groups = cover(provides, np.array([req[k] for k in caps]), base, tiebreak=tiebreak, must=must, max_size=max_size,
                   one_of=fn, alternatives=alternatives)
    if not groups:
        raise Infeasible(_combined_reasons(provides, np.array([req[k] for k in caps]), base, must, max_size, fn))

    def describe(idx: np.ndarray) -> list[dict]:
        return [{"actor_id": usable[i].actor_id, "name": usable[i].name, "status": usable[i].status,
                 "framework_nation": usable[i].framework, "cost": usable[i].cost,
                 "provides": [k for k in caps if k in usable[i].capabilities]} for i in idx]

    best = groups[0]
    best_ids = {usable[i].actor_id for i in best}
    coverage = [{"capability": k, "required": req[k],
                 "providers": sorted(usable[i].actor_id for i in best if k in usable[i].capabilities)} for k in caps]
    for row in coverage:
        row["n"] = len(row["providers"])
    alts = []
    for rank, g in enumerate(groups[1:], start=2):
        ids = {usable[i].actor_id for i in g}
        alts.append({"rank": rank, "members": sorted(ids), "size": len(ids), "cost": round(float(base[g].sum()), 6),
                     "n_non_allies": sum(usable[i].status != "ally" for i in g),
                     "instead_of": sorted(best_ids - ids), "adds": sorted(ids - best_ids)})
    return {
        "at": w.label, "need": req, "n_candidates": n,
        "group": describe(best), "members": sorted(best_ids), "size": len(best),
        "cost": round(float(base[best].sum()), 6), "n_non_allies": sum(usable[i].status != "ally" for i in best),
        "coverage": coverage, "alternatives": alts,
        "closest_formats": closest_formats(r, best_ids, w)[:formats],
    }


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _simple_reasons(req, pool, usable, why_out, must_ids, max_size, framework_nation) -> list[str]:
    reasons = []
    for k, need in req.items():
        have = [c for c in usable if k in c.capabilities]
        if len(have) >= need:
            continue
        lost = [f"{c.actor_id} ({why_out(c)})" for c in pool if k in c.capabilities and why_out(c) is not None]
        msg = (f"capability {k} needs {need} provider{'s' if need > 1 else ''} but only {len(have)} "
               f"candidate{'s' if len(have) != 1 else ''} ha{'ve' if len(have) != 1 else 's'} it after exclusions"
               + (f" ({', '.join(sorted(c.actor_id for c in have))})" if have else ""))
        if lost:
            msg += f"; left out: {', '.join(sorted(lost))}"
        reasons.append(msg)
    if max_size is not None:
        if len(must_ids) > max_size:
            reasons.append(f"{len(must_ids)} actors must be included but --max-size is {max_size}")
        top = max(req.values())
        if top > max_size:
            k = max(req, key=req.get)
            reasons.append(f"capability {k} needs {top} providers but --max-size is {max_size}")
    if framework_nation and not any(c.framework for c in usable):
        reasons.append("a framework nation is required but no candidate left is one")
    return reasons


def _combined_reasons(provides, req, cost, must, max_size, fn) -> list[str]:
    """Why the program is infeasible when each requirement alone can be met."""
    if max_size is not None:
        relaxed = cover(provides, req, np.ones(len(cost)), must=must, one_of=fn)
        if relaxed:
            return [f"no group of at most {max_size} actors meets every requirement together; "
                    f"the smallest that does has {relaxed[0].size}"]
    return ["the requirements cannot be met together (the solver proves it)"]


def closest_formats(r: Registry, members: set[str], at: object = None) -> list[dict]:
    """Existing formats alive at ``at`` ranked by Jaccard overlap with ``members`` (zero overlaps left out)."""
    from ..analytics.formats import jaccard

    w = window(at)
    out = []
    for arr in r.as_of(w).arrangements:
        if arr.relation not in FORMAT_RELATIONS and arr.kind not in THEMATIC_KINDS:
            continue
        own = own_participants(r, arr.id, w)
        j = jaccard(set(members), own)
        if j > 0:
            out.append({"arrangement_id": arr.id, "name": arr.name, "kind": arr.kind, "jaccard": round(j, 4),
                        "shared": sorted(own & set(members)), "only_in_group": sorted(set(members) - own),
                        "only_in_format": sorted(own - set(members))})
    out.sort(key=lambda x: (-x["jaccard"], x["arrangement_id"]))
    return out
