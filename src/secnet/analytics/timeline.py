"""Timelines: events and yearly membership counts of an arrangement.

Counts are taken on 31 December of each year (today for the current year), the
same reference day as the year-by-year audit, and count distinct actors in a
member-type role (``members``) and in a partner-type role (``partners``).
Of these, ``members_uncertain``/``partners_uncertain`` are possibly but not
certainly in that role on the day: a start known only as "not later than"
(``[..2014]``) or dated to a period that contains the day.
"""

from __future__ import annotations

import datetime as dt

from ..registry import Registry
from .coverage import year_dates


def membership_counts(r: Registry, arrangement: str, from_year: int | None = None, to_year: int | None = None) -> list[dict]:
    """Members and partners of ``arrangement`` per year, from its founding year to now (or the end)."""
    aid = r.arrangement_id(arrangement)
    arr = r.arrangements[aid]
    first = from_year or arr.founded.year
    last = to_year or (arr.ended.year if arr.ended else dt.date.today().year)
    out = []
    for year, day in year_dates(first, last):
        m_rows, p_rows = r.members(aid, at=day), r.partners(aid, at=day)
        members, partners = {m["actor_id"] for m in m_rows}, {p["actor_id"] for p in p_rows}
        sure_m, sure_p = {m["actor_id"] for m in m_rows if m["certain"]}, {p["actor_id"] for p in p_rows if p["certain"]}
        out.append({"year": year, "date": day.isoformat(), "members": len(members), "partners": len(partners),
                    "members_uncertain": len(members - sure_m), "partners_uncertain": len(partners - sure_p)})
    return out


def timeline(r: Registry, arrangement: str) -> dict:
    """Events (founding, joins, exits, role changes, ending) and yearly counts."""
    return {"arrangement_id": r.arrangement_id(arrangement), "events": r.history(arrangement),
            "counts": membership_counts(r, arrangement)}
