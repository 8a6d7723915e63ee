"""The REST API answers what the CLI answers, on SQLite and PostgreSQL; bad input is a clear 4xx JSON error."""

import csv
import io
import json
import socket
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from secnet import registry
from secnet.api.app import create_app

with warnings.catch_warnings():  # Starlette suggests httpx2; the TestClient works as documented with httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

MINI = Path(__file__).parent / "fixtures" / "mini"


def client_for(db_url: str, dataset: Path | None = MINI) -> TestClient:
    """An in-process client over a database loaded with ``dataset`` (None: the shipped one on first use)."""
    if dataset is not None:
        registry.load(dataset, db=db_url)
    return TestClient(create_app(db_url))


@pytest.fixture
def api(db_url):
    with client_for(db_url) as c:
        yield c
    c.app.state.engine.dispose()


def ids(rows):
    return sorted({x["actor_id"] for x in rows})


def test_finland_is_a_member_on_accession_day_and_a_partner_the_day_before(api):
    assert "FIN" in ids(api.get("/api/v1/arrangements/nato/members", params={"at": "2023-04-04"}).json())
    assert "FIN" not in ids(api.get("/api/v1/arrangements/nato/members", params={"at": "2023-04-03"}).json())
    assert "FIN" in ids(api.get("/api/v1/arrangements/nato/partners", params={"at": "2023-04-03"}).json())


def test_reads_mirror_the_cli(api, run, db_url):
    for path, params, args in [
        ("/api/v1/arrangements/nato/members", {"at": "2024-03-07"}, ["members", "nato", "--at", "2024-03-07"]),
        ("/api/v1/arrangements/nato/members", {"at": "2023", "role": "applicant"}, ["members", "nato", "--at", "2023", "--role", "applicant"]),
        ("/api/v1/arrangements/nato/partners", {"at": "2000"}, ["partners", "nato", "--at", "2000"]),
        ("/api/v1/actors/FIN/arrangements", {"at": "2020"}, ["arrangements", "FIN", "--at", "2020"]),
        ("/api/v1/arrangements/nato/history", {}, ["history", "nato"]),
        ("/api/v1/diff", {"from": "2022-01-01", "to": "2024-06-01", "arrangement": "nato"},
         ["diff", "nato", "--from", "2022-01-01", "--to", "2024-06-01"]),
        ("/api/v1/diff", {"from": "2022", "to": "2024"}, ["diff", "all", "--from", "2022", "--to", "2024"]),
        ("/api/v1/search", {"q": "swe"}, ["search", "swe"]),
        ("/api/v1/sources", {"fact": "nato:FIN"}, ["sources", "nato:FIN"]),
        ("/api/v1/audit", {"at": "2024-06-01"}, ["audit", "--at", "2024-06-01"]),
        ("/api/v1/audit", {"from": "2021", "to": "2024"}, ["audit", "--from", "2021", "--to", "2024"]),
        ("/api/v1/coverage/FIN", {"at": "2024"}, ["coverage", "FIN", "--at", "2024"]),
        ("/api/v1/impact", {"at": "2024"}, ["impact", "--all", "--at", "2024"]),
        ("/api/v1/impact/jef", {"at": "2024"}, ["impact", "jef", "--at", "2024"]),
        ("/api/v1/timeline/nato", {}, ["timeline", "nato"]),
        ("/api/v1/overview", {"at": "2024"}, ["overview", "--at", "2024"]),
    ]:
        res = api.get(path, params=params)
        assert res.status_code == 200, (path, res.text)
        cli = run(*args, "--db", db_url, "--format", "json")
        assert cli.code == 0, cli.err
        assert res.json() == json.loads(cli.out), path


def test_actor_and_arrangement_records_carry_their_version_as_etag(api):
    res = api.get("/api/v1/actors/Finland")  # a name resolves to the id
    assert res.status_code == 200
    body = res.json()
    assert body["id"] == "FIN" and body["record"]["cow"][0]["code"] == 375
    assert res.headers["etag"] == f'"{body["version"]}"' == '"1"'
    res = api.get("/api/v1/arrangements/nato")
    assert res.json()["record"]["obligations"][0]["article"] == "Art. 5" and res.headers["etag"] == '"1"'
    parts = api.get("/api/v1/arrangements/pfp/participations").json()
    assert [(p["actor"], p["start"]) for p in parts][:2] == [("FIN", "1994-05-09"), ("SWE", "1994-05-09")]
    one = api.get(f"/api/v1/participations/{parts[0]['id']}")
    assert one.json() == parts[0] and one.headers["etag"] == '"1"'
    by_key = api.get("/api/v1/participations/pfp:FIN:partner:1994-05-09")
    assert by_key.json() == parts[0]
    src = api.get("/api/v1/sources/treaty")
    assert src.status_code == 200 and src.headers["etag"] == '"1"'


