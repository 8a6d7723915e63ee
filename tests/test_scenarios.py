"""Scenarios: a hypothetical early accession, a new format, and invalid overlays, on hand-built and shipped data.

The small registry: USA, GBR, FRA allies since 1949; FIN member 2023-04-04; SWE
applicant 2022-05-18 and member 2024-03-07; FIN, SWE, AUT PfP partners until
accession; FRA, FIN, SWE, AUT in the EU with the Art. 42(7) mutual-assistance
pledge from 2009-12-01; "fmt" a USA-SWE minilateral.

On 2023-06-01 the back-door audit lists SWE and AUT (EU pledges from France).
The scenario makes Sweden a member on 2023-03-07: SWE leaves the audit.
"""

import json
import shutil
from pathlib import Path

import pytest

from secnet.analytics.coverage import backdoor_audit
from secnet.design import scenarios as SC
from secnet.errors import InvalidData
from secnet.model.entities import Actor, Arrangement, Dataset, Obligation, Participation, Source
from secnet.registry import Registry

S = ["s"]
FIXTURES = Path(__file__).parent / "fixtures"

SWEDEN_EARLY = """\
id: sweden-2023
title: Sweden joins NATO on 2023-03-07, a year early
date: "2024-06-01"
note: Hypothetical.
end_participations:
  - {arrangement: nato, actor: SWE, end: "2023-03-07"}
  - {arrangement: pfp, actor: SWE, end: "2023-03-07"}
participations:
  - {arrangement: nato, actor: SWE, role: member, start: "2023-03-07"}
"""


def part(actor, role, start, end=None):
    return Participation(actor=actor, role=role, start=start, end=end, sources=S)


def arr(id, kind, relation, parts, obligations=(), parent=None, founded="1949-08-24"):
    ps = [p.model_copy(update={"arrangement": id}) for p in parts]
    return Arrangement(id=id, name=id.upper(), kind=kind, relation=relation, parent=parent, founded=founded,
                       sources=S, participations=ps, obligations=list(obligations))


def build() -> Registry:
    actors = {a: Actor(id=a, kind="state", name=a, sources=S) for a in ["USA", "GBR", "FRA", "FIN", "SWE", "AUT"]}
    mutual = Obligation(type="mutual_assistance", binding=True, start="2009-12-01", sources=S)
    arrs = [
        arr("nato", "alliance", "inside", [part(a, "member", "1949-08-24") for a in ("USA", "GBR", "FRA")] + [
            part("FIN", "applicant", "2022-05-18", "2023-04-04"), part("FIN", "member", "2023-04-04"),
            part("SWE", "applicant", "2022-05-18", "2024-03-07"), part("SWE", "member", "2024-03-07")],
            [Obligation(type="collective_defence", binding=True, sources=S)]),
        arr("pfp", "partnership_framework", "inside", [part("FIN", "partner", "1994-05-09", "2023-04-04"),
                                                       part("SWE", "partner", "1994-05-09", "2024-03-07"),
                                                       part("AUT", "partner", "1995-02-10")],
            parent="nato", founded="1994-01-10"),
        arr("eu", "international_organisation", "external", [part(a, "member", "1995-01-01") for a in ("FRA", "FIN", "SWE", "AUT")],
            [mutual], founded="1958-01-01"),
        arr("fmt", "minilateral", "minilateral", [part("USA", "member", "2010"), part("SWE", "member", "2010")], founded="2010"),
    ]
    ds = Dataset(sources={"s": Source(id="s", title="t", publisher="p", url="http://x")}, actors=actors,
                 arrangements={a.id: a for a in arrs})
    return Registry(ds)


@pytest.fixture
def r():
    return build()


@pytest.fixture
def sweden(tmp_path) -> Path:
    f = tmp_path / "sweden-2023.yaml"
    f.write_text(SWEDEN_EARLY)
    return f


def covered(r, at):
    return sorted({x["actor_id"] for x in backdoor_audit(r, at)})


def test_sweden_a_year_early_leaves_the_backdoor_audit(r, sweden):
    assert covered(r, "2023-06-01") == ["AUT", "SWE"]
    s = SC.apply_scenario(r, sweden)
    assert covered(s, "2023-06-01") == ["AUT"]
    assert "SWE" in {m["actor_id"] for m in s.members("nato", at="2023-06-01")}
    assert "SWE" not in {m["actor_id"] for m in s.members("nato", at="2023-03-06")}
    # The baseline is untouched, and the scenario changes nothing before 2023-03-07.
    assert covered(r, "2023-06-01") == ["AUT", "SWE"]
    assert covered(s, "2023-03-06") == covered(r, "2023-03-06") == ["AUT", "FIN", "SWE"]


def test_scenario_history_and_sources(r, sweden):
    s = SC.apply_scenario(r, sweden)
    joined = [e for e in s.history("nato") if e["actor_id"] == "SWE"]
    assert [(e["date"], e["event"], e["role"]) for e in joined] == [
        ("2022-05-18", "joined", "applicant"), ("2023-03-07", "changed", "member")]
    assert [x["source_id"] for x in s.sources_for("nato:SWE:member")] == ["scenario-sweden-2023"]
    assert s.origin.endswith("+scenario:sweden-2023")


