"""Read endpoints under ``/api/v1``: the CLI's questions as JSON, open to everyone.

Each route is a few lines over the library (:mod:`secnet.registry`,
:mod:`secnet.analytics`, :mod:`secnet.design`); the answers are the same rows
the CLI prints with ``--format json``. Records that can be edited carry their
``version``, also sent as the ``ETag`` header for a later ``If-Match``.

Registry questions answer in a few milliseconds, so their routes are
``async def`` and run on the event loop (no thread hop); analytics that can take
tens or hundreds of milliseconds are plain ``def`` and run in the thread pool,
so they never hold up the quick ones. Answers are plain JSON data written
with ``json.dumps`` (:class:`JSONRoute`), not FastAPI's generic encoder, which
costs several times more on long lists of rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import io
import json
import tempfile
import zipfile
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.routing import APIRoute

from .. import edits
from ..analytics import coverage as cov
from ..analytics import formats, graph
from ..analytics import timeline as tl
from ..analytics.export import export as write_export
from ..describe import describe
from ..design import groupings
from ..design import prioritise as prio
from ..findings.cache import cached_findings
from ..registry import diff_windows
from ..seeds import SEED_MAX
from ..reports.overview import overview as build_overview
from .deps import At, Reg, Store
from .schemas import Error


class JSON(Response):
    """Plain data (dicts, lists, str, numbers, None) as JSON; numpy scalars and dates via ``str``."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_plain).encode()


def _plain(x):
    return x.item() if hasattr(x, "item") else str(x)


class JSONRoute(APIRoute):
    """A route whose endpoint's plain-data answer goes straight to :class:`JSON`.

    The endpoint's return annotation still documents the answer in OpenAPI.
    """

    def __init__(self, path: str, endpoint, **kw):
        if inspect.iscoroutinefunction(endpoint):
            @functools.wraps(endpoint)
            async def wrapped(*a, **k):
                return _respond(await endpoint(*a, **k))
        else:
            @functools.wraps(endpoint)
            def wrapped(*a, **k):
                return _respond(endpoint(*a, **k))
        super().__init__(path, wrapped, **kw)


def _respond(out):
    return out if isinstance(out, Response) else JSON(out)


router = APIRouter(route_class=JSONRoute, responses={404: {"model": Error, "description": "Unknown id (with suggestions)"},
                              422: {"model": Error, "description": "Bad parameter"}})

Year = Annotated[int | None, Query(ge=1, le=9998)]


def etag(version: int) -> str:
    return f'"{version}"'


def _record(body: dict, version: int) -> JSON:
    """An answer about one stored record, with its version as the ETag."""
    return JSON(body, headers={"ETag": etag(version)})


@router.get("/findings", tags=["findings"])
def findings(r: Reg, at: At = None,
             since: Annotated[str | None, Query(description="Count changes since this date (default: a year before at).")] = None) -> list[dict]:
    """The five questions answered at a date: stocktaking, prioritisation, groupings, cohesion, back door.

    Each finding: question, answer (plain sentences with the numbers), figures, facts (ids that resolve
    at /actors, /arrangements or /sources?fact=), method, caveats, chart, links.
    """
    return cached_findings(r, at, since)


@router.get("/overview", tags=["registry"])
def overview(r: Reg, at: At = None) -> dict:
    """NATO's members, partners by framework and the flexible and minilateral formats at a date."""
    return build_overview(r, at)


@router.get("/actors", tags=["registry"])
async def actors(r: Reg) -> list[dict]:
    """Every actor: id, name, kind."""
    return [{"id": a.id, "name": a.name, "kind": a.kind} for a in r.actors.values()]


@router.get("/actors/{ident}", tags=["registry"])
async def actor(ident: str, r: Reg, engine: Store, at: At = None) -> dict:
    """An actor (by id, name or alias), its arrangements at a date, and its stored record (``version``)."""
    record = edits.get(engine, "actor", r.actor_id(ident))
    return _record({**describe(r, record["id"], at), "version": record["version"], "record": record}, record["version"])


