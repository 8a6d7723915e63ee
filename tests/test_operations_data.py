"""Contributions to NATO-led operations as data: the op-* arrangements, the battlegroups, Baltic Air
Policing, their participations and the personnel indicator (indicators/ops_personnel.yaml,
interface B), checked as a user would.

Known figures are checked against what their sources say (NATO's ISAF figures of 15 November 2010
as reported by AFP; the KFOR placemat of February 2017; the Swedish and Finnish defence forces).
"""

from __future__ import annotations

import json
import math

import pytest
import yaml

from secnet.ingest.dataset import shipped_path
from secnet.model.dates import FuzzyDate

INDICATOR = shipped_path() / "indicators" / "ops_personnel.yaml"
BATTLEGROUPS = ("efp-estonia", "efp-latvia", "efp-lithuania", "efp-poland",
                "flf-bulgaria", "flf-hungary", "flf-romania", "flf-slovakia")
OPERATIONS = ("op-isaf", "op-rsm", "op-kfor", "op-active-endeavour", "op-sea-guardian", "op-nmi", "op-ntm-i",
              "op-unified-protector", "baltic-air-policing") + BATTLEGROUPS


@pytest.fixture(scope="module")
def indicator() -> dict:
    return yaml.safe_load(INDICATOR.read_text(encoding="utf-8"))


def value(ind: dict, actor: str, context: str, date: str) -> dict:
    hits = [v for v in ind["values"] if (v["actor"], v["context"], v["date"]) == (actor, context, date)]
    assert len(hits) == 1, (actor, context, date, hits)
    return hits[0]


def test_indicator_file_has_the_interface_b_shape(indicator, shipped):
    assert indicator["id"] == INDICATOR.stem == "ops_personnel"
    assert indicator["unit"] == "personnel"
    assert indicator["higher_is"] in {"better", "worse"}
    assert indicator["name"] and indicator["definition"]
    assert set(indicator["sources"]) <= set(shipped.sources)
    seen = set()
    for i, v in enumerate(indicator["values"]):
        where = f"values[{i}]"
        assert set(v) <= {"actor", "date", "value", "context", "sources", "note"}, where
        assert v["actor"] in shipped.actors, where
        assert isinstance(v["date"], str), f"{where}: quote the date"
        FuzzyDate.parse(v["date"])
        assert isinstance(v["value"], (int, float)) and not isinstance(v["value"], bool), where
        assert math.isfinite(v["value"]) and v["value"] >= 0, where
        assert shipped.arrangements[v["context"]].kind == "operation", where
        assert v["sources"] and set(v["sources"]) <= set(shipped.sources), where
        key = (v["actor"], v["context"], v["date"])
        assert key not in seen, f"{where}: {key} given twice"
        seen.add(key)


def test_every_figure_falls_inside_its_operation_and_a_participation(indicator, shipped):
    """A figure for an actor in an operation at a date means the actor took part then."""
    for v in indicator["values"]:
        members = {m["actor_id"] for m in shipped.members(v["context"], at=v["date"])}
        assert v["actor"] in members, (v["actor"], v["context"], v["date"])


def test_partner_figures_for_isaf_in_november_2010(indicator):
    src = "ops-afp-isaf-troops-2010-11"
    expected = {"SWE": 500, "FIN": 150, "AUS": 1550, "GEO": 924, "KOR": 246, "NZL": 234, "MNG": 47,
                "AUT": 3, "IRL": 7, "UKR": 16}
    for actor, n in expected.items():
        v = value(indicator, actor, "op-isaf", "2010-11-15")
        assert v["value"] == n and v["sources"] == [src], actor


