"""The database schema (SQLAlchemy Core), one for SQLite and PostgreSQL.

Participations keep their dates as written (``start``/``end``, with their
precision in ``start_precision``/``end_precision``: ``day``, ``month``, ``year``
or ``not_after`` for a terminus ante quem such as ``[..2014]``) and as day bounds
(``start_first`` ... ``end_last``) so that SQL users can query intervals directly:
for ``[..2014]`` ``start_first`` is the arrangement's founding (or the written lower
bound) and ``start_last`` 2014-12-31. Lists (aliases, source ids, ...) are JSON.
``version`` columns support optimistic locking for edits.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

meta = Table(
    "secnet_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("title", Text, nullable=False),
    Column("publisher", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("url", Text),
    Column("copy_of", Text),  # schema version 4: the original's URL for a web-archive copy
    Column("date", String(10)),
    Column("supports", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
)

actors = Table(
    "actors",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("cow", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
    Column("capabilities", JSON, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
)

arrangements = Table(
    "arrangements",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("relation", String(32), nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("parent", String(100)),
    Column("founded", String(10), nullable=False),
    Column("ended", String(10)),
    Column("signed", String(10)),  # schema version 5: the founding instrument's signature, if before "founded"
    Column("founded_sources", JSON, nullable=False),
    Column("issue_areas", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("url", Text),
    Column("note", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
)

obligations = Table(
    "obligations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("arrangement_id", String(100), ForeignKey("arrangements.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("type", String(32), nullable=False),
    Column("binding", Boolean, nullable=False),
    Column("from_role", String(32), nullable=False),
    Column("to_role", String(32), nullable=False),
    Column("parties", JSON),  # schema version 3; NULL in rows written before it: everyone
    Column("article", Text, nullable=False, default=""),
    Column("start", String(10)),
    Column("end", String(10)),
    Column("signed", String(10)),  # schema version 5: signature of the instrument that added it
    Column("sources", JSON, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

participations = Table(
    "participations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("arrangement_id", String(100), ForeignKey("arrangements.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("actor_id", String(100), ForeignKey("actors.id"), nullable=False, index=True),
    Column("role", String(32), nullable=False),
    # As written: "2014", "2014-04", "2014-04-24", or "not later than" "[..2014]" / "[2007-06..2014-12-31]"
    # (schema version 4 widened these from 10 characters and added the precision columns).
    Column("start", String(32), nullable=False),
    Column("end", String(32)),
    Column("start_precision", String(16)),  # day | month | year | not_after; schema version 4
    Column("end_precision", String(16)),
    Column("start_first", Date, nullable=False),
    Column("start_last", Date, nullable=False),
    Column("end_first", Date),
    Column("end_last", Date),
    Column("signed", String(10)),  # schema version 5: signature of the instrument binding the actor, if known
    Column("sources", JSON, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
)

#: Tables created by schema version 1, in dependency order.
V1_TABLES = [meta, sources, actors, arrangements, obligations, participations]

# --- schema version 2: team edits ------------------------------------------------------------

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(16), nullable=False),
    # sha256 of the token: tokens are 256 random bits, so a slow password hash adds nothing.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

edit_log = Table(
    "edit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("who", String(100), nullable=False),
    Column("action", String(16), nullable=False),
    Column("entity", String(16), nullable=False),
    Column("entity_id", String(200), nullable=False, index=True),
    Column("before", JSON),
    Column("after", JSON),
    Column("data_version", Integer, nullable=False),
)

#: Tables created by schema version 2.
V2_TABLES = [api_tokens, edit_log]
