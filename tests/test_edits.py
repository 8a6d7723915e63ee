"""Team edits through the API: validated like the YAML, versioned, logged, transactional; none lost under contention."""

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from secnet import edits, store
from secnet.api.app import create_app
from secnet.api.auth import create_token
from secnet.ingest.dataset import load_dataset
from secnet.registry import Registry
from tests.test_api import MINI, client_for


@pytest.fixture
def api(db_url):
    with client_for(db_url) as c:
        engine = c.app.state.engine
        c.editor = {"Authorization": f"Bearer {create_token(engine, 'eve', 'editor')}"}
        c.admin = {"Authorization": f"Bearer {create_token(engine, 'ada', 'admin')}"}
        yield c
    engine.dispose()


def ids(rows):
    return sorted({x["actor_id"] for x in rows})


def jef_members(api, at="2024"):
    return ids(api.get("/api/v1/arrangements/jef/members", params={"at": at}).json())


AUT_IN_JEF = {"arrangement": "jef", "actor": "AUT", "role": "participant", "start": "2020-03", "sources": ["pfp-page"]}


def test_a_participation_is_created_changed_and_deleted(api):
    assert "AUT" not in jef_members(api)
    res = api.post("/api/v1/participations", json=AUT_IN_JEF, headers=api.editor)
    assert res.status_code == 201, res.text
    p = res.json()
    assert res.headers["etag"] == '"1"' and res.headers["location"] == f"/api/v1/participations/{p['id']}"
    assert p == {**AUT_IN_JEF, "id": p["id"], "end": None, "signed": None, "note": "", "version": 1}
    assert "AUT" in jef_members(api)  # the registry follows at once

    res = api.patch(f"/api/v1/participations/{p['id']}", json={"end": "2023-01-01", "note": "left", "signed": "2099"},
                    headers={**api.editor, "If-Match": '"1"'})
    assert res.status_code == 422 and "signed 2099 is after start" in res.text  # validated like the YAML
    res = api.patch(f"/api/v1/participations/{p['id']}", json={"end": "2023-01-01", "note": "left"},
                    headers={**api.editor, "If-Match": '"1"'})
    assert res.status_code == 200, res.text
    assert res.headers["etag"] == '"2"' and res.json()["end"] == "2023-01-01"
    assert "AUT" in jef_members(api, "2022-12-31") and "AUT" not in jef_members(api, "2023-01-01")

    res = api.delete(f"/api/v1/participations/{p['id']}", headers={**api.editor, "If-Match": '"2"'})
    assert res.status_code == 200 and res.json()["note"] == "left"
    assert "AUT" not in jef_members(api, "2022")
    assert api.get(f"/api/v1/participations/{p['id']}").status_code == 404


def test_every_kind_of_record_can_be_created_and_changed(api):
    h = api.editor
    assert api.post("/api/v1/sources", json={"id": "jef-2023", "title": "JEF leaders' statement", "publisher": "UK MOD",
                                             "url": "https://www.gov.uk/government/news/jef-2023"}, headers=h).status_code == 201
    assert api.post("/api/v1/actors", json={"id": "NOR", "kind": "state", "name": "Norway", "regions": ["northern_europe"],
                                            "sources": ["iso"]}, headers=h).status_code == 201
    res = api.post("/api/v1/arrangements", json={
        "id": "nb8", "name": "Nordic-Baltic Eight", "kind": "flexible_format", "relation": "minilateral", "founded": "1992",
        "sources": ["jef-2023"], "obligations": [{"type": "consultation", "binding": False, "sources": ["jef-2023"]}]}, headers=h)
    assert res.status_code == 201, res.text
    assert api.post("/api/v1/participations", json={"arrangement": "nb8", "actor": "NOR", "role": "member", "start": "1992",
                                                    "sources": ["jef-2023"]}, headers=h).status_code == 201
    assert ids(api.get("/api/v1/arrangements/nb8/members", params={"at": "2024"}).json()) == ["NOR"]
    res = api.patch("/api/v1/actors/NOR", json={"aliases": ["Kingdom of Norway"]}, headers={**h, "If-Match": '"1"'})
    assert res.status_code == 200 and res.json()["aliases"] == ["Kingdom of Norway"] and res.json()["version"] == 2
    assert api.get("/api/v1/search", params={"q": "kingdom of norway"}).json()[0]["id"] == "NOR"


