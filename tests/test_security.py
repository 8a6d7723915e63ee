"""The team server as an attacker would try it (issue 16): stored and reflected script, bad links, big bodies,
missing headers, stolen sessions.

The browser part edits every free-text field (actor name, aliases and note;
arrangement name, aliases and note; source title, publisher, note and URL;
participation note) through the API with payloads that would set
``window.__xss`` or the page title if any of their markup ran, then opens every
page that shows them in Debian's Chromium, with the server's
Content-Security-Policy in force, hovers and clicks where the pages' scripts
insert data, and checks that nothing ran, that the payload is shown as text,
and that the browser reported no policy violation (the pages need no inline
script or style). A separate check shows the policy itself blocks an injected
handler, should markup ever get through.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from secnet.api.app import create_app
from secnet.api.auth import create_token, revoke_token
from secnet.api.headers import PAGE_CSP
from secnet.web import assets

from .test_api import client_for
from .web_fixtures import LiveServer

REPO = Path(__file__).parent.parent
AT = "2024-06-01"


def payload(field: str) -> str:
    """Markup that sets ``window.__xss`` (and the title) to ``field`` if any part of it runs, in three ways."""
    run = f"window.__xss='{field}';document.title='XSS {field}'"
    return (f'{field} <img src=x onerror="{run}">"><script>{run}</script>'
            f"<svg onload=\"{run}\"></svg>'><a href=\"javascript:{run}\">link</a>")


# --- the stored payloads, then every page that shows them in Chromium ------------------------------------


def _edit(c: TestClient, path: str, changes: dict) -> dict:
    etag = c.get(path).headers["etag"]
    res = c.patch(path, json=changes, headers={"If-Match": etag})
    assert res.status_code == 200, res.text
    return res.json()


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory):
    """A server of its own over the shipped data, with a payload in every editable text field (through the API)."""
    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('xss') / 'xss.sqlite'}")
    token = create_token(app.state.engine, "mallory", "admin")
    c = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    res = c.post("/api/v1/sources", json={
        "id": "xss-source", "title": payload("source.title"), "publisher": payload("source.publisher"), "kind": "news",
        "url": 'https://example.org/a?b="><script>window.__xss="source.url"</script>', "date": "2024-01-01",
        "supports": payload("source.supports"), "note": payload("source.note")})
    assert res.status_code == 201, res.text
    _edit(c, "/api/v1/actors/FIN", {"name": payload("actor.name"), "aliases": [payload("actor.alias")],
                                    "note": payload("actor.note"), "sources": ["xss-source"]})
    _edit(c, "/api/v1/arrangements/nato", {"name": payload("arrangement.name"), "aliases": [payload("arrangement.alias")],
                                           "note": payload("arrangement.note")})
    _edit(c, "/api/v1/arrangements/aukus", {"name": payload("format.name")})
    fin = next(p for p in c.get("/api/v1/arrangements/nato/participations").json()
               if p["actor"] == "FIN" and p["role"] == "member")
    _edit(c, f"/api/v1/participations/{fin['id']}", {"note": payload("participation.note"),
                                                      "sources": [*fin["sources"], "xss-source"]})
    with LiveServer(app) as server:
        yield server.url
    app.state.engine.dispose()


class Watched:
    """A Chromium tab that records policy violations, console errors and uncaught exceptions."""

    def __init__(self, browser, base: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.add_init_script("""window.__csp = [];
            document.addEventListener('securitypolicyviolation', e => window.__csp.push(
                `${e.effectiveDirective} ${e.blockedURI} ${e.sample}`));""")
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, path: str):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def ran(self) -> dict:
        """What the page's own state says ran: ``__xss``, the title, and the violations the browser reported."""
        return self.page.evaluate("() => ({xss: window.__xss ?? null, title: document.title, csp: window.__csp})")

    def assert_nothing_ran(self) -> None:
        state = self.ran()
        assert state["xss"] is None, f"a payload ran: {state['xss']}"
        assert not state["title"].startswith("XSS "), state["title"]
        assert state["csp"] == [], state["csp"]
        # A broken image (the payload's src=x) is the only acceptable console noise; a payload is never loaded as markup.
        assert [e for e in self.errors if "404" not in e] == []


@pytest.fixture
def watched(browser, xss_site):
    w = Watched(browser, xss_site)
    yield w
    w.context.close()


def shown(page, selector: str = "body") -> str:
    return page.locator(selector).first.inner_text()


MARKUP = '<img src=x onerror="'  # the payload's first tag, as text


