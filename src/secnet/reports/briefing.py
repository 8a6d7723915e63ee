"""The briefing: a self-contained HTML report (and PDF) answering the brief's questions at a date.

Pages 1-2 are the five findings (:mod:`secnet.findings`): for each question its
answer, one chart and its key figures. The appendices hold the tables behind
them: members; partners by framework; the formats around NATO and their impact;
the back-door audit (at the date and year by year); the network picture and its
measures; the membership timeline; the method and caveats of each finding; and
every source behind the facts shown. Charts are embedded as PNG data URIs, so
the HTML file stands alone.
"""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from ..analytics import coverage, formats, graph, timeline
from ..findings.cache import cached_findings
from ..model.entities import http_url
from ..userfiles import check_directory, writing
from ..registry import Registry, window
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
    found = cached_findings(r, w)
    for f in found:
        for fact in f["facts"]:
            arr = fact.split(":", 1)[0]
            if arr in r.arrangements:
                used_sources.update(r.arrangements[arr].sources)
    sources = sorted((r.sources[s] for s in used_sources if s in r.sources), key=lambda s: (s.publisher, s.title))
    return {"at": w.label, "findings": found, "overview": ov, "frameworks": frameworks, "audit": audit, "audit_by_year": by_year,
            "ranking": ranking, "metrics": metrics[:20], "graph": g, "counts": counts, "sources": sources}


def render_html(r: Registry, at: object = None) -> tuple[str, dict]:
    """The briefing as one HTML string, and the data behind it."""
    d = briefing_data(r, at)
    g = d["graph"]
    allies = {m["actor_id"] for m in d["overview"]["members"]}
    partners = {p["actor_id"] for p in d["overview"]["partners"]}
    # Rings: allies inside, partners around them, others outside; each ring ordered by region so neighbours sit together.
    linked = [n for n in g.nodes if g.degree(n)]
    def ring(ids):
        return sorted(ids, key=lambda a: ((r.actors[a].regions or ["~"])[0], a))
    groups = {n: "member" if n in allies else "partner" if n in partners else "other" for n in linked}
    pos = charts.shell_positions([ring([n for n in linked if groups[n] == k]) for k in ("member", "partner", "other")])
    strength = dict(g.degree(weight="weight"))
    top = max(strength.values(), default=1.0) or 1.0
    nodes = [{"id": n, "x": pos[n][0], "y": pos[n][1], "size": 10 * strength[n] / top, "group": groups[n]} for n in linked]
    # Ties across the member/non-member line and among non-members, the stronger half of them: the ties among
    # allies (every ally is tied to every other) would hide the picture under ink.
    cross = [(a, b, e["weight"]) for a, b, e in g.edges(data=True) if not (a in allies and b in allies)]
    cut = sorted(w for _, _, w in cross)[len(cross) // 2] if cross else 0
    edges = [x for x in cross if x[2] >= cut]
    images = {
        "network": _data_uri(charts.network_png(nodes, edges, f"Partnership network at {d['at']}: allies inside, partners around them, others outside;\n"
                                                              "the stronger half of the ties that reach past the alliance")),
        "timeline": _data_uri(charts.lines_png(
            {"NATO members": ([c["year"] for c in d["counts"]], [c["members"] for c in d["counts"]]),
             "NATO partners (all frameworks)": ([c["year"] for c in d["counts"]], [c["partners"] for c in d["counts"]])},
            "NATO members and partners, 31 December each year", "actors")),
        "findings": {f["question"]: _data_uri(charts.bars_png(f["chart"])) for f in d["findings"] if f["chart"]["bars"]},
        "audit": _data_uri(charts.lines_png(
            {"non-members with an allied defence pledge": ([x["year"] for x in d["audit_by_year"]], [x["n_covered"] for x in d["audit_by_year"]])},
            "Back-door audit, year by year", "actors")),
    }
    env = Environment(loader=PackageLoader("secnet", "reports/templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["http_url"] = http_url
    html = env.get_template("briefing.html.j2").render(d=d, images=images, actors=r.actors, arrangements=r.arrangements)
    return html, d


def write_briefing(r: Registry, at: object, out_dir: str | Path, *, pdf: bool = False) -> list[Path]:
    """Write ``briefing-<date>.html`` (and ``.pdf``) into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    window(at)  # a malformed date is refused before the directory is made
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
