"""The CLI: every command in every format; bad input is one line and exit code 2."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from secnet import store


@pytest.fixture
def loaded(run, mini, isolated_db):
    res = run("load", str(mini))
    assert res.code == 0, res.err
    return isolated_db


COMMANDS = [
    ("members", "nato", "--at", "2023-04-04"),
    ("partners", "nato", "--at", "2000-01-01"),
    ("arrangements", "FIN", "--at", "2020-01-01"),
    ("history", "nato"),
    ("diff", "nato", "--from", "2022-01-01", "--to", "2024-06-01"),
    ("search", "sweden"),
    ("sources", "nato:FIN"),
    ("show", "nato"),
    ("show", "DEU"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_every_command_in_every_format(run, loaded, args, fmt):
    res = run(*args, "--format", fmt)
    assert res.code == 0, res.err
    assert res.out.strip()
    if fmt == "json":
        json.loads(res.out)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(res.out)))
        assert rows


def test_members_json_rows_carry_the_documented_fields(run, loaded):
    rows = json.loads(run("members", "nato", "--at", "2023-04-04", "--format", "json").out)
    assert {r["actor_id"] for r in rows} == {"USA", "GBR", "DEU", "FIN"}
    for r in rows:
        assert {"actor_id", "name", "iso3", "cow_code", "role", "start", "end", "arrangement_id", "sources"} <= set(r)


def test_db_option_overrides_the_default(run, mini, tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    assert run("load", str(mini), "--db", url).code == 0
    rows = json.loads(run("members", "jef", "--db", url, "--at", "2020", "--format", "json").out)
    assert {r["actor_id"] for r in rows} == {"GBR", "FIN", "SWE"}


def test_unknown_actor_suggests(run, loaded):
    res = run("arrangements", "SWD")
    assert res.code == 2
    assert res.err.strip() == "secnet: error: unknown actor 'SWD'; did you mean SWE?"
    assert res.out == ""


@pytest.mark.parametrize("args, message", [
    (("members", "nato", "--at", "2023-02-30"), "--at: impossible date '2023-02-30'"),
    (("members", "nato", "--at", "9999"), "--at: '9999' is past the last date"),
    (("members", "nato", "--role", "membr"), "unknown role 'membr'; did you mean member?"),
    (("members", "natto"), "unknown arrangement 'natto'; did you mean nato?"),
    (("members", "nato", "--db", "/no/such/dir/x.db"), "directory /no/such/dir does not exist"),
    (("members", "nato", "--db", "postgresql://x@127.0.0.1:9/db"), "cannot open database"),
    (("members", "nato", "--db", "xx://a:b"), "not a database URL: 'xx://a:b'"),
    (("members", "nato", "--format", "xml"), "'xml' is not one of"),
    (("members",), "Missing argument 'ARR'"),
    (("search", " "), "search: give a word"),
])
def test_bad_input_is_one_line_and_exit_2(run, loaded, args, message):
    res = run(*args)
    assert res.code == 2
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], res.err
    assert "Traceback" not in res.err


def test_invalid_dataset_lists_every_problem_and_loads_nothing(run, loaded, mini):
    before = store.read_dataset(store.connect(loaded)).model_dump()
    (mini / "arrangements" / "pfp.yaml").write_text(
        (mini / "arrangements" / "pfp.yaml").read_text().replace("role: partner", "role: partnr", 1).replace('"1995-04-26"', '"2023-02-30"'))
    res = run("load", str(mini))
    assert res.code == 2
    lines = res.err.strip().splitlines()
    assert len(lines) == 3 and "partnr" in lines[0] and "2023-02 has 28 days" in lines[1]
    assert lines[-1] == "secnet: error: 2 problems; nothing was loaded or changed"
    assert store.read_dataset(store.connect(loaded)).model_dump() == before
    assert run("validate", str(mini)).code == 2


def test_malformed_yaml_via_cli(run, loaded, mini):
    (mini / "actors" / "states.yaml").write_text("- {id: USA, kind: state\n")
    res = run("validate", str(mini))
    assert res.code == 2 and "malformed YAML" in res.err and "states.yaml:" in res.err


def test_python_dash_m_and_no_traceback(mini, tmp_path):
    env_url = f"sqlite:///{tmp_path / 'sub.sqlite'}"
    proc = subprocess.run([sys.executable, "-m", "secnet", "members", "nato", "--db", env_url, "--at", "1800"],
                          capture_output=True, text=True)
    # The shipped dataset loads on first use; in 1800 NATO had no members.
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([sys.executable, "-m", "secnet", "validate", "/nonexistent"], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "not a dataset directory" in proc.stderr


@pytest.mark.parametrize("args, message", [
    (("impact", "aukuss"), "unknown arrangement 'aukuss'; did you mean aukus"),
    (("impact", "aukus", "--at", "2019-01-01"), "aukus does not exist at 2019-01-01"),
    (("audit", "--at", "1948-06-01"), "before NATO existed"),
    (("audit", "--from", "2020", "--to", "2010"), "--from 2020 is after --to 2010"),
    (("export", "--to", "out.xlsx"), "unknown export format '.xlsx'"),
    (("export", "--to", "/no/such/dir/x.csv"), "directory /no/such/dir does not exist"),
    (("export", "--to", "x.csv", "--graph", "tree"), "--graph: 'tree' is not one of"),
    (("brief", "--out", "/proc/forbidden/out"), "--out /proc/forbidden/out: cannot create directory"),
    (("network", "--arrangement-kind", "club"), "unknown arrangement kind club"),
    (("coverage", "XXX"), "unknown actor 'XXX'"),
])
def test_analytics_bad_input_is_one_line_and_exit_2(run, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run(*args)
    assert res.code == 2, res.out
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], res.err


def test_lookups_do_not_import_pandas(loaded):
    """Start-up cost: pandas (about a third of a second) is imported only by commands that build tables."""
    code = ("import sys; from secnet.cli import main; "
            "rc = [main(a) for a in (['members', 'nato'], ['show', 'FIN'], ['audit', '--at', '2022-06-01'])]; "
            "print(rc, 'pandas' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "SECNET_DATABASE_URL": loaded})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[0, 0, 0] False"