@pytest.mark.browser
def test_home_page_shows_payloads_as_text(watched):
    page = watched.open(f"/?at={AT}")
    assert MARKUP in shown(page, "#members")
    watched.assert_nothing_ran()


@pytest.mark.browser
def test_actor_page_and_its_timeline_run_nothing(watched):
    page = watched.open(f"/actors/FIN?at={AT}")
    assert shown(page, "h1").startswith("actor.name " + MARKUP)
    for field in ("actor.alias", "actor.note", "source.title"):
        assert f"{field} {MARKUP}" in shown(page)
    page.wait_for_selector("#timeline[data-drawn] .vis-item")
    bar = page.locator("#timeline .vis-item", has_text="arrangement.name").first
    assert MARKUP in bar.inner_text()
    bar.hover()  # vis-timeline's tooltip shows the item's title
    page.wait_for_selector(".vis-tooltip")
    assert MARKUP in shown(page, ".vis-tooltip")
    watched.assert_nothing_ran()


@pytest.mark.browser
def test_map_tooltip_on_finland_runs_nothing(watched):
    page = watched.open(f"/map?at={AT}")
    page.wait_for_selector("#world[data-coloured]")
    page.locator("#world path[data-iso3=FIN]").first.hover()
    assert shown(page, "#tooltip").startswith("actor.name " + MARKUP)
    assert MARKUP in page.locator("#format option[value=aukus]").text_content()  # the formats list (a renamed AUKUS)
    page.select_option("#format", "aukus")  # redraws the legend
    page.wait_for_selector("#world[data-layer=format]")
    watched.assert_nothing_ran()


@pytest.mark.browser
def test_network_details_panel_runs_nothing(watched):
    page = watched.open(f"/network?at={AT}")
    page.wait_for_function("() => window.secnetGraph && window.secnetGraph.nodes().length > 50")
    page.evaluate("() => window.secnetGraph.getElementById('FIN').emit('tap')")
    assert shown(page, "#details h3").startswith("actor.name " + MARKUP)
    page.evaluate("() => window.secnetGraph.getElementById('FIN').connectedEdges()[0].emit('tap')")
    assert MARKUP in shown(page, "#details h3")
    watched.assert_nothing_ran()


@pytest.mark.browser
def test_arrangement_page_timeline_and_edit_form_run_nothing(watched):
    page = watched.open(f"/arrangements/nato?at={AT}")
    assert shown(page, "h1").startswith("arrangement.name " + MARKUP)
    for field in ("arrangement.alias", "arrangement.note", "participation.note", "actor.name"):
        assert f"{field} {MARKUP}" in shown(page)
    page.wait_for_selector("#timeline[data-drawn] .vis-item")
    page.locator("#timeline .vis-item", has_text="actor.name").first.hover()
    page.wait_for_selector(".vis-tooltip")
    assert MARKUP in shown(page, ".vis-tooltip")
    page.locator("#participations button.edit[data-actor=FIN][data-role=member]").click()  # the edit form fills in
    page.wait_for_function("() => document.getElementById('edit-note').value !== ''")
    assert page.input_value("#edit-note").startswith("participation.note " + MARKUP)
    assert MARKUP in shown(page, "#edit-title")
    watched.assert_nothing_ran()


@pytest.mark.parametrize("path, expect", [
    ("/search?q=actor.name", "actor.name " + MARKUP),
    ("/search?q=" + quote(payload("reflected.q")), "reflected.q " + MARKUP),
    ("/actors/" + quote("reflected.id<img src=x onerror=\"window.__xss='reflected.id'\">"), "reflected.id<img src=x"),
    (f"/audit?at={AT}", ""),
    (f"/formats?at={AT}", "format.name " + MARKUP),
    (f"/formats/aukus?at={AT}", "format.name " + MARKUP),
    ("/prioritise?at=2022-06-01&aim=high_north", "actor.name " + MARKUP),  # Finland, a partner then
    (f"/groupings?at={AT}&cap=cyber&n=2&include=FIN", "actor.name " + MARKUP),
    ("/login?next=javascript:alert(1)", ""),
])
@pytest.mark.browser
def test_other_pages_run_nothing(watched, path, expect):
    page = watched.open(path)
    assert expect in shown(page)
    if path.startswith("/login"):
        assert page.input_value("input[name=next]") == "/"  # a link elsewhere is not kept as where to go next
    watched.assert_nothing_ran()


