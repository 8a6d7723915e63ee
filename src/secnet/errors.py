"""One exception family for everything a user can get wrong.

The CLI turns a :class:`SecnetError` into one line on stderr and exit code 2;
the API turns it into a 4xx JSON body (``status`` says which). Anything else
that escapes is a bug in secnet, not bad input.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class SecnetError(Exception):
    """Base class: bad input or a request that cannot be met."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidData(SecnetError):
    """A dataset, scenario or edit breaks the data rules.

    ``problems`` holds every problem found, each already formatted as
    ``file:line: entry: rule``.
    """

    status = 422

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems) or ["invalid data"]
        n = len(self.problems)
        head = self.problems[0] if n == 1 else f"{n} problems; first: {self.problems[0]}"
        super().__init__(head)


class InvalidInput(SecnetError):
    """A parameter given by the user is malformed (a date, a weight, a path)."""

    status = 422


class UnknownId(SecnetError):
    """An id that is not in the registry; suggests the closest known ids."""

    status = 404
    what = "id"

    def __init__(self, ident: str, known: Iterable[str] = ()):
        self.ident = ident
        self.suggestions = suggest(ident, known)
        hint = f"; did you mean {' or '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {self.what} '{ident}'{hint}")


class UnknownActor(UnknownId):
    what = "actor"


class UnknownArrangement(UnknownId):
    what = "arrangement"


class UnknownSource(UnknownId):
    what = "source"


class Conflict(SecnetError):
    """A write that collides with another (stale version, duplicate id)."""

    status = 409


class UnsavedEdits(Conflict):
    """A load would replace a database that holds team edits not yet kept in YAML (``secnet dump``)."""


class StoreUnavailable(SecnetError):
    """The database cannot be reached or opened."""

    status = 503


def suggest(ident: str, known: Iterable[str], n: int = 2) -> list[str]:
    """The closest known ids to ``ident`` (case-insensitive), best first."""
    known = list(known)
    by_lower = {k.lower(): k for k in known}
    if ident.lower() in by_lower:
        return [by_lower[ident.lower()]]
    close = difflib.get_close_matches(ident.lower(), list(by_lower), n=n, cutoff=0.5)
    return [by_lower[c] for c in close]
