"""Hostile and careless input, as a fuzzing run found it: one line on stderr, exit code 2, nothing written.

Each case once ended in a traceback, a second line, a blank line or a half-written
output. The rule (README, "bad input"): exactly one line ``secnet: error: ...``.
"""

from pathlib import Path

import pytest

from secnet import registry


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    """The shipped dataset, loaded once for the module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'shipped.sqlite'}"
    registry.load(None, db=url)
    return url


def one_error_line(res) -> str:
    assert res.code == 2, (res.out, res.err)
    assert res.err.startswith("secnet: error: ") and res.err.count("\n") == 1, repr(res.err)
    assert "Traceback" not in res.err
    return res.err


FILES = {
    "empty.yaml": b"",
    "null.yaml": b"null\n",
    "deep.yaml": b"[" * 5000 + b"\n",
    "complex-key.yaml": b"? [a, b]\n: 1\n",
    "dup-criteria.csv": b"actor_id,foo,foo\nFIN,1,2\n",
    "blank-criteria.csv": b"actor_id,,\nFIN,1,2\n",
    "latin1.csv": b"actor_id,foo\nFIN,\xff\n",
    "extra-fields.csv": b"actor_id,capabilities\nFIN,cyber,extra\n",
    "nan-cost.csv": b"actor_id,capabilities,cost\nFIN,cyber,nan\n",
    "garbage.rda": bytes(range(256)) * 4,
    "huge-year.csv": b"ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
                     b"2,20,99999999999999999999,1,0,0,0,0\n",
}


@pytest.mark.parametrize("args, fragment", [
    (("members", "nato", "--scenario", "empty.yaml"), "empty.yaml:1: empty.yaml: the scenario file is empty"),
    (("members", "nato", "--scenario", "null.yaml"), "the scenario file is empty"),
    (("members", "nato", "--scenario", "deep.yaml"), "malformed YAML: nested too deeply"),
    (("members", "nato", "--scenario", "complex-key.yaml"), "a key must be a plain value"),
    (("prioritise", "--criteria", "dup-criteria.csv"), "dup-criteria.csv:1: criterion 'foo' appears twice"),
    (("prioritise", "--criteria", "blank-criteria.csv"), "blank-criteria.csv:1: column 2 has no name"),
    (("prioritise", "--criteria", "latin1.csv"), "latin1.csv is not UTF-8 text"),
    (("group", "cyber", "--candidates", "latin1.csv"), "latin1.csv is not UTF-8 text"),
    (("group", "cyber", "--candidates", "extra-fields.csv"), "extra-fields.csv:2: more fields than the header has (2)"),
    (("group", "cyber", "--candidates", "nan-cost.csv"), "cost must be a finite number"),
    (("prioritise", "--smaa", "--seed", "-1"), "--seed must be a whole number from 0 to 4294967295 (found -1)"),
    (("prioritise", "--smaa", "--draws", "2147483648"), "--draws must be between 1 and 10,000,000"),
    (("prioritise", "--smaa", "--uncertainty", "nan"), "--uncertainty must be a finite number"),
    (("similarity", "--to", "s.csv", "--file", "garbage.rda"), "garbage.rda: cannot be read"),
    (("similarity", "--to", "s.csv", "--file", "huge-year.csv"), "row 2: year is too large"),
    (("audit", "--from", "0"), "--from 0: give a four-digit year"),
    (("audit", "--to", "2"), "--to 2: give a four-digit year"),
    (("members", "nato", "--at", "\uff12\uff10\uff12\uff13"), "--at: not a date"),  # full-width 2023
    (("panel", "--to", "p.csv", "--years", "\u0662\u0660\u0660\u0660"), "years '"),  # Arabic-Indic 2000
    (("show", "nato\n"), r"unknown id 'nato\n'"),
    (("members", "nato", "--role", "a\x1b[31mb"), r"unknown role 'a\x1b[31mb'"),
    (("members", "nato", "--format", "a\nb"), r"'a\nb' is not one of"),
    (("show", "nato", "--db", "a\x00b"), "holds a NUL character"),
    (("export", "--to", "e\x00.csv"), "cannot write (embedded null byte)"),
    (("export", "--to", "x" * 300 + ".csv"), "cannot write (File name too long)"),
    (("panel", "--to", "/proc/p.csv", "--years", "2000"), "--to /proc/p.csv: cannot write"),
    (("dump", "/proc/x"), "dump /proc/x: cannot write"),
    ((), "give a command (see the help above)"),
    # issue 16: each error names the option it is about, and nothing is made before the input is checked
    (("brief", "--out", "new-dir", "--at", "2024-99-99"), "--at: impossible date '2024-99-99'"),
    (("diff", "nato", "--from", "yesterday", "--to", "2024"), "--from: not a date: 'yesterday'"),
    (("diff", "nato", "--from", "2020", "--to", "tomorrow"), "--to: not a date: 'tomorrow'"),
    (("diff", "nato", "--from", "2024", "--to", "2020"), "--from 2024 is later than --to 2020"),
    (("similarity", "--to", "s.csv", "--years", "abc", "--data-dir", "no-such-dir"), "years 'abc': write a year"),
    (("panel", "--to", "p.csv", "--years", "abc", "--data-dir", "no-such-dir"), "years 'abc': write a year"),
    (("network", "--seed", "-1"), "--seed must be a whole number from 0 to 4294967295 (found -1)"),
    (("network", "--seed", "4294967296"), "--seed must be a whole number from 0 to 4294967295"),
    (("prioritise", "--smaa", "--draws", "10", "--seed", "4294967296"), "--seed must be a whole number from 0 to 4294967295"),
])
def test_hostile_input_is_one_line_and_exit_2(run, db, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    for name, content in FILES.items():
        Path(name).write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    res = run(*args, *(("--db", db) if args and "--db" not in args and args[0] not in ("similarity", "panel") else ()))
    assert fragment in one_error_line(res)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written, no temporary file left


def test_export_refused_half_way_leaves_no_file(run, db, tmp_path, monkeypatch):
    """The third table's target is a directory: the first two must not be left behind either."""
    monkeypatch.chdir(tmp_path)
    Path("e.participations.csv").mkdir()
    assert "e.participations.csv is a directory" in one_error_line(run("export", "--to", "e.csv", "--db", db))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.participations.csv"]


def test_briefing_pdf_refused_leaves_no_html(run, db, tmp_path):
    (tmp_path / "briefing-2024-01-01.pdf").mkdir()
    res = run("brief", "--at", "2024-01-01", "--out", str(tmp_path), "--pdf", "--db", db)
    assert "briefing-2024-01-01.pdf is a directory" in one_error_line(res)
    assert [p.name for p in tmp_path.iterdir()] == ["briefing-2024-01-01.pdf"]


def test_export_at_a_date_with_nobody_writes_empty_tables_with_headers(run, db, tmp_path):
    res = run("export", "--at", "1800", "--to", str(tmp_path / "e.csv"), "--db", db)
    assert res.code == 0, res.err
    assert (tmp_path / "e.actors.csv").read_text().splitlines() == ["actor_id,kind,name,iso3,cow_code,regions,sources"]
    assert (tmp_path / "e.participations.csv").read_text().startswith("arrangement_id,actor_id")
    assert oct((tmp_path / "e.actors.csv").stat().st_mode & 0o777) != oct(0o600)  # an ordinary file, not a private temp


def test_empty_arrangement_file_is_a_problem(run, mini):
    (mini / "arrangements" / "blank.yaml").write_text("")
    assert "blank.yaml:1: blank: the arrangement file is empty" in one_error_line(run("validate", str(mini)))
