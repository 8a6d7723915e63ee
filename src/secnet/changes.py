"""What changed: an arrangement's history (founding, joins, exits, role changes, ending) and the diff
between two dates, over a :class:`~secnet.registry.Registry` (its ``history`` and ``diff`` methods)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .model.dates import FuzzyDate, NotAfter
from .registry import Registry, diff_windows


def history(reg: Registry, arrangement: str) -> list[dict]:
    """Founding, joins, exits, role changes and ending of ``arrangement``, in date order.

    An exit and an entry of the same actor on the same date become one
    ``changed`` event (e.g. Finland: applicant -> member on 2023-04-04).
    """
    aid = reg.arrangement_id(arrangement)
    arr = reg.arrangements[aid]
    events: list[dict] = [_event(arr.founded, "founded", None, None, arr.sources + arr.founded_sources, arr.name)]
    idx = reg.prepared.by_arr.get(aid, np.empty(0, dtype=np.int64)).tolist()
    starts = {(reg.prepared.parts[i].actor, str(reg.prepared.parts[i].start)): i for i in idx}
    merged_starts: set[int] = set()
    for i in idx:
        p = reg.prepared.parts[i]
        name = reg.prepared.static[i]["name"]
        if p.end is not None and not (arr.ended is not None and p.end == arr.ended):
            j = starts.get((p.actor, str(p.end)))
            if j is not None and j not in merged_starts:
                q = reg.prepared.parts[j]
                merged_starts.add(j)
                ev = _event(p.end, "changed", p.actor, q.role, list(dict.fromkeys(p.sources + q.sources)), name)
                ev["from_role"] = p.role
                events.append(ev)
            else:
                events.append(_event(p.end, "left", p.actor, p.role, p.sources, name))
    for i in idx:
        if i in merged_starts:
            continue
        p = reg.prepared.parts[i]
        events.append(_event(p.start, "joined", p.actor, p.role, p.sources, reg.prepared.static[i]["name"]))
    if arr.ended is not None:
        events.append(_event(arr.ended, "ended", None, None, arr.sources, arr.name))
    order = {"founded": 0, "left": 1, "changed": 2, "joined": 3, "ended": 4}
    events.sort(key=lambda e: (e["_first"], order[e["event"]], e["name"] or ""))
    for e in events:
        del e["_first"]
    return events

def diff(reg: Registry, arrangement: str | None, from_: object, to: object) -> list[dict]:
    """What changed between two dates: joins, exits and role changes, per arrangement.

    ``certain`` is false where an imprecise date leaves the state at either date
    open: a member "by 2014" (``[..2014]``) possibly held at 2010 and surely at
    2015 is reported as ``joined`` with ``certain: false``, never silently left out.
    """
    w0, w1 = diff_windows(from_, to)
    arrs = [reg.arrangement_id(arrangement)] if arrangement else sorted(reg.arrangements)
    out = []
    for aid in arrs:
        idx = reg.prepared.by_arr.get(aid, np.empty(0, dtype=np.int64))
        before: dict[str, set[str]] = defaultdict(set)
        after: dict[str, set[str]] = defaultdict(set)
        sure_before: dict[str, set[str]] = defaultdict(set)
        sure_after: dict[str, set[str]] = defaultdict(set)
        names: dict[str, str] = {}
        for rows, roles, sure in ((reg.rows_at(idx, w0), before, sure_before), (reg.rows_at(idx, w1), after, sure_after)):
            for r in rows:
                roles[r["actor_id"]].add(r["role"])
                if r["certain"]:
                    sure[r["actor_id"]].add(r["role"])
                names[r["actor_id"]] = r["name"]
        for actor in sorted(set(before) | set(after), key=lambda a: names[a]):
            b, a = before.get(actor, set()), after.get(actor, set())
            sb, sa = sure_before.get(actor, set()), sure_after.get(actor, set())
            if b == a and sb == sa:
                continue
            if b == a:  # the same roles possibly held at both dates, but only one of them for sure
                b, a = sb, sa
            change = "joined" if not b else "left" if not a else "role_changed"
            out.append({
                "arrangement_id": aid, "actor_id": actor, "name": names[actor], "change": change,
                "from_roles": sorted(b), "to_roles": sorted(a),
                # certain: the state at both dates is known, not left open by an imprecise or "[..X]" date
                "certain": before.get(actor, set()) == sb and after.get(actor, set()) == sa,
            })
    return out


def _event(date: FuzzyDate | NotAfter, event: str, actor: str | None, role: str | None, sources: list[str], name: str) -> dict:
    """One history event. A "not later than" date (``[..2014]``, precision ``not_after``)
    is placed at its upper bound, where it is known to have happened: "by 2014"."""
    return {"date": str(date), "precision": date.precision, "label": date.label,
            "_first": date.last if isinstance(date, NotAfter) else date.first, "event": event, "actor_id": actor,
            "name": name, "role": role, "from_role": None, "sources": list(sources)}