@pytest.mark.browser
def test_the_policy_blocks_script_that_gets_into_a_page(watched):
    """Defence in depth: were markup ever inserted, the Content-Security-Policy would refuse to run it."""
    page = watched.open(f"/?at={AT}")
    page.evaluate("""() => {
        document.body.insertAdjacentHTML('beforeend', '<img src=/favicon-none onerror="window.__xss=1">');
        const s = document.createElement('script'); s.textContent = 'window.__xss = 2'; document.body.append(s);
        const a = document.createElement('a'); a.href = 'javascript:window.__xss=3'; document.body.append(a); a.click();
    }""")
    page.wait_for_timeout(300)
    state = watched.ran()
    assert state["xss"] is None
    directives = {v.split()[0] for v in state["csp"]}
    assert {"script-src-attr", "script-src-elem"} <= directives, state["csp"]


# --- links, bodies, headers ------------------------------------------------------------------------------


@pytest.fixture
def admin(db_url):
    with client_for(db_url) as c:
        token = create_token(c.app.state.engine, "admin", "admin")
        c.headers["Authorization"] = f"Bearer {token}"
        yield c
    c.app.state.engine.dispose()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x"])
def test_links_that_are_not_http_are_refused(admin, url):
    new = {"id": "bad", "title": "t", "publisher": "p", "kind": "news", "date": "2024"}
    for body in ({**new, "url": url}, {**new, "url": "https://www.nato.int/", "copy_of": url}):
        res = admin.post("/api/v1/sources", json=body)
        assert res.status_code == 422 and "not an http(s) URL" in res.json()["detail"], res.text
    etag = admin.get("/api/v1/arrangements/nato").headers["etag"]
    res = admin.patch("/api/v1/arrangements/nato", json={"url": url}, headers={"If-Match": etag})
    assert 400 <= res.status_code < 500, res.text


@pytest.mark.parametrize("with_token", [True, False])
def test_an_8_mb_body_gets_413_with_the_headers(admin, with_token):
    client = admin if with_token else TestClient(admin.app)
    res = client.post("/api/v1/sources", content=b"{" + b" " * (8 * 1024 * 1024) + b"}",
                      headers={"Content-Type": "application/json"})
    assert res.status_code == 413 and "too large" in res.json()["detail"]
    assert res.headers["content-security-policy"] == PAGE_CSP


@pytest.mark.parametrize("path, status", [
    ("/", 200), ("/arrangements/nato", 200), ("/api/v1/arrangements/nato/members", 200), ("/static/secnet.css", 200),
    ("/static/dom.js", 200), ("/openapi.json", 200), ("/docs", 200), ("/nope", 404), ("/api/v1/actors/NOPE", 404),
    ("/actors/NOPE", 404), ("/static/nope.js", 404), ("/api/v1/diff?from=2024&to=2020", 422),
])
def test_every_answer_carries_the_security_headers(admin, path, status):
    res = admin.get(path)
    assert res.status_code == status
    csp = res.headers["content-security-policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.headers["x-frame-options"] == "DENY"
    assert res.headers["referrer-policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(admin):
    for path in ("/", "/arrangements/nato", "/actors/FIN", "/network", "/map", "/prioritise", "/groupings", "/login", "/docs"):
        html = admin.get(path).text
        assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))", html), path
        assert not re.search(r"<[^>]*\s(on[a-z]+|style)\s*=", html) and "<style" not in html, path


def test_head_answers_like_get_without_a_body(admin):
    for path in ("/", "/api/v1/actors/FIN", "/static/secnet.css", "/nope"):
        get, head = admin.get(path), admin.head(path)
        assert head.status_code == get.status_code and head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-security-policy"]
    assert admin.head("/api/v1/actors/FIN").headers["etag"] == admin.get("/api/v1/actors/FIN").headers["etag"]


# --- sessions: the cookie no script can read ------------------------------------------------------------


def sign_in(c: TestClient, token: str, **headers) -> object:
    return c.post("/login", data={"token": token, "next": "/arrangements/nato"}, headers=headers, follow_redirects=False)


@pytest.fixture
def site(db_url):
    with client_for(db_url) as c:
        yield c, create_token(c.app.state.engine, "eve", "editor")
    c.app.state.engine.dispose()


def _note(c: TestClient, text: str, **headers):
    pid = c.get("/api/v1/arrangements/nato/participations").json()[0]["id"]
    etag = c.get(f"/api/v1/participations/{pid}").headers["etag"]
    return c.patch(f"/api/v1/participations/{pid}", json={"note": text}, headers={"If-Match": etag, **headers})


