"""Signing in and out of the dashboard: ``GET``/``POST /login``, ``POST /logout``.

The token is posted once from a plain form (a page that shows no data, so no
injected markup can be on it) and exchanged for an HttpOnly session cookie
(:mod:`secnet.api.sessions`); after that the pages' scripts write through the
API with the cookie and never see a token. Both posts must come from this
server's own pages (their ``Origin``), and ``next`` is a path on this site
only, so neither can be used to send a visitor elsewhere.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from ..api import sessions
from ..api.auth import Unauthorized, authenticate, hash_token
from .pages import PageRoute, render, site_path

router = APIRouter(route_class=PageRoute, include_in_schema=False)


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _page(request: Request, next_path: str, message: str | None = None, status: int = 200) -> Response:
    who = sessions.signed_in(request)
    return render(request, "login.html", {"next": next_path, "signed_in_as": who[0] if who else None,
                                          "message": message}, status)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002 - the parameter's name in the URL
    return _page(request, site_path(next) or "/")


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    next_path = site_path(form.get("next")) or "/"
    if not sessions.same_origin(request):
        return _page(request, next_path, "Sign in from this server's own page.", 403)
    engine = request.app.state.engine
    try:
        who = authenticate(engine, form.get("token", "").strip(), "signing in")
    except Unauthorized as e:
        return _page(request, next_path, f"Not signed in: {e.message}.", 401)
    response = RedirectResponse(next_path, status_code=303)
    store = request.app.state.sessions
    store.set_cookie(response, request, store.value_for(who.name, hash_token(form["token"].strip())))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await _form(request)
    if not sessions.same_origin(request):
        return _page(request, "/", "Sign out from this server's own page.", 403)
    request.app.state.sessions.end(request.cookies.get(sessions.COOKIE))
    response = RedirectResponse(site_path(form.get("next")) or "/", status_code=303)
    sessions.Sessions.clear_cookie(response, request)
    return response
