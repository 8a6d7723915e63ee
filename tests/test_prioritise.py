"""Partner prioritisation on worked examples whose answers are computed by hand.

The 4-partner example (criteria a, b benefit; c cost; weights 1:1:2):

    partner   a    b    c     min-max (a, b, c)      weighted sum
    P1        1   10  100     0,   0,   1            0.5
    P2        3   20  400     2/3, 1/3, 0            0.25
    P3        2   40  200     1/3, 1,   2/3          2/3
    P4        4   30  300     1,   2/3, 1/3          7/12

TOPSIS: the column norms are sqrt(30), 10 sqrt(30) and 100 sqrt(30), so in units
of 1/sqrt(30) the weighted values are a (.25 .75 .5 1), b (.25 .5 1 .75),
c (.5 2 1 1.5); ideal (1, 1, .5), anti-ideal (.25, .25, 2), and
C = D- / (D+ + D-) gives P3 > P1 > P4 > P2 (0.643, 0.586, 0.5, 0.259).

The small registry: USA, GBR allies; FIN, SWE, GEO, AUS partners.
  pfp  : FIN, SWE (1994-05-09), GEO (1994-03-23), RUS (1994-06-22)
  eop  : FIN, SWE, GEO, AUS (2014-09)
  patg : AUS (2005)                               (partners across the globe)
  coe-cyber (Centre of Excellence, cyber): USA framework nation, FIN contributing
  coe-mar (Centre of Excellence, maritime): GBR framework nation, SWE, FIN contributing
"""

import datetime as dt
import json
import math

import numpy as np
import pytest

from secnet.design import prioritise as P
from secnet.errors import InvalidInput
from secnet.model.entities import Actor, Arrangement, CowSpell, Dataset, Participation, Source
from secnet.registry import Registry

S = ["s"]
VALUES = np.array([[1, 10, 100], [3, 20, 400], [2, 40, 200], [4, 30, 300]], dtype=float)
BENEFIT = np.array([True, True, False])
WEIGHTS = np.array([1.0, 1.0, 2.0])


def part(actor, role, start="1990-01-01", end=None):
    return Participation(actor=actor, role=role, start=start, end=end, sources=S)


def arr(id, kind, relation, parts, parent=None, founded="1949-08-24", issue_areas=()):
    ps = [p.model_copy(update={"arrangement": id}) for p in parts]
    return Arrangement(id=id, name=id.upper(), kind=kind, relation=relation, parent=parent, founded=founded,
                       sources=S, participations=ps, issue_areas=list(issue_areas))


def state(id, name, regions, cow=None):
    spells = [CowSpell(code=cow[0], abb=cow[1], start="1816-01-01")] if cow else []
    return Actor(id=id, kind="state", name=name, regions=regions, cow=spells, sources=S)


def build() -> Registry:
    actors = [state("USA", "United States", ["north_america"], (2, "USA")),
              state("GBR", "United Kingdom", ["northern_europe"], (200, "UKG")),
              state("FIN", "Finland", ["northern_europe", "baltic_sea"], (375, "FIN")),
              state("SWE", "Sweden", ["northern_europe", "baltic_sea"], (380, "SWD")),
              state("GEO", "Georgia", ["black_sea", "south_caucasus"], (372, "GRG")),
              state("AUS", "Australia", ["indo_pacific"], (900, "AUL")),
              state("RUS", "Russia", ["eastern_europe"], (365, "RUS"))]
    arrs = [
        arr("nato", "alliance", "inside", [part("USA", "member", "1949-08-24"), part("GBR", "member", "1949-08-24")]),
        arr("pfp", "partnership_framework", "inside", [part("FIN", "partner", "1994-05-09"), part("SWE", "partner", "1994-05-09"),
                                                       part("GEO", "partner", "1994-03-23"), part("RUS", "partner", "1994-06-22")],
            parent="nato", founded="1994-01-10"),
        arr("eop", "partnership_framework", "inside", [part(x, "partner", "2014-09") for x in ("FIN", "SWE", "GEO", "AUS")],
            parent="nato", founded="2014-09"),
        arr("patg", "partnership_framework", "inside", [part("AUS", "partner", "2005")], parent="nato", founded="2005"),
        arr("coe-cyber", "centre_of_excellence", "flexible", [part("USA", "framework_nation", "2008-10-28"),
                                                              part("FIN", "contributing_participant", "2008-10-28")],
            parent="nato", founded="2008-10-28", issue_areas=["cyber"]),
        arr("coe-mar", "centre_of_excellence", "flexible", [part("GBR", "framework_nation", "2010-01-01"),
                                                            part("SWE", "contributing_participant", "2010-01-01"),
                                                            part("FIN", "contributing_participant", "2010-01-01")],
            parent="nato", founded="2010-01-01", issue_areas=["maritime"]),
    ]
    ds = Dataset(sources={"s": Source(id="s", title="t", publisher="p", url="http://x")},
                 actors={a.id: a for a in actors}, arrangements={a.id: a for a in arrs})
    return Registry(ds)


