"""Rules that need the whole dataset: references, intervals, lifetimes, codes.

:func:`check` yields every :class:`Problem` at once; callers (the YAML loader,
the API's edit path, scenarios) attach file and line to each and refuse the
whole dataset if there is any. :func:`check_changed` finds the same problems in
a dataset that differs from one known to pass, looking only at what differs:
the edit path's way to check one write without checking the whole dataset
again. Pure functions over :class:`Dataset`.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pycountry

from . import vocab
from .dates import OPEN_END, bounds
from .entities import Actor, Arrangement, Dataset, Participation, Source
from .hosts import check_source_host

#: Codes in use for states that ISO 3166 does not list (user-assigned range).
NON_ISO_STATE_CODES: dict[str, str] = {"XKX": "Kosovo (user-assigned code used by the EU and IMF)"}


@dataclass(frozen=True)
class Problem:
    """One broken rule. ``where`` locates the entity: ``("actor", id)``,
    ``("arrangement", id)``, ``("source", id)``, ``("participation", arr, i)`` or
    ``("obligation", arr, i)``; ``field`` names the offending field, if one."""

    where: tuple
    entry: str
    rule: str
    field: str | None = None


def is_state_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 code, an ISO 3166-3 former-state code, or a listed exception."""
    if code in NON_ISO_STATE_CODES:
        return True
    if len(code) != 3 or not code.isupper():
        return False
    return pycountry.countries.get(alpha_3=code) is not None or pycountry.historic_countries.get(alpha_3=code) is not None


def describe(p: Participation) -> str:
    return f"{p.arrangement}: {p.actor} as {p.role} from {p.start}"


def unknown(kind: str, ident: str, known) -> str:
    """The message for an unknown id, with the closest known id as a suggestion."""
    close = difflib.get_close_matches(ident, list(known), n=1, cutoff=0.6)
    return f"unknown {kind} '{ident}'" + (f"; did you mean {close[0]}?" if close else "")


def check(ds: Dataset) -> Iterator[Problem]:
    """Every rule, over the whole dataset."""
    for s in ds.sources.values():
        yield from _check_source(s)
    for actor in ds.actors.values():
        yield from _check_actor(ds, actor)
    for arr in ds.arrangements.values():
        yield from _check_arrangement(ds, arr)
    yield from _check_parent_cycles(ds)


def check_changed(old: Dataset, new: Dataset) -> Iterator[Problem]:
    """The problems :func:`check` finds in ``new``, in the same order, provided ``old`` passes every rule.

    Only what differs is looked at. A record's problems depend on the record
    itself and on which source, actor and arrangement ids exist (and, for the
    message of an unknown id, on the ids that do). So when ``old`` has no
    problem, ``new`` can have one only in a record that is not the very same
    object in ``old`` (added or replaced: records are frozen, so the same object
    is the same content) or in one that refers to an id ``old`` has and ``new``
    lacks; parent cycles, cheap to find, are looked for everywhere. A record
    copied unchanged is merely checked again. Given an ``old`` that breaks a
    rule, the answer may differ from :func:`check`'s: ask that instead.
    """
    gone_sources = old.sources.keys() - new.sources.keys()
    gone_actors = old.actors.keys() - new.actors.keys()
    gone_arrangements = old.arrangements.keys() - new.arrangements.keys()
    for sid, s in new.sources.items():
        if old.sources.get(sid) is not s:
            yield from _check_source(s)
    for aid, actor in new.actors.items():
        if old.actors.get(aid) is not actor or not gone_sources.isdisjoint(actor.sources):
            yield from _check_actor(new, actor)
    gone = gone_sources or gone_actors or gone_arrangements
    for aid, arr in new.arrangements.items():
        if old.arrangements.get(aid) is not arr or (gone and _refers_to(arr, gone_sources, gone_actors, gone_arrangements)):
            yield from _check_arrangement(new, arr)
    yield from _check_parent_cycles(new)


def _refers_to(arr: Arrangement, sources: set[str], actors: set[str], arrangements: set[str]) -> bool:
    """Whether ``arr`` (its obligations and participations included) names one of these ids."""
    if arr.parent in arrangements:
        return True
    if sources and not sources.isdisjoint([*arr.sources, *arr.founded_sources, *(s for o in arr.obligations for s in o.sources),
                                           *(s for p in arr.participations for s in p.sources)]):
        return True
    return bool(actors) and not actors.isdisjoint([*(p.actor for p in arr.participations), *(a for o in arr.obligations for a in o.parties)])


def _check_source(s: Source) -> Iterator[Problem]:
    if not s.url and s.date is None:
        yield Problem(("source", s.id), s.id, "a source needs a url or a date", "url")
    broken = check_source_host(s.kind, s.url, s.copy_of)
    if broken is not None:
        yield Problem(("source", s.id), s.id, broken, "kind")


def _missing_sources(ds: Dataset, ids: list[str], where: tuple, entry: str, what: str) -> Iterator[Problem]:
    if not ids:
        yield Problem(where, entry, f"{what} has no source", "sources")
    for sid in ids:
        if sid not in ds.sources:
            yield Problem(where, entry, unknown("source", sid, ds.sources), "sources")


