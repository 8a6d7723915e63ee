"""The web dashboard: every page and its JSON twin, then the pages in a real browser.

The JSON twins are checked in-process (no port); the browser tests (marker
``browser``) run the app under uvicorn on 127.0.0.1 and drive Debian's Chromium.
Set ``SECNET_SCREENSHOTS=docs/screenshots`` to save a PNG of each page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from .web_fixtures import LiveServer, Tab, make_app  # noqa: F401

PAGES = {
    "home": "/?at=2024-06-01",
    "actor": "/actors/FIN?at=2024-06-01",
    "arrangement": "/arrangements/nato?at=2024-06-01",
    "network": "/network?at=2024-06-01",
    "map": "/map?at=2024-06-01",
    "audit": "/audit?at=2024-06-01",
    "formats": "/formats?at=2024-06-01",
    "format": "/formats/aukus?at=2024-06-01",
    "prioritise": "/prioritise?at=2024-06-01&aim=baltic",
    "groupings": "/groupings?at=2024-06-01&cap=cyber&n=3&cap=maritime&n=2&partners=1&organisations=1&prefer_allies=1",
    "search": "/search?q=sweden",
}
SHOTS = os.environ.get("SECNET_SCREENSHOTS")


@pytest.fixture(scope="module")
def client(web_app):
    return TestClient(web_app)


def twin(client, path: str) -> dict:
    r = client.get(path + ("&" if "?" in path else "?") + "format=json")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


# --- every page is HTML, and JSON with ?format=json ----------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_a_json_twin(client, name):
    html = client.get(PAGES[name])
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert 'rel="alternate" type="application/json"' in html.text
    assert twin(client, PAGES[name])


def test_finland_is_a_member_on_2023_04_04_and_an_applicant_the_day_before(client):
    before = twin(client, "/arrangements/nato?at=2023-04-03")
    after = twin(client, "/arrangements/nato?at=2023-04-04")
    assert "FIN" not in {m["actor_id"] for m in before["members"]}
    assert "FIN" in {m["actor_id"] for m in after["members"]}
    assert {(p["actor_id"], p["role"]) for p in before["participations"]} >= {("FIN", "applicant"), ("FIN", "member")}
    assert twin(client, "/?at=2023-04-03")["counts"]["members"] == 30
    assert twin(client, "/?at=2023-04-04")["counts"]["members"] == 31


def test_actor_page_lists_arrangements_over_time_and_pledges_received(client):
    fin = twin(client, "/actors/FIN?at=2024-06-01")
    rows = {(p["arrangement_id"], p["role"]): p for p in fin["participations"]}
    assert rows["pfp", "partner"]["end"] == "2023-04-04" and not rows["pfp", "partner"]["in_effect"]
    assert rows["nato", "applicant"]["end"] == "2023-04-04" and not rows["nato", "applicant"]["in_effect"]
    assert rows["nato", "member"]["start"] == "2023-04-04" and rows["nato", "member"]["in_effect"]
    nato = [x for x in fin["pledges_received"] if x["arrangement_id"] == "nato" and x["type"] == "collective_defence"]
    assert nato and nato[0]["binding"] and "USA" in nato[0]["givers"]


def test_network_twin_is_node_link_data_with_metrics(client):
    g = twin(client, "/network?at=2024-06-01")
    assert g["n_nodes"] == len(g["nodes"]) > 50
    fin = next(n for n in g["nodes"] if n["id"] == "FIN")
    assert fin["status"] == "ally" and fin["degree"] > 0 and 0 <= fin["betweenness"] <= 1
    only_alliances = twin(client, "/network?at=2024-06-01&kind=alliance")
    assert only_alliances["kinds"] == ["alliance"] and only_alliances["n_edges"] < g["n_edges"]


def test_map_twin_uses_world_atlas_ids(client):
    m = twin(client, "/map?at=2024-06-01")
    states = {s["iso3"]: s for s in m["states"]}
    assert states["FRA"]["feature"] == "250" and states["FRA"]["status"] == "ally"
    assert states["AUT"]["feature"] == "040" and "pfp" in states["AUT"]["frameworks"]
    assert all(s["feature"] for s in m["states"])


def test_audit_and_format_pages_show_the_analytics(client):
    audit = twin(client, "/audit?at=2024-06-01")
    assert audit["n_actors"] == len({x["actor_id"] for x in audit["rows"]}) > 0
    aukus = twin(client, "/formats/aukus?at=2024-06-01")
    assert aukus["members_in_nato"] == ["GBR", "USA"] and aukus["members_outside_nato"] == ["AUS"]
    ranking = twin(client, "/formats?at=2024-06-01")["rows"]
    assert [x["rank"] for x in ranking] == list(range(1, len(ranking) + 1))


def test_design_forms_answer(client):
    p = twin(client, PAGES["prioritise"])
    assert p["aim"] == "baltic" and p["ranking"][0]["rank"] == 1
    g = twin(client, PAGES["groupings"])
    assert g["result"]["size"] >= 3 and {c["capability"] for c in g["result"]["coverage"]} == {"cyber", "maritime"}
    blank = twin(client, "/groupings")
    assert blank["result"] is None and blank["form"]["partners"] is True


def test_prioritise_page_shows_smaa_in_words_and_the_measured_aims(client):
    r = client.get("/prioritise?at=2021-10-01&aim=stability&sensitivity=on")
    assert r.status_code == 200, r.text
    p = twin(client, "/prioritise?at=2021-10-01&aim=stability&sensitivity=on")
    top = p["rows"][0]
    assert "share_rank_1" in top and "holistic_acceptability" in top and "b1" not in top
    assert f"{100 * top['share_rank_1']:.1f}%" in r.text
    assert {"stability", "capability"} <= {a["name"] for a in p["aims"]}


def test_bad_input_is_an_error_page_not_a_traceback(client):
    r = client.get("/actors/Finlnd")
    assert r.status_code == 404 and "unknown actor" in r.text and "did you mean" in r.text
    r = client.get("/actors/Finlnd?format=json")
    assert r.status_code == 404 and "unknown actor" in r.json()["detail"]
    r = client.get("/?at=2023-02-30")
    assert r.status_code == 422 and "impossible date" in r.text
    impossible = twin(client, "/groupings?cap=space&n=500")
    assert impossible["infeasible"]


# --- in the browser ------------------------------------------------------------------------------


#: Where a screenshot should start, for pages whose drawing is below the fold.
FOCUS = {"arrangement": "#history"}


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        if name in FOCUS:
            page.evaluate("sel => document.querySelector(sel).scrollIntoView()", FOCUS[name])
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
def test_each_page_loads_without_console_errors(tab, name):
    page = tab.open(PAGES[name])
    assert page.locator("h1").first.is_visible()
    page.wait_for_timeout(300)  # let drawings settle before the screenshot
    shoot(page, name)
    assert tab.errors == []


@pytest.mark.browser
def test_network_view_draws_nodes_and_shows_details_on_click(tab):
    page = tab.open(PAGES["network"])
    page.wait_for_function("() => window.secnetGraph && window.secnetGraph.nodes().length > 50")
    n = page.evaluate("window.secnetGraph.nodes().length")
    assert n == int(page.locator("#n-nodes").inner_text())
    width = page.evaluate("window.secnetGraph.nodes().boundingBox().w")
    assert width > 200, "fcose should spread the nodes out"
    assert page.locator("#cy canvas").count() > 0
    page.evaluate("() => { window.secnetGraph.getElementById('FIN').emit('tap'); }")
    assert "Finland" in page.locator("#details").inner_text()
    # Filter by kind: only alliances leaves fewer actors.
    page.locator("input[name=kind][value=alliance]").wait_for()
    page.evaluate("""document.querySelectorAll('input[name=kind]').forEach(b => b.checked = b.value === 'alliance')""")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"kind=alliance"))
    page.wait_for_function("() => window.secnetGraph && window.secnetGraph.nodes().length > 0")
    assert page.evaluate("window.secnetGraph.nodes().length") < n
    assert tab.errors == []


@pytest.mark.browser
def test_timeline_renders_the_history(tab):
    page = tab.open(PAGES["arrangement"])
    page.wait_for_selector("#timeline[data-drawn] .vis-item")
    assert page.locator("#timeline .vis-item.member").count() >= 30
    assert "Finland" in page.locator("#timeline").inner_text()
    assert tab.errors == []


@pytest.mark.browser
def test_map_colours_members_partners_and_formats(tab):
    page = tab.open(PAGES["map"])
    page.wait_for_selector("#world[data-coloured]")
    assert page.locator("#world path.country").count() > 200

    def states(cls: str) -> set[str]:  # a state may be drawn as several features (Australia and its islands)
        return set(page.eval_on_selector_all(f"#world path[data-class={cls}]", "ps => ps.map(p => p.dataset.iso3)"))

    assert len(states("ally")) == 32 and {"FIN", "SWE", "USA"} <= states("ally")
    assert {"AUT", "CHE", "JPN", "AUS"} <= states("partner")
    page.select_option("#format", "aukus")
    page.wait_for_selector("#world[data-layer=format]")
    assert states("ally") == {"GBR", "USA"} and states("partner") == {"AUS"}
    assert tab.errors == []


@pytest.mark.browser
def test_date_slider_changes_the_member_count(tab):
    page = tab.open("/")
    assert int(page.locator("#n-members").inner_text()) == 32
    page.locator("#year").fill("1990")
    page.wait_for_function("() => document.getElementById('picture-at').textContent === '1990-12-31'")
    assert int(page.locator("#n-members").inner_text()) == 16
    assert "at=1990-12-31" in page.url
    page.locator("#year").fill("2004")
    page.wait_for_function("() => document.getElementById('picture-at').textContent === '2004-12-31'")
    assert int(page.locator("#n-members").inner_text()) == 26
    assert tab.errors == []


@pytest.fixture
def editable(browser, tmp_path):
    """A server of its own (edits must not leak into the other tests) and an editor's token."""
    from secnet.api.auth import create_token

    app = make_app(f"sqlite:///{tmp_path / 'edit.sqlite'}")
    token = create_token(app.state.engine, "web-test", "editor")
    with LiveServer(app) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        t = Tab(context.new_page(), server.url)
        t.page.on("pageerror", lambda e: t.errors.append(f"uncaught: {e}"))
        yield t, token
        context.close()


