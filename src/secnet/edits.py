"""Team edits: create, change and delete sources, actors, arrangements and participations.

Every write

- is checked like the YAML: the would-be dataset is built in memory and must
  pass the entity models and every rule of :mod:`secnet.model.rules`, else
  :class:`~secnet.errors.InvalidData` lists every problem and nothing changes
  (starting from a dataset known to pass, only the records the write changes
  and those that refer to them are looked at: the same problems, in the same
  order, at a fraction of the cost);
- is versioned: changing or deleting a record needs the ``version`` it was read
  at (the ETag in the API). None raises :class:`VersionRequired`, a stale one
  :class:`StaleVersion`; there are no lost updates;
- is one transaction that first takes the database's write lock by bumping
  ``data_version`` (:func:`secnet.store.bump_data_version`), so writers are
  serialised, and the version check and the change are one statement
  (``UPDATE ... WHERE id = ? AND version = ?``);
- is logged in ``edit_log``: who, when, the record before and after;
- marks the database ``origin: edited``, so the automatic refresh from the
  shipped dataset (:meth:`secnet.registry.Registry.open`) never overwrites it;
- tells ``committed`` (if given), after the commit, the whole dataset it left:
  a server swaps that in without reading the records back.

Records are plain dicts (the API's JSON): a source, actor or arrangement with
the fields of its YAML plus ``version`` (an arrangement with its obligations,
not its participations); a participation with the store's ``id``, its
``arrangement``, ``actor``, ``role``, ``start``, ``end``, ``sources``, ``note``
and ``version``. Ids cannot change, and a participation cannot move to another
arrangement (delete it and create a new one). Participation ids are stable
across edits; ``secnet load`` replaces every row and so gives new ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Connection, Engine

from . import store
from .errors import Conflict, InvalidData, SecnetError, UnknownActor, UnknownArrangement, UnknownId, UnknownSource
from .ingest.dataset import resolve_participations  # the loader's own rule: open ends close with the arrangement
from .model import rules
from .model.entities import Actor, Arrangement, Dataset, Participation, Source
from .store import rows

KINDS = ("source", "actor", "arrangement", "participation")
MODELS: dict[str, type[BaseModel]] = {"source": Source, "actor": Actor, "arrangement": Arrangement, "participation": Participation}


class StaleVersion(Conflict):
    """The record changed since it was read: read it again and redo the change."""

    status = 412


class VersionRequired(SecnetError):
    """A change or deletion that does not say which version of the record it was based on."""

    status = 428


class UnknownParticipation(UnknownId):
    what = "participation"


#: Gives the dataset at a ``data_version`` if the caller holds it *and* it is known to pass every rule of
#: :mod:`secnet.model.rules`, else None (see ``_dataset``): a write from it checks only what it changes.
Base = Callable[[int], Dataset | None] | None
#: Told after the commit the ``data_version`` a write made and the whole dataset it left, which passes every rule
#: (a server swaps it in without reading the records back: :meth:`secnet.api.deps.LiveRegistry.committed`).
Committed = Callable[[int, Dataset], None] | None
#: The ``origin`` an edited database carries (``meta``): :meth:`secnet.registry.Registry.open` never overwrites it.
EDITED = "edited"

_UNKNOWN = {"source": UnknownSource, "actor": UnknownActor, "arrangement": UnknownArrangement,
            "participation": UnknownParticipation}


# --- reading ------------------------------------------------------------------------------------


def get(engine: Engine, kind: str, ident: str | int) -> dict:
    """One record with its ``version``."""
    with engine.connect() as conn:
        return _get(conn, _kind(kind), ident)


def participations(engine: Engine, arrangement: str) -> list[dict]:
    """Every participation of an arrangement (past and present) as records, with their ids and versions."""
    with engine.connect() as conn:
        _get(conn, "arrangement", arrangement)
        return [_participation_record(r) for r in rows.participation_rows(conn, arrangement)]


def log(engine: Engine, *, entity: str | None = None, entity_id: str | None = None, limit: int = 100) -> list[dict]:
    """The edit log, newest first: who changed what, when, and the record before and after."""
    if entity is not None:
        _kind(entity)
    return rows.edit_log(engine, entity=entity, entity_id=entity_id, limit=limit)


# --- writing ------------------------------------------------------------------------------------


def create(engine: Engine, kind: str, data: dict[str, Any], *, who: str, base: Base = None,
           committed: Committed = None) -> dict:
    """Add a record; returns it at version 1. A participation names its ``arrangement``."""
    kind = _kind(kind)
    with engine.begin() as conn:
        data_version = store.bump_data_version(conn)
        ds, checked = _dataset(conn, data_version, base)
        if kind == "participation":
            ident, result = _add_participation(conn, ds, data, checked)
        else:
            ident, result = _add_record(conn, ds, kind, data, checked)
        after = _get(conn, kind, ident)
        _finish(conn, who, "create", kind, ident, None, after, data_version)
    if committed is not None:
        committed(data_version, result)
    return after


def _add_participation(conn: Connection, ds: Dataset, data: dict, checked: bool) -> tuple[int, Dataset]:
    arr_id = data.get("arrangement")
    if arr_id not in ds.arrangements:
        raise InvalidData(f"participation: {_missing_arrangement(arr_id, ds)}")
    p = _model(Participation, data, f"participation in {arr_id}")
    old = ds.arrangements[arr_id]
    new = resolve_participations(old.model_copy(update={"participations": [*old.participations, p]}))
    result = _validate(ds, _with(ds, "arrangement", arr_id, new), checked)
    existing = rows.participation_rows(conn, arr_id)
    position = max((r["position"] for r in existing), default=-1) + 1
    ident = rows.insert_row(conn, "participation", store.participation_row(new.participations[-1], arr_id, position))
    _sync_participations(conn, existing, old, new)
    return ident, result


def _add_record(conn: Connection, ds: Dataset, kind: str, data: dict, checked: bool) -> tuple[str, Dataset]:
    if kind == "arrangement" and data.get("participations"):
        raise InvalidData("arrangement: add participations one by one (POST /participations), after the arrangement")
    obj = _model(MODELS[kind], {k: v for k, v in data.items() if k != "participations"}, f"{kind} {data.get('id', '?')}")
    if obj.id in _collection(ds, kind):
        raise Conflict(f"{kind} '{obj.id}' already exists")
    _check_id(kind, obj.id)
    if kind == "arrangement":
        obj = resolve_participations(obj)
    result = _validate(ds, _with(ds, kind, obj.id, obj), checked)
    rows.insert_row(conn, kind, _row(kind, obj))
    if kind == "arrangement":
        rows.replace_obligations(conn, obj.id, store.obligation_rows(obj))
    return obj.id, result


def update(engine: Engine, kind: str, ident: str | int, changes: dict[str, Any], *, version: int | None, who: str,
           base: Base = None, committed: Committed = None) -> dict:
    """Change some fields of a record read at ``version``; returns the record at its new version."""
    kind = _kind(kind)
    _precheck(engine, kind, ident, version)
    with engine.begin() as conn:
        data_version = store.bump_data_version(conn)
        before = _get(conn, kind, ident)
        _same_version(kind, ident, before["version"], version)
        fixed = ("id", "arrangement") if kind == "participation" else ("id",)
        for key in fixed:
            if key in changes and str(changes[key]) != str(before[key]):
                raise InvalidData(f"{kind} {ident}: {key} cannot change (delete the record and create a new one)")
        drop = {"version", "id"} if kind == "participation" else {"version", "participations"}
        merged = {k: v for k, v in {**before, **changes}.items() if k not in drop}
        ds, checked = _dataset(conn, data_version, base)
        if kind == "participation":
            result = _change_participation(conn, ds, before, merged, version, checked)
        else:
            result = _change_record(conn, ds, kind, before["id"], merged, version, checked)
        after = _get(conn, kind, before["id"])
        _finish(conn, who, "update", kind, before["id"], before, after, data_version)
    if committed is not None:
        committed(data_version, result)
    return after


def _change_participation(conn: Connection, ds: Dataset, before: dict, merged: dict, version: int, checked: bool) -> Dataset:
    arr_id = before["arrangement"]
    existing = rows.participation_rows(conn, arr_id)
    i = [r["id"] for r in existing].index(before["id"])
    old = ds.arrangements[arr_id]
    parts = list(old.participations)
    parts[i] = _model(Participation, merged, f"participation {before['id']}")
    new = resolve_participations(old.model_copy(update={"participations": parts}))
    result = _validate(ds, _with(ds, "arrangement", arr_id, new), checked)
    if not rows.update_row(conn, "participation", before["id"], _participation_values(new.participations[i], existing[i]),
                           version=version):
        raise StaleVersion(f"participation {before['id']} changed since version {version}")
    _sync_participations(conn, existing, old, new, skip={i})
    return result


def _change_record(conn: Connection, ds: Dataset, kind: str, ident: str, merged: dict, version: int, checked: bool) -> Dataset:
    obj = _model(MODELS[kind], merged, f"{kind} {ident}")
    if kind == "arrangement":
        obj = resolve_participations(obj.model_copy(update={"participations": ds.arrangements[ident].participations}))
    result = _validate(ds, _with(ds, kind, ident, obj), checked)
    if not rows.update_row(conn, kind, ident, {k: v for k, v in _row(kind, obj).items() if k != "id"}, version=version):
        raise StaleVersion(f"{kind} {ident} changed since version {version}")
    if kind == "arrangement":
        rows.replace_obligations(conn, ident, store.obligation_rows(obj))
        _sync_participations(conn, rows.participation_rows(conn, ident), ds.arrangements[ident], obj)
    return result


def delete(engine: Engine, kind: str, ident: str | int, *, version: int | None, who: str, base: Base = None,
           committed: Committed = None) -> dict:
    """Delete a record read at ``version`` (an arrangement with its participations); returns what was deleted.

    Refused (:class:`InvalidData`) while anything refers to it: an actor with
    participations, a source that a fact cites, a parent arrangement.
    """
    kind = _kind(kind)
    _precheck(engine, kind, ident, version)
    with engine.begin() as conn:
        data_version = store.bump_data_version(conn)
        before = _get(conn, kind, ident)
        _same_version(kind, ident, before["version"], version)
        ds, checked = _dataset(conn, data_version, base)
        if kind == "participation":
            arr_id = before["arrangement"]
            existing = rows.participation_rows(conn, arr_id)
            i = [r["id"] for r in existing].index(before["id"])
            old = ds.arrangements[arr_id]
            new = old.model_copy(update={"participations": [p for j, p in enumerate(old.participations) if j != i]})
            result = _validate(ds, _with(ds, "arrangement", arr_id, new), checked)
        else:
            result = _validate(ds, _with(ds, kind, ident, None), checked)
            if kind == "arrangement":
                rows.delete_arrangement_children(conn, ident)
        if not rows.delete_row(conn, kind, before["id"], version=version):
            raise StaleVersion(f"{kind} {ident} changed since version {version}")
        _finish(conn, who, "delete", kind, before["id"], before, None, data_version)
    if committed is not None:
        committed(data_version, result)
    return before


# --- the pieces ---------------------------------------------------------------------------------


def _dataset(conn: Connection, data_version: int, base: Base) -> tuple[Dataset, bool]:
    """The content this write starts from, and whether it is known to pass every rule: ``base(data_version - 1)``
    when it has it (known to pass), else read in full (not known: the write's result is checked in full).

    The write holds the write lock and its bump gave ``data_version``, so the
    content before it is the one at ``data_version - 1``: a server that serves
    exactly that version (:meth:`secnet.api.deps.LiveRegistry.dataset_at`)
    spares the read of the whole database and the check of every record.
    """
    ds = base(data_version - 1) if base is not None else None
    return (ds, True) if ds is not None else (store.read_dataset(conn), False)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidData(f"unknown kind of record '{kind}' (use {', '.join(KINDS)})")
    return kind


def participation_id(conn: Connection, ident: str | int) -> int:
    """A participation's store id, from the id itself or its key ``arrangement:actor:role:start``."""
    text = str(ident)
    if text.isascii() and text.isdigit():  # not "¹" or "٣": str.isdigit() takes any Unicode digit
        if not 0 < int(text) < 2**31:  # the column is a 32-bit integer on PostgreSQL
            raise UnknownParticipation(text)
        return int(text)
    found = rows.find_participation(conn, *text.split(":", 3)) if text.count(":") >= 3 else None
    if found is None:
        raise UnknownParticipation(text)
    return found


def _get(conn: Connection, kind: str, ident: str | int) -> dict:
    if kind == "participation":
        ident = participation_id(conn, ident)
    row = rows.get_row(conn, kind, ident)
    if row is None:
        raise _UNKNOWN[kind](str(ident), _known_ids(conn, kind))
    if kind == "participation":
        return _participation_record(row)
    if kind == "arrangement":
        return {**row, "obligations": rows.obligations_of(conn, row["id"])}
    return row


def _known_ids(conn: Connection, kind: str) -> list[str]:
    if kind == "participation":
        return []  # numbers: a suggestion would mislead
    return rows.ids(conn, kind)


def _participation_record(row: dict) -> dict:
    return {"id": row["id"], "arrangement": row["arrangement_id"], "actor": row["actor_id"], "role": row["role"],
            "start": row["start"], "end": row["end"], "signed": row.get("signed"), "sources": row["sources"], "note": row["note"], "version": row["version"]}


def _participation_values(p: Participation, old_row: dict) -> dict:
    values = store.participation_row(p, old_row["arrangement_id"], old_row["position"])
    return {k: v for k, v in values.items() if k not in ("arrangement_id", "position")}


def _precheck(engine: Engine, kind: str, ident: str | int, version: int | None) -> None:
    """Refuse a missing or already-stale version before queueing for the write lock."""
    if version is None:
        raise VersionRequired(f"changing or deleting {kind} {ident} needs the version it was read at "
                              "(If-Match: the ETag of a GET)")
    if kind == "participation":
        with engine.connect() as conn:
            ident = participation_id(conn, ident)
    current = rows.row_version(engine, kind, ident)
    if current is not None:
        _same_version(kind, ident, current, version)


def _same_version(kind: str, ident, current: int, version: int) -> None:
    if current != version:
        raise StaleVersion(f"{kind} {ident} is at version {current}, not {version}: read it again and redo the change")


def _model(model: type[BaseModel], data: dict, entry: str):
    nul = [k for k, v in data.items() if _has_nul(v)]
    if nul:  # PostgreSQL cannot store them, and no fact needs them
        raise InvalidData([f"{entry}: {k}: NUL characters are not allowed" for k in nul])
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise InvalidData([_pydantic_problem(entry, err) for err in e.errors()]) from None


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    return isinstance(value, list) and any(_has_nul(v) for v in value)


def _pydantic_problem(entry: str, err: dict) -> str:
    """One model error in the loader's words: ``entry: field: rule``."""
    field = ".".join(str(p) for p in err["loc"]) or "entry"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "required field is missing"
    elif err["type"] == "extra_forbidden":
        msg = "unknown field"
    return f"{entry}: {field}: {msg}"


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _check_id(kind: str, ident: str) -> None:
    """Ids appear in URLs and file names: ASCII letters, digits, ``.``, ``_`` and ``-``, as every shipped id is."""
    if not _ID.fullmatch(ident):
        raise InvalidData(f"{kind} '{ident}': an id is 1-100 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit")


def _missing_arrangement(arr_id: Any, ds: Dataset) -> str:
    if not arr_id:
        return "arrangement: required field is missing"
    return str(UnknownArrangement(str(arr_id), ds.arrangements))


def _collection(ds: Dataset, kind: str) -> dict:
    return {"source": ds.sources, "actor": ds.actors, "arrangement": ds.arrangements}[kind]


def _with(ds: Dataset, kind: str, ident: str, obj: BaseModel | None) -> Dataset:
    """``ds`` with one source, actor or arrangement replaced, added or (``obj=None``) removed."""
    parts = {"sources": dict(ds.sources), "actors": dict(ds.actors), "arrangements": dict(ds.arrangements)}
    target = parts[kind + "s"]
    if obj is None:
        target.pop(ident, None)
    else:
        target[ident] = obj
    return Dataset.model_construct(**parts)


def _validate(before: Dataset, after: Dataset, checked: bool) -> Dataset:
    """``after``, refused if it breaks a rule, listing every problem. Where ``before`` is ``checked`` (known to
    pass) only what the write changed is looked at (:func:`~secnet.model.rules.check_changed`): the same
    problems in the same order as checking the whole of ``after``."""
    found = rules.check_changed(before, after) if checked else rules.check(after)
    problems = [f"{p.entry}: {p.rule}" for p in found]
    if problems:
        raise InvalidData(problems)
    return after


def _row(kind: str, obj: BaseModel) -> dict:
    return {"source": store.source_row, "actor": store.actor_row, "arrangement": store.arrangement_row}[kind](obj)


def _sync_participations(conn: Connection, existing: list[dict], old: Arrangement, new: Arrangement, skip: set[int] = frozenset()) -> None:
    """Write the participations that resolving the arrangement changed (an open end closing with it)."""
    for i, (row, a, b) in enumerate(zip(existing, old.participations, new.participations, strict=False)):  # new may be longer
        if i not in skip and a != b:
            rows.update_row(conn, "participation", row["id"], _participation_values(b, row), version=None)


def _finish(conn: Connection, who: str, action: str, kind: str, ident, before: dict | None, after: dict | None,
            data_version: int) -> None:
    rows.log_edit(conn, who=who, action=action, entity=kind, entity_id=ident, before=before, after=after,
                  data_version=data_version)
    store.set_meta(conn, {"origin": EDITED})