@pytest.fixture
def r():
    return build()


def require_research_data():
    """The shared research data must be there (CI has ../shared beside the repo): a missing copy fails."""
    from secnet.research.data import peacesciencer_dir

    return peacesciencer_dir()


# --- the methods by hand -------------------------------------------------------------------------


def test_weighted_sum_by_hand():
    s = P.weighted_sum(VALUES, BENEFIT, WEIGHTS)
    assert s == pytest.approx([0.5, 0.25, 2 / 3, 7 / 12])
    assert P.competition_ranks(s).tolist() == [3, 4, 1, 2]


def test_topsis_by_hand():
    c = P.topsis(VALUES, BENEFIT, WEIGHTS)
    expected = [1.5 / (math.sqrt(1.125) + 1.5),
                math.sqrt(0.3125) / (math.sqrt(2.5625) + math.sqrt(0.3125)),
                math.sqrt(1.625) / (math.sqrt(0.5) + math.sqrt(1.625)),
                0.5]
    assert c == pytest.approx(expected)
    assert P.competition_ranks(c).tolist() == [2, 4, 1, 3]  # P1 overtakes P4 under TOPSIS


def test_weights_are_relative():
    assert P.weighted_sum(VALUES, BENEFIT, WEIGHTS * 7) == pytest.approx(P.weighted_sum(VALUES, BENEFIT, WEIGHTS))


def test_constant_criterion_counts_for_nobody():
    x = np.column_stack([VALUES, np.full(4, 5.0)])
    s = P.weighted_sum(x, np.array([True, True, False, True]), np.array([1, 1, 2, 0.0]))
    assert s == pytest.approx(P.weighted_sum(VALUES, BENEFIT, WEIGHTS))


def test_missing_values_take_the_worst_value():
    x = VALUES.copy()
    x[0, 0] = np.nan  # P1 has no a: gets the worst a of the others, 2
    x[2, 2] = np.nan  # P3 has no c (a cost): gets the worst c, 400
    filled = P.fill_worst(x, BENEFIT)
    assert filled[0, 0] == 2 and filled[2, 2] == 400
    assert np.isnan(P.fill_worst(np.array([[np.nan], [np.nan]]), np.array([True]))).sum() == 0