def sign_in(page, base: str, token: str, then: str) -> None:
    """Sign in on the /login page (the token is posted once; the browser keeps an HttpOnly cookie)."""
    page.goto(f"{base}/login?next={then}")
    page.fill("#token", token)
    page.click("#login button[type=submit]")
    page.wait_for_load_state("load")


def open_editor(page, actor: str, role: str):
    page.locator(f"#participations button.edit[data-actor={actor}][data-role={role}]").click()
    page.wait_for_function("() => document.getElementById('edit-start').value !== ''")


@pytest.mark.browser
def test_token_holder_edits_a_participation_through_the_page(editable):
    tab, token = editable
    page = tab.open("/arrangements/nato?at=2024-06-01")
    row = page.locator("#participations tr[data-key='nato:FIN:member:2023-04-04']")
    # Not signed in, nothing is saved: the form says to sign in.
    open_editor(page, "FIN", "member")
    page.fill("#edit-note", "Deposited its instrument of accession in Washington.")
    page.click("#edit-save")
    page.wait_for_selector("#edit-status.bad")
    assert "Sign in" in page.locator("#edit-status").inner_text()
    # A wrong token does not sign in.
    sign_in(page, tab.base, "secnet_not-a-token", "/arrangements/nato?at=2024-06-01")
    assert "unknown token" in page.locator("#login-error").inner_text()
    # Signed in with the editor's token, the change is saved, and the page shows it after reloading.
    sign_in(page, tab.base, token, "/arrangements/nato?at=2024-06-01")
    assert page.url.endswith("/arrangements/nato?at=2024-06-01")
    assert page.locator("#who").inner_text() == "web-test"
    assert page.evaluate("document.cookie") == "", "the session cookie is HttpOnly: no script can read it"
    open_editor(page, "FIN", "member")
    page.fill("#edit-note", "Deposited its instrument of accession in Washington.")
    shoot(page, "edit")
    page.click("#edit-save")
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.querySelector(\"tr[data-key='nato:FIN:member:2023-04-04'] td.note\")"
                           ".textContent.includes('Washington')")
    assert row.locator("td.note").inner_text() == "Deposited its instrument of accession in Washington."
    assert tab.errors == []


