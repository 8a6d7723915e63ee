"""Guarantee coverage: who holds which pledge from whom, and the "back door" audit.

A **pledge** is a directed tie ``giver -> receiver`` created by an obligation of
an arrangement in force at a date: every participant in the obligation's
``from_role`` pledges to every *other* participant in its ``to_role``
(a role matches its own name or its category, so ``member`` covers lead
nations and founding members). Participants include a framework's inherited
parent members (see :meth:`secnet.registry.Registry.participants`).

An obligation that lists ``parties`` pledges only between those actors.
A pledge is in force at a date when both participations and the obligation are:
its ``since`` is the latest of the three starts.

The **back-door audit** lists every actor that is *not* a NATO member at a
date but holds a defence pledge (collective defence or mutual assistance,
binding or political) from at least one NATO member through an arrangement
other than NATO itself: the places where Article 5-like protection reaches
past the member/partner line (cf. the Clingendael Spectator 2022 experts'
warning against a "back door" to NATO guarantees).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import InvalidInput
from ..model import vocab
from ..model.dates import NotAfter, parse_start
from ..registry import Registry, window

if TYPE_CHECKING:  # imported in pledges(): the audit and the graph need no pandas
    import pandas as pd

NATO = "nato"
PLEDGE_COLUMNS = ["giver", "receiver", "arrangement_id", "type", "binding", "article", "since", "sources"]


def role_matches(role: str, wanted: str) -> bool:
    """Whether ``role`` is the obligation's ``wanted`` role or belongs to that role category."""
    return role == wanted or vocab.ROLES.get(role) == wanted


def obligations_in_force(arr, w, types: set[str] | None = None) -> list:
    """``arr``'s pledging obligations (not mere cooperation, of ``types`` if given) in force in window ``w``."""
    return [o for o in arr.obligations
            if (types is None or o.type in types) and o.type != "cooperation"
            and (o.start is None or o.start.first < w.stop) and (o.end is None or o.end.last > w.first)]


@lru_cache(maxsize=None)
def _first_day(text: str) -> int:
    """The day a start is ordered by: its first day, or for "by X" (``[..X]``) the end of X, where it is known."""
    d = parse_start(text)
    return (d.last if isinstance(d, NotAfter) else d.first).toordinal()


def _later(a: str, b: str | None) -> str:
    if b is None:
        return a
    return a if _first_day(a) >= _first_day(b) else b


def pledge_rows(r: Registry, at: object = None, types: set[str] | None = None, *,
                givers: set[str] | None = None, not_to: set[str] | None = None,
                skip: frozenset[str] = frozenset()) -> list[tuple]:
    """:func:`pledges` as plain tuples in :data:`PLEDGE_COLUMNS` order (the fast path for analytics).

    Narrowing before the pairs are formed: only pledges from ``givers``, only
    to receivers outside ``not_to``, and none through the arrangements in ``skip``.
    """
    w = window(at)
    rows, seen = [], set()
    for arr in r.arrangements.values():
        if arr.id in skip:
            continue
        obs = obligations_in_force(arr, w, types)
        if not obs or not (arr.founded.first < w.stop and (arr.ended is None or arr.ended.last > w.first)):
            continue
        people = r.participants(arr.id, at=w)
        for o in obs:
            between = set(o.parties) or None
            from_ = [p for p in people if role_matches(p["role"], o.from_role)
                     and (givers is None or p["actor_id"] in givers) and (between is None or p["actor_id"] in between)]
            receivers = [p for p in people if role_matches(p["role"], o.to_role)
                         and (not_to is None or p["actor_id"] not in not_to) and (between is None or p["actor_id"] in between)]
            ob_start = None if o.start is None else str(o.start)
            for g in from_:
                for q in receivers:
                    key = (g["actor_id"], q["actor_id"], arr.id, o.type, o.binding)
                    if g["actor_id"] == q["actor_id"] or key in seen:
                        continue
                    seen.add(key)
                    since = _later(_later(g["start"], q["start"]), ob_start)
                    rows.append((*key[:4], o.binding, o.article, since,
                                 sorted(set(o.sources) | set(g["sources"]) | set(q["sources"]))))
    return rows


