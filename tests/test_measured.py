"""Measured prioritisation (aims stability and capability), indicator files, suspended partners, empty results."""

import csv
import io
import json
import shutil

import pytest

from secnet.design import prioritise as P
from secnet.errors import InvalidData
from secnet.ingest.indicators import load_indicators
from secnet.model.entities import Actor, Arrangement, CowSpell, Dataset, Participation, Source
from secnet.partnership import members_view, partners_with_status, why_empty
from secnet.registry import Registry

from .conftest import FIXTURES

S = ["s"]


@pytest.fixture
def ds_dir(tmp_path):
    """The mini dataset with the small ops_personnel indicator fixture."""
    root = tmp_path / "ds"
    shutil.copytree(FIXTURES / "mini", root)
    (root / "indicators").mkdir()
    shutil.copy(FIXTURES / "indicators" / "ops_personnel.yaml", root / "indicators")
    return root


@pytest.fixture(scope="module")
def shipped():
    return Registry.from_yaml()


# --- indicator files ----------------------------------------------------------------------------


def test_indicator_file_loads_with_its_values(ds_dir):
    ind = load_indicators(ds_dir)["ops_personnel"]
    assert ind.unit == "personnel" and ind.higher_is == "better"
    assert len(ind.values) == 5 and {v.actor for v in ind.values} == {"FIN", "SWE"}
    assert ind.values[0].sources == ("treaty",)  # the series' source where a value names none


@pytest.mark.parametrize("old, new, where", [
    ("actor: FIN, date: \"2010-06\"", "actor: XXX, date: \"2010-06\"", "actor: unknown actor 'XXX'"),
    ("value: 150", "value: lots", "value: 'lots' is not a number"),
    ("date: \"2012\"", "date: \"2012-13\"", "date: '2012-13' is not a date"),
    ("context: jef}", "context: op-nowhere}", "context: unknown arrangement 'op-nowhere'"),
    ("sources: [treaty]", "sources: [no-such-source]", "sources: unknown source 'no-such-source'"),
    ("higher_is: better", "higher_is: more", "higher_is: must be better or worse"),
])
def test_bad_indicator_is_one_line_naming_file_entry_and_field(run, ds_dir, old, new, where):
    f = ds_dir / "indicators" / "ops_personnel.yaml"
    f.write_text(f.read_text().replace(old, new, 1))
    with pytest.raises(InvalidData) as e:
        load_indicators(ds_dir)
    lines = [x for x in str(e.value).splitlines() if "ops_personnel.yaml" in x]
    assert any(where in x for x in lines), lines
    res = run("validate", str(ds_dir))
    assert res.code == 2 and "ops_personnel.yaml:" in res.err and where in res.err
    assert "Traceback" not in res.err


def test_indicator_id_must_be_the_file_name(ds_dir):
    f = ds_dir / "indicators" / "ops_personnel.yaml"
    f.rename(ds_dir / "indicators" / "troops.yaml")
    with pytest.raises(InvalidData, match=r"troops.yaml:\d+: ops_personnel: id: file name must be the id"):
        load_indicators(ds_dir)


def test_shipped_indicators_are_valid_and_sourced():
    ind = load_indicators()
    assert {"ops_personnel", "conflict_exposure", "membership_aspiration"} <= set(ind)
    assert all(v.sources for i in ind.values() for v in i.values)


# --- the measured criteria on the fixture -------------------------------------------------------


def test_ops_personnel_is_each_operations_largest_figure_summed(ds_dir):
    r = Registry.from_yaml(ds_dir)
    x = P.prioritise(r, "2021-10-01", aim_name="capability", actors=["FIN", "SWE", "AUT"], indicators_dir=ds_dir,
                     weights="ops_personnel=1")
    got = {row["actor_id"]: row["ops_personnel"] for row in x["ranking"]}
    # FIN: max(150, 90) in one context + 20 in the other; SWE: 500 (the 2030 figure is after the date); AUT none.
    assert got == {"FIN": 170, "SWE": 500, "AUT": 0}
    assert [row["actor_id"] for row in x["ranking"]] == ["SWE", "FIN", "AUT"]
    early = P.prioritise(r, "2011-01-01", aim_name="capability", actors=["FIN", "SWE"], indicators_dir=ds_dir)
    assert {row["actor_id"]: row["ops_personnel"] for row in early["ranking"]} == {"FIN": 150, "SWE": 0}


