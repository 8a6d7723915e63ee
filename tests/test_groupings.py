"""The grouping designer: exact optima checked by hand and against brute-force enumeration.

The small registry (capabilities come from the thematic arrangements):
  allies   USA, GBR, FRA, EST          partners  FIN (pfp), AUS (patg)      organisation  eu
  coe-cyber (cyber)          EST framework nation, USA sponsoring, FIN contributing
  coe-mar (maritime)         GBR framework nation
  space-init (space, innovation_technology)   USA lead, AUS participant
  FRA brings nothing on its own; eu brings resilience (Actor.capabilities).

For cyber=2, maritime=1, space=1 the cheapest group is USA (cyber, space) + EST
(cyber) + GBR (maritime): three allies. The next best that is not a superset of
it swaps EST for the partner FIN.
"""

import itertools
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secnet.design import groupings as G
from secnet.errors import InvalidInput
from secnet.model.entities import Actor, Arrangement, Dataset, Participation, Source
from secnet.registry import Registry

S = ["s"]


def part(actor, role, start="2010-01-01", end=None):
    return Participation(actor=actor, role=role, start=start, end=end, sources=S)


def arr(id, kind, relation, parts, parent=None, founded="2010-01-01", issue_areas=()):
    ps = [p.model_copy(update={"arrangement": id}) for p in parts]
    return Arrangement(id=id, name=id.upper(), kind=kind, relation=relation, parent=parent, founded=founded,
                       sources=S, participations=ps, issue_areas=list(issue_areas))


def build() -> Registry:
    actors = {a: Actor(id=a, kind="state", name=a, sources=S) for a in ["USA", "GBR", "FRA", "EST", "FIN", "AUS"]}
    actors["eu"] = Actor(id="eu", kind="international_organisation", name="European Union", capabilities=["resilience"], sources=S)
    arrs = [
        arr("nato", "alliance", "inside", [part(a, "member", "1949-08-24") for a in ("USA", "GBR", "FRA")]
            + [part("EST", "member", "2004-03-29")], founded="1949-08-24"),
        arr("pfp", "partnership_framework", "inside", [part("FIN", "partner", "1994-05-09")], parent="nato", founded="1994-01-10"),
        arr("patg", "partnership_framework", "inside", [part("AUS", "partner", "2005")], parent="nato", founded="2005"),
        arr("coe-cyber", "centre_of_excellence", "flexible", [part("EST", "framework_nation"), part("USA", "sponsoring_nation"),
                                                              part("FIN", "contributing_participant")],
            parent="nato", issue_areas=["cyber"]),
        arr("coe-mar", "centre_of_excellence", "flexible", [part("GBR", "framework_nation")], parent="nato", issue_areas=["maritime"]),
        arr("space-init", "initiative", "flexible", [part("USA", "lead"), part("AUS", "participant")],
            issue_areas=["space", "innovation_technology"]),
    ]
    ds = Dataset(sources={"s": Source(id="s", title="t", publisher="p", url="http://x")}, actors=actors,
                 arrangements={a.id: a for a in arrs})
    return Registry(ds)


@pytest.fixture
def r():
    return build()


AT = "2020-01-01"
NEED = "cyber=2,maritime=1,space=1"


def test_capabilities_status_and_framework_nations(r):
    caps = G.actor_capabilities(r, AT)
    assert caps["USA"] == {"cyber", "space", "innovation_technology"} and caps["FIN"] == {"cyber"}
    assert caps["FRA"] == set() and caps["eu"] == {"resilience"}
    assert G.actor_capabilities(r, "2005")["USA"] == set()  # the arrangements did not exist yet
    status = G.actor_status(r, AT)
    assert (status["EST"], status["FIN"], status["AUS"], status["eu"]) == ("ally", "partner", "partner", "organisation")
    assert G.framework_nations(r, AT) == {"EST", "GBR", "USA"}