def test_signing_in_sets_an_httponly_strict_cookie_without_the_token(site):
    c, token = site
    res = sign_in(c, token)
    assert res.status_code == 303 and res.headers["location"] == "/arrangements/nato"
    cookie = res.headers["set-cookie"]
    assert cookie.startswith("secnet_session=eve.") and token not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain http (loopback); over https it is Secure:
    https = TestClient(c.app, base_url="https://testserver")
    assert "Secure" in sign_in(https, token).headers["set-cookie"]
    assert _note(c, "signed in", **{"X-Secnet-CSRF": "1"}).status_code == 200
    assert c.get("/").text.count('id="who">eve<') == 1


def test_a_wrong_token_does_not_sign_in(site):
    c, _ = site
    res = sign_in(c, "secnet_nope")
    assert res.status_code == 401 and "unknown token" in res.text and "set-cookie" not in res.headers


@pytest.mark.parametrize("headers, fragment", [
    ({}, "needs the header X-Secnet-CSRF"),
    ({"X-Secnet-CSRF": "1", "Origin": "https://evil.example"}, "another site's page"),
    ({"X-Secnet-CSRF": "1", "Origin": "null"}, "another site's page"),
])
def test_a_cookie_write_needs_the_csrf_header_and_this_origin(site, headers, fragment):
    c, token = site
    sign_in(c, token)
    res = _note(c, "forged", **headers)
    assert res.status_code == 403 and fragment in res.json()["detail"]


def test_signing_in_from_another_site_is_refused(site):
    c, token = site
    res = sign_in(c, token, Origin="https://evil.example")
    assert res.status_code == 403 and "set-cookie" not in res.headers


def test_revoking_the_token_or_signing_out_ends_the_session(site):
    c, token = site
    sign_in(c, token)
    cookie = c.cookies["secnet_session"]
    assert c.get("/api/v1/edits").status_code == 200
    c.post("/logout", follow_redirects=False)
    c.cookies.set("secnet_session", cookie)  # a copy of the cookie kept from before signing out
    res = c.get("/api/v1/edits")
    assert res.status_code == 401 and "session has ended" in res.json()["detail"]
    c.cookies.clear()
    sign_in(c, token)
    revoke_token(c.app.state.engine, "eve")
    assert c.get("/api/v1/edits").status_code == 401


def test_a_forged_or_altered_cookie_is_refused(site):
    c, token = site
    sign_in(c, token)
    name, expires, signature = c.cookies["secnet_session"].rsplit(".", 2)
    for forged in (f"{name}.{int(expires) + 3600}.{signature}", f"admin.{expires}.{signature}", f"{name}.{expires}.{'0' * 64}"):
        c.cookies.clear()
        c.cookies.set("secnet_session", forged)
        assert c.get("/api/v1/edits").status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_signing_in_never_sends_the_browser_elsewhere(site, target):
    c, token = site
    res = c.post("/login", data={"token": token, "next": target}, follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/"


def test_bearer_clients_need_no_cookie_or_csrf_header(site):
    c, token = site
    assert _note(c, "by bearer", Authorization=f"Bearer {token}").status_code == 200


# --- the dashboard's assets ----------------------------------------------------------------------------


PAGES = ["/?at=2024-06-01", "/actors/FIN", "/arrangements/nato", "/network", "/map", "/audit", "/formats",
         "/formats/aukus", "/prioritise", "/groupings?cap=cyber&n=2", "/search?q=swe", "/login", "/docs", "/nope"]


def test_every_static_asset_a_page_references_is_served(web_app):
    """What `make run` must have installed: every /static/ (and Swagger) file any page or script asks for."""
    c = TestClient(web_app)
    wanted = set(assets.referenced())
    for path in PAGES:
        html = c.get(path).text
        wanted |= set(re.findall(r'(?:src|href)="(/(?:static|docs/assets)/[^"]+)"', html))
    assert len(wanted) > 20 and "/static/vendor/htmx.min.js" in wanted and "/static/vendor/countries-50m.json" in wanted
    missing = {p: c.get(p).status_code for p in sorted(wanted)}
    assert {p: s for p, s in missing.items() if s != 200} == {}
    assert assets.missing() == []


def test_make_run_installs_the_web_assets_with_their_licences():
    run = next(line for line in (REPO / "Makefile").read_text().splitlines() if line.startswith("run:"))
    assert "web-assets" in run.split(":", 1)[1].split()
    licences = {p.name.split(".", 1)[1] for p in (assets.STATIC / "vendor").glob("LICENSE.*")}
    for package in ("htmx", "cytoscape", "cytoscape-fcose", "layout-base", "cose-base", "moment", "vis-data",
                    "vis-timeline", "d3", "topojson-client", "world-atlas"):
        assert any(name == package or name.startswith(package + ".") or name.startswith(package + "-") for name in licences), package
