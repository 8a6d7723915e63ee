"""The JSON bodies of the edit endpoints, as they appear in the OpenAPI schema.

They mirror the YAML fields (docs/data-format.md) with plain types: dates are
strings (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) and vocabulary terms are
strings checked by :mod:`secnet.model` (so an unknown term gets a "did you
mean" in the 422). The real checks are the entity models and
:func:`secnet.model.rules.check`, run by :mod:`secnet.edits`; these models
only give the body its shape. ``*Patch`` models have every field optional: a
PATCH changes the fields it sends and nothing else (``null`` clears a field
that may be empty, such as ``end``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..model import vocab


def _terms(vocabulary) -> str:
    return ", ".join(vocabulary)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceIn(_Body):
    id: str = Field(description="A slug, e.g. `nato-enlargement-2023`.")
    title: str
    publisher: str
    kind: str = Field("official", description=_terms(vocab.SOURCE_KINDS))
    url: str | None = Field(None, description="An absolute http:// or https:// URL (other schemes are refused).")
    copy_of: str | None = Field(None, description="For a web-archive copy: the original's URL on the publisher's site (http(s)).")
    date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD; a source needs a url or a date.")
    supports: str = ""
    note: str = ""


class CowSpellIn(_Body):
    code: int
    abb: str
    start: str
    end: str | None = None


class ActorIn(_Body):
    id: str = Field(description="ISO 3166 alpha-3 for a state, a lower-case slug otherwise.")
    kind: str = Field(description=_terms(vocab.ACTOR_KINDS))
    name: str
    aliases: list[str] = []
    cow: list[CowSpellIn] = []
    regions: list[str] = Field([], description=_terms(vocab.REGIONS))
    capabilities: list[str] = Field([], description=_terms(vocab.CAPABILITIES))
    sources: list[str] = Field([], description="Source ids (at least one).")
    note: str = ""


class ObligationIn(_Body):
    type: str = Field(description=_terms(vocab.OBLIGATION_TYPES))
    binding: bool
    from_role: str = "member"
    to_role: str = "member"
    article: str = ""
    start: str | None = None
    end: str | None = None
    signed: str | None = Field(None, description="When the instrument that added the obligation was signed (needs start).")
    sources: list[str] = []
    note: str = ""


class ArrangementIn(_Body):
    id: str = Field(description="A lower-case slug, e.g. `jef`.")
    name: str
    kind: str = Field(description=_terms(vocab.ARRANGEMENT_KINDS))
    relation: str = Field(description=_terms(vocab.RELATIONS))
    aliases: list[str] = []
    parent: str | None = None
    founded: str
    ended: str | None = None
    signed: str | None = Field(None, description="When the founding instrument was signed (not after founded).")
    founded_sources: list[str] = []
    issue_areas: list[str] = Field([], description=_terms(vocab.ISSUE_AREAS))
    regions: list[str] = []
    sources: list[str] = []
    url: str | None = Field(None, description="An absolute http:// or https:// URL (other schemes are refused).")
    note: str = ""
    obligations: list[ObligationIn] = []


class ParticipationIn(_Body):
    arrangement: str = Field(description="The arrangement's id.")
    actor: str = Field(description="The actor's id.")
    role: str = Field(description=_terms(vocab.ROLES))
    start: str = Field(description='YYYY, YYYY-MM, YYYY-MM-DD, or "not later than": [..YYYY] / [YYYY-MM..YYYY] (a member by then).')
    end: str | None = Field(None, description="Exclusive; empty while ongoing. The same forms as start.")
    signed: str | None = Field(None, description="When the instrument binding the actor was signed (not after start).")
    sources: list[str] = Field([], description="Source ids (at least one).")
    note: str = ""


def _patch(model: type[BaseModel], fixed: tuple[str, ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (f.annotation | None, Field(None, description=f.description))
        for name, f in model.model_fields.items() if name not in fixed
    }
    return create_model(model.__name__.replace("In", "Patch"), __config__=ConfigDict(extra="forbid"), **fields)


SourcePatch = _patch(SourceIn, ("id",))
ActorPatch = _patch(ActorIn, ("id",))
ArrangementPatch = _patch(ArrangementIn, ("id",))
ParticipationPatch = _patch(ParticipationIn, ("arrangement",))


class Error(BaseModel):
    """Every error: one line to show, and every problem for a refused write or a bad parameter."""

    detail: str
    problems: list[str] = []
    suggestions: list[str] = []
