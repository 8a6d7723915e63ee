"""Every `$ secnet ...` line in the README runs and exits 0 on the shipped dataset."""

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
EXAMPLES = [line[2:].strip() for line in README.read_text().splitlines() if line.startswith("$ secnet ")]


def test_readme_has_examples():
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize("command", EXAMPLES)
def test_readme_example_runs(run, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "docs").symlink_to(README.parent / "docs")
    args = shlex.split(command)[1:]
    res = run(*args)
    assert res.code == 0, f"{command}\n{res.err}"
    assert res.out.strip() or re.search(r"\w", res.err) is None
