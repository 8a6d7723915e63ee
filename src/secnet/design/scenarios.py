"""Scenarios: hypothetical accessions, exits and new formats, overlaid on the real data in memory.

A scenario is a YAML file in the dataset's own format (``docs/scenarios.md``):
new sources, actors and arrangements written exactly as in the dataset, plus
``participations`` to add to existing arrangements and ``end_participations``
that stop recorded participations at a date. :func:`apply_scenario` checks it
with the dataset's own rules (:func:`secnet.model.rules.check`), reports every
problem as ``file:line: entry: rule`` like the loader, and returns a new
:class:`~secnet.registry.Registry`; the database is never touched.

Order of application: ``end_participations`` first, then ``participations``,
so a scenario can move a recorded date (end the record, then add the new
spell). A hypothetical fact needs a source like any other; when it names none
it is sourced to the scenario itself (a source ``scenario-<id>`` pointing at
the file).

:func:`compare` runs the analytics on the baseline and the scenario at a date
and reports what changes: memberships, the back-door audit, format impact and
partner priorities.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import InvalidData, InvalidInput, SecnetError
from ..ingest.dataset import ProblemReader, line_of, resolve_participations
from ..model import rules, vocab
from ..model.entities import Actor, Arrangement, Date, Dataset, Participation, Source
from ..registry import Registry, window

TOP_LEVEL = ("id", "title", "date", "note", "sources", "actors", "arrangements", "participations", "end_participations")
LISTS = ("sources", "actors", "arrangements", "participations", "end_participations")


class EndParticipation(BaseModel):
    """Stop the record of ``actor`` in ``arrangement`` (in ``role``, or every role) at ``end``.

    A participation in effect on ``end`` ends there (``end`` is, as everywhere,
    the first day it no longer holds); one that starts on or after ``end`` is
    removed; one that ended before is left alone. (The field is not called
    ``on``: YAML 1.1 reads a bare ``on`` as ``true``.)
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    arrangement: str
    actor: str
    role: str | None = None
    end: Date
    note: str = ""

    @field_validator("role")
    @classmethod
    def _role(cls, v: str | None) -> str | None:
        if v is not None and v not in vocab.ROLES:
            raise ValueError(f"unknown role '{v}'")
        return v


@dataclass
class Scenario:
    """A scenario applied to a dataset: the result and a log of what it changed."""

    id: str
    title: str
    path: str
    dataset: Dataset
    changes: list[dict] = field(default_factory=list)
    note: str = ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "scenario"


