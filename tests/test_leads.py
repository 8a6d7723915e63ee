"""Every question command opens with a plain sentence carrying its numbers (secnet.findings.lead).

The sentences are computed from the same results as the tables under them, so these tests check that
they agree with the JSON (names, shares, counts) and change with the date.
"""

from __future__ import annotations

import json
import re


def _json(run, *args):
    res = run(*args, "--format", "json")
    assert res.code == 0, res.err
    return json.loads(res.out)


def _first_paragraph(out: str) -> str:
    return " ".join(out.split("\n\n", 1)[0].split())


def test_prioritise_opens_with_its_top_three_and_how_scores_read(run):
    x = _json(run, "prioritise", "--aim", "stability", "--at", "2024-06-01")
    top = [t["name"] for t in x["ranking"][:3]]
    res = run("prioritise", "--aim", "stability", "--at", "2024-06-01")
    lead = _first_paragraph(res.out)
    assert lead == " ".join(x["summary"].split())
    assert lead.startswith("For stability at 2024-06-01 the top partners are")
    for name in top:
        assert name in lead
    assert f"{float(x['ranking'][0]['score']):.2f}" in lead and "1 means best on every criterion" in lead
    assert lead.index(top[0]) < lead.index(top[2])
    assert "┏" not in res.out.split("\n\n", 1)[0]  # the sentence comes before the table


def test_smaa_lead_gives_first_rank_shares_that_match_the_rows(run):
    x = _json(run, "prioritise", "--aim", "capability", "--at", "2024-06-01", "--smaa", "--draws", "500")
    best = max(x["rows"], key=lambda row: row["share_rank_1"])
    assert f"{best['name']} ranks first in {round(100 * best['share_rank_1'])} %" in x["summary"]
    assert "500 random weightings" in x["summary"]


def test_group_lead_names_the_group_and_what_each_brings(run):
    x = _json(run, "group", "cyber=3,maritime=2", "--at", "2024-06-01", "--max-size", "6")
    for g in x["group"]:
        assert g["name"].removeprefix("the ") in x["summary"]
    assert f"is {x['size']} actors" in x["summary"]
    assert "cyber from 3 actors" in x["summary"]


def test_impact_lead_changes_with_the_date(run):
    a = _json(run, "impact", "aukus", "--at", "2021-10-01")["summary"]
    b = _json(run, "impact", "aukus", "--at", "2024-06-01")["summary"]
    assert "AUKUS leaves 28 of 30 allies out" in a
    assert "AUKUS leaves 30 of 32 allies out" in b


def test_audit_lead_names_finland_and_sweden_before_they_join(run):
    res = run("audit", "--at", "2021-10-01")
    lead = _first_paragraph(res.out)
    assert re.search(r"\d+ NATO partners hold a defence pledge", lead)
    assert "Finland" in lead and "Sweden" in lead
    later = _first_paragraph(run("audit", "--at", "2024-06-01").out)
    assert "Finland" not in later


def test_csv_output_stays_a_plain_table(run):
    res = run("prioritise", "--aim", "stability", "--at", "2024-06-01", "--format", "csv")
    assert res.out.splitlines()[0].startswith("rank,actor_id,name,score")


def test_api_and_pages_carry_the_same_sentence(web_app):
    from html import unescape

    from fastapi.testclient import TestClient

    client = TestClient(web_app)
    api = client.get("/api/v1/impact/aukus", params={"at": "2021-10-01"}).json()
    assert api["summary"].startswith("At 2021-10-01: AUKUS leaves 28 of 30 allies out")
    page = client.get("/formats/aukus", params={"at": "2021-10-01"}).text
    assert unescape(re.search(r'<p class="summary" id="summary">(.*?)</p>', page, re.S).group(1)) == api["summary"]
    prio = client.get("/api/v1/prioritise", params={"aim": "capability", "at": "2024-06-01"}).json()
    assert prio["summary"].startswith("For capability at 2024-06-01 the top partners are " + prio["ranking"][0]["name"])
    assert "Finland" in client.get("/audit", params={"at": "2021-10-01"}).text.split('id="summary">')[1].split("</p>")[0]
    group = client.get("/api/v1/group", params={"need": "cyber=3", "at": "2024-06-01"}).json()
    assert group["summary"].startswith("At 2024-06-01 the cheapest group that covers cyber from 3 actors is 3 actors")


def test_overview_opens_with_the_stocktaking_answer(run):
    res = run("overview", "--at", "2022-06-01")
    assert res.code == 0, res.err
    lead = _first_paragraph(res.out)
    assert lead.startswith("On 2022-06-01 NATO has 30 members and 40 partner states")
