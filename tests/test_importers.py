"""Importers for the official ATOP and COW files, on small files in their layouts.

The fixtures in tests/fixtures/research are written by hand in the column
layout of the files a researcher downloads (ATOP 5.1 ``atop5_1ddyr`` and
``atop5_1m``, COW Formal Alliances v4.1 dyad- and member-yearly, COW
``states2016``/``system2016``, COW IGO v3.0 state-year and dyadic). The COW
alliance data are not shipped with secnet, so these files are the only test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rdata

from secnet.research import panels as P
from secnet.research.data import read_peacesciencer
from secnet.errors import InvalidData, InvalidInput
from secnet.research.readers import atop, cow

HERE = Path(__file__).parent / "fixtures" / "research"


def row(table: pd.DataFrame, **keys) -> pd.Series:
    mask = np.ones(len(table), dtype=bool)
    for column, value in keys.items():
        mask &= (table[column] == value).to_numpy()
    assert mask.sum() == 1, keys
    return table[mask].iloc[0]


# --- ATOP ----------------------------------------------------------------------------------


def test_atop_dyad_years_come_out_in_peacesciencers_layout():
    table = atop.read_atop_dyad_years(HERE / "atop5_1ddyr.csv")
    assert list(table.columns) == list(read_peacesciencer("atop_alliance").columns)
    assert len(table) == 12
    # One-way pledge: the USA promised Russia neutrality in the 1949 fixture, not the reverse.
    assert row(table, ccode1=2, ccode2=365, year=1949)["atop_neutral"] == 1
    assert row(table, ccode1=365, ccode2=2, year=1949)["atop_neutral"] == 0
    assert row(table, ccode1=20, ccode2=200, year=1949)[["atop_defense", "atop_consul"]].tolist() == [1, 1]


@pytest.mark.parametrize("name", ["atop5_1ddyr.dta", "atop_alliance.rda", "atop_alliance.rds"])
def test_atop_from_stata_and_r_equals_the_csv(name):
    expected = atop.read_atop_dyad_years(HERE / "atop5_1ddyr.csv")
    pd.testing.assert_frame_equal(atop.read_atop_dyad_years(HERE / name), expected)


def test_an_imported_atop_table_feeds_the_panel_with_its_own_span():
    table = atop.read_atop_dyad_years(HERE / "atop5_1ddyr.csv")
    panel = P.add_atop_alliance(P.dyad_years(years=(1948, 1950)), table)
    usa_uk = panel[(panel["ccode1"] == 2) & (panel["ccode2"] == 200)].set_index("year")
    assert usa_uk.loc[1948, "atop_defense"] == 0  # inside the file's span, no row: 0
    assert usa_uk.loc[1949, "atop_defense"] == 1
    assert pd.isna(usa_uk.loc[1950, "atop_defense"])  # after the file's last year: NA


def test_atop_members_keep_ongoing_memberships_open():
    members = atop.read_atop_members(HERE / "atop5_1m.csv")
    assert len(members) == 8
    germany = row(members, atopid=3180, ccode=255)
    assert (germany["styear"], germany["stmonth"], germany["stday"]) == (1955, 5, 6)
    assert pd.isna(germany["endyear"])  # exit year 0: still a member
    russia = row(members, atopid=3190, ccode=365)
    assert pd.isna(russia["stmonth"]) and russia["endyear"] == 1951  # month 0: unknown
    years = atop.atop_member_years(members)
    usa_nato = years[(years["atopid"] == 3180) & (years["ccode"] == 2)]["year"]
    assert (usa_nato.min(), usa_nato.max(), len(usa_nato)) == (1949, 2018, 70)
    assert sorted(years[(years["atopid"] == 3185) & (years["ccode"] == 20)]["year"]) == [1947, 1948, 1949, 1950]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_broken_atop_files_are_refused_with_the_file_and_the_rule(tmp_path):
    header = "stateA,stateB,year,defense,offense,neutral,nonagg,consul\n"
    missing = write(tmp_path, "no_consul.csv", "stateA,stateB,year,defense,offense,neutral,nonagg\n2,20,1950,1,0,0,0\n")
    with pytest.raises(InvalidData, match=r"no_consul\.csv.*missing column\(s\) consul"):
        atop.read_atop_dyad_years(missing)
    twice = write(tmp_path, "twice.csv", header + "2,20,1950,1,0,0,0,0\n2,20,1950,0,0,0,0,1\n")
    with pytest.raises(InvalidData, match=r"twice\.csv: row 3: dyad 2-20 in 1950 appears more than once"):
        atop.read_atop_dyad_years(twice)
    two = write(tmp_path, "two.csv", header + "2,20,1950,2,0,0,0,0\n")
    with pytest.raises(InvalidData, match="defense must be 0 or 1"):
        atop.read_atop_dyad_years(two)
    self_dyad = write(tmp_path, "self.csv", header + "2,2,1950,1,0,0,0,0\n")
    with pytest.raises(InvalidData, match="both 2"):
        atop.read_atop_dyad_years(self_dyad)
    with pytest.raises(InvalidInput, match="no such file"):
        atop.read_atop_dyad_years(tmp_path / "nothing.csv")
    with pytest.raises(InvalidInput, match="unknown file type"):
        atop.read_atop_dyad_years(write(tmp_path, "atop.xlsx", "x"))


# --- COW Formal Alliances ---------------------------------------------------------------------


def test_cow_dyad_years_combine_alliances_and_mirror_every_dyad():
    table = cow.read_cow_alliance_dyad_years(HERE / "alliance_v4.1_by_dyad_yearly.csv")
    flags = ["cow_defense", "cow_neutral", "cow_nonagg", "cow_entente"]
    assert list(table.columns) == ["ccode1", "ccode2", "year", *flags]
    # 1950: NATO (defence, entente) and a second pact (neutrality, non-aggression) for USA-Canada.
    both = row(table, ccode1=2, ccode2=20, year=1950)
    assert both[flags].tolist() == [1, 1, 1, 1]
    assert row(table, ccode1=20, ccode2=2, year=1950)[flags].tolist() == both[flags].tolist()
    mirrored = table.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})[table.columns]
    pd.testing.assert_frame_equal(
        mirrored.sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True), table.reset_index(drop=True)
    )


def test_a_cow_row_with_year_zero_is_spread_over_the_dyads_years():
    table = cow.read_cow_alliance_dyad_years(HERE / "alliance_v4.1_by_dyad_yearly.csv")
    usa_russia = table[(table["ccode1"] == 2) & (table["ccode2"] == 365)]
    assert usa_russia["year"].tolist() == [1981, 1982, 1983]
    assert (usa_russia["cow_entente"] == 1).all() and (usa_russia["cow_defense"] == 0).all()
    assert 0 not in set(table["year"])


def test_cow_member_years():
    members = cow.read_cow_alliance_member_years(HERE / "alliance_v4.1_by_member_yearly.csv")
    assert len(members) == 6
    assert row(members, version4id=202, ccode=220, year=1963)["ss_type"] == "Type III: Entente"
    assert row(members, version4id=148, ccode=200, year=1949)["defense"] == 1


# --- COW state system ---------------------------------------------------------------------------


def test_cow_states_match_the_shipped_list():
    states = cow.read_cow_states(HERE / "states2016.csv")
    shipped = read_peacesciencer("cow_states")
    shipped = shipped[shipped["ccode"].isin(states["ccode"])].reset_index(drop=True)
    for column in ("ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"):
        assert states[column].tolist() == shipped[column].tolist()
    assert states["statenme"].tolist() == shipped["statenme"].tolist()


def test_cow_states_refuse_impossible_dates(tmp_path):
    header = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
    bad = write(tmp_path, "states.csv", header + "USA,2,United States of America,1816,2,30,2016,12,31,2016\n")
    with pytest.raises(InvalidData, match="row 2: the start date is not a calendar date"):
        cow.read_cow_states(bad)
    backwards = write(tmp_path, "back.csv", header + "USA,2,United States of America,2000,1,1,1990,12,31,2016\n")
    with pytest.raises(InvalidData, match="ends before it starts"):
        cow.read_cow_states(backwards)


def test_latin1_state_names_are_read(tmp_path):
    header = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
    path = write(tmp_path, "latin1.csv", header + "CDI,437,Côte d'Ivoire,1960,8,7,2016,12,31,2016\n", "latin-1")
    assert cow.read_cow_states(path)["statenme"].tolist() == ["Côte d'Ivoire"]


def test_cow_system_state_years():
    table = cow.read_cow_system(HERE / "system2016.csv")
    assert table[["ccode", "year"]].values.tolist() == [[2, 1816], [2, 1817], [20, 1920], [20, 1921]]


# --- COW IGO ----------------------------------------------------------------------------------


def test_igo_state_years_count_full_associate_and_observer_memberships():
    table = cow.read_cow_igo_state_years(HERE / "state_year_formatv3.csv")
    assert list(table.columns) == list(read_peacesciencer("cow_igo_sy").columns)
    canada_1950 = row(table, ccode=20, year=1950)  # associate, full, (not yet), observer, full
    counts = ["sum_igo_full", "sum_igo_associate", "sum_igo_observer", "sum_igo_anytype"]
    assert canada_1950[counts].tolist() == [2, 1, 1, 4]
    canada_1949 = row(table, ccode=20, year=1949)  # -9 (missing) counts for nothing
    assert canada_1949[["sum_igo_full", "sum_igo_anytype"]].tolist() == [1, 2]


def test_igo_dyad_years_count_joint_full_memberships(tmp_path):
    table = cow.read_cow_igo_dyad_years(HERE / "dyadic_formatv3.csv")
    assert list(table.columns) == list(read_peacesciencer("cow_igo_ndy").columns)
    assert row(table, ccode1=20, ccode2=200, year=1949)["dyadigos"] == 2
    assert row(table, ccode1=2, ccode2=20, year=1950)["dyadigos"] == 1
    # The Stata route (read whole) gives what the CSV route (read in blocks) gives.
    raw = pd.read_csv(HERE / "dyadic_formatv3.csv")
    raw.to_stata(tmp_path / "dyadic_formatv3.dta", write_index=False)
    pd.testing.assert_frame_equal(cow.read_cow_igo_dyad_years(tmp_path / "dyadic_formatv3.dta"), table)
    panel = P.add_igos(P.dyad_years(years=1949), table)
    assert panel.loc[(panel["ccode1"] == 200) & (panel["ccode2"] == 20), "dyadigos"].iloc[0] == 2  # mirrored


# --- R files ----------------------------------------------------------------------------------


def test_an_rda_with_several_data_frames_needs_a_name(tmp_path):
    frame = pd.DataFrame({"ccode": [2.0, 20.0], "year": [1950.0, 1950.0], "cinc": [0.28, 0.01]})
    path = tmp_path / "two.rda"
    rdata.write_rda(path, {"nmc": frame, "other": frame.head(1)})
    with pytest.raises(InvalidData, match="2 data frames"):
        cow.read_data_file(path)
    table = cow.read_data_file(path, name="nmc")
    assert table["ccode"].dtype == np.int64 and table["cinc"].tolist() == [0.28, 0.01]
    with pytest.raises(InvalidData, match="no data frame named 'gdp'"):
        cow.read_data_file(path, name="gdp")