def test_network_is_seeded_and_lists_every_actor(api):
    a = api.get("/api/v1/network", params={"at": "2024", "seed": 3}).json()
    b = api.get("/api/v1/network", params={"at": "2024", "seed": 3}).json()
    assert a == b
    assert a["n_actors"] == len(a["actors"]) == 7
    assert {x["actor_id"] for x in a["actors"]} == {"USA", "GBR", "DEU", "FIN", "SWE", "AUT", "MLT"}


def test_exports(api):
    res = api.get("/api/v1/export", params={"at": "2024", "format": "csv"})
    assert res.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(res.content)).namelist()
    assert sorted(names) == ["secnet.actors.csv", "secnet.arrangements.csv", "secnet.edges.csv", "secnet.participations.csv"]
    res = api.get("/api/v1/export", params={"at": "2024", "format": "csv", "table": "participations"})
    assert res.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(res.text)))
    assert {r["actor_id"] for r in rows if r["arrangement_id"] == "nato"} == {"USA", "GBR", "DEU", "FIN", "SWE"}
    doc = api.get("/api/v1/export", params={"at": "2024", "format": "json"}).json()
    assert {"actors", "arrangements", "participations", "edges", "graph"} <= set(doc)
    assert b"<graphml" in api.get("/api/v1/export", params={"format": "graphml"}).content
    assert b"<gexf" in api.get("/api/v1/export", params={"format": "gexf", "graph": "bipartite"}).content
    parquet = api.get("/api/v1/export", params={"format": "parquet", "table": "actors"})
    assert parquet.content[:4] == b"PAR1"


@pytest.mark.parametrize("path, params, status, fragment", [
    ("/api/v1/actors/SWD", {}, 404, "unknown actor 'SWD'; did you mean SWE?"),
    ("/api/v1/arrangements/natto/members", {}, 404, "unknown arrangement 'natto'; did you mean nato?"),
    ("/api/v1/participations/999999", {}, 404, "unknown participation '999999'"),
    ("/api/v1/participations/\u00b9", {}, 404, "unknown participation '\u00b9'"),  # a digit to str.isdigit(), not to int()
    ("/api/v1/participations/nato:FIN:member:1990", {}, 404, "unknown participation"),
    ("/api/v1/sources/treatty", {}, 404, "did you mean treaty?"),
    ("/api/v1/arrangements/nato/members", {"at": "2023-02-30"}, 422, "at: impossible date '2023-02-30'"),
    ("/api/v1/arrangements/nato/members", {"at": "9999-12-31"}, 422, "past the last date"),
    ("/api/v1/arrangements/nato/members", {"role": "membr"}, 422, "unknown role 'membr'; did you mean member?"),
    ("/api/v1/diff", {"from": "2022"}, 422, "query.to: Field required"),
    ("/api/v1/diff", {"from": "yesterday", "to": "2024"}, 422, "from: not a date: 'yesterday'"),
    ("/api/v1/diff", {"from": "2022", "to": "tomorrow"}, 422, "to: not a date: 'tomorrow'"),
    ("/api/v1/diff", {"from": "2024", "to": "2020"}, 422, "from 2024 is later than to 2020"),
    ("/api/v1/edits", {}, 401, "reading the edit log needs a token"),
    ("/api/v1/search", {"q": " "}, 422, "give a word"),
    ("/api/v1/audit", {"from": "2024", "to": "2020"}, 422, "--from 2024 is after --to 2020"),
    ("/api/v1/audit", {"at": "1900"}, 422, "before NATO existed"),
    ("/api/v1/network", {"seed": "-1"}, 422, "query.seed"),
    ("/api/v1/network", {"seed": "4294967296"}, 422, "query.seed"),
    ("/api/v1/export", {"format": "xlsx"}, 422, "query.format"),
    ("/api/v1/impact/jef", {"at": "2000"}, 422, "jef does not exist at 2000"),
])
def test_bad_input_is_a_clear_json_error(api, path, params, status, fragment):
    res = api.get(path, params=params)
    assert res.status_code == status, res.text
    body = res.json()
    assert isinstance(body["detail"], str) and "\n" not in body["detail"]
    if fragment:
        assert fragment in body["detail"]


