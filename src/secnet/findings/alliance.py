"""Cohesion and the back door: does a format divide the alliance, and who holds allies' pledges from outside.

**Cohesion** (:func:`secnet.analytics.formats.impact_all`): for every flexible
and minilateral format alive at the date, the allies it leaves out, the ties it
draws across the member/non-member line, and whether any of them is a tie that
no other arrangement draws. The cohesion measure is Krackhardt & Stern's (1988)
E-I index over the allies and the format's members: ``(E - I) / (E + I)``, with
``E`` the ties between an ally and a non-member and ``I`` the ties among allies
(-1: every tie inside the alliance; +1: every tie across the line). A format
"moves" it only where it creates a tie or strengthens one; the change is the
index with the format minus without it.

**Back door** (:func:`secnet.analytics.coverage.backdoor_audit`): every state
that is not a NATO member at the date and holds a collective-defence or
mutual-assistance pledge from at least one ally through another arrangement.
"""

from __future__ import annotations

from collections import defaultdict

from ..analytics import coverage, formats
from ..registry import Registry
from .text import CHART_LABEL, finding, capitalise, count, figure, join, short_name, signed, the

#: The format the brief asks about first (Clingendael Spectator 2022); the finding names it when it exists.
FOCUS_FORMAT = "aukus"


def _focus(ranking: list[dict]) -> dict | None:
    by_id = {x["format"]: x for x in ranking}
    if FOCUS_FORMAT in by_id:
        return by_id[FOCUS_FORMAT]
    with_outsiders = [x for x in ranking if x["n_outside_nato"]]
    return max(with_outsiders, key=lambda x: (x["n_allies_left_out"], x["n_outside_nato"]), default=None)


def _ei_sentence(r: Registry, x: dict, detail: dict) -> str:
    before = detail["cohesion_without"]["ei_index"]
    after = detail["cohesion_with"]["ei_index"]
    wb, wa = detail["cohesion_without"]["ei_index_weighted"], detail["cohesion_with"]["ei_index_weighted"]
    if before is None or after is None:
        return "The E-I index is undefined here (no ties among these actors)."
    what = ("its E-I index (ties across the member/non-member line minus ties among allies, over all ties: "
            "-1 means every tie stays inside the alliance, +1 every tie crosses it)")
    if x["n_new_cross_line_ties"] == 0:
        why = "because every tie it draws across the line already runs through another arrangement"
        moved = (f"{what} stays at {after:.2f} with or without it, {why}; weighted by tie strength it moves by "
                 f"{signed((wa or 0) - (wb or 0), 4)} (from {wb:.4f} to {wa:.4f}), as it strengthens ties that exist")
    else:
        moved = (f"{what} moves from {before:.3f} without it to {after:.3f} with it "
                 f"({signed(after - before)}), because it draws {count(x['n_new_cross_line_ties'], 'tie')} "
                 "across the line that no other arrangement draws")
    return f"For the alliance, {moved}."


def format_sentences(r: Registry, detail: dict, allies: int) -> list[str]:
    """What one format does to the alliance, in two sentences (``detail`` from ``formats.format_impact``)."""
    outside = [the(r.actors[a].name) for a in detail["members_outside_nato"]]
    inside = [the(r.actors[a].name) for a in detail["members_in_nato"]]
    ties = detail["cross_line_ties"]
    also = sorted({v for t in ties for v in t["also_via"]})
    tie_text = (f"ties {join(outside, 6)} to {join(inside, 6)}" if outside and inside else "draws no tie across the line")
    if ties and not detail["n_new_cross_line_ties"]:
        tie_text += f", ties that already run through {count(len(also), 'other arrangement')}"
    return [f"{detail['name']} leaves {detail['n_allies_left_out']} of {allies} allies out and {tie_text}.",
            _ei_sentence(r, detail, detail)]


