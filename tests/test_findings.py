"""The five findings: every face answers the brief's questions in plain sentences computed from the data.

Checked as an analyst would: the answers at two dates differ and say what the
data say at each (AUKUS at 2021-10-01 leaves 28 of 30 allies out; Finland and
Sweden hold EU pledges as non-members in 2021 and not in 2024), every fact
resolves with ``secnet show`` or ``secnet sources``, and the same findings come
out of the CLI, the API, the dashboard's home page (in Chromium) and pages 1-2 of
the briefing PDF.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from secnet.describe import describe
from secnet.findings import QUESTIONS, findings
from secnet.registry import Registry

from .web_fixtures import make_app  # noqa: F401


@pytest.fixture(scope="module")
def shipped():
    return Registry.from_yaml()


@pytest.fixture(scope="module")
def at_2021(shipped):
    return {f["question"]: f for f in findings(shipped, "2021-10-01")}


@pytest.fixture(scope="module")
def at_2024(shipped):
    return {f["question"]: f for f in findings(shipped, "2024-06-01")}


def test_five_questions_in_order_with_answers_facts_and_method(run):
    for at in ("2021-10-01", "2024-06-01"):
        res = run("findings", "--at", at, "--format", "json")
        assert res.code == 0, res.err
        items = json.loads(res.out)
        assert [f["question"] for f in items] == list(QUESTIONS)
        for f in items:
            assert f["answer"].strip() and f["facts"] and f["method"].strip(), f["question"]
            assert 1 <= len(re.findall(r"[.!?](?:\s|$)", f["answer"])) <= 6, f["answer"]
            for x in f["figures"]:
                assert {"name", "value", "unit"} <= set(x)


def test_answers_change_with_the_date(at_2021, at_2024):
    for q in QUESTIONS:
        assert at_2021[q]["answer"] != at_2024[q]["answer"], q


def test_cohesion_names_aukus_and_the_allies_it_leaves_out(at_2021):
    answer = at_2021["cohesion"]["answer"]
    # NATO had 30 members on 2021-10-01 and two of them (GBR, USA) are in AUKUS.
    assert "AUKUS leaves 28 of 30 allies out" in answer
    assert "E-I index" in answer and ("stays at" in answer or "moves from" in answer)
    assert "aukus" in at_2021["cohesion"]["facts"]


def test_back_door_lists_finland_and_sweden_until_they_join(at_2021, at_2024):
    assert {"eu:FIN", "eu:SWE"} <= set(at_2021["back_door"]["facts"])
    assert "Finland" in at_2021["back_door"]["answer"] and "Sweden" in at_2021["back_door"]["answer"]
    assert not {"eu:FIN", "eu:SWE"} & set(at_2024["back_door"]["facts"])
    assert "Finland" not in at_2024["back_door"]["answer"]


def test_stocktaking_counts_and_names_sweden_joining(at_2024):
    f = at_2024["stocktaking"]
    assert "NATO has 32 members" in f["answer"]
    assert "Sweden joined NATO on 2024-03-07" in f["answer"]
    assert "nato:SWE" in f["facts"]
    assert {x["name"]: x["value"] for x in f["figures"]}["members"] == 32


def test_prioritisation_ranks_for_both_aims_with_smaa(at_2021):
    f = at_2021["prioritisation"]
    assert "For regional stability" in f["answer"] and "For capability gaps" in f["answer"]
    assert "random weightings" in f["answer"]
    names = {x["name"] for x in f["figures"]}
    assert {"stability_top_share_rank_1", "capability_top_share_rank_1"} <= names
    assert "UKR" in f["facts"]


def test_groupings_answer_each_standing_issue(at_2021):
    f = at_2021["groupings"]
    for issue in ("Baltic Sea", "air and missile defence", "cyber defence"):
        assert issue in f["answer"]
    # In 2021 Finland and Sweden were partners on the Baltic.
    assert "Finland" in f["answer"] and "Sweden" in f["answer"]


def test_every_fact_resolves_with_show_or_sources(shipped, at_2021, at_2024):
    for f in [*at_2021.values(), *at_2024.values()]:
        for fact in f["facts"]:
            if ":" in fact:
                assert shipped.sources_for(fact), fact
            else:
                assert describe(shipped, fact), fact


def test_markdown_and_csv(run):
    md = run("findings", "--at", "2021-10-01", "--format", "markdown")
    assert md.code == 0 and md.out.startswith("# Findings at 2021-10-01")
    assert md.out.count("\n## ") == 5
    csv = run("findings", "--at", "2021-10-01", "--format", "csv", "--question", "cohesion")
    assert csv.code == 0
    assert csv.out.splitlines()[0].startswith("question,at,since,answer")
    assert len([line for line in csv.out.splitlines() if line.startswith("cohesion,")]) == 1


def test_table_leads_with_the_answers(run):
    res = run("findings", "--at", "2021-10-01")
    assert res.code == 0
    assert res.out.startswith("STOCKTAKING:")
    assert "BACK DOOR:" in res.out and "method:" in res.out


@pytest.mark.parametrize("args, message", [
    (["--since", "2022-01-01", "--at", "2021-10-01"], "--since 2022-01-01 is not before --at 2021-10-01"),
    (["--since", "soon"], "--since:"),
    (["--at", "1900-01-01"], "before NATO existed"),
    (["--question", "weather"], "unknown question 'weather'"),
])
def test_bad_input_is_one_line_and_exit_2(run, args, message):
    res = run("findings", *args)
    assert res.code == 2
    assert message in res.err and res.err.count("\n") == 1 and "Traceback" not in res.err


def test_api_findings(web_app):
    client = TestClient(web_app)
    res = client.get("/api/v1/findings", params={"at": "2021-10-01", "since": "2020-01-01"})
    assert res.status_code == 200, res.text
    items = res.json()
    assert [f["question"] for f in items] == list(QUESTIONS)
    assert items[0]["since"] == "2020-01-01"
    assert client.get("/api/v1/findings", params={"at": "2021-13-01"}).status_code == 422
    assert client.get("/api/v1/findings", params={"at": "2021-10-01", "since": "2022-01-01"}).status_code == 422
    assert "/api/v1/findings" in client.get("/openapi.json").json()["paths"]


@pytest.mark.browser
def test_dashboard_home_shows_five_answer_cards(tab):
    page = tab.open("/?at=2021-10-01")
    cards = page.locator("article.finding")
    assert cards.count() == 5
    for q in QUESTIONS:
        card = page.locator(f"#finding-{q}")
        assert card.locator("p.answer").inner_text().strip()
        assert card.locator("svg rect.bar").count() >= 1
        assert card.locator("p.links a").count() >= 1
    assert "AUKUS leaves 28 of 30 allies out" in page.locator("#finding-cohesion p.answer").inner_text()
    page.locator("#finding-back_door p.links a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/audit" in page.url
    assert not tab.errors, tab.errors


def test_brief_pages_one_and_two_carry_every_answer(run, tmp_path):
    res = run("brief", "--at", "2024-06-01", "--out", str(tmp_path), "--pdf", "--format", "json")
    assert res.code == 0, res.err
    pdf = next(tmp_path.glob("*.pdf"))
    reader = PdfReader(pdf)
    first_two = " ".join(p.extract_text() for p in reader.pages[:2])
    squash = lambda s: re.sub(r"\W+", "", s)  # noqa: E731 - line breaks and hyphenation differ in the PDF text
    for f in findings(Registry.open(None), "2024-06-01"):
        assert squash(f["answer"][:120]) in squash(first_two), f["question"]
