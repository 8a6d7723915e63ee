"""One record for an actor or an arrangement, as ``secnet show``, ``/api/v1/actors/{id}`` and the pages give it."""

from __future__ import annotations

from .errors import UnknownActor, UnknownArrangement, UnknownId
from .model.dates import FuzzyDate
from .registry import Registry, window


def _obligation_text(o, founded: FuzzyDate) -> str:
    """One obligation in a line: ``collective_defence (binding) member->member between AUS, NZL Art. IV from 1986-08-11``.

    The start is left out when it is the arrangement's founding date (it says nothing new).
    """
    starts_later = o.start is not None and str(o.start) != str(founded)
    return (f"{o.type} ({'binding' if o.binding else 'political'}) {o.from_role}->{o.to_role}"
            + (f" between {', '.join(o.parties)}" if o.parties else "") + (f" {o.article}" if o.article else "")
            + (f" from {o.start}" if starts_later else "") + (f" until {o.end}" if o.end else ""))


def describe(r: Registry, ident: str, at: object = None) -> dict:
    """One record for an actor or an arrangement (both, for an organisation that is both)."""
    out: dict = {}
    try:
        arr = r.arrangement(ident)
        out.update({
            "id": arr.id, "name": arr.name, "type": "arrangement", "kind": arr.kind, "relation": arr.relation,
            "parent": arr.parent, "founded": str(arr.founded), "ended": None if arr.ended is None else str(arr.ended),
            "aliases": arr.aliases, "issue_areas": arr.issue_areas, "regions": arr.regions,
            "obligations": [_obligation_text(o, arr.founded) for o in arr.obligations],
            "members_now": len({m["actor_id"] for m in r.members(arr.id, at=at)}),
            "children": r.descendants(arr.id), "sources": arr.sources + arr.founded_sources, "note": arr.note,
        })
    except UnknownArrangement:
        pass
    try:
        actor = r.actor(ident)
    except UnknownActor:
        if not out:
            raise UnknownId(ident, [*r.arrangements, *r.actors]) from None
        return out
    w = window(at)
    spell = actor.cow_at(w.lo)
    record = {
        "id": actor.id, "name": actor.name, "type": "actor", "kind": actor.kind, "iso3": actor.iso3,
        "cow_code": spell.code if spell else None, "cow_abb": spell.abb if spell else None,
        "aliases": actor.aliases, "regions": actor.regions,
        "arrangements_now": sorted({x["arrangement_id"] for x in r.arrangements_of(actor.id, at=at)}),
        "sources": actor.sources, "note": actor.note,
    }
    if out:
        out.update({f"actor_{k}": v for k, v in record.items() if k not in ("id", "name")})
        out["type"] = "arrangement+actor"
        return out
    return record
