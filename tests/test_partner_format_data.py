"""NATO's partner states by framework, suspensions, and the dated membership of formats.

What a user would check against NATO's own lists: at 2022-06-01 NATO counted 40 partner
states (Partnership for Peace 20, Mediterranean Dialogue 7, Istanbul Cooperation
Initiative 4, partners across the globe 9 including Pakistan), Russia, Belarus and
Afghanistan among them with cooperation suspended; after Finland and Sweden joined the
Alliance, 38. Then a few join and leave dates of formats, each from the source the
dataset cites (see src/secnet/data/sources/partners-formats-2026.yaml).
"""

import pytest

from secnet.ingest.dataset import load_dataset
from secnet.registry import Registry

FRAMEWORKS = ("pfp", "med-dialogue", "ici", "partners-across-the-globe")

PARTNERS_2022 = {
    "pfp": {"ARM", "AUT", "AZE", "BLR", "BIH", "FIN", "GEO", "IRL", "KAZ", "KGZ", "MLT", "MDA",
            "RUS", "SRB", "SWE", "CHE", "TJK", "TKM", "UKR", "UZB"},
    "med-dialogue": {"DZA", "EGY", "ISR", "JOR", "MRT", "MAR", "TUN"},
    "ici": {"BHR", "KWT", "QAT", "ARE"},
    "partners-across-the-globe": {"AFG", "AUS", "COL", "IRQ", "JPN", "KOR", "MNG", "NZL", "PAK"},
}


@pytest.fixture(scope="module")
def r():
    return Registry.from_yaml()


def own_rows(r, arrangement, at):
    """The framework's own participants (not the allies it inherits from NATO)."""
    return [x for x in r.participants(arrangement, at=at) if x["inherited_from"] is None]


def by_framework(r, at):
    return {fw: {x["actor_id"] for x in own_rows(r, fw, at)} for fw in FRAMEWORKS}


def test_the_40_partner_states_of_2022_by_framework(r):
    got = by_framework(r, "2022-06-01")
    assert got == PARTNERS_2022
    assert {k: len(v) for k, v in got.items()} == {"pfp": 20, "med-dialogue": 7, "ici": 4,
                                                   "partners-across-the-globe": 9}
    assert len(set().union(*got.values())) == 40


def test_russia_belarus_afghanistan_are_there_but_suspended_in_2022(r):
    roles = {(x["arrangement_id"], x["actor_id"]): x for fw in FRAMEWORKS for x in own_rows(r, fw, "2022-06-01")}
    assert roles[("pfp", "RUS")]["role"] == "suspended" and roles[("pfp", "RUS")]["start"] == "2014-04-01"
    assert roles[("pfp", "BLR")]["role"] == "suspended" and roles[("pfp", "BLR")]["start"] == "2021-11-19"
    afg = roles[("partners-across-the-globe", "AFG")]
    assert afg["role"] == "suspended" and afg["start"] == "2021-08-20"
    assert "nato-fm-statement-afghanistan-2021-08-20" in afg["sources"]
    suspended = {a for (_, a), x in roles.items() if x["role"] == "suspended"}
    assert suspended == {"RUS", "BLR", "AFG"}
    # Before the suspensions they were ordinary partners.
    assert {x["actor_id"]: x["role"] for x in own_rows(r, "pfp", "2014-03-01")}["RUS"] == "partner"
    assert {x["actor_id"]: x["role"] for x in own_rows(r, "partners-across-the-globe", "2021-08-19")}["AFG"] == "partner"


def test_pakistan_is_a_partner_across_the_globe_not_later_than_october_2012(r):
    def pak(at):
        return [x for x in own_rows(r, "partners-across-the-globe", at) if x["actor_id"] == "PAK"]

    (row,) = pak("2022-06-01")
    assert row["role"] == "partner" and row["start_precision"] == "not_after" and row["certain"] is True
    assert "nato-pag-topic-2012" in row["sources"]
    (early,) = pak("2010-01-01")  # after the framework's start (2008), before the bound: listed, not certain
    assert early["certain"] is False
    assert pak("2007-01-01") == []


def test_the_2024_list_after_finland_and_sweden_joined(r):
    got = by_framework(r, "2024-06-01")
    expected = dict(PARTNERS_2022, pfp=PARTNERS_2022["pfp"] - {"FIN", "SWE"})
    assert got == expected
    assert len(set().union(*got.values())) == 38
    nato = {x["actor_id"] for x in r.members("nato", at="2024-06-01")}
    assert {"FIN", "SWE"} <= nato