def pledges(r: Registry, at: object = None, types: set[str] | None = None) -> pd.DataFrame:
    """Every pledge in force at ``at``: one row per giver, receiver, arrangement, type and bindingness."""
    import pandas as pd

    return pd.DataFrame(pledge_rows(r, at, types), columns=PLEDGE_COLUMNS)


def _grouped(rows: list[tuple], key) -> dict[tuple, list[tuple]]:
    groups: dict[tuple, list[tuple]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return dict(sorted(groups.items()))


def guarantee_coverage(r: Registry, actor: str, at: object = None) -> list[dict]:
    """Every pledge ``actor`` receives at ``at``: type, binding or political, from whom, through what, since when."""
    aid = r.actor_id(actor)
    rows = [x for x in pledge_rows(r, at) if x[1] == aid]
    out = []
    for (arr, typ, binding), g in _grouped(rows, lambda x: (x[2], x[3], x[4])).items():
        givers = sorted({x[0] for x in g})
        out.append({"receiver": aid, "arrangement_id": arr, "arrangement_name": r.arrangements[arr].name, "type": typ,
                    "binding": bool(binding), "givers": givers, "n_givers": len(givers),
                    "since": min((x[6] for x in g), key=_first_day), "article": g[0][5],
                    "sources": sorted({s for x in g for s in x[7]})})
    return out


def require_nato(r: Registry, at: object = None):
    """The query window, refusing dates before NATO existed (the audit has nothing to say then)."""
    w = window(at)
    if NATO not in r.arrangements:
        raise InvalidInput("the registry has no 'nato' arrangement")
    founded = r.arrangements[NATO].founded
    if w.stop <= founded.first:
        raise InvalidInput(f"{w.label} is before NATO existed (the North Atlantic Treaty entered into force {founded})")
    return w


def backdoor_audit(r: Registry, at: object = None) -> list[dict]:
    """Non-members of NATO holding a defence pledge from an ally through another arrangement, at ``at``.

    One row per receiver and arrangement: the allies that pledge, the pledge
    type, whether it is binding, and since when.
    """
    w = require_nato(r, at)
    allies = {m["actor_id"] for m in r.members(NATO, at=w)}
    rows = pledge_rows(r, w, types=set(vocab.DEFENCE_OBLIGATIONS), givers=allies, not_to=allies, skip=frozenset({NATO}))
    out = []
    for (receiver, arr, typ, binding), g in _grouped(rows, lambda x: (x[1], x[2], x[3], x[4])).items():
        actor = r.actors.get(receiver)
        givers = sorted({x[0] for x in g})
        out.append({"actor_id": receiver, "name": actor.name if actor else receiver, "kind": actor.kind if actor else None,
                    "arrangement_id": arr, "arrangement_name": r.arrangements[arr].name, "type": typ,
                    "binding": bool(binding), "allies": givers, "n_allies": len(givers),
                    "since": min((x[6] for x in g), key=_first_day), "sources": sorted({s for x in g for s in x[7]})})
    return out


def year_dates(from_year: int, to_year: int) -> list[tuple[int, dt.date]]:
    """The reference day of each year: 31 December, or today for the current year."""
    today = dt.date.today()
    return [(y, min(dt.date(y, 12, 31), today)) for y in range(from_year, to_year + 1) if dt.date(y, 1, 1) <= today]


def audit_by_year(r: Registry, from_year: int, to_year: int) -> list[dict]:
    """The audit per year (state on 31 December): who is covered, through what, and what changed."""
    for option, year in (("--from", from_year), ("--to", to_year)):
        if not 1000 <= year <= 9999:
            raise InvalidInput(f"{option} {year}: give a four-digit year")
    if from_year > to_year:
        raise InvalidInput(f"--from {from_year} is after --to {to_year}")
    require_nato(r, f"{to_year}")
    first = max(from_year, r.arrangements[NATO].founded.year)
    out, previous = [], set()
    for year, day in year_dates(first, to_year):
        rows = backdoor_audit(r, day)
        covered = {x["actor_id"] for x in rows}
        via = {}
        for x in rows:
            via.setdefault(x["actor_id"], []).append(x["arrangement_id"])
        out.append({"year": year, "date": day.isoformat(), "n_covered": len(covered), "covered": sorted(covered),
                    "added": sorted(covered - previous), "removed": sorted(previous - covered),
                    "via": {k: sorted(set(v)) for k, v in sorted(via.items())}})
        previous = covered
    return out