@router.get("/actors/{ident}/arrangements", tags=["registry"])
async def arrangements_of(ident: str, r: Reg, at: At = None) -> list[dict]:
    """Every participation of an actor in effect at a date, with the arrangement's name and kind."""
    return r.arrangements_of(ident, at=at)


@router.get("/arrangements", tags=["registry"])
async def arrangements(r: Reg) -> list[dict]:
    """Every arrangement: id, name, kind, relation to NATO, founded, ended."""
    return [{"id": a.id, "name": a.name, "kind": a.kind, "relation": a.relation, "founded": str(a.founded),
             "ended": None if a.ended is None else str(a.ended)} for a in r.arrangements.values()]


@router.get("/arrangements/{ident}", tags=["registry"])
async def arrangement(ident: str, r: Reg, engine: Store, at: At = None) -> dict:
    """An arrangement (by id, name or alias) and its stored record with obligations (``version``)."""
    record = edits.get(engine, "arrangement", r.arrangement_id(ident))
    return _record({**describe(r, record["id"], at), "version": record["version"], "record": record}, record["version"])


@router.get("/arrangements/{ident}/members", tags=["registry"])
async def members(ident: str, r: Reg, at: At = None, role: str | None = None) -> list[dict]:
    """Actors in a member-type role (or exactly ``role``) at a date; for a framework of partners (the ICI), its
    participants with their role. Why a result is empty or filtered is in the ``X-Secnet-Note`` header."""
    from ..partnership import members_view

    rows, note = members_view(r, ident, at=at, role=role or None)
    return JSON(rows, headers={"X-Secnet-Note": note}) if note else rows


@router.get("/arrangements/{ident}/partners", tags=["registry"])
async def partners(ident: str, r: Reg, at: At = None, active: bool = False) -> list[dict]:
    """Partners of an arrangement and its child frameworks at a date: one row per actor and framework, with
    ``status`` (active or suspended, with ``suspended_since`` and ``suspended_sources``); ``active`` drops the suspended."""
    from ..partnership import partners_with_status

    return partners_with_status(r, ident, at=at, active=active)


@router.get("/arrangements/{ident}/history", tags=["registry"])
async def history(ident: str, r: Reg) -> list[dict]:
    """Founding, joins, exits, role changes and ending, in date order."""
    return r.history(ident)


@router.get("/arrangements/{ident}/participations", tags=["edits"])
async def participations(ident: str, r: Reg, engine: Store) -> list[dict]:
    """Every stored participation of an arrangement, past and present, with the ``id`` and ``version`` edits need."""
    return edits.participations(engine, r.arrangement_id(ident))


@router.get("/diff", tags=["registry"])
def diff(r: Reg, from_: Annotated[str, Query(alias="from", description="Earlier date.")],
         to: Annotated[str, Query(description="Later date.")], arrangement: str | None = None) -> list[dict]:
    """Joins, exits and role changes between two dates, in one arrangement or all of them (``from`` not after ``to``)."""
    w0, w1 = diff_windows(from_, to, ("from", "to"))
    return r.diff(arrangement or None, w0, w1)


@router.get("/search", tags=["registry"])
async def search(r: Reg, q: str, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict]:
    """Actors, arrangements and sources whose id, name, alias or title contains ``q``, best first."""
    return r.search(q, limit=limit)


@router.get("/sources", tags=["registry"])
async def sources(r: Reg, fact: Annotated[str | None, Query(description="A source, actor, arrangement, or ARR:ACTOR participation.")] = None) -> list[dict]:
    """The sources behind a fact, or every source."""
    if fact:
        return r.sources_for(fact)
    return [{"source_id": s.id, "title": s.title, "publisher": s.publisher, "kind": s.kind, "url": s.url,
             "date": None if s.date is None else str(s.date)} for s in r.sources.values()]


