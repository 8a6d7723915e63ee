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
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

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

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __repr__(self) -> str:
        return f"FuzzyDate('{self}')"


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


def bounds(start: FuzzyDate, end: FuzzyDate | None) -> tuple[int, int, int, int]:
    """``(start_first, start_last, end_first, end_last)`` as day ordinals.

    An open end gives :data:`OPEN_END` for both end bounds.
    """
    if end is None:
        return start.first.toordinal(), start.last.toordinal(), OPEN_END, OPEN_END
    return (start.first.toordinal(), start.last.toordinal(), end.first.toordinal(), end.last.toordinal())


def ordinal_to_iso(n: int) -> str | None:
    return None if n >= OPEN_END else dt.date.fromordinal(n).isoformat()
