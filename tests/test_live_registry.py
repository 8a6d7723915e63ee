"""Reads stay fast while writes run: each write builds the next registry snapshot beside the served one,
from the records it touched, and swaps it in; readers never wait for a build and read the same answers
as a registry read afresh from the database."""

import threading

import pytest

from secnet import edits, registry, store
from secnet.api.auth import create_token
from secnet.findings.cache import cached_findings
from secnet.registry import Registry
from tests.test_api import MINI, client_for

AUT_IN_JEF = {"arrangement": "jef", "actor": "AUT", "role": "participant", "start": "2020-03", "sources": ["pfp-page"]}


@pytest.fixture
def api(db_url):
    with client_for(db_url) as c:
        engine = c.app.state.engine
        c.admin = {"Authorization": f"Bearer {create_token(engine, 'ada', 'admin')}"}
        yield c
    engine.dispose()


def content(ds) -> dict:
    """A dataset as plain data, independent of the order records were read in."""
    return {name: {k: v.model_dump() for k, v in sorted(getattr(ds, name).items())}
            for name in ("sources", "actors", "arrangements")}


def same_as_the_database(api) -> bool:
    live = api.app.state.live
    return live.version == store.data_version(api.app.state.engine) and \
        content(live.registry.dataset) == content(store.read_dataset(api.app.state.engine))


def members(api, arrangement="jef", at="2024"):
    return sorted(r["actor_id"] for r in api.get(f"/api/v1/arrangements/{arrangement}/members", params={"at": at}).json())


def test_every_kind_of_write_leaves_the_snapshot_equal_to_the_database(api):
    h = api.admin
    steps = [
        ("post", "/api/v1/sources", {"id": "note", "title": "A note", "publisher": "NATO", "url": "https://www.nato.int/"}),
        ("post", "/api/v1/actors", {"id": "ISL", "kind": "state", "name": "Iceland", "regions": ["northern_europe"], "sources": ["iso"]}),
        ("post", "/api/v1/participations", AUT_IN_JEF),
        ("patch", "/api/v1/actors/FIN", {"name": "Suomi"}),
        ("patch", "/api/v1/arrangements/jef", {"ended": "2030-01-01"}),  # closes the open participations with it
        ("patch", "/api/v1/sources/note", {"title": "A longer note"}),
    ]
    for method, path, body in steps:
        headers = {**h, "If-Match": api.get(path).headers["etag"]} if method == "patch" else h
        res = getattr(api, method)(path, json=body, headers=headers)
        assert res.status_code in (200, 201), (path, res.text)
        assert same_as_the_database(api), path
    assert "AUT" in members(api) and "FIN" in members(api)
    assert api.get("/api/v1/actors/FIN").json()["name"] == "Suomi"
    aut = api.get("/api/v1/participations/jef:AUT:participant:2020-03")
    assert aut.json()["end"] == "2030-01-01"
    assert api.delete(f"/api/v1/participations/{aut.json()['id']}", headers={**h, "If-Match": aut.headers["etag"]}).status_code == 200
    assert same_as_the_database(api) and "AUT" not in members(api)
    isl = api.get("/api/v1/actors/ISL")
    assert api.delete("/api/v1/actors/ISL", headers={**h, "If-Match": isl.headers["etag"]}).status_code == 200
    assert same_as_the_database(api) and api.get("/api/v1/actors/ISL").status_code == 404


def test_a_write_hands_over_a_dataset_equal_to_what_the_database_reads_back(api):
    """The server swaps in the dataset a write left without reading the records back: every field a record can
    carry comes out as the database stores it (dates, a "[..X]" start, an open end closed by the arrangement's
    end, obligations with parties, COW spells, a web-archive copy)."""
    h = api.admin
    steps = [
        ("post", "/api/v1/sources", {"id": "snap", "title": "A snapshot", "publisher": "NATO", "kind": "official",
                                     "url": "https://web.archive.org/web/2019/https://www.nato.int/x",
                                     "copy_of": "https://www.nato.int/x", "date": "2019-03", "supports": "all", "note": " n "}),
        ("post", "/api/v1/actors", {"id": "ISL", "kind": "state", "name": "Iceland", "aliases": ["Ísland"], "sources": ["iso"],
                                    "cow": [{"code": 395, "abb": "ICE", "start": "1944-06-17"}], "regions": ["northern_europe"]}),
        ("post", "/api/v1/arrangements", {"id": "nb8", "name": "Nordic-Baltic Eight", "kind": "minilateral",
                                          "relation": "minilateral", "founded": "1992", "signed": "1991-12",
                                          "sources": ["snap"], "founded_sources": ["pfp-page"], "issue_areas": ["defence_industry"],
                                          "obligations": [{"type": "consultation", "binding": False,
                                                           "article": "Art. 1", "start": "1993", "sources": ["snap"]}]}),
        ("post", "/api/v1/participations", {"arrangement": "nb8", "actor": "FIN", "role": "participant", "start": "[..1995]",
                                            "signed": "1991", "sources": ["snap"]}),
        ("post", "/api/v1/participations", {"arrangement": "nb8", "actor": "SWE", "role": "participant", "start": "1992-05-01",
                                            "sources": ["snap"], "note": "founding"}),
        ("patch", "/api/v1/arrangements/nb8", {"ended": "2030"}),  # closes both open participations with it
        ("patch", "/api/v1/actors/ISL", {"cow": []}),
    ]
    for method, path, body in steps:
        headers = {**h, "If-Match": api.get(path).headers["etag"]} if method == "patch" else h
        res = getattr(api, method)(path, json=body, headers=headers)
        assert res.status_code in (200, 201), (path, res.text)
        assert same_as_the_database(api), path
    swe = api.get("/api/v1/participations/nb8:SWE:participant:1992-05-01")
    assert swe.json()["end"] == "2030"
    res = api.delete(f"/api/v1/participations/{swe.json()['id']}", headers={**h, "If-Match": swe.headers["etag"]})
    assert res.status_code == 200 and same_as_the_database(api)


