"""Panels: what a researcher would check against peacesciencer's own files.

Every comparison is on whole columns of the full COW panel (2.2 million
dyad-years), against a plain pandas merge of the shared peacesciencer file
with the merge rule written out in the test.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from secnet.research import panels as P
from secnet.research.data import ENV_VAR, clear_cache, peacesciencer_dir, read_peacesciencer
from secnet.errors import InvalidData, InvalidInput, SecnetError

# The shared research data are part of the project's set-up (../shared beside the repo):
# without them this module fails at import, loudly, rather than skipping.
peacesciencer_dir()

LAST_YEAR = dt.date.today().year - 1


def floats(values) -> np.ndarray:
    """A column as float64 with NaN for missing, whatever its dtype."""
    return pd.Series(values).to_numpy(dtype="float64", na_value=np.nan)


def assert_column(got, expected, name: str) -> None:
    got, expected = floats(got), floats(expected)
    same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    bad = np.flatnonzero(~same)
    assert bad.size == 0, f"{name}: {bad.size} rows differ, first at {bad[:5]}: {got[bad[:5]]} != {expected[bad[:5]]}"


def fill_inside(values: pd.Series, year: pd.Series, first: int, last: int) -> pd.Series:
    """peacesciencer's ``ifelse(is.na(x) & between(year, first, last), 0, x)``."""
    return values.where(~(values.isna() & year.between(first, last)), 0)


@pytest.fixture(scope="module")
def cow_ddy() -> pd.DataFrame:
    return read_peacesciencer("cow_ddy")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return P.dyad_years("cow", directed=True, years=(1816, 2024))


@pytest.fixture(scope="module")
def chain(panel) -> pd.DataFrame:
    out = P.add_atop_alliance(panel)
    out = P.add_igos(out)
    out = P.add_democracy(out)
    return P.add_nmc(out)


@pytest.fixture(scope="module")
def states() -> pd.DataFrame:
    return P.state_years("cow", years=(1816, 2024))


# --- dyad_years / state_years ------------------------------------------------------------


def test_directed_cow_panel_cut_at_2024_is_cow_ddy_row_for_row(panel, cow_ddy):
    pd.testing.assert_frame_equal(panel, cow_ddy)