def test_four_partner_ranking_through_the_registry(r, tmp_path):
    csv = tmp_path / "extra.csv"
    csv.write_text("actor_id,a,b,c:cost\nFIN,1,10,100\nSWE,3,20,400\nGEO,2,40,200\nAUS,4,30,300\n")
    res = P.prioritise(r, "2020-01-01", actors=["FIN", "SWE", "GEO", "AUS"], extra=csv, weights="a=1,b=1,c=2")
    assert [x["actor_id"] for x in res["ranking"]] == ["GEO", "AUS", "FIN", "SWE"]
    assert [x["score"] for x in res["ranking"]] == pytest.approx([2 / 3, 7 / 12, 0.5, 0.25], abs=1e-4)
    assert res["weights"]["c"] == 0.5 and res["weights"]["capability"] == 0
    top = P.prioritise(r, "2020-01-01", actors=["FIN", "SWE", "GEO", "AUS"], extra=csv, weights="a=1,b=1,c=2", method="topsis")
    assert [x["actor_id"] for x in top["ranking"]] == ["GEO", "FIN", "AUS", "SWE"]
    crit = {c["criterion"]: c for c in res["criteria"]}
    assert crit["c"]["direction"] == "cost" and "extra.csv" in crit["c"]["source"]


# --- criteria from the registry ------------------------------------------------------------------


def test_default_alternatives_are_natos_partner_states(r):
    assert P.partner_states(r, "2020-01-01") == ["AUS", "FIN", "GEO", "RUS", "SWE"]
    assert P.partner_states(r, "2000-01-01") == ["FIN", "GEO", "RUS", "SWE"]


def test_the_threat_is_not_ranked_as_a_partner(r):
    t = P.criteria_table(r, "2020-01-01", aim_name="baltic", data_dir="/nonexistent")
    assert t.actors == ["AUS", "FIN", "GEO", "SWE"] and t.threat == "RUS"
    assert any("RUS is the threat" in n for n in t.notes)
    assert "RUS" in P.criteria_table(r, "2020-01-01", aim_name="baltic", threat="none").actors


def test_registry_criteria_by_hand(r):
    t = P.criteria_table(r, "2020-01-01", aim_name="baltic", threat="none")
    v = {(a, c): t.values[i, j] for i, a in enumerate(t.actors) for j, c in enumerate(t.criterion_names)}
    # The Baltic aim's region is baltic_sea; the Black Sea aim's are black_sea, eastern_europe, south_caucasus.
    assert (v["FIN", "region"], v["SWE", "region"], v["GEO", "region"], v["AUS", "region"]) == (1, 1, 0, 0)
    black = P.criteria_table(r, "2020-01-01", aim_name="black_sea", threat="none")
    assert black.values[black.actors.index("GEO"), black.criterion_names.index("region")] == 2
    # Baltic capabilities include maritime and cyber: FIN takes part in both CoEs, SWE in one.
    assert (v["FIN", "capability"], v["SWE", "capability"], v["GEO", "capability"], v["AUS", "capability"]) == (2, 1, 0, 0)
    assert (v["FIN", "frameworks"], v["AUS", "frameworks"]) == (2, 2)  # pfp + eop; eop + patg
    assert v["GEO", "eop"] == 1
    assert v["GEO", "years"] == pytest.approx((dt.date(2020, 1, 1) - dt.date(1994, 3, 23)).days / 365.25, abs=0.01)
    assert "threat_distance" not in t.criterion_names


def test_research_criteria_come_from_peacesciencer_by_cow_code(r):
    from secnet.research.data import read_peacesciencer

    require_research_data()
    t = P.criteria_table(r, "2019-06-01", aim_name="baltic")
    j = {c: k for k, c in enumerate(t.criterion_names)}
    i = {a: k for k, a in enumerate(t.actors)}
    demo = read_peacesciencer("ccode_democracy")
    fin = demo[(demo.ccode == 375) & (demo.year <= 2019) & demo.v2x_polyarchy.notna()].sort_values("year").iloc[-1]
    assert t.values[i["FIN"], j["democracy"]] == pytest.approx(fin.v2x_polyarchy)
    # Finland shares a border with Russia; Australia is far away. Distance is a cost: closer ranks higher.
    assert t.values[i["FIN"], j["threat_distance"]] == 0
    assert t.values[i["AUS"], j["threat_distance"]] > 1000
    assert P.CRITERIA["threat_distance"].direction == "cost"
    assert t.data_years["threat_distance"] == "2019"