def cohesion(r: Registry, w, since=None) -> dict:
    """Which formats leave allies out, and what the brief's format does to the alliance's cohesion."""
    ranking = formats.impact_all(r, w)
    allies = len(r.members("nato", at=w))
    leave_out = [x for x in ranking if x["n_allies_left_out"]]
    outsiders = [x for x in ranking if x["n_outside_nato"]]
    creators = [x for x in ranking if x["n_new_cross_line_ties"]]
    focus = _focus(ranking)
    first = (f"At {w.label}, {len(outsiders)} of the {count(len(ranking), 'flexible or minilateral format')} around NATO "
             f"take in non-members; {'all' if len(leave_out) == len(ranking) else len(leave_out)} of the {len(ranking)} "
             "leave some allies out.")
    parts, facts, figures = [first], [x["format"] for x in outsiders], []
    if focus is not None:
        detail = formats.format_impact(r, focus["format"], w)
        parts += format_sentences(r, detail, allies)
        also = sorted({v for t in detail["cross_line_ties"] for v in t["also_via"]})
        facts = [focus["format"], *(f"{focus['format']}:{a}" for a in detail["members"]), *also[:5], *facts]
        fname = focus["name"]
        figures += [figure(f"{focus['format']}_allies_left_out", focus["n_allies_left_out"], "allies", f"of {allies} allies",
                           label=f"allies {fname} leaves out"),
                    figure(f"{focus['format']}_new_cross_line_ties", focus["n_new_cross_line_ties"], "ties",
                           "ally-non-member ties no other arrangement draws", label=f"new ties across the line through {fname}"),
                    figure(f"{focus['format']}_ei_change", detail["cohesion_change"]["ei_index"], "E-I index points",
                           "E-I index with the format minus without it (range -2 to +2)",
                           label=f"change in the alliance's E-I index with {fname}"),
                    figure(f"{focus['format']}_ei_weighted_change", detail["cohesion_change"]["ei_index_weighted"],
                           "E-I index points", "the same, ties weighted by strength",
                           label=f"the same change, ties weighted by strength")]
    if creators:
        named = [f"{x['name']} ({x['n_new_cross_line_ties']})" for x in creators]
        parts[-1] += f" Formats that do draw new ties across the line: {join(named, 4)}."
    figures += [figure("formats", len(ranking), "formats", label="flexible and minilateral formats"),
                figure("formats_leaving_allies_out", len(leave_out), "formats", label="formats that leave allies out"),
                figure("formats_with_non_members", len(outsiders), "formats", label="formats that take in non-members"),
                figure("formats_creating_cross_line_ties", len(creators), "formats",
                       label="formats that draw new ties across the member/non-member line")]
    top = sorted(outsiders, key=lambda x: (-x["n_allies_left_out"], x["format"]))[:10]
    return finding(
        "cohesion", "Does a format divide the alliance", " ".join(parts),
        figures=figures,
        facts=facts,
        method=("format impact (secnet impact --all): allies left out, ally-non-member ties and whether another arrangement "
               "also draws them; E-I index (Krackhardt & Stern 1988) over the allies and the format's members, "
               "with minus without the format, by tie count and by tie strength"),
        caveats=["Ties come from co-participation in the registry's arrangements, weighted by what each arrangement binds its "
                "participants to; informal relations (arms deals, diplomatic rifts such as France's over AUKUS) are not ties.",
                "A format that leaves allies out does not by that alone divide them: the index measures ties, not grievances."],
        chart={"title": "Allies left out by formats that take in non-members", "unit": "allies",
                  "bars": [{"label": short_name(r.arrangements[x["format"]], CHART_LABEL) if x["format"] in r.arrangements
                            else x["name"], "value": x["n_allies_left_out"]} for x in top]},
        links=[{"label": "format impact", "href": f"/formats?at={w.label}"}]
                 + ([{"label": focus["name"], "href": f"/formats/{focus['format']}?at={w.label}"}] if focus else []),
        cli=f"secnet impact {focus['format'] if focus else '--all'} --at {w.label}",
    )


def _short(r: Registry, aid: str) -> str:
    """An arrangement as running text names it: ``the European Union``, ``ANZUS`` (its first alias when the name is long)."""
    name = short_name(r.arrangements[aid])
    return name if name.isupper() else f"the {name}"


def _via(r: Registry, aid: str, xs: list[dict]) -> str:
    """``the European Union (mutual assistance, treaty, from 21 allies)``: an arrangement and the pledge it carries."""
    givers = sorted({a for x in xs for a in x["allies"]})
    giver_text = the(r.actors[givers[0]].name) if len(givers) == 1 else f"{len(givers)} allies"
    kinds = {x["type"].replace("_", " ") for x in xs}
    binding = ("treaty" if all(x["binding"] for x in xs)
               else "political" if not any(x["binding"] for x in xs) else "treaty and political")
    return f"{_short(r, aid)} ({join(sorted(kinds))}, {binding}, from {giver_text})"


