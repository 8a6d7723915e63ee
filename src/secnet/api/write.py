"""Edit endpoints under ``/api/v1``: POST, PATCH and DELETE for sources, actors, arrangements, participations.

Writes need ``Authorization: Bearer <token>`` (:mod:`secnet.api.auth`): an
editor token for everything but deleting sources, actors and arrangements,
which needs an admin token. Every write goes through :mod:`secnet.edits`:
validated like the YAML (422 lists every problem), one transaction, logged.

Versions: every record has a ``version``, sent as the ``ETag`` header.
PATCH and DELETE must send it back as ``If-Match``: without it the answer is
**428 Precondition Required**; if the record changed meanwhile, **412
Precondition Failed** (read it again, redo the change). Creating a record
whose id exists is **409 Conflict**.
"""


from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from .. import edits
from .auth import Principal, require_role
from .deps import Live, Store
from .read import etag
from .schemas import (
    ActorIn,
    ActorPatch,
    ArrangementIn,
    ArrangementPatch,
    Error,
    ParticipationIn,
    ParticipationPatch,
    SourceIn,
    SourcePatch,
)

router = APIRouter(tags=["edits"], responses={
    401: {"model": Error, "description": "No token, or an unknown or revoked one"},
    403: {"model": Error, "description": "The token's role does not allow this write"},
    404: {"model": Error, "description": "Unknown id"},
    422: {"model": Error, "description": "The write breaks the data rules (every problem listed) or the body is malformed"},
})
Editor = Annotated[Principal, Depends(require_role("editor"))]
Admin = Annotated[Principal, Depends(require_role("admin"))]
ParticipationId = Annotated[str, Path(description="The id, or the key arrangement:actor:role:start.")]
IfMatch = Annotated[str | None, Header(description="The record's ETag (its version), from a GET or the last write.")]
VERSIONED = {409: {"model": Error, "description": "Conflict"},
             412: {"model": Error, "description": "Stale If-Match: the record changed since it was read"},
             428: {"model": Error, "description": "If-Match is missing"}}


def version_of(if_match: str | None) -> int | None:
    """The version an ``If-Match`` names (``"3"``, ``W/"3"`` or ``3``); None when absent."""
    if if_match is None:
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise edits.StaleVersion(f"If-Match {if_match!r} is not a version of this record: send the ETag of a GET")
    return int(value)


def _done(response: Response, record: dict, location: str | None = None) -> dict:
    response.headers["ETag"] = etag(record["version"])
    if location:
        response.headers["Location"] = location
    return record


def _routes(kind: str, plural: str, body_in, body_patch, id_type, deleter) -> None:
    """POST /{plural}, PATCH and DELETE /{plural}/{id} for one kind of record."""

    @router.post(f"/{plural}", status_code=201, name=f"create_{kind}", summary=f"Create a {kind}", responses=VERSIONED)
    def create(body: body_in, who: Editor, engine: Store, live: Live, response: Response) -> dict:
        with live.writing():  # builds the next snapshot before answering: the caller reads its write at once
            record = edits.create(engine, kind, body.model_dump(exclude_unset=True), who=who.name, base=live.dataset_at,
                                  committed=live.committed)
        return _done(response, record, f"/api/v1/{plural}/{quote(str(record['id']), safe='')}")

    @router.patch(f"/{plural}/{{ident}}", name=f"update_{kind}", summary=f"Change a {kind}", responses=VERSIONED)
    def update(ident: id_type, body: body_patch, who: Editor, engine: Store, live: Live, response: Response,
               if_match: IfMatch = None) -> dict:
        with live.writing():
            record = edits.update(engine, kind, ident, body.model_dump(exclude_unset=True), version=version_of(if_match),
                                  who=who.name, base=live.dataset_at, committed=live.committed)
        return _done(response, record)

    @router.delete(f"/{plural}/{{ident}}", name=f"delete_{kind}", summary=f"Delete a {kind} (returns what was deleted)",
                   responses=VERSIONED)
    def delete(ident: id_type, who: deleter, engine: Store, live: Live, if_match: IfMatch = None) -> dict:
        with live.writing():
            deleted = edits.delete(engine, kind, ident, version=version_of(if_match), who=who.name, base=live.dataset_at,
                                   committed=live.committed)
        return deleted


_routes("source", "sources", SourceIn, SourcePatch, str, Admin)
_routes("actor", "actors", ActorIn, ActorPatch, str, Admin)
_routes("arrangement", "arrangements", ArrangementIn, ArrangementPatch, str, Admin)
_routes("participation", "participations", ParticipationIn, ParticipationPatch, ParticipationId, Editor)


@router.get("/edits", summary="The edit log")
def edit_log(who: Annotated[Principal, Depends(require_role("editor", what="reading the edit log"))], engine: Store,
             entity: Annotated[str | None, Query(description="source, actor, arrangement or participation")] = None,
             id: Annotated[str | None, Query(description="One record's id")] = None,  # noqa: A002
             limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
    """Who changed what and when, newest first, with each record before and after (needs an editor token)."""
    return edits.log(engine, entity=entity or None, entity_id=id or None, limit=limit)