@pytest.mark.browser
def test_a_stale_edit_is_refused_not_lost(editable):
    tab, token = editable
    sign_in(tab.page, tab.base, token, "/arrangements/nato?at=2024-06-01")
    page = tab.page
    open_editor(page, "SWE", "member")
    # Someone else saves the same entry while the form is open.
    pid = page.evaluate("""async () => (await (await fetch('/api/v1/arrangements/nato/participations')).json())
                           .find(p => p.actor === 'SWE' && p.role === 'member').id""")
    status = page.evaluate("""async ([pid, token]) => (await fetch(`/api/v1/participations/${pid}`, {method: 'PATCH',
        headers: {'Content-Type': 'application/json', 'If-Match': '"1"', Authorization: `Bearer ${token}`},
        body: JSON.stringify({note: 'Changed elsewhere.'})})).status""", [pid, token])
    assert status == 200
    page.fill("#edit-note", "My change.")
    page.click("#edit-save")
    page.wait_for_selector("#edit-status.bad")
    assert "Someone else changed this entry" in page.locator("#edit-status").inner_text()
    assert tab.errors == []


@pytest.mark.browser
def test_timeline_draws_not_after_bars_dashed(mini, tmp_path, browser):
    """A "not later than" participation (``[..2018]``) is a dashed bar: a member by then, joining date unknown."""
    from secnet import registry
    from secnet.api.app import create_app

    from .test_not_after import EXTRA

    jef = mini / "arrangements" / "jef.yaml"
    jef.write_text(jef.read_text() + EXTRA)  # the US "[..2018]", Germany "[2015-06..2016]" to "[..2020]"
    db = f"sqlite:///{tmp_path / 'tl.sqlite'}"
    registry.load(mini, db=db)
    with LiveServer(create_app(db)) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server.url + "/arrangements/jef?at=2016-01-01")
        page.wait_for_selector("#timeline[data-drawn] .vis-item")
        bars = page.locator("#timeline .vis-item.not-after")
        assert bars.count() == 2  # the US "by 2018", Germany "by 2016 (not before 2015-06)" to "by 2020"
        assert sorted(bars.all_inner_texts()) == ["Germany", "United States"]
        assert page.locator("#timeline .vis-item.not-after").first.evaluate("e => getComputedStyle(e).borderStyle") == "dashed"
        assert errors == []
        context.close()
