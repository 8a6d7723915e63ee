"""Prioritisation and groupings: which partners matter most, and who should work together.

**Prioritisation** ranks NATO's partner states for the brief's two aims
(Clingendael Spectator 2022: partnerships "to improve regional stability ... or
to gain capabilities where NATO is still lagging behind"): ``stability`` and
``capability`` (:mod:`secnet.design.prioritise`, weighted sum of min-max
normalised criteria at the aim's preset weights). How robust each top rank is
comes from SMAA-2 (Lahdelma & Salminen 2001): the share of uniformly random
weightings of the same criteria under which the partner still ranks first.

**Groupings** takes a few standing issues (:data:`STANDING_ISSUES`) and asks the
grouping designer (:func:`secnet.design.groupings.design_group`, an exact set
multicover) for the smallest group of allies and partners that covers each
issue's capabilities, allies preferred among groups of equal size; then names
the partners that bring the same capabilities and could join.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..design import groupings
from ..design import prioritise as prio
from ..errors import SecnetError
from ..registry import Registry
from .text import finding, count, figure, join, percent, short_name, the

PRIORITY_AIMS = {"stability": "regional stability", "capability": "capability gaps"}
SMAA_DRAWS = 2000
SMAA_SEED = 0
TOP = 3


@dataclass(frozen=True)
class Issue:
    """A standing issue: the capabilities it needs (with minimum providers) and, optionally, a region."""

    id: str
    title: str
    need: dict[str, int]
    region: str | None = None


#: The issues the groupings finding answers for. Capabilities are the registry's issue areas
#: (secnet.model.vocab.CAPABILITIES); a region limits the candidates to actors tagged with it.
STANDING_ISSUES = (
    Issue("baltic_maritime", "maritime security and undersea infrastructure in the Baltic Sea",
          {"critical_infrastructure": 3, "maritime": 1, "hybrid_threats": 1}, "baltic_sea"),
    Issue("air_missile_defence", "integrated air and missile defence", {"air_missile_defence": 3, "command_control": 1}),
    Issue("cyber", "cyber defence", {"cyber": 3, "hybrid_threats": 1, "innovation_technology": 1}),
)


def _name(r: Registry, actor: str) -> str:
    return the(r.actors[actor].name) if actor in r.actors else actor


def prioritisation(r: Registry, w, since=None) -> dict:
    """The top partners for regional stability and for capability gaps, with how robust the first place is."""
    sentences, figures, facts, bars, caveats, methods = [], [], [], [], [], []
    for aim, label in PRIORITY_AIMS.items():
        try:
            ranked = prio.prioritise(r, w, aim_name=aim)
            smaa = prio.acceptability(r, w, aim_name=aim, draws=SMAA_DRAWS, seed=SMAA_SEED)
        except SecnetError as e:
            sentences.append(f"No ranking for {label} at {w.label}: {e}.")
            continue
        top = ranked["ranking"][:5]
        if not top:
            sentences.append(f"No partner states can be ranked for {label} at {w.label}: the registry holds none.")
            continue
        first_share = {row["actor_id"]: row["share_rank_1"] for row in smaa["rows"]}
        leader = top[0]
        share = first_share.get(leader["actor_id"], 0.0)
        criteria = [c["criterion"].replace("_", " ") for c in ranked["criteria"] if c["weight"]]
        tied = [x for x in ranked["ranking"] if x["rank"] == 1]
        if len(tied) > 1:
            # Equal scores share first place (SMAA counts a tie for first as first for each of them).
            shares = [first_share.get(x["actor_id"], 0.0) for x in tied]
            each = (f"each ranks first, alone or tied, under {percent(shares[0])}" if len(set(shares)) == 1 else
                    join([f"{the(x['name'])} ranks first, alone or tied, under {percent(v)}" for x, v in zip(tied, shares)]))
            robust = (f"{join([the(x['name']) for x in tied])} tie for first (score {leader['score']:.2f}) and {each} "
                      f"of {SMAA_DRAWS:,} random weightings of the criteria ({join(criteria)})")
        else:
            robust = (f"{the(leader['name'])} ranks first under {percent(share)} of {SMAA_DRAWS:,} random weightings "
                      f"of the criteria ({join(criteria)})")
        sentences.append(
            f"For {label} the partners that matter most at {w.label} are {join([the(x['name']) for x in top[:TOP]])}; "
            f"{robust}.")
        figures.append(figure(f"{aim}_top_score", leader["score"], "of 1",
                              f"{leader['name']}'s weighted sum of normalised criteria (1 = best on every criterion)",
                              label=f"{leader['name']}'s {label} score"))
        figures.append(figure(f"{aim}_top_share_rank_1", round(share, 4), "share",
                              f"share of {SMAA_DRAWS:,} uniform weight draws (SMAA-2) under which {leader['name']} ranks first",
                              label=f"weightings with {leader['name']} first ({label})"))
        figures.append(figure(f"{aim}_candidates", len(ranked["ranking"]), "partner states", label=f"partners ranked for {label}"))
        facts.extend(x["actor_id"] for x in top)
        bars.extend({"label": f"{x['name']} ({aim})", "value": round(float(x["score"]), 3)} for x in top[:TOP])
        years = sorted({f"{c['criterion'].replace('_', ' ')}: {c['data_years']}" for c in ranked["criteria"]
                        if c["weight"] and c.get("data_years")})
        if years:
            caveats.append(f"Data years used for {label}: " + "; ".join(years) + ".")
        caveats.extend(ranked.get("notes", []))
        methods.append(f"{aim}: {ranked['method']} over {len(criteria)} criteria at the aim's preset weights")
    return finding(
        "prioritisation", "Which partners matter most", " ".join(sentences),
        figures=figures,
        facts=facts,
        method="; ".join(methods) + f"; robustness by SMAA-2 ({SMAA_DRAWS:,} draws, seed {SMAA_SEED})",
        caveats=[*dict.fromkeys(caveats), "Rankings compare partner states only (not allies or organisations); "
                "each criterion's definition, source and year are in secnet prioritise --aim stability|capability."],
        chart={"title": "Top partners by score (1 = best on every criterion)", "unit": "score", "bars": bars},
        links=[{"label": "prioritisation", "href": f"/prioritise?at={w.label}&aim=stability"}],
        cli=f"secnet prioritise --aim stability --at {w.label} --smaa",
    )


def _providers(r: Registry, w, need: dict[str, int], members: list[str]) -> list[str]:
    """``ARR:ACTOR`` participations that give the group's members the needed capabilities."""
    t = r.participation_table(w)
    alive = {a.id: a for a in r.as_of(w).arrangements if a.kind in groupings.THEMATIC_KINDS}
    out = []
    for actor, arr in zip(t.actor_id.tolist(), t.arrangement_id.tolist()):
        if actor in members and arr in alive and set(alive[arr].issue_areas) & set(need):
            out.append(f"{arr}:{actor}")
    return sorted(set(out))