def load_scenario(path: str | Path, base: Dataset | Registry) -> Scenario:
    """Read a scenario file, apply it to ``base`` in memory and check the result with the dataset's rules.

    Raises :class:`InvalidData` listing every problem (``file:line: entry: rule``).
    """
    ds = base.dataset if isinstance(base, Registry) else base
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"--scenario: {path} is not a file")
    rd = ProblemReader(p.parent)
    file = rd.label(p)
    raw = rd.parse(p)
    if raw is None:
        raise InvalidData(rd.problems or f"{file}:1: {p.name}: the scenario file is empty")
    if not isinstance(raw, dict):
        raise InvalidData(f"{file}:{getattr(raw, 'line', 1)}: {p.name}: a scenario is one mapping (id, title, participations, ...)")

    sid = _slug(str(raw.get("id") or p.stem))
    title = str(raw.get("title") or sid)
    for key in raw:
        if key not in TOP_LEVEL:
            rd.problem(file, raw.key_lines.get(key, raw.line), sid, f"unknown field '{key}' (fields: {', '.join(TOP_LEVEL)})")
    for key in LISTS:
        if key in raw and raw[key] is not None and not isinstance(raw[key], list):
            rd.problem(file, raw.key_lines.get(key, raw.line), sid, f"{key}: expected a list")
    items = {key: raw.get(key) if isinstance(raw.get(key), list) else [] for key in LISTS}

    own_source = f"scenario-{sid}"
    date = raw.get("date")
    sources = dict(ds.sources)
    try:
        # A scenario file is not a web page (links are http(s) only): the file is named in `supports`, and
        # without a `date` the source is dated by the file's last change, the version of the scenario read.
        written = datetime.date.fromtimestamp(p.stat().st_mtime).isoformat()
        sources[own_source] = Source(id=own_source, title=f"Scenario: {title}", publisher="secnet scenario", kind="research",
                                     date=date or written, supports=f"the hypothetical facts of scenario '{sid}' ({p.resolve()})",
                                     note=str(raw.get("note") or ""))
    except ValidationError as e:
        field = str(e.errors()[0]["loc"][0]) if e.errors()[0]["loc"] else "date"
        rd.problem(file, raw.key_lines.get(field, raw.line), sid, f"{field}: {e.errors()[0]['msg'].removeprefix('Value error, ')}")

    where: dict[tuple, tuple[object, tuple]] = {}  # rules.Problem.where -> (yaml node, location inside it)
    touched: dict[str, int] = {}  # existing arrangement -> line of the first scenario entry that changes it
    changes: list[dict] = []

    for item in items["sources"]:
        s = rd.build(Source, item, file, str(item.get("id", "?")) if isinstance(item, dict) else "?")
        if s is None:
            continue
        if s.id in sources:
            rd.problem(file, item.line, s.id, "source id already exists in the dataset")
            continue
        sources[s.id] = s
        where[("source", s.id)] = (item, ())

    actors = dict(ds.actors)
    for item in items["actors"]:
        a = rd.build(Actor, _with_sources(item, own_source), file, str(item.get("id", "?")) if isinstance(item, dict) else "?")
        if a is None:
            continue
        if a.id in actors:
            rd.problem(file, item.line, a.id, "actor already exists in the dataset; a scenario adds new actors only")
            continue
        actors[a.id] = a
        where[("actor", a.id)] = (item, ())
        changes.append({"change": "new actor", "arrangement_id": None, "actor_id": a.id, "role": None, "date": None})

    arrangements = dict(ds.arrangements)
    for item in items["arrangements"]:
        if isinstance(item, dict):
            item = _with_sources(item, own_source)
            for sub in ("participations", "obligations"):
                if isinstance(item.get(sub), list):
                    item[sub] = [_with_sources(x, own_source) for x in item[sub]]
        a = rd.build(Arrangement, item, file, str(item.get("id", "?")) if isinstance(item, dict) else "?")
        if a is None:
            continue
        if a.id in arrangements:
            rd.problem(file, item.line, a.id, "arrangement already exists in the dataset; add to it with participations")
            continue
        arrangements[a.id] = resolve_participations(a)
        where[("arrangement", a.id)] = (item, ())
        for i, _ in enumerate(a.participations):
            where[("participation", a.id, i)] = (item, ("participations", i))
        for i, _ in enumerate(a.obligations):
            where[("obligation", a.id, i)] = (item, ("obligations", i))
        changes.append({"change": "new arrangement", "arrangement_id": a.id, "actor_id": None, "role": None,
                        "date": str(a.founded)})
        changes.extend({"change": "joined", "arrangement_id": a.id, "actor_id": q.actor, "role": q.role,
                        "date": str(q.start)} for q in a.participations)

    parts = {k: list(v.participations) for k, v in arrangements.items()}
    origin: dict[tuple[str, int], tuple[object, tuple]] = {}  # (arrangement, index in its new list) -> node

    for item in items["end_participations"]:
        entry = _entry(item, "end")
        e = rd.build(EndParticipation, item, file, entry)
        if e is None:
            continue
        if e.arrangement not in arrangements:
            rd.problem(file, item.key_lines.get("arrangement", item.line), entry, rules.unknown("arrangement", e.arrangement, arrangements))
            continue
        if e.actor not in actors:
            rd.problem(file, item.key_lines.get("actor", item.line), entry, rules.unknown("actor", e.actor, actors))
            continue
        touched.setdefault(e.arrangement, item.line)
        kept, hit = [], False
        for q in parts[e.arrangement]:
            if q.actor != e.actor or (e.role is not None and q.role != e.role) or (q.end is not None and q.end.last <= e.end.first):
                kept.append(q)
                continue
            hit = True
            if q.start.first >= e.end.first:
                changes.append({"change": "removed", "arrangement_id": e.arrangement, "actor_id": q.actor, "role": q.role,
                                "date": str(q.start)})
                continue
            note = f"{q.note} [scenario {sid}: ended {e.end}]".strip()
            kept.append(q.model_copy(update={"end": e.end, "note": note}))
            changes.append({"change": "ended", "arrangement_id": e.arrangement, "actor_id": q.actor, "role": q.role,
                            "date": str(e.end)})
        if not hit:
            rd.problem(file, item.line, entry, f"nothing to end: {e.actor} has no participation in {e.arrangement}"
                       + (f" as {e.role}" if e.role else "") + f" in effect on or after {e.end}")
        parts[e.arrangement] = kept

    for item in items["participations"]:
        entry = _entry(item, "add")
        if isinstance(item, dict) and not item.get("arrangement"):
            rd.problem(file, item.line, entry, "arrangement: required field is missing")
            continue
        q = rd.build(Participation, _with_sources(item, own_source), file, entry)
        if q is None:
            continue
        if q.arrangement not in arrangements:
            rd.problem(file, item.key_lines.get("arrangement", item.line), entry, rules.unknown("arrangement", q.arrangement, arrangements))
            continue
        arr = arrangements[q.arrangement]
        if q.end is None and arr.ended is not None and arr.ended.last > q.start.first:
            q = q.model_copy(update={"end": arr.ended})
        if not q.note:
            q = q.model_copy(update={"note": f"scenario {sid}"})
        touched.setdefault(q.arrangement, item.line)
        origin[(q.arrangement, len(parts[q.arrangement]))] = (item, ())
        parts[q.arrangement].append(q)
        changes.append({"change": "joined", "arrangement_id": q.arrangement, "actor_id": q.actor, "role": q.role,
                        "date": str(q.start)})

    # Re-map pre-existing participation locations of new arrangements to their (possibly shifted) indices.
    for aid, lst in parts.items():
        if ("arrangement", aid) in where:
            node = where[("arrangement", aid)][0]
            for i, q in enumerate(lst):
                if (aid, i) not in origin:
                    j = next((k for k, x in enumerate(arrangements[aid].participations) if x is q or x == q), None)
                    origin[(aid, i)] = (node, ("participations", j)) if j is not None else (node, ())
    arrangements = {k: (v.model_copy(update={"participations": parts[k]}) if k in touched else v)
                    for k, v in arrangements.items()}
    new = Dataset.model_construct(sources=sources, actors=actors, arrangements=arrangements)

    before = {(x.entry, x.rule) for x in rules.check(ds)}
    for prob in rules.check(new):
        if (prob.entry, prob.rule) in before:
            continue
        node, loc = _locate(prob, where, origin)
        if node is not None:
            line = line_of(node, loc + ((prob.field,) if prob.field else ()))
        else:
            line = touched.get(prob.where[1], raw.line) if len(prob.where) > 1 else raw.line
        rd.problem(file, line, prob.entry, prob.rule)
    if rd.problems:
        raise InvalidData(rd.problems)
    return Scenario(id=sid, title=title, path=str(p), dataset=new, changes=changes, note=str(raw.get("note") or ""))