def test_non_directed_panel_is_the_lower_code_first_half(cow_ddy):
    half = P.dyad_years("cow", directed=False, years=(1816, 2024))
    expected = cow_ddy[cow_ddy["ccode1"] < cow_ddy["ccode2"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(half, expected)


def test_panel_runs_to_the_last_complete_year_with_the_2016_members():
    panel = P.dyad_years()
    assert panel["year"].max() == LAST_YEAR
    per_year = panel.groupby("year").size()
    # Memberships running to the end of 2016 are carried on: every later year
    # has exactly the dyads of 2016.
    assert (per_year.loc[2017:] == per_year.loc[2016]).all()
    assert per_year.loc[2016] == 195 * 194


def test_suriname_and_south_vietnam_never_coexist_in_1975(states):
    in_1975 = set(states.loc[states["year"] == 1975, "ccode"])
    assert {115, 817} <= in_1975
    panel = P.dyad_years(years=1975)
    pairs = set(zip(panel["ccode1"], panel["ccode2"], strict=True))
    assert (115, 817) not in pairs and (817, 115) not in pairs
    assert (115, 2) in pairs and (817, 2) in pairs


def test_state_years_count_the_members_of_each_year(states, cow_ddy):
    per_year = states.groupby("year").size()
    assert per_year[1816] == 23 and per_year[1900] == 42 and per_year[2012] == 195 and per_year[2024] == 195
    assert list(states.columns) == ["ccode", "cw_name", "year"]
    in_panel = cow_ddy[["ccode1", "year"]].drop_duplicates().rename(columns={"ccode1": "ccode"})
    merged = states[["ccode", "year"]].merge(in_panel, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_gleditsch_ward_panel_uses_gw_codes_and_is_symmetric():
    panel = P.dyad_years("gw", years=(1990, 1995))
    assert list(panel.columns) == ["gwcode1", "gwcode2", "year"]
    assert (panel["gwcode1"] != panel["gwcode2"]).all()
    mirror = panel.rename(columns={"gwcode1": "gwcode2", "gwcode2": "gwcode1"})[panel.columns]
    pd.testing.assert_frame_equal(
        mirror.sort_values(list(panel.columns)).reset_index(drop=True), panel.reset_index(drop=True)
    )
    states = P.state_years("gw", years=1995)
    n = len(states)
    assert (panel["year"] == 1995).sum() == n * (n - 1)
    assert 260 in set(states["gwcode"])  # Germany's G-W code, not COW's 255


def test_a_supplied_state_list_builds_the_panel(tmp_path):
    from secnet.research.readers.cow import read_cow_states

    states = read_cow_states("tests/fixtures/research/states2016.csv")
    panel = P.dyad_years(years=(1975, 1976), states=states)
    year = panel[panel["year"] == 1975]
    in_1975 = set(zip(year["ccode1"], year["ccode2"], strict=True))
    assert (115, 817) not in in_1975  # false dyad-year
    assert (2, 115) in in_1975 and (2, 817) in in_1975
    assert not (panel.loc[panel["year"] == 1976, ["ccode1", "ccode2"]] == 817).any().any()


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ("1816-1820", [1816, 1817, 1818, 1819, 1820]),
        ("1990", [1990]),
        ("1946-1947,2001", [1946, 1947, 2001]),
        ((1990, 1992), [1990, 1991, 1992]),
        (range(2000, 2002), [2000, 2001]),
        ([2003, 2001], [2001, 2003]),
        (1999, [1999]),
        (None, None),
    ],
)
def test_years_read_like_a_command_line(years, expected):
    got = P.parse_years(years)
    assert (got is None and expected is None) or got.tolist() == expected


@pytest.mark.parametrize("years", ["1990-1980", "nineteen", "", [], (2000, 1990), "19"])
def test_bad_years_are_refused(years):
    with pytest.raises(InvalidInput):
        P.parse_years(years)


def test_the_future_is_refused():
    with pytest.raises(InvalidInput, match="future"):
        P.dyad_years(years=(2000, dt.date.today().year + 2))


def test_unknown_system_is_refused():
    with pytest.raises(InvalidInput, match="cow"):
        P.dyad_years("polity")


# --- add_* on the full panel --------------------------------------------------------------


def test_every_step_keeps_the_rows_and_their_order(panel, chain):
    assert len(chain) == len(panel)
    pd.testing.assert_frame_equal(chain[["ccode1", "ccode2", "year"]], panel)
    assert list(chain.columns[3:9]) == ["atop_alliance", *P.ATOP_COLUMNS]


def test_atop_columns_equal_the_shared_file_with_zero_fill_1815_2018(panel, chain):
    atop = read_peacesciencer("atop_alliance").assign(atop_alliance=1)
    merged = panel.merge(atop, how="left", on=["ccode1", "ccode2", "year"])
    for column in ("atop_alliance", *P.ATOP_COLUMNS):
        assert_column(chain[column], fill_inside(merged[column], merged["year"], 1815, 2018), column)
    assert chain.loc[chain["year"] > 2018, "atop_defense"].isna().all()
    # ATOP codes some pledges one way only: USA -> Portugal (235) in 1944 has defence,
    # Portugal -> USA does not.
    row = chain[(chain["year"] == 1944) & (chain["ccode1"].isin([2, 235])) & (chain["ccode2"].isin([2, 235]))]
    assert dict(zip(row["ccode1"], row["atop_defense"], strict=True)) == {2: 1, 235: 0}


def test_atop_on_a_non_directed_panel_takes_either_direction():
    half = P.dyad_years(directed=False, years=(1940, 1950))
    out = P.add_atop_alliance(half)
    atop = read_peacesciencer("atop_alliance")
    low = np.minimum(atop["ccode1"], atop["ccode2"])
    high = np.maximum(atop["ccode1"], atop["ccode2"])
    either = atop.assign(ccode1=low, ccode2=high).groupby(["ccode1", "ccode2", "year"], as_index=False).max()
    merged = half.merge(either, how="left")
    for column in P.ATOP_COLUMNS:
        assert_column(out[column], fill_inside(merged[column], merged["year"], 1815, 2018), column)
    directed = P.add_atop_alliance(half, ndir=False)
    merged = half.merge(atop, how="left")
    assert_column(directed["atop_defense"], fill_inside(merged["atop_defense"], merged["year"], 1815, 2018), "ndir")


def test_igos_are_mirrored_without_zero_fill(panel, chain):
    igo = read_peacesciencer("cow_igo_ndy")
    both = pd.concat([igo, igo.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})])
    merged = panel.merge(both, how="left", on=["ccode1", "ccode2", "year"])
    assert_column(chain["dyadigos"], merged["dyadigos"], "dyadigos")
    assert chain.loc[chain["year"] > 2014, "dyadigos"].isna().all()
    assert str(chain["dyadigos"].dtype) == "Int64"