def test_partner_figures_for_kfor_in_february_2017(indicator):
    expected = {"AUT": 487, "CHE": 234, "FIN": 20, "SWE": 2, "IRL": 12, "ARM": 35, "MDA": 41, "UKR": 40}
    for actor, n in expected.items():
        v = value(indicator, actor, "op-kfor", "2017-02")
        assert v["value"] == n and v["sources"] == ["ops-kfor-placemat-2017-02"], actor
    partners = {v["actor"] for v in indicator["values"] if v["context"] == "op-kfor" and v["date"] == "2017-02"}
    assert {"ARM", "AUT", "FIN", "IRL", "MDA", "SWE", "CHE", "UKR"} <= partners  # the placemat's 8 non-NATO nations


def test_a_state_has_several_dates_for_isaf(indicator):
    dates = sorted(v["date"] for v in indicator["values"] if v["actor"] == "AUS" and v["context"] == "op-isaf")
    assert dates == ["2008-06-03", "2009-10-01", "2010-11-15"]
    assert [value(indicator, "AUS", "op-isaf", d)["value"] for d in dates] == [1100, 1200, 1550]


def test_members_of_isaf_in_2011_hold_the_partners(run):
    res = run("members", "op-isaf", "--at", "2011-06-01", "--format", "json")
    assert res.code == 0, res.err
    rows = {r["actor_id"]: r for r in json.loads(res.out)}
    assert {"SWE", "FIN", "AUS", "GEO", "MNG", "KOR", "NZL", "USA"} <= set(rows)
    assert rows["SWE"]["start"] == "2003-08-11" and rows["SWE"]["certain"] is True
    assert rows["GEO"]["start_precision"] == "month"
    # Known only as contributing by 1 October 2009 (NATO figures): shown, and certain on a later day.
    assert rows["NZL"]["start_precision"] == "not_after" and rows["NZL"]["certain"] is True
    assert rows["KOR"]["start"] == "2010-07"  # the Korean PRT deployed in July 2010


def test_isaf_before_a_contribution_is_known_is_uncertain_not_certain(run):
    res = run("members", "op-isaf", "--at", "2009-01-01", "--format", "json")
    rows = {r["actor_id"]: r for r in json.loads(res.out)}
    assert rows["NZL"]["certain"] is False  # by 2009-10-01 only: not presented as certain in January 2009
    assert rows["SWE"]["certain"] is True
    assert "MNG" not in rows and "KOR" not in rows  # Mongolia joined ISAF in March 2010, Korea in July 2010


def test_operations_end_and_hand_over(run):
    res = run("members", "op-isaf", "--at", "2015-06-01", "--format", "json")
    assert res.code == 0
    assert json.loads(res.out or "[]") == []
    rsm = {r["actor_id"] for r in json.loads(run("members", "op-rsm", "--at", "2015-06-01", "--format", "json").out)}
    assert {"AUS", "FIN", "SWE", "GEO", "NZL"} <= rsm
    later = {r["actor_id"] for r in json.loads(run("members", "op-rsm", "--at", "2021-05-20", "--format", "json").out)}
    assert "SWE" not in later and "FIN" in later  # Sweden's contribution ended on 15 May 2021, Finland's in June


def test_kfor_partners_from_their_own_defence_ministries(run):
    rows = {r["actor_id"]: r for r in json.loads(run("members", "op-kfor", "--at", "2000-01-01", "--format", "json").out)}
    assert {"AUT", "CHE", "IRL"} <= set(rows)
    assert rows["AUT"]["start"] == "1999-07-02"


def test_operations_are_operations_under_nato_without_pledges(shipped):
    for aid in OPERATIONS:
        arr = shipped.arrangements[aid]
        assert (arr.kind, arr.relation, arr.parent) == ("operation", "inside", "nato"), aid
        assert {ob.type for ob in arr.obligations} == {"cooperation"}, aid


def test_operations_leave_the_actor_network_alone(shipped):
    from secnet.analytics import graph

    g = graph.actor_graph(shipped, "2011-06-01")
    for _, _, d in g.edges(data=True):
        assert not any(a.startswith("op-") for a in d["arrangements"])
    only_ops = graph.actor_graph(shipped, "2011-06-01", arrangement_kinds=["operation"])
    assert only_ops.has_edge("SWE", "AUS")  # asked for explicitly, co-deployment is there


