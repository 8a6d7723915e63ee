"""`secnet check atop --pledges`: every ATOP defence pledge from a NATO ally to a non-member, traced."""

import json

import pandas as pd
import pytest

from secnet.errors import InvalidData
from secnet.ingest.atop_disputes import load_disputes
from secnet.ingest.dataset import load_dataset
from secnet.registry import Registry
from secnet.research.pledge_trace import pledge_trace

UK_SWEDEN = """\
id: uk-sweden-test
name: A hand-made UK pledge to Sweden
kind: bilateral_agreement
relation: external
founded: "2010-01-01"
sources: [treaty]
obligations:
  - {type: mutual_assistance, binding: true, from_role: guarantor, to_role: beneficiary, article: Art. 1, sources: [treaty]}
participations:
  - {actor: GBR, role: guarantor, start: "2010-01-01", sources: [treaty]}
  - {actor: SWE, role: beneficiary, start: "2010-01-01", sources: [treaty]}
"""

DISPUTES = """\
- id: uk-sweden-signature
  ally: GBR
  partner: SWE
  first: 2008
  last: 2009
  reason: ATOP dates the pledge from the signature; the registry from entry into force.
  sources: [treaty]
"""


def atop(*rows):
    return pd.DataFrame([(a, b, y, d, 0, 0, 0, 0) for a, b, y, d in rows],
                        columns=["ccode1", "ccode2", "year", "atop_defense", "atop_offense", "atop_neutral",
                                 "atop_nonagg", "atop_consul"])


@pytest.fixture
def hand_made(mini):
    (mini / "arrangements" / "uk-sweden-test.yaml").write_text(UK_SWEDEN)
    (mini / "checks").mkdir()
    (mini / "checks" / "atop-disputes.yaml").write_text(DISPUTES)
    return mini


def test_hand_made_case(hand_made):
    r = Registry.from_yaml(hand_made)
    table = atop(
        (200, 380, 2008, 1), (200, 380, 2009, 1), (200, 380, 2010, 1), (200, 380, 2011, 1), (200, 380, 2012, 1),
        (2, 375, 2015, 1),      # USA -> Finland: no registry pledge, no dispute
        (2, 200, 2000, 1),      # both allies: not in the population
        (375, 2, 2015, 1),      # Finland was no ally in 2015
        (200, 380, 2024, 1),    # Sweden is an ally in 2024
        (200, 375, 2013, 0),    # no defence pledge in ATOP
    )
    trace = pledge_trace(r, atop=table, disputes=load_disputes(r.actors, r.sources, hand_made))
    got = [(x["ally"], x["partner"], x["first"], x["last"], x["status"], x["arrangements"]) for x in trace.rows]
    assert sorted(got) == [
        ("GBR", "SWE", 2008, 2009, "disputed", ""),
        ("GBR", "SWE", 2010, 2012, "explained", "uk-sweden-test Art. 1"),
        ("USA", "FIN", 2015, 2015, "missing", ""),
    ]
    disputed = next(x for x in trace.rows if x["status"] == "disputed")
    assert disputed["sources"] == ["treaty"] and "signature" in disputed["reason"]
    s = trace.summary()
    assert (s["dyad_years"], s["explained"], s["disputed"], s["missing"]) == (6, 3, 2, 1)
    assert s["explained_share"] == 0.5 and s["explained_or_disputed_share"] == round(5 / 6, 6)
    # Without the dispute file the same years are missing.
    bare = pledge_trace(r, atop=table, disputes=[])
    assert bare.counts() == {"explained": 3, "disputed": 0, "missing": 3}


def test_years_narrow_the_population(hand_made):
    r = Registry.from_yaml(hand_made)
    table = atop((200, 380, 2009, 1), (200, 380, 2010, 1), (2, 375, 2015, 1))
    trace = pledge_trace(r, years="2010-2014", atop=table, disputes=[])
    assert [(x["first"], x["last"], x["status"]) for x in trace.rows] == [(2010, 2010, "explained")]