def test_democracy_and_capabilities_join_each_side(panel, chain):
    for name, columns in (("ccode_democracy", P.DEMOCRACY_COLUMNS), ("cow_nmc", P.NMC_COLUMNS)):
        table = read_peacesciencer(name)
        for side in ("1", "2"):
            renamed = table.rename(columns={"ccode": f"ccode{side}", **{c: f"{c}{side}" for c in columns}})
            merged = panel.merge(renamed, how="left", on=[f"ccode{side}", "year"])
            for column in columns:
                assert_column(chain[f"{column}{side}"], merged[f"{column}{side}"], f"{column}{side}")
    # An integer stays an integer when it can be missing.
    assert str(chain["polity21"].dtype) == "Int64" and str(chain["milex1"].dtype) == "Int64"
    assert chain["cinc1"].dtype == np.float64


def test_keep_selects_columns():
    panel = P.dyad_years(years=2000)
    out = P.add_nmc(panel, keep=["cinc", "milex"])
    assert list(out.columns[3:]) == ["cinc1", "milex1", "cinc2", "milex2"]
    with pytest.raises(InvalidInput, match="unknown"):
        P.add_nmc(panel, keep="gdp")


def test_state_year_panels_get_state_year_columns(states):
    out = P.add_nmc(P.add_democracy(P.add_igos(states)))
    assert len(out) == len(states)
    for name, columns in (
        ("cow_igo_sy", P.IGO_STATE_COLUMNS),
        ("ccode_democracy", P.DEMOCRACY_COLUMNS),
        ("cow_nmc", P.NMC_COLUMNS),
    ):
        merged = states.merge(read_peacesciencer(name), how="left", on=["ccode", "year"])
        for column in columns:
            assert_column(out[column], merged[column], column)


def _contiguity_by_month(slice_: str) -> pd.DataFrame:
    """peacesciencer's own route: every month of every spell, then one month per dyad-year."""
    cont = read_peacesciencer("cow_contdir")
    start = cont["stdate"].dt.year * 12 + cont["stdate"].dt.month - 1
    end = cont["enddate"].dt.year * 12 + cont["enddate"].dt.month - 1
    months = []
    for row, (a, b) in enumerate(zip(start, end, strict=True)):
        months.append(pd.DataFrame({"row": row, "month": np.arange(a, b + 1)}))
    months = pd.concat(months, ignore_index=True)
    months = months.join(cont[["ccode1", "ccode2", "conttype"]], on="row")
    months = months.sort_values(["ccode1", "ccode2", "month", "row"], kind="stable")
    months["year"] = months["month"] // 12
    keep = "first" if slice_ == "first" else "last"
    return months.drop_duplicates(["ccode1", "ccode2", "year"], keep=keep)


