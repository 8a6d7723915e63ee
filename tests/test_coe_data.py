"""The shipped NATO Centres of Excellence data, checked as a user would check it.

A "member by X" fact (a centre lists the nation at X, joining date unknown) is stored as a
"not later than" start (``[..X]``), so an as-of query before X lists the nation as uncertain
instead of dropping it; where a primary source gives the real joining date, that date is used.
"""

from __future__ import annotations

import json

import pytest

from secnet.ingest.dataset import load_dataset

#: Centres whose framework nation no source used names (see data/COVERAGE.md); the test below
#: fails as soon as one of them gains a framework nation or another centre loses its own.
NO_FRAMEWORK_NATION_SOURCED = {"coe-cimic"}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def coes(dataset):
    return [a for a in dataset.arrangements.values() if a.kind == "centre_of_excellence" and a.parent == "nato"]


def members(shipped, coe, at):
    return {r["actor_id"]: r for r in shipped.members(coe, at=at)}


def test_cimic_founding_sponsors_are_members_in_2010(run):
    res = run("members", "coe-cimic", "--at", "2010-01-01", "--format", "json")
    assert res.code == 0
    rows = {r["actor_id"]: r for r in json.loads(res.out)}
    assert {"NLD", "DEU"} <= set(rows)
    # founders are dated to the accreditation (31 Jul 2007), so they are certain in 2010
    assert rows["NLD"]["certain"] is True and rows["DEU"]["certain"] is True
    # nations only known to be members by Nov 2022 are listed, but not as certain
    assert rows["HUN"]["certain"] is False


def test_cimic_before_its_accreditation_has_no_members(shipped):
    assert members(shipped, "coe-cimic", "2007-01-01") == {}


def test_netherlands_joined_the_cyber_defence_coe_on_24_april_2012(shipped):
    assert "NLD" not in members(shipped, "coe-ccdcoe", "2012-04-23")
    row = members(shipped, "coe-ccdcoe", "2013-01-01")["NLD"]
    assert row["certain"] is True and row["start"] == "2012-04-24"


def test_modelling_and_simulation_members_listed_by_2016(shipped):
    at_2017 = members(shipped, "coe-ms", "2017-01-01")
    for state in ("CZE", "DEU", "USA"):
        assert at_2017[state]["certain"] is True
    # before the 2016 source they are possible, not certain, members (floor: the 2012 founding)
    at_2014 = members(shipped, "coe-ms", "2014-01-01")
    assert {s: at_2014[s]["certain"] for s in ("CZE", "DEU", "USA")} == {"CZE": False, "DEU": False, "USA": False}
    assert members(shipped, "coe-ms", "2012-01-01") == {}


def test_no_member_by_note_is_stored_as_a_plain_start(dataset):
    for coe in coes(dataset):
        for p in coe.participations:
            if (p.note or "").lower().startswith("member by"):
                assert str(p.start).startswith("[.."), (coe.id, p.actor)


def test_every_coe_has_a_founding_date_and_sources_for_it(dataset):
    for coe in coes(dataset):
        assert coe.founded is not None, coe.id
        assert coe.founded_sources, coe.id


def test_every_coe_has_a_framework_nation_except_the_documented_gap(dataset):
    without = {c.id for c in coes(dataset) if not any(p.role == "framework_nation" for p in c.participations)}
    assert without == NO_FRAMEWORK_NATION_SOURCED


def test_every_coe_participation_has_a_source_and_no_wikipedia(dataset):
    urls = {s.id: s.url for s in dataset.sources.values()}
    for coe in coes(dataset):
        for p in coe.participations:
            assert p.sources, (coe.id, p.actor)
            for sid in p.sources:
                assert "wikipedia.org" not in (urls[sid] or ""), (coe.id, p.actor, sid)


def test_cjos_coe_holds_its_thirteen_founding_nations(shipped):
    rows = members(shipped, "coe-cjos", "2006-06-01")
    assert len(rows) == 13 and rows["USA"]["role"] == "framework_nation"
    assert all(r["certain"] for r in rows.values())


def test_c2coe_sponsors_that_left_are_uncertain_then_gone(shipped):
    assert members(shipped, "coe-c2", "2020-01-01")["BEL"]["certain"] is False
    assert "BEL" not in members(shipped, "coe-c2", "2023-01-01")
    assert set(members(shipped, "coe-c2", "2023-01-01")) == {"NLD", "ESP", "TUR", "USA"}


def test_jcbrn_france_joined_between_april_and_september_2013(shipped):
    assert "FRA" not in members(shipped, "coe-jcbrn", "2013-04-01")
    assert members(shipped, "coe-jcbrn", "2013-06-01")["FRA"]["certain"] is False
    assert members(shipped, "coe-jcbrn", "2013-10-01")["FRA"]["certain"] is True