def _check_actor(ds: Dataset, a: Actor) -> Iterator[Problem]:
    where = ("actor", a.id)
    yield from _missing_sources(ds, a.sources, where, a.id, "actor")
    if a.kind == "state":
        if not is_state_code(a.id):
            yield Problem(where, a.id, f"'{a.id}' is not an ISO 3166 alpha-3 code", "id")
    elif a.id != a.id.lower() or " " in a.id:
        yield Problem(where, a.id, "organisation and private actor ids are lower-case slugs", "id")
    for spell in a.cow:
        if spell.end is not None and spell.end.last <= spell.start.first:
            yield Problem(where, a.id, f"COW spell {spell.code} ends before it starts", "cow")
    if a.cow and a.kind != "state":
        yield Problem(where, a.id, "only states carry COW codes", "cow")


def _check_arrangement(ds: Dataset, arr: Arrangement) -> Iterator[Problem]:
    where = ("arrangement", arr.id)
    if arr.id != arr.id.lower() or " " in arr.id:
        yield Problem(where, arr.id, "arrangement ids are lower-case slugs", "id")
    yield from _missing_sources(ds, arr.sources + arr.founded_sources, where, arr.id, "arrangement")
    if arr.parent is not None and arr.parent not in ds.arrangements:
        yield Problem(where, arr.id, unknown("parent arrangement", arr.parent, ds.arrangements), "parent")
    if arr.ended is not None and arr.ended.last <= arr.founded.first:
        yield Problem(where, arr.id, f"ended {arr.ended} is not after founded {arr.founded}", "ended")
    if arr.signed is not None and arr.signed.first > arr.founded.last:
        yield Problem(where, arr.id, f"signed {arr.signed} is after founded {arr.founded} (a treaty is signed first)", "signed")

    roles = set(vocab.ROLES) | set(vocab.ROLE_CATEGORIES)
    for i, ob in enumerate(arr.obligations):
        ow = ("obligation", arr.id, i)
        entry = f"{arr.id}: {ob.type} obligation"
        yield from _missing_sources(ds, ob.sources, ow, entry, "obligation")
        if ob.signed is not None and ob.start is None:
            yield Problem(ow, entry, "signed needs a start (the date the obligation took effect)", "signed")
        elif ob.signed is not None and ob.signed.first > ob.start.last:
            yield Problem(ow, entry, f"signed {ob.signed} is after start {ob.start}", "signed")
        for r in (ob.from_role, ob.to_role):
            if r not in roles:  # pragma: no cover - the model already refuses these
                yield Problem(ow, entry, f"unknown role '{r}'", "from_role")
        if ob.parties:
            taking_part = {p.actor for p in arr.participations}
            if len(set(ob.parties)) != len(ob.parties):
                yield Problem(ow, entry, "parties lists an actor twice", "parties")
            if len(set(ob.parties)) < 2:
                yield Problem(ow, entry, "parties must name at least two actors (or be left out for everyone)", "parties")
            for actor in dict.fromkeys(ob.parties):
                if actor not in ds.actors:
                    yield Problem(ow, entry, f"parties: {unknown('actor', actor, ds.actors)}", "parties")
                elif actor not in taking_part:
                    yield Problem(ow, entry, f"parties: {actor} does not take part in {arr.id}", "parties")

    life_first = arr.founded.first.toordinal()
    life_end = OPEN_END if arr.ended is None else arr.ended.last.toordinal()
    spans: dict[tuple[str, str], list[tuple[int, int, int, int, int]]] = defaultdict(list)
    for i, p in enumerate(arr.participations):
        pw = ("participation", arr.id, i)
        entry = describe(p)
        yield from _missing_sources(ds, p.sources, pw, entry, "participation")
        if p.actor not in ds.actors:
            yield Problem(pw, entry, unknown("actor", p.actor, ds.actors), "actor")
        s0, s1, e0, e1 = bounds(p.start, p.end)
        if p.signed is not None and p.signed.first.toordinal() > s1:
            yield Problem(pw, entry, f"signed {p.signed} is after start {p.start} (the instrument is signed first)", "signed")
        if p.end is not None and e1 <= s0:
            yield Problem(pw, entry, f"end {p.end} is not after start {p.start}", "end")
            continue
        if s1 < life_first:
            yield Problem(pw, entry, f"starts before {arr.id} was founded ({arr.founded})", "start")
        if arr.ended is not None and p.end is not None and e0 > life_end:
            yield Problem(pw, entry, f"ends after {arr.id} ended ({arr.ended})", "end")
        if arr.ended is not None and s0 >= life_end:
            yield Problem(pw, entry, f"starts after {arr.id} ended ({arr.ended})", "start")
        spans[(p.actor, p.role)].append((s0, s1, e0, e1, i))

    for (actor, role), items in spans.items():
        items.sort()
        for k, (a_s0, a_s1, a_e0, a_e1, ai) in enumerate(items):
            for b_s0, b_s1, b_e0, b_e1, bi in items[k + 1:]:
                # Certain overlap: both have surely begun before either can have ended. (A period
                # known only as "by X" may begin after an earlier period's "left by X" end.)
                if max(a_s1, b_s1) < min(a_e0, b_e0):
                    p = arr.participations[bi]
                    yield Problem(
                        ("participation", arr.id, bi),
                        describe(p),
                        f"overlaps another interval of {actor} as {role} in {arr.id} (from {arr.participations[ai].start})",
                        "start",
                    )


def _check_parent_cycles(ds: Dataset) -> Iterator[Problem]:
    for arr in ds.arrangements.values():
        seen = {arr.id}
        cur = arr.parent
        while cur is not None and cur in ds.arrangements:
            if cur in seen:
                yield Problem(("arrangement", arr.id), arr.id, f"parent cycle through '{cur}'", "parent")
                break
            seen.add(cur)
            cur = ds.arrangements[cur].parent
