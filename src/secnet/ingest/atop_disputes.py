"""Deliberate differences between the registry and ATOP's defence pledges: ``data/checks/atop-disputes.yaml``.

A **dispute** records directed dyads (``ally`` pledges to ``partner``: each
an ISO id of a state in ``actors/``, or a list of them, meaning every pair) and a span of years (``first``..``last``,
both included) in which ATOP v5.1 codes a defence pledge (``atop_defense = 1``)
that the registry deliberately does not hold, or holds for other years: a
coding difference the ATOP codebook documents, a date on which ATOP and the
primary source differ, a pledge that is not a defence pledge in the treaty
text. Every dispute carries a ``reason`` (one sentence or more) and the
``sources`` (ids in ``sources/*.yaml``) that back the registry's reading.

``secnet validate`` reads the file with the dataset and reports each bad entry
as ``file:line: entry: rule``. :mod:`secnet.research.pledge_trace` reads it
to mark the dyad-years ``disputed``. The file is optional.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator

from ..model.entities import _Model

FILE = Path("checks") / "atop-disputes.yaml"


class AtopDispute(_Model):
    """Directed dyads and a span of years where the registry deliberately differs from ATOP."""

    id: str
    ally: str | list[str]
    partner: str | list[str]
    first: int
    last: int
    reason: str
    sources: list[str]
    atop_id: int | None = None
    note: str = ""

    @field_validator("first", "last")
    @classmethod
    def _year(cls, v: int) -> int:
        if not 1816 <= v <= 9999:
            raise ValueError(f"{v} is not a year from 1816 on")
        return v

    @field_validator("reason")
    @classmethod
    def _reason(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a dispute needs a reason")
        return v

    @field_validator("sources")
    @classmethod
    def _sources(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("a dispute needs at least one source")
        return v

    @property
    def allies(self) -> list[str]:
        return [self.ally] if isinstance(self.ally, str) else list(self.ally)

    @property
    def partners(self) -> list[str]:
        return [self.partner] if isinstance(self.partner, str) else list(self.partner)

    def covers(self, ally: str, partner: str, year: int) -> bool:
        return self.first <= year <= self.last and ally in self.allies and partner in self.partners

    @property
    def label(self) -> str:
        def name(x):
            return x if isinstance(x, str) else "[" + ",".join(x) + "]"
        return f"{name(self.ally)}->{name(self.partner)} {self.first}-{self.last}"


def read_disputes(reader, root: Path, actors: dict, sources: dict) -> list[AtopDispute]:
    """The disputes in ``root/checks/atop-disputes.yaml`` (none if the file is absent).

    ``reader`` is the dataset's :class:`~secnet.ingest.dataset.ProblemReader`:
    every problem is added to it, naming file, line, entry and field.
    """
    path = root / FILE
    if not path.is_file():
        return []
    file = reader.label(path)
    out: list[AtopDispute] = []
    for i, raw in enumerate(reader.list_file(path)):
        entry = f"dispute[{i}]"
        if isinstance(raw, dict):
            entry = str(raw.get("id", entry))
        d = reader.build(AtopDispute, raw, file, entry)
        if d is None:
            continue
        line = getattr(raw, "line", 0)
        bad = False
        for field, idents in (("ally", d.allies), ("partner", d.partners)):
            if not idents:
                reader.problem(file, line, entry, f"{field}: names no state")
                bad = True
            for ident in idents:
                actor = actors.get(ident)
                if actor is None:
                    reader.problem(file, line, entry, f"{field}: unknown actor '{ident}'")
                    bad = True
                elif actor.kind != "state":
                    reader.problem(file, line, entry, f"{field}: '{ident}' is not a state")
                    bad = True
        if set(d.allies) & set(d.partners):
            reader.problem(file, line, entry, "partner: names a state that is also an ally")
            bad = True
        if d.last < d.first:
            reader.problem(file, line, entry, f"last: {d.last} is before first ({d.first})")
            bad = True
        for s in d.sources:
            if s not in sources:
                reader.problem(file, line, entry, f"sources: unknown source '{s}'")
                bad = True
        if any(other.id == d.id for other in out):
            reader.problem(file, line, entry, "duplicate dispute id")
            bad = True
        for other in out:
            if (set(other.allies) & set(d.allies) and set(other.partners) & set(d.partners)
                    and other.first <= d.last and d.first <= other.last):
                reader.problem(file, line, entry, f"overlaps the dispute {other.id} ({other.label})")
                bad = True
        if not bad:
            out.append(d)
    return out


def load_disputes(actors: dict, sources: dict, path=None) -> list[AtopDispute]:
    """The disputes of a dataset directory (the shipped one by default), checked against ``actors`` and ``sources``."""
    from ..errors import InvalidData
    from .dataset import ProblemReader, shipped_path

    root = Path(path) if path is not None else shipped_path()
    reader = ProblemReader(root)
    out = read_disputes(reader, root, actors, sources)
    if reader.problems:
        raise InvalidData(reader.problems)
    return out
