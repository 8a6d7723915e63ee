"""What every answer carries: security headers on pages, API, static files and errors; HEAD like GET.

:class:`SecurityHeaders` (plain ASGI middleware, the outermost of ours) adds to
every response, whatever produced it (a route, the static files, a 404, the
413 of :mod:`secnet.api.limits`):

- ``Content-Security-Policy`` (:data:`PAGE_CSP`): scripts only from this
  server's own files (``script-src 'self'``: no inline script, no inline event
  handler, no ``eval``), styles only from its style sheets, no plugins, no
  ``<base>``, no framing, forms only to this server. A name or note that
  somehow reached the page as markup still could not run: the browser refuses
  it and reports the refusal.
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` (older
  browsers' ``frame-ancestors``), ``Referrer-Policy: same-origin`` (links to
  sources leave no trail; the pages' own forms keep their ``Origin``, which the
  sign-in check reads: ``no-referrer`` would make it ``null``), and
  ``Cross-Origin-Opener-Policy: same-origin``.

Swagger UI at ``/docs`` gets :data:`DOCS_CSP`: the same, except that its style
sheet draws icons from ``data:`` images (an image cannot run script). Its
start-up script is a file of ours (``/static/swagger-init.js``), not the
inline script FastAPI's page would have.

A server error (500) is answered by :func:`server_error`, outside the
middleware stack, with the same headers.

:class:`HeadAsGet` answers ``HEAD`` on every ``GET`` route: the route runs as
for ``GET`` and the body is dropped, so the headers (``Content-Length``,
``ETag``, ``Content-Type``) are those of the ``GET``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
#: Swagger UI's style sheet draws its icons (arrows, the copy button) as ``data:`` SVG images; nothing else differs.
DOCS_CSP = PAGE_CSP.replace("img-src 'self';", "img-src 'self' data:;")
COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def headers_for(path: str) -> dict[str, str]:
    """The security headers for an answer to ``path``."""
    docs = path == "/docs" or path.startswith("/docs/")
    return {"content-security-policy": DOCS_CSP if docs else PAGE_CSP, **COMMON}


class SecurityHeaders:
    """ASGI middleware adding :func:`headers_for` to every response (a header the app set itself wins)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(k.encode(), v.encode()) for k, v in headers_for(scope.get("path", "")).items()]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", ())}
                message["headers"] = [*message.get("headers", ()), *((k, v) for k, v in extra if k not in have)]
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """ASGI middleware: ``HEAD`` runs the ``GET`` route and sends its status and headers without the body."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def server_error(request: Request, exc: Exception) -> JSONResponse:
    """A 500 with the API's error shape and the security headers (it is sent outside the middleware)."""
    return JSONResponse({"detail": "internal server error"}, status_code=500, headers=headers_for(request.url.path))