def test_alignment_is_mean_s_with_the_allies_portfolios(r):
    from secnet.research.similarity_panel import alliance_similarity

    require_research_data()
    t = P.criteria_table(r, "2010-06-01", aim_name="baltic")
    sim = alliance_similarity("atop", measures="s", years=[2010])
    s = {(a, b): v for a, b, v in sim[["ccode1", "ccode2", "sallyvua"]].itertuples(index=False)}
    j, i = t.criterion_names.index("alignment"), t.actors.index("FIN")
    assert t.values[i, j] == pytest.approx((s[375, 2] + s[375, 200]) / 2)  # Finland with the USA and the UK
    later = P.criteria_table(r, "2022-06-01", aim_name="baltic")
    assert later.data_years["alignment"] == "2018" and any("last year ATOP covers" in n for n in later.notes)


def test_baltic_preset_ranks_finland_first(r):
    require_research_data()
    res = P.prioritise(r, "2020-01-01", aim_name="baltic")
    assert res["ranking"][0]["actor_id"] == "FIN"
    assert res["ranking"][-1]["actor_id"] == "AUS"
    assert set(res["weights"]) >= {"region", "capability", "threat_distance", "democracy", "cinc"}


def test_indo_pacific_ranks_australia_first(r):
    res = P.prioritise(r, "2020-01-01", aim_name="indo_pacific", threat="none", weights="region=1")
    assert res["ranking"][0]["actor_id"] == "AUS"


def test_research_data_missing_is_a_note_not_an_error(r, tmp_path):
    res = P.prioritise(r, "2020-01-01", aim_name="baltic", data_dir=tmp_path)
    names = [c["criterion"] for c in res["criteria"] if c["weight"] is not None]
    assert "democracy" not in names and any("peacesciencer data not found" in n for n in res["notes"])
    with pytest.raises(InvalidInput, match="criterion 'cinc' is not available"):
        P.prioritise(r, "2020-01-01", data_dir=tmp_path, weights="cinc=1")


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec, message", [
    ("region=-1", "must not be negative"),
    ("regoin=1", "unknown criterion 'regoin'; did you mean region?"),
    ("region=0,capability=0", "every weight is zero"),
    ("region", "expected name=value"),
    ("region=x", "'x' is not a number"),
    ("region=0.5:0.2", "0 <= lo <= hi <= 1"),
])
def test_bad_weights(r, spec, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(")):
        P.prioritise(r, "2020-01-01", aim_name="baltic", threat="none", weights=spec)


def test_unknown_aim_and_method(r):
    with pytest.raises(InvalidInput, match="unknown aim 'baltik'; did you mean baltic"):
        P.prioritise(r, "2020-01-01", aim_name="baltik")
    with pytest.raises(InvalidInput, match="unknown method"):
        P.prioritise(r, "2020-01-01", method="electre")
    assert P.aim("mediterranean").name == "southern_flank"


def test_bad_criteria_csv(r, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("actor_id,x\nFIN,high\n")
    with pytest.raises(InvalidInput, match=r"bad.csv:2: x: 'high' is not a number"):
        P.prioritise(r, "2020-01-01", extra=bad, weights="x=1")
    clash = tmp_path / "clash.csv"
    clash.write_text("actor_id,cinc\nFIN,1\n")
    with pytest.raises(InvalidInput, match="clashes with the built-in"):
        P.prioritise(r, "2020-01-01", extra=clash)


# --- SMAA-2 --------------------------------------------------------------------------------------


def test_dominated_alternative_never_ranks_first():
    x = np.array([[1.0, 2.0, 300.0],   # D: worse than A on every criterion (listed first: ties would favour it)
                  [2.0, 3.0, 200.0],   # A
                  [0.5, 9.0, 900.0]])  # B
    for method in P.METHODS:
        res = P.smaa2(x, BENEFIT, method=method, draws=20_000, seed=3)
        assert res["acceptability"][0, 0] == 0
        assert np.isnan(res["central_weights"][0]).all() and res["confidence"][0] == 0
        assert res["acceptability"].sum(axis=0) == pytest.approx(1) and res["acceptability"].sum(axis=1) == pytest.approx(1)


def test_symmetric_pair_splits_evenly():
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    res = P.smaa2(x, np.array([True, True]), draws=40_000, seed=7)
    b = res["acceptability"]
    assert b[0, 0] == pytest.approx(0.5, abs=0.015) and b[1, 0] == pytest.approx(0.5, abs=0.015)
    # First for alternative 0 iff w1 > w2; w1 ~ U(0, 1), so E[w1 | w1 > 1/2] = 3/4.
    assert res["central_weights"][0] == pytest.approx([0.75, 0.25], abs=0.01)
    assert res["confidence"].tolist() == [1.0, 1.0]
    assert res["holistic"] == pytest.approx([0.5, 0.5], abs=0.015)


def test_three_alternatives_on_a_line():
    # Scores with w = (t, 1 - t): A = t, B = 1 - t, C = 0.6. C is first for t in (0.4, 0.6): probability 0.2;
    # A is last for t < 0.5; C is never last.
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.6]])
    b = P.smaa2(x, np.array([True, True]), draws=50_000, seed=11)["acceptability"]
    assert b[:, 0] == pytest.approx([0.4, 0.4, 0.2], abs=0.01)
    assert b[:, 2] == pytest.approx([0.5, 0.5, 0.0], abs=0.01)
    assert b[2, 1] == pytest.approx(0.8, abs=0.01)


