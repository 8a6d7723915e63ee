"""`secnet validate` refuses every broken rule, names file, line, entry and rule, and loads nothing."""

from pathlib import Path

import pytest

from secnet.errors import InvalidData
from secnet.ingest.dataset import load_dataset


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1))


def problems(root: Path) -> list[str]:
    with pytest.raises(InvalidData) as e:
        load_dataset(root)
    return e.value.problems


def test_fixture_is_valid(mini):
    ds = load_dataset(mini)
    assert set(ds.arrangements) == {"nato", "pfp", "jef"}


def test_malformed_yaml_names_file_and_line(mini):
    (mini / "arrangements" / "jef.yaml").write_text("id: jef\nname: [unclosed\n")
    (p,) = problems(mini)
    assert p.startswith(str(Path("arrangements/jef.yaml"))) or "arrangements/jef.yaml:" in p
    assert "malformed YAML" in p


def test_unknown_role_with_suggestion_and_line(mini):
    edit(mini / "arrangements" / "pfp.yaml", "{actor: AUT, role: partner", "{actor: AUT, role: partnr")
    (p,) = problems(mini)
    assert "pfp.yaml:14:" in p
    assert "AUT as partnr" in p
    assert "unknown role 'partnr'; did you mean partner?" in p


def test_impossible_date(mini):
    edit(mini / "arrangements" / "pfp.yaml", '"1995-04-26"', '"2023-02-30"')
    (p,) = problems(mini)
    assert "pfp.yaml:15:" in p and "2023-02 has 28 days" in p


def test_overlapping_intervals_same_actor_and_role(mini):
    edit(mini / "arrangements" / "pfp.yaml", 'start: "2008-04-03"', 'start: "1996-01-01"')
    (p,) = problems(mini)
    assert "MLT as partner from 1996-01-01" in p and "overlaps" in p


def test_end_before_start(mini):
    edit(mini / "arrangements" / "pfp.yaml", 'end: "1996-10-27"', 'end: "1994-10-27"')
    (p,) = problems(mini)
    assert "is not after start" in p


def test_participation_before_founding(mini):
    edit(mini / "arrangements" / "pfp.yaml", 'start: "1995-02"', 'start: "1993-02"')
    (p,) = problems(mini)
    assert "starts before pfp was founded (1994-01-10)" in p


def test_participation_after_arrangement_ended(mini):
    edit(mini / "arrangements" / "jef.yaml", 'founded: "2014"', 'founded: "2014"\nended: "2016"')
    ps = problems(mini)
    assert any("FIN as participant" in p and "starts after jef ended (2016)" in p for p in ps)


def test_open_end_inherits_the_arrangements_end(mini):
    edit(mini / "arrangements" / "jef.yaml", 'founded: "2014"', 'founded: "2014"\nended: "2030"')
    ds = load_dataset(mini)
    assert {str(p.end) for p in ds.arrangements["jef"].participations} == {"2030"}


def test_missing_and_unknown_sources(mini):
    edit(mini / "arrangements" / "jef.yaml", "{actor: GBR, role: lead, start: \"2014\", sources: [pfp-page]}",
         "{actor: GBR, role: lead, start: \"2014\", sources: []}")
    edit(mini / "arrangements" / "jef.yaml", "{actor: FIN, role: participant, start: \"2017-06\", sources: [pfp-page]}",
         "{actor: FIN, role: participant, start: \"2017-06\", sources: [pfp-pag]}")
    ps = problems(mini)
    assert any("GBR as lead" in p and "participation has no source" in p for p in ps)
    assert any("unknown source 'pfp-pag'; did you mean pfp-page?" in p for p in ps)


def test_unknown_actor_and_duplicate_ids(mini):
    edit(mini / "arrangements" / "jef.yaml", "actor: SWE", "actor: SWD")
    with (mini / "actors" / "states.yaml").open("a") as f:
        f.write("- {id: AUT, kind: state, name: Austria again, sources: [iso]}\n")
    ps = problems(mini)
    assert any("unknown actor 'SWD'; did you mean SWE?" in p for p in ps)
    assert any("states.yaml:16: AUT: duplicate actor id" in p for p in ps)