def test_parp_and_occ_list_their_partner_participants(run):
    rows = {r["actor_id"]: r for r in json.loads(run("members", "parp", "--at", "2020-01-01", "--format", "json").out)}
    assert {"AUT", "FIN", "SWE", "IRL", "GEO", "ARM", "KAZ"} <= set(rows)
    later = {r["actor_id"] for r in json.loads(run("members", "parp", "--at", "2024-06-01", "--format", "json").out)}
    assert "FIN" not in later and "SWE" not in later  # allies leave the partners' process on accession
    occ = {r["actor_id"] for r in json.loads(run("members", "occ-ef", "--at", "2019-01-01", "--format", "json").out)}
    assert {"KAZ", "UKR"} <= occ


def test_a_partner_that_left_is_gone_and_an_unknown_end_is_uncertain(run):
    kfor = {r["actor_id"] for r in json.loads(run("members", "op-kfor", "--at", "2005-01-01", "--format", "json").out)}
    assert "RUS" not in kfor  # Russian contingent withdrawn on 2 July 2003
    assert "RUS" in {r["actor_id"] for r in json.loads(run("members", "op-kfor", "--at", "2001-01-01", "--format", "json").out)}
    oae = {r["actor_id"]: r for r in json.loads(run("members", "op-active-endeavour", "--at", "2010-01-01", "--format", "json").out)}
    assert oae["RUS"]["certain"] is False  # last known deployment 2007, cooperation suspended 2014


def test_japan_is_not_an_isaf_or_rsm_troop_contributor(shipped):
    # Neither NATO's ISAF figures of 15 November 2010 (via AFP) nor the 40 RSM nations a NATO
    # source named in 2015 include Japan, which funded Afghan forces but sent no troops.
    assert "JPN" not in ids_at(shipped, "op-isaf", "2011-02-01")
    assert "JPN" not in ids_at(shipped, "op-rsm", "2016-01-01")


def test_isaf_on_1_february_2011_holds_mongolia_and_every_ally(run):
    res = run("members", "op-isaf", "--at", "2011-02-01", "--format", "json")
    assert res.code == 0, res.err
    rows = {r["actor_id"]: r for r in json.loads(res.out)}
    # Mongolia contributed from March 2010 (NATO); all 28 allies were in ISAF at the end of 2010.
    assert rows["MNG"]["certain"] is True and rows["MNG"]["start"] == "2010-03"
    assert len(rows) >= 48


def test_resolute_support_holds_the_forty_nations_of_2015_without_france_or_canada(shipped):
    rows = {r["actor_id"]: r for r in shipped.members("op-rsm", at="2016-01-01")}
    named_2015 = {"ALB", "ARM", "AUT", "AZE", "BEL", "BIH", "BGR", "HRV", "DEU", "POL", "GRC", "PRT", "HUN",
                  "ROU", "ISL", "SVK", "IRL", "SVN", "ITA", "ESP", "LVA", "SWE", "LTU", "MKD", "LUX", "TUR",
                  "CZE", "EST", "MNG", "UKR", "DNK", "MNE", "GBR", "NLD", "USA", "FIN", "NZL", "GEO", "NOR", "AUS"}
    assert len(named_2015) == 40 and named_2015 <= set(rows)
    assert "FRA" not in rows and "CAN" not in rows
    # Known only as "by 2015": possible but not certain in mid-2015, certain once 2015 is over.
    mid = {r["actor_id"]: r for r in shipped.members("op-rsm", at="2015-06-01")}
    assert mid["ALB"]["certain"] is False and rows["ALB"]["certain"] is True
    # North Macedonia's defence ministry dates its contribution from the first day of the mission.
    assert mid["MKD"]["certain"] is True and mid["MKD"]["start"] == "2015-01-01"