def test_weight_ranges_are_respected():
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    res = P.smaa2(x, np.array([True, True]), bounds=np.array([[0.6, 1.0], [0.0, 1.0]]), draws=5000, seed=1)
    assert res["acceptability"][0, 0] == 1.0
    rng = np.random.default_rng(0)
    bounds = np.array([[0.1, 0.3], [0.2, 0.9], [0.0, 0.25], [0.0, 0.0]])
    w, tried = P.sample_weights(rng, 20_000, bounds)
    assert w.sum(axis=1) == pytest.approx(1)
    assert (w >= bounds[:, 0] - 1e-12).all() and (w <= bounds[:, 1] + 1e-12).all() and tried >= 20_000
    with pytest.raises(InvalidInput, match="lower bounds add up"):
        P.smaa2(x, np.array([True, True]), bounds=np.array([[0.6, 1.0], [0.6, 1.0]]))


def test_uniform_simplex_has_mean_one_over_m():
    w, _ = P.sample_weights(np.random.default_rng(5), 100_000, np.tile([0.0, 1.0], (4, 1)))
    assert w.mean(axis=0) == pytest.approx([0.25] * 4, abs=0.005)
    assert w[:, 0].var() == pytest.approx(3 / 80, abs=0.002)  # Dirichlet(1,1,1,1): (1 * 3) / (4^2 * 5)


def test_smaa_is_reproducible_and_chunking_keeps_memory_bounded():
    x = np.random.default_rng(0).random((12, 5))
    benefit = np.array([True, False, True, True, False])
    a = P.smaa2(x, benefit, draws=30_000, seed=42, chunk=4096)
    b = P.smaa2(x, benefit, draws=30_000, seed=42, chunk=4096)
    assert np.array_equal(a["acceptability"], b["acceptability"])
    c = P.smaa2(x, benefit, draws=30_000, seed=42, chunk=30_000)
    assert np.abs(a["acceptability"] - c["acceptability"]).max() < 0.02


def test_uncertainty_gives_graded_confidence():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.55, 0.55]])
    res = P.smaa2(x, np.array([True, True]), draws=20_000, seed=2, uncertainty=0.2)
    assert res["acceptability"].sum(axis=1) == pytest.approx(1)
    assert 0 < res["confidence"][2] < 1


