""""Not later than" dates (``[..2014]``): listed as uncertain inside the window, certain after, absent before.

The fixture: the mini dataset's JEF (founded 2014) gains the United States "by 2018"
(``[..2018]``, lower bound the founding) and Germany "not before June 2015, by 2016"
(``[2015-06..2016]``) leaving "by 2020".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from secnet import registry, store
from secnet.errors import InvalidData
from secnet.ingest.dataset import load_dataset
from secnet.model.dates import FuzzyDate, NotAfter, parse_start
from secnet.registry import Registry

EXTRA = """\
  - {actor: USA, role: participant, start: "[..2018]", sources: [pfp-page]}
  - {actor: DEU, role: participant, start: "[2015-06..2016]", end: "[..2020]", sources: [pfp-page]}
"""


@pytest.fixture
def tq(mini: Path) -> Path:
    """The mini dataset with two "not later than" participations in JEF."""
    jef = mini / "arrangements" / "jef.yaml"
    jef.write_text(jef.read_text() + EXTRA)
    return mini


def problems(root: Path) -> list[str]:
    with pytest.raises(InvalidData) as e:
        load_dataset(root)
    return e.value.problems


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


# --- the date itself ----------------------------------------------------------------------------


def test_not_after_is_a_window_from_the_lower_bound_to_the_end_of_the_upper():
    d = parse_start("[2007-06..2014]")
    assert isinstance(d, NotAfter) and d.precision == "not_after"
    assert (d.first, d.last) == (dt.date(2007, 6, 1), dt.date(2014, 12, 31))
    assert str(d) == "[2007-06..2014]" and d.label == "by 2014 (not before 2007-06)"
    m = parse_start("[..2012-10]")
    assert m.last == dt.date(2012, 10, 31) and m.label == "by 2012-10"
    assert parse_start("[..2012-10-15]").last == dt.date(2012, 10, 15)
    # without a lower bound the founding of the arrangement is the floor
    assert parse_start("[..2014]").with_floor(dt.date(2007, 3, 1)).first == dt.date(2007, 3, 1)
    # a plain year is still "some day in that year", not "by then"
    assert parse_start("2014") == FuzzyDate(2014)


@pytest.mark.parametrize("bad, message", [
    ("[2015..2014]", "the lower bound 2015 is after the upper bound 2014"),
    ("[..]", "needs its upper bound"),
    ("[2014..]", "needs its upper bound"),
    ("[..2014-13]", "month 13 does not exist"),
    ("[..14]", "not a date"),
    (["..2014"], 'quote it: "[..2014]"'),
])
def test_malformed_not_after_dates_are_refused(bad, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        parse_start(bad)


# --- validation ----------------------------------------------------------------------------------


def test_dataset_with_not_after_dates_is_valid(tq):
    ds = load_dataset(tq)
    usa = next(p for p in ds.arrangements["jef"].participations if p.actor == "USA")
    assert str(usa.start) == "[..2018]" and usa.start.first == dt.date(2014, 1, 1)  # floor: JEF founded 2014


def test_unquoted_not_after_is_a_yaml_list_and_refused_with_the_fix(tq):
    edit(tq / "arrangements" / "jef.yaml", 'start: "[..2018]"', "start: [..2018]")
    (p,) = problems(tq)
    assert "jef.yaml:13:" in p and "USA as participant from [..2018]" in p
    assert 'a list, not a date: [..2018] (quote it: "[..2018]"' in p


def test_lower_bound_after_upper_bound_is_refused(tq):
    edit(tq / "arrangements" / "jef.yaml", '"[2015-06..2016]"', '"[2017-06..2016]"')
    (p,) = problems(tq)
    assert "jef.yaml:14:" in p and "the lower bound 2017-06 is after the upper bound 2016" in p


def test_not_after_only_for_participations(tq):
    edit(tq / "arrangements" / "jef.yaml", 'founded: "2014"', 'founded: "[..2014]"')
    assert any("founded: '[..2014]': a 'not later than' date is only for a participation's start or end" in p
               for p in problems(tq))


def test_upper_bound_before_the_founding_is_refused(tq):
    edit(tq / "arrangements" / "jef.yaml", '"[..2018]"', '"[..2013]"')
    (p,) = problems(tq)
    assert "USA as participant from [..2013]: starts before jef was founded (2014)" in p


def test_end_not_after_start_is_refused_on_the_window(tq):
    # left "by 2014" but joined not before June 2015: it cannot have ended after it started
    edit(tq / "arrangements" / "jef.yaml", 'end: "[..2020]"', 'end: "[..2014]"')
    (p,) = problems(tq)
    assert "DEU as participant from [2015-06..2016]: end [..2014] is not after start [2015-06..2016]" in p


def test_overlap_only_when_certain(tq):
    jef = tq / "arrangements" / "jef.yaml"
    # a second spell of Germany that surely starts (2018) before the first surely ends? "[..2020]" may end in 2016:
    # no certain overlap, accepted
    jef.write_text(jef.read_text() + '  - {actor: DEU, role: participant, start: "2018", sources: [pfp-page]}\n')
    load_dataset(tq)
    # a USA spell starting in 2019 surely overlaps the open "[..2018]" one
    jef.write_text(jef.read_text() + '  - {actor: USA, role: participant, start: "2019", sources: [pfp-page]}\n')
    (p,) = problems(tq)
    assert "USA as participant from 2019: overlaps another interval of USA as participant in jef (from [..2018])" in p


def test_a_resumed_spell_known_only_by_a_date_does_not_surely_overlap_the_one_that_ended_by_it(tq):
    # Azerbaijan in the PARP: in from 1997, out by October 2021, back in by October 2021. The second
    # spell's lower bound is the founding date, but it may start after the first one ended: accepted.
    jef = tq / "arrangements" / "jef.yaml"
    jef.write_text(jef.read_text()
                   + '  - {actor: AUT, role: participant, start: "2015", end: "[..2020-10]", sources: [pfp-page]}\n'
                   + '  - {actor: AUT, role: participant, start: "[..2020-10]", sources: [pfp-page]}\n')
    load_dataset(tq)
    # but a spell that surely began while the first surely ran is still refused
    jef.write_text(jef.read_text() + '  - {actor: AUT, role: participant, start: "2016", sources: [pfp-page]}\n')
    ps = problems(tq)
    assert any("AUT as participant from 2016: overlaps another interval of AUT as participant in jef" in p for p in ps)


def test_not_after_outside_an_ended_arrangement_is_refused(tq):
    edit(tq / "arrangements" / "jef.yaml", 'founded: "2014"', 'founded: "2014"\nended: "2015-01-01"')
    edit(tq / "arrangements" / "jef.yaml", '"[2015-06..2016]", end: "[..2020]"', '"[2015-06..2016]"')
    ps = problems(tq)
    assert any("DEU as participant from [2015-06..2016]: starts after jef ended (2015-01-01)" in p for p in ps)


# --- as-of queries --------------------------------------------------------------------------------


def _who(rows):
    return {(r["actor_id"], r["certain"]) for r in rows if r["actor_id"] in ("USA", "DEU")}


@pytest.mark.parametrize("at, expected", [
    ("2013-06-01", set()),                                   # before JEF (the floor): not listed
    ("2014-06-01", {("USA", False)}),                        # inside [..2018]; Germany not before 2015-06
    ("2016-01-01", {("USA", False), ("DEU", False)}),
    ("2017-01-01", {("USA", False), ("DEU", False)}),        # Germany surely joined, but "left by 2020" may be any
    ("2019-01-01", {("USA", True), ("DEU", False)}),         # day after it joined: never certain
    ("2021-01-01", {("USA", True)}),                         # Germany surely gone
])
def test_members_before_inside_and_after_the_window(tq, at, expected):
    r = Registry.from_yaml(tq)
    rows = r.members("jef", at=at, role="participant")
    assert _who(rows) == expected
    for row in rows:
        if row["actor_id"] == "USA":
            assert (row["start"], row["start_precision"]) == ("[..2018]", "not_after")


def test_arrangements_of_and_as_of_table_mark_the_window(tq):
    r = Registry.from_yaml(tq)
    (row,) = [x for x in r.arrangements_of("USA", at="2015-01-01") if x["arrangement_id"] == "jef"]
    assert row["certain"] is False and row["start_precision"] == "not_after"
    assert [x for x in r.arrangements_of("USA", at="2013-01-01") if x["arrangement_id"] == "jef"] == []
    t = r.participation_table("2015-01-01")
    usa = t[(t.arrangement_id == "jef") & (t.actor_id == "USA")]
    assert usa["certain"].tolist() == [False] and usa["start_precision"].tolist() == ["not_after"]
    t = r.participation_table("2019-01-01")
    assert t[(t.arrangement_id == "jef") & (t.actor_id == "USA")]["certain"].tolist() == [True]


def test_partners_inside_the_window_are_uncertain(mini):
    pfp = mini / "arrangements" / "pfp.yaml"
    edit(pfp, '{actor: AUT, role: partner, start: "1995-02"', '{actor: AUT, role: partner, start: "[..1996]"')
    r = Registry.from_yaml(mini)
    assert [p["certain"] for p in r.partners("nato", at="1995-01-01") if p["actor_id"] == "AUT"] == [False]
    assert [p["certain"] for p in r.partners("nato", at="1997-01-01") if p["actor_id"] == "AUT"] == [True]
    assert [p for p in r.partners("nato", at="1993-12-31") if p["actor_id"] == "AUT"] == []  # PfP founded 1994


def test_history_places_the_event_at_its_bound_and_says_by(tq):
    r = Registry.from_yaml(tq)
    ev = [(e["event"], e["actor_id"], e["date"], e["precision"], e["label"]) for e in r.history("jef")]
    usa = ev.index(("joined", "USA", "[..2018]", "not_after", "by 2018"))
    deu_in = ev.index(("joined", "DEU", "[2015-06..2016]", "not_after", "by 2016 (not before 2015-06)"))
    deu_out = ev.index(("left", "DEU", "[..2020]", "not_after", "by 2020"))
    fin = [i for i, e in enumerate(ev) if e[:2] == ("joined", "FIN")][0]
    assert deu_in < fin < usa < deu_out  # by 2016 < 2017-06 < by 2018 < by 2020


def test_diff_reports_a_join_inside_the_window_as_uncertain(tq):
    r = Registry.from_yaml(tq)
    rows = {d["actor_id"]: d for d in r.diff("jef", "2013", "2019-01-01")}
    assert rows["USA"]["change"] == "joined" and rows["USA"]["certain"] is True  # absent, then surely in
    rows = {d["actor_id"]: d for d in r.diff("jef", "2015-01-01", "2019-01-01")}
    assert rows["USA"]["change"] == "joined" and rows["USA"]["certain"] is False  # possibly in already in 2015
    assert rows["DEU"]["change"] == "joined" and rows["DEU"]["certain"] is False
    rows = {d["actor_id"]: d for d in r.diff("jef", "2019-01-01", "2021-01-01")}
    assert rows["DEU"]["change"] == "left" and rows["DEU"]["certain"] is False
    assert "USA" not in rows  # surely in at both dates


# --- the store -------------------------------------------------------------------------------------


def test_store_round_trip_keeps_the_form_and_the_bounds(db_url, tq):
    ds = registry.load(tq, db=db_url)
    engine = store.connect(db_url)
    back = store.read_dataset(engine)
    assert back.model_dump() == ds.model_dump()
    p = store.schema.participations
    with engine.connect() as conn:
        row = conn.execute(sa.select(p).where(p.c.actor_id == "DEU", p.c.arrangement_id == "jef")).one()
    assert (row.start, row.end, row.start_precision, row.end_precision) == ("[2015-06..2016]", "[..2020]", "not_after", "not_after")
    assert (row.start_first, row.start_last, row.end_first, row.end_last) == (
        dt.date(2015, 6, 1), dt.date(2016, 12, 31), dt.date(2015, 6, 1), dt.date(2020, 12, 31))
    r = Registry.open(db_url)
    assert _who(r.members("jef", at="2016-01-01")) == {("USA", False), ("DEU", False)}


def test_version_3_database_is_migrated_to_hold_not_after_dates(db_url, mini):
    """A database from before schema version 4 (10-character dates, no precision columns) is migrated in place."""
    engine = store.connect(db_url)
    store.write_dataset(engine, load_dataset(mini), origin="test")
    with engine.begin() as conn:  # turn it back into a version-3 database
        conn.execute(sa.text("ALTER TABLE participations DROP COLUMN start_precision"))
        conn.execute(sa.text("ALTER TABLE participations DROP COLUMN end_precision"))
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text('ALTER TABLE participations ALTER COLUMN "start" TYPE VARCHAR(10)'))
            conn.execute(sa.text('ALTER TABLE participations ALTER COLUMN "end" TYPE VARCHAR(10)'))
        conn.execute(sa.text("UPDATE secnet_meta SET value = '3' WHERE key = 'schema_version'"))
    engine.dispose()
    engine = store.connect(db_url)
    p = store.schema.participations
    with engine.connect() as conn:
        assert store.current_version(conn) == store.migrations.LATEST >= 4
        prec = dict(conn.execute(sa.select(p.c.start, p.c.start_precision).where(p.c.arrangement_id == "pfp")).all())
    assert prec["1995-02"] == "month" and prec["1994-05-09"] == "day"
    assert store.read_dataset(engine).model_dump() == load_dataset(mini).model_dump()
    # and the widened columns take a long window (24 characters) on PostgreSQL too
    jef = mini / "arrangements" / "jef.yaml"
    jef.write_text(jef.read_text() + '  - {actor: USA, role: participant, start: "[2014-06-15..2018-12-31]", sources: [pfp-page]}\n')
    store.write_dataset(engine, load_dataset(mini), origin="test")
    (usa,) = [x for x in store.read_dataset(engine).arrangements["jef"].participations if x.actor == "USA"]
    assert str(usa.start) == "[2014-06-15..2018-12-31]" and usa.start.first == dt.date(2014, 6, 15)


# --- panels and exports ------------------------------------------------------------------------------


def test_dyad_years_mark_the_uncertain_window(tq):
    from secnet.research.dyad_facts import secnet_dyad_years

    edit(tq / "arrangements" / "nato.yaml", '{actor: DEU, role: member, start: "1955-05-06"', '{actor: DEU, role: member, start: "[1955-01..1956]"')
    d = secnet_dyad_years(Registry.from_yaml(tq), years=(1955, 2020))

    def row(a, b, year):
        (x,) = d[(d.ccode1 == a) & (d.ccode2 == b) & (d.year == year)].to_dict("records")
        return x

    # West Germany (260) a NATO member "by 1956": the 1955 pledge with the US (2) is counted but marked
    assert (row(2, 260, 1955)["secnet_defence"], row(2, 260, 1955)["secnet_uncertain"]) == (1, 1)
    assert (row(2, 260, 1957)["secnet_defence"], row(2, 260, 1957)["secnet_uncertain"]) == (1, 0)
    assert (row(2, 200, 1955)["secnet_defence"], row(2, 200, 1955)["secnet_uncertain"]) == (1, 0)  # USA-UK: certain
    # the US in JEF "by 2018": sharing the format with the UK (200) is possible from 2014, certain in 2018
    assert (row(2, 200, 2016)["secnet_shared_formats"], row(2, 200, 2016)["secnet_uncertain"]) == (1, 1)
    assert (row(2, 200, 2018)["secnet_shared_formats"], row(2, 200, 2018)["secnet_uncertain"]) == (1, 0)
    # merged onto a COW dyad-year panel the flag comes along; dyad-years without any tie are certain (0)
    from secnet.research.panels import add_secnet, dyad_years

    out = add_secnet(dyad_years(system="cow", directed=True, years=(2016, 2016)), d)
    flag = {(a, b): v for a, b, v in out[["ccode1", "ccode2", "secnet_uncertain"]].itertuples(index=False)}
    assert flag[(2, 200)] == 1 and flag[(2, 640)] == 0


def test_export_marks_participations_inside_the_window(tq, tmp_path):
    import pandas as pd

    from secnet.analytics.export import export

    r = Registry.from_yaml(tq)
    files = export(r, "2016-01-01", tmp_path / "x.csv")
    parts = pd.read_csv(next(f for f in files if f.name == "x.participations.csv"))
    usa = parts[(parts.arrangement_id == "jef") & (parts.actor_id == "USA")].to_dict("records")
    assert [(x["start"], x["start_precision"], x["certain"]) for x in usa] == [("[..2018]", "not_after", False)]
    files = export(r, "2013-06-01", tmp_path / "y.csv")
    parts = pd.read_csv(next(f for f in files if f.name == "y.participations.csv"))
    assert not ((parts.arrangement_id == "jef") & (parts.actor_id == "USA")).any()  # before JEF: not invented


# --- dump and the CLI ---------------------------------------------------------------------------------


def test_dump_round_trips_the_form(tq, tmp_path):
    from secnet.store.dump import dump_dataset

    ds = load_dataset(tq)
    dump_dataset(ds, tmp_path / "out")
    text = (tmp_path / "out" / "arrangements" / "jef.yaml").read_text()
    assert "start: '[..2018]'" in text and "start: '[2015-06..2016]'" in text and "end: '[..2020]'" in text
    assert load_dataset(tmp_path / "out").model_dump() == ds.model_dump()


def test_cli_members_history_and_diff_show_the_precision(tq, run, tmp_path):
    db = str(tmp_path / "cli.sqlite")
    assert run("load", str(tq), "--db", db).code == 0
    res = run("members", "jef", "--at", "2016-01-01", "--db", db)
    assert res.code == 0 and "by 2018" in res.out and "[..2018]" not in res.out
    res = run("members", "jef", "--at", "2016-01-01", "--db", db, "--format", "csv")
    head, *lines = res.out.splitlines()
    assert head == "actor_id,name,role,start,end,start_precision,certain,cow_code,sources"
    assert "USA,United States,participant,[..2018],,not_after,False,2,pfp-page" in lines
    import json

    rows = json.loads(run("members", "jef", "--at", "2013-06-01", "--db", db, "--format", "json").out)
    assert "USA" not in {x["actor_id"] for x in rows}
    rows = json.loads(run("arrangements", "USA", "--at", "2015", "--db", db, "--format", "json").out)
    assert [(x["start"], x["start_precision"], x["certain"]) for x in rows if x["arrangement_id"] == "jef"] == [
        ("[..2018]", "not_after", False)]
    res = run("history", "jef", "--db", db, "--format", "csv")
    assert "[..2018],not_after,joined,USA" in res.out
    assert "by 2018" in run("history", "jef", "--db", db).out
    rows = json.loads(run("diff", "jef", "--from", "2015-01-01", "--to", "2019-01-01", "--db", db, "--format", "json").out)
    assert {x["actor_id"]: x["certain"] for x in rows}["USA"] is False


# --- the API and the web pages -------------------------------------------------------------------------


def test_api_json_and_web_pages_show_the_precision(tq, tmp_path):
    from fastapi.testclient import TestClient

    from secnet.api.app import create_app

    db = f"sqlite:///{tmp_path / 'web.sqlite'}"
    registry.load(tq, db=db)
    client = TestClient(create_app(db))
    rows = client.get("/api/v1/arrangements/jef/members", params={"at": "2016-01-01", "role": "participant"}).json()
    assert {(x["actor_id"], x["start"], x["start_precision"], x["certain"]) for x in rows} == {
        ("USA", "[..2018]", "not_after", False), ("DEU", "[2015-06..2016]", "not_after", False)}
    assert [x for x in client.get("/api/v1/arrangements/jef/members", params={"at": "2013-06-01"}).json()
            if x["actor_id"] == "USA"] == []
    hist = client.get("/api/v1/arrangements/jef/history").json()
    assert {"date": "[..2018]", "precision": "not_after", "label": "by 2018"}.items() <= next(
        e for e in hist if e["actor_id"] == "USA").items()
    page = client.get("/arrangements/jef", params={"at": "2016-01-01"})
    assert page.status_code == 200 and "by 2018" in page.text and "by 2016 (not before 2015-06)" in page.text
    assert ">[..2018]<" not in page.text
    twin = client.get("/arrangements/jef", params={"at": "2016-01-01", "format": "json"}).json()
    usa = next(m for m in twin["members"] if m["actor_id"] == "USA")
    assert (usa["start"], usa["start_precision"], usa["certain"]) == ("[..2018]", "not_after", False)
    # in the list of every participation, "by 2018" sorts at 2018, after Finland's 2017-06
    order = [p["actor_id"] for p in twin["participations"]]
    assert order.index("FIN") < order.index("USA")
    page = client.get("/actors/USA", params={"at": "2016-01-01"})
    assert page.status_code == 200 and "by 2018" in page.text


def test_yearly_counts_say_how_many_are_uncertain(tq):
    from secnet.analytics.timeline import membership_counts

    rows = {x["year"]: (x["members"], x["members_uncertain"]) for x in membership_counts(Registry.from_yaml(tq), "jef", 2013, 2021)}
    # counted on 31 December: GBR (lead since "2014") certain; the US "by 2018" and Germany uncertain in 2016
    assert rows[2016] == (3, 2)
    assert rows[2018] == (5, 1)  # + Finland, Sweden; the US certain now; Germany may have left ("by 2020")
    assert rows[2021] == (4, 0)  # Germany surely gone


def test_team_edit_adds_a_not_after_participation_and_refuses_the_unquoted_list(db_url):
    from secnet.api.auth import create_token
    from tests.test_api import client_for

    with client_for(db_url) as c:
        h = {"Authorization": f"Bearer {create_token(c.app.state.engine, 'eve', 'editor')}"}
        body = {"arrangement": "jef", "actor": "AUT", "role": "participant", "start": "[..2019]", "sources": ["pfp-page"]}
        res = c.post("/api/v1/participations", json=body, headers=h)
        assert res.status_code == 201, res.text
        assert res.json()["start"] == "[..2019]"
        rows = c.get("/api/v1/arrangements/jef/members", params={"at": "2015-01-01"}).json()
        assert [(x["start_precision"], x["certain"]) for x in rows if x["actor_id"] == "AUT"] == [("not_after", False)]
        rows = c.get("/api/v1/arrangements/jef/members", params={"at": "2020-01-01"}).json()
        assert [x["certain"] for x in rows if x["actor_id"] == "AUT"] == [True]
        bad = c.post("/api/v1/participations", json={**body, "actor": "MLT", "start": "[2020..2019]"}, headers=h)
        assert bad.status_code == 422 and "the lower bound 2020 is after the upper bound 2019" in bad.json()["detail"]
        c.app.state.engine.dispose()


def test_partnership_years_count_from_the_bound_not_the_floor(mini):
    from secnet.design.criteria import _partnership_years
    from secnet.model.dates import Window

    edit(mini / "arrangements" / "pfp.yaml", '{actor: AUT, role: partner, start: "1995-02"', '{actor: AUT, role: partner, start: "[..1996]"')
    r = Registry.from_yaml(mini)
    # partner "by 1996": known from 1996-12-31, though the floor (PfP's founding, 1994-01-10) is earlier
    assert _partnership_years(r, ["AUT"], Window.at("2000-01-01")).tolist() == [3.0]
    assert _partnership_years(r, ["AUT"], Window.at("1995-06-01")).tolist() == [0.0]