def test_sources_of_the_partnership_frameworks_are_not_wikipedia_or_mirrors():
    ds = load_dataset()
    bad = ("wikipedia", "wikimedia", "wmcloud", "wikimili", "kiddle", "owiki", "republicworld")
    checked = {"pfp", "eapc", "nacc", "med-dialogue", "ici", "partners-across-the-globe", "eop", "ip4",
               "coalition-of-the-willing-ukraine", "pesco-military-mobility", "albania-ukraine-2025"}
    checked |= {a for a in ds.arrangements if a.startswith("udcg-")}
    cited = set()
    for aid in checked:
        arr = ds.arrangements[aid]
        cited |= set(arr.sources) | set(arr.founded_sources)
        for p in arr.participations:
            cited |= set(p.sources)
    offenders = sorted(s for s in cited if any(b in (ds.sources[s].url or "").lower() for b in bad))
    assert offenders == []


# --- formats: join and leave dates as published ---------------------------------------------

def ids(rows):
    return {x["actor_id"] for x in rows}


def test_drone_coalition_grew_from_launch_to_sixteen(r):
    rows = r.participants("udcg-drone-coalition", at="2024-02-14")
    assert {x["actor_id"] for x in rows if x["certain"]} == {"LVA", "GBR", "SWE", "DNK", "DEU", "LTU", "EST", "NLD", "UKR"}
    # Members first listed in July 2024 (or May 2025) are shown at the launch, but not as certain.
    assert {x["actor_id"] for x in rows if not x["certain"]} == {"AUS", "FRA", "ITA", "NZL", "POL", "LUX", "NOR"}
    assert "CZE" not in ids(r.participants("udcg-drone-coalition", at="2024-07-10"))
    july = r.participants("udcg-drone-coalition", at="2024-07-22")
    assert len({x["actor_id"] for x in july if x["certain"]}) == 16
    may25 = {x["actor_id"]: x["role"] for x in r.participants("udcg-drone-coalition", at="2025-05-28")}
    assert len([a for a, role in may25.items() if role != "applicant"]) == 18
    assert may25["TUR"] == may25["BEL"] == "applicant"


def test_military_mobility_third_states_from_the_council_decisions(r):
    def third(at):
        return ids(r.participants("pesco-military-mobility", at=at)) & {"USA", "CAN", "NOR", "GBR", "CHE"}

    assert third("2021-05-05") == set()
    assert third("2021-05-06") == {"USA", "CAN", "NOR"}
    assert third("2022-11-15") == {"USA", "CAN", "NOR", "GBR"}
    roles = {x["actor_id"]: x["role"] for x in r.participants("pesco-military-mobility", at="2025-06-01")}
    assert roles["CHE"] == "applicant" and roles["NLD"] == "lead"
    assert r.arrangements["pesco-military-mobility"].parent == "pesco"
    # 26 EU member states (all of PESCO) by January 2025, Malta not among them.
    eu_part = {x["actor_id"] for x in r.participants("pesco-military-mobility", at="2025-01-13")} - {"USA", "CAN", "NOR", "GBR", "CHE"}
    assert len(eu_part) == 26 and "MLT" not in eu_part


def test_coalition_of_the_willing_london_and_paris(r):
    london = {x["actor_id"]: x for x in r.participants("coalition-of-the-willing-ukraine", at="2025-03-02")}
    assert {"GBR", "FRA", "UKR", "CAN", "TUR", "DEU", "POL", "NOR"} <= set(london)
    assert all(london[a]["certain"] for a in ("CAN", "TUR"))
    assert "JPN" not in london or london["JPN"]["certain"] is False
    paris = {x["actor_id"]: x for x in r.participants("coalition-of-the-willing-ukraine", at="2025-09-04")}
    assert {"JPN", "AUS", "NZL", "ALB", "MNE", "CYP"} <= set(paris) and paris["JPN"]["certain"]
    assert len(paris) >= 33
    assert "USA" not in paris


def test_it_coalition_members_are_not_later_than_the_2024_agreement(r):
    before = {x["actor_id"]: x["certain"] for x in r.participants("udcg-it-coalition", at="2023-12-01")}
    assert before and not any(before.values())
    after = {x["actor_id"]: x["certain"] for x in r.participants("udcg-it-coalition", at="2024-03-01")}
    assert len(after) == 11 and all(after.values())


