"""The shipped dataset: representative facts per category, sources, and codes.

Facts are checked against the cited primary sources (NATO's member-country and
enlargement pages, the EU's accession treaties, the formats' own documents).
"""

import gzip
import csv
from pathlib import Path

import pycountry
import pytest

from secnet.ingest.dataset import load_dataset
from secnet.model.rules import NON_ISO_STATE_CODES
from secnet.registry import Registry


@pytest.fixture(scope="module")
def r():
    return Registry.from_yaml()


def ids(rows):
    return {x["actor_id"] for x in rows}


# --- NATO -------------------------------------------------------------------------------

ROUNDS = {
    "1949-08-24": {"BEL", "CAN", "DNK", "FRA", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "GBR", "USA"},
    "1952-02-18": {"GRC", "TUR"},
    "1982-05-30": {"ESP"},
    "1999-03-12": {"CZE", "HUN", "POL"},
    "2004-03-29": {"BGR", "EST", "LVA", "LTU", "ROU", "SVK", "SVN"},
    "2009-04-01": {"ALB", "HRV"},
    "2017-06-05": {"MNE"},
    "2020-03-27": {"MKD"},
    "2023-04-04": {"FIN"},
    "2024-03-07": {"SWE"},
}


@pytest.mark.parametrize("day, joined", sorted(ROUNDS.items()))
def test_every_enlargement_round(r, day, joined):
    import datetime as dt

    before = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    assert joined <= ids(r.members("nato", at=day))
    assert not (joined & ids(r.members("nato", at=before)))


def test_germany_joined_in_may_1955(r):
    deu = [m for m in r.members("nato", at="1955-12-31") if m["actor_id"] == "DEU"]
    assert deu and deu[0]["start"].startswith("1955-05")
    assert deu[0]["cow_code"] == 260
    assert [m for m in r.members("nato", at="1991-01-01") if m["actor_id"] == "DEU"][0]["cow_code"] == 255


@pytest.mark.parametrize("day, n", [("1949-08-24", 12), ("1952-02-18", 14), ("1982-05-30", 16), ("1999-03-12", 19),
                                    ("2004-03-29", 26), ("2009-04-01", 28), ("2017-06-05", 29), ("2020-03-27", 30),
                                    ("2023-04-03", 30), ("2023-04-04", 31), ("2024-03-06", 31), ("2024-03-07", 32)])
def test_member_counts(r, day, n):
    assert len(ids(r.members("nato", at=day))) == n


@pytest.mark.parametrize("state, accession", [("FIN", "2023-04-04"), ("SWE", "2024-03-07")])
def test_partner_to_member_transition(r, state, accession):
    import datetime as dt

    day_before = (dt.date.fromisoformat(accession) - dt.timedelta(days=1)).isoformat()
    assert state in ids(r.partners("nato", at=day_before))
    assert state not in ids(r.members("nato", at=day_before))
    assert state in ids(r.members("nato", at=accession))
    assert state not in ids(r.partners("nato", at=accession))
    for day in (day_before, accession):
        roles = {x["category"] for x in r.arrangements_of(state, at=day) if x["arrangement_id"] == "nato"}
        assert not {"member", "aspirant"} <= roles


def test_nato_obligations(r):
    types = {(o.type, o.binding, o.article) for o in r.arrangements["nato"].obligations}
    assert ("collective_defence", True, "Art. 5") in types
    assert any(t == "consultation" and b and "4" in a for t, b, a in types)


# --- partnership frameworks -----------------------------------------------------------------


def test_partners_in_2022_are_about_forty_states(r):
    rows = [x for x in r.partners("nato", at="2022-06-01") if x["kind"] == "state"]
    states = ids(rows)
    assert 34 <= len(states) <= 45
    assert {"FIN", "SWE", "UKR", "GEO", "AUS", "JPN", "KOR", "NZL", "JOR", "EGY", "ISR", "QAT"} <= states
    frameworks = {x["arrangement_id"] for x in rows}
    assert {"pfp", "eapc", "med-dialogue", "ici", "partners-across-the-globe", "eop"} <= frameworks


@pytest.mark.parametrize("at, framework, expected", [
    ("1995-01-01", "pfp", {"FIN", "SWE", "POL", "HUN", "ROU", "UKR", "RUS"}),
    ("2004-06-01", "pfp", {"AUT", "CHE", "IRL", "FIN", "SWE", "UKR", "GEO"}),
    ("2004-06-01", "med-dialogue", {"DZA", "EGY", "ISR", "JOR", "MAR", "MRT", "TUN"}),
    ("2014-06-01", "ici", {"ARE", "BHR", "KWT", "QAT"}),
    ("2022-06-01", "eop", {"AUS", "FIN", "GEO", "JOR", "SWE", "UKR"}),
    ("2025-01-01", "eop", {"AUS", "GEO", "JOR", "UKR"}),
])
def test_partner_lists_per_framework(r, at, framework, expected):
    got = ids(x for x in r.partners("nato", at=at) if x["arrangement_id"] == framework)
    assert expected <= got
    if framework in ("med-dialogue", "ici", "eop"):
        assert got == expected