def _pledge_phrases(r: Registry, groups: list[tuple[str, list[dict]]]) -> list[str]:
    """``Austria, Finland and Sweden through the European Union (...)``, one phrase per set of receivers:
    receivers that hold pledges through several arrangements are named once (``Colombia through the OAS
    Charter (...) and the Rio Treaty (...)``)."""
    by_receivers: dict[tuple[str, ...], list[str]] = {}
    for aid, xs in groups:
        by_receivers.setdefault(tuple(sorted({x["actor_id"] for x in xs})), []).append(_via(r, aid, xs))
    return [f"{join(sorted(the(r.actors[a].name) for a in who), 7)} through {join(vias)}"
            for who, vias in by_receivers.items()]


def back_door_answer(r: Registry, rows: list[dict], w, partners: set[str]) -> str:
    """The back-door answer for audit rows (``coverage.backdoor_audit``): partners first, then the total."""
    by_arr: dict[str, list[dict]] = defaultdict(list)
    for x in rows:
        by_arr[x["arrangement_id"]].append(x)
    receivers = sorted({x["actor_id"] for x in rows})
    if not rows:
        answer = (f"At {w.label} no state outside NATO holds a defence pledge from an ally through another arrangement "
                  "in the registry; try an earlier date (e.g. --at 2021-10-01) to see Finland and Sweden before they joined.")
    else:
        groups = sorted(by_arr.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        held = [a for a in receivers if a in partners]
        partner_groups = sorted(((aid, [x for x in xs if x["actor_id"] in partners]) for aid, xs in groups),
                                key=lambda kv: (-len(kv[1]), kv[0]))
        partner_groups = [(aid, xs) for aid, xs in partner_groups if xs]
        if held:
            answer = (f"At {w.label}, {count(len(held), 'NATO partner holds', 'NATO partners hold')} a defence pledge "
                      f"from allies through an arrangement other than NATO, the 'back door' to Article 5 that the brief "
                      f"warns of: {'; '.join(_pledge_phrases(r, partner_groups[:6]))}"
                      + (f"; and {count(len(partner_groups) - 6, 'more arrangement')}" if len(partner_groups) > 6 else "")
                      + ".")
            answer += (f" In all {count(len(receivers), 'state outside NATO holds', 'states outside NATO hold')} such a pledge, most through "
                       f"{join([f'{_short(r, aid)} ({len(xs)})' for aid, xs in groups[:2]])}.")
        else:
            answer = (f"At {w.label} no NATO partner holds a defence pledge from allies outside NATO; "
                      f"{count(len(receivers), 'state')} outside it do: "
                      f"{'; '.join(_pledge_phrases(r, groups[:3]))}"
                      + (f"; and {count(len(groups) - 3, 'more arrangement')}" if len(groups) > 3 else "") + ".")
    return answer


def back_door(r: Registry, w, since=None) -> dict:
    """Which non-members hold a defence pledge from allies, from whom, through what."""
    rows = coverage.backdoor_audit(r, w)
    partners = {p["actor_id"] for p in r.partners("nato", at=w)}
    by_arr: dict[str, list[dict]] = defaultdict(list)
    for x in rows:
        by_arr[x["arrangement_id"]].append(x)
    receivers = sorted({x["actor_id"] for x in rows})
    groups = sorted(by_arr.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    answer = back_door_answer(r, rows, w, partners)
    figures = [figure("non_members_with_pledges", len(receivers), "states", label="non-members holding an allied defence pledge"),
               figure("partners_with_pledges", len([a for a in receivers if a in partners]), "states",
                      "non-members with an allied pledge that are also NATO partners", label="of them NATO partners"),
               figure("arrangements_carrying_pledges", len(by_arr), "arrangements", label="arrangements carrying those pledges")]
    facts = [f"{x['arrangement_id']}:{x['actor_id']}" for x in rows]
    return finding(
        "back_door", "Who holds allies' pledges from outside NATO", answer,
        figures=figures,
        facts=facts,
        method=("back-door audit (secnet audit): collective-defence and mutual-assistance obligations in force at the date, "
               "from a NATO member to a non-member, through any arrangement but NATO; binding and political pledges both"),
        caveats=["Only pledges the registry holds count: COVERAGE.md and secnet check atop --pledges say which ATOP pledges "
                "it traces.", "Political declarations (binding: no) are not treaties; they are listed so that nothing is hidden."],
        chart={"title": "Non-members holding an allied defence pledge, by arrangement", "unit": "states",
                  "bars": [{"label": short_name(r.arrangements[aid], CHART_LABEL), "value": len({x['actor_id'] for x in xs})}
                           for aid, xs in groups[:10]]},
        links=[{"label": "back-door audit", "href": f"/audit?at={w.label}"}],
        cli=f"secnet audit --at {w.label}",
    )