def test_docs_are_served_from_local_assets(api):
    page = api.get("/docs")
    assert page.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert api.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert api.get("/docs/assets/swagger-ui.css").status_code == 200
    schema = api.get("/openapi.json").json()
    assert "/api/v1/arrangements/{ident}/members" in schema["paths"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_the_registry_follows_a_reload(api, db_url, tmp_path):
    import shutil

    assert "AUT" not in ids(api.get("/api/v1/arrangements/jef/members", params={"at": "2024"}).json())
    changed = tmp_path / "changed"
    shutil.copytree(MINI, changed)
    jef = changed / "arrangements" / "jef.yaml"
    jef.write_text(jef.read_text() + '  - {actor: AUT, role: participant, start: "2020", sources: [pfp-page]}\n')
    registry.load(changed, db=db_url)  # another process: the server sees it on its next request
    assert "AUT" in ids(api.get("/api/v1/arrangements/jef/members", params={"at": "2024"}).json())


def test_shipped_data_is_loaded_on_first_use(tmp_path):
    with client_for(f"sqlite:///{tmp_path / 'fresh.sqlite'}", dataset=None) as c:
        assert len(ids(c.get("/api/v1/arrangements/nato/members", params={"at": "2024-06-01"}).json())) == 32


# --- secnet serve -----------------------------------------------------------------------------------


def test_serve_on_a_port_in_use_is_one_line(run, mini):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = run("serve", "--port", str(port))
    assert res.code == 2
    assert res.err.strip() == f"secnet: error: cannot listen on 127.0.0.1:{port}: already in use"


@pytest.mark.parametrize("args, fragment", [
    (["--db", "/no/such/dir/x.sqlite"], "directory /no/such/dir does not exist"),
    (["--db", "postgresql://nobody@127.0.0.1:9/none"], "cannot open database"),
    (["--port", "70000"], "Invalid value for '--port'"),
    (["--host", "no.such.host.invalid"], "cannot listen on no.such.host.invalid"),
])
def test_serve_with_bad_options_is_one_line(run, args, fragment):
    res = run("serve", *args)
    assert res.code == 2
    assert len(res.err.strip().splitlines()) == 1 and fragment in res.err, res.err


def test_serve_answers_over_http(tmp_path, mini):
    """The real command in a subprocess: it loads, listens, answers, and stops on SIGINT."""
    import httpx

    db = tmp_path / "served.sqlite"
    registry.load(mini, db=str(db))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "secnet", "serve", "--port", str(port), "--db", str(db), "--no-access-log"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(200):
            try:
                res = httpx.get(f"http://127.0.0.1:{port}/api/v1/arrangements/nato/members", params={"at": "2024"}, timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode())
                import time

                time.sleep(0.05)
        assert res.status_code == 200 and "SWE" in ids(res.json())
    finally:
        proc.send_signal(2)
        proc.wait(timeout=10)
    assert "Traceback" not in proc.stderr.read().decode()


def test_prioritise_smaa_only_parameters_without_smaa_are_noted(db_url):
    with client_for(db_url, None) as c:
        x = c.get("/api/v1/prioritise", params={"aim": "stability", "at": "2021-10-01", "draws": 500}).json()
        assert any("draws apply only with smaa" in n for n in x["notes"])
        y = c.get("/api/v1/prioritise", params={"aim": "stability", "at": "2021-10-01", "smaa": "true", "draws": 500}).json()
        assert "share_rank_1" in y["rows"][0] and "b1" not in y["rows"][0]
        m = c.get("/api/v1/arrangements/ici/members", params={"at": "2020-01-01"})
        assert {"BHR", "KWT", "QAT", "ARE"} <= set(ids(m.json())) and "ici" in m.headers["x-secnet-note"]
        p = c.get("/api/v1/arrangements/nato/partners", params={"at": "2022-06-01", "active": "true"}).json()
        assert p and all(row["status"] == "active" for row in p)
    c.app.state.engine.dispose()
