"""The nouns of the domain: sources, actors, arrangements, participations, obligations.

Pure pydantic models, no I/O. Field validators check the controlled vocabularies
(:mod:`secnet.model.vocab`) and date syntax; rules that need the whole dataset
(ids exist, intervals do not overlap, ...) live in :mod:`secnet.model.rules`.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PlainValidator, field_validator, model_validator

from . import vocab
from .dates import FuzzyDate, NotAfter, bounds, parse_start, with_floor


def _parse_date(value: Any) -> FuzzyDate | None:
    if value is None or value == "":
        return None
    return FuzzyDate.parse(value)


Date = Annotated[FuzzyDate, BeforeValidator(_parse_date), PlainSerializer(str, return_type=str)]
OptDate = Annotated[FuzzyDate | None, BeforeValidator(_parse_date), PlainSerializer(lambda d: None if d is None else str(d))]
#: A participation's start/end: a date or a "not later than" ``"[..2014]"`` (:class:`NotAfter`).
SpanDate = Annotated[FuzzyDate | NotAfter, PlainValidator(parse_start), PlainSerializer(str, return_type=str)]
OptSpanDate = Annotated[FuzzyDate | NotAfter | None, PlainValidator(lambda v: None if v is None or v == "" else parse_start(v)),
                        PlainSerializer(lambda d: None if d is None else str(d))]


#: The only URL schemes a link may carry: a ``javascript:``, ``data:`` or ``vbscript:`` link runs or smuggles
#: content when clicked, and a relative or schemeless one means something different on every page that shows it.
URL_SCHEMES = ("http", "https")


def is_http_url(url: object) -> bool:
    """Whether ``url`` is an absolute ``http://`` or ``https://`` URL with a host and no whitespace or control characters."""
    if not isinstance(url, str) or not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return False
    scheme, sep, rest = url.partition(":")
    if not sep or scheme.lower() not in URL_SCHEMES or not rest.startswith("//"):
        return False
    host = rest[2:].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
    return bool(host) and not host.startswith(":")


def http_url(url: object) -> str | None:
    """``url`` when it may be a link's ``href`` (:func:`is_http_url`), else None: the templates' ``http_url`` filter."""
    return url if is_http_url(url) else None  # type: ignore[return-value]


def _http_url(value: str | None) -> str | None:
    if not value:
        return value
    if not is_http_url(value):
        shown_value = value if len(value) <= 60 else value[:57] + "..."
        raise ValueError(f"not an http(s) URL: {shown_value!r} (a link must start with http:// or https:// and name a host)")
    return value


#: An optional link: absolute http(s) only (:func:`is_http_url`); empty means none.
OptUrl = Annotated[str | None, AfterValidator(_http_url)]