@router.get("/sources/{ident}", tags=["registry"])
async def source(ident: str, engine: Store) -> dict:
    """A stored source record (``version``)."""
    record = edits.get(engine, "source", ident)
    return _record(record, record["version"])


@router.get("/participations/{pid}", tags=["edits"])
async def participation(pid: Annotated[str, Path(description="The id, or the key arrangement:actor:role:start.")],
                        engine: Store) -> dict:
    """A stored participation record (``version``)."""
    record = edits.get(engine, "participation", pid)
    return _record(record, record["version"])


@router.get("/audit", tags=["analytics"])
def audit(r: Reg, at: At = None, from_: Annotated[Year, Query(alias="from", description="First year of a year-by-year audit.")] = None,
          to: Annotated[Year, Query(description="Last year of a year-by-year audit.")] = None) -> list[dict]:
    """The back-door audit: non-members holding a defence pledge from an ally through another arrangement.

    With ``from``/``to`` (years): the audit on 31 December of each year and what changed.
    """
    if from_ is not None or to is not None:
        return cov.audit_by_year(r, from_ or 1949, to or dt.date.today().year)
    return cov.backdoor_audit(r, at)


@router.get("/coverage/{actor}", tags=["analytics"])
def coverage(actor: str, r: Reg, at: At = None) -> list[dict]:
    """Every pledge an actor receives at a date: type, binding or political, from whom, through what."""
    return cov.guarantee_coverage(r, actor, at=at)


@router.get("/impact", tags=["analytics"])
def impact_all(r: Reg, at: At = None) -> list[dict]:
    """Every flexible or minilateral format alive at a date, ranked by cross-line reach."""
    return formats.impact_all(r, at)


@router.get("/impact/{ident}", tags=["analytics"])
def impact(ident: str, r: Reg, at: At = None) -> dict:
    """What a format does to the alliance: who it leaves out, cross-line ties, overlaps, cohesion change.

    ``summary`` says it in plain words (secnet.findings.lead)."""
    from ..findings.lead import impact_lead

    out = formats.format_impact(r, ident, at)
    return {"summary": impact_lead(r, out, at), **out}


@router.get("/timeline/{ident}", tags=["analytics"])
def timeline(ident: str, r: Reg) -> dict:
    """Events and members and partners per year (31 December) of an arrangement."""
    return tl.timeline(r, ident)


@router.get("/network", tags=["analytics"])
def network(r: Reg, at: At = None, seed: Annotated[int, Query(ge=0, le=SEED_MAX)] = 0,
            actor_kind: Annotated[list[str] | None, Query()] = None,
            arrangement_kind: Annotated[list[str] | None, Query()] = None) -> dict:
    """Centrality of every actor in the partnership network at a date, and its communities (seeded)."""
    g = graph.actor_graph(r, at, actor_kinds=actor_kind, arrangement_kinds=arrangement_kind)
    groups = graph.communities(g, seed=seed)
    community = {a: i for i, c in enumerate(groups, 1) for a in c}
    rows = [{**x, "community": community.get(x["actor_id"])} for x in graph.metrics(g)]
    return {"at": r.as_of(at).at.label, "n_actors": g.number_of_nodes(), "n_ties": g.number_of_edges(),
            "communities": groups, "actors": rows}


EXPORT_TYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "json": "application/json",
                "graphml": "application/xml", "gexf": "application/xml", "zip": "application/zip"}


@router.get("/export", tags=["analytics"], response_class=Response,
            responses={200: {"content": {t: {} for t in EXPORT_TYPES.values()}, "description": "The file"}})
