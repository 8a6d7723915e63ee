"""Reads are open; writes need a bearer token with the right role; tokens are stored hashed and can be revoked."""

import json

import pytest
import sqlalchemy as sa

from secnet import store
from secnet.api.auth import create_token
from tests.test_api import client_for

NOTE = {"note": "checked against the depositary"}


@pytest.fixture
def api(db_url):
    with client_for(db_url) as c:
        yield c
    c.app.state.engine.dispose()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def patch_note(api, token: str | None):
    headers = {"If-Match": api.get("/api/v1/sources/treaty").headers["etag"]}
    if token:
        headers.update(bearer(token))
    return api.patch("/api/v1/sources/treaty", json=NOTE, headers=headers)


def test_reads_need_no_token(api):
    assert api.get("/api/v1/arrangements/nato/members").status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer secnet_not-a-real-token"}, {"Authorization": "Basic dXNlcjpwdw=="},
                                     {"Authorization": "Bearer"}])
def test_a_write_without_a_valid_token_is_401(api, headers):
    res = api.patch("/api/v1/sources/treaty", json=NOTE, headers={"If-Match": '"1"', **headers})
    assert res.status_code == 401
    assert res.headers["www-authenticate"].startswith("Bearer")
    assert "token" in res.json()["detail"]
    assert api.get("/api/v1/sources/treaty").json()["note"] == ""


def test_editor_edits_but_only_an_admin_deletes_whole_records(api):
    engine = api.app.state.engine
    editor, admin = create_token(engine, "eve", "editor"), create_token(engine, "ada", "admin")
    assert patch_note(api, editor).status_code == 200
    new = {"id": "extra", "title": "An extra source", "publisher": "Nobody", "date": "2024"}
    assert api.post("/api/v1/sources", json=new, headers=bearer(editor)).status_code == 201
    res = api.delete("/api/v1/sources/extra", headers={**bearer(editor), "If-Match": '"1"'})
    assert res.status_code == 403
    assert res.json()["detail"] == "token 'eve' is an editor; this needs an admin token"
    res = api.delete("/api/v1/sources/extra", headers={**bearer(admin), "If-Match": '"1"'})
    assert res.status_code == 200 and res.json()["id"] == "extra"
    log = api.get("/api/v1/edits", headers=bearer(editor)).json()
    assert [(e["who"], e["action"], e["entity_id"]) for e in log] == [
        ("ada", "delete", "extra"), ("eve", "create", "extra"), ("eve", "update", "treaty")]
    assert api.get("/api/v1/edits").status_code == 401


def test_a_revoked_token_is_refused(api, run, db_url):
    res = run("token", "create", "sam", "--role", "editor", "--db", db_url)
    assert res.code == 0, res.err
    token = res.out.strip()
    assert token.startswith("secnet_") and len(token) > 40
    assert patch_note(api, token).status_code == 200
    assert run("token", "revoke", "sam", "--db", db_url).code == 0
    res = patch_note(api, token)
    assert res.status_code == 401 and "token 'sam' was revoked" in res.json()["detail"]


def test_tokens_are_stored_hashed_and_listed_without_secrets(run, db_url):
    token = run("token", "create", "lee", "--role", "admin", "--db", db_url).out.strip()
    engine = store.connect(db_url)
    with engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(sa.select(store.schema.api_tokens))]
    assert token not in json.dumps(stored, default=str)
    listing = run("token", "list", "--db", db_url, "--format", "json")
    rows = json.loads(listing.out)
    assert [(r["name"], r["role"], r["revoked_at"]) for r in rows] == [("lee", "admin", None)]
    assert token not in listing.out
    engine.dispose()


@pytest.mark.parametrize("args, message", [
    (["token", "create", "x", "--role", "owner"], "--role: 'owner' is not one of editor, admin"),
    (["token", "create", "two words"], "token name 'two words'"),
    (["token", "revoke", "nobody"], "unknown token 'nobody'"),
])
def test_token_command_errors_are_one_line(run, args, message):
    res = run(*args)
    assert res.code == 2 and res.err.strip() == f"secnet: error: {res.err.strip().removeprefix('secnet: error: ')}"
    assert message in res.err


def test_a_name_with_a_live_token_is_refused_until_revoked(run):
    assert run("token", "create", "kim").code == 0
    res = run("token", "create", "kim")
    assert res.code == 2 and "token 'kim' exists; revoke it first" in res.err
    assert run("token", "revoke", "kim").code == 0
    assert run("token", "create", "kim").code == 0
