"""The registry as COW-coded state-years and dyad-years, checked against ATOP where both speak."""

import pytest

from secnet.research import dyad_facts
from secnet.research.panels import add_secnet, dyad_years, nato_atop_agreement
from secnet.registry import Registry


@pytest.fixture(scope="module")
def r():
    return Registry.from_yaml()


@pytest.fixture(scope="module")
def dyads(r):
    return dyad_facts.secnet_dyad_years(r)


def test_nato_member_years(r):
    m = dyad_facts.nato_member_years(r)
    per_year = m.groupby("year").size()
    assert per_year[1949] == 12 and per_year[1955] == 15 and per_year[2024] == 32
    # Germany changed COW code in 1990 (260 -> 255): it counts once, under its last code.
    assert set(m[m.year == 1990].ccode) >= {255} and 260 not in set(m[m.year == 1990].ccode)
    assert 260 in set(m[m.year == 1989].ccode)


def test_nato_agrees_with_atop_1949_2018(r):
    rep = nato_atop_agreement(dyad_facts.nato_member_years(r))
    assert rep.years == (1949, 2018) and rep.dyad_years > 20000
    assert rep.share >= 0.99


def value(dyads, a, b, year, column):
    row = dyads[(dyads.ccode1 == a) & (dyads.ccode2 == b) & (dyads.year == year)]
    return int(row[column].iloc[0]) if len(row) else 0


def test_pledges_by_dyad_year(dyads):
    assert value(dyads, 2, 200, 1949, "secnet_defence") == 1      # USA -> UK, Art. 5
    assert value(dyads, 2, 200, 1949, "secnet_nato_both") == 1
    assert value(dyads, 375, 380, 2006, "secnet_defence") == 0    # FIN -> SWE before Lisbon
    assert value(dyads, 375, 380, 2010, "secnet_defence") == 1    # TEU Art. 42.7 from 2009-12-01
    assert value(dyads, 2, 900, 1960, "secnet_defence") == 1      # USA -> Australia, ANZUS
    assert value(dyads, 2, 740, 1970, "secnet_defence") == 1      # USA -> Japan, 1960 treaty
    assert value(dyads, 200, 380, 2022, "secnet_defence_political") == 1  # UK -> Sweden declaration, 2022
    assert value(dyads, 200, 380, 2022, "secnet_defence_in_force") == 0  # Sweden an ally only from 2024
    assert value(dyads, 200, 380, 2022, "secnet_defence") == 1           # ... but its protocol was signed 2022-07-05


def test_defence_is_dated_from_signature_as_atop_does_and_in_force_as_the_law_does(dyads):
    """secnet_defence follows ATOP (from the signature of the instrument), secnet_defence_in_force the law."""
    # Finland's accession protocol was signed on 2022-07-05; Finland became an ally on 2023-04-04.
    assert value(dyads, 385, 375, 2022, "secnet_defence") == 1              # NOR -> FIN
    assert value(dyads, 385, 375, 2022, "secnet_defence_in_force") == 0
    assert value(dyads, 385, 375, 2023, "secnet_defence_in_force") == 1
    assert value(dyads, 385, 375, 2021, "secnet_defence") == 0
    # The Lisbon Treaty (TEU Art. 42(7)) was signed on 2007-12-13 and entered into force on 2009-12-01.
    assert (value(dyads, 375, 380, 2008, "secnet_defence"), value(dyads, 375, 380, 2008, "secnet_defence_in_force")) == (1, 0)
    assert (value(dyads, 375, 380, 2010, "secnet_defence"), value(dyads, 375, 380, 2010, "secnet_defence_in_force")) == (1, 1)
    # A pledge in force is always a pledge under ATOP's dating too.
    assert not ((dyads.secnet_defence_in_force == 1) & (dyads.secnet_defence == 0)).any()


def test_co_membership_counts(dyads):
    # Finland and Sweden: both PfP/EAPC partners for decades, both in NORDEFCO, JEF, NB8, Northern Group...
    assert value(dyads, 375, 380, 2020, "secnet_shared_frameworks") >= 3
    assert value(dyads, 375, 380, 2020, "secnet_shared_formats") >= 4
    assert value(dyads, 375, 380, 2020, "secnet_nato_both") == 0
    assert value(dyads, 375, 380, 2024, "secnet_nato_both") == 1


def test_table_is_directed_and_merges_onto_a_cow_panel(dyads):
    assert not dyads.duplicated(["ccode1", "ccode2", "year"]).any()
    assert (dyads.ccode1 != dyads.ccode2).all()
    panel = dyad_years(system="cow", directed=True, years=(2015, 2016))
    out = add_secnet(panel, dyads)
    assert len(out) == len(panel)
    usa_uk = out[(out.ccode1 == 2) & (out.ccode2 == 200) & (out.year == 2016)]
    assert int(usa_uk.secnet_defence.iloc[0]) == 1 and int(usa_uk.secnet_nato_both.iloc[0]) == 1
    assert (out.secnet_defence.fillna(0) >= 0).all()