def test_measured_aims_use_no_registry_counts(ds_dir):
    r = Registry.from_yaml(ds_dir)
    for aim in ("stability", "capability"):
        x = P.prioritise(r, "2021-10-01", aim_name=aim, actors=["FIN", "SWE"], indicators_dir=ds_dir)
        used = {c["criterion"] for c in x["criteria"]}
        assert not used & {"region", "capability", "frameworks", "years", "eop"}
        for c in x["criteria"]:
            assert c["unit"] and c["source"] and c["description"]
        assert {c["criterion"] for c in x["criteria"] if c["weight"] is not None}


def test_measured_criteria_report_the_data_year_used(shipped):
    x = P.prioritise(shipped, "2021-10-01", aim_name="capability")
    crit = {c["criterion"]: c for c in x["criteria"]}
    assert crit["milper"]["data_years"] == "2021" and crit["milex"]["unit"] == "thousand USD"
    y = P.prioritise(shipped, "2021-10-01", aim_name="stability")
    crit = {c["criterion"]: c for c in y["criteria"]}
    assert crit["land_border"]["data_years"] == "2016"  # COW contiguity ends in 2016: said, not hidden
    assert crit["ally_distance"]["data_years"] == "2019"
    assert any("2016" in n for n in y["notes"])


# --- the must-show rankings on the shipped data ------------------------------------------------


def test_capability_top_five_on_shipped_data(shipped):
    x = P.prioritise(shipped, "2021-10-01", aim_name="capability")
    top = [row["actor_id"] for row in x["ranking"][:5]]
    assert len({"SWE", "FIN", "AUS", "JPN", "KOR"} & set(top)) >= 3, top
    assert "RUS" not in [row["actor_id"] for row in x["ranking"]]  # cooperation suspended since 2014


def test_stability_top_five_on_shipped_data(shipped):
    x = P.prioritise(shipped, "2021-10-01", aim_name="stability")
    top = [row["actor_id"] for row in x["ranking"][:5]]
    assert "UKR" in top and {"GEO", "MDA", "BIH"} & set(top), top
    ukr = next(row for row in x["ranking"] if row["actor_id"] == "UKR")
    assert ukr["land_border"] == 1 and ukr["conflict_exposure"] == 1 and ukr["aspiration"] == 1


# --- SMAA columns in words; --smaa-only options warn -------------------------------------------


def test_smaa_columns_are_named_in_words(run):
    res = run("prioritise", "--aim", "capability", "--at", "2021-10-01", "--smaa", "--draws", "200", "--format", "csv")
    assert res.code == 0, res.err
    header = next(csv.reader(io.StringIO(res.out)))
    assert {"share_rank_1", "share_rank_2", "share_rank_3", "expected_rank", "holistic_acceptability",
            "confidence"} <= set(header)
    assert not any(h.startswith("b") and h[1:].isdigit() for h in header)
    res = run("prioritise", "--aim", "stability", "--at", "2021-10-01", "--smaa", "--draws", "200", "--format", "json")
    row = json.loads(res.out)["rows"][0]
    assert "share_rank_1" in row and "holistic_acceptability" in row and "b1" not in row


@pytest.mark.parametrize("opt", [("--draws", "50"), ("--seed", "3"), ("--uncertainty", "0.1")])
def test_smaa_only_options_without_smaa_warn(run, opt):
    res = run("prioritise", "--aim", "stability", "--at", "2021-10-01", *opt, "--format", "json")
    assert res.code == 0
    assert f"warning: {opt[0]}" in res.err and "--smaa" in res.err
    quiet = run("prioritise", "--aim", "stability", "--at", "2021-10-01", "--format", "json")
    assert "warning" not in quiet.err


def test_help_explains_the_smaa_columns_and_aims(run):
    res = run("prioritise", "--help")
    text = " ".join(res.out.split())
    for word in ("share_rank_1", "expected_rank", "holistic_acceptability", "confidence", "stability", "capability"):
        assert word in text


# --- partners as NATO counts them --------------------------------------------------------------


def _suspension_registry() -> Registry:
    def state(i, code):
        return Actor(id=i, kind="state", name=i, cow=[CowSpell(code=code, abb=i, start="1816-01-01")], sources=S)

    def arr(i, parts, parent=None, kind="partnership_framework"):
        return Arrangement(id=i, name=i.upper(), kind=kind, relation="inside", parent=parent, founded="1949-08-24",
                           sources=S, participations=[Participation(arrangement=i, actor=a, role=ro, start=st, end=en,
                                                                    sources=src) for a, ro, st, en, src in parts])
    actors = [state("USA", 2), state("FIN", 375), state("RUS", 365)]
    arrs = [arr("nato", [("USA", "member", "1949-08-24", None, S)], kind="alliance"),
            arr("pfp", [("FIN", "partner", "1994-05-09", None, S), ("RUS", "partner", "1994-06-22", "2014-04-01", S),
                        ("RUS", "suspended", "2014-04-01", None, ["susp"])], parent="nato")]
    srcs = {x: Source(id=x, title="t", publisher="p", url="http://x") for x in ("s", "susp")}
    return Registry(Dataset(sources=srcs, actors={a.id: a for a in actors}, arrangements={a.id: a for a in arrs}))