def _with_sources(item, source_id: str):
    """The item, sourced to the scenario when it names no source (a copy keeping line numbers)."""
    if not isinstance(item, dict) or item.get("sources"):
        return item
    copy = type(item)(item)
    copy.line, copy.key_lines = getattr(item, "line", 0), dict(getattr(item, "key_lines", {}))
    copy["sources"] = [source_id]
    return copy


def _entry(item, verb: str) -> str:
    if not isinstance(item, dict):
        return f"{verb} ?"
    role = f" as {item['role']}" if item.get("role") else ""
    when = f" from {item['start']}" if item.get("start") else f" at {item['end']}" if item.get("end") else ""
    return f"{item.get('arrangement', '?')}: {verb} {item.get('actor', '?')}{role}{when}"


def _locate(prob: rules.Problem, where: dict, origin: dict) -> tuple[object, tuple]:
    if prob.where[0] == "participation" and (prob.where[1], prob.where[2]) in origin:
        return origin[(prob.where[1], prob.where[2])]
    return where.get(prob.where, where.get(prob.where[:2], (None, ())))


def apply_scenario(r: Registry, path: str | Path) -> Registry:
    """A new registry: ``r`` with the scenario in ``path`` applied (in memory only)."""
    sc = load_scenario(path, r)
    return Registry(sc.dataset, origin=f"{r.origin}+scenario:{sc.id}")


# --- comparing baseline and scenario --------------------------------------------------------------


def membership_changes(base: Registry, scen: Registry, at: object = None) -> list[dict]:
    """Every actor whose roles in an arrangement at ``at`` differ between the baseline and the scenario."""
    w = window(at)

    def roles(r: Registry) -> dict[tuple[str, str], set[str]]:
        t = r.participation_table(w)
        out: dict[tuple[str, str], set[str]] = {}
        for arr, actor, role in zip(t.arrangement_id.tolist(), t.actor_id.tolist(), t.role.tolist()):
            out.setdefault((arr, actor), set()).add(role)
        return out

    b, s = roles(base), roles(scen)
    rows = []
    for key in sorted(set(b) | set(s)):
        rb, rs = b.get(key, set()), s.get(key, set())
        if rb == rs:
            continue
        actor = scen.actors.get(key[1]) or base.actors.get(key[1])
        rows.append({"arrangement_id": key[0], "actor_id": key[1], "name": actor.name if actor else key[1],
                     "change": "joined" if not rb else "left" if not rs else "role_changed",
                     "baseline_roles": sorted(rb), "scenario_roles": sorted(rs)})
    return rows