def test_optimal_group_by_hand(r):
    x = G.design_group(r, NEED, AT)
    assert x["members"] == ["EST", "GBR", "USA"] and x["size"] == 3 and x["n_non_allies"] == 0
    cov = {c["capability"]: c for c in x["coverage"]}
    assert cov["cyber"]["providers"] == ["EST", "USA"] and cov["space"]["providers"] == ["USA"]
    alt = x["alternatives"][0]
    assert alt["members"] == ["FIN", "GBR", "USA"] and alt["instead_of"] == ["EST"] and alt["adds"] == ["FIN"]
    # No alternative is a padded copy (superset) of an earlier group.
    groups = [set(x["members"])] + [set(a["members"]) for a in x["alternatives"]]
    for i, g in enumerate(groups):
        assert not any(g >= h for h in groups[:i])


def test_exclusions_and_must_include(r):
    assert G.design_group(r, NEED, AT, exclude=["EST"])["members"] == ["FIN", "GBR", "USA"]
    x = G.design_group(r, NEED, AT, must_include=["FRA"], alternatives=0)
    assert x["members"] == ["EST", "FRA", "GBR", "USA"] and x["alternatives"] == []


def test_closest_existing_format(r):
    x = G.design_group(r, "cyber=2", AT, alternatives=0)
    assert x["members"] == ["EST", "USA"]
    best = x["closest_formats"][0]
    assert best["arrangement_id"] == "coe-cyber" and best["jaccard"] == pytest.approx(2 / 3, abs=1e-4)
    assert best["only_in_format"] == ["FIN"]


def test_infeasible_names_the_requirement_and_why(r):
    with pytest.raises(G.Infeasible) as e:
        G.design_group(r, NEED, AT, exclude=["EST"], allow_partners=False)
    msg = str(e.value)
    assert "capability cyber needs 2 providers but only 1 candidate has it after exclusions (USA)" in msg
    assert "EST (excluded)" in msg and "FIN (partners not allowed)" in msg
    assert "maritime" not in msg  # that one can be met


def test_infeasible_together_but_not_alone(r):
    with pytest.raises(G.Infeasible, match="no group of at most 2 actors meets every requirement together; the smallest that does has 3"):
        G.design_group(r, NEED, AT, max_size=2)
    with pytest.raises(G.Infeasible, match="capability cyber needs 2 providers but --max-size is 1"):
        G.design_group(r, NEED, AT, max_size=1)


def test_framework_nation_and_organisations(r):
    x = G.design_group(r, "resilience", AT, framework_nation=True, alternatives=0)
    assert "eu" in x["members"] and x["size"] == 2 and any(m["framework_nation"] for m in x["group"])
    with pytest.raises(G.Infeasible, match="eu \\(organisations not allowed\\)"):
        G.design_group(r, "resilience", AT, allow_organisations=False)


def test_prefer_allies_breaks_ties_only(r):
    # cyber=1, space=1: USA alone (an ally) beats AUS + FIN; with cyber=3, FIN must join.
    assert G.design_group(r, "cyber,space", AT)["members"] == ["USA"]
    assert G.design_group(r, "cyber=3", AT)["members"] == ["EST", "FIN", "USA"]


def test_bad_requests(r):
    with pytest.raises(InvalidInput, match="unknown capability 'cyberr'; did you mean cyber"):
        G.design_group(r, "cyberr=2", AT)
    with pytest.raises(InvalidInput, match="at least 1 provider"):
        G.design_group(r, "cyber=0", AT)
    with pytest.raises(InvalidInput, match="both included and excluded"):
        G.design_group(r, NEED, AT, must_include=["USA"], exclude=["USA"])
    with pytest.raises(InvalidInput, match="FIN is a partner, and partners are not allowed"):
        G.design_group(r, NEED, AT, must_include=["FIN"], allow_partners=False)


