"""COVERAGE.md counts exactly what is cited from where: a generated block, checked against the data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from secnet.ingest.counts import BEGIN, END, counts, render, replace_block
from secnet.ingest.dataset import load_dataset, shipped_path

ROOT = Path(__file__).resolve().parent.parent


def test_the_generated_block_in_coverage_md_is_current():
    text = (Path(shipped_path()) / "COVERAGE.md").read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    block = BEGIN + text.split(BEGIN, 1)[1].split(END, 1)[0] + END
    assert block == render(load_dataset()), (
        "COVERAGE.md's generated counts are out of date: run .venv/bin/python scripts/coverage_counts.py")


def test_the_script_checks_without_writing():
    before = (Path(shipped_path()) / "COVERAGE.md").read_bytes()
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "coverage_counts.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (Path(shipped_path()) / "COVERAGE.md").read_bytes() == before


def test_counts_of_the_mini_dataset(mini):
    jef = mini / "arrangements" / "jef.yaml"
    jef.write_text(jef.read_text() + '  - {actor: USA, role: participant, start: "[..2018]", sources: [iso]}\n')
    src = mini / "sources.yaml"
    src.write_text(src.read_text() + "- id: wiki\n  title: NATO\n  publisher: Wikipedia\n  kind: reference\n"
                                      "  url: https://en.wikipedia.org/wiki/NATO\n")
    c = counts(load_dataset(mini))
    assert (c["sources"], c["participations"]) == (5, 16)
    assert c["by_kind"] == {"treaty": 1, "official": 2, "dataset": 0, "news": 0, "research": 0, "reference": 2}
    assert c["by_category_kind"]["official"]["official"] == 2 and c["by_category_kind"]["encyclopedia"]["reference"] == 1
    assert c["hosts"]["official"] == {"nato.int": 3} and c["hosts"]["encyclopedia"] == {"en.wikipedia.org": 1}
    assert c["hosts"]["other"] == {"iso.org": 1}
    assert c["participations_by_kind"] == {"alliance": 7, "minilateral": 4, "partnership_framework": 5}
    assert c["starts_by_precision"] == {"day": 11, "month": 3, "year": 1, "not_after": 1}
    # citations: 7 actors cite iso, + the new USA participation; the wiki page is cited by nothing
    assert dict((sid, n) for n, sid in c["most_cited"])["iso"] == 8
    assert c["unused"] == ["wiki"] and c["facts_per_source"]["0 (unused)"] == 1
    assert c["facts"] == sum(n for n, _ in c["most_cited"])
    assert c["participations_on_weak_hosts_only"] == 1  # the USA row rests on iso.org only


def test_block_replacement():
    block = f"{BEGIN}\nnew\n{END}"
    text = f"# Title\n\nIntro.\n\n{BEGIN}\nold\n{END}\n\n## Rest\n"
    assert replace_block(text, block) == f"# Title\n\nIntro.\n\n{block}\n\n## Rest\n"
    assert replace_block(replace_block(text, block), block) == replace_block(text, block)
    assert BEGIN in replace_block("# Title\n\n## Rest\n", block)
    with pytest.raises(ValueError, match="one generated-counts marker"):
        replace_block(f"# T\n\n{BEGIN}\n", block)