@pytest.mark.parametrize("entry, message", [
    ("- {id: a, ally: GBR, partner: XXX, first: 2008, last: 2009, reason: r, sources: [treaty]}", "partner: unknown actor 'XXX'"),
    ("- {id: a, ally: GBR, partner: SWE, first: 2008, last: 2009, reason: r, sources: [nope]}", "sources: unknown source 'nope'"),
    ("- {id: a, ally: GBR, partner: SWE, first: 2009, last: 2008, reason: r, sources: [treaty]}", "last: 2008 is before first"),
    ("- {id: a, ally: GBR, partner: SWE, first: 2008, last: 2009, reason: ' ', sources: [treaty]}", "a dispute needs a reason"),
    ("- {id: a, ally: GBR, partner: SWE, first: 2008, last: 2009, reason: r, sources: []}", "at least one source"),
    ("- {id: a, ally: GBR, partner: GBR, first: 2008, last: 2009, reason: r, sources: [treaty]}", "also an ally"),
    ("- {id: a, ally: [GBR, USA], partner: SWE, first: 2008, last: 2009, reason: r, sources: [treaty]}\n"
     "- {id: b, ally: USA, partner: [FIN, SWE], first: 2009, last: 2010, reason: r, sources: [treaty]}", "overlaps the dispute a"),
])
def test_validate_refuses_bad_disputes(mini, run, entry, message):
    (mini / "checks").mkdir()
    (mini / "checks" / "atop-disputes.yaml").write_text(entry + "\n")
    with pytest.raises(InvalidData) as e:
        load_dataset(mini)
    assert any("atop-disputes.yaml" in p and message in p for p in e.value.problems), e.value.problems
    res = run("validate", str(mini))
    assert res.code == 2 and message in res.err and "Traceback" not in res.err


# --- the shipped registry against the shared ATOP data -------------------------------------


@pytest.fixture(scope="module")
def shipped_trace(research_dir):
    return pledge_trace(Registry.from_yaml(), data_dir=research_dir)


def test_shipped_trace(shipped_trace):
    d = shipped_trace.dyad_years
    assert shipped_trace.years == (1949, 2018) and len(d) > 4000
    assert set(d.status) <= {"explained", "disputed", "missing"}
    assert sum(x["dyad_years"] for x in shipped_trace.rows) == len(d)

    def status(a, b, year):
        row = d[(d.ally == a) & (d.partner == b) & (d.year == year)]
        return (row.status.iloc[0], row.arrangements.iloc[0]) if len(row) else None

    assert status("USA", "BHS", 1990) == ("explained", "oas-charter Art. 3 (h); rio-treaty Art. 3")  # both from 1982
    assert status("USA", "BRB", 1990) == ("explained", "oas-charter Art. 3 (h)")  # OAS member, never in the Rio Treaty
    assert status("FRA", "GAB", 1965) == ("explained", "france-gabon-1960 Art. 1")
    assert status("FRA", "GAB", 2016)[0] == "disputed"                      # replaced by the 2010 treaty in 2014
    assert status("FRA", "COM", 1990)[0] == "disputed"                      # 'may lend aid': no pledge
    assert status("USA", "KOR", 1960) == ("explained", "us-rok Art. III")
    assert status("USA", "EST", 2003) == ("explained", "nato Art. 5")     # protocol signed 2003-03-26, deposited 2004
    assert status("USA", "EST", 2004) is None                               # an ally from 2004-03-29
    assert status("USA", "GBR", 1960) is None                               # both allies
    for row in shipped_trace.rows:
        assert (row["status"] == "explained") == bool(row["arrangements"]) == bool(row["basis"])
        assert (row["status"] == "disputed") == bool(row["reason"]) == bool(row["sources"])


def test_shipped_trace_dates_pledges_as_atop_does(shipped_trace):
    """ATOP dates a pledge from the signature; the row says whether it held in law that year or only by signature."""
    d = shipped_trace.dyad_years

    def row(a, b, year):
        got = d[(d.ally == a) & (d.partner == b) & (d.year == year)]
        return tuple(got[["status", "arrangements", "basis"]].iloc[0]) if len(got) else None

    # Haiti signed the Rio Treaty on 1947-09-02 (its deposit is not sourced: "a party by 2009") and the OAS
    # Charter on 1948-04-30 (in force 1951-12-13): in 1950 neither pledge held in law, both by signature.
    assert row("USA", "HTI", 1950) == ("explained", "oas-charter Art. 3 (h); rio-treaty Art. 3", "signature")
    # From the OAS Charter's entry into force (1951-12-13; Haiti deposited in 1951) the pledge holds in law.
    assert row("USA", "HTI", 1955) == ("explained", "oas-charter Art. 3 (h)", "in force")
    assert row("USA", "MEX", 1949) == ("explained", "oas-charter Art. 3 (h); rio-treaty Art. 3", "signature")
    assert row("USA", "MEX", 2010)[0:2] == ("explained", "oas-charter Art. 3 (h)")   # after Mexico left the Rio Treaty
    assert row("FRA", "FIN", 2008) == ("explained", "eu TEU Art. 42(7)", "signature")  # Lisbon signed 2007-12-13
    assert row("FRA", "FIN", 2010) == ("explained", "eu TEU Art. 42(7)", "in force")
    assert row("USA", "ESP", 1981) == ("explained", "nato Art. 5", "signature")  # protocol signed 1981-12-10
    assert row("USA", "IRN", 1960) == ("explained", "us-iran-1959 Art. I", "in force")
    s = shipped_trace.summary()
    assert 0 < s["explained_by_signature"] < s["explained"]
    assert s["explained_by_signature"] == int(((d.status == "explained") & (d.basis == "signature")).sum())
    assert "from a signature not yet in force" in shipped_trace.summary_line()