def _issue(r: Registry, w, issue: Issue, cands) -> dict:
    pool = [c for c in cands if issue.region is None or issue.region in r.actors[c.actor_id].regions]
    # Among groups of the same size: allies first, then the actors engaged in the issue through more
    # arrangements (the cost stays within 1 +- 0.01, so a smaller group always wins).
    depth: dict[str, int] = {}
    for f in _providers(r, w, issue.need, [c.actor_id for c in pool]):
        depth[f.split(":", 1)[1]] = depth.get(f.split(":", 1)[1], 0) + 1
    pool = [replace(c, cost=1 + 0.01 * (c.status != "ally") - 0.001 * min(depth.get(c.actor_id, 0), 9)) for c in pool]
    several = [f"{n} providers of {k.replace('_', ' ')}" for k, n in issue.need.items() if n > 1]
    single = [k.replace("_", " ") for k, n in issue.need.items() if n == 1]
    ones = [] if not single else [("one each of " if len(single) > 1 else "one of ") + join(single)]
    need_text = "needing " + join(several + ones)
    try:
        x = groupings.design_group(r, issue.need, w, candidates=pool, alternatives=0, formats=1)
    except SecnetError as e:
        return {"issue": issue, "sentence": f"For {issue.title} ({need_text}) no group of allies and partners"
                f"{' in the region' if issue.region else ''} covers the need at {w.label} ({e}).",
                "group": [], "partners": [], "facts": []}
    group = [g["actor_id"] for g in x["group"]]
    able = sorted(c.actor_id for c in pool if c.status == "partner" and c.actor_id not in group
                  and c.capabilities & set(issue.need))
    in_group = [a for a in group if x["group"][group.index(a)]["status"] == "partner"]
    facts = _providers(r, w, issue.need, group)
    through: dict[str, list[str]] = {}
    for f in facts:
        arr, actor = f.split(":", 1)
        through.setdefault(actor, []).append(arr)

    def member(g: dict) -> str:
        # Name one arrangement: the one most given to what the actor brings to this issue (the largest share
        # of its issue areas among them: a cyber centre before a broad regional format), then the one that
        # covers most of it. The facts list every arrangement; `secnet group` shows them all.
        brings = set(g["provides"]) & set(issue.need)

        def focus(a: str) -> tuple:
            areas = set(r.arrangements[a].issue_areas)
            return (-len(brings & areas) / max(len(areas), 1), -len(brings & areas), a)

        arrs = sorted(through.get(g["actor_id"], []), key=focus)
        via = short_name(r.arrangements[arrs[0]]) if arrs else ""
        what = "" if set(g["provides"]) >= set(issue.need) else join([k.replace("_", " ") for k in g["provides"]])
        inside = ", ".join(x for x in (what, f"through {via}" if via else "") if x)
        return _name(r, g["actor_id"]) + (f" ({inside})" if inside else "")

    kinds = {g["status"] for g in x["group"]}
    who = "ally" if kinds == {"ally"} else "partner" if kinds == {"partner"} else "actor"
    sentence = (f"For {issue.title} ({need_text}) the smallest group is {count(len(group), who, 'allies' if who == 'ally' else None)}: "
                f"{join([member(g) for g in x['group']])}")
    if in_group:
        sentence += f", bringing in the partner{'s' if len(in_group) > 1 else ''} {join([_name(r, a) for a in in_group])}"
    if able:
        sentence += (f"; partners{' in the region' if issue.region else ''} that bring the same capabilities: "
                     f"{join([_name(r, a) for a in able], 5)}")
    elif not in_group:
        sentence += "; no partner brings these capabilities"
    return {"issue": issue, "sentence": sentence + ".", "group": group, "partners": in_group, "able": able,
            "facts": facts}



