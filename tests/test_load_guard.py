"""`secnet load` keeps team work: over API edits not yet dumped it refuses (exit 2, nothing changed); --force discards."""

import json

import pytest

from secnet import edits, registry, store
from secnet.errors import UnsavedEdits

JEF_WITH_AUT = {"arrangement": "jef", "actor": "AUT", "role": "participant", "start": "2020-03", "sources": ["pfp-page"]}


@pytest.fixture
def edited(db_url, mini):
    """A database loaded from the mini dataset, then edited twice as the API does: Finland renamed, a source added."""
    registry.load(mini, db=db_url)
    engine = store.connect(db_url)
    fin = edits.get(engine, "actor", "FIN")
    edits.update(engine, "actor", "FIN", {"name": "Suomi"}, version=fin["version"], who="eve")
    edits.create(engine, "source", {"id": "team-note", "title": "A team note", "publisher": "NATO",
                                    "url": "https://www.nato.int/"}, who="eve")
    yield db_url, engine
    engine.dispose()


def test_load_over_edits_is_refused_and_changes_nothing(run, edited, mini):
    url, engine = edited
    version = store.data_version(engine)
    res = run("load", str(mini), "--db", url)
    assert res.code == 2
    assert res.err.count("\n") == 1, res.err  # one line
    assert "2 edits" in res.err and "secnet dump" in res.err and "--force" in res.err
    assert edits.get(engine, "actor", "FIN")["name"] == "Suomi"
    assert edits.get(engine, "source", "team-note")["title"] == "A team note"
    assert store.data_version(engine) == version  # the transaction rolled back: no running server reloads


def test_force_discards_the_edits(run, edited, mini):
    url, engine = edited
    res = run("load", str(mini), "--db", url, "--force")
    assert res.code == 0, res.err
    assert edits.get(engine, "actor", "FIN")["name"] == "Finland"
    assert "team-note" not in store.read_dataset(engine).sources
    assert run("load", str(mini), "--db", url).code == 0  # the discarded edits no longer count


def test_dump_keeps_the_edits_and_then_load_may_replace(run, edited, tmp_path):
    url, engine = edited
    out = tmp_path / "kept"
    assert run("dump", str(out), "--db", url).code == 0
    res = run("load", str(out), "--db", url, "--format", "json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["sources"] == len(store.read_dataset(engine).sources)
    assert edits.get(engine, "actor", "FIN")["name"] == "Suomi"  # the dump carried the rename back in


def test_an_edit_after_the_dump_counts_again(run, edited, mini, tmp_path):
    url, engine = edited
    assert run("dump", str(tmp_path / "kept"), "--db", url).code == 0
    edits.create(engine, "participation", JEF_WITH_AUT, who="eve")
    res = run("load", str(mini), "--db", url)
    assert res.code == 2 and "1 edit " in res.err


def test_library_load_refuses_too(edited, mini):
    url, _ = edited
    with pytest.raises(UnsavedEdits, match="2 edits"):
        registry.load(mini, db=url)


def test_a_fresh_database_loads_without_force(run, mini, tmp_path):
    assert run("load", str(mini), "--db", str(tmp_path / "fresh.sqlite")).code == 0
    assert run("load", str(mini), "--db", str(tmp_path / "fresh.sqlite")).code == 0
