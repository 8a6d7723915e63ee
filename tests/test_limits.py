"""Request-size limit: a body over the limit gets 413 JSON before it is read in full, with a token or without."""

import json
import socket

import httpx
import pytest
from fastapi.testclient import TestClient

from secnet.api.app import create_app
from secnet.api.auth import create_token
from secnet.api.limits import DEFAULT_MAX_BODY, parse_size
from tests.test_api import client_for
from tests.test_edits import serving

EIGHT_MB = 8 * 1000 * 1000


@pytest.fixture
def server(tmp_path, mini):
    from secnet import registry

    url = f"sqlite:///{tmp_path / 'limits.sqlite'}"
    registry.load(mini, db=url)
    app = create_app(url)
    token = create_token(app.state.engine, "eve", "editor")
    with serving(app) as base:
        yield base, token
    app.state.engine.dispose()


def _raw(base: str, head: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(head.encode())
    return s


def _response(s: socket.socket) -> tuple[int, dict]:
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"}"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


@pytest.mark.parametrize("with_token", [False, True], ids=["no token", "token"])
def test_an_8mb_body_gets_413(server, with_token):
    base, token = server
    headers = {"Authorization": f"Bearer {token}"} if with_token else {}
    body = json.dumps({"id": "big", "title": "x" * EIGHT_MB, "publisher": "NATO", "url": "https://www.nato.int/"})
    res = httpx.post(f"{base}/api/v1/sources", content=body, headers={**headers, "Content-Type": "application/json"})
    assert res.status_code == 413
    assert "limit is 1 MiB" in res.json()["detail"]


def test_a_declared_length_over_the_limit_is_refused_before_any_body_is_sent(server):
    base, _ = server
    s = _raw(base, "POST /api/v1/sources HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: 300000000\r\n\r\n")  # 300 MB promised, not one byte sent
    with s:
        status, body = _response(s)
    assert status == 413 and "too large" in body["detail"]


def test_a_chunked_body_is_counted_and_cut_off(server):
    base, token = server
    s = _raw(base, f"POST /api/v1/sources HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                   "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 65536
    sent = 0
    with s:
        s.settimeout(0.2)
        while sent < EIGHT_MB:
            try:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            try:
                if s.recv(1, socket.MSG_PEEK):
                    break  # the server has answered
            except TimeoutError:
                pass
        s.settimeout(10)
        status, body = _response(s)
    assert status == 413 and "too large" in body["detail"]
    assert sent < 4 * DEFAULT_MAX_BODY  # answered once the count passed the limit, not after 8 MB


def test_bodies_under_the_limit_are_served_as_before(tmp_path, mini):
    with client_for(f"sqlite:///{tmp_path / 'ok.sqlite'}", mini) as c:
        token = create_token(c.app.state.engine, "eve", "editor")
        res = c.post("/api/v1/sources", headers={"Authorization": f"Bearer {token}"},
                     json={"id": "ok", "title": "Fine", "publisher": "NATO", "url": "https://www.nato.int/"})
        assert res.status_code == 201, res.text
        res = c.post("/api/v1/sources", headers={"Authorization": f"Bearer {token}"},
                     json={"id": "nearly", "title": "x" * (DEFAULT_MAX_BODY - 200), "publisher": "NATO"})
        assert res.status_code != 413


def test_the_limit_is_configurable(tmp_path, mini, monkeypatch):
    from secnet import registry

    url = f"sqlite:///{tmp_path / 'small.sqlite'}"
    registry.load(mini, db=url)
    body = {"id": "s", "title": "x" * 3000, "publisher": "NATO"}
    with TestClient(create_app(url, max_body="2KiB")) as c:
        res = c.post("/api/v1/sources", json=body)
        assert res.status_code == 413 and "limit is 2 KiB" in res.json()["detail"]
    monkeypatch.setenv("SECNET_MAX_BODY", "1KB")
    with TestClient(create_app(url)) as c:
        assert c.post("/api/v1/sources", json=body).status_code == 413
        assert c.get("/api/v1/actors").status_code == 200


@pytest.mark.parametrize(("text", "size"), [("1048576", 2**20), ("1MiB", 2**20), ("512 KiB", 2**19), ("2MB", 2_000_000)])
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("bad", ["abc", "1 parsec", "0", "-5"])
def test_serve_refuses_a_bad_limit_in_one_line(run, bad):
    res = run("serve", "--max-body", bad, "--port", "0")
    assert res.code == 2
    assert res.err.startswith("secnet: error: --max-body:") and res.err.count("\n") == 1