def test_compare_reports_every_change(r, sweden):
    x = SC.compare(r, sweden, "2023-06-01")
    member = {(m["arrangement_id"], m["actor_id"]): m for m in x["membership"]}
    assert member["nato", "SWE"]["change"] == "role_changed"
    assert member["nato", "SWE"]["baseline_roles"] == ["applicant"] and member["nato", "SWE"]["scenario_roles"] == ["member"]
    assert member["pfp", "SWE"]["change"] == "left"
    assert [(a["actor_id"], a["arrangement_id"], a["change"]) for a in x["audit"]] == [("SWE", "eu", "no longer covered")]
    fmt = {f["format"]: f for f in x["formats"]}
    assert fmt["fmt"]["n_outside_nato_baseline"] == 1 and fmt["fmt"]["n_outside_nato_scenario"] == 0
    prio = {p["actor_id"]: p for p in x["priorities"]}
    assert prio["SWE"]["change"] == "no longer a partner" and prio["SWE"]["scenario_rank"] is None
    changes = {(c["change"], c["arrangement_id"], c["role"]) for c in x["changes"]}
    assert changes == {("ended", "nato", "applicant"), ("removed", "nato", "member"), ("ended", "pfp", "partner"),
                       ("joined", "nato", "member")}


def test_a_new_minilateral_format(r, tmp_path):
    f = tmp_path / "quad.yaml"
    f.write_text("""\
id: nordic-quad
title: A new Nordic-American format
arrangements:
  - id: nordic-quad
    name: Nordic Quad
    kind: minilateral
    relation: minilateral
    founded: "2025-01-01"
    issue_areas: [maritime]
    participations:
      - {actor: SWE, role: member, start: "2025-01-01"}
      - {actor: USA, role: member, start: "2025-01-01"}
      - {actor: AUT, role: member, start: "2025-01-01"}
""")
    s = SC.apply_scenario(r, f)
    assert {m["actor_id"] for m in s.members("nordic-quad", at="2025-06-01")} == {"SWE", "USA", "AUT"}
    x = SC.compare(r, f, "2025-06-01")
    assert [(g["format"], g["change"]) for g in x["formats"]] == [("nordic-quad", "new")]
    assert x["audit"] == [] and x["priorities"] == []


def test_suspension_ends_a_participation(r, tmp_path):
    f = tmp_path / "suspend.yaml"
    f.write_text("""\
id: austria-suspended
end_participations:
  - {arrangement: pfp, actor: AUT, role: partner, end: "2024-01-01"}
participations:
  - {arrangement: pfp, actor: AUT, role: suspended, start: "2024-01-01"}
""")
    s = SC.apply_scenario(r, f)
    assert "AUT" not in {p["actor_id"] for p in s.partners("nato", at="2024-06-01")}
    assert "AUT" in {p["actor_id"] for p in s.partners("nato", at="2023-06-01")}


