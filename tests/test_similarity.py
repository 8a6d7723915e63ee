"""Similarity measures against independent references.

Tau-b against scipy.stats.kendalltau; S, kappa and pi against the formulas of
Signorino & Ritter (1999) and Häge (2011) written out pair by pair here. The
year's alliance matrix is rebuilt in the test the way peacesciencer's script
does it: the year's directed dyads plus a state's own cell (3), left-joined
to the alliance data, spread into a matrix (rows ccode1, columns ccode2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import kendalltau

from secnet.research import similarity_panel as S
from secnet.research.data import peacesciencer_dir, read_peacesciencer
from secnet.errors import InvalidData, InvalidInput, SecnetError

# The shared research data are part of the project's set-up (../shared beside the repo):
# without them this module fails at import, loudly, rather than skipping.
peacesciencer_dir()

ALL = ["taub", "s", "s_squared", "s_weighted", "kappa", "pi"]
COLUMNS = {name: S.MEASURES[name] for name in ALL}


def reference(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict[str, float]:
    """The six measures of two portfolios, straight from their definitions."""
    x, y, w = x.astype(float), y.astype(float), w.astype(float)
    n = x.size
    ssd = ((x - y) ** 2).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa_expected = (x**2).sum() + (y**2).sum() - 2 * x.sum() * y.sum() / n
        pi_expected = (x**2).sum() + (y**2).sum() - (x.sum() + y.sum()) ** 2 / (2 * n)
        return {
            "taub": kendalltau(x, y).statistic if x.std() > 0 and y.std() > 0 else np.nan,
            "s": 1 - 2 * np.abs(x - y).sum() / (3 * n),
            "s_squared": 1 - 2 * ssd / (9 * n),
            "s_weighted": 1 - 2 * (w * np.abs(x - y)).sum() / (3 * w.sum()) if w.sum() > 0 else np.nan,
            "kappa": 1 - ssd / kappa_expected if kappa_expected > 0 else np.nan,
            "pi": 1 - ssd / pi_expected if pi_expected > 0 else np.nan,
        }


@pytest.fixture(scope="module")
def levels() -> pd.DataFrame:
    return S.valued_alliances(read_peacesciencer("atop_alliance"))


@pytest.fixture(scope="module")
def result() -> pd.DataFrame:
    return S.alliance_similarity("atop", measures=ALL, years=(1816, 2012))


def year_matrix(year: int, levels: pd.DataFrame) -> tuple[np.ndarray, list[int]]:
    ddy = read_peacesciencer("cow_ddy")
    dyads = ddy[ddy["year"] == year]
    states = sorted(set(dyads["ccode1"]))
    own = pd.DataFrame({"ccode1": states, "ccode2": states})
    cells = pd.concat([dyads[["ccode1", "ccode2"]], own]).merge(
        levels[levels["year"] == year][["ccode1", "ccode2", "level"]], how="left"
    )
    cells["level"] = np.where(cells["ccode1"] == cells["ccode2"], 3, cells["level"].fillna(0))
    matrix = cells.pivot(index="ccode1", columns="ccode2", values="level")  # NA where a dyad is "false"
    return matrix.loc[states, states].to_numpy(), states


def test_one_row_per_cow_dyad_year(result):
    ddy = read_peacesciencer("cow_ddy")
    expected = ddy[ddy["year"] <= 2012].sort_values(["year", "ccode1", "ccode2"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(result[["ccode1", "ccode2", "year"]], expected)
    assert list(result.columns[3:]) == [COLUMNS[m] for m in ALL]


def test_measures_equal_the_definitions_on_random_dyad_years_of_every_era(result, levels):
    nmc = read_peacesciencer("cow_nmc")
    rng = np.random.default_rng(2011)
    eras = [(1816, 1870), (1871, 1918), (1919, 1945), (1946, 1989), (1990, 2012)]
    picks = []
    for first, last in eras:
        era = result[result["year"].between(first, last)]
        picks.append(era.iloc[rng.choice(len(era), size=60, replace=False)])
    sample = pd.concat(picks)
    checked = 0
    for year, rows in sample.groupby("year"):
        matrix, states = year_matrix(year, levels)
        position = {c: i for i, c in enumerate(states)}
        weights = nmc[nmc["year"] == year].set_index("ccode")["cinc"].reindex(states).fillna(0).to_numpy()
        for row in rows.itertuples():
            x, y = matrix[:, position[row.ccode1]], matrix[:, position[row.ccode2]]
            if np.isnan(x).any() or np.isnan(y).any():  # a portfolio with a hole: NA, as R's cor()
                assert all(np.isnan(getattr(row, COLUMNS[m])) for m in ALL)
                continue
            expected = reference(x, y, weights)
            for measure in ALL:
                got = getattr(row, COLUMNS[measure])
                assert got == pytest.approx(expected[measure], abs=1e-12, nan_ok=True), (year, row, measure)
            checked += 1
    assert checked >= 280


def test_states_that_never_coexist_have_holes_and_no_value(result):
    # South Vietnam (817) fell on 30 April 1975, before Suriname (115) and five
    # other states were born: in cow_ddy those dyads are missing, so their
    # portfolios have holes that year.
    ddy = read_peacesciencer("cow_ddy")
    in_1975 = ddy[ddy["year"] == 1975]
    partners = in_1975.groupby("ccode1").size()
    holed = set(partners[partners < partners.max()].index)
    assert {115, 817} <= holed
    scores = result[result["year"] == 1975]
    assert not ((scores["ccode1"] == 115) & (scores["ccode2"] == 817)).any()
    touched = scores["ccode1"].isin(holed) | scores["ccode2"].isin(holed)
    assert scores.loc[touched, [COLUMNS[m] for m in ALL]].isna().all().all()
    assert scores.loc[~touched, ["taub", "sallyvua", "kallyv", "pallyv"]].notna().all().all()


def test_years_outside_the_alliance_data_are_na():
    out = S.alliance_similarity(measures=["taub", "s"], years=(2017, 2020))
    assert out.loc[out["year"] <= 2018, "taub"].notna().all()
    assert out.loc[out["year"] > 2018, ["taub", "sallyvua"]].isna().all().all()


def test_non_directed_output_is_the_upper_half(result):
    half = S.alliance_similarity(measures=ALL, years=(1816, 2012), directed=False)
    expected = result[result["ccode1"] < result["ccode2"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(half, expected)


def test_identical_portfolios_agree_perfectly_and_constant_ones_have_no_tau():
    m = np.array(
        [
            [3, 3, 0, 1],
            [3, 3, 0, 1],
            [0, 0, 3, 2],
            [1, 1, 2, 3],
        ]
    )
    got = S.similarity_matrices(m, ALL, weights=np.array([0.5, 0.2, 0.2, 0.1]))
    for measure in ALL:
        assert got[measure][0, 1] == pytest.approx(1.0)
        assert got[measure][1, 0] == pytest.approx(got[measure][0, 1])
    allied = np.full((3, 3), 3)  # everyone allied with everyone: every portfolio is all 3s
    got = S.similarity_matrices(allied, ALL, weights=np.ones(3))
    assert np.isnan(got["taub"]).all() and np.isnan(got["kappa"]).all() and np.isnan(got["pi"]).all()
    assert (got["s"] == 1).all() and (got["s_weighted"] == 1).all()


def test_ties_and_opposites_follow_scipy():
    # Many tied cells and exactly opposite orderings in one small year.
    m = np.array(
        [
            [3, 0, 0, 0, 1],
            [0, 3, 3, 2, 2],
            [0, 3, 3, 2, 2],
            [1, 2, 2, 3, 0],
            [2, 1, 1, 0, 3],
        ]
    )
    got = S.similarity_matrices(m, ALL, weights=np.arange(1, 6, dtype=float))
    w = np.arange(1, 6, dtype=float)
    for a in range(5):
        for b in range(5):
            expected = reference(m[:, a], m[:, b], w)
            for measure in ALL:
                assert got[measure][a, b] == pytest.approx(expected[measure], abs=1e-12, nan_ok=True)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 24).flatmap(
        lambda n: st.tuples(
            arrays(np.int8, (n, n), elements=st.integers(0, 3)),
            arrays(np.float64, (n,), elements=st.floats(0, 1)),
        )
    )
)
def test_random_matrices_match_the_definitions(case):
    m, w = case
    np.fill_diagonal(m, 3)
    got = S.similarity_matrices(m, ALL, weights=w)
    for a in range(m.shape[0]):
        for b in range(m.shape[0]):
            expected = reference(m[:, a], m[:, b], w)
            for measure in ALL:
                assert got[measure][a, b] == pytest.approx(expected[measure], abs=1e-10, nan_ok=True)


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([(1816, 1821), (1912, 1915), (1990, 1991)]))
def test_random_alliances_over_several_years_match_the_definitions(seed, span):
    """Years of different sizes go through the batched (padded) and single-year paths."""
    rng = np.random.default_rng(seed)
    ddy = read_peacesciencer("cow_ddy")
    dyads = ddy[ddy["year"].between(*span)]
    picked = dyads.iloc[rng.choice(len(dyads), size=len(dyads) // 6, replace=False)]
    table = picked.assign(level=rng.integers(0, 4, len(picked)))
    out = S.alliance_similarity(table, measures=ALL, coverage=span, capabilities=read_peacesciencer("cow_nmc"))
    nmc = read_peacesciencer("cow_nmc")
    for year in range(span[0], span[1] + 1):
        matrix, states = year_matrix(year, table)
        weights = nmc[nmc["year"] == year].set_index("ccode")["cinc"].reindex(states).fillna(0).to_numpy()
        rows = out[out["year"] == year].sample(40, random_state=int(rng.integers(1000)))
        position = {c: i for i, c in enumerate(states)}
        for row in rows.itertuples():
            x, y = matrix[:, position[row.ccode1]], matrix[:, position[row.ccode2]]
            expected = reference(x, y, weights)
            for measure in ALL:
                assert getattr(row, COLUMNS[measure]) == pytest.approx(expected[measure], abs=1e-10, nan_ok=True)


def test_valued_alliances_rank_obligations():
    atop = pd.DataFrame(
        {
            "ccode1": [2, 2, 2, 2, 2, 2],
            "ccode2": [20, 200, 220, 255, 365, 365],
            "year": [1950] * 5 + [1951],
            "atop_defense": [0, 0, 0, 0, 1, 0],
            "atop_offense": [1, 0, 0, 0, 0, 0],
            "atop_neutral": [0, 1, 0, 0, 0, 0],
            "atop_nonagg": [0, 0, 0, 1, 0, 0],
            "atop_consul": [0, 0, 1, 0, 1, 0],
        }
    )
    assert S.valued_alliances(atop)["level"].tolist() == [3, 2, 1, 2, 3, 0]
    cow = pd.DataFrame(
        {
            "ccode1": [2, 2, 2],
            "ccode2": [20, 200, 220],
            "year": [1950] * 3,
            "defense": [1, 0, 0],
            "neutrality": [0, 0, 1],
            "nonaggression": [0, 1, 0],
            "entente": [1, 0, 0],
        }
    )
    assert S.valued_alliances(cow)["level"].tolist() == [3, 2, 2]
    secnet = pd.DataFrame(
        {
            "ccode1": [2, 2, 2],
            "ccode2": [20, 365, 365],
            "year": [2020, 2020, 2020],
            "secnet_defence": [1, 0, 0],
            "secnet_consult": [1, 1, 0],
        }
    )
    # (2, 365, 2020) listed twice keeps its highest level.
    assert S.valued_alliances(secnet).sort_values("ccode2")["level"].tolist() == [3, 1]


def test_cow_alliances_from_the_official_file_give_the_same_scores_as_their_levels():
    from secnet.research.readers.cow import read_cow_alliance_dyad_years

    cow = read_cow_alliance_dyad_years("tests/fixtures/research/alliance_v4.1_by_dyad_yearly.csv")
    from_file = S.alliance_similarity(cow, measures=["taub", "s", "kappa", "pi"], coverage=(1949, 1950))
    as_levels = S.valued_alliances(cow)
    from_levels = S.alliance_similarity(as_levels, measures=["taub", "s", "kappa", "pi"], coverage=(1949, 1950))
    pd.testing.assert_frame_equal(from_file, from_levels)
    usa_canada = from_file[(from_file["ccode1"] == 2) & (from_file["ccode2"] == 20) & (from_file["year"] == 1949)]
    assert usa_canada["sallyvua"].iloc[0] == pytest.approx(1.0)  # same three-member defence pact, nothing else


def test_progress_reaches_every_year():
    seen = []
    S.alliance_similarity(measures="s", years="1816-1830", progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (15, 15)


def test_measure_names():
    assert S.parse_measures("taub,s,kappa,pi") == ["taub", "s", "kappa", "pi"]
    assert S.parse_measures(["sallyvwa", "tau"]) == ["s_weighted", "taub"]
    with pytest.raises(InvalidInput, match="unknown similarity measure"):
        S.parse_measures("taub,gamma")


def test_sources_by_name():
    cow = S.load_alliances("cow", "tests/fixtures/research/alliance_v4.1_by_dyad_yearly.csv")
    assert "cow_defense" in cow.columns
    atop = S.load_alliances("atop", "tests/fixtures/research/atop5_1ddyr.csv")
    assert len(atop) == 12
    registry = pd.DataFrame({"ccode1": [2], "ccode2": [20], "year": [1950], "secnet_defence": [1]})
    secnet = S.load_alliances("secnet", table=registry)
    assert secnet.attrs["coverage"][0] == 1949
    scores = S.alliance_similarity(secnet, measures="s", years=(1949, 1950))
    usa_canada = scores[(scores["ccode1"] == 2) & (scores["ccode2"] == 20)].set_index("year")["sallyvua"]
    assert usa_canada[1949] < usa_canada[1950] == pytest.approx(1.0)  # allied only from 1950


def test_bad_inputs_are_refused():
    with pytest.raises(SecnetError, match="not shipped"):
        S.alliance_similarity("cow")
    with pytest.raises(InvalidInput, match="atop, cow or secnet"):
        S.alliance_similarity("polity")
    with pytest.raises(SecnetError, match="registry"):
        S.load_alliances("secnet")
    with pytest.raises(InvalidData, match="columns"):
        S.alliance_similarity(pd.DataFrame({"ccode1": [2], "ccode2": [20], "year": [1950], "x": [1]}))
    with pytest.raises(InvalidInput, match="0, 1, 2 or 3"):
        S.similarity_matrices(np.array([[3, 4], [4, 3]]), ["s"])
    with pytest.raises(InvalidInput, match="weights"):
        S.similarity_matrices(np.array([[3, 1], [1, 3]]), ["s_weighted"])