def test_candidates_from_csv(r, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("actor_id,capabilities,cost\nUSA,cyber;space,5\nEST,cyber,1\nFIN,cyber,1\nAUS,space,1\n")
    x = G.design_group(r, "cyber=2,space", AT, candidates=f, alternatives=0)
    assert x["members"] == ["AUS", "EST", "FIN"] and x["cost"] == 3  # USA is dear in this file
    bad = tmp_path / "bad.csv"
    bad.write_text("actor_id,capabilities\nUSA,cyber;telepathy\n")
    with pytest.raises(InvalidInput, match="bad.csv:2: unknown capability 'telepathy'"):
        G.design_group(r, "cyber", AT, candidates=bad)


# --- the integer program against brute force -----------------------------------------------------


def test_set_cover_with_known_optimum():
    #      a  b  c  d  e  f
    sets = [[1, 1, 1, 0, 0, 0],   # 0
            [0, 0, 1, 1, 0, 0],   # 1
            [0, 0, 0, 1, 1, 1],   # 2
            [1, 0, 0, 1, 0, 0],   # 3
            [0, 1, 0, 0, 1, 0],   # 4
            [0, 0, 0, 0, 0, 1]]   # 5
    a = np.array(sets, dtype=bool)
    assert [g.tolist() for g in G.cover(a, np.ones(6))] == [[0, 2]]
    # Require 'a' twice: sets 0 and 3 both needed, and 2 still covers e, f.
    assert [g.tolist() for g in G.cover(a, np.array([2, 1, 1, 1, 1, 1]))] == [[0, 2, 3]]
    assert G.cover(a, np.array([3, 1, 1, 1, 1, 1])) == []


def brute_force(a, req, cost, tb, must, max_size, k):
    """The same sequence by enumeration: least (cost, tiebreak) feasible group, then the least not a superset of any earlier."""
    n = a.shape[0]
    feasible = []
    for size in range(n + 1):
        for combo in itertools.combinations(range(n), size):
            s = set(combo)
            if not must.issubset(s) or (max_size is not None and size > max_size):
                continue
            if (a[list(combo)].sum(axis=0) >= req).all() if combo else (req <= 0).all():
                feasible.append(((sum(cost[i] for i in combo), sum(tb[i] for i in combo)), s))
    feasible.sort(key=lambda x: x[0])
    chosen = []
    for c, s in feasible:
        if len(chosen) > k:
            break
        if not any(s >= t for _, t in chosen):
            chosen.append((c, s))
    return [c for c, _ in chosen]


@st.composite
def instances(draw):
    n = draw(st.integers(1, 8))
    k = draw(st.integers(1, 4))
    a = np.array(draw(st.lists(st.lists(st.booleans(), min_size=k, max_size=k), min_size=n, max_size=n)), dtype=bool)
    req = np.array(draw(st.lists(st.integers(0, 2), min_size=k, max_size=k)))
    cost = np.array(draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)), dtype=float)
    tb = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=float)
    must = draw(st.sets(st.integers(0, n - 1), max_size=2))
    max_size = draw(st.one_of(st.none(), st.integers(1, n)))
    return a, req, cost, tb, must, max_size


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_ilp_equals_brute_force(inst):
    a, req, cost, tb, must, max_size = inst
    mask = np.zeros(a.shape[0], bool)
    mask[list(must)] = True
    got = G.cover(a, req, cost, tiebreak=tb, must=mask, max_size=max_size, alternatives=2)
    want = brute_force(a, req, cost, tb, must, max_size, 2)
    assert [(float(cost[g].sum()), float(tb[g].sum())) for g in got] == want
    for g in got:
        assert (a[g].sum(axis=0) >= req).all() and mask[g].sum() == mask.sum()
        assert max_size is None or len(g) <= max_size


# --- the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def loaded(run, mini):
    res = run("load", str(mini))
    assert res.code == 0, res.err


def test_cli_group_with_candidates(run, loaded, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("actor_id,capabilities\nUSA,cyber;space\nGBR,cyber;maritime\nDEU,maritime\nFIN,cyber\n")
    res = run("group", "cyber=2,maritime", "--at", "2020-01-01", "--candidates", str(f), "--format", "json")
    assert res.code == 0, res.err
    x = json.loads(res.out)
    assert x["members"] == ["GBR", "USA"]  # as small as GBR + FIN, but two allies beat a partner
    for fmt in ("table", "csv"):
        assert run("group", "cyber=2,maritime", "--at", "2020-01-01", "--candidates", str(f), "--format", fmt).code == 0


@pytest.mark.parametrize("args, message", [
    (["cyberr=2"], "unknown capability 'cyberr'; did you mean cyber?"),
    (["cyber=0"], "at least 1 provider"),
    (["cyber=2"], "capability cyber needs 2 providers but only 0 candidates have it"),
    (["cyber", "--max-size", "0"], "--max-size must be at least 1"),
])
def test_cli_group_bad_input(run, loaded, args, message):
    res = run("group", *args, "--at", "2020-01-01")
    assert res.code == 2 and res.out == ""
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