def export(r: Reg, at: At = None, format: Literal["csv", "parquet", "json", "graphml", "gexf"] = "json",  # noqa: A002
           table: Literal["actors", "arrangements", "participations", "edges"] | None = None,
           graph: Literal["actors", "bipartite"] = "actors") -> Response:
    """The system at a date as a file: csv or parquet (a zip of every table, or one ``table``), json, graphml, gexf."""
    with tempfile.TemporaryDirectory() as tmp:
        files = write_export(r, at, FilePath(tmp) / f"secnet.{format}", graph=graph)
        if table is not None and format in ("csv", "parquet"):
            files = [f for f in files if f.name == f"secnet.{table}.{format}"]
        if len(files) == 1:
            data, name, kind = files[0].read_bytes(), files[0].name, format
        else:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for f in files:
                    z.write(f, f.name)
            data, name, kind = buf.getvalue(), f"secnet-{format}.zip", "zip"
    return Response(data, media_type=EXPORT_TYPES[kind], headers={"Content-Disposition": f'attachment; filename="{name}"'})



# --- design tools (issue 7) -----------------------------------------------------------------------

Ids = Annotated[list[str] | None, Query(description="Actor ids (repeat the parameter or separate with commas).")]


def _ids(values: list[str] | None) -> list[str]:
    return [x.strip() for v in values or [] for x in v.split(",") if x.strip()]


@router.get("/prioritise", tags=["design"])
def prioritise(r: Reg, at: At = None, aim: str = "general",
               weights: Annotated[str | None, Query(description="e.g. region=3,capability=2; name=lo:hi bounds a share for smaa.")] = None,
               method: str = "weighted_sum", actors: Ids = None, threat: str | None = None, smaa: bool = False,
               draws: Annotated[int | None, Query(ge=100, le=20_000, description="smaa only (default 2000)")] = None,
               seed: Annotated[int | None, Query(ge=0, le=SEED_MAX, description="smaa only (default 0)")] = None,
               uncertainty: Annotated[float | None, Query(ge=0, le=1, description="smaa only (default 0)")] = None) -> dict:
    """Partners ranked for an aim (weighted sum or TOPSIS), or their rank acceptability over uncertain weights (``smaa``).

    SMAA rows: ``share_rank_1``... (share of weight draws giving that rank), ``expected_rank``,
    ``holistic_acceptability``, ``confidence``. ``draws``, ``seed`` and ``uncertainty`` without ``smaa``
    are ignored with a note in ``notes``. ``summary`` says the ranking in plain words.
    """
    from ..findings.lead import prioritise_lead

    kw = dict(aim_name=aim, actors=_ids(actors) or None, threat=threat or None, weights=weights or None, method=method)
    if smaa:
        out = prio.acceptability(r, at, draws=2000 if draws is None else draws, seed=0 if seed is None else seed,
                                 uncertainty=0.0 if uncertainty is None else uncertainty, **kw)
        return {"summary": prioritise_lead(out, smaa=True), **out}
    out = prio.prioritise(r, at, **kw)
    out = {"summary": prioritise_lead(out), **out}
    given = [n for n, v in (("draws", draws), ("seed", seed), ("uncertainty", uncertainty)) if v is not None]
    if given:
        out["notes"] = [*out["notes"], f"{', '.join(given)} apply only with smaa=true and were ignored"]
    return out


@router.get("/group", tags=["design"])
def group(r: Reg, need: Annotated[str, Query(description="Capabilities and minimum providers, e.g. cyber=3,maritime=2,space.")],
          at: At = None, include: Ids = None, exclude: Ids = None, max_size: Annotated[int | None, Query(ge=1, le=500)] = None,
          framework_nation: bool = False, partners: bool = True, organisations: bool = True, private: bool = False,
          others: bool = False, prefer_allies: bool = True, alternatives: Annotated[int, Query(ge=0, le=10)] = 3) -> dict:
    """The cheapest group of actors that covers an issue's capabilities (exact integer program), with alternatives.

    ``summary`` says the group in plain words."""
    from ..findings.lead import group_lead

    out = groupings.design_group(r, need, at, allow_partners=partners, allow_organisations=organisations, allow_private=private,
                                 allow_others=others, prefer_allies=prefer_allies, must_include=_ids(include),
                                 exclude=_ids(exclude), max_size=max_size, framework_nation=framework_nation,
                                 alternatives=alternatives)
    return {"summary": group_lead(r, out), **out}