def test_capability_coalitions_sit_under_the_udcg_with_their_leads(r):
    leads = {
        "udcg-air-force-coalition": {"DNK", "NLD", "USA"},
        "udcg-iamd-coalition": {"DEU", "FRA", "USA"},
        "udcg-artillery-coalition": {"FRA", "USA"},
        "udcg-maritime-coalition": {"GBR", "NOR"},
        "udcg-armour-coalition": {"POL", "DEU"},
        "udcg-it-coalition": {"EST", "LUX"},
        "udcg-demining-coalition": {"LTU", "ISL"},
        "udcg-drone-coalition": {"LVA", "GBR"},
    }
    for aid, want in leads.items():
        assert r.arrangements[aid].parent == "udcg", aid
        assert ids(r.members(aid, at="2025-06-01", role="lead")) == want, aid


def test_albania_ukraine_2025_is_a_political_declaration(r):
    arr = r.arrangements["albania-ukraine-2025"]
    assert arr.kind == "bilateral_agreement" and str(arr.founded) == "2025-01-21"
    assert all(o.binding is False for o in arr.obligations)
    assert {o.type for o in arr.obligations} == {"cooperation"}
    assert ids(r.participants("albania-ukraine-2025", at="2025-02-01")) == {"ALB", "UKR"}


def test_denmark_joins_pesco_in_2023_and_malta_never(r):
    # Council Decision (CFSP) 2017/2315: 25 founding participants; Denmark from 23 May 2023
    # (Council Decision (CFSP) 2023/1015) after its defence opt-out ended; Malta does not take part.
    founding = ids(r.members("pesco", at="2017-12-11"))
    assert len(founding) == 25 and "DNK" not in founding and "MLT" not in founding
    assert "DNK" not in ids(r.members("pesco", at="2023-05-22"))
    now = ids(r.members("pesco", at="2026-12-07"))
    assert "DNK" in now and len(now) == 26 and "MLT" not in now


def test_individual_partnership_action_plans_in_nato_order(r):
    # NATO's IPAP page: Georgia first (29 October 2004), then Azerbaijan, Armenia, Kazakhstan, Moldova.
    assert ids(r.members("ipap", at="2004-10-28")) == set()
    assert ids(r.members("ipap", at="2004-10-29")) == {"GEO"}
    assert ids(r.members("ipap", at="2006-06-01")) == {"GEO", "AZE", "ARM", "KAZ", "MDA"}
    assert "SRB" not in ids(r.members("ipap", at="2015-01-14"))
    assert "SRB" in ids(r.members("ipap", at="2015-01-15"))
    # Montenegro's plan ended by its NATO accession (5 June 2017).
    assert "MNE" not in ids(r.members("ipap", at="2017-06-06"))


def test_japan_and_korea_move_from_ipcp_to_itpp_at_vilnius(r):
    assert {"JPN", "KOR", "AUS", "NZL"} <= ids(r.members("ipcp", at="2023-01-01"))
    assert "KOR" not in ids(r.members("ipcp", at="2023-07-11")) and "KOR" in ids(r.members("itpp", at="2023-07-11"))
    assert "JPN" in ids(r.members("ipcp", at="2023-07-11")) and "JPN" not in ids(r.members("itpp", at="2023-07-11"))
    assert "JPN" in ids(r.members("itpp", at="2023-07-12")) and "JPN" not in ids(r.members("ipcp", at="2023-07-12"))
    for aid in ("ipap", "ipcp", "itpp"):
        arr = r.arrangements[aid]
        assert (arr.kind, arr.parent) == ("initiative", "nato") and {o.type for o in arr.obligations} == {"cooperation"}


def test_eurocorps_framework_nations_from_primary_sources(r):
    # Luxembourg joined in 1996 (Belgian government); Poland on 20 December 2021 (Eurocorps).
    assert "POL" not in ids(r.members("eurocorps", at="2021-12-19"))
    assert "POL" in ids(r.members("eurocorps", at="2021-12-20"))
    lux = {x["actor_id"]: x for x in r.members("eurocorps", at="1997-01-01")}["LUX"]
    assert lux["start"] == "1996" and lux["certain"] is True


def test_no_fact_rests_on_wikipedia_or_an_encyclopedia():
    from secnet.model import hosts

    ds = load_dataset()
    bad = [s.id for s in ds.sources.values() if hosts.category(s.url) == "encyclopedia" or "wikipedia" in (s.url or "")]
    assert bad == []
