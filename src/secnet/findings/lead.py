"""The sentence a command prints before its table: what the result says, in plain words.

Each function takes what the library already returned for a command (``prioritise``,
``group``, ``impact``, ``audit``) and says it as a staff officer would read it, with its
numbers and how they were reached; the CLI prints it above the table and the JSON carries
it as ``summary``. The wording is built with the same helpers as the findings
(:mod:`secnet.findings.text`).
"""

from __future__ import annotations

from ..registry import Registry
from .alliance import back_door_answer, format_sentences
from .text import count, join, percent, the


def prioritise_lead(x: dict, smaa: bool = False) -> str:
    """``For stability at 2024-06-01 the top partners are …`` from ``prioritise`` or ``acceptability``."""
    criteria = [c["criterion"].replace("_", " ") for c in x["criteria"] if c["weight"]]
    if smaa:
        rows = sorted(x["rows"], key=lambda row: (-row["share_rank_1"], row["expected_rank"]))
        if not rows:
            return f"No partner can be ranked for {x['aim']} at {x['at']}."
        top = rows[:3]
        # Tied partners share first place, so the first-rank shares of all partners may sum past 1.
        ties = " (a tie for first counts as first for each)" if sum(row["share_rank_1"] for row in rows) > 1 + 1e-6 else ""
        return (f"For {x['aim']} at {x['at']}, over {x.get('draws', 0):,} random weightings of {count(len(criteria), 'criterion', 'criteria')} "
                f"({join(criteria)}), " + join([f"{the(t['name'])} ranks first in {percent(t['share_rank_1'])}" for t in top
                                                 if t["share_rank_1"] > 0] or ["no partner ranks first in any"])
                + ties + f"; {the(top[0]['name'])}'s expected rank is {top[0]['expected_rank']:.1f} "
                f"(holistic acceptability {top[0]['holistic_acceptability']:.2f}, 1 = always first).")
    ranking = x["ranking"]
    if not ranking:
        return f"No partner can be ranked for {x['aim']} at {x['at']}."
    top = ranking[:3]
    return (f"For {x['aim']} at {x['at']} the top partners are "
            + join([f"{the(t['name'])} ({float(t['score']):.2f})" for t in top])
            + f", of {count(len(ranking), 'candidate')}: {x['method'].replace('_', ' ')} of "
            f"{count(len(criteria), 'criterion', 'criteria')} ({join(criteria)}), each scaled 0-1 across the candidates, "
            "so a score of 1 means best on every criterion; definitions, sources and data years are under the table.")


def group_lead(r: Registry, x: dict) -> str:
    """``The smallest group that covers … is 3 actors: …`` from ``design_group``."""
    need = join([k.replace("_", " ") + (f" from {n} actors" if n > 1 else "") for k, n in x["need"].items()])
    names = [f"{the(g['name'])} ({join([p.replace('_', ' ') for p in g['provides']])})" for g in x["group"]]
    text = (f"At {x['at']} the cheapest group that covers {need} is {count(x['size'], 'actor')}: {join(names)}"
            + (f", {count(x['n_non_allies'], 'of them is not an ally', 'of them are not allies')}" if x["n_non_allies"] else "")
            + f"; exact integer program over {count(x['n_candidates'], 'candidate')}"
            + (" (each counts 1, so the cheapest group is the smallest)." if float(x["cost"]) == x["size"]
               else f" at the costs given (total {x['cost']}).")
            )
    same = [a for a in x["alternatives"] if a["size"] == x["size"] and a["cost"] == x["cost"]]
    if same:
        text += f" {count(len(same), 'other group does', 'other groups do')} as well (listed below)."
    if x.get("closest_formats"):
        c = x["closest_formats"][0]
        text += f" The closest existing format is {c['name']} (Jaccard {c['jaccard']:.2f}: 1 = the same members)."
    return text


def impact_lead(r: Registry, x: dict, at) -> str:
    """What one format does to the alliance, from ``format_impact``."""
    allies = len(r.members("nato", at=at))
    return " ".join([f"At {x['at']}:", *format_sentences(r, x, allies)])


def audit_lead(r: Registry, rows: list[dict], at) -> str:
    """The back-door answer for the audit's rows."""
    from ..registry import window

    w = window(at)
    partners = {p["actor_id"] for p in r.partners("nato", at=w)}
    return back_door_answer(r, rows, w, partners)