def ids_at(reg, arrangement, at):
    return {r["actor_id"] for r in reg.members(arrangement, at=at)}


# --- NATO's forward presence in the east: one arrangement per battlegroup -------------------------


def roles_at(reg, arrangement, at):
    """``{actor: {role: row}}`` of an arrangement's members at ``at``."""
    out: dict = {}
    for r in reg.members(arrangement, at=at):
        out.setdefault(r["actor_id"], {})[r["role"]] = r
    return out


def test_germany_is_the_framework_nation_in_lithuania_in_june_2017(run):
    res = run("members", "efp-lithuania", "--at", "2017-06-01", "--format", "json")
    assert res.code == 0, res.err
    rows = {}
    for r in json.loads(res.out):
        rows.setdefault(r["actor_id"], {})[r["role"]] = r
    assert rows["DEU"]["framework_nation"]["certain"] is True
    assert rows["LTU"]["host_nation"]["certain"] is True
    # Contributions confirmed by Allied defence ministers on 26 October 2016 (SHAPE).
    assert {"BEL", "HRV", "FRA", "LUX", "NLD", "NOR"} <= set(rows)
    assert all(rows[a]["participant"]["start"] == "[..2016-10-26]" for a in ("BEL", "NLD", "NOR"))
    # Czech troops are sourced only from the rotation of February 2023: possible, not certain, in 2017.
    assert rows["CZE"]["participant"]["certain"] is False


def test_the_four_framework_nations_of_2017(shipped):
    expected = {"efp-estonia": "GBR", "efp-latvia": "CAN", "efp-lithuania": "DEU", "efp-poland": "USA"}
    hosts = {"efp-estonia": "EST", "efp-latvia": "LVA", "efp-lithuania": "LTU", "efp-poland": "POL"}
    for bg, fn in expected.items():
        rows = roles_at(shipped, bg, "2017-07-01")
        assert [a for a, roles in rows.items() if "framework_nation" in roles] == [fn], bg
        assert "host_nation" in rows[hosts[bg]], bg


def test_latvia_gains_slovakia_in_november_2017_and_czechia_in_june_2018(shipped):
    # Slovakia involved since November 2017; a Czech mortar platoon arrived in mid-June 2018 (CAF).
    assert "SVK" not in ids_at(shipped, "efp-latvia", "2017-10-15")
    assert "SVK" in ids_at(shipped, "efp-latvia", "2017-12-01")
    assert "CZE" not in ids_at(shipped, "efp-latvia", "2018-05-31")
    assert "CZE" in ids_at(shipped, "efp-latvia", "2018-07-01")
    # The stand-up of 19 June 2017: Albania, Canada, Italy, Poland, Slovenia and Spain.
    assert {"ALB", "CAN", "ITA", "POL", "SVN", "ESP"} <= ids_at(shipped, "efp-latvia", "2017-06-20")


def test_croatia_joins_the_us_led_battlegroup_in_poland_in_october_2017(shipped):
    assert "HRV" not in ids_at(shipped, "efp-poland", "2017-09-15")
    assert {"HRV", "GBR", "ROU", "USA", "POL"} <= ids_at(shipped, "efp-poland", "2017-11-01")


def test_four_battlegroups_in_2018_and_eight_in_2023(shipped):
    def alive(at):
        return {a.id for a in shipped.as_of(at).arrangements if a.id in BATTLEGROUPS}
    assert alive("2018-01-01") == {"efp-estonia", "efp-latvia", "efp-lithuania", "efp-poland"}
    assert alive("2023-01-01") == set(BATTLEGROUPS)
    rows = roles_at(shipped, "flf-hungary", "2024-06-01")
    assert {"host_nation", "framework_nation"} <= set(rows["HUN"])  # Hungary hosts and leads its own
    assert {"HRV", "ITA", "TUR"} <= set(rows)  # SHAPE, 3 May 2024
    assert "framework_nation" in roles_at(shipped, "flf-romania", "2023-01-01")["FRA"]
    assert "framework_nation" in roles_at(shipped, "flf-bulgaria", "2023-01-01")["ITA"]


