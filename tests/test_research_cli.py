"""`secnet panel`, `secnet similarity` and `secnet check atop` from the command line."""

import json

import pandas as pd
import pytest


def test_panel_with_secnet_columns(run, tmp_path):
    out = tmp_path / "panel.parquet"
    res = run("panel", "--add", "atop,secnet", "--years", "2017-2018", "--to", str(out), "--format", "json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["rows"] > 70000
    p = pd.read_parquet(out)
    usa_gbr = p[(p.ccode1 == 2) & (p.ccode2 == 200) & (p.year == 2018)].iloc[0]
    assert usa_gbr.atop_defense == 1 and usa_gbr.secnet_defence == 1 and usa_gbr.secnet_nato_both == 1
    fin_swe = p[(p.ccode1 == 375) & (p.ccode2 == 380) & (p.year == 2018)].iloc[0]
    assert fin_swe.secnet_nato_both == 0 and fin_swe.secnet_defence == 1  # EU Art. 42.7


def test_similarity_from_atop_and_from_the_registry(run, tmp_path):
    out = tmp_path / "sim.csv"
    res = run("similarity", "--measure", "taub,s", "--years", "2000", "--to", str(out))
    assert res.code == 0, res.err
    s = pd.read_csv(out)
    assert set(s.columns) >= {"ccode1", "ccode2", "year", "taub", "sallyvua"} and (s.year == 2000).all()
    res = run("similarity", "--source", "secnet", "--measure", "kappa", "--years", "2024", "--to", str(tmp_path / "s2.parquet"))
    assert res.code == 0, res.err


def test_check_atop_reports_agreement(run):
    res = run("check", "atop", "--format", "json")
    assert res.code == 0, res.err
    report = json.loads(res.out)
    assert report["agreement"] >= 0.99 and report["both_nato_dyad_years"] > 20000


@pytest.mark.parametrize("args, message", [
    (("panel", "--add", "atop,gdp", "--to", "x.parquet"), "unknown panel step(s) gdp"),
    (("similarity", "--source", "cow", "--to", "x.parquet"), "COW Formal Alliances v4.1 is not shipped"),
    (("similarity", "--source", "nope", "--to", "x.parquet"), "alliance source 'nope'"),
    (("panel", "--system", "xyz", "--to", "x.parquet"), "xyz"),
    (("panel", "--years", "2020-1990", "--to", "x.parquet"), "2020-1990"),
    (("check", "atop", "--data-dir", "/nonexistent"), "/nonexistent"),
])
def test_research_bad_input_is_one_line_and_exit_2(run, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run(*args)
    assert res.code == 2, res.out
    lines = [x for x in res.err.strip().splitlines() if x.strip()]
    assert len(lines) == 1 and message in lines[0], res.err
