"""The reference-data cache: built on first use, rebuilt when the source changes, loud only when damaged."""

from __future__ import annotations

import gzip
import json
import os
import shutil

import pandas as pd
import pytest

from secnet import research
from secnet.research import data
from secnet.research.cache import reference_cache_dir


@pytest.fixture
def sources(tmp_path, monkeypatch, research_dir):
    """A private copy of two small reference files, and a private cache directory."""
    folder = tmp_path / "peacesciencer"
    folder.mkdir()
    for name in ("cow_states", "cow_majors"):
        shutil.copy(research_dir / f"{name}.csv.gz", folder / f"{name}.csv.gz")
    monkeypatch.setenv(data.ENV_VAR, str(folder))
    monkeypatch.setenv("SECNET_CACHE_DIR", str(tmp_path / "cache"))
    data.clear_cache()
    yield folder
    data.clear_cache()


def fresh_read(name: str) -> pd.DataFrame:
    """Read as a new process would: nothing parsed in memory, only the cache on disk."""
    data.clear_cache()
    return research.read_reference(name)


def cache_file(name: str):
    (path,) = reference_cache_dir().glob(f"{name}-*.arrow")
    return path


def test_first_use_builds_the_cache_with_the_same_values(sources, capsys):
    direct = pd.read_csv(sources / "cow_states.csv.gz")
    got = fresh_read("cow_states")
    assert got.ccode.tolist() == direct.ccode.tolist() and got.statenme.tolist() == direct.statenme.tolist()
    (row,) = [r for r in research.cache_info() if r["table"] == "cow_states"]
    assert row["state"] == "fresh" and row["rows"] == len(direct) == 243
    again = fresh_read("cow_states")
    assert again.equals(got)
    assert capsys.readouterr().err == ""  # not a terminal: no progress line


def test_a_changed_source_is_rebuilt_silently(sources, capsys):
    assert len(fresh_read("cow_states")) == 243
    path = sources / "cow_states.csv.gz"
    text = gzip.decompress(path.read_bytes()).decode().splitlines()
    path.write_bytes(gzip.compress("\n".join(text[:-3]).encode() + b"\n"))  # three states fewer
    assert len(fresh_read("cow_states")) == 240
    assert capsys.readouterr().err == ""


def test_a_touched_source_with_the_same_bytes_keeps_its_cache(sources):
    fresh_read("cow_majors")
    built = cache_file("cow_majors").stat().st_mtime_ns
    stat = (sources / "cow_majors.csv.gz").stat()
    os.utime(sources / "cow_majors.csv.gz", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert len(fresh_read("cow_majors")) > 0
    assert cache_file("cow_majors").stat().st_mtime_ns == built  # hashed, found equal, not rebuilt
    assert [r["state"] for r in research.cache_info()] == ["fresh"]


def test_a_damaged_cache_file_warns_once_and_is_rebuilt(sources, capsys):
    expected = fresh_read("cow_states")
    path = cache_file("cow_states")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # truncated
    assert [r["state"] for r in research.cache_info()] == ["damaged"]
    got = fresh_read("cow_states")
    assert got.equals(expected)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "warning" in lines[0] and "damaged" in lines[0] and path.name in lines[0]
    fresh_read("cow_states")
    assert capsys.readouterr().err == ""  # rebuilt: quiet again
    assert [r["state"] for r in research.cache_info()] == ["fresh"]


def test_a_damaged_record_warns_once_and_is_rebuilt(sources, capsys):
    fresh_read("cow_majors")
    record = cache_file("cow_majors").with_suffix(".json")
    record.write_text("{not json")
    assert len(fresh_read("cow_majors")) > 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "damaged" in lines[0]
    assert json.loads(record.read_text())["table"] == "cow_majors"


def test_cache_info_and_clear_from_the_command_line(sources, run):
    fresh_read("cow_states")
    fresh_read("cow_majors")
    res = run("cache", "info", "--format", "json", "--db", "unused.sqlite")
    assert res.code == 0, res.err
    assert {r["table"]: r["state"] for r in json.loads(res.out)} == {"cow_majors": "fresh", "cow_states": "fresh"}
    res = run("cache", "info", "--format", "csv")
    assert res.out.splitlines()[0] == "table,rows,source_bytes,cache_bytes,built,state,cache_file"
    res = run("cache", "clear", "--format", "json")
    assert res.code == 0, res.err
    cleared = json.loads(res.out)
    assert cleared["files_removed"] == 4 and cleared["bytes_freed"] > 0
    assert json.loads(run("cache", "info", "--format", "json").out) == []
    assert len(fresh_read("cow_states")) == 243  # rebuilt on next use
    assert run("cache", "clear").code == 0


def test_an_unwritable_cache_directory_falls_back_to_the_source(sources, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("SECNET_CACHE_DIR", str(blocker))
    assert len(fresh_read("cow_states")) == 243