def _term(value: str, vocabulary: dict[str, str] | tuple[str, ...], what: str) -> str:
    if value not in vocabulary:
        close = difflib.get_close_matches(str(value), list(vocabulary), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ValueError(f"unknown {what} '{value}'{hint}")
    return value


def _terms(values: list[str], vocabulary: dict[str, str], what: str) -> list[str]:
    return [_term(v, vocabulary, what) for v in values]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(_Model):
    """Where a fact comes from: a publisher's document with a URL or a date."""

    id: str
    title: str
    publisher: str
    kind: str = "official"
    url: OptUrl = None
    #: For a web-archive snapshot (``url`` on web.archive.org...): the URL of the original on the publisher's site.
    copy_of: OptUrl = None
    date: OptDate = None
    supports: str = ""
    note: str = ""

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _term(v, vocab.SOURCE_KINDS, "source kind")


class CowSpell(_Model):
    """A Correlates of War state code held over ``[start, end)``."""

    code: int
    abb: str
    start: Date
    end: OptDate = None


class Actor(_Model):
    """A state, international organisation or private actor."""

    id: str
    kind: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    cow: list[CowSpell] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    capabilities: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    note: str = ""

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _term(v, vocab.ACTOR_KINDS, "actor kind")

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        return _terms(v, vocab.REGIONS, "region")

    @field_validator("capabilities")
    @classmethod
    def _capabilities(cls, v: list[str]) -> list[str]:
        return _terms(v, vocab.CAPABILITIES, "capability")

    @property
    def iso3(self) -> str | None:
        return self.id if self.kind == "state" else None

    def cow_at(self, day_ordinal: int) -> CowSpell | None:
        """The COW spell in force on a day, else the nearest one before it."""
        best = None
        for spell in self.cow:
            s0, _, e0, _ = bounds(spell.start, spell.end)
            if s0 <= day_ordinal < e0:
                return spell
            if s0 <= day_ordinal:
                best = spell
        return best


class Obligation(_Model):
    """What an arrangement binds participants in ``from_role`` to do for ``to_role``.

    ``from_role``/``to_role`` name a role or a role category (``member`` covers
    every member-type role). ``binding`` is false for political declarations.
    ``parties``, when given, narrows the obligation to pledges between the listed
    actors (both giver and receiver must be listed): a treaty whose obligations
    hold between some of its parties only, e.g. ANZUS after the US suspended its
    obligations to New Zealand in 1986 (Australia-US and Australia-New Zealand).
    """

    type: str
    binding: bool
    from_role: str = "member"
    to_role: str = "member"
    parties: list[str] = Field(default_factory=list)
    article: str = ""
    start: OptDate = None
    end: OptDate = None
    #: When the instrument that added this obligation was signed, if it has its own ``start`` (the Lisbon
    #: Treaty for TEU Art. 42(7)): ATOP's convention counts the pledge from here (docs/atop-pledges.md).
    signed: OptDate = None
    sources: list[str] = Field(default_factory=list)
    note: str = ""

    @field_validator("type")
    @classmethod
    def _type(cls, v: str) -> str:
        return _term(v, vocab.OBLIGATION_TYPES, "obligation type")

    @field_validator("from_role", "to_role")
    @classmethod
    def _role(cls, v: str) -> str:
        return _term(v, {**vocab.ROLES, **{c: c for c in vocab.ROLE_CATEGORIES}}, "role")


class Participation(_Model):
    """An actor in an arrangement, in a role, over ``[start, end)``."""

    actor: str
    arrangement: str = ""
    role: str
    start: SpanDate
    end: OptSpanDate = None
    #: When the instrument that binds this actor was signed (an accession protocol, its signature of a
    #: treaty), if known; never after ``start``. Legal dates stay in ``start``; ATOP's convention counts
    #: a pledge from here (see :meth:`Arrangement.signature_of`).
    signed: OptDate = None
    sources: list[str] = Field(default_factory=list)
    note: str = ""

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        return _term(v, vocab.ROLES, "role")

    @property
    def key(self) -> str:
        """A stable id: ``arrangement:actor:role:start``."""
        return f"{self.arrangement}:{self.actor}:{self.role}:{self.start}"

    @property
    def category(self) -> str:
        return vocab.ROLES[self.role]


class Arrangement(_Model):
    """Anything actors take part in: alliance, framework, format, organisation, agreement."""

    id: str
    name: str
    kind: str
    relation: str
    aliases: list[str] = Field(default_factory=list)
    parent: str | None = None
    founded: Date
    ended: OptDate = None
    #: When the founding instrument was signed, if before ``founded`` (its entry into force); the
    #: original parties (those whose participation starts on ``founded``) take it as their ``signed``.
    signed: OptDate = None
    founded_sources: list[str] = Field(default_factory=list)
    issue_areas: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    url: OptUrl = None
    note: str = ""
    obligations: list[Obligation] = Field(default_factory=list)
    participations: list[Participation] = Field(default_factory=list)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _term(v, vocab.ARRANGEMENT_KINDS, "arrangement kind")

    @field_validator("relation")
    @classmethod
    def _relation(cls, v: str) -> str:
        return _term(v, vocab.RELATIONS, "relation")

    @model_validator(mode="after")
    def _floors(self) -> Arrangement:
        """A ``[..X]`` start is not before the founding (see :func:`secnet.model.dates.with_floor`)."""
        object.__setattr__(self, "participations", floor_participations(self.founded, self.participations))
        return self

    def signature_of(self, p: Participation) -> FuzzyDate | None:
        """When the instrument binding ``p``'s actor was signed: ``p.signed``, else the arrangement's
        ``signed`` for an original party (a participation that starts on ``founded``), else None."""
        if p.signed is not None:
            return p.signed
        if self.signed is not None and isinstance(p.start, FuzzyDate) and str(p.start) == str(self.founded):
            return self.signed
        return None

    @field_validator("issue_areas")
    @classmethod
    def _issues(cls, v: list[str]) -> list[str]:
        return _terms(v, vocab.ISSUE_AREAS, "issue area")

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        return _terms(v, vocab.REGIONS, "region")


def floor_participations(founded: FuzzyDate, parts: list[Participation]) -> list[Participation]:
    """``parts`` with their "not later than" dates given the arrangement's founding as lower bound."""
    out = []
    for p in parts:
        if isinstance(p.start, NotAfter) or isinstance(p.end, NotAfter):
            start, end = with_floor(p.start, p.end, founded)
            p = p.model_copy(update={"start": start, "end": end})
        out.append(p)
    return out


class Dataset(_Model):
    """A whole registry's content, as loaded from YAML or read from a store."""

    sources: dict[str, Source] = Field(default_factory=dict)
    actors: dict[str, Actor] = Field(default_factory=dict)
    arrangements: dict[str, Arrangement] = Field(default_factory=dict)

    def participations(self) -> list[Participation]:
        return [p for a in self.arrangements.values() for p in a.participations]
