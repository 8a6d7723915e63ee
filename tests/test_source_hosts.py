"""Sources say what they are: an `official` or `treaty` source is on its publisher's own host."""

from __future__ import annotations

from pathlib import Path

import pytest

from secnet import registry, store
from secnet.errors import InvalidData
from secnet.ingest.dataset import load_dataset
from secnet.model.hosts import category, check_source_host, host_of


def problems(root: Path) -> list[str]:
    with pytest.raises(InvalidData) as e:
        load_dataset(root)
    return e.value.problems


def set_pfp_url(mini: Path, url: str, extra: str = "") -> None:
    f = mini / "sources.yaml"
    text = f.read_text()
    old = "  url: https://www.nato.int/cps/en/natolive/topics_50349.htm\n"
    assert old in text
    f.write_text(text.replace(old, f"  url: {url}\n{extra}", 1))


@pytest.mark.parametrize("url, expected", [
    ("https://www.nato.int/cps/en/natohq/topics_52044.htm", "official"),
    ("https://shape.nato.int/about", "official"),
    ("https://www.gov.uk/government/news/x", "official"),
    ("https://www.defense.gouv.fr/x", "official"),
    ("https://emad.defensa.gob.es/x", "official"),
    ("https://mfa.gov.hu/x", "official"),
    ("https://osce.usmission.gov/x", "official"),
    ("https://eur-lex.europa.eu/eli/dec/2017/2315/oj", "official"),
    ("https://treaties.un.org/x", "official"),
    ("https://ccdcoe.org/news/2012/x", "official"),
    ("https://www.regeringen.se/x", "official"),
    ("https://docslib.org/doc/1/x", "mirror"),
    ("https://www.defense-aerospace.com/x", "mirror"),
    ("https://ja.scribd.com/x", "mirror"),
    ("https://en.wikipedia.org/wiki/NATO", "encyclopedia"),
    ("https://en.trend.az/x", "news"),
    ("https://nsarchive.gwu.edu/x", "research"),
    ("http://web.archive.org/web/2006/http://www.nato.int/x", "archive"),
    ("https://webarchive.nationalarchives.gov.uk/x", "archive"),  # an archive on a .gov.uk host is still an archive
    ("https://blog.example.org/x", "other"),
    (None, "none"),
])
def test_hosts_are_classified(url, expected):
    assert category(url) == expected


def test_host_of_drops_www_and_case():
    assert host_of("HTTPS://WWW.NATO.INT/x") == "nato.int"
    assert host_of("not a url") is None


def test_the_shipped_dataset_keeps_the_rule():
    ds = load_dataset()
    bad = [s.id for s in ds.sources.values() if check_source_host(s.kind, s.url, s.copy_of)]
    assert bad == []
    # the sources relabelled under the rule
    assert ds.sources["nato-eu-strategic-partnership-factsheet"].kind == "reference"  # a NATO text on docslib
    assert ds.sources["trend-shusha-declaration-text"].kind == "news"
    assert ds.sources["nato-enlargement-2006"].copy_of == "http://www.nato.int/issues/enlargement/index.html"


def test_official_on_a_mirror_is_refused_in_one_line(mini):
    set_pfp_url(mini, "https://docslib.org/doc/123/partnership-for-peace")
    (p,) = problems(mini)
    assert p.startswith(str(Path("sources.yaml"))) or "sources.yaml:" in p
    assert ("sources.yaml:16: pfp-page: kind 'official' on docslib.org, a mirror host, not the publisher's own: "
            "cite the original on the publisher's site, or relabel it (reference)") in p
    assert "\n" not in p


def test_treaty_on_a_news_site_and_official_on_an_unknown_host_are_refused(mini):
    f = mini / "sources.yaml"
    f.write_text(f.read_text().replace("https://www.nato.int/cps/en/natolive/official_texts_17120.htm",
                                       "https://en.trend.az/azerbaijan/politics/123.html"))
    set_pfp_url(mini, "https://nato-texts.example.org/pfp")
    ps = problems(mini)
    assert any("treaty: kind 'treaty' on en.trend.az, a news host" in p and "relabel it (news)" in p for p in ps)
    assert any("pfp-page: kind 'official' on nato-texts.example.org, not a known official host" in p for p in ps)


def test_relabelled_copy_is_accepted(mini):
    set_pfp_url(mini, "https://docslib.org/doc/123/partnership-for-peace")
    f = mini / "sources.yaml"
    text = f.read_text()
    i = text.index("- id: pfp-page")
    f.write_text(text[:i] + text[i:].replace("kind: official", "kind: reference", 1))
    assert load_dataset(mini).sources["pfp-page"].kind == "reference"


def test_web_archive_copy_needs_the_original(mini):
    archived = "http://web.archive.org/web/20060713001235/http://www.nato.int/pfp/index.html"
    set_pfp_url(mini, archived)
    (p,) = problems(mini)
    assert "pfp-page: kind 'official' on web.archive.org, a web archive: give copy_of" in p
    set_pfp_url_text = (mini / "sources.yaml").read_text().replace(
        f"  url: {archived}\n", f"  url: {archived}\n  copy_of: https://docslib.org/doc/1\n")
    (mini / "sources.yaml").write_text(set_pfp_url_text)
    (p,) = problems(mini)
    assert "pfp-page: copy_of docslib.org is not a known official host" in p
    (mini / "sources.yaml").write_text(set_pfp_url_text.replace("copy_of: https://docslib.org/doc/1",
                                                                "copy_of: http://www.nato.int/pfp/index.html"))
    assert load_dataset(mini).sources["pfp-page"].copy_of == "http://www.nato.int/pfp/index.html"


def test_copy_of_is_stored_and_dumped(db_url, mini, tmp_path):
    from secnet.store.dump import dump_dataset

    archived = "http://web.archive.org/web/2006/http://www.nato.int/pfp/index.html"
    set_pfp_url(mini, archived, "  copy_of: http://www.nato.int/pfp/index.html\n")
    ds = registry.load(mini, db=db_url)
    back = store.read_dataset(store.connect(db_url))
    assert back.sources["pfp-page"].copy_of == "http://www.nato.int/pfp/index.html"
    assert back.model_dump() == ds.model_dump()
    dump_dataset(back, tmp_path / "out")
    assert load_dataset(tmp_path / "out").sources["pfp-page"].copy_of == "http://www.nato.int/pfp/index.html"
