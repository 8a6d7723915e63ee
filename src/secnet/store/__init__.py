"""The only place that speaks SQL: connecting, migrating, writing and reading a dataset.

``connect(url)`` accepts a SQLAlchemy URL (``sqlite:///file.db``,
``postgresql://user@host:port/db``), a plain file path (SQLite), or nothing: then
``$SECNET_DATABASE_URL``, else a SQLite file in the user data directory.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import nullcontext
from pathlib import Path

import sqlalchemy as sa
from platformdirs import user_data_dir
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from ..errors import StoreUnavailable, UnsavedEdits
from ..model.dates import bounds, precision
from ..model.entities import Actor, Arrangement, Dataset, Participation, Source
from . import schema
from .migrations import current_version, migrate

__all__ = ["connect", "default_url", "migrate", "current_version", "write_dataset", "read_dataset", "get_meta", "is_empty",
           "data_version", "bump_data_version", "set_meta", "edits_since_load", "mark_dumped", "read_records", "edits_after"]


def default_url() -> str:
    """``$SECNET_DATABASE_URL`` (a URL or a SQLite path) or the SQLite file in the user data directory."""
    return _normalise(None)[0]


def _normalise(url: str | None) -> tuple[str, bool, str]:
    """A full SQLAlchemy URL, whether it is the built-in default, and what it was given as.

    A plain path (no ``scheme://``) is a SQLite file, from ``--db`` or from
    ``$SECNET_DATABASE_URL`` alike; ``postgresql://`` uses the psycopg 3 driver.
    """
    given = f"'{url}'"
    if not url:
        url = os.environ.get("SECNET_DATABASE_URL")
        if not url:
            return f"sqlite:///{Path(user_data_dir('secnet')) / 'secnet.sqlite'}", True, "the default database"
        given = f"'{url}' (from $SECNET_DATABASE_URL)"
    if "\0" in url:
        raise StoreUnavailable(f"not a database URL or path: {given} holds a NUL character")
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}", False, given
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url, False, given


def _safe(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


def connect(url: str | None = None) -> Engine:
    """Open (and migrate) the database; one clear :class:`StoreUnavailable` if that fails."""
    full, is_default, given = _normalise(url)
    try:
        parsed = make_url(full)
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise StoreUnavailable(f"not a database URL: {given}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if is_default:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise StoreUnavailable(f"cannot open database {_safe(parsed)}: directory {path.parent} does not exist")
    try:
        engine = sa.create_engine(parsed, future=True, pool_pre_ping=True)
    except (ArgumentError, ImportError, SQLAlchemyError) as e:
        raise StoreUnavailable(f"cannot open database {_safe(parsed)}: {e}") from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except DBAPIError as e:
        detail = str(e.orig).strip().splitlines()[0] if e.orig else str(e)
        raise StoreUnavailable(f"cannot open database {_safe(parsed)}: {detail}") from None
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def get_meta(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {r.key: r.value for r in conn.execute(sa.select(schema.meta))}


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(schema.arrangements)).scalar_one() == 0


def set_meta(conn: Connection, values: dict[str, str]) -> None:
    for key, value in values.items():
        conn.execute(sa.delete(schema.meta).where(schema.meta.c.key == key))
        conn.execute(sa.insert(schema.meta).values(key=key, value=value))


def source_row(s: Source) -> dict:
    """A source as a ``sources`` row (without ``version``)."""
    return {**s.model_dump(mode="json", exclude={"date"}), "date": None if s.date is None else str(s.date)}


def actor_row(a: Actor) -> dict:
    return a.model_dump(mode="json")


def arrangement_row(arr: Arrangement) -> dict:
    """An arrangement's own row; obligations and participations have their own tables."""
    return arr.model_dump(mode="json", exclude={"obligations", "participations"})


def obligation_rows(arr: Arrangement) -> list[dict]:
    return [{**ob.model_dump(mode="json"), "arrangement_id": arr.id, "position": i} for i, ob in enumerate(arr.obligations)]


def participation_row(p: Participation, arrangement_id: str, position: int) -> dict:
    """A participation as a row, with its dates as written and as day bounds (without ``id``/``version``)."""
    s0, s1, e0, e1 = bounds(p.start, p.end)
    return {
        "arrangement_id": arrangement_id,
        "position": position,
        "actor_id": p.actor,
        "role": p.role,
        "start": str(p.start),
        "end": None if p.end is None else str(p.end),
        "start_precision": p.start.precision,
        "end_precision": precision(p.end),
        "start_first": dt.date.fromordinal(s0),
        "start_last": dt.date.fromordinal(s1),
        "end_first": None if p.end is None else dt.date.fromordinal(e0),
        "end_last": None if p.end is None else dt.date.fromordinal(e1),
        "signed": None if p.signed is None else str(p.signed),
        "sources": list(p.sources),
        "note": p.note,
    }


def write_dataset(engine: Engine, ds: Dataset, *, origin: str, digest: str = "", force: bool = False) -> None:
    """Replace the database's content with ``ds`` in one transaction.

    A failure (or a killed process) part-way leaves the previous content intact.
    Bumps ``data_version`` so that running servers reload. A database with
    team edits since its last load or dump (:func:`edits_since_load`) is
    refused with :class:`~secnet.errors.UnsavedEdits`, unchanged, unless ``force``.
    """
    src_rows = [{**source_row(s), "version": 1} for s in ds.sources.values()]
    actor_rows = [{**actor_row(a), "version": 1} for a in ds.actors.values()]
    arr_rows, ob_rows, part_rows = [], [], []
    for arr in ds.arrangements.values():
        arr_rows.append({**arrangement_row(arr), "version": 1})
        ob_rows.extend(obligation_rows(arr))
        part_rows.extend({**participation_row(p, arr.id, i), "version": 1} for i, p in enumerate(arr.participations))
    with engine.begin() as conn:
        version = bump_data_version(conn)  # first: takes the write lock, so a load and an edit never interleave
        unsaved = 0 if force else edits_since_load(conn)
        if unsaved:
            edits = "1 edit" if unsaved == 1 else f"{unsaved} edits"
            raise UnsavedEdits(f"the database holds {edits} made since the last load, which loading would discard: "
                               "run 'secnet dump DIR' to keep them in YAML first, or 'secnet load --force' to discard them")
        for table in (schema.participations, schema.obligations, schema.arrangements, schema.actors, schema.sources):
            conn.execute(sa.delete(table))
        for table, rows in (
            (schema.sources, src_rows),
            (schema.actors, actor_rows),
            (schema.arrangements, arr_rows),
            (schema.obligations, ob_rows),
            (schema.participations, part_rows),
        ):
            if rows:
                conn.execute(sa.insert(table), rows)
        set_meta(conn, {"origin": origin, "digest": digest, "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "loaded_version": str(version)})


def edits_since_load(bind: Engine | Connection) -> int:
    """How many edits (``edit_log`` rows) the database holds that neither its last load nor a later dump kept.

    An edit is kept once a load replaced it or ``secnet dump`` wrote it to YAML
    (:func:`mark_dumped`). Counted by ``data_version``; a database loaded before
    ``loaded_version`` was recorded is compared by time instead.
    """
    with _connection(bind) as conn:
        meta = {r.key: r.value for r in conn.execute(sa.select(schema.meta))}
        log = schema.edit_log
        q = sa.select(sa.func.count()).select_from(log)
        kept = max(int(meta.get("loaded_version") or 0), int(meta.get("dumped_version") or 0))
        if kept:
            q = q.where(log.c.data_version > kept)
        elif meta.get("loaded_at"):
            q = q.where(log.c.at > meta["loaded_at"])
        return conn.execute(q).scalar_one()


def edits_after(bind: Engine | Connection, version: int) -> list[dict]:
    """What each write after ``data_version`` ``version`` touched, oldest first: its ``data_version``,
    ``entity`` (source, actor, arrangement, participation), ``entity_id`` and, for a participation, its
    ``arrangement``. A write that left no ``edit_log`` row (a load) shows as a gap in the versions."""
    log = schema.edit_log
    with _connection(bind) as conn:
        found = conn.execute(sa.select(log.c.data_version, log.c.entity, log.c.entity_id, log.c.before, log.c.after)
                             .where(log.c.data_version > version).order_by(log.c.data_version))
        return [{"data_version": r.data_version, "entity": r.entity, "entity_id": r.entity_id,
                 "arrangement": (r.after or r.before or {}).get("arrangement")} for r in found]


def mark_dumped(engine: Engine, version: int) -> None:
    """Record that the content at ``data_version`` ``version`` was dumped to YAML: a load may now replace it."""
    with engine.begin() as conn:
        set_meta(conn, {"dumped_version": str(version)})


def bump_data_version(conn: Connection) -> int:
    """Add one to ``data_version`` and return it.

    As the first statement of a write transaction this also takes the write
    lock: SQLite's RESERVED lock, PostgreSQL's row lock on the counter. Writers
    are serialised, so a write validated against the data it read cannot be
    undone by another write committed in between.
    """
    key = schema.meta.c.key == "data_version"
    bumped = conn.execute(
        sa.update(schema.meta).where(key).values(value=sa.cast(sa.cast(schema.meta.c.value, sa.Integer) + 1, sa.Text))
    )
    if bumped.rowcount == 0:
        conn.execute(sa.insert(schema.meta).values(key="data_version", value="1"))
    return int(conn.execute(sa.select(schema.meta.c.value).where(key)).scalar_one())


def data_version(engine: Engine) -> int:
    """How many writes the database has seen: a server reloads its registry when this changes."""
    with engine.connect() as conn:
        value = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "data_version")).scalar()
    return int(value or 0)


def _connection(bind: Engine | Connection):
    return nullcontext(bind) if isinstance(bind, Connection) else bind.connect()


def read_dataset(bind: Engine | Connection) -> Dataset:
    """The database's content as a :class:`Dataset` (``bind`` may be a connection inside a transaction)."""
    return read_records(bind)


def read_records(bind: Engine | Connection, *, sources: set[str] | None = None, actors: set[str] | None = None,
                 arrangements: set[str] | None = None) -> Dataset:
    """Some records as a (partial) :class:`Dataset`: the sources, actors and arrangements with the ids given
    (``None``: all of them; an arrangement comes with its obligations and participations).

    An id given but absent from the result was deleted; a server applies an
    edit to its registry this way instead of reading the whole database.
    """
    def rows(table, ids, *order):
        q = sa.select(table).order_by(*order)
        if ids is not None:
            if not ids:
                return []
            q = q.where((table.c.id if table.name in ("sources", "actors", "arrangements") else table.c.arrangement_id).in_(sorted(ids)))
        return [dict(r._mapping) for r in conn.execute(q)]

    with _connection(bind) as conn:
        srcs = rows(schema.sources, sources)
        acts = rows(schema.actors, actors)
        arrs = rows(schema.arrangements, arrangements)
        obs = rows(schema.obligations, arrangements, schema.obligations.c.arrangement_id, schema.obligations.c.position)
        parts = rows(schema.participations, arrangements, schema.participations.c.arrangement_id, schema.participations.c.position)
    by_arr_obs: dict[str, list] = {}
    for o in obs:
        o["parties"] = o.get("parties") or []
        by_arr_obs.setdefault(o.pop("arrangement_id"), []).append({k: v for k, v in o.items() if k not in ("id", "position")})
    by_arr_parts: dict[str, list] = {}
    for p in parts:
        aid = p["arrangement_id"]
        by_arr_parts.setdefault(aid, []).append(
            {"actor": p["actor_id"], "arrangement": aid, "role": p["role"], "start": p["start"], "end": p["end"],
             "signed": p.get("signed"), "sources": p["sources"], "note": p["note"]}
        )
    sources = {s["id"]: Source.model_validate({k: v for k, v in s.items() if k != "version"}) for s in srcs}
    actors = {a["id"]: Actor.model_validate({k: v for k, v in a.items() if k != "version"}) for a in acts}
    arrangements = {}
    for a in arrs:
        d = {k: v for k, v in a.items() if k != "version"}
        d["obligations"] = by_arr_obs.get(a["id"], [])
        d["participations"] = by_arr_parts.get(a["id"], [])
        arrangements[a["id"]] = Arrangement.model_validate(d)
    return Dataset.model_construct(sources=sources, actors=actors, arrangements=arrangements)
