"""NATO's partner interoperability programmes as data, checked as a user would.

The PfP Planning and Review Process (``parp``) and the Operational Capabilities Concept Evaluation
and Feedback Programme (``occ-ef``): who takes part when, each fact from the source the dataset
cites (src/secnet/data/sources/interop-2026-12.yaml), allies leaving on accession, and the
capability ranking reading them (its ``interoperability`` criterion) together with the personnel
figures added to the ``ops_personnel`` indicator.
"""

import json

import pytest

from secnet.design import prioritise as P
from secnet.registry import Registry


@pytest.fixture(scope="module")
def r():
    return Registry.from_yaml()


def who(r, arrangement, at):
    """``{actor: certain}`` of the programme's participants at ``at``."""
    out: dict[str, bool] = {}
    for p in r.participants(arrangement, at=at):
        out[p["actor_id"]] = out.get(p["actor_id"], False) or p["certain"]
    return out


# --- PARP ---------------------------------------------------------------------------------------


def test_sweden_and_finland_take_part_in_parp_and_leave_it_on_accession(r):
    assert who(r, "parp", "2010-01-01")["SWE"] is True  # named in NATO's 1999 status report
    assert who(r, "parp", "2010-01-01")["FIN"] is True
    assert who(r, "parp", "2023-04-03")["FIN"] is True
    assert "FIN" not in who(r, "parp", "2023-04-04")  # NATO member from 4 April 2023
    assert who(r, "parp", "2024-03-06")["SWE"] is True
    assert "SWE" not in who(r, "parp", "2024-03-07")  # NATO member from 7 March 2024


def test_georgia_joined_parp_in_march_1999(r):
    assert "GEO" not in who(r, "parp", "1999-02-28")
    assert who(r, "parp", "1999-04-01")["GEO"] is True


def test_moldova_and_azerbaijan_joined_parp_in_1997(r):
    assert "MDA" not in who(r, "parp", "1996-12-31")
    assert who(r, "parp", "1998-01-01") == {**who(r, "parp", "1998-01-01"), "MDA": True, "AZE": True}


def test_azerbaijans_parp_cooperation_was_interrupted_before_october_2021(r):
    # in from 1997 (still in May 2017), out and back in by 29 October 2021 (resumption reviewed by NATO)
    assert who(r, "parp", "2017-05-02")["AZE"] is True
    assert who(r, "parp", "2021-10-01")["AZE"] is False  # in one spell or the other, but not surely
    assert who(r, "parp", "2024-06-01")["AZE"] is True


def test_ireland_joined_parp_between_2000_and_2002(r):
    assert "IRL" not in who(r, "parp", "2000-10-23")  # on 24 October 2000 it only intended to take part
    assert who(r, "parp", "2001-06-01")["IRL"] is False
    assert who(r, "parp", "2002-06-19")["IRL"] is True


def test_parp_at_2021_10_01_holds_the_euro_atlantic_partners_a_user_expects(r):
    at = who(r, "parp", "2021-10-01")
    certain = {a for a, c in at.items() if c}
    assert {"UKR", "MDA", "CHE", "SRB", "GEO", "ARM", "AUT", "IRL", "KAZ", "SWE", "FIN"} <= certain
    assert at["BIH"] is False  # known in the PARP only by July 2024
    assert "MLT" not in at  # NATO, April 2017: Malta is only considering taking part


# --- OCC E&F ------------------------------------------------------------------------------------


def test_occ_participants_with_their_dates(r):
    assert "MDA" not in who(r, "occ-ef", "2006-12-31")
    assert who(r, "occ-ef", "2008-01-01")["MDA"] is True  # joined in 2007
    assert "IRL" not in who(r, "occ-ef", "2015-12-31")
    assert who(r, "occ-ef", "2017-01-01")["IRL"] is True  # joined in 2016
    assert who(r, "occ-ef", "2008-06-01")["AZE"] is True  # NATO Evaluation Level 1 in May 2008
    assert who(r, "occ-ef", "2016-01-01")["FIN"] is True  # NEL 2 of an infantry company, Dec. 2015
    at = who(r, "occ-ef", "2024-06-01")
    assert "FIN" not in at and "SWE" not in at
    assert {"UKR", "GEO", "MDA", "SRB", "BIH", "ARM", "AUT", "IRL", "JOR", "KAZ", "AZE"} <= {a for a, c in at.items() if c}


def test_montenegro_leaves_occ_on_accession(r):
    assert who(r, "occ-ef", "2017-06-04")["MNE"] is True
    assert "MNE" not in who(r, "occ-ef", "2017-06-05")


def test_members_cli_lists_the_programmes_participants(run):
    rows = json.loads(run("members", "occ-ef", "--at", "2021-10-01", "--format", "json").out)
    assert {"SWE", "FIN", "UKR", "GEO", "JOR"} <= {row["actor_id"] for row in rows}


# --- the capability ranking reads them ----------------------------------------------------------


def test_capability_interoperability_reads_both_programmes_at_the_date(r):
    x = P.prioritise(r, "2021-10-01", aim_name="capability")
    row = {x["actor_id"]: x for x in x["ranking"]}
    assert row["SWE"]["interoperability"] == 1 and row["FIN"]["interoperability"] == 1
    assert row["UKR"]["interoperability"] == 1 and row["GEO"]["interoperability"] == 1
    assert row["CHE"]["interoperability"] == 0.5  # PARP, no OCC evaluation recorded
    assert row["AZE"]["interoperability"] == 0.5  # OCC certain; PARP only possible at the date
    assert row["BIH"]["interoperability"] == 0.5  # OCC since 2011; PARP known only by 2024
    assert row["JPN"]["interoperability"] == 0 and row["KOR"]["interoperability"] == 0
    assert any("AZE (parp)" in n and "BIH (parp)" in n for n in x["notes"])
    later = P.prioritise(r, "2024-06-01", aim_name="capability")
    assert "SWE" not in {row["actor_id"] for row in later["ranking"]}  # an ally, no longer ranked as a partner


def test_capability_ops_personnel_sums_each_operations_largest_figure(r):
    x = P.prioritise(r, "2021-10-01", aim_name="capability")
    row = {x["actor_id"]: x for x in x["ranking"]}
    # Georgia: ISAF over 1,500 (NATO, June 2013) + KFOR 160 (April 2008) + RSM 885 (Sept. 2018)
    assert row["GEO"]["ops_personnel"] == 1500 + 160 + 885
    # Sweden: ISAF 500 (Nov. 2010) + KFOR about 850 (1999) + RSM 16 (April 2021)
    assert row["SWE"]["ops_personnel"] == 500 + 850 + 16
    # Ireland: ISAF 7 + KFOR 240 (April 2010)
    assert row["IRL"]["ops_personnel"] == 7 + 240