def test_pfp_members_that_joined_nato_leave_pfp(r):
    assert "POL" in ids(r.partners("nato", at="1999-03-11"))
    assert "POL" not in ids(r.partners("nato", at="1999-03-12"))


def test_malta_withdrew_and_came_back(r):
    assert "MLT" in ids(r.partners("nato", at="1996-01-01"))
    assert "MLT" not in ids(r.partners("nato", at="2000-01-01"))
    assert "MLT" in ids(r.partners("nato", at="2010-01-01"))


def test_suspensions(r):
    rus = {x["role"] for x in r.arrangements_of("RUS", at="2022-06-01") if x["arrangement_id"] == "pfp"}
    assert rus == {"suspended"}


# --- organisations ------------------------------------------------------------------------


@pytest.mark.parametrize("at, n, inside, outside", [
    ("1995-06-01", 15, {"AUT", "FIN", "SWE"}, {"POL"}),
    ("2004-06-01", 25, {"POL", "EST", "MLT", "CYP"}, {"ROU"}),
    ("2020-01-31", 28, {"GBR", "HRV"}, set()),
    ("2020-02-01", 27, {"HRV"}, {"GBR"}),
])
def test_eu_membership(r, at, n, inside, outside):
    members = ids(r.members("eu", at=at))
    assert len(members) == n and inside <= members and not (outside & members)


def test_eu_mutual_assistance_clause(r):
    (o,) = [o for o in r.arrangements["eu"].obligations if o.type == "mutual_assistance"]
    assert o.binding and str(o.start) == "2009-12-01"


# --- formats --------------------------------------------------------------------------------


def test_at_least_25_formats(r):
    formats = [a for a in r.arrangements.values() if a.relation in ("flexible", "minilateral")]
    assert len(formats) >= 25


def test_formats_named_in_the_seeds_exist(r):
    for fid in ("northern-group", "jef", "e3", "visegrad", "ei2", "aukus", "pl-uk-ua-trilateral"):
        assert fid in r.arrangements, fid


def test_aukus_members(r):
    assert ids(r.members("aukus", at="2021-10-01")) == {"AUS", "GBR", "USA"}


def test_jef_today(r):
    assert {"GBR", "DNK", "EST", "FIN", "ISL", "LVA", "LTU", "NLD", "NOR", "SWE"} <= ids(r.members("jef"))


def test_most_formats_carry_no_pledge(r):
    for fid in ("jef", "aukus", "northern-group", "nordefco"):
        assert {o.type for o in r.arrangements[fid].obligations} <= {"cooperation"}, fid


def test_declarations_are_not_treaties(r):
    for fid in ("uk-sweden-2022", "uk-finland-2022"):
        if fid in r.arrangements:
            assert all(not o.binding for o in r.arrangements[fid].obligations)


# --- sources and codes ------------------------------------------------------------------------


def test_every_participation_has_a_source_that_resolves(r):
    for p in r._parts:
        assert p.sources, p.key
        for s in p.sources:
            src = r.sources[s]
            assert src.url or src.date
            assert src.title and src.publisher


def test_every_obligation_and_actor_is_sourced(r):
    for a in r.arrangements.values():
        assert a.sources or a.founded_sources
        for o in a.obligations:
            assert o.sources and all(s in r.sources for s in o.sources)
    for a in r.actors.values():
        assert a.sources and all(s in r.sources for s in a.sources)


def test_no_state_carries_a_cow_abbreviation_as_its_iso_code(r):
    """Each state's id is the ISO code of *that* state (by name), not a COW abbreviation.

    COW "AUS" is Austria, ISO AUS is Australia; COW "SWZ" is Switzerland, ISO SWZ is Eswatini.
    """
    norm = lambda s: s.casefold().replace(",", "").replace("the ", "")
    for a in r.actors.values():
        if a.kind != "state" or a.id in NON_ISO_STATE_CODES:
            continue
        c = pycountry.countries.get(alpha_3=a.id) or pycountry.historic_countries.get(alpha_3=a.id)
        iso_names = {norm(getattr(c, f)) for f in ("name", "official_name", "common_name") if getattr(c, f, None)}
        assert iso_names & {norm(n) for n in [a.name, *a.aliases]}, (a.id, a.name)


def test_cow_codes_match_the_cow_state_list(r, research_dir):
    with gzip.open(research_dir / "cow_states.csv.gz", "rt") as f:
        cow = {(int(row["ccode"]), row["stateabb"]) for row in csv.DictReader(f)}
    for a in r.actors.values():
        for spell in a.cow:
            assert (spell.code, spell.abb) in cow, (a.id, spell)
    assert {(s.code, s.abb) for s in r.actors["AUT"].cow} == {(305, "AUS")}
    assert {(s.code, s.abb) for s in r.actors["AUS"].cow} == {(900, "AUL")}


def test_shipped_dataset_validates():
    ds = load_dataset()
    assert len(ds.arrangements) >= 80 and len(ds.sources) >= 100


# --- analytics on the real data (issue 5) ---------------------------------------------------


