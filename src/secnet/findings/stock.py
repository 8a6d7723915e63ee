"""Stocktaking: what exists at a date, and what changed since an earlier one.

Counts NATO's members; its partner states per partnership framework (the four
NATO counts its partners by: Partnership for Peace, Mediterranean Dialogue,
Istanbul Cooperation Initiative, partners across the globe), with suspended
partners counted apart; the formats around the alliance by relation (*flexible*:
connected to NATO structures; *minilateral*: outside them; GMF 2021); and the
changes between ``since`` and ``at`` (:meth:`secnet.registry.Registry.diff`),
the largest first: accessions and exits of NATO itself, then arrangements
founded or ended, then partners joining or leaving a framework.
"""

from __future__ import annotations

from ..model.dates import FuzzyDate
from ..registry import Registry
from .text import CHART_LABEL, finding, capitalise, count, figure, join, short_name, the

NATO = "nato"
#: The frameworks NATO counts its partner states by (NATO, "Partnerships: projecting stability
#: through cooperation", topic page). EAPC repeats PfP; EOP and the Indo-Pacific four are
#: upgrades of partners already counted.
CORE_FRAMEWORKS = {"pfp": "PfP", "med-dialogue": "Mediterranean Dialogue", "ici": "ICI",
                   "partners-across-the-globe": "partners across the globe"}
FORMAT_RELATIONS = {"flexible": "connected to NATO structures", "minilateral": "outside them"}


def partner_states_by_framework(r: Registry, w) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """``framework -> active partner states`` and ``framework -> suspended partner states`` at ``w``."""
    active: dict[str, set[str]] = {}
    suspended: dict[str, set[str]] = {}
    allies = {m["actor_id"] for m in r.members(NATO, at=w)}
    for fid in CORE_FRAMEWORKS:
        if fid not in r.arrangements:
            continue
        rows = [p for p in r.participants(fid, at=w)
                if p["inherited_from"] is None and p["kind"] == "state" and p["actor_id"] not in allies]
        active[fid] = {p["actor_id"] for p in rows if p["category"] in ("partner", "aspirant")}
        suspended[fid] = {p["actor_id"] for p in rows if p["category"] == "suspended"} - active[fid]
    return active, suspended


def _event_date(r: Registry, arrangement: str, actor: str, since, w) -> str | None:
    """The date of ``actor``'s join, exit or role change in ``arrangement`` inside ``(since, at]``."""
    for e in reversed(r.history(arrangement)):
        if e["actor_id"] != actor:
            continue
        try:
            first = FuzzyDate.parse(str(e["date"])).first
        except ValueError:  # a "not later than" date: no single day to place it on
            continue
        if since.first < first < w.stop:
            return str(e["date"])
    return None


def _changes(r: Registry, since, w) -> tuple[list[str], list[str], dict]:
    """Sentences for the largest changes (most important first), the facts behind them, and the counts."""
    rows = r.diff(None, since, w)
    sentences: list[str] = []
    facts: list[str] = []
    nato_rows = [x for x in rows if x["arrangement_id"] == NATO]
    for x in nato_rows:
        when = _event_date(r, NATO, x["actor_id"], since, w)
        became = "joined NATO" if "member" in x["to_roles"] and "member" not in x["from_roles"] else \
            "left NATO" if "member" in x["from_roles"] and "member" not in x["to_roles"] else \
            f"moved in NATO from {join(x['from_roles']) or 'no role'} to {join(x['to_roles']) or 'no role'}"
        sentences.append(f"{the(x['name'])} {became}" + (f" on {when}" if when else ""))
        facts.append(f"{NATO}:{x['actor_id']}")
    # Formats first, then the rest; the larger first within each.
    founded = sorted((a for a in r.arrangements.values() if since.first < a.founded.first < w.stop),
                     key=lambda a: (a.relation not in FORMAT_RELATIONS, -len(r.participants(a.id, at=w)), a.name))
    ended = sorted((a for a in r.arrangements.values() if a.ended is not None and since.first < a.ended.first < w.stop),
                   key=lambda a: str(a.ended))
    if founded:
        sentences.append(f"{count(len(founded), 'arrangement')} began ({join([a.name for a in founded], 3)})")
        facts.extend(a.id for a in founded)
    if ended:
        sentences.append(f"{count(len(ended), 'arrangement')} ended ({join([a.name for a in ended], 4)})")
        facts.extend(a.id for a in ended)
    framework_rows = [x for x in rows if x["arrangement_id"] in CORE_FRAMEWORKS]
    for x in framework_rows[:4]:
        verb = {"joined": "became a partner in", "left": "left", "role_changed": "changed its role in"}[x["change"]]
        sentences.append(f"{the(x['name'])} {verb} the {r.arrangements[x['arrangement_id']].name}"
                         + (" (now suspended)" if x["to_roles"] == ["suspended"] else ""))
        facts.append(f"{x['arrangement_id']}:{x['actor_id']}")
    n = {"changes": len(rows), "arrangements_changed": len({x["arrangement_id"] for x in rows}),
         "founded": len(founded), "ended": len(ended), "nato_changes": len(nato_rows)}
    return sentences, facts, n


