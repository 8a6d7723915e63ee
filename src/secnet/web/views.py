"""What each dashboard page shows, as plain data: the page's JSON twin.

Every function takes a :class:`~secnet.registry.Registry` and the page's
parameters and returns a dict built from library calls. The HTML template
renders exactly this dict, and ``?format=json`` on the same URL returns it, so
whatever a page shows can be fetched as data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from ..analytics import coverage, formats, graph, timeline
from ..describe import describe
from ..design import groupings
from ..design import prioritise as prio
from ..errors import InvalidInput
from ..model import vocab
from ..model.dates import Window, sort_key
from ..registry import Registry, window
from ..reports.overview import overview
from ..findings.cache import cached_findings
from . import geo
from .charts import bar_geometry

NATO = "nato"

#: A window over every day: participations ever in effect (past, present and ongoing).
ALL_TIME = Window(dt.date(1, 1, 1), dt.date.max, "all time")


def _at(at: str | None) -> str:
    """The page's date as written in links (today when none is given)."""
    return window(at).label


def _frameworks(partner_rows: list[dict], r: Registry) -> list[dict]:
    """Partner rows grouped by the framework they are partners in, largest framework first."""
    by: dict[str, list[dict]] = defaultdict(list)
    for p in partner_rows:
        by[p["arrangement_id"]].append(p)
    return sorted(
        ({"id": f, "name": r.arrangements[f].name, "kind": r.arrangements[f].kind, "partners": rows}
         for f, rows in by.items()),
        key=lambda x: (-len(x["partners"]), x["name"]),
    )


def source_index(r: Registry, *row_lists: list[dict]) -> dict[str, dict]:
    """The sources cited by some rows: id -> title, publisher, url and date (for the pages' footnotes)."""
    ids = sorted({s for rows in row_lists for row in rows for s in row.get("sources", ())})
    return {s: {"title": x.title, "publisher": x.publisher, "url": x.url, "date": None if x.date is None else str(x.date)}
            for s in ids if (x := r.sources.get(s)) is not None}


def home(r: Registry, at: str | None = None) -> dict:
    """Today's answers (or at ``at``): the five findings, each with one chart; then members, partners and formats."""
    data = overview(r, at)
    data["findings"] = [{**f, "svg": bar_geometry(f["chart"])} for f in cached_findings(r, data["at"])]
    frameworks = _frameworks(r.partners(NATO, at=data["at"]), r)
    data["frameworks"] = [{**f, "partners": [{"actor_id": p["actor_id"], "name": p["name"], "role": p["role"],
                                              "since": p["start"]} for p in f["partners"]]} for f in frameworks]
    data["counts"]["backdoor_cases"] = len({x["actor_id"] for x in coverage.backdoor_audit(r, data["at"])})
    today = dt.date.today()
    data["slider"] = {"first_year": r.arrangements[NATO].founded.year, "last_year": today.year, "today": today.isoformat()}
    return data


def actor(r: Registry, ident: str, at: str | None = None) -> dict:
    """An actor: who it is, every arrangement it has taken part in over time, and the pledges it receives."""
    a = r.actor(ident)
    w = window(at)
    spell = a.cow_at(w.lo)
    ever = r.arrangements_of(a.id, at=ALL_TIME)
    current = {x["key"] for x in r.arrangements_of(a.id, at=w)}
    for x in ever:
        x["in_effect"] = x["key"] in current
    pledges = coverage.guarantee_coverage(r, a.id, w)
    return {
        "at": w.label, "id": a.id, "name": a.name, "kind": a.kind, "iso3": a.iso3,
        "cow_code": spell.code if spell else None, "cow_abb": spell.abb if spell else None,
        "aliases": a.aliases, "regions": a.regions, "capabilities": a.capabilities, "note": a.note,
        "sources": r.sources_for(a.id) if a.sources else [],
        "is_arrangement": a.id in r.arrangements,
        "participations": sorted(ever, key=lambda x: (not x["in_effect"], sort_key(x["start"]), x["arrangement_name"])),
        "n_in_effect": len(current),
        "pledges_received": pledges,
        "names": {g: r.actors[g].name for x in pledges for g in x["givers"]},
        "source_index": source_index(r, ever, pledges), "today": dt.date.today().isoformat(),
    }