def test_cli_json(run, research_dir):
    res = run("check", "atop", "--pledges", "--format", "json", "--data-dir", str(research_dir))
    assert res.code == 0, res.err
    out = json.loads(res.out)
    s = out["summary"]
    assert s["dyad_years"] == s["explained"] + s["disputed"] + s["missing"]
    assert s["explained_or_disputed_share"] == round((s["explained"] + s["disputed"]) / s["dyad_years"], 6)
    assert {"ally", "partner", "first", "last", "status", "arrangements", "basis", "reason", "sources"} <= set(out["rows"][0])
    assert s["explained_by_signature"] <= s["explained"]


def test_cli_table_and_csv(run, research_dir):
    res = run("check", "atop", "--pledges", "--years", "1960", "--data-dir", str(research_dir))
    assert res.code == 0 and "1960: " in res.out and "explained" in res.out
    res = run("check", "atop", "--pledges", "--years", "1960", "--format", "csv", "--data-dir", str(research_dir))
    assert res.out.splitlines()[0].startswith("ally,partner,ccode1,ccode2,first,last,dyad_years,status")


@pytest.mark.parametrize("years", ["1950-1948", "1950,1960", "abc"])
def test_cli_bad_years(run, research_dir, years):
    res = run("check", "atop", "--pledges", "--years", years, "--data-dir", str(research_dir))
    assert res.code == 2 and res.err.startswith("secnet: error:") and "Traceback" not in res.err


US_FINLAND = """\
id: us-finland-test
name: A hand-made US pledge to Finland with a 'not later than' start
kind: bilateral_agreement
relation: external
founded: "2010-01-01"
sources: [treaty]
obligations:
  - {type: mutual_assistance, binding: true, from_role: guarantor, to_role: beneficiary, sources: [treaty]}
participations:
  - {actor: USA, role: guarantor, start: "2010-01-01", sources: [treaty]}
  - {actor: FIN, role: beneficiary, start: "[..2016]", sources: [treaty]}
"""


def test_a_possible_pledge_does_not_explain(mini):
    """Before the 'not later than' bound the pledge only possibly holds: shown, not counted as explained."""
    (mini / "arrangements" / "us-finland-test.yaml").write_text(US_FINLAND)
    r = Registry.from_yaml(mini)
    trace = pledge_trace(r, atop=atop((2, 375, 2015, 1), (2, 375, 2016, 1), (2, 375, 2017, 1)), disputes=[])
    got = [(x["first"], x["last"], x["status"], x["registry"]) for x in trace.rows]
    assert got == [(2015, 2015, "missing", "us-finland-test (possible)"),
                   (2016, 2017, "explained", "us-finland-test")]


# Signed on 2008-06-01, in force 2010-01-01: both parties, in force from the founding, take the arrangement's signature.
UK_SWEDEN_SIGNED = UK_SWEDEN.replace('founded: "2010-01-01"', 'founded: "2010-01-01"\nsigned: "2008-06-01"')


def test_a_recorded_signature_explains_the_years_before_entry_into_force(mini):
    """With the treaty's signature recorded, ATOP's 2008-2009 pledge is explained (basis: signature), no dispute needed."""
    (mini / "arrangements" / "uk-sweden-test.yaml").write_text(UK_SWEDEN_SIGNED)
    r = Registry.from_yaml(mini)
    trace = pledge_trace(r, atop=atop((200, 380, 2007, 1), (200, 380, 2008, 1), (200, 380, 2009, 1), (200, 380, 2010, 1)),
                         disputes=[])
    got = [(x["first"], x["last"], x["status"], x["basis"]) for x in trace.rows]
    assert got == [(2007, 2007, "missing", ""), (2008, 2009, "explained", "signature"), (2010, 2010, "explained", "in force")]
    assert trace.summary()["explained_by_signature"] == 2
