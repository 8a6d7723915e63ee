"""Row-level SQL for team edits: one row read, written or deleted under its version, and the edit log.

These run on a connection inside the caller's transaction (see
:mod:`secnet.edits`), which starts with :func:`secnet.store.bump_data_version`
to take the write lock. ``update_row`` and ``delete_row`` check the version in
the same statement (``... WHERE id = ? AND version = ?``), so a stale version
changes nothing even without that lock.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import schema

#: The table behind each kind of record.
TABLES = {
    "source": schema.sources,
    "actor": schema.actors,
    "arrangement": schema.arrangements,
    "participation": schema.participations,
}


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def get_row(conn: Connection, kind: str, ident: str | int) -> dict | None:
    t = TABLES[kind]
    row = conn.execute(sa.select(t).where(t.c.id == ident)).first()
    return None if row is None else dict(row._mapping)


def ids(conn: Connection, kind: str) -> list[str]:
    t = TABLES[kind]
    return [r[0] for r in conn.execute(sa.select(t.c.id))]


def row_version(engine: Engine, kind: str, ident: str | int) -> int | None:
    """The current version of one row (None if there is no such row), read outside any write."""
    t = TABLES[kind]
    with engine.connect() as conn:
        return conn.execute(sa.select(t.c.version).where(t.c.id == ident)).scalar()


def obligations_of(conn: Connection, arrangement_id: str) -> list[dict]:
    t = schema.obligations
    rows = conn.execute(sa.select(t).where(t.c.arrangement_id == arrangement_id).order_by(t.c.position))
    return [{k: v for k, v in r._mapping.items() if k not in ("id", "arrangement_id", "position")} for r in rows]


def participation_rows(conn: Connection, arrangement_id: str) -> list[dict]:
    """An arrangement's participation rows in their stored order (the order of its YAML file)."""
    t = schema.participations
    return [dict(r._mapping) for r in conn.execute(sa.select(t).where(t.c.arrangement_id == arrangement_id).order_by(t.c.position))]


def find_participation(conn: Connection, arrangement_id: str, actor_id: str, role: str, start: str) -> int | None:
    """The id of the participation with this key (``arrangement:actor:role:start``), if any."""
    t = schema.participations
    q = sa.select(t.c.id).where(t.c.arrangement_id == arrangement_id, t.c.actor_id == actor_id, t.c.role == role, t.c.start == start)
    return conn.execute(q).scalar()


def insert_row(conn: Connection, kind: str, values: dict) -> str | int:
    """Insert a row at version 1; returns its id (generated for participations)."""
    t = TABLES[kind]
    result = conn.execute(sa.insert(t).values(**values, version=1).returning(t.c.id))
    return result.scalar_one()


def update_row(conn: Connection, kind: str, ident: str | int, values: dict, *, version: int | None) -> bool:
    """Change a row and bump its version; only if it is still at ``version`` (None: whatever it is)."""
    t = TABLES[kind]
    cond = t.c.id == ident if version is None else sa.and_(t.c.id == ident, t.c.version == version)
    result = conn.execute(sa.update(t).where(cond).values(**values, version=t.c.version + 1))
    return result.rowcount == 1


def delete_row(conn: Connection, kind: str, ident: str | int, *, version: int) -> bool:
    t = TABLES[kind]
    result = conn.execute(sa.delete(t).where(t.c.id == ident, t.c.version == version))
    return result.rowcount == 1


def replace_obligations(conn: Connection, arrangement_id: str, rows: list[dict]) -> None:
    conn.execute(sa.delete(schema.obligations).where(schema.obligations.c.arrangement_id == arrangement_id))
    if rows:
        conn.execute(sa.insert(schema.obligations), rows)


def delete_arrangement_children(conn: Connection, arrangement_id: str) -> None:
    for t in (schema.participations, schema.obligations):
        conn.execute(sa.delete(t).where(t.c.arrangement_id == arrangement_id))


def log_edit(conn: Connection, *, who: str, action: str, entity: str, entity_id: str | int,
             before: dict | None, after: dict | None, data_version: int) -> None:
    conn.execute(sa.insert(schema.edit_log).values(
        at=now(), who=who, action=action, entity=entity, entity_id=str(entity_id),
        before=before, after=after, data_version=data_version,
    ))


def edit_log(engine: Engine, *, entity: str | None = None, entity_id: str | None = None, limit: int = 100) -> list[dict]:
    """The most recent edits first."""
    t = schema.edit_log
    q = sa.select(t).order_by(t.c.id.desc()).limit(limit)
    if entity is not None:
        q = q.where(t.c.entity == entity)
    if entity_id is not None:
        q = q.where(t.c.entity_id == str(entity_id))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


# --- API tokens ------------------------------------------------------------------------------


def add_token(engine: Engine, name: str, role: str, token_hash: str) -> bool:
    """Store a token; False if ``name`` already has a live one. A revoked name may be reused."""
    t = schema.api_tokens
    with engine.begin() as conn:
        old = conn.execute(sa.select(t.c.revoked_at).where(t.c.name == name)).first()
        if old is not None and old.revoked_at is None:
            return False
        if old is not None:
            conn.execute(sa.delete(t).where(t.c.name == name))
        conn.execute(sa.insert(t).values(name=name, role=role, token_hash=token_hash, created_at=now(), revoked_at=None))
    return True


def revoke_token(engine: Engine, name: str) -> bool:
    t = schema.api_tokens
    with engine.begin() as conn:
        result = conn.execute(sa.update(t).where(t.c.name == name, t.c.revoked_at.is_(None)).values(revoked_at=now()))
    return result.rowcount == 1


def tokens(engine: Engine) -> list[dict]:
    """Every token's name, role, creation and revocation time (never the hash)."""
    t = schema.api_tokens
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(t.c.name, t.c.role, t.c.created_at, t.c.revoked_at).order_by(t.c.name))]


def token_by_hash(engine: Engine, token_hash: str) -> dict | None:
    t = schema.api_tokens
    with engine.connect() as conn:
        row = conn.execute(sa.select(t.c.name, t.c.role, t.c.revoked_at).where(t.c.token_hash == token_hash)).first()
    return None if row is None else dict(row._mapping)


def token_by_name(engine: Engine, name: str) -> dict | None:
    """A token's name, role, hash and revocation time (for checking a signed session: see secnet.api.sessions)."""
    t = schema.api_tokens
    with engine.connect() as conn:
        row = conn.execute(sa.select(t.c.name, t.c.role, t.c.token_hash, t.c.revoked_at).where(t.c.name == name)).first()
    return None if row is None else dict(row._mapping)