def test_acceptability_through_the_registry(r):
    res = P.acceptability(r, "2020-01-01", aim_name="baltic", threat="none", weights="region=1,capability=1", draws=5000, seed=1)
    rows = {x["actor_id"]: x for x in res["rows"]}
    assert res["criteria_in_play"] == ["region", "capability"]
    # FIN dominates every other partner on region and capability.
    assert rows["FIN"]["share_rank_1"] == 1.0 and rows["FIN"]["confidence"] == 1.0
    assert set(rows["FIN"]["central_weights"]) == {"region", "capability"}
    assert rows["AUS"]["share_rank_1"] == 0 and rows["AUS"]["central_weights"] is None
    ranged = P.acceptability(r, "2020-01-01", aim_name="baltic", threat="none", weights="region=0.2:0.5,capability=1",
                             draws=2000, seed=1)
    assert ranged["bounds"] == {"region": [0.2, 0.5], "capability": [0.0, 1.0]}


# --- the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def loaded(run, mini):
    res = run("load", str(mini))
    assert res.code == 0, res.err


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cli_prioritise(run, loaded, fmt):
    res = run("prioritise", "--at", "2020-01-01", "--aim", "baltic", "--threat", "none", "--format", fmt)
    assert res.code == 0, res.err
    if fmt == "json":
        x = json.loads(res.out)
        assert {row["actor_id"] for row in x["ranking"]} == {"FIN", "SWE", "AUT", "MLT"}
        assert x["ranking"][-1]["actor_id"] in {"AUT", "MLT"}
    elif fmt == "csv":
        assert res.out.splitlines()[0].startswith("rank,actor_id,name,score,region")


def test_cli_prioritise_smaa(run, loaded):
    res = run("prioritise", "--at", "2020-01-01", "--aim", "baltic", "--threat", "none", "--smaa", "--draws", "2000",
              "--seed", "3", "--weights", "region=1,frameworks=1", "--format", "json")
    assert res.code == 0, res.err
    rows = json.loads(res.out)["rows"]
    for row in rows:  # every partner's shares over the ranks sum to 1
        assert sum(v for k, v in row.items() if k.startswith("share_rank_")) == pytest.approx(1, abs=1e-3)
    # some draw always has a first; tied partners share it, so the first-rank shares sum to 1 or more
    assert sum(row["share_rank_1"] for row in rows) >= 1 - 1e-3


@pytest.mark.parametrize("args, message", [
    (["--weights", "region=-1"], "--weights: region=-1: weights must not be negative"),
    (["--weights", "regoin=1"], "unknown criterion 'regoin'; did you mean region?"),
    (["--weights", "region=0"], "every weight is zero"),
    (["--aim", "arctic"], "unknown aim 'arctic'"),
    (["--method", "electre"], "unknown method 'electre'"),
    (["--smaa", "--draws", "0"], "--draws must be between 1 and 10,000,000"),
    (["--actors", "XXX"], "unknown actor 'XXX'"),
])
def test_cli_prioritise_bad_input(run, loaded, args, message):
    res = run("prioritise", "--at", "2020-01-01", "--aim", "baltic", "--threat", "none", *args)
    assert res.code == 2 and res.out == ""
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("secnet: error: ") and message in lines[0]


def test_identical_partners_share_first_place_under_every_weighting():
    # Two partners with the same values on 0/1 criteria (as Georgia and Ukraine on the stability aim) tie in
    # every draw: both rank first in all of them; the third ranks third (competition ranks, "1 1 3").
    x = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 0.0, 1.0]])
    for method in P.METHODS:
        res = P.smaa2(x, np.array([True, True, True]), method=method, draws=5_000, seed=5)
        b = res["acceptability"]
        assert b[0, 0] == 1.0 and b[2, 0] == 1.0, method
        assert b[1, 2] == 1.0 and b[1, :2].sum() == 0, method
        assert b.sum(axis=1) == pytest.approx(1)
        assert res["confidence"][[0, 2]].tolist() == [1.0, 1.0]
        assert res["central_weights"][0] == pytest.approx(res["central_weights"][2])