@pytest.mark.parametrize("slice_", ["first", "last"])
def test_contiguity_equals_the_month_by_month_rule(panel, slice_):
    out = P.add_contiguity(panel, slice=slice_)
    merged = panel.merge(_contiguity_by_month(slice_)[["ccode1", "ccode2", "year", "conttype"]], how="left")
    assert_column(out["conttype"], fill_inside(merged["conttype"], merged["year"], 1816, 2016), "conttype")
    assert out.loc[out["year"] > 2016, "conttype"].isna().all()


def test_contiguity_on_state_years_counts_land_and_sea_neighbours(states):
    out = P.add_contiguity(states)
    first = _contiguity_by_month("first")
    counts = (
        first.assign(land=first["conttype"] == 1, sea=first["conttype"] > 1)
        .groupby(["ccode1", "year"], as_index=False)[["land", "sea"]]
        .sum()
        .rename(columns={"ccode1": "ccode"})
    )
    merged = states.merge(counts, how="left")
    for column in ("land", "sea"):
        assert_column(out[column], fill_inside(merged[column], merged["year"], 1816, 2016), column)
    usa_2000 = out[(out["ccode"] == 2) & (out["year"] == 2000)]
    assert int(usa_2000["land"].iloc[0]) == 2  # Canada and Mexico


def test_minimum_distance_is_mirrored(panel, states):
    mindist = read_peacesciencer("cow_mindist")
    both = pd.concat([mindist, mindist.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})])
    out = P.add_mindist(panel)
    assert_column(out["mindist"], panel.merge(both, how="left")["mindist"], "mindist")
    nearest = both.groupby(["ccode1", "year"], as_index=False)["mindist"].min()
    nearest = nearest.rename(columns={"ccode1": "ccode", "mindist": "minmindist"})
    out = P.add_mindist(states)
    assert_column(out["minmindist"], states.merge(nearest, how="left")["minmindist"], "minmindist")


def test_capital_distance_is_the_great_circle_between_first_day_capitals(panel):
    caps = read_peacesciencer("cow_capitals")
    rows = []
    for capital in caps.itertuples():
        for year in range(capital.stdate.year, capital.enddate.year + 1):
            first_day = max(capital.stdate, pd.Timestamp(year, 1, 1))
            rows.append((capital.ccode, year, first_day, capital.lat, capital.lng))
    by_year = pd.DataFrame(rows, columns=["ccode", "year", "day", "lat", "lng"])
    by_year = by_year.sort_values(["ccode", "year", "day"]).drop_duplicates(["ccode", "year"])
    merged = panel.merge(
        by_year.rename(columns={"ccode": "ccode1", "lat": "lat1", "lng": "lng1"})[["ccode1", "year", "lat1", "lng1"]],
        how="left",
    ).merge(
        by_year.rename(columns={"ccode": "ccode2", "lat": "lat2", "lng": "lng2"})[["ccode2", "year", "lat2", "lng2"]],
        how="left",
    )
    # Haversine on the same sphere: another formula for the same distance.
    p1, p2 = np.radians(merged["lat1"]), np.radians(merged["lat2"])
    dlng = np.radians(merged["lng2"] - merged["lng1"])
    half = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlng / 2) ** 2
    expected = 2 * 6378.137 * np.arcsin(np.sqrt(half))
    out = P.add_capital_distance(panel)
    np.testing.assert_allclose(out["capdist"], expected, rtol=1e-9, atol=1e-6)
    washington_ottawa = out[(out["ccode1"] == 2) & (out["ccode2"] == 20) & (out["year"] == 2000)]["capdist"].iloc[0]
    assert 730 < washington_ottawa < 740


def test_capital_distance_on_state_years_is_the_nearest_capital():
    states = P.state_years(years=2000)
    out = P.add_capital_distance(states)
    dyads = P.add_capital_distance(P.dyad_years(years=2000))
    nearest = dyads.groupby("ccode1")["capdist"].min()
    np.testing.assert_allclose(out.set_index("ccode")["mincapdist"], nearest.loc[states["ccode"]].to_numpy())