def test_battlegroups_hold_allies_only(shipped):
    for bg in BATTLEGROUPS:
        allies = {m["actor_id"] for m in shipped.members("nato", at="2025-06-01")}
        assert ids_at(shipped, bg, "2025-06-01") <= allies, bg


def test_battlegroups_are_not_formats_for_the_cohesion_finding(shipped):
    from secnet.analytics import formats

    ranked = {x["format"] for x in formats.impact_all(shipped, "2023-06-01")}
    assert ranked and not ranked & set(BATTLEGROUPS)
    assert "op-unified-protector" not in ranked


# --- Operation Unified Protector (Libya, 2011) --------------------------------------------------------


def test_jordan_qatar_sweden_and_the_uae_contributed_to_unified_protector(run):
    res = run("members", "op-unified-protector", "--at", "2011-10-15", "--format", "json")
    assert res.code == 0, res.err
    rows = {r["actor_id"]: r for r in json.loads(res.out)}
    assert {"JOR", "QAT", "SWE", "ARE"} <= set(rows)
    assert rows["SWE"]["start"] == "2011-04" and rows["JOR"]["start"] == "[..2011-04-07]"
    assert {"USA", "FRA", "GBR", "ITA", "CAN", "TUR", "BEL", "DNK", "GRC", "NLD", "NOR", "ESP"} <= set(rows)
    assert "DEU" not in rows and "POL" not in rows  # not among the allies DPA named


def test_unified_protector_ends_on_31_october_2011(shipped):
    assert "SWE" in ids_at(shipped, "op-unified-protector", "2011-10-31")
    assert ids_at(shipped, "op-unified-protector", "2011-11-01") == set()
    assert "SWE" not in ids_at(shipped, "op-unified-protector", "2011-03-15")  # Riksdag decision of 1 April 2011


# --- NATO Baltic Air Policing (since 2004): one participation per ally per rotation spell ----------------

BAP = "baltic-air-policing"


def test_belgium_was_the_first_lead_nation_in_2004(shipped):
    rows = roles_at(shipped, BAP, "2004-04-15")
    assert rows == {"LTU": rows["LTU"], "BEL": rows["BEL"]}
    assert set(rows["LTU"]) == {"host_nation"} and set(rows["BEL"]) == {"lead"}
    assert rows["BEL"]["lead"]["start"] == "2004-03-29" and rows["BEL"]["lead"]["certain"] is True
    # Denmark took over at the ceremony of 1 July 2004.
    assert set(roles_at(shipped, BAP, "2004-07-01")) == {"LTU", "DNK"}
    assert "BEL" in ids_at(shipped, BAP, "2004-06-30")


def test_poland_led_the_rotation_that_handed_over_to_hungary_on_2019_05_02(shipped):
    before, after = roles_at(shipped, BAP, "2019-05-01"), roles_at(shipped, BAP, "2019-05-02")
    assert "lead" in before["POL"] and "HUN" not in before
    assert "lead" in after["HUN"] and "POL" not in after
    # At Ämari the RAF took over from Germany the same day; Spain augmented at Šiauliai.
    assert "participant" in before["DEU"] and "DEU" not in after
    assert {"GBR", "ESP"} <= set(after) and "participant" in after["ESP"]


def test_who_policed_the_baltic_skies_on_1_june_2017(run):
    res = run("members", BAP, "--at", "2017-06-01", "--format", "json")
    assert res.code == 0, res.err
    rows = {(r["actor_id"], r["role"]): r for r in json.loads(res.out)}
    # Polish F-16s led from Šiauliai from 2 May, Spanish F-18s augmented from Ämari from 3 May (AIRCOM).
    assert set(rows) == {("LTU", "host_nation"), ("EST", "host_nation"), ("POL", "lead"), ("ESP", "participant")}
    assert rows[("POL", "lead")]["start"] == "2017-05-02" and rows[("ESP", "participant")]["start"] == "2017-05-03"
    assert all(r["certain"] for r in rows.values())