def arrangement(r: Registry, ident: str, at: str | None = None) -> dict:
    """An arrangement: its record, members and partners at ``at``, and its whole history."""
    arr = r.arrangement(ident)
    w = window(at)
    ever = [p for p in r.participants(arr.id, at=ALL_TIME) if p["inherited_from"] is None]
    members, partners, history = r.members(arr.id, at=w), r.partners(arr.id, at=w), r.history(arr.id)
    return {
        "at": w.label, **describe(r, arr.id, w),
        "parent_name": r.arrangements[arr.parent].name if arr.parent else None,
        "children": [{"id": c, "name": r.arrangements[c].name} for c in r.descendants(arr.id)],
        "members": members,
        "frameworks": _frameworks(partners, r),
        "participations": sorted(ever, key=lambda p: (sort_key(p["start"]), p["name"])),
        "history": history,
        "counts": timeline.membership_counts(r, arr.id),
        "sources": r.sources_for(arr.id),
        "source_index": source_index(r, members, partners, ever, history), "today": dt.date.today().isoformat(),
    }


def network(r: Registry, at: str | None = None, *, kinds: list[str] | None = None,
            actor_kinds: list[str] | None = None, seed: int = 0) -> dict:
    """The weighted actor graph at ``at`` with each actor's metrics, community and NATO status."""
    w = window(at)
    g = graph.actor_graph(r, w, arrangement_kinds=kinds or None, actor_kinds=actor_kinds or None)
    data = graph.node_link(g)
    metrics = {m["actor_id"]: m for m in graph.metrics(g)}
    community = {a: i for i, c in enumerate(graph.communities(g, seed=seed)) for a in c}
    status = nato_status(r, w)
    for n in data["nodes"]:
        n.update({k: v for k, v in metrics[n["id"]].items() if k not in ("actor_id", "name", "kind")})
        n["community"], n["status"] = community.get(n["id"]), status.get(n["id"], "other")
    return {
        "at": w.label, "seed": seed,
        "kinds": sorted(kinds) if kinds else sorted(set(vocab.ARRANGEMENT_KINDS) - graph.DEFAULT_EXCLUDED_KINDS),
        "actor_kinds": sorted(actor_kinds) if actor_kinds else sorted(vocab.ACTOR_KINDS),
        "all_kinds": list(vocab.ARRANGEMENT_KINDS), "all_actor_kinds": list(vocab.ACTOR_KINDS),
        "n_nodes": g.number_of_nodes(), "n_edges": g.number_of_edges(),
        "nodes": data["nodes"], "links": data["links"],
    }


def nato_status(r: Registry, at: object = None) -> dict[str, str]:
    """actor id -> ``ally``, ``aspirant`` or ``partner`` at ``at`` (actors with no tie to NATO are absent)."""
    w = window(at)
    out = {}
    for p in r.partners(NATO, at=w):
        if out.get(p["actor_id"]) != "aspirant":
            out[p["actor_id"]] = "aspirant" if vocab.ROLES[p["role"]] == "aspirant" else "partner"
    out.update({m["actor_id"]: "ally" for m in r.members(NATO, at=w)})
    return out


def world(r: Registry, at: str | None = None) -> dict:
    """States to colour on the map: NATO status, partnership frameworks and formats, keyed by world-atlas feature id."""
    w = window(at)
    status = nato_status(r, w)
    frameworks = _frameworks(r.partners(NATO, at=w), r)
    fmts = overview(r, w)["formats"]
    in_frameworks: dict[str, list[str]] = defaultdict(list)
    for f in frameworks:
        for p in f["partners"]:
            in_frameworks[p["actor_id"]].append(f["id"])
    in_formats: dict[str, list[str]] = defaultdict(list)
    for f in fmts:
        for a in f["members"]:
            in_formats[a].append(f["id"])
    states, unmapped = [], []
    for a in sorted(r.actors.values(), key=lambda a: a.name):
        if a.kind != "state" or not (a.id in status or a.id in in_formats):
            continue
        row = {"iso3": a.id, "feature": geo.feature_id(a.id), "name": a.name, "status": status.get(a.id, "other"),
               "frameworks": sorted(set(in_frameworks[a.id])), "formats": sorted(set(in_formats[a.id]))}
        (states if row["feature"] else unmapped).append(row)
    return {
        "at": w.label, "states": states, "unmapped": unmapped,
        "frameworks": [{"id": f["id"], "name": f["name"], "n": len({p["actor_id"] for p in f["partners"]})}
                       for f in frameworks],
        "formats": [{"id": f["id"], "name": f["name"], "n": f["n_members"]} for f in sorted(fmts, key=lambda f: f["name"])],
    }


