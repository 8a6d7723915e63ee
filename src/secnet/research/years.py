"""Years and the names the research engine shares: ``years=`` arguments, data directories.

``parse_years`` reads every form a ``years=`` argument takes (a year, a
``(first, last)`` span, a list, or text as typed on a command line).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable

import numpy as np

from secnet.errors import InvalidInput

DataDir = str | os.PathLike[str] | None
Years = int | str | tuple[int, int] | range | Iterable[int] | None
#: First year of the secnet registry's coverage (NATO's founding).
SECNET_FIRST_YEAR = 1949


def last_complete_year() -> int:
    """The most recently concluded calendar year (peacesciencer's ``mry``)."""
    return _dt.date.today().year - 1


# ---------------------------------------------------------------------------
# years


def parse_years(years: Years) -> np.ndarray | None:
    """The years a ``years=`` argument names, sorted, or None for "all".

    Accepts ``None``, one year, a ``(first, last)`` tuple (both included), a
    ``range`` or any iterable of years, or text as typed on a command line:
    ``"1816-2018"``, ``"1990"``, ``"1946-1989,2001"``.
    """
    if years is None:
        return None
    if isinstance(years, bool):
        raise InvalidInput(f"years must be a year, a span or a list of years, not {years!r}")
    if isinstance(years, (int, np.integer)):
        out = np.array([int(years)])
    elif isinstance(years, str):
        out = _years_from_text(years)
    elif isinstance(years, tuple) and len(years) == 2 and all(isinstance(y, (int, np.integer)) for y in years):
        first, last = int(years[0]), int(years[1])
        if last < first:
            raise InvalidInput(f"years {first}-{last}: the last year is before the first")
        out = np.arange(first, last + 1)
    else:
        try:
            out = np.array(sorted({int(y) for y in years}), dtype=np.int64)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"years must be whole years, got {years!r}") from exc
    if out.size == 0:
        raise InvalidInput("years names no year")
    if out.min() < 1000 or out.max() > 9999:
        raise InvalidInput(f"years must be four-digit years, got {out.min()}..{out.max()}")
    out = np.sort(out.astype(np.int64))
    return out[np.concatenate([[True], out[1:] != out[:-1]])]  # np.unique would import numpy.ma (20 ms)


def _years_from_text(text: str) -> np.ndarray:
    parts: list[np.ndarray] = []
    for chunk in text.replace(" ", "").split(","):
        match = re.fullmatch(r"([0-9]{4})(?:(?:-|\.\.|:)([0-9]{4}))?", chunk)  # ASCII digits only
        if not match:
            raise InvalidInput(f"years '{text}': write a year (1990), a span (1816-2018) or a list (1946-1989,2001)")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise InvalidInput(f"years '{chunk}': the last year is before the first")
        parts.append(np.arange(first, last + 1))
    return np.concatenate(parts)
