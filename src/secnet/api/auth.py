"""Bearer tokens for writes: reads are open, writes need a token with the right role.

Roles (``secnet token create NAME --role editor|admin``):

- ``editor``: create and change sources, actors and arrangements; create, change
  and delete participations; read the edit log;
- ``admin``: everything an editor can, and delete sources, actors and
  arrangements (whole records others may rely on).

A token is shown once, when it is created; the database keeps only its
SHA-256 (a token is 256 random bits, so a slow password hash would add
nothing). Without a token, or with an unknown or revoked one, a write gets
401; with a token whose role is too low, 403.

In a browser, the dashboard's pages sign in instead (:mod:`secnet.api.sessions`):
the token is posted once to ``/login`` and the server keeps the browser signed
in with an HttpOnly cookie; a bearer token, when sent, takes precedence.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from ..errors import Conflict, InvalidInput, SecnetError, UnknownId
from ..store import rows
from . import sessions

#: Each role and the roles it includes.
ROLES = {"editor": {"editor"}, "admin": {"editor", "admin"}}
PREFIX = "secnet_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


class Unauthorized(SecnetError):
    """No token, or one that is unknown or revoked."""

    status = 401
    headers = {"WWW-Authenticate": 'Bearer realm="secnet"'}


class Forbidden(SecnetError):
    """A valid token whose role does not allow this write."""

    status = 403


class UnknownToken(UnknownId):
    what = "token"


@dataclass(frozen=True)
class Principal:
    """Who is writing: the token's name (recorded in the edit log) and role."""

    name: str
    role: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, name: str, role: str) -> str:
    """A new token for ``name``; the only time it is ever shown."""
    if role not in ROLES:
        raise InvalidInput(f"--role: '{role}' is not one of {', '.join(ROLES)}")
    if not _NAME.match(name):
        raise InvalidInput(f"token name '{name}': use letters, digits and . _ @ - (at most 100)")
    token = PREFIX + secrets.token_urlsafe(32)
    if not rows.add_token(engine, name, role, hash_token(token)):
        raise Conflict(f"token '{name}' exists; revoke it first (secnet token revoke {name})")
    return token


def revoke_token(engine: Engine, name: str) -> None:
    if not rows.revoke_token(engine, name):
        live = [t["name"] for t in rows.tokens(engine) if t["revoked_at"] is None]
        raise UnknownToken(name, live)


def list_tokens(engine: Engine) -> list[dict]:
    return rows.tokens(engine)


def authenticate(engine: Engine, token: str | None, what: str = "this write") -> Principal:
    """The holder of ``token``; 401 when there is none (``what`` names the request in the message) or it is
    unknown or revoked."""
    if not token:
        raise Unauthorized(f"{what} needs a token: send 'Authorization: Bearer <token>' (secnet token create NAME), "
                           "or sign in at /login in a browser")
    found = rows.token_by_hash(engine, hash_token(token))
    if found is None:
        raise Unauthorized("unknown token")
    if found["revoked_at"] is not None:
        raise Unauthorized(f"token '{found['name']}' was revoked on {found['revoked_at'][:10]}")
    return Principal(found["name"], found["role"])


bearer = HTTPBearer(auto_error=False, description="A token from `secnet token create NAME --role editor|admin`.")


def from_session(request: Request, what: str) -> Principal:
    """The principal of the request's session cookie (:mod:`secnet.api.sessions`), with the CSRF checks for a write."""
    value = request.cookies.get(sessions.COOKIE)
    if not value:
        authenticate(request.app.state.engine, None, what)  # raises: no token, no session
    found = request.app.state.sessions.principal(value)
    if found is None:
        raise Unauthorized("the session has ended (expired, signed out, or its token was revoked): sign in again at /login")
    if request.method not in sessions.SAFE_METHODS:
        if sessions.CSRF_HEADER.lower() not in request.headers:
            raise Forbidden(f"a write with the session cookie needs the header {sessions.CSRF_HEADER} (the pages send it); "
                            "API clients send 'Authorization: Bearer <token>'")
        if not sessions.same_origin(request):
            raise Forbidden("this write comes from another site's page: refused")
    return Principal(*found)


def require_role(role: str, what: str = "this write"):
    """A dependency: the caller's :class:`Principal` (bearer token, else session cookie), if it has ``role``.

    ``what`` names the request in the message for a caller without a token.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def check(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
        if credentials:
            who = authenticate(request.app.state.engine, credentials.credentials, what)
        else:
            who = from_session(request, what)
        if role not in ROLES[who.role]:
            raise Forbidden(f"token '{who.name}' is an {who.role}; this needs an {role} token")
        return who

    return check