def audit(r: Registry, at: str | None = None) -> dict:
    """The back-door audit at ``at``: non-members holding a defence pledge from an ally outside NATO."""
    from ..findings.lead import audit_lead

    rows = coverage.backdoor_audit(r, at)
    return {"at": _at(at), "rows": rows, "summary": audit_lead(r, rows, at), "n_actors": len({x["actor_id"] for x in rows}),
            "n_binding": sum(x["binding"] for x in rows), "source_index": source_index(r, rows)}


def format_ranking(r: Registry, at: str | None = None) -> dict:
    """Every flexible or minilateral format ranked by its reach across the member/partner line."""
    return {"at": _at(at), "rows": formats.impact_all(r, at)}


def format_detail(r: Registry, ident: str, at: str | None = None) -> dict:
    """The impact of one format (see :func:`secnet.analytics.formats.format_impact`)."""
    from ..findings.lead import impact_lead

    data = formats.format_impact(r, ident, at)
    data["summary"] = impact_lead(r, data, at)
    data["names"] = {a: r.actors[a].name for a in {*data["members"], *data["allies_left_out"]}}
    return data


def search(r: Registry, q: str) -> dict:
    """Actors, arrangements and sources matching ``q`` (none for an empty query: the blank search form)."""
    return {"q": q, "hits": r.search(q) if q.strip() else []}


# --- design tools: the forms' query strings in, the tools' results out ---------------------------


def _flag(query: Mapping[str, str], name: str, submitted: bool, default: bool) -> bool:
    """A checkbox: an unticked box is absent from a submitted form, so absence means False only then."""
    return query.get(name) in ("1", "true", "on") if submitted else default


def _int(text: str, what: str) -> int | None:
    try:
        return int(text) if text.strip() else None
    except ValueError:
        raise InvalidInput(f"{what}: '{text}' is not a whole number") from None


def ids(text: str) -> list[str]:
    """Actor ids typed into a form field, separated by commas or spaces."""
    return [x for x in text.replace(",", " ").split() if x]


def prioritise(r: Registry, at: str | None, query: Mapping[str, str]) -> dict:
    """Partner prioritisation for an aim (and its SMAA-2 sensitivity when ``sensitivity`` is ticked).

    Query: ``aim``, ``method``, ``sensitivity``, and ``w.<criterion>`` weights.
    """
    weights = {k[2:]: v for k, v in query.items() if k.startswith("w.") and v.strip()}
    sensitivity = _flag(query, "sensitivity", "aim" in query, False)
    common = {"aim_name": query.get("aim") or "general", "method": query.get("method") or "weighted_sum",
              "weights": weights or None}
    from ..findings.lead import prioritise_lead

    result = (prio.acceptability(r, at, draws=2000, **common) if sensitivity else prio.prioritise(r, at, **common))
    return {**result, "summary": prioritise_lead(result, smaa=sensitivity), "sensitivity": sensitivity, "methods": list(prio.METHODS),
            "aims": [{"name": a.name, "description": a.description} for a in prio.AIMS.values()]}


def grouping(r: Registry, at: str | None, query) -> dict:
    """The grouping designer's form and, once a need is given, its optimal group.

    Query: repeated ``cap`` and ``n`` (capability and minimum providers), the ticks
    ``partners``, ``organisations``, ``prefer_allies``, ``framework_nation``, and
    ``max_size``, ``include``, ``exclude``.
    """
    caps, counts = query.getlist("cap"), query.getlist("n")
    need = {c: k.strip() or "1" for c, k in zip(caps, counts) if c}
    submitted = bool(caps)
    form = {"at": at or "", "need": need, "max_size": query.get("max_size", ""),
            "include": query.get("include", ""), "exclude": query.get("exclude", "")}
    for name, default in (("partners", True), ("organisations", True), ("prefer_allies", True), ("framework_nation", False)):
        form[name] = _flag(query, name, submitted, default)
    from ..findings.lead import group_lead

    result, infeasible = None, []
    if need:
        try:
            result = groupings.design_group(
                r, need, at, allow_partners=form["partners"], allow_organisations=form["organisations"],
                prefer_allies=form["prefer_allies"], framework_nation=form["framework_nation"],
                max_size=_int(form["max_size"], "largest group"), must_include=ids(form["include"]),
                exclude=ids(form["exclude"]))
            result["summary"] = group_lead(r, result)
        except groupings.Infeasible as e:  # an answer, not an error: the form stays to adjust the need
            infeasible = e.reasons
    return {"form": form, "result": result, "infeasible": infeasible, "capabilities": list(vocab.CAPABILITIES)}
