"""Format impact: what a flexible or minilateral format does to the alliance.

For a format F at a date (Clingendael Spectator 2022: does AUKUS divide NATO?):

- its members inside and outside NATO, and the allies it leaves out;
- its **cross-line ties**: pairs of an ally and a non-member that F links, and
  whether F is the *only* arrangement that links them (a tie F creates);
- its **overlap** with every other format and NATO framework: the Jaccard index
  ``|A ∩ B| / |A ∪ B|`` of the two participant sets (own participants only);
- the **change in cohesion** of the set "NATO members ∪ F's members" on the
  actor graph with and without F (density, mean tie strength, average
  clustering, and the E-I index across the member/partner line, by tie count and
  by tie strength; see :mod:`secnet.analytics.graph`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidInput
from ..registry import Registry
from . import graph
from .coverage import require_nato

NATO = "nato"
FORMAT_RELATIONS = ("flexible", "minilateral")


def jaccard(a: set, b: set) -> float:
    """``|a ∩ b| / |a ∪ b|``; 0 for two empty sets."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _own(r: Registry, arr: str, w) -> set[str]:
    return {p["actor_id"] for p in r.participants(arr, at=w) if p["inherited_from"] is None and p["category"] != "suspended"}


@dataclass
class _Scene:
    """What every format at one date is compared against: the allies and the actor graph."""

    r: Registry
    w: object
    allies: set[str]
    g_with: object

    @classmethod
    def at(cls, r: Registry, at: object, weights: dict | None) -> _Scene:
        w = require_nato(r, at)
        return cls(r, w, {m["actor_id"] for m in r.members(NATO, at=w)}, graph.actor_graph(r, w, weights=weights))


def _impact(scene: _Scene, fid: str) -> dict:
    """Members, allies left out, cross-line ties and the cohesion change of format ``fid``."""
    r, w, allies, g_with = scene.r, scene.w, scene.allies, scene.g_with
    arr = r.arrangements[fid]
    if not (arr.founded.first < w.stop and (arr.ended is None or arr.ended.last > w.first)):
        raise InvalidInput(f"{fid} does not exist at {w.label} (founded {arr.founded}"
                           + (f", ended {arr.ended})" if arr.ended else ")"))
    members = _own(r, fid, w)
    cross = []
    for a in sorted(members & allies):
        for b in sorted(members - allies):
            via = [x for x in g_with.edges[a, b]["arrangements"] if x != fid] if g_with.has_edge(a, b) else []
            cross.append({"ally": a, "non_member": b, "only_via_format": not via, "also_via": sorted(via)})

    scope = sorted(allies | members)
    group = {a: ("member" if a in allies else "non_member") for a in scope}
    with_ = graph.cohesion(g_with, scope, group)
    without = graph.cohesion(g_with, scope, group, drop=fid)
    delta = {k: (None if with_[k] is None or without[k] is None else round(with_[k] - without[k], 6))
             for k in ("density", "mean_tie_strength", "avg_clustering", "ei_index", "ei_index_weighted")}
    return {
        "format": fid, "name": arr.name, "relation": arr.relation, "at": w.label,
        "members": sorted(members), "members_in_nato": sorted(members & allies), "members_outside_nato": sorted(members - allies),
        "allies_left_out": sorted(allies - members), "n_allies_left_out": len(allies - members),
        "cross_line_ties": cross, "n_new_cross_line_ties": sum(1 for c in cross if c["only_via_format"]),
        "cohesion_with": with_, "cohesion_without": without, "cohesion_change": delta,
    }


def format_impact(r: Registry, fmt: str, at: object = None, *, weights: dict | None = None) -> dict:
    """The impact of one format at ``at`` (see the module docstring)."""
    w = require_nato(r, at)
    fid = r.arrangement_id(fmt)
    scene = _Scene.at(r, w, weights)
    x = _impact(scene, fid)
    members = set(x["members"])
    overlaps = []
    for other in r.as_of(scene.w).arrangements:
        if other.id == fid or not (other.relation in FORMAT_RELATIONS or other.kind == "partnership_framework"):
            continue
        j = jaccard(members, _own(r, other.id, scene.w))
        if j > 0:
            overlaps.append({"arrangement_id": other.id, "name": other.name, "jaccard": round(j, 4)})
    overlaps.sort(key=lambda o: (-o["jaccard"], o["arrangement_id"]))
    keys = list(x)
    at = keys.index("cohesion_with")
    return {**{k: x[k] for k in keys[:at]}, "overlaps": overlaps, **{k: x[k] for k in keys[at:]}}


def impact_all(r: Registry, at: object = None, *, weights: dict | None = None) -> list[dict]:
    """Every flexible or minilateral format alive at ``at``, ranked by cross-line reach.

    Rank: new cross-line ties, then non-members included, then the weighted E-I change.
    """
    scene = _Scene.at(r, at, weights)
    out = []
    for arr in r.as_of(scene.w).arrangements:
        if arr.relation not in FORMAT_RELATIONS:
            continue
        x = _impact(scene, arr.id)
        out.append({"format": x["format"], "name": x["name"], "relation": x["relation"], "n_members": len(x["members"]),
                    "n_outside_nato": len(x["members_outside_nato"]), "n_allies_left_out": x["n_allies_left_out"],
                    "n_cross_line_ties": len(x["cross_line_ties"]), "n_new_cross_line_ties": x["n_new_cross_line_ties"],
                    "ei_change": x["cohesion_change"]["ei_index"], "ei_weighted_change": x["cohesion_change"]["ei_index_weighted"],
                    "density_change": x["cohesion_change"]["density"]})
    out.sort(key=lambda x: (-x["n_new_cross_line_ties"], -x["n_outside_nato"], -(x["ei_weighted_change"] or 0), x["format"]))
    for i, x in enumerate(out, 1):
        x["rank"] = i
    return out
