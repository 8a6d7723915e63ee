"""A small, explicit migration scheme.

``secnet_meta.schema_version`` records the version a database is at. Each entry
of :data:`MIGRATIONS` takes it one step further inside its own transaction, so a
database is never left between versions. Add a step; never edit an old one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import schema


def _v1(conn: Connection) -> None:
    """Sources, actors, arrangements, obligations, participations."""
    schema.metadata.create_all(conn, tables=schema.V1_TABLES)


def _v2(conn: Connection) -> None:
    """API tokens, the edit log, and ``data_version`` (bumped by every write, so servers know to reload)."""
    schema.metadata.create_all(conn, tables=schema.V2_TABLES)
    if conn.execute(sa.select(schema.meta.c.key).where(schema.meta.c.key == "data_version")).first() is None:
        conn.execute(sa.insert(schema.meta).values(key="data_version", value="0"))


def _v3(conn: Connection) -> None:
    """``obligations.parties``: obligations that hold between some of an arrangement's parties only.

    A database created at this version already has the column (version 1 creates
    the tables as they are defined now); an older one gets it added, NULL = everyone.
    """
    if "parties" not in {c["name"] for c in sa.inspect(conn).get_columns(schema.obligations.name)}:
        conn.execute(sa.text("ALTER TABLE obligations ADD COLUMN parties JSON"))


def _v4(conn: Connection) -> None:
    """"Not later than" dates (``[..2014]``, ``[2007-06..2014]``) for participations.

    ``start``/``end`` grow from 10 to 32 characters (PostgreSQL enforces the
    length; SQLite does not, so there is nothing to alter there), and
    ``start_precision``/``end_precision`` are added and filled from the dates as
    written. Rows written before this version hold only plain dates.
    ``sources.copy_of`` is added too (NULL: the source is no copy).
    """
    from ..model.dates import precision, parse_start

    if "copy_of" not in {c["name"] for c in sa.inspect(conn).get_columns(schema.sources.name)}:
        conn.execute(sa.text("ALTER TABLE sources ADD COLUMN copy_of TEXT"))  # a web-archive copy's original
    t = schema.participations.name
    have = {c["name"] for c in sa.inspect(conn).get_columns(t)}
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(f'ALTER TABLE {t} ALTER COLUMN "start" TYPE VARCHAR(32)'))
        conn.execute(sa.text(f'ALTER TABLE {t} ALTER COLUMN "end" TYPE VARCHAR(32)'))
    for col in ("start_precision", "end_precision"):
        if col not in have:
            conn.execute(sa.text(f"ALTER TABLE {t} ADD COLUMN {col} VARCHAR(16)"))
    p = schema.participations
    rows = conn.execute(sa.select(p.c.id, p.c.start, p.c.end).where(p.c.start_precision.is_(None))).all()
    for ident, start, end in rows:
        conn.execute(sa.update(p).where(p.c.id == ident).values(
            start_precision=precision(parse_start(start)), end_precision=None if end is None else precision(parse_start(end))))


def _v5(conn: Connection) -> None:
    """``signed``: the signature date of the instrument behind an arrangement, obligation or participation.

    Nullable text columns (a date as written, any precision) on ``arrangements``,
    ``obligations`` and ``participations``; NULL in rows written before: not recorded.
    A database created at this version already has them.
    """
    for table in (schema.arrangements, schema.obligations, schema.participations):
        if "signed" not in {c["name"] for c in sa.inspect(conn).get_columns(table.name)}:
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN signed VARCHAR(10)"))


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _v1),
    (2, _v2),
    (3, _v3),
    (4, _v4),
    (5, _v5),
]

LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table(schema.meta.name):
        return 0
    row = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def migrate(engine: Engine) -> int:
    """Bring the schema to the latest version; returns it."""
    with engine.connect() as conn:
        version = current_version(conn)
    for target, step in MIGRATIONS:
        if target <= version:
            continue
        with engine.begin() as conn:
            step(conn)
            conn.execute(sa.delete(schema.meta).where(schema.meta.c.key == "schema_version"))
            conn.execute(sa.insert(schema.meta).values(key="schema_version", value=str(target)))
        version = target
    return version