def test_writes_by_another_process_and_a_load_are_followed(api, mini):
    engine = api.app.state.engine
    fin = edits.get(engine, "actor", "FIN")
    edits.update(engine, "actor", "FIN", {"name": "Suomi"}, version=fin["version"], who="elsewhere")
    edits.create(engine, "participation", AUT_IN_JEF, who="elsewhere")
    assert "AUT" in members(api) and api.get("/api/v1/actors/FIN").json()["name"] == "Suomi"
    assert same_as_the_database(api)
    registry.load(mini, engine=engine, force=True)  # no edit-log rows: a gap, so the whole database is read
    assert "AUT" not in members(api) and api.get("/api/v1/actors/FIN").json()["name"] == "Finland"
    assert same_as_the_database(api)


def test_a_failed_write_leaves_the_snapshot_alone(api):
    live = api.app.state.live
    before = live.registry
    res = api.post("/api/v1/participations", json={**AUT_IN_JEF, "actor": "XXX"}, headers=api.admin)
    assert res.status_code == 422
    assert live.registry is before and same_as_the_database(api)


def test_readers_keep_the_old_snapshot_while_the_next_is_built(tmp_path):
    """A build that takes as long as it likes (a loader waiting on an event) does not hold up a reader."""
    url = f"sqlite:///{tmp_path / 'slow.sqlite'}"
    registry.load(MINI, db=url)
    engine = store.connect(url)
    release, building = threading.Event(), threading.Event()

    def slow_loader() -> Registry:
        building.set()
        assert release.wait(30)
        return Registry(store.read_dataset(engine))

    from secnet.api.app import create_app
    from tests.test_api import TestClient

    app = create_app(url, registry_loader=lambda: Registry(store.read_dataset(engine)))
    with TestClient(app) as c:
        assert "AUT" not in members(c)
        live = app.state.live
        live._loader = slow_loader  # from now on a build waits until released
        edits.create(engine, "participation", AUT_IN_JEF, who="elsewhere")
        builder = threading.Thread(target=live.refresh)
        builder.start()
        assert building.wait(30)
        assert "AUT" not in members(c)  # answered at once, from the served snapshot
        release.set()
        builder.join(30)
        assert "AUT" in members(c)
    engine.dispose()


def test_no_reader_builds_the_snapshot_while_a_write_of_this_server_is_under_way(api):
    """The write builds it when it is done: a reader in between is answered from the served snapshot at once
    (before, the first reader to notice the new version built it, and waited the whole build)."""
    live, engine = api.app.state.live, api.app.state.engine
    before = live.registry
    with live.writing():
        edits.create(engine, "participation", AUT_IN_JEF, who="ada")  # committed; the snapshot is not built yet
        assert "AUT" not in members(api) and live.registry is before
    assert live.registry is not before and "AUT" in members(api)
    assert same_as_the_database(api)


def test_the_next_write_starts_from_the_dataset_the_last_one_handed_over(api):
    """Between a write's commit and its snapshot's swap, the next write of this server already has the content
    before it: the dataset the first one left (else it would read and check the whole database)."""
    live, engine = api.app.state.live, api.app.state.engine
    served = live.version
    handed = []
    edits.create(engine, "participation", AUT_IN_JEF, who="ada", base=live.dataset_at,
                 committed=lambda v, ds: (handed.append((v, ds)), live.committed(v, ds)))
    (version, ds), = handed
    assert version == served + 1 and live.version == served  # committed, not yet served
    assert live.dataset_at(version) is ds and live.dataset_at(served) is live.registry.dataset
    fin = edits.get(engine, "actor", "FIN")
    edits.update(engine, "actor", "FIN", {"name": "Suomi"}, version=fin["version"], who="ada", base=live.dataset_at,
                 committed=live.committed)
    assert live.refresh() and same_as_the_database(api)
    assert "AUT" in members(api) and api.get("/api/v1/actors/FIN").json()["name"] == "Suomi"


def test_findings_are_cached_per_snapshot(api):
    live = api.app.state.live
    old = live.registry
    first = cached_findings(old, "2024")
    assert cached_findings(old, "2024") == first
    fin = api.get("/api/v1/actors/FIN")
    api.patch("/api/v1/actors/FIN", json={"name": "Suomi"}, headers={**api.admin, "If-Match": fin.headers["etag"]})
    new = live.registry
    assert new is not old  # a new snapshot, so a fresh cache entry
    assert cached_findings(old, "2024") == first  # the old snapshot's answers are unchanged
    assert cached_findings(new, "2024") == api.get("/api/v1/findings", params={"at": "2024"}).json()
