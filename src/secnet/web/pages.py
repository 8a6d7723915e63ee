"""The dashboard's pages: thin routes over :mod:`secnet.web.views` and the design tools.

Every page is HTML by default and JSON with ``?format=json`` (its JSON twin:
the same data the template renders). Bad input (an unknown id, a malformed
date) gives the error page with the error's status, or a JSON body for the twin.
Pages read through the API's dependencies (:mod:`secnet.api.deps`: the live
registry and the checked ``at``), so they see edits as soon as the API does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from ..api.deps import At, Reg
from ..api.sessions import signed_in
from ..errors import SecnetError
from ..model import vocab
from ..model.dates import shown
from ..model.entities import http_url
from . import views

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.policies["json.dumps_kwargs"] = {"default": str, "ensure_ascii": False}
templates.env.globals["vocab"] = vocab


def number(x: object) -> object:
    """A criterion value for a table: whole numbers as they are, others to a readable precision."""
    if not isinstance(x, float) or x.is_integer():
        return x
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}" if abs(x) >= 1 else f"{x:.3g}"


#: A path on this site: one slash, then no second slash or backslash (``//host`` and ``/\host`` leave the
#: site), and no control character or space (a browser drops tabs and newlines, which could make ``/\t/host``).
_SITE_PATH = re.compile(r"^/(?![/\\])[^\x00-\x20\x7f\\]*$")


def site_path(target: object) -> str | None:
    """``target`` when it is a path on this site (``/formats/aukus?at=2024``), else None: for links and
    redirects built from data or from the query string."""
    return target if isinstance(target, str) and _SITE_PATH.match(target) else None


templates.env.filters["number"] = number
templates.env.filters["site_path"] = site_path
templates.env.filters["http_url"] = http_url
templates.env.filters["when"] = lambda d: "" if d is None else shown(str(d))  # "[..2014]" reads "by 2014"


def _wants_json(request: Request) -> bool:
    return request.query_params.get("format") == "json"


def render(request: Request, template: str, data: dict, status: int = 200) -> Response:
    """The page as HTML, or its data as JSON for ``?format=json``."""
    if _wants_json(request):
        return JSONResponse(json.loads(json.dumps(data, default=str)), status_code=status)
    json_url = str(request.url.include_query_params(format="json"))
    who = signed_in(request)  # (name, role) of the session, for the header's sign-in or sign-out
    return templates.TemplateResponse(request, template, {"data": data, "json_url": json_url, "who": who},
                                      status_code=status)


class PageRoute(APIRoute):
    """A route whose :class:`SecnetError` becomes the error page (or a JSON body) with the error's status."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SecnetError as e:
                if _wants_json(request):
                    return JSONResponse({"detail": e.message}, status_code=e.status)
                return render(request, "error.html", {"status": e.status, "message": e.message}, e.status)

        return page


router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def home(request: Request, r: Reg, at: At):
    return render(request, "home.html", views.home(r, at))


@router.get("/actors/{ident}")
def actor(request: Request, ident: str, r: Reg, at: At):
    return render(request, "actor.html", views.actor(r, ident, at))


@router.get("/arrangements/{ident}")
def arrangement(request: Request, ident: str, r: Reg, at: At):
    return render(request, "arrangement.html", views.arrangement(r, ident, at))


@router.get("/network")
def network(request: Request, r: Reg, at: At, kind: Annotated[list[str] | None, Query()] = None,
            actor_kind: Annotated[list[str] | None, Query()] = None, seed: int = 0):
    return render(request, "network.html", views.network(r, at, kinds=kind, actor_kinds=actor_kind, seed=seed))


@router.get("/map")
def world_map(request: Request, r: Reg, at: At):
    return render(request, "map.html", views.world(r, at))


@router.get("/audit")
def audit(request: Request, r: Reg, at: At):
    return render(request, "audit.html", views.audit(r, at))


@router.get("/formats")
def format_ranking(request: Request, r: Reg, at: At):
    return render(request, "formats.html", views.format_ranking(r, at))


@router.get("/formats/{ident}")
def format_detail(request: Request, ident: str, r: Reg, at: At):
    return render(request, "format.html", views.format_detail(r, ident, at))


@router.get("/search")
def search(request: Request, r: Reg, q: str = ""):
    return render(request, "search.html", views.search(r, q))


@router.get("/prioritise")
def prioritise(request: Request, r: Reg, at: At):
    return render(request, "prioritise.html", views.prioritise(r, at, request.query_params))


@router.get("/groupings")
def grouping(request: Request, r: Reg, at: At):
    return render(request, "groupings.html", views.grouping(r, at, request.query_params))