def groupings_finding(r: Registry, w, since=None) -> dict:
    """For each standing issue, the smallest covering group and the partners it brings in (or could)."""
    cands = [c for c in groupings.registry_candidates(r, w) if c.status in ("ally", "partner")]
    results = [_issue(r, w, issue, cands) for issue in STANDING_ISSUES]
    figures = []
    for x in results:
        figures.append(figure(f"{x['issue'].id}_group_size", len(x["group"]), "actors",
                              label=f"smallest group for {x['issue'].title}"))
        figures.append(figure(f"{x['issue'].id}_partners_able", len(x.get("able", [])) + len(x["partners"]), "partner states",
                              "partners that bring at least one of the issue's capabilities",
                              label=f"partners able to join ({x['issue'].title})"))
    return finding(
        "groupings", "Who should work together", " ".join(x["sentence"] for x in results),
        figures=figures,
        facts=list(dict.fromkeys(f for x in results for f in [*x["group"], *x["facts"]])),
        method=("exact set multicover (HiGHS) over allies and partners at the date, one provider per actor; among groups "
               "of the same size allies first, then the actors that work on the issue in more arrangements; capabilities from the thematic arrangements each actor takes part in; "
               "issues: " + "; ".join(f"{i.title} = " + ",".join(f"{k}={n}" for k, n in i.need.items())
                                      + (f" (actors tagged {i.region})" if i.region else "") for i in STANDING_ISSUES)),
        caveats=["An actor's capabilities are the issue areas of the Centres of Excellence, formats and initiatives it takes part in: "
                "they say who works on an issue, not how much it brings.",
                "Other groups of the same size exist; secnet group lists the next-best ones."],
        chart={"title": "Smallest covering group and partners able to join, per issue", "unit": "actors",
                  "bars": [{"label": x["issue"].title, "value": len(x["group"]), "extra": len(x.get("able", [])) or None}
                       for x in results],
                  "extra_label": "partners able to join"},
        links=[{"label": "grouping designer", "href": f"/groupings?at={w.label}"}],
        cli="secnet group " + ",".join(f"{k}={n}" for k, n in STANDING_ISSUES[1].need.items()) + f" --at {w.label}",
    )
