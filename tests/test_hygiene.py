"""The suite must not write into the checkout: the session-finish hook in conftest.py fails the run if it does."""

from __future__ import annotations

import subprocess

from .conftest import REPO, working_tree_state


def test_the_tree_check_sees_a_new_file_an_ignored_one_and_a_change(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("*.sqlite\n")
    (tmp_path / "kept.txt").write_text("a\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "."], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org",
                    "commit", "-qm", "start"], check=True)
    before = working_tree_state(tmp_path)
    assert before == set()
    (tmp_path / "::bad").write_bytes(b"SQLite format 3\x00")
    (tmp_path / "x.sqlite").write_text("")
    (tmp_path / "kept.txt").write_text("b\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "m.pyc").write_text("")
    assert working_tree_state(tmp_path) == {'?? "::bad"', "!! x.sqlite", " M kept.txt"} or \
        working_tree_state(tmp_path) == {"?? ::bad", "!! x.sqlite", " M kept.txt"}


def test_no_stray_database_at_the_repository_root():
    assert not (REPO / "::bad").exists()