def test_hosts_lithuania_estonia_poland_and_latvia_during_the_amari_runway_works(shipped):
    assert "EST" not in ids_at(shipped, BAP, "2014-04-30")
    assert "host_nation" in roles_at(shipped, BAP, "2014-05-01")["EST"]  # Danish F-16s at Ämari from 1 May 2014
    malbork = roles_at(shipped, BAP, "2015-03-01")
    assert "host_nation" in malbork["POL"] and "participant" in malbork["BEL"]  # Belgian F-16s at Malbork
    assert "POL" not in ids_at(shipped, BAP, "2015-10-01")  # no more jets to Poland from September 2015
    lielvarde = roles_at(shipped, BAP, "2024-06-01")
    assert "host_nation" in lielvarde["LVA"] and "EST" not in lielvarde and "participant" in lielvarde["DEU"]
    back = roles_at(shipped, BAP, "2025-01-15")
    assert "host_nation" in back["EST"] and "LVA" not in back and "participant" in back["NLD"]
    assert all("host_nation" in roles_at(shipped, BAP, d)["LTU"] for d in ("2004-04-01", "2015-06-01", "2025-06-01"))


def test_history_lists_every_rotation_of_the_seventeen_allies(run):
    res = run("history", BAP, "--format", "json")
    assert res.code == 0, res.err
    events = json.loads(res.out)
    joined = [e for e in events if e["event"] == "joined" and e["role"] != "host_nation"]
    # Allied Air Command: 17 Allies had taken turns by 2017-2025 (Hungary the 16th in 2015, Canada in 2014).
    assert {e["actor_id"] for e in joined} == {"BEL", "DNK", "GBR", "NOR", "NLD", "DEU", "USA", "POL", "TUR", "ESP",
                                               "FRA", "ROU", "PRT", "CZE", "ITA", "CAN", "HUN"}
    leads = [e for e in joined if e["role"] == "lead"]
    assert len(leads) >= 60  # 69 rotations by November 2025, some led jointly or by the same detachment
    assert [e["actor_id"] for e in leads[:9]] == ["BEL", "DNK", "GBR", "NOR", "NLD", "DEU", "USA", "POL", "TUR"]


def test_a_rotation_known_only_by_month_or_window_is_not_certain(shipped):
    # Poland's first rotation began at the end of 2005 (AIRCOM) or in January 2006 (Lithuanian MoD).
    early = roles_at(shipped, BAP, "2006-01-15")
    assert early["POL"]["lead"]["certain"] is False and early["USA"]["lead"]["certain"] is False
    assert roles_at(shipped, BAP, "2006-02-15")["POL"]["lead"]["certain"] is True
    # The RAF policed from October 2004 to January 2005: month precision, never an invented day.
    gbr = roles_at(shipped, BAP, "2004-11-15")["GBR"]["lead"]
    assert gbr["start"] == "2004-10" and gbr["start_precision"] == "month"


def test_baltic_air_policing_leaves_the_network_and_the_cohesion_ranking_alone(shipped):
    from secnet.analytics import formats, graph

    g = graph.actor_graph(shipped, "2017-06-01")
    assert not any(BAP in d["arrangements"] for _, _, d in g.edges(data=True))
    only_ops = graph.actor_graph(shipped, "2017-06-01", arrangement_kinds=["operation"])
    assert BAP in only_ops.edges["POL", "ESP"]["arrangements"]  # asked for explicitly, co-deployment is there
    assert BAP not in {x["format"] for x in formats.impact_all(shipped, "2017-06-01")}
