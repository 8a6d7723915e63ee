"""A write is checked and served incrementally, with the same outcome as doing everything again.

- ``rules.check_changed(old, new)`` finds exactly the problems ``rules.check(new)``
  finds, in the same order, whenever ``old`` passes: on random chains of edits
  (records replaced, added, deleted, or copied unchanged), valid or not;
- a registry built with ``previous=`` (reusing the untouched arrangements' row
  tables) is the same as one built afresh;
- through the server, a write the full rules refuse is refused with the same
  problems, and a database that already breaks a rule is checked in full.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secnet import edits, store
from secnet.api.auth import create_token
from secnet.errors import InvalidData
from secnet.ingest.dataset import load_dataset
from secnet.model import rules
from secnet.model.dates import FuzzyDate, parse_start
from secnet.model.entities import Dataset, Obligation, Participation, Source
from secnet.registry import Registry
from secnet.store import rows
from tests.test_api import MINI, client_for

DATES = ["1949-04-04", "1955", "1994-05", "1994-05-09", "2004-03-29", "2014", "2017-06", "2023-04-04", "2030-01-01"]
SPAN_DATES = [*DATES, "[..2014]", "[..1996]"]
URLS = [None, "https://www.nato.int/cps/en/x.htm", "https://en.wikipedia.org/wiki/NATO", "https://web.archive.org/web/1/x",
        "https://example.com/page", "https://www.gov.uk/x"]
ACTOR_IDS = ["ISL", "XKX", "ZZZ", "isl", "eu", "Bad Id", "FIN"]
ROLES = ["member", "partner", "participant", "lead", "applicant", "observer"]


def _with(ds: Dataset, collection: str, ident: str, obj) -> Dataset:
    """``ds`` with one record replaced, added or (``obj=None``) removed; every other record the same object."""
    parts = {"sources": dict(ds.sources), "actors": dict(ds.actors), "arrangements": dict(ds.arrangements)}
    if obj is None:
        parts[collection].pop(ident, None)
    else:
        parts[collection][ident] = obj
    return Dataset.model_construct(**parts)


def _pick(draw, ids, extra=()):
    return draw(st.sampled_from(sorted(ids) + list(extra)))


@st.composite
def edit(draw, ds: Dataset) -> Dataset:
    """One random edit of ``ds``: any kind of record, any field a rule looks at, valid or not."""
    kind = draw(st.sampled_from(["source", "actor", "arrangement", "participation", "obligation", "copy"]))
    sids = list(ds.sources)
    if kind == "copy":  # a record replaced by an equal copy: a new object with the same content
        coll = draw(st.sampled_from(["sources", "actors", "arrangements"]))
        ident = _pick(draw, getattr(ds, coll))
        return _with(ds, coll, ident, getattr(ds, coll)[ident].model_copy())
    if kind == "source":
        action = draw(st.sampled_from(["change", "delete", "add"]))
        if action == "delete" and len(sids) > 1:  # (the last one stays, so that there is always one to pick)
            return _with(ds, "sources", _pick(draw, sids), None)
        action = "change" if action == "delete" else action
        sid = _pick(draw, sids) if action == "change" else draw(st.sampled_from(["new-src", "other-src"]))
        old = ds.sources.get(sid) or Source(id=sid, title="T", publisher="P", url="https://www.nato.int/")
        url = draw(st.sampled_from(URLS))
        new = old.model_copy(update={
            "url": url, "date": draw(st.sampled_from([None, FuzzyDate.parse("2020")])),
            "kind": draw(st.sampled_from(["official", "treaty", "news", "reference"])),
            "copy_of": draw(st.sampled_from([None, "https://www.nato.int/x", "https://example.com/x"])),
        })
        return _with(ds, "sources", sid, new)
    if kind == "actor":
        action = draw(st.sampled_from(["change", "delete", "add"]))
        if action == "delete" and len(ds.actors) > 1:
            return _with(ds, "actors", _pick(draw, ds.actors), None)
        action = "change" if action == "delete" else action
        aid = _pick(draw, ds.actors) if action == "change" else draw(st.sampled_from(ACTOR_IDS))
        base = ds.actors.get(aid) or next(iter(ds.actors.values()))
        new = base.model_copy(update={
            "id": aid, "name": draw(st.sampled_from([base.name, "Renamed"])),
            "kind": draw(st.sampled_from(["state", "state", "organisation"])),
            "sources": draw(st.lists(st.sampled_from([*sids, "no-such-source"]), max_size=2)),
            "cow": base.cow if draw(st.booleans()) else [],
        })
        return _with(ds, "actors", aid, new)
    if kind == "arrangement":
        action = draw(st.sampled_from(["change", "change", "delete"]))
        arr_id = _pick(draw, ds.arrangements)
        if action == "delete" and len(ds.arrangements) > 1:
            return _with(ds, "arrangements", arr_id, None)
        old = ds.arrangements[arr_id]
        new = old.model_copy(update={
            "parent": draw(st.sampled_from([old.parent, None, "no-such-arr", *ds.arrangements])),
            "founded": FuzzyDate.parse(draw(st.sampled_from([str(old.founded), *DATES]))),
            "ended": draw(st.sampled_from([old.ended, None, FuzzyDate.parse("2015"), FuzzyDate.parse("1990")])),
            "sources": draw(st.lists(st.sampled_from([*sids, "no-such-source"]), max_size=2)),
        })
        return _with(ds, "arrangements", arr_id, new)
    arr_id = _pick(draw, ds.arrangements)
    arr = ds.arrangements[arr_id]
    if kind == "obligation":
        actors = [*ds.actors, "ZZZ"]
        ob = Obligation(type="collective_defence", binding=True,
                        parties=draw(st.lists(st.sampled_from(actors), max_size=3)),
                        sources=draw(st.lists(st.sampled_from([*sids, "no-such-source"]), max_size=2)))
        return _with(ds, "arrangements", arr_id, arr.model_copy(update={"obligations": [*arr.obligations, ob]}))
    parts = list(arr.participations)
    action = draw(st.sampled_from(["change", "add", "duplicate", "delete"] if parts else ["add"]))
    if action == "delete":
        parts.pop(draw(st.integers(0, len(parts) - 1)))
    elif action == "duplicate":  # the same actor and role again: an overlap unless the dates keep them apart
        parts.append(parts[draw(st.integers(0, len(parts) - 1))])
    else:
        i = draw(st.integers(0, len(parts) - 1)) if action == "change" else None
        base = parts[i] if i is not None else Participation(actor="FIN", arrangement=arr_id, role="partner",
                                                             start=FuzzyDate.parse("2000"), sources=["pfp-page"])
        end = draw(st.sampled_from([None, *SPAN_DATES]))
        p = base.model_copy(update={
            "actor": draw(st.sampled_from([base.actor, *ds.actors, "ZZZ"])),
            "role": draw(st.sampled_from([base.role, *ROLES])),
            "start": parse_start(draw(st.sampled_from(SPAN_DATES))),
            "end": None if end is None else parse_start(end),
            "sources": draw(st.lists(st.sampled_from([*sids, "no-such-source"]), max_size=2)),
        })
        if i is None:
            parts.append(p)
        else:
            parts[i] = p
    return _with(ds, "arrangements", arr_id, arr.model_copy(update={"participations": parts}))


@pytest.fixture(scope="module")
def mini_ds() -> Dataset:
    ds = load_dataset(MINI)
    assert not list(rules.check(ds))
    return ds


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_incremental_check_finds_what_the_full_check_finds(mini_ds, data):
    base = mini_ds
    for _ in range(data.draw(st.integers(1, 6), label="steps")):
        new = data.draw(edit(base), label="edit")
        full = list(rules.check(new))
        assert list(rules.check_changed(base, new)) == full
        if not full:  # a valid result is the next base, as after an accepted write
            base = new


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_on_the_shipped_dataset_too(shipped, data):
    base = shipped.dataset  # about 1,600 participations and every kind of source host; it passes (the loader checks)
    for _ in range(data.draw(st.integers(1, 3), label="steps")):
        new = data.draw(edit(base), label="edit")
        full = list(rules.check(new))
        assert list(rules.check_changed(base, new)) == full
        if not full:
            base = new


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_registry_built_from_the_previous_one_is_the_same_as_one_built_afresh(mini_ds, data):
    old = Registry(mini_ds)
    for _ in range(data.draw(st.integers(1, 4), label="steps")):
        new_ds = data.draw(edit(old.dataset), label="edit")
        reused, fresh = Registry(new_ds, previous=old), Registry(new_ds)
        a, b = reused.prepared, fresh.prepared
        assert a.parts == b.parts and a.static == b.static and a.children == b.children
        for x, y in ((a.s0, b.s0), (a.s1, b.s1), (a.e0, b.e0), (a.e1, b.e1)):
            assert np.array_equal(x, y)
        for ix, iy in ((a.by_arr, b.by_arr), (a.by_actor, b.by_actor)):
            assert ix.keys() == iy.keys() and all(np.array_equal(ix[k], iy[k]) for k in ix)
        for at in ("1996", "2010-05-01", "2023-04-04", "2024"):
            assert reused.roster(at) == fresh.roster(at)
            for arr in new_ds.arrangements:  # a child of a deleted parent is an error in both
                assert _outcome(reused.participants, arr, at) == _outcome(fresh.participants, arr, at)
        old = reused


def _outcome(f, *args):
    try:
        return f(*args)
    except Exception as e:  # noqa: BLE001 - the same error either way is the same outcome
        return type(e), str(e)


def test_untouched_arrangements_keep_their_prepared_rows_and_a_renamed_actor_refreshes_its_own(mini_ds):
    old = Registry(mini_ds)
    fin = mini_ds.actors["FIN"]
    new = Registry(_with(mini_ds, "actors", "FIN", fin.model_copy(update={"name": "Suomi"})), previous=old)
    for aid, arr in mini_ds.arrangements.items():
        has_fin = any(p.actor == "FIN" for p in arr.participations)
        assert (new.prepared.blocks[aid] is old.prepared.blocks[aid]) is not has_fin, aid
    assert {r["name"] for r in new.members("nato", at="2024") if r["actor_id"] == "FIN"} == {"Suomi"}
    assert {r["name"] for r in old.members("nato", at="2024") if r["actor_id"] == "FIN"} == {"Finland"}


def test_snapshots_keep_their_own_caches(mini_ds):
    old = Registry(mini_ds)
    old.participants("pfp", "2010")
    new = Registry(_with(mini_ds, "actors", "AUT", mini_ds.actors["AUT"].model_copy(update={"name": "Österreich"})),
                   previous=old)
    assert {r["name"] for r in new.participants("pfp", "2010") if r["actor_id"] == "AUT"} == {"Österreich"}
    assert {r["name"] for r in old.participants("pfp", "2010") if r["actor_id"] == "AUT"} == {"Austria"}


# --- through the server ---------------------------------------------------------------------------


@pytest.fixture
def api(db_url):
    with client_for(db_url) as c:
        engine = c.app.state.engine
        c.editor = {"Authorization": f"Bearer {create_token(engine, 'eve', 'editor')}"}
        yield c
    engine.dispose()


def _refusal_in_full(engine, kind, ident, changes) -> list[str]:
    """The problems the write gets when checked against the whole database (no served base)."""
    version = edits.get(engine, kind, ident)["version"]
    with pytest.raises(InvalidData) as e:
        edits.update(engine, kind, ident, changes, version=version, who="full")
    return e.value.problems


def test_a_write_the_full_rules_refuse_is_refused_with_the_same_problems(api):
    engine = api.app.state.engine
    fin = api.get("/api/v1/participations/pfp:FIN:partner:1994-05-09")
    changes = {"start": "2024", "end": "2020", "sources": ["pfp-page", "no-such-source"]}  # two broken rules
    expected = _refusal_in_full(engine, "participation", fin.json()["id"], changes)
    assert len(expected) == 2
    api.get("/api/v1/arrangements")  # the served snapshot is current, and a write starts from it
    res = api.patch(f"/api/v1/participations/{fin.json()['id']}", json=changes,
                    headers={**api.editor, "If-Match": fin.headers["etag"]})
    assert res.status_code == 422 and res.json()["problems"] == expected
    assert api.app.state.live.passes(api.app.state.live.registry)  # the refused write left the snapshot as it was


def test_a_database_that_already_breaks_a_rule_is_checked_in_full(api):
    engine = api.app.state.engine
    with engine.begin() as conn:  # as if the rules had grown stricter since the load: a news host labelled official
        store.bump_data_version(conn)
        rows.update_row(conn, "source", "pfp-page", {"url": "https://www.reuters.com/x"}, version=None)
    api.get("/api/v1/arrangements")
    live = api.app.state.live
    assert not live.passes(live.registry)
    aut = api.get("/api/v1/actors/AUT")
    res = api.patch("/api/v1/actors/AUT", json={"name": "Österreich"}, headers={**api.editor, "If-Match": aut.headers["etag"]})
    assert res.status_code == 422
    assert any("pfp-page" in p and "reuters.com" in p for p in res.json()["problems"])
