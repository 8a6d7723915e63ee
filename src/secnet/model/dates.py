"""Dates that carry their precision, and the windows queries are asked over.

A fact's date is written ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; the form is the
precision. ``FuzzyDate("2014")`` is some day in 2014: its ``first`` day is
2014-01-01 and its ``last`` day 2014-12-31. Nothing here pretends that a year means
1 January.

Intervals are half-open ``[start, end)``. With imprecise ends a participation is

- *possibly* in effect on day D when ``start.first <= D < end.last``, and
- *certainly* in effect on day D when ``start.last <= D < end.first``,

where an open end is +infinity. For a precise (day) date both bounds coincide and
the two definitions agree with the plain half-open interval.

A participation's start (or end) may also be a *terminus ante quem*,
:class:`NotAfter`, written ``"[..2014]"`` or ``"[2007-06..2014]"``: on or before
the end of 2014, and not before the lower bound (by default the arrangement's
founding). Its ``first`` is the lower bound and its ``last`` the end of the upper
bound, so the same two definitions hold: inside the window the participation
is possible (listed, ``certain: false``), after it certain, before it absent.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only: "２０２３" is no date here

#: Ordinal used for "no end": later than any real day.
OPEN_END = dt.date.max.toordinal() + 1


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A calendar date known to day, month or year precision."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> FuzzyDate:
        """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (str, int or date).

        Raises ``ValueError`` with a message fit for a user on anything else,
        including impossible dates such as ``2023-02-30``.
        """
        if isinstance(value, FuzzyDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"not a date: {value!r} (write YYYY, YYYY-MM or YYYY-MM-DD)")
        text = value.strip()
        m = _PATTERN.fullmatch(text)
        if not m and text.startswith("["):
            raise ValueError(f"'{value}': a 'not later than' date is only for a participation's start or end")
        if not m:
            raise ValueError(f"not a date: '{value}' (write YYYY, YYYY-MM or YYYY-MM-DD)")
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        if year < 1:
            raise ValueError(f"impossible date '{value}': year must be 0001 or later")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"impossible date '{value}': month {month} does not exist")
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"impossible date '{value}': {year}-{month:02d} has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def first(self) -> dt.date:
        """The earliest day this date can be."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> dt.date:
        """The latest day this date can be."""
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        return str(self)

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __repr__(self) -> str:
        return f"FuzzyDate('{self}')"


#: ``[..UPPER]`` or ``[LOWER..UPPER]``: ISO 8601-2 / EDTF "one of a set", the form of a terminus ante quem.
_SET_PATTERN = re.compile(r"\[([0-9-]*)\.\.([0-9-]*)\]")

#: Precision of a :class:`NotAfter` date, next to ``day``, ``month`` and ``year``.
NOT_AFTER = "not_after"


@dataclass(frozen=True, slots=True)
class NotAfter:
    """A date known only to be on or before ``upper`` (and, where known, not before ``lower``).

    Written ``"[..2014]"`` (some day not later than 2014-12-31) or
    ``"[2007-06..2014]"`` (not before June 2007, not later than 2014): the EDTF
    "one of a set" form, a *terminus ante quem*. "Member by 2014" is this, not
    "joined in 2014" (which is ``FuzzyDate("2014")``, some day inside 2014).

    With no ``lower`` the earliest possible day is ``floor``: for a participation
    the founding of its arrangement (set by :func:`with_floor`; it is context, not
    part of the written value, so it takes no part in equality). Without either,
    ``first`` is the first representable day: nothing is known.
    """

    upper: FuzzyDate
    lower: FuzzyDate | None = None
    floor: dt.date | None = field(default=None, compare=False)

    @classmethod
    def parse(cls, text: str) -> NotAfter:
        m = _SET_PATTERN.fullmatch(text.strip())
        if not m:
            raise ValueError(f"not a date: '{text}' (write \"[..YYYY]\" or \"[YYYY-MM..YYYY]\" for 'not later than')")
        low, up = m.group(1), m.group(2)
        if not up:
            raise ValueError(f"'{text}': a 'not later than' date needs its upper bound, e.g. \"[..2014]\"")
        upper = FuzzyDate.parse(up)
        lower = FuzzyDate.parse(low) if low else None
        if lower is not None and lower.first > upper.last:
            raise ValueError(f"'{text}': the lower bound {lower} is after the upper bound {upper}")
        return cls(upper, lower)

    @property
    def precision(self) -> str:
        return NOT_AFTER

    @property
    def first(self) -> dt.date:
        """The earliest day this date can be: the lower bound, never before ``floor``."""
        if self.lower is not None:
            return max(self.lower.first, self.floor) if self.floor is not None else self.lower.first
        return self.floor if self.floor is not None else dt.date.min

    @property
    def last(self) -> dt.date:
        """The latest day this date can be: the end of the upper bound."""
        return self.upper.last

    @property
    def year(self) -> int:
        """The year of the upper bound (the year the date is known by)."""
        return self.upper.year

    def with_floor(self, floor: dt.date) -> NotAfter:
        return NotAfter(self.upper, self.lower, floor)

    @property
    def label(self) -> str:
        """In words: ``by 2014`` or ``by 2014 (not before 2007-06)``."""
        return f"by {self.upper}" + (f" (not before {self.lower})" if self.lower is not None else "")

    def __str__(self) -> str:
        return f"[{'' if self.lower is None else self.lower}..{self.upper}]"

    def __repr__(self) -> str:
        return f"NotAfter('{self}')"


