"""The web application: JSON API under ``/api/v1``, Swagger UI at ``/docs``, the dashboard pages.

``create_app(db)`` opens the store (loading the shipped dataset on first use),
keeps a :class:`~secnet.api.deps.LiveRegistry` that follows every edit, and
turns every :class:`~secnet.errors.SecnetError` into a JSON body with the
error's status: ``{"detail": one line, "problems": [...], "suggestions": [...]}``.
Malformed parameters and bodies get the same shape with 422. ``serve()`` runs
it under uvicorn.
"""

from __future__ import annotations

import gc
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from .. import __version__, store
from ..errors import InvalidData, SecnetError, UnknownId
from ..registry import Registry
from . import headers, limits, read, write
from .deps import LiveRegistry
from .sessions import Sessions

DESCRIPTION = """\
Who takes part in which security arrangement around NATO, in what role, when, and on whose word.

**Reads are open.** Dates (`at`, `from`, `to`) are `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; a year or month means
the whole period. Unknown ids are 404 with suggestions; bad parameters are 422.

**Writes need a bearer token** (`secnet token create NAME --role editor|admin`): editors create and change
records and delete participations; admins also delete sources, actors and arrangements. Every write is
validated like the YAML dataset (422 lists every problem), logged (`GET /api/v1/edits`) and versioned:
send the record's `ETag` as `If-Match` with PATCH and DELETE (428 without it, 412 if it is stale).
"""


def create_app(db: str | None = None, *, registry_loader: Callable[[], Registry] | None = None,
               max_body: int | str | None = None) -> FastAPI:
    """The application over the database ``db`` (a URL or SQLite path; default as for the CLI).

    ``registry_loader`` builds the registry instead of reading it from the
    store (e.g. ``lambda: Registry.from_yaml(path)``); it is called again
    whenever the database's ``data_version`` changes. ``max_body`` is the
    request-body limit (:func:`secnet.api.limits.max_body`: default 1 MiB).
    """
    engine = store.connect(db)
    live = LiveRegistry(engine, registry_loader)
    if registry_loader is None:
        live.seed(Registry.open(db), store.data_version(engine))  # first use loads the shipped dataset
    app = FastAPI(title="secnet", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.engine, app.state.live, app.state.sessions = engine, live, Sessions(engine)
    app.add_middleware(limits.BodyLimit, limit=limits.max_body(max_body))
    app.add_middleware(headers.HeadAsGet)
    app.add_middleware(headers.SecurityHeaders)  # added last, so outermost: the 413 above gets the headers too

    app.add_exception_handler(SecnetError, _secnet_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    app.add_exception_handler(DataError, _database_value)
    app.add_exception_handler(IntegrityError, _database_refused)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(Exception, headers.server_error)
    app.include_router(read.router, prefix="/api/v1")
    app.include_router(write.router, prefix="/api/v1")
    _docs(app)

    from ..web.pages import router as web_router
    from ..web.signin import router as signin_router

    app.include_router(web_router)
    app.include_router(signin_router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent.parent / "web" / "static", check_dir=False), name="static")
    return app


def _secnet_error(request: Request, e: SecnetError) -> JSONResponse:
    body: dict = {"detail": e.message}
    if isinstance(e, InvalidData) or hasattr(e, "reasons"):  # a refused write, or an infeasible grouping
        body["problems"] = getattr(e, "problems", None) or e.reasons
    if isinstance(e, UnknownId):
        body["suggestions"] = e.suggestions
    return JSONResponse(body, status_code=e.status, headers=getattr(e, "headers", None))


def _bad_request(request: Request, e: RequestValidationError) -> JSONResponse:
    problems = []
    for err in e.errors():
        where = ".".join(str(p) for p in err["loc"])
        problems.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    return JSONResponse({"detail": problems[0] if len(problems) == 1 else f"{len(problems)} problems; first: {problems[0]}",
                         "problems": problems}, status_code=422)


def _first_line(e: DBAPIError) -> str:
    return str(e.orig).strip().splitlines()[0] if e.orig else type(e).__name__


def _database_value(request: Request, e: DataError) -> JSONResponse:
    # A value the database cannot hold, e.g. a NUL character on PostgreSQL: bad input, not a server fault.
    return JSONResponse({"detail": f"the database cannot hold a value given: {_first_line(e)}"}, status_code=422)


def _database_refused(request: Request, e: IntegrityError) -> JSONResponse:
    # The rules check runs first, so this is a race the rules cannot see (e.g. two creates of one id).
    return JSONResponse({"detail": f"the database refused the change: {_first_line(e)}"}, status_code=409)


def _database_error(request: Request, e: OperationalError) -> JSONResponse:
    return JSONResponse({"detail": f"database unavailable: {_first_line(e)}"}, status_code=503)


def _docs(app: FastAPI) -> None:
    """Swagger UI from the ``swagger-ui-bundle-v2`` package's files: no CDN, the server may be offline.

    FastAPI's own page starts Swagger UI with an inline script, which the
    Content-Security-Policy refuses; this page loads the same start-up code
    from ``/static/swagger-init.js`` instead (see :mod:`secnet.api.headers`).
    """
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>secnet API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


def check_port(host: str, port: int) -> None:
    """Refuse, in one line, a port that is taken or a host that cannot be listened on."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a TIME_WAIT port is free
            s.bind((host, port))
    except OSError as e:
        reason = "already in use" if e.errno == 98 else (e.strerror or str(e))
        raise SecnetError(f"cannot listen on {host}:{port}: {reason}") from None
    except OverflowError:
        raise SecnetError(f"--port {port}: not a port (0-65535)") from None


def serve(db: str | None = None, *, host: str = "127.0.0.1", port: int = 8000, access_log: bool = True,
          max_body: int | str | None = None) -> None:
    """Run the application under uvicorn until interrupted."""
    import uvicorn

    check_port(host, port)
    app = create_app(db, max_body=max_body)
    from ..web.assets import missing

    if gone := missing():
        print(f"secnet: warning: {len(gone)} of the dashboard's browser assets are missing (e.g. {gone[0]}): run "
              "`make web-assets` (scripts/web-assets.sh) in the source tree; the API works without them", file=sys.stderr)
    # Each write builds a new snapshot: tens of thousands of new objects, which with Python's default thresholds
    # set off a collection every few writes, and a full one over the whole heap every few seconds (50-120 ms
    # during which no request is answered; benchmarks/server_writes.py). What is loaded by now (modules, the
    # app, the first snapshot, whose records later snapshots share) lives as long as the server: freeze it out
    # of the collections; and collect young objects in larger, rarer batches. Old snapshots are freed by
    # reference counting as before (memory stays flat over hundreds of writes).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    uvicorn.run(app, host=host, port=port, access_log=access_log, log_level="info")