def test_closing_an_arrangement_closes_its_open_participations_as_the_loader_does(api):
    before = {p["actor"]: p for p in api.get("/api/v1/arrangements/jef/participations").json()}
    assert before["GBR"]["end"] is None
    res = api.patch("/api/v1/arrangements/jef", json={"ended": "2025-01-01"}, headers={**api.editor, "If-Match": '"1"'})
    assert res.status_code == 200, res.text
    after = {p["actor"]: p for p in api.get("/api/v1/arrangements/jef/participations").json()}
    assert after["GBR"]["end"] == "2025-01-01" and after["GBR"]["version"] == 2
    assert jef_members(api, "2025-06") == []


@pytest.mark.parametrize("body, problems", [
    ({**AUT_IN_JEF, "actor": "AUS", "sources": []},
     ["jef: AUS as participant from 2020-03: participation has no source", "jef: AUS as participant from 2020-03: unknown actor 'AUS'; did you mean USA?"]),
    ({**AUT_IN_JEF, "actor": "FIN", "start": "2019"},
     ["jef: FIN as participant from 2019: overlaps another interval of FIN as participant in jef (from 2017-06)"]),
    ({**AUT_IN_JEF, "start": "2010"}, ["jef: AUT as participant from 2010: starts before jef was founded (2014)"]),
    ({**AUT_IN_JEF, "end": "2019"}, ["jef: AUT as participant from 2020-03: end 2019 is not after start 2020-03"]),
    ({**AUT_IN_JEF, "role": "partcipant"}, ["participation in jef: role: unknown role 'partcipant'; did you mean participant?"]),
    ({**AUT_IN_JEF, "start": "2020-13"}, ["participation in jef: start: impossible date '2020-13': month 13 does not exist"]),
    ({**AUT_IN_JEF, "arrangement": "jeff"}, ["participation: unknown arrangement 'jeff'; did you mean jef?"]),
])
def test_a_write_that_breaks_the_rules_is_refused_with_every_problem(api, body, problems):
    res = api.post("/api/v1/participations", json=body, headers=api.editor)
    assert res.status_code == 422
    assert sorted(res.json()["problems"]) == sorted(problems)
    assert jef_members(api) == ["FIN", "GBR", "SWE"]
    assert api.get("/api/v1/edits", headers=api.editor).json() == []


def test_deleting_what_others_rely_on_is_refused(api):
    res = api.delete("/api/v1/actors/FIN", headers={**api.admin, "If-Match": '"1"'})
    assert res.status_code == 422 and any("unknown actor 'FIN'" in p for p in res.json()["problems"])
    res = api.delete("/api/v1/arrangements/nato", headers={**api.admin, "If-Match": '"1"'})
    assert res.status_code == 422 and "pfp: unknown parent arrangement 'nato'" in res.json()["problems"]
    res = api.delete("/api/v1/sources/iso", headers={**api.admin, "If-Match": '"1"'})
    assert res.status_code == 422 and len(res.json()["problems"]) == 7  # every state cites it
    assert api.get("/api/v1/actors/FIN").status_code == 200


def test_deleting_an_arrangement_takes_its_participations(api):
    res = api.delete("/api/v1/arrangements/jef", headers={**api.admin, "If-Match": '"1"'})
    assert res.status_code == 200, res.text
    assert api.get("/api/v1/arrangements/jef").status_code == 404
    assert "jef" not in {x["arrangement_id"] for x in api.get("/api/v1/actors/FIN/arrangements", params={"at": "2020"}).json()}


def test_versions_no_if_match_is_428_a_stale_one_412(api):
    url, h = "/api/v1/arrangements/jef", api.editor
    res = api.patch(url, json={"note": "x"}, headers=h)
    assert res.status_code == 428 and "If-Match" in res.json()["detail"]
    assert api.patch(url, json={"note": "first"}, headers={**h, "If-Match": '"1"'}).status_code == 200
    res = api.patch(url, json={"note": "second"}, headers={**h, "If-Match": '"1"'})
    assert res.status_code == 412 and res.json()["detail"].startswith("arrangement jef is at version 2, not 1")
    assert api.patch(url, json={"note": "x"}, headers={**h, "If-Match": "yesterday"}).status_code == 412
    assert api.delete(url, headers={**api.admin, "If-Match": '"1"'}).status_code == 412
    assert api.get(url).json()["record"]["note"] == "first"
    assert api.patch(url, json={"note": "second"}, headers={**h, "If-Match": 'W/"2"'}).status_code == 200


