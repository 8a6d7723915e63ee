"""Partners as NATO counts them, and why a query came back empty.

:func:`partners_with_status`: NATO lists a state whose cooperation it has
suspended (Russia after April 2014, Belarus, Afghanistan after August 2021)
among its partners, so ``secnet partners nato`` shows it too, flagged
``status: suspended`` with the date and sources of the suspension (the
participation in role ``suspended``); ``active=True`` drops it.

:func:`participants_left_out` and :func:`why_empty`: an empty or filtered
result says why in one line and what to try (issue 13, item 4).
"""

from __future__ import annotations

from .model import vocab
from .registry import Registry, window


def suspended_rows(r: Registry, arrangement: str, at: object = None) -> list[dict]:
    """Every participation in role category ``suspended`` in ``arrangement`` or its child frameworks at ``at``."""
    aid = r.arrangement_id(arrangement)
    w = window(at)
    return [row for fid in [aid, *r.descendants(aid)] for row in r.participants(fid, at=w) if row["category"] == "suspended"]


def suspensions(r: Registry, arrangement: str, at: object = None) -> dict[str, dict]:
    """``actor -> its earliest suspended participation`` in ``arrangement`` or its child frameworks at ``at``."""
    out: dict[str, dict] = {}
    for row in sorted(suspended_rows(r, arrangement, at), key=lambda x: x["start"]):
        out.setdefault(row["actor_id"], row)
    return out


def partners_with_status(r: Registry, arrangement: str, at: object = None, *, active: bool = False) -> list[dict]:
    """:meth:`Registry.partners` plus the partners whose cooperation is suspended, each row with a ``status``.

    ``status`` is ``active`` or ``suspended``: an actor with a participation
    in role ``suspended`` in the arrangement or a child framework at ``at`` is
    suspended on every row, which carries ``suspended_since`` and
    ``suspended_sources`` (its earliest suspension in effect). Each
    suspension row also stands for the partner in its framework where the
    registry holds no partner row there (NATO counts a suspended PfP partner
    among the PfP's). ``active=True`` leaves the suspended partners out.
    """
    w = window(at)
    susp = suspensions(r, arrangement, w)
    rows = [dict(x) for x in r.partners(arrangement, at=w)]
    seen = {(x["arrangement_id"], x["actor_id"]) for x in rows}
    members = {m["actor_id"] for m in r.members(arrangement, at=w)}
    for s in suspended_rows(r, arrangement, w):
        if (s["arrangement_id"], s["actor_id"]) not in seen and s["actor_id"] not in members:
            seen.add((s["arrangement_id"], s["actor_id"]))
            rows.append(dict(s))
    out = []
    for row in rows:
        s = susp.get(row["actor_id"])
        row["status"] = "suspended" if s else "active"
        row["suspended_since"] = s["start"] if s else None
        row["suspended_sources"] = list(s["sources"]) if s else []
        if not (active and s):
            out.append(row)
    out.sort(key=lambda x: (x["arrangement_id"], x["name"], x["start"]))
    return out


def participants_left_out(r: Registry, arrangement: str, at: object = None) -> list[dict]:
    """Participants at ``at`` that :meth:`Registry.members` (member-type roles) leaves out, with their role."""
    aid = r.arrangement_id(arrangement)
    return [x for x in r.participants(aid, at=at) if x["category"] != "member" and not x.get("inherited_from")]


def left_out_line(r: Registry, arrangement: str, at: object = None) -> str | None:
    """One line saying how many participants ``members`` left out, in which roles, and how to see them."""
    rest = participants_left_out(r, arrangement, at)
    if not rest:
        return None
    roles = sorted({x["role"] for x in rest})
    aid = r.arrangement_id(arrangement)
    return (f"left out {len(rest)} participant(s) of {aid} at {window(at).label} in role(s) {', '.join(roles)} "
            f"(members lists member-type roles only): see them with --role {roles[0]}"
            + (f" or `secnet partners {aid}`" if any(vocab.ROLES[x] in vocab.PARTNER_CATEGORIES for x in roles) else ""))

def why_empty(r: Registry, what: str, ident: str | None = None, at: object = None, **extra) -> str:
    """One line: why a ``what`` query (members, partners, arrangements, history, diff, search...) found nothing."""
    label = window(at).label if at is not None or what in ("members", "partners", "arrangements") else None
    if what in ("members", "partners") and ident is not None:
        aid = r.arrangement_id(ident)
        arr = r.arrangements[aid]
        if label is not None and arr.founded.first >= window(at).stop:
            return f"{aid} was founded {arr.founded}, after {label}: try --at {arr.founded} or later"
        if arr.ended is not None and label is not None and arr.ended.last <= window(at).first:
            return f"{aid} ended {arr.ended}, before {label}: try an earlier --at"
        if what == "members":
            roles = sorted({x["role"] for x in r.participants(aid, at=at)})
            if roles:
                return f"{aid} has no participant in a member-type role at {label}; its participants hold {', '.join(roles)}"
            return f"{aid} has no participant recorded at {label}: see `secnet history {aid}` for its dates"
        return (f"{aid} has no partner at {label} (partners are roles partner, associate, contributing_participant, "
                f"aspirant, applicant, in {aid} or its child frameworks): try `secnet members {aid}` or `secnet history {aid}`")
    if what == "arrangements" and ident is not None:
        return f"{r.actor_id(ident)} takes part in nothing recorded at {label}: try another --at or `secnet show {r.actor_id(ident)}`"
    if what == "history":
        return f"{ident}: no founding, join or exit is recorded"
    if what == "diff":
        return (f"nothing changed in {ident or 'any arrangement'} between {extra.get('from_')} and {extra.get('to')}: "
                "try dates further apart")
    if what == "search":
        return f"nothing matches '{ident}' in actor, arrangement or source ids, names, aliases or titles: try fewer letters"
    if what == "audit":
        return (f"no non-member holds a defence pledge from an ally at {label or window(at).label} through another "
                "arrangement: try a later --at (e.g. 2022-06-01) or `secnet audit --from 1949` for every year")
    if what == "coverage" and ident is not None:
        return (f"{r.actor_id(ident)} receives no pledge recorded at {label or window(at).label}: try another --at "
                f"or `secnet arrangements {r.actor_id(ident)}`")
    if what == "alternatives":
        return "no other group covers the need within the limits given: loosen --max-size, --exclude or the allowed kinds"
    return f"{what}: no result" + (f" for {ident}" if ident else "") + (f" at {label}" if label else "")


def members_view(r: Registry, arrangement: str, at: object = None, role: str | None = None) -> tuple[list[dict], str | None]:
    """What ``secnet members`` shows, and one line for stderr (or None).

    With ``role``: exactly that role. Without: the member-type roles; if the
    arrangement has none at ``at`` but has other participants (a framework
    such as the ICI, whose participants are partners), those, with their role;
    otherwise a line saying how many participants in other roles were left
    out and how to see them. An empty result says why.
    """
    rows = r.members(arrangement, at=at, role=role)
    if role is not None:
        return rows, None if rows else f"no participant of {r.arrangement_id(arrangement)} holds role {role} at {window(at).label}"
    if rows:
        return rows, left_out_line(r, arrangement, at)
    rest = participants_left_out(r, arrangement, at)
    if rest:
        aid = r.arrangement_id(arrangement)
        return rest, (f"{aid} has no participant in a member-type role at {window(at).label}; "
                      f"its {len(rest)} participant(s) are listed with their role")
    return rows, why_empty(r, "members", arrangement, at)