def test_audit_2022_lists_finland_and_sweden_via_the_eu_clause(r):
    from secnet.analytics.coverage import backdoor_audit

    rows = backdoor_audit(r, "2022-06-01")
    via_eu = {x["actor_id"] for x in rows if x["arrangement_id"] == "eu" and x["type"] == "mutual_assistance"}
    assert {"FIN", "SWE", "AUT", "IRL"} <= via_eu
    assert {x["actor_id"] for x in rows} >= {"AUS", "JPN", "KOR"}


def test_audit_2024_no_longer_lists_sweden(r):
    from secnet.analytics.coverage import backdoor_audit

    covered = {x["actor_id"] for x in backdoor_audit(r, "2024-06-01")}
    assert "SWE" not in covered and "FIN" not in covered and "AUT" in covered


def test_aukus_impact_2021(r):
    from secnet.analytics.formats import format_impact

    x = format_impact(r, "aukus", "2021-10-01")
    # 30 allies in October 2021, two of them (GBR, USA) in AUKUS: 28 left out.
    assert len(ids(r.members("nato", at="2021-10-01"))) == 30
    assert x["n_allies_left_out"] == 28 and "FRA" in x["allies_left_out"]
    assert x["members_outside_nato"] == ["AUS"]
    assert {(c["ally"], c["non_member"]) for c in x["cross_line_ties"]} == {("GBR", "AUS"), ("USA", "AUS")}


def test_formats_at_founding_and_later(r):
    assert ids(r.members("visegrad", at="1991-03-01")) == {"CSK", "HUN", "POL"}
    assert ids(r.members("visegrad", at="1993-06-01")) == {"CZE", "HUN", "POL", "SVK"}
    assert {"FIN", "SWE"} <= ids(r.members("jef", at="2018-01-01")) and "ISL" not in ids(r.members("jef", at="2018-01-01"))
    assert ids(r.members("nordefco", at="2010-01-01")) == {"DNK", "FIN", "ISL", "NOR", "SWE"}
    assert ids(r.members("weimar-triangle", at="2000-01-01")) == {"DEU", "FRA", "POL"}


def test_anzus_after_1986_binds_australia_to_both_and_the_us_to_australia_only(r):
    """The Press, 13 Aug 1986: Australia keeps ANZUS ties with the US and, separately, with New Zealand."""
    from secnet.analytics.coverage import guarantee_coverage

    def givers(actor, at):
        return {x["type"]: x["givers"] for x in guarantee_coverage(r, actor, at) if x["arrangement_id"] == "anzus"}

    assert givers("NZL", "1980-01-01") == {"collective_defence": ["AUS", "USA"], "consultation": ["AUS", "USA"]}
    assert givers("NZL", "1986-08-10") == {"collective_defence": ["AUS", "USA"], "consultation": ["AUS", "USA"]}
    assert givers("NZL", "1986-08-11") == {"collective_defence": ["AUS"], "consultation": ["AUS"]}
    assert givers("NZL", "2024-06-01") == {"collective_defence": ["AUS"], "consultation": ["AUS"]}
    assert givers("AUS", "2024-06-01") == {"collective_defence": ["NZL", "USA"], "consultation": ["NZL", "USA"]}
    assert givers("USA", "2024-06-01") == {"collective_defence": ["AUS"], "consultation": ["AUS"]}


def test_show_spells_out_obligations_with_parties_and_later_starts(r):
    from secnet.describe import describe

    anzus = describe(r, "anzus")["obligations"]
    assert "collective_defence (binding) member->member Art. IV" in anzus
    assert "collective_defence (binding) member->suspended between AUS, NZL Art. IV from 1986-08-11" in anzus
    assert describe(r, "nato")["obligations"][0] == "collective_defence (binding) member->member Art. 5"


@pytest.mark.parametrize("arrangement, founded, guarantor", [
    ("romania-ukraine-2024", "2024-07-11", "ROU"),
    ("czechia-ukraine-2024", "2024-07-18", "CZE"),
    ("slovenia-ukraine-2024", "2024-07-18", "SVN"),
    ("ireland-ukraine-2024", "2024-09-04", "IRL"),
    ("greece-ukraine-2024", "2024-10-17", "GRC"),
])
def test_later_2024_ukraine_agreements_are_political_and_dated_by_signature(r, arrangement, founded, guarantor):
    arr = r.arrangements[arrangement]
    assert str(arr.founded) == founded and not any(o.binding for o in arr.obligations)
    assert {(p.actor, p.role) for p in arr.participations} == {(guarantor, "guarantor"), ("UKR", "beneficiary")}


def test_newly_dated_centres_of_excellence(r):
    eod, airops = r.arrangements["coe-eod"], r.arrangements["coe-airops"]
    assert str(eod.founded) == "2011-04" and str(airops.founded) == "2008"
    assert [m["actor_id"] for m in r.members("coe-eod", at="2012", role="framework_nation")] == ["SVK"]
    assert [m["actor_id"] for m in r.members("coe-airops", at="2012", role="framework_nation")] == ["FRA"]
