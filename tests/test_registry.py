"""The registry answers what a user would check, on a small hand-built dataset."""

import pandas as pd
import pytest

from secnet.errors import InvalidInput, UnknownActor, UnknownArrangement
from secnet.registry import Registry


@pytest.fixture
def r(mini):
    return Registry.from_yaml(mini)


def ids(rows):
    return sorted({x["actor_id"] for x in rows})


def test_finland_is_a_member_from_its_accession_day_not_before(r):
    assert "FIN" not in ids(r.members("nato", at="2023-04-03"))
    assert "FIN" in ids(r.members("nato", at="2023-04-04"))


def test_finland_is_a_partner_until_accession_and_never_both(r):
    assert "FIN" in ids(r.partners("nato", at="2023-04-03"))
    assert "FIN" not in ids(r.partners("nato", at="2023-04-04"))
    for day in ("2022-05-17", "2022-05-18", "2023-04-03", "2023-04-04"):
        nato_roles = {x["role"] for x in r.arrangements_of("FIN", at=day) if x["arrangement_id"] == "nato"}
        assert not ({"member"} <= nato_roles and "applicant" in nato_roles)


def test_role_filter_and_applicants(r):
    assert ids(r.members("nato", at="2022-06-01", role="applicant")) == ["FIN", "SWE"]
    assert ids(r.members("nato", at="2022-06-01")) == ["DEU", "GBR", "USA"]
    with pytest.raises(InvalidInput, match="did you mean member"):
        r.members("nato", role="membr")


def test_partners_come_from_child_frameworks(r):
    rows = r.partners("nato", at="2000-01-01")
    assert ids(rows) == ["AUT", "FIN", "SWE"]
    assert {x["arrangement_id"] for x in rows} == {"pfp"}


def test_withdrawal_and_reactivation(r):
    assert "MLT" in ids(r.partners("nato", at="1996-01-01"))
    assert "MLT" not in ids(r.partners("nato", at="2000-01-01"))
    assert "MLT" in ids(r.partners("nato", at="2008-04-03"))


def test_month_precision_is_possible_then_certain(r):
    rows = {x["actor_id"]: x for x in r.partners("nato", at="1995-02-10")}
    assert rows["AUT"]["certain"] is False
    rows = {x["actor_id"]: x for x in r.partners("nato", at="1995-02-28")}
    assert rows["AUT"]["certain"] is True
    assert "AUT" not in ids(r.partners("nato", at="1995-01-31"))


def test_a_year_query_means_the_year(r):
    # Joined in June 2017: a member "in 2017", though not on 1 January 2017.
    assert "FIN" in ids(r.members("jef", at="2017"))
    assert "FIN" not in ids(r.members("jef", at="2017-01-01"))


def test_cow_code_follows_the_date(r):
    deu = lambda at: next(x for x in r.members("nato", at=at) if x["actor_id"] == "DEU")
    assert (deu("1980-01-01")["cow_code"], deu("1980-01-01")["cow_abb"]) == (260, "GFR")
    assert (deu("1995-01-01")["cow_code"], deu("1995-01-01")["cow_abb"]) == (255, "GMY")
    assert deu("1995-01-01")["iso3"] == "DEU"


def test_history_merges_role_changes(r):
    events = [(e["date"], e["event"], e["actor_id"], e["from_role"], e["role"]) for e in r.history("nato")]
    assert events[0][1] == "founded"
    assert ("2023-04-04", "changed", "FIN", "applicant", "member") in events
    assert ("2024-03-07", "changed", "SWE", "applicant", "member") in events
    assert [e[0] for e in events] == sorted(e[0] for e in events)


def test_history_of_withdrawal(r):
    mlt = [(e["date"], e["event"]) for e in r.history("pfp") if e["actor_id"] == "MLT"]
    assert mlt == [("1995-04-26", "joined"), ("1996-10-27", "left"), ("2008-04-03", "joined")]


def test_diff(r):
    rows = r.diff("nato", "2022-01-01", "2024-06-01")
    assert {(x["actor_id"], x["change"]) for x in rows} == {("FIN", "joined"), ("SWE", "joined")}
    rows = r.diff(None, "2022-06-01", "2024-06-01")
    assert ("pfp", "FIN", "left") in {(x["arrangement_id"], x["actor_id"], x["change"]) for x in rows}


def test_search_and_sources(r):
    hits = r.search("fin")
    assert hits[0]["id"] == "FIN"
    src = r.sources_for("nato:FIN:member")
    assert [s["source_id"] for s in src] == ["members-page"]
    assert src[0]["url"].startswith("https://www.nato.int/")
    assert {s["source_id"] for s in r.sources_for("nato")} >= {"treaty"}


def test_unknown_ids_suggest(r):
    with pytest.raises(UnknownActor, match=r"unknown actor 'SWD'; did you mean SWE\?"):
        r.arrangements_of("SWD")
    with pytest.raises(UnknownArrangement, match="did you mean nato"):
        r.members("natto")
    assert r.arrangement_id("NATO") == "nato" and r.actor_id("fin") == "FIN"


def test_as_of_table(r):
    snap = r.as_of("2023-06-01")
    t = snap.table()
    assert {"actor_id", "name", "iso3", "cow_code", "role", "start", "end", "arrangement_id", "sources"} <= set(t.columns)
    assert set(t[t.arrangement_id == "nato"].actor_id) == {"USA", "GBR", "DEU", "FIN", "SWE"}
    assert sorted(a.id for a in snap.arrangements) == ["jef", "nato", "pfp"]
    assert [a.id for a in r.as_of("1950").arrangements] == ["nato"]


def test_table_and_rows_agree(r):
    for at in ("1996", "2008-04-03", "2023-04-04", "2024"):
        snap = r.as_of(at)
        t = snap.table()
        assert sorted(t["key"]) == sorted(x["key"] for x in snap.rows)
        certain = dict(zip(t["key"], t["certain"]))
        cow = dict(zip(t["key"], t["cow_code"]))
        for x in snap.rows:
            assert certain[x["key"]] == x["certain"]
            assert (None if x["cow_code"] is None else x["cow_code"]) == (None if cow[x["key"]] is pd.NA else cow[x["key"]])