def test_major_powers_carry_on_to_the_last_complete_year(panel):
    majors = read_peacesciencer("cow_majors")
    rows = []
    for spell in majors.itertuples():
        end = LAST_YEAR if (spell.endyear, spell.endmonth, spell.endday) == (2016, 12, 31) else spell.endyear
        rows += [(spell.ccode, year) for year in range(spell.styear, end + 1)]
    major_years = pd.DataFrame(rows, columns=["ccode", "year"]).drop_duplicates().assign(cowmaj=1)
    out = P.add_majors(panel)
    for side in ("1", "2"):
        merged = panel.merge(
            major_years.rename(columns={"ccode": f"ccode{side}", "cowmaj": f"cowmaj{side}"}), how="left"
        )
        expected = merged[f"cowmaj{side}"].where(~(merged[f"cowmaj{side}"].isna() & (merged["year"] <= LAST_YEAR)), 0)
        assert_column(out[f"cowmaj{side}"], expected, f"cowmaj{side}")
    usa = out[(out["ccode1"] == 2) & (out["year"] == 2024)]
    assert (usa["cowmaj1"] == 1).all()


def test_a_step_applied_twice_is_refused(chain):
    with pytest.raises(SecnetError, match="already has"):
        P.add_igos(chain)


def test_negative_codes_are_refused():
    panel = pd.DataFrame({"ccode1": [2, -5], "ccode2": [20, 2], "year": [2000, 2000]})
    with pytest.raises(InvalidData, match="state codes"):
        P.add_nmc(panel)
    with pytest.raises(InvalidData, match="state codes"):
        P.add_atop_alliance(panel)


def test_gw_panels_cannot_take_cow_coded_data():
    gw = P.dyad_years("gw", years=2000)
    with pytest.raises(SecnetError, match="system='cow'"):
        P.add_atop_alliance(gw)
    with pytest.raises(SecnetError, match="system='cow'"):
        P.add_nmc(gw)


# --- secnet's own data ---------------------------------------------------------------------


@pytest.fixture
def registry_table() -> pd.DataFrame:
    """A hand-built table like the registry's: NATO founders 1949, a consultation pledge in 2023."""
    return pd.DataFrame(
        {
            "ccode1": [2, 2, 20, 375],
            "ccode2": [20, 200, 200, 380],
            "year": [1949, 1949, 1949, 2023],
            "secnet_defence": [1, 1, 1, 0],
            "secnet_consult": [1, 1, 1, 1],
            "secnet_nato_both": [1, 1, 1, 0],
            "secnet_shared_frameworks": [2, 2, 1, 3],
            "secnet_shared_formats": [0, 0, 0, 2],
        }
    )


def test_secnet_facts_are_mirrored_and_zero_filled_from_1949(registry_table):
    panel = P.dyad_years(years=(1947, 2024))
    out = P.add_secnet(panel, registry_table)
    assert len(out) == len(panel)

    def value(a, b, year, column):
        row = out[(out["ccode1"] == a) & (out["ccode2"] == b) & (out["year"] == year)]
        return row[column].iloc[0]

    assert value(2, 20, 1949, "secnet_defence") == 1
    assert value(20, 2, 1949, "secnet_defence") == 1  # non-directed table: both directions
    assert value(2, 20, 1950, "secnet_defence") == 0  # covered year without a fact
    assert pd.isna(value(2, 20, 1948, "secnet_defence"))  # before the registry's coverage
    assert value(380, 375, 2023, "secnet_shared_frameworks") == 3
    assert value(2, 365, 2024, "secnet_consult") == 0
    assert out.loc[out["year"] >= 1949, "secnet_consult"].notna().all()