def test_suspended_partner_is_listed_and_flagged():
    r = _suspension_registry()
    rows = partners_with_status(r, "nato", "2020-01-01")
    status = {x["actor_id"]: (x["status"], x["suspended_since"], tuple(x["suspended_sources"])) for x in rows}
    assert status["FIN"] == ("active", None, ())
    assert status["RUS"] == ("suspended", "2014-04-01", ("susp",))
    # the partner row ended with the suspension: the suspension row stands for Russia in the PfP, once
    assert [(x["arrangement_id"], x["role"]) for x in rows if x["actor_id"] == "RUS"] == [("pfp", "suspended")]
    assert {x["actor_id"] for x in partners_with_status(r, "nato", "2020-01-01", active=True)} == {"FIN"}
    assert {x["status"] for x in partners_with_status(r, "nato", "2010-01-01")} == {"active"}
    assert P.partner_states(r, "2020-01-01") == ["FIN"] and P.partner_states(r, "2010-01-01") == ["FIN", "RUS"]


def test_partners_cli_flags_suspended_and_active_drops_them(run):
    res = run("partners", "nato", "--at", "2022-06-01", "--format", "json")
    rows = json.loads(res.out)
    susp = {x["actor_id"] for x in rows if x["status"] == "suspended"}
    assert {"RUS", "BLR", "AFG"} <= susp
    assert all(x["suspended_since"] and x["suspended_sources"] for x in rows if x["status"] == "suspended")
    active = json.loads(run("partners", "nato", "--at", "2022-06-01", "--active", "--format", "json").out)
    assert not {x["actor_id"] for x in active} & susp and {x["actor_id"] for x in active} < {x["actor_id"] for x in rows}


# --- empty results explain themselves ----------------------------------------------------------


def test_members_of_a_framework_of_partners_lists_them_with_their_role(run):
    res = run("members", "ici", "--at", "2020-01-01", "--format", "json")
    rows = json.loads(res.out)
    assert {"BHR", "KWT", "QAT", "ARE"} <= {x["actor_id"] for x in rows}
    assert all(x["role"] == "partner" for x in rows)
    assert "role" in res.err and "ici" in res.err


def test_members_says_how_many_contributing_participants_it_left_out(run, shipped):
    res = run("members", "coe-ccdcoe", "--at", "2020-01-01", "--format", "json")
    ids = {x["actor_id"] for x in json.loads(res.out)}
    assert "JPN" not in ids
    rows, line = members_view(shipped, "coe-ccdcoe", "2020-01-01")
    n = sum(1 for x in shipped.participants("coe-ccdcoe", at="2020-01-01") if x["role"] == "contributing_participant")
    assert f"left out {n} participant(s)" in res.err and "--role contributing_participant" in res.err
    shown = run("members", "coe-ccdcoe", "--at", "2020-01-01", "--role", "contributing_participant", "--format", "json")
    assert len(json.loads(shown.out)) == n


@pytest.mark.parametrize("args, why", [
    (("members", "aukus", "--at", "2020-01-01"), "founded 2021-09-15, after 2020-01-01"),
    (("partners", "aukus", "--at", "2022-01-01"), "has no partner at 2022-01-01"),
    (("search", "zzqqxx"), "nothing matches 'zzqqxx'"),
    (("diff", "aukus", "--from", "2022-01-01", "--to", "2022-02-01"), "nothing changed in aukus"),
    (("members", "nato", "--at", "2020-01-01", "--role", "observer"), "holds role observer"),
    (("coverage", "MLT", "--at", "1990-01-01"), "MLT receives no pledge recorded at 1990-01-01"),
])
def test_empty_result_says_why_on_stderr(run, args, why):
    res = run(*args, "--format", "json")
    assert res.code == 0 and json.loads(res.out) == []
    assert why in res.err and len([x for x in res.err.splitlines() if x.startswith("note:")]) == 1


def test_why_empty_for_an_actor_with_no_arrangements(shipped):
    assert "takes part in nothing recorded at 1900-01-01" in why_empty(shipped, "arrangements", "FIN", "1900-01-01")


def test_why_empty_for_audit_and_groups_names_what_to_try(shipped):
    assert "try a later --at" in why_empty(shipped, "audit", at="1949-09-01")
    assert "--max-size" in why_empty(shipped, "alternatives")
