"""One schema on SQLite and PostgreSQL; loading is one transaction."""

import os
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

from secnet import registry, store
from secnet.errors import InvalidData, StoreUnavailable
from secnet.ingest.dataset import load_dataset
from secnet.registry import Registry


def test_round_trip(db_url, mini):
    ds = registry.load(mini, db=db_url)
    back = store.read_dataset(store.connect(db_url))
    assert back.model_dump() == ds.model_dump()
    r = Registry.open(db_url)
    assert sorted(x["actor_id"] for x in r.members("nato", at="2024-03-07")) == ["DEU", "FIN", "GBR", "SWE", "USA"]


def test_interval_bounds_are_queryable_in_sql(db_url, mini):
    registry.load(mini, db=db_url)
    engine = store.connect(db_url)
    p = store.schema.participations
    with engine.connect() as conn:
        q = sa.select(p.c.actor_id).where(p.c.arrangement_id == "pfp", p.c.start_last <= sa.func.current_date(),
                                          sa.or_(p.c.end_first.is_(None), p.c.end_first > sa.func.current_date()))
        assert sorted(x[0] for x in conn.execute(q)) == ["AUT", "MLT"]


def test_invalid_dataset_leaves_database_unchanged(db_url, mini):
    registry.load(mini, db=db_url)
    before = store.read_dataset(store.connect(db_url)).model_dump()
    (mini / "arrangements" / "jef.yaml").write_text("id: jef\nname: [broken\n")
    with pytest.raises(InvalidData):
        registry.load(mini, db=db_url)
    assert store.read_dataset(store.connect(db_url)).model_dump() == before


def test_failure_inside_the_transaction_rolls_back(db_url, mini):
    registry.load(mini, db=db_url)
    engine = store.connect(db_url)
    before = store.read_dataset(engine).model_dump()
    ds = load_dataset(mini)
    # A participation whose actor row is missing: the database refuses it half-way through the write.
    broken = ds.model_copy(update={"actors": {k: v for k, v in ds.actors.items() if k != "MLT"}})
    with pytest.raises(sa.exc.IntegrityError):
        store.write_dataset(engine, broken, origin="test")
    assert store.read_dataset(engine).model_dump() == before


def test_kill_during_load_leaves_previous_content(tmp_path, mini):
    url = f"sqlite:///{tmp_path / 'kill.sqlite'}"
    registry.load(mini, db=url)
    before = store.read_dataset(store.connect(url)).model_dump()
    script = textwrap.dedent(f"""
        import os, signal, sqlalchemy as sa
        from secnet import store
        from secnet.ingest.dataset import load_dataset
        engine = store.connect({url!r})
        @sa.event.listens_for(engine, "before_cursor_execute")
        def die(conn, cursor, statement, *a):
            if statement.startswith("INSERT INTO participations"):
                os.kill(os.getpid(), signal.SIGKILL)
        ds = load_dataset({str(mini)!r})
        ds = ds.model_copy(update={{"sources": {{}}}})  # would empty the sources table if it committed
        store.write_dataset(engine, ds, origin="killed")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9
    after = store.read_dataset(store.connect(url)).model_dump()
    assert after == before and after["sources"]


def test_migrations_are_recorded(db_url):
    engine = store.connect(db_url)
    with engine.connect() as conn:
        assert store.current_version(conn) == store.migrations.LATEST


def test_version_2_database_gains_obligation_parties_and_keeps_its_data(db_url, mini):
    """A database written before schema version 3 (no ``obligations.parties``) is migrated in place."""
    engine = store.connect(db_url)
    store.write_dataset(engine, load_dataset(mini), origin="test")
    with engine.begin() as conn:  # turn it back into a version-2 database
        conn.execute(sa.text("ALTER TABLE obligations DROP COLUMN parties"))
        conn.execute(sa.text("UPDATE secnet_meta SET value = '2' WHERE key = 'schema_version'"))
    engine.dispose()
    engine = store.connect(db_url)
    with engine.connect() as conn:
        assert store.current_version(conn) == store.migrations.LATEST
        assert "parties" in {c["name"] for c in sa.inspect(conn).get_columns("obligations")}
    ds = store.read_dataset(engine)
    assert ds.model_dump() == load_dataset(mini).model_dump()
    assert all(o.parties == [] for a in ds.arrangements.values() for o in a.obligations)


@pytest.mark.parametrize("url, fragment", [
    ("/no/such/dir/x.sqlite", "directory /no/such/dir does not exist"),
    ("postgresql://nobody@127.0.0.1:9/none", "cannot open database postgresql+psycopg://nobody@127.0.0.1:9/none"),
    ("notadriver://x", "cannot open database"),
    ("postgresql://u@h:notaport/db", "not a database URL: 'postgresql://u@h:notaport/db'"),
])
def test_unreachable_database_is_one_clear_error(url, fragment):
    with pytest.raises(StoreUnavailable) as e:
        store.connect(url)
    assert fragment in str(e.value) and "\n" not in str(e.value)


def test_environment_variable_may_be_a_plain_sqlite_path(tmp_path, monkeypatch):
    """$SECNET_DATABASE_URL takes a path as --db does; a bad value is named with where it came from."""
    monkeypatch.setenv("SECNET_DATABASE_URL", str(tmp_path / "env.sqlite"))
    assert store.default_url() == f"sqlite:///{tmp_path / 'env.sqlite'}"
    assert Registry.open().origin == "shipped" and (tmp_path / "env.sqlite").exists()
    monkeypatch.setenv("SECNET_DATABASE_URL", "x://a:b")
    with pytest.raises(StoreUnavailable, match=r"not a database URL: 'x://a:b' \(from \$SECNET_DATABASE_URL\)"):
        store.connect()


def test_shipped_dataset_is_loaded_on_first_use(tmp_path):
    url = f"sqlite:///{tmp_path / 'first.sqlite'}"
    r = Registry.open(url)
    assert r.origin == "shipped" and "nato" in r.arrangements


def test_version_4_database_gains_signature_dates_and_keeps_its_data(db_url, mini):
    """A database written before schema version 5 (no ``signed`` columns) is migrated in place; signatures round-trip."""
    (mini / "arrangements" / "nato.yaml").write_text((mini / "arrangements" / "nato.yaml").read_text().replace(
        '{actor: FIN, role: member, start: "2023-04-04",', '{actor: FIN, role: member, start: "2023-04-04", signed: "2022-07-05",'))
    engine = store.connect(db_url)
    store.write_dataset(engine, load_dataset(mini), origin="test")
    with engine.begin() as conn:  # turn it back into a version-4 database
        for table in ("arrangements", "obligations", "participations"):
            conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN signed"))
        conn.execute(sa.text("UPDATE secnet_meta SET value = '4' WHERE key = 'schema_version'"))
    engine.dispose()
    engine = store.connect(db_url)
    with engine.connect() as conn:
        assert store.current_version(conn) == store.migrations.LATEST
        for table in ("arrangements", "obligations", "participations"):
            assert "signed" in {c["name"] for c in sa.inspect(conn).get_columns(table)}
    old = store.read_dataset(engine)
    assert all(p.signed is None for a in old.arrangements.values() for p in a.participations)  # nothing was invented
    store.write_dataset(engine, load_dataset(mini), origin="test", force=True)
    fin = next(p for p in store.read_dataset(engine).arrangements["nato"].participations if p.actor == "FIN" and p.role == "member")
    assert str(fin.signed) == "2022-07-05"
    assert store.read_dataset(engine).model_dump() == load_dataset(mini).model_dump()