def test_parent_cycle(mini):
    edit(mini / "arrangements" / "nato.yaml", "relation: inside", "relation: inside\nparent: pfp")
    ps = problems(mini)
    assert any("parent cycle" in p for p in ps)


def test_state_needs_a_valid_iso_code(mini):
    with (mini / "actors" / "states.yaml").open("a") as f:
        f.write("- {id: GMY, kind: state, name: Germany (COW abbreviation), sources: [iso]}\n")
    (p,) = problems(mini)
    assert "'GMY' is not an ISO 3166 alpha-3 code" in p


def test_unknown_field_and_missing_required_field(mini):
    edit(mini / "arrangements" / "jef.yaml", "kind: minilateral", "kynd: minilateral")
    ps = problems(mini)
    assert any("kynd: unknown field" in p for p in ps)
    assert any("kind: required field is missing" in p for p in ps)


def test_every_problem_reported_at_once(mini):
    edit(mini / "arrangements" / "pfp.yaml", "{actor: AUT, role: partner", "{actor: AUT, role: partnr")
    edit(mini / "arrangements" / "nato.yaml", '"1955-05-06"', '"1955-02-30"')
    edit(mini / "arrangements" / "jef.yaml", "actor: SWE", "actor: SWD")
    ps = problems(mini)
    assert len(ps) == 3
    for p in ps:
        file, line, rest = p.split(":", 2)
        assert file.endswith(".yaml") and line.isdigit() and int(line) > 0 and rest.strip()


def test_file_name_must_match_id(mini):
    (mini / "arrangements" / "jef.yaml").rename(mini / "arrangements" / "jef2.yaml")
    (p,) = problems(mini)
    assert "file name must be the id (jef.yaml)" in p


def test_obligation_parties_must_be_distinct_known_participants(mini):
    obligation = "{type: collective_defence, binding: true, from_role: member, to_role: member, article: Art. 5, sources: [treaty]}"
    edit(mini / "arrangements" / "nato.yaml", obligation,
         obligation + "\n  - {type: consultation, binding: true, parties: [USA, USA], sources: [treaty]}"
         "\n  - {type: consultation, binding: true, parties: [USA, GRB, AUT], sources: [treaty]}")
    ps = problems(mini)
    assert any("nato.yaml:10:" in p and "parties lists an actor twice" in p for p in ps)
    assert any("parties must name at least two actors" in p for p in ps)
    assert any("nato.yaml:11:" in p and "parties: unknown actor 'GRB'; did you mean GBR?" in p for p in ps)
    assert any("parties: AUT does not take part in nato" in p for p in ps)
    assert len(ps) == 4


def test_signed_after_start_is_refused(mini):
    """An accession protocol is signed before the instrument of accession is deposited, never after."""
    edit(mini / "arrangements" / "nato.yaml", '{actor: FIN, role: member, start: "2023-04-04",',
         '{actor: FIN, role: member, start: "2023-04-04", signed: "2023-05-01",')
    (p,) = problems(mini)
    assert "nato.yaml:15:" in p and "FIN as member" in p
    assert "signed 2023-05-01 is after start 2023-04-04" in p


def test_signed_on_start_day_or_before_is_accepted(mini):
    edit(mini / "arrangements" / "nato.yaml", '{actor: FIN, role: member, start: "2023-04-04",',
         '{actor: FIN, role: member, start: "2023-04-04", signed: "2022-07-05",')
    fin = next(p for p in load_dataset(mini).arrangements["nato"].participations if p.actor == "FIN" and p.role == "member")
    assert str(fin.signed) == "2022-07-05"


def test_arrangement_signed_after_founded_and_obligation_signed_without_start_are_refused(mini):
    edit(mini / "arrangements" / "nato.yaml", 'founded: "1949-08-24"', 'founded: "1949-08-24"\nsigned: "1950"')
    edit(mini / "arrangements" / "nato.yaml", "article: Art. 5,", "article: Art. 5, signed: 1949-04-04,")
    got = problems(mini)
    assert any("signed 1950 is after founded 1949-08-24" in p for p in got), got
    assert any("signed needs a start" in p for p in got), got