def test_creating_an_existing_id_is_409(api):
    res = api.post("/api/v1/sources", json={"id": "treaty", "title": "t", "publisher": "p", "date": "2000"}, headers=api.editor)
    assert res.status_code == 409 and res.json()["detail"] == "source 'treaty' already exists"


@pytest.mark.parametrize("content, fragment", [
    (b"{not json", "JSON decode error"),
    (b'{"note": 5}', "body.note"),
    (b'{"colour": "red"}', "body.colour: Extra inputs are not permitted"),
    (b"[]", "body"),
])
def test_a_malformed_body_is_a_json_422(api, content, fragment):
    res = api.patch("/api/v1/sources/treaty", content=content, headers={**api.editor, "If-Match": '"1"', "Content-Type": "application/json"})
    assert res.status_code == 422
    assert fragment in res.json()["detail"]


def test_nul_characters_are_refused_not_a_server_error(api):
    """PostgreSQL cannot store NUL; both engines refuse it the same way."""
    res = api.patch("/api/v1/sources/treaty", json={"note": "a\u0000b"}, headers={**api.editor, "If-Match": '"1"'})
    assert res.status_code == 422 and res.json()["detail"] == "source treaty: note: NUL characters are not allowed"
    assert api.get("/api/v1/sources/tr%00eaty").status_code in (404, 422)
    assert api.get("/api/v1/participations/jef%00:GBR:lead:2014").status_code in (404, 422)


def test_the_edit_log_has_who_when_before_and_after(api):
    api.patch("/api/v1/sources/treaty", json={"note": "Art. 5 text"}, headers={**api.editor, "If-Match": '"1"'})
    api.patch("/api/v1/sources/treaty", json={"note": "refused"}, headers={**api.editor, "If-Match": '"1"'})  # stale
    [entry] = api.get("/api/v1/edits", params={"entity": "source", "id": "treaty"}, headers=api.editor).json()
    assert entry["who"] == "eve" and entry["action"] == "update" and entry["at"][:2] == "20"
    assert (entry["before"]["note"], entry["before"]["version"]) == ("", 1)
    assert (entry["after"]["note"], entry["after"]["version"]) == ("Art. 5 text", 2)


def test_an_edited_database_is_never_refreshed_from_the_shipped_files(db_url):
    with client_for(db_url, dataset=None) as api:  # the shipped dataset, loaded on first use
        engine = api.app.state.engine
        token = {"Authorization": f"Bearer {create_token(engine, 'eve', 'editor')}"}
        before = store.data_version(engine)
        res = api.patch("/api/v1/arrangements/aukus", json={"note": "edited by the team"},
                        headers={**token, "If-Match": api.get("/api/v1/arrangements/aukus").headers["etag"]})
        assert res.status_code == 200
        meta = store.get_meta(engine)
        assert meta["origin"] == "edited" and int(meta["data_version"]) == before + 1
        with engine.begin() as conn:
            store.set_meta(conn, {"digest": "as if the shipped files had changed"})
        assert Registry.open(db_url).arrangements["aukus"].note == "edited by the team"
    engine.dispose()


def test_dump_round_trips_the_shipped_data(run, tmp_path):
    db = str(tmp_path / "shipped.sqlite")
    assert run("load", "--db", db).code == 0
    res = run("dump", str(tmp_path / "dump"), "--db", db, "--format", "json")
    assert res.code == 0, res.err
    assert run("validate", str(tmp_path / "dump")).code == 0
    assert load_dataset(tmp_path / "dump").model_dump() == load_dataset().model_dump()
    res = run("dump", str(tmp_path / "dump"), "--db", db)
    assert res.code == 2 and "not an empty directory" in res.err


def test_dump_after_edits_loads_back_to_the_edited_data(api, db_url, run, tmp_path):
    assert api.post("/api/v1/participations", json=AUT_IN_JEF, headers=api.editor).status_code == 201
    assert run("dump", str(tmp_path / "d"), "--db", db_url).code == 0
    dumped = load_dataset(tmp_path / "d")
    assert dumped.model_dump() == store.read_dataset(api.app.state.engine).model_dump()
    assert "AUT" in {p.actor for p in dumped.arrangements["jef"].participations}


