"""Signing in from the dashboard: a session cookie that no page script can read.

An editor signs in at ``/login`` with their token (the form posts it; no
script sees it afterwards). The server checks it as it checks a bearer token
and answers with the cookie ``secnet_session``:

- ``HttpOnly``: page scripts cannot read it, so a script that somehow ran in
  a page could not carry a token or session away; ``SameSite=Strict``: the
  browser never sends it with a request that another site starts;
  ``Secure`` when the server is reached over https; ``Path=/``; it lasts
  :data:`LIFETIME` seconds.
- Its value is ``NAME.EXPIRES.SIGNATURE``: an HMAC-SHA256, under the server's
  session key, of the token's name, the expiry time and the stored hash of the
  token. The token itself is not in it and nothing is stored: revoking the
  token (or creating a new one under the same name) ends its sessions at once.
- The session key is ``$SECNET_SESSION_KEY`` when set (so that several server
  processes, or a restarted one, accept each other's sessions), else random
  per server process: a restart then signs everyone out.

A write authenticated by the cookie (POST, PATCH, DELETE) must also carry the
header ``X-Secnet-CSRF`` (any value): another site's form cannot send a custom
header, and its scripts could only with a CORS preflight this server never
grants. Its ``Origin``, when the browser sends one, must name this server.
Clients with ``Authorization: Bearer`` need neither (browsers never add that
header by themselves). ``POST /logout`` removes the cookie and refuses its
value from then on in this process.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from urllib.parse import urlsplit

from fastapi import Request, Response
from sqlalchemy.engine import Engine

from ..store import rows

COOKIE = "secnet_session"
CSRF_HEADER = "X-Secnet-CSRF"
#: How long a session lasts, in seconds (8 hours: a working day).
LIFETIME = 8 * 3600
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def same_origin(request: Request) -> bool:
    """True unless the request's ``Origin`` (or, without one, ``Referer``) names another site than this server."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # not sent (e.g. a same-origin GET, or a client that is no browser)
    if origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


class Sessions:
    """Issues and checks session cookies for one server (see the module docstring)."""

    def __init__(self, engine: Engine, key: bytes | str | None = None):
        key = key if key is not None else os.environ.get("SECNET_SESSION_KEY")
        self.engine = engine
        self._key = (key.encode() if isinstance(key, str) else key) or secrets.token_bytes(32)
        self._ended: dict[str, float] = {}  # signature -> expiry, for sessions signed out before they expired
        self._lock = threading.Lock()

    def _sign(self, name: str, expires: int, token_hash: str) -> str:
        message = f"secnet-session|{name}|{expires}|{token_hash}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def value_for(self, name: str, token_hash: str, *, now: float | None = None) -> str:
        """The cookie value for the token ``name`` (whose stored hash is ``token_hash``)."""
        expires = int(now if now is not None else time.time()) + LIFETIME
        return f"{name}.{expires}.{self._sign(name, expires, token_hash)}"

    def principal(self, value: str | None, *, now: float | None = None) -> tuple[str, str] | None:
        """``(name, role)`` of a valid session cookie value; None when it is missing, forged, expired, signed
        out, or its token was revoked or replaced."""
        try:
            name, expires_text, signature = (value or "").rsplit(".", 2)
            expires = int(expires_text)
        except ValueError:
            return None
        if expires < (now if now is not None else time.time()) or signature in self._ended:
            return None
        found = rows.token_by_name(self.engine, name)
        if found is None or found["revoked_at"] is not None:
            return None
        if not hmac.compare_digest(signature, self._sign(name, expires, found["token_hash"])):
            return None
        return found["name"], found["role"]

    def end(self, value: str | None) -> None:
        """Refuse this cookie value from now on (signing out)."""
        parts = (value or "").rsplit(".", 2)
        if len(parts) != 3 or not parts[1].isdigit():
            return
        now = time.time()
        with self._lock:
            self._ended = {s: t for s, t in self._ended.items() if t >= now}  # forget the expired ones
            self._ended[parts[2]] = float(parts[1])

    def set_cookie(self, response: Response, request: Request, value: str) -> None:
        response.set_cookie(COOKIE, value, max_age=LIFETIME, path="/", httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")

    @staticmethod
    def clear_cookie(response: Response, request: Request) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")


def signed_in(request: Request) -> tuple[str, str] | None:
    """``(name, role)`` of the request's session, or None (no cookie, or one no longer valid)."""
    value = request.cookies.get(COOKIE)
    return request.app.state.sessions.principal(value) if value else None