def test_invalid_scenario_lists_every_problem_with_its_line(r, tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("""\
id: bad
title: Bad
participations:
  - {arrangement: nato, actor: XXX, role: member, start: "2023-03-07"}
  - {arrangement: natto, actor: SWE, role: member, start: "2023-03-07"}
end_participations:
  - {arrangement: nato, actor: AUT, end: "2023-03-07"}
colour: blue
""")
    with pytest.raises(InvalidData) as e:
        SC.apply_scenario(r, f)
    got = e.value.problems
    assert f"{f}:8: bad: unknown field 'colour'" in got[0]
    assert any(p.startswith(f"{f}:7: nato: end AUT at 2023-03-07: nothing to end: AUT has no participation in nato") for p in got)
    assert f"{f}:5: natto: add SWE as member from 2023-03-07: unknown arrangement 'natto'; did you mean nato?" in got
    assert f"{f}:4: nato: XXX as member from 2023-03-07: unknown actor 'XXX'" in got
    assert len(got) == 4


def test_overlap_and_bad_dates_are_caught_like_the_dataset(r, tmp_path):
    f = tmp_path / "overlap.yaml"
    f.write_text("""\
id: overlap
participations:
  - {arrangement: nato, actor: SWE, role: member, start: "2023-03-07"}
  - {arrangement: nato, actor: AUT, role: member, start: "2023-02-30"}
""")
    with pytest.raises(InvalidData) as e:
        SC.apply_scenario(r, f)
    got = e.value.problems
    assert any(p.startswith(f"{f}:3: nato: SWE as member from 2024-03-07: overlaps another interval of SWE as member") for p in got)
    assert any(p.startswith(f"{f}:4: ") and "start" in p for p in got)


def test_scenario_may_not_replace_existing_arrangements(r, tmp_path):
    f = tmp_path / "dup.yaml"
    f.write_text("arrangements:\n  - {id: nato, name: N, kind: alliance, relation: inside, founded: '1949'}\n")
    with pytest.raises(InvalidData, match="dup.yaml:2: nato: arrangement already exists"):
        SC.apply_scenario(r, f)


# --- the CLI ---------------------------------------------------------------------------------------


EU_YAML = """\
id: eu
name: European Union
kind: international_organisation
relation: external
founded: "1958-01-01"
sources: [treaty]
obligations:
  - {type: mutual_assistance, binding: true, article: "TEU Art. 42(7)", start: "2009-12-01", sources: [treaty]}
participations:
  - {actor: DEU, role: member, start: "1958-01-01", sources: [treaty]}
  - {actor: SWE, role: member, start: "1995-01-01", sources: [treaty]}
  - {actor: FIN, role: member, start: "1995-01-01", sources: [treaty]}
  - {actor: AUT, role: member, start: "1995-01-01", sources: [treaty]}
"""


@pytest.fixture
def with_eu(run, tmp_path):
    """The mini fixture plus the EU and its Art. 42(7) pledge, loaded into the test database."""
    d = tmp_path / "data"
    shutil.copytree(FIXTURES / "mini", d)
    (d / "arrangements" / "eu.yaml").write_text(EU_YAML)
    res = run("load", str(d))
    assert res.code == 0, res.err
    return d


def audit_ids(run, *args):
    res = run("audit", "--at", "2023-06-01", "--format", "json", *args)
    assert res.code == 0, res.err
    return sorted({x["actor_id"] for x in json.loads(res.out)})


def test_cli_audit_with_and_without_the_scenario(run, with_eu, sweden):
    assert audit_ids(run) == ["AUT", "SWE"]
    assert audit_ids(run, "--scenario", str(sweden)) == ["AUT"]
    res = run("members", "nato", "--at", "2023-06-01", "--scenario", str(sweden), "--format", "json")
    assert "SWE" in {m["actor_id"] for m in json.loads(res.out)}


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cli_scenario_compare(run, with_eu, sweden, fmt):
    res = run("scenario", "compare", str(sweden), "--at", "2023-06-01", "--format", fmt)
    assert res.code == 0, res.err
    if fmt == "json":
        x = json.loads(res.out)
        assert [(a["actor_id"], a["change"]) for a in x["audit"]] == [("SWE", "no longer covered")]
    else:
        assert "SWE" in res.out


def test_cli_invalid_scenario(run, with_eu, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("participations:\n  - {arrangement: nato, actor: XXX, role: member, start: '2023-03-07'}\n")
    res = run("audit", "--at", "2023-06-01", "--scenario", str(bad))
    assert res.code == 2 and res.out == ""
    assert f"{bad}:2: nato: XXX as member from 2023-03-07: unknown actor 'XXX'" in res.err
    assert "Traceback" not in res.err
    missing = run("audit", "--scenario", str(tmp_path / "nope.yaml"))
    assert missing.code == 2 and "is not a file" in missing.err and len(missing.err.strip().splitlines()) == 1


def test_cli_shipped_sweden_leaves_the_audit_a_year_early(run, tmp_path):
    """On the shipped dataset: Sweden holds the EU Art. 42(7) pledge on 2023-06-01 as a non-member."""
    from secnet.ingest.dataset import load_dataset

    ds = load_dataset()
    f = tmp_path / "sweden.yaml"
    ends = [a for a in ("nato", "pfp", "eapc", "eop") if a in ds.arrangements
            and any(p.actor == "SWE" for p in ds.arrangements[a].participations)]
    f.write_text("id: sweden-2023\ntitle: Sweden joins NATO on 2023-03-07\nend_participations:\n"
                 + "".join(f"  - {{arrangement: {a}, actor: SWE, end: '2023-03-07'}}\n" for a in ends)
                 + "participations:\n  - {arrangement: nato, actor: SWE, role: member, start: '2023-03-07'}\n")
    base = audit_ids(run)
    assert "SWE" in base
    scen = audit_ids(run, "--scenario", str(f))
    assert "SWE" not in scen and set(scen) == set(base) - {"SWE"}
    res = run("scenario", "compare", str(f), "--at", "2023-06-01", "--format", "json")
    assert res.code == 0, res.err
    x = json.loads(res.out)
    assert {a["actor_id"] for a in x["audit"]} == {"SWE"} and all(a["change"] == "no longer covered" for a in x["audit"])


def test_the_examples_in_the_docs_apply_to_the_shipped_dataset(tmp_path):
    import re

    from secnet.ingest.dataset import load_dataset

    r = Registry(load_dataset())
    text = (Path(__file__).parents[1] / "docs" / "scenarios.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 4
    for i, block in enumerate(blocks):
        f = tmp_path / f"example{i}.yaml"
        f.write_text(block)
        s = SC.apply_scenario(r, f)
        assert s.origin.endswith(f"scenario:{SC.load_scenario(f, r).id}")