def test_the_version_check_is_in_the_sql_statement(db_url):
    """Even without the write lock, an UPDATE at a stale version changes nothing."""
    from secnet import registry
    from secnet.store import rows

    registry.load(MINI, db=db_url)
    engine = store.connect(db_url)
    with engine.begin() as conn:
        assert rows.update_row(conn, "source", "treaty", {"note": "a"}, version=1)
        assert not rows.update_row(conn, "source", "treaty", {"note": "b"}, version=1)
    assert edits.get(engine, "source", "treaty")["note"] == "a"
    with pytest.raises(edits.VersionRequired):
        edits.update(engine, "source", "treaty", {"note": "c"}, version=None, who="lib")
    engine.dispose()


# --- contention: a real server, 50 clients, one participation ----------------------------------------


@contextmanager
def serving(app):
    """The app under a real uvicorn server in a thread, on a free port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def contended(db_url):
    from secnet import registry

    registry.load(MINI, db=db_url)
    app = create_app(db_url)
    token = create_token(app.state.engine, "team", "editor")
    with serving(app) as base:
        pid = httpx.get(f"{base}/api/v1/participations/jef:GBR:lead:2014").json()["id"]
        yield base, f"{base}/api/v1/participations/{pid}", {"Authorization": f"Bearer {token}"}, pid
    app.state.engine.dispose()


CLIENTS = 50


@pytest.fixture
def http():
    """One connection pool with a connection per client thread (httpx clients are thread-safe)."""
    with httpx.Client(timeout=60, limits=httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)) as c:
        yield c


def test_fifty_clients_with_the_same_version_one_wins_the_rest_get_412(contended, http):
    base, url, auth, pid = contended
    barrier = threading.Barrier(CLIENTS)

    def client(i: int) -> int:
        barrier.wait()
        return http.patch(url, json={"note": f"client {i}"}, headers={**auth, "If-Match": '"1"'}).status_code

    with ThreadPoolExecutor(CLIENTS) as pool:
        codes = list(pool.map(client, range(CLIENTS)))
    assert sorted(set(codes)) == [200, 412] and codes.count(200) == 1
    final = httpx.get(url).json()
    assert final["version"] == 2 and final["note"] == f"client {codes.index(200)}"
    log = httpx.get(f"{base}/api/v1/edits", params={"entity": "participation", "id": pid}, headers=auth).json()
    assert len(log) == 1


def test_fifty_clients_appending_with_retries_lose_no_update(contended, http):
    """Read-modify-write with If-Match, retrying on 412: every client's change is in the final record."""
    base, url, auth, pid = contended
    barrier = threading.Barrier(CLIENTS)

    def client(i: int) -> tuple[int, list[int]]:
        codes = []
        barrier.wait()
        for _ in range(10 * CLIENTS):
            cur = http.get(url)
            note = cur.json()["note"]
            res = http.patch(url, json={"note": f"{note} c{i}".strip()}, headers={**auth, "If-Match": cur.headers["etag"]})
            codes.append(res.status_code)
            if res.status_code == 200:
                return i, codes
            assert res.status_code in (409, 412), res.text
        raise AssertionError(f"client {i} never got its change in")

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(client, range(CLIENTS)))
    applied = sum(codes.count(200) for _, codes in results)
    final = httpx.get(url).json()
    assert applied == CLIENTS
    assert sorted(final["note"].split()) == sorted(f"c{i}" for i in range(CLIENTS))  # none lost
    assert final["version"] == 1 + CLIENTS
    log = httpx.get(f"{base}/api/v1/edits", params={"entity": "participation", "id": pid, "limit": 1000}, headers=auth).json()
    assert len(log) == CLIENTS  # one entry per applied write, none for the refused ones
    chain = sorted((e["before"]["version"], e["after"]["version"]) for e in log)
    assert chain == [(v, v + 1) for v in range(1, CLIENTS + 1)]
    assert all(e["after"]["note"].startswith(e["before"]["note"]) for e in log)
    assert json.dumps(final)  # the record is still plain JSON


@pytest.mark.parametrize("header", ['"\u00b9"', "\u00b9", 'W/"\u0663"', '"1' + "0" * 18 + '"'])
def test_if_match_that_is_no_ascii_number_is_stale_not_a_crash(header):
    """A server reads headers as Latin-1, so 0xB9 arrives as "¹": a digit to str.isdigit(), not to int()."""
    from secnet.api.write import version_of

    with pytest.raises(edits.StaleVersion, match="is not a version of this record"):
        version_of(header)