def test_a_directed_secnet_table_is_matched_one_way(registry_table):
    directed = pd.concat([registry_table, registry_table.iloc[[0]].assign(ccode1=20, ccode2=2, secnet_defence=0)])
    out = P.add_secnet(P.dyad_years(years=1949), directed)
    pick = out[(out["ccode1"] == 20) & (out["ccode2"] == 2)]
    assert int(pick["secnet_defence"].iloc[0]) == 0
    pick = out[(out["ccode1"] == 200) & (out["ccode2"] == 2)]
    assert int(pick["secnet_defence"].iloc[0]) == 0  # (2, 200) exists only one way now


def test_a_secnet_table_with_a_repeated_dyad_year_is_refused(registry_table):
    with pytest.raises(InvalidData, match="more than once"):
        P.add_secnet(P.dyad_years(years=1949), pd.concat([registry_table, registry_table.iloc[[0]]]))


def test_nato_members_in_atop():
    members = pd.DataFrame(
        [(c, y) for c in (2, 20, 200, 220) for y in range(1949, 1952)] + [(2, 2019), (20, 2019)],
        columns=["ccode", "year"],
    )
    report = P.nato_atop_agreement(members)
    assert report.years == (1949, 2018)
    assert report.dyad_years == 4 * 3 * 3  # ordered pairs of 4 founders, 3 years; 2019 is outside ATOP
    atop = read_peacesciencer("atop_alliance")
    both = atop[atop["ccode1"].isin([2, 20, 200, 220]) & atop["ccode2"].isin([2, 20, 200, 220])]
    both = both[both["year"].between(1949, 1951)]
    assert report.agreeing == int((both["atop_defense"] == 1).sum())
    assert report.share == pytest.approx(report.agreeing / report.dyad_years)
    assert len(report.disagreements) == report.dyad_years - report.agreeing
    assert list(report.disagreements.columns) == ["ccode1", "ccode2", "year", "atop_defense"]


# --- the pipeline --------------------------------------------------------------------------


def test_build_panel_reports_progress_and_applies_steps_in_order(registry_table):
    seen = []
    out = P.build_panel(
        "cow",
        True,
        add=["atop", "igos", "democracy", "nmc", "secnet"],
        years="2000-2001",
        secnet=registry_table,
        progress=lambda step, done, total: seen.append((step, done, total)),
    )
    assert seen == [
        ("dyad_years", 1, 6),
        ("atop", 2, 6),
        ("igos", 3, 6),
        ("democracy", 4, 6),
        ("nmc", 5, 6),
        ("secnet", 6, 6),
    ]
    assert {"atop_defense", "dyadigos", "polity21", "cinc2", "secnet_defence"} <= set(out.columns)
    assert set(out["year"]) == {2000, 2001}


def test_build_panel_refuses_unknown_steps_and_a_missing_registry_table():
    with pytest.raises(InvalidInput, match="unknown panel step"):
        P.build_panel(add=["atop", "gdp"], years=2000)
    with pytest.raises(SecnetError, match="secnet"):
        P.build_panel(add=["secnet"], years=2000)


def test_panels_are_written_as_the_file_name_says(tmp_path):
    from secnet.research.data import write_table

    panel = P.add_igos(P.dyad_years(years=(2014, 2015)))
    write_table(panel, tmp_path / "panel.csv.gz")
    write_table(panel, tmp_path / "panel.parquet")
    lines = pd.read_csv(tmp_path / "panel.csv.gz", dtype=str, keep_default_na=False)
    assert list(lines.columns) == ["ccode1", "ccode2", "year", "dyadigos"]
    assert set(lines.loc[lines["year"] == "2015", "dyadigos"]) == {""}  # missing: an empty field
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "panel.parquet"), panel)
    with pytest.raises(InvalidInput, match="parquet"):
        write_table(panel, tmp_path / "panel.xlsx")


def test_a_missing_data_directory_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    clear_cache()
    with pytest.raises(SecnetError, match=ENV_VAR):
        P.dyad_years(years=2000)
    monkeypatch.delenv(ENV_VAR)
    clear_cache()