def parse_start(value: object) -> FuzzyDate | NotAfter:
    """A participation's start or end: a :class:`FuzzyDate` or a ``"[..YYYY]"`` :class:`NotAfter`.

    A YAML list (``start: [..2014]`` without quotes) is refused with the fix.
    """
    if isinstance(value, (FuzzyDate, NotAfter)):
        return value
    if isinstance(value, list):
        inner = ", ".join(str(v) for v in value)
        raise ValueError(f"a list, not a date: [{inner}] (quote it: \"[{inner}]\"; unquoted, YAML reads [..] as a list)")
    if isinstance(value, str) and value.strip().startswith("["):
        return NotAfter.parse(value)
    return FuzzyDate.parse(value)


def label(date: FuzzyDate | NotAfter | None) -> str | None:
    """A date for people: ``2014-04-24``, ``2014`` or ``by 2014``."""
    if date is None:
        return None
    return date.label if isinstance(date, NotAfter) else str(date)


def sort_key(text: str) -> str:
    """The ISO day a start written as ``text`` is ordered by: its first day, or for ``[..X]`` the end of X."""
    d = parse_start(text)
    return (d.last if isinstance(d, NotAfter) else d.first).isoformat()


def shown(text: str) -> str:
    """A date as text for people: ``"[..2014]"`` becomes ``by 2014``; anything else is left as it is."""
    if text.startswith("[") and _SET_PATTERN.fullmatch(text):
        try:
            return NotAfter.parse(text).label
        except ValueError:
            return text
    return text


def precision(date: FuzzyDate | NotAfter | None) -> str | None:
    """``day``, ``month``, ``year`` or ``not_after`` (None for no date)."""
    return None if date is None else date.precision


def with_floor(start: FuzzyDate | NotAfter, end: FuzzyDate | NotAfter | None, founded: FuzzyDate):
    """``(start, end)`` with the missing lower bounds filled from context.

    A ``[..X]`` start cannot be before the arrangement was founded; a ``[..X]``
    end cannot be before the participation's own start.
    """
    if isinstance(start, NotAfter):
        start = start.with_floor(founded.first)
    if isinstance(end, NotAfter):
        end = end.with_floor(start.first)
    return start, end


@dataclass(frozen=True, slots=True)
class Window:
    """A query window of whole days, half-open: ``[first, stop)``.

    A query "at 2023-04-04" is the one-day window; "at 2023" is the whole year,
    so a question asked with a year is answered for the year, not for 1 January.
    """

    first: dt.date
    stop: dt.date
    label: str

    @classmethod
    def at(cls, value: object = None) -> Window:
        """The window for a query date (default: today)."""
        if value is None:
            value = dt.date.today()
        fd = FuzzyDate.parse(value)
        if fd.last >= dt.date.max:
            raise ValueError(f"'{fd}' is past the last date a query can use (9999-12-30)")
        return cls(fd.first, fd.last + dt.timedelta(days=1), str(fd))

    @property
    def lo(self) -> int:
        return self.first.toordinal()

    @property
    def hi(self) -> int:
        return self.stop.toordinal()


def bounds(start: FuzzyDate | NotAfter, end: FuzzyDate | NotAfter | None) -> tuple[int, int, int, int]:
    """``(start_first, start_last, end_first, end_last)`` as day ordinals.

    An open end gives :data:`OPEN_END` for both end bounds. A ``[..X]`` end with
    no lower bound of its own can be as early as the start's first day.
    """
    if isinstance(end, NotAfter) and end.lower is None and end.floor is None:
        end = end.with_floor(start.first)
    if end is None:
        return start.first.toordinal(), start.last.toordinal(), OPEN_END, OPEN_END
    return (start.first.toordinal(), start.last.toordinal(), end.first.toordinal(), end.last.toordinal())


def ordinal_to_iso(n: int) -> str | None:
    return None if n >= OPEN_END else dt.date.fromordinal(n).isoformat()
