"""Request-size limit: a body over the limit is refused with **413** before it is read in full.

Every write the API takes is JSON well under a kilobyte or two, so the default
limit is 1 MiB (:data:`DEFAULT_MAX_BODY`); ``secnet serve --max-body SIZE`` or
``$SECNET_MAX_BODY`` change it (``SIZE`` is bytes, or a number with ``KB``,
``MB``, ``KiB`` or ``MiB``).

:class:`BodyLimit` is plain ASGI middleware, outside routing and
authentication, so a request without a token is refused exactly as one with
a token:

- a ``Content-Length`` over the limit gets 413 at once; nothing of the body is read;
- a body without one (``Transfer-Encoding: chunked``) is counted as it arrives
  and refused as soon as the count passes the limit, so at most one chunk
  past the limit is ever held in memory.

The answer has the API's error shape: ``{"detail": one line}``.
"""

from __future__ import annotations

import json
import os
import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import InvalidInput

#: The default request-body limit in bytes (1 MiB).
DEFAULT_MAX_BODY = 1024 * 1024
_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}
_SIZE = re.compile(r"\s*(\d+)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_size(text: str, where: str = "--max-body") -> int:
    """Bytes from ``"1048576"``, ``"1MiB"``, ``"512 KiB"`` or ``"2MB"`` (KB/MB are powers of 1000, KiB/MiB of 1024)."""
    m = _SIZE.fullmatch(str(text))
    if not m or m.group(2).lower() not in _UNITS:
        raise InvalidInput(f"{where}: '{text}' is not a size (bytes, or a number with KB, MB, KiB or MiB)")
    size = int(m.group(1)) * _UNITS[m.group(2).lower()]
    if size < 1:
        raise InvalidInput(f"{where}: '{text}': the limit must be at least one byte")
    return size


def max_body(given: int | str | None = None) -> int:
    """The limit to use: ``given`` (bytes or a size), else ``$SECNET_MAX_BODY``, else :data:`DEFAULT_MAX_BODY`."""
    if given is not None:
        return given if isinstance(given, int) and given > 0 else parse_size(str(given))
    env = os.environ.get("SECNET_MAX_BODY")
    return parse_size(env, "$SECNET_MAX_BODY") if env else DEFAULT_MAX_BODY


def _shown(size: int) -> str:
    for unit, n in (("MiB", 1024**2), ("KiB", 1024)):
        if size >= n and size % n == 0:
            return f"{size // n} {unit}"
    return f"{size} bytes"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a counted body passes the limit.

    An :class:`HTTPException`, so that a framework reading the body lets it
    through (FastAPI turns other errors in body parsing into a 400).
    """

    def __init__(self, limit: int):
        super().__init__(413, _message(limit))


def _message(limit: int) -> str:
    return f"request body too large: the limit is {_shown(limit)} (secnet serve --max-body)"


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": _message(limit)}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware refusing request bodies over ``limit`` bytes with 413 (see the module docstring)."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_MAX_BODY):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await _refuse(send, self.limit)
            return
        if declared is not None:  # the server never delivers more than the declared length
            await self.app(scope, receive, send)
            return

        counted = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal counted
            message = await receive()
            if message["type"] == "http.request":
                counted += len(message.get("body", b""))
                if counted > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, self.limit)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:  # the server refuses these before we see them
                return None
    return None
