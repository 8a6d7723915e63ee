"""The state of NATO's partnerships at a date: the main job's summary.

Members with their accession dates, partners grouped by framework, and the
flexible and minilateral formats around the alliance with their members.
"""

from __future__ import annotations

from ..partnership import partners_with_status
from ..registry import Registry, window

NATO = "nato"
#: Where the overview looks for partners: NATO's frameworks and bilateral bodies. Centres of
#: Excellence' contributing participants and NATO's own applicants are partners too, but not
#: partnership frameworks; `secnet partners nato` lists them all.
FRAMEWORK_KINDS = frozenset({"partnership_framework", "consultative_body"})


def overview(r: Registry, at: object = None) -> dict:
    """Plain data for the overview at ``at`` (default today)."""
    w = window(at)
    members = [
        {"actor_id": m["actor_id"], "name": m["name"], "member_since": m["start"], "sources": m["sources"]}
        for m in r.members(NATO, at=w)
    ]
    # As NATO counts its partners (and as the stocktaking finding does): suspended ones included, flagged.
    partners = [
        {"framework": p["arrangement_id"], "framework_name": r.arrangements[p["arrangement_id"]].name,
         "actor_id": p["actor_id"], "name": p["name"], "kind": p["kind"], "role": p["role"], "since": p["start"],
         "status": p["status"]}
        for p in partners_with_status(r, NATO, at=w)
        if r.arrangements[p["arrangement_id"]].kind in FRAMEWORK_KINDS
    ]
    snap = r.as_of(w)
    by_arr: dict[str, list[dict]] = {}
    for row in snap.rows:
        by_arr.setdefault(row["arrangement_id"], []).append(row)
    formats = []
    for arr in sorted(snap.arrangements, key=lambda a: (a.relation, a.name)):
        if arr.relation not in ("flexible", "minilateral"):
            continue
        rows = [x for x in by_arr.get(arr.id, []) if x["category"] == "member"]
        formats.append({
            "id": arr.id, "name": arr.name, "relation": arr.relation, "kind": arr.kind, "founded": str(arr.founded),
            "members": sorted({x["actor_id"] for x in rows}), "n_members": len({x["actor_id"] for x in rows}),
            "pledges": sorted({o.type for o in arr.obligations if o.type != "cooperation"}) or ["none"],
        })
    return {"at": w.label, "members": members, "partners": partners, "formats": formats,
            "counts": {"members": len(members), "partner_actors": len({p["actor_id"] for p in partners}),
                       "partner_states": len({p["actor_id"] for p in partners if p["kind"] == "state"}),
                       "partner_states_suspended": len({p["actor_id"] for p in partners
                                                        if p["kind"] == "state" and p["status"] == "suspended"}),
                       "formats": len(formats)}}


def sections(data: dict) -> list[dict]:
    """The overview as titled tables, for terminal output."""
    c = data["counts"]
    return [
        {"title": f"NATO members at {data['at']}: {c['members']}", "rows": data["members"],
         "columns": ["actor_id", "name", "member_since"]},
        {"title": f"NATO partners by framework at {data['at']}: {c['partner_actors']} actors ({c['partner_states']} states, "
                  f"{c['partner_states_suspended']} of them suspended)",
         "rows": data["partners"], "columns": ["framework", "actor_id", "name", "role", "status", "since"]},
        {"title": f"Flexible and minilateral formats at {data['at']}: {c['formats']}", "rows": data["formats"],
         "columns": ["id", "name", "relation", "founded", "n_members", "members", "pledges"]},
    ]
