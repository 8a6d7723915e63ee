"""The briefing: a self-contained HTML report (and PDF) answering the brief's questions at a date.

Sections: NATO's members; partners by framework; the formats around NATO and
their impact; the back-door audit (at the date and year by year); the network
picture; the membership timeline; and every source behind the facts shown.
Charts are embedded as PNG data URIs, so the HTML file stands alone.
"""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from ..analytics import coverage, formats, graph, timeline
from ..userfiles import check_directory, writing
from ..registry import Registry
from . import charts
from .overview import overview


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def briefing_data(r: Registry, at: object = None) -> dict:
    """Everything the briefing shows, as plain data."""
    w = coverage.require_nato(r, at)
    ov = overview(r, at=w)
    audit = coverage.backdoor_audit(r, w)
    by_year = coverage.audit_by_year(r, max(1990, r.arrangements["nato"].founded.year), w.first.year)
    ranking = formats.impact_all(r, w)
    g = graph.actor_graph(r, w)
    metrics = graph.metrics(g)
    counts = timeline.membership_counts(r, "nato", to_year=w.first.year)

    frameworks: dict[str, list[dict]] = {}
    for p in ov["partners"]:
        frameworks.setdefault(p["framework_name"], []).append(p)

    used_sources: set[str] = set()
    for m in ov["members"]:
        used_sources.update(m["sources"])
    for a in audit:
        used_sources.update(a["sources"])
    for p in r.partners("nato", at=w):
        used_sources.update(p["sources"])
    for f in ov["formats"]:
        used_sources.update(r.arrangements[f["id"]].sources)
    sources = sorted((r.sources[s] for s in used_sources if s in r.sources), key=lambda s: (s.publisher, s.title))
    return {"at": w.label, "overview": ov, "frameworks": frameworks, "audit": audit, "audit_by_year": by_year,
            "ranking": ranking, "metrics": metrics[:20], "graph": g, "counts": counts, "sources": sources}


def render_html(r: Registry, at: object = None) -> tuple[str, dict]:
    """The briefing as one HTML string, and the data behind it."""
    d = briefing_data(r, at)
    g = d["graph"]
    allies = {m["actor_id"] for m in d["overview"]["members"]}
    partners = {p["actor_id"] for p in d["overview"]["partners"]}
    pos = graph.layout(g, seed=0)
    strength = dict(g.degree(weight="weight"))
    top = max(strength.values(), default=1.0) or 1.0
    nodes = [{"id": n, "x": pos[n][0], "y": pos[n][1], "size": 10 * strength[n] / top,
              "group": "member" if n in allies else "partner" if n in partners else "other"} for n in g.nodes if n in pos]
    # The stronger half of the ties: the full set hides the structure under ink.
    drawn = sorted(e["weight"] for a, b, e in g.edges(data=True) if a in pos and b in pos)
    cut = drawn[len(drawn) // 2] if drawn else 0
    edges = [(a, b, e["weight"]) for a, b, e in g.edges(data=True) if a in pos and b in pos and e["weight"] >= cut]
    images = {
        "network": _data_uri(charts.network_png(nodes, edges, f"Partnership network at {d['at']}: largest connected group, stronger half of ties")),
        "timeline": _data_uri(charts.lines_png(
            {"NATO members": ([c["year"] for c in d["counts"]], [c["members"] for c in d["counts"]]),
             "NATO partners (all frameworks)": ([c["year"] for c in d["counts"]], [c["partners"] for c in d["counts"]])},
            "NATO members and partners, 31 December each year", "actors")),
        "audit": _data_uri(charts.lines_png(
            {"non-members with an allied defence pledge": ([x["year"] for x in d["audit_by_year"]], [x["n_covered"] for x in d["audit_by_year"]])},
            "Back-door audit, year by year", "actors")),
    }
    env = Environment(loader=PackageLoader("secnet", "reports/templates"), autoescape=select_autoescape(["html", "j2"]))
    html = env.get_template("briefing.html.j2").render(d=d, images=images, actors=r.actors, arrangements=r.arrangements)
    return html, d


def write_briefing(r: Registry, at: object, out_dir: str | Path, *, pdf: bool = False) -> list[Path]:
    """Write ``briefing-<date>.html`` (and ``.pdf``) into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    check_directory(out, f"--out {out}", create=True)
    html, d = render_html(r, at)
    target = out / f"briefing-{d['at']}.html"
    targets = [target, target.with_suffix(".pdf")] if pdf else [target]
    with writing(targets, f"--out {out}") as temps:
        temps[0].write_text(html, encoding="utf-8")
        if pdf:
            from weasyprint import HTML

            HTML(string=html, base_url=str(out)).write_pdf(temps[1])
    return targets