def stocktaking(r: Registry, w, since) -> dict:
    """What exists at ``w`` (members, partners by framework, formats) and what changed since ``since``."""
    members = r.members(NATO, at=w)
    active, suspended = partner_states_by_framework(r, w)
    all_active = set().union(*active.values()) if active else set()
    all_suspended = (set().union(*suspended.values()) if suspended else set()) - all_active
    formats = [a for a in r.as_of(w).arrangements if a.relation in FORMAT_RELATIONS]
    by_relation = {rel: [a for a in formats if a.relation == rel] for rel in FORMAT_RELATIONS}
    changes, change_facts, n = _changes(r, since, w)

    per_fw = ", ".join(f"{CORE_FRAMEWORKS[f]} {len(s) + len(suspended[f])}" for f, s in active.items())
    first = (f"On {w.label} NATO has {count(len(members), 'member')} and "
             f"{count(len(all_active | all_suspended), 'partner state')} ({per_fw}"
             + (f"; {len(all_suspended)} of them suspended: {join(sorted(r.actors[a].name for a in all_suspended))}" if all_suspended else "")
             + f"); around it stand {count(len(by_relation['flexible']), 'flexible format')} connected to NATO structures "
             f"and {count(len(by_relation['minilateral']), 'minilateral format')} outside them.")
    if changes:
        second = (f"Since {since.label}, {count(n['changes'], 'participation')} changed in "
                  f"{count(n['arrangements_changed'], 'arrangement')}; the largest changes: {join(changes[:5])}.")
    else:
        second = (f"Nothing changed between {since.label} and {w.label} in the registry; "
                  "try an earlier --since to see the last changes.")
    figures = [figure("members", len(members), "states", label="NATO members"),
               figure("partner_states", len(all_active | all_suspended), "states",
                      "distinct partner states in NATO's four frameworks, suspended ones included", label="partner states"),
               figure("partner_states_suspended", len(all_suspended), "states", label="partner states suspended")]
    figures += [figure(f"partners_{f.replace('-', '_')}", len(s), "states",
                       label=f"active partners in {short_name(r.arrangements[f], CHART_LABEL)}") for f, s in active.items()]
    figures += [figure(f"formats_{rel}", len(v), "formats",
                       label={"flexible": "flexible formats (connected to NATO structures)",
                              "minilateral": "minilateral formats (outside NATO)"}.get(rel, f"{rel} formats"))
                for rel, v in by_relation.items()]
    figures += [figure("changes_since", n["changes"], "participations", f"joins, exits and role changes since {since.label}",
                       label=f"participations changed since {since.label}"),
                figure("arrangements_founded_since", n["founded"], "arrangements", label=f"arrangements begun since {since.label}")]
    chart = {"title": f"Partner states by framework at {w.label}", "unit": "states",
             "bars": [{"label": short_name(r.arrangements[f], CHART_LABEL), "value": len(s),
                       "extra": len(suspended.get(f, ())) or None} for f, s in active.items()],
             "extra_label": "suspended"}
    facts = [NATO, *active, *change_facts]
    return finding(
        "stocktaking", "What exists, since when, and what changed", first + " " + capitalise(second),
        figures=figures,
        facts=facts,
        method=(f"registry as of {w.label}: members and partners of NATO's four partnership frameworks "
               f"(PfP, Mediterranean Dialogue, ICI, partners across the globe), formats by relation to NATO, "
               f"and the participations that differ between {since.label} and {w.label} (secnet diff all)"),
        caveats=["Partner counts are states; the EU, the UN and other organisations are partners too and are counted apart "
                "(secnet partners nato).",
                "Formats are those the registry holds; COVERAGE.md lists the known gaps."],
        chart=chart,
        links=[{"label": "NATO's partners", "href": "/arrangements/nato"}, {"label": "search", "href": "/search"}],
        cli=f"secnet partners nato --at {w.label}; secnet diff all --from {since.label} --to {w.label}",
    )
