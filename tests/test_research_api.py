"""secnet.research as a researcher calls it: peacesciencer's verbs, peacesciencer's column names."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from secnet import research
from secnet.errors import InvalidInput
from secnet.research import panels as P
from secnet.research import similarity_panel as S

SRC = Path(__file__).resolve().parents[1] / "src" / "secnet"

#: The columns peacesciencer gives for create_dyadyears() |> add_atop_alliance() |> add_igos() |> add_nmc().
PEACESCIENCER_COLUMNS = [
    "ccode1", "ccode2", "year",
    "atop_alliance", "atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul",
    "dyadigos",
    "milex1", "milper1", "irst1", "pec1", "tpop1", "upop1", "cinc1",
    "milex2", "milper2", "irst2", "pec2", "tpop2", "upop2", "cinc2",
]


@pytest.fixture(scope="module")
def chain() -> research.Panel:
    return research.dyad_years(system="cow", directed=True, years=(1990, 1992)).add_atop_alliance().add_igos().add_nmc()


def test_the_chain_has_peacesciencers_columns_and_the_engines_values(chain):
    assert chain.columns == PEACESCIENCER_COLUMNS
    frame = chain.to_pandas()
    by_hand = P.add_nmc(P.add_igos(P.add_atop_alliance(P.dyad_years("cow", True, (1990, 1992)))))
    pd.testing.assert_frame_equal(frame, by_hand)
    usa_gbr = frame[(frame.ccode1 == 2) & (frame.ccode2 == 200) & (frame.year == 1991)].iloc[0]
    assert usa_gbr.atop_defense == 1 and usa_gbr.atop_alliance == 1


def test_values_match_peacesciencers_files(chain):
    """dyadigos is the non-directed IGO file's count for both directions; cinc1 is NMC's cinc of ccode1."""
    frame = chain.to_pandas()
    igo = research.read_reference("cow_igo_ndy")
    nmc = research.read_reference("cow_nmc")
    row = igo[(igo.ccode1 == 2) & (igo.ccode2 == 200) & (igo.year == 1991)].dyadigos.iloc[0]
    both = frame[(frame.year == 1991) & (((frame.ccode1 == 2) & (frame.ccode2 == 200)) | ((frame.ccode1 == 200) & (frame.ccode2 == 2)))]
    assert both.dyadigos.tolist() == [row, row]
    cinc = nmc[(nmc.ccode == 365) & (nmc.year == 1992)].cinc.iloc[0]
    assert (frame[(frame.ccode1 == 365) & (frame.year == 1992)].cinc1 == cinc).all()


def test_each_verb_leaves_the_panel_it_was_called_on_as_it_was():
    base = research.dyad_years(years=2000)
    more = base.add_atop_alliance()
    assert base.columns == ["ccode1", "ccode2", "year"] and "atop_defense" in more.columns
    assert len(base) == len(more) > 18000


def test_to_parquet_round_trips_with_nullable_integers(chain, tmp_path):
    path = chain.to_parquet(tmp_path / "panel.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, chain.to_pandas())
    assert str(back.atop_defense.dtype) == "Int8" and back.milex1.isna().any()
    with pytest.raises(InvalidInput, match="must end in .parquet"):
        chain.to_parquet(tmp_path / "panel.csv")


def test_state_years_and_a_non_directed_panel():
    states = research.state_years(years=1816).add_nmc(keep="cinc").to_pandas()
    assert states.columns.tolist() == ["ccode", "cw_name", "year", "cinc"] and len(states) == 23
    nd = research.dyad_years(directed=False, years=2000).to_pandas()
    assert (nd.ccode1 < nd.ccode2).all()


def test_panel_runs_the_named_steps_like_the_command_line():
    named = research.panel("cow", True, "atop,igos", 2000).to_pandas()
    chained = research.dyad_years(years=2000).add_atop_alliance().add_igos().to_pandas()
    pd.testing.assert_frame_equal(named, chained)


def test_similarity_reads_like_the_question():
    sim = research.similarity(source="atop", measures=["taub", "s", "kappa", "pi"], years=(1990, 1991))
    assert sim.columns.tolist() == ["ccode1", "ccode2", "year", "taub", "sallyvua", "kallyv", "pallyv"]
    engine = S.alliance_similarity("atop", measures=["taub", "s", "kappa", "pi"], years=(1990, 1991))
    pd.testing.assert_frame_equal(sim, engine)
    # S for the United States and the United Kingdom in 1990, written out: portfolios over the
    # year's states, tie = ATOP row (k, state), 3 defence/offence, 2 neutrality/non-aggression, 1 consultation.
    states = research.state_years(years=1990).to_pandas().ccode.to_numpy()
    atop = research.read_reference("atop_alliance").query("year == 1990")
    level = np.select([(atop.atop_defense == 1) | (atop.atop_offense == 1), (atop.atop_neutral == 1) | (atop.atop_nonagg == 1),
                       atop.atop_consul == 1], [3, 2, 1], 0)
    tie = dict(zip(zip(atop.ccode1, atop.ccode2), level))

    def portfolio(a):
        return np.array([3 if k == a else tie.get((k, a), 0) for k in states])

    x, y = portfolio(2), portfolio(200)
    s = 1 - 2 * np.abs(x - y).sum() / (3 * len(states))
    usa_gbr = sim[(sim.ccode1 == 2) & (sim.ccode2 == 200) & (sim.year == 1990)].iloc[0]
    assert usa_gbr.sallyvua == pytest.approx(s, abs=1e-12)


def test_importing_the_package_and_the_cli_loads_no_heavy_library():
    code = ("import sys, secnet.research, secnet.cli; "
            "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'sqlalchemy', 'matplotlib', 'pydantic') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _imports(path: Path) -> list[str]:
    """Every module a file imports, as absolute names ('secnet.research.panels')."""
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            out += [f"{base}.{a.name}" if base in ("secnet", "secnet.ingest") else base for a in node.names]
    return out


@pytest.mark.parametrize("pillar", ["analytics", "design"])
def test_analytics_and_design_ask_research_through_its_public_api_only(pillar):
    bad = []
    for path in sorted((SRC / pillar).glob("*.py")):
        for name in _imports(path):
            if name.startswith("secnet.research.") or name in ("secnet.ingest.atop", "secnet.ingest.cow"):
                bad.append(f"{path.name}: {name}")
    assert bad == []
    assert "secnet.research" in {n for p in (SRC / "design").glob("*.py") for n in _imports(p)}


def test_the_examples_in_docs_research_run(tmp_path, monkeypatch):
    text = (SRC.parents[1] / "docs" / "research.md").read_text()
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert len(blocks) == 2
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "docs/research.md", "exec"), {})
    assert pd.read_parquet(tmp_path / "panel.parquet").columns[-1] == "cinc2"