def audit_changes(base: Registry, scen: Registry, at: object = None) -> list[dict]:
    """Back-door audit rows present in only one of the two registries at ``at``."""
    from ..analytics.coverage import backdoor_audit

    key = lambda x: (x["actor_id"], x["arrangement_id"], x["type"], x["binding"])  # noqa: E731
    b = {key(x): x for x in backdoor_audit(base, at)}
    s = {key(x): x for x in backdoor_audit(scen, at)}
    rows = []
    for k in sorted(set(b) ^ set(s)):
        x = b.get(k) or s[k]
        rows.append({"actor_id": x["actor_id"], "name": x["name"], "arrangement_id": x["arrangement_id"], "type": x["type"],
                     "binding": x["binding"], "change": "no longer covered" if k in b else "newly covered",
                     "in_baseline": k in b, "in_scenario": k in s, "allies": x["allies"]})
    return rows


FORMAT_FIELDS = ("n_members", "n_outside_nato", "n_allies_left_out", "n_cross_line_ties", "n_new_cross_line_ties", "ei_change")
#: Changes in who is in a format, not only in the alliance around it, are listed first.
FORMAT_MEMBERSHIP_FIELDS = ("n_members", "n_outside_nato", "n_cross_line_ties", "n_new_cross_line_ties")


def format_changes(base: Registry, scen: Registry, at: object = None) -> list[dict]:
    """Formats whose impact figures differ at ``at`` (or that exist in only one registry).

    ``differs`` says what changed (``field baseline -> scenario``). Formats whose
    own membership figures change come first; then those where only the
    alliance around them changed (an accession adds an ally every format
    without it leaves out, and moves the E-I index).
    """
    from ..analytics.formats import impact_all

    b = {x["format"]: x for x in impact_all(base, at)}
    s = {x["format"]: x for x in impact_all(scen, at)}
    rows = []
    for f in sorted(set(b) | set(s)):
        xb, xs = b.get(f), s.get(f)
        changed = [k for k in FORMAT_FIELDS if not (xb and xs) or xb[k] != xs[k]]
        if not changed:
            continue
        row = {"format": f, "change": "new" if xb is None else "gone" if xs is None else "changed",
               "differs": "; ".join(f"{k} {xb[k] if xb else None} -> {xs[k] if xs else None}" for k in changed)}
        for k in FORMAT_FIELDS:
            row[f"{k}_baseline"] = xb[k] if xb else None
            row[f"{k}_scenario"] = xs[k] if xs else None
        row["_major"] = row["change"] != "changed" or any(k in FORMAT_MEMBERSHIP_FIELDS for k in changed)
        rows.append(row)
    rows.sort(key=lambda x: (not x.pop("_major"), x["format"]))
    return rows


def priority_changes(base: Registry, scen: Registry, at: object = None, *, aim_name: str = "general",
                     data_dir=None) -> tuple[list[dict], list[str]]:
    """Partners whose rank for ``aim_name`` differs at ``at``, or who are partners in only one registry."""
    from .prioritise import prioritise

    try:
        b = prioritise(base, at, aim_name=aim_name, data_dir=data_dir)
        s = prioritise(scen, at, aim_name=aim_name, data_dir=data_dir)
    except SecnetError as e:
        if "unknown aim" in str(e):
            raise
        return [], [f"priorities: not compared ({e})"]
    rb = {x["actor_id"]: x for x in b["ranking"]}
    rs = {x["actor_id"]: x for x in s["ranking"]}
    rows = []
    for aid in sorted(set(rb) | set(rs), key=lambda a: (rs[a]["rank"] if a in rs else 10**6, a)):
        xb, xs = rb.get(aid), rs.get(aid)
        if xb and xs and xb["rank"] == xs["rank"] and xb["score"] == xs["score"]:
            continue
        rows.append({"actor_id": aid, "name": (xs or xb)["name"],
                     "change": "no longer a partner" if xs is None else "new partner" if xb is None else "rank changed",
                     "baseline_rank": xb["rank"] if xb else None, "scenario_rank": xs["rank"] if xs else None,
                     "baseline_score": xb["score"] if xb else None, "scenario_score": xs["score"] if xs else None})
    notes = sorted(set(b["notes"]) | set(s["notes"]))
    return rows, notes


def compare(base: Registry, path: str | Path, at: object = None, *, aim_name: str = "general", data_dir=None) -> dict:
    """What the scenario in ``path`` changes at ``at``: memberships, the back-door audit, formats and priorities."""
    w = window(at)
    sc = load_scenario(path, base)
    scen = Registry(sc.dataset, origin=f"{base.origin}+scenario:{sc.id}")
    priorities, notes = priority_changes(base, scen, w, aim_name=aim_name, data_dir=data_dir)
    return {"scenario": sc.id, "title": sc.title, "at": w.label, "aim": aim_name, "changes": sc.changes,
            "membership": membership_changes(base, scen, w), "audit": audit_changes(base, scen, w),
            "formats": format_changes(base, scen, w), "priorities": priorities, "notes": notes}
