"""Indicator files: one sourced, measured series per file in ``<dataset>/indicators/<id>.yaml``.

An indicator is a figure per actor and date (personnel contributed to NATO-led
operations, foreign forces on a state's territory...), with its definition,
unit, direction and sources; prioritisation criteria read them
(:mod:`secnet.design.measured`). The layout (interface B between the
engineers)::

    id: ops_personnel                 # = the file name without .yaml
    name: Personnel contributed to NATO-led operations
    definition: ...
    unit: personnel
    higher_is: better                 # better | worse
    sources: [source-id, ...]         # the series' sources
    values:
      - actor: SWE                    # an actor id
        date: "2011-06-06"            # any precision: "2011", "2011-06", "2011-06-06"
        value: 500                    # a number
        context: op-isaf              # optional: an arrangement id
        sources: [source-id]          # optional: override the series' sources
        note: ""                      # optional

:func:`check_indicators` is run by ``secnet validate`` (through
:func:`secnet.ingest.dataset.load_dataset`): every problem is one line naming
file, entry and field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidData
from ..model.dates import FuzzyDate

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
FIELDS = {"id", "name", "definition", "unit", "higher_is", "sources", "values", "note"}
VALUE_FIELDS = {"actor", "date", "value", "context", "sources", "note"}


@dataclass(frozen=True)
class Value:
    """One figure: ``actor`` at ``date`` (a :class:`FuzzyDate`), in the indicator's unit."""

    actor: str
    date: FuzzyDate
    value: float
    context: str | None
    sources: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Indicator:
    """A measured series with its definition, unit, direction (``higher_is``) and sources."""

    id: str
    name: str
    definition: str
    unit: str
    higher_is: str
    sources: tuple[str, ...]
    values: tuple[Value, ...] = field(default_factory=tuple)

    def at(self, at_first, *, since=None) -> list[Value]:
        """The values dated on or before ``at_first`` (a ``datetime.date``), and after ``since`` if given."""
        return [v for v in self.values if v.date.first <= at_first and (since is None or v.date.first > since)]


def indicator_files(root: Path) -> list[Path]:
    folder = Path(root) / "indicators"
    return sorted(p for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []


def check_indicators(root: Path, reader, *, actors, arrangements, sources) -> dict[str, Indicator]:
    """Read every indicator file under ``root/indicators``, adding problems to ``reader`` (a ProblemReader)."""
    out: dict[str, Indicator] = {}
    for path in indicator_files(root):
        ind = _read(path, reader, actors, arrangements, sources)
        if ind is not None:
            out[ind.id] = ind
    return out


def _read(path: Path, r, actors, arrangements, sources) -> Indicator | None:
    file = r.label(path)
    before = len(r.problems)
    raw = r.parse(path)
    if raw is None:
        if len(r.problems) == before:
            r.problem(file, 1, path.stem, "the indicator file is empty")
        return None
    if not isinstance(raw, dict):
        r.problem(file, getattr(raw, "line", 1), path.stem, "an indicator file holds one mapping")
        return None
    lines = getattr(raw, "key_lines", {})
    top = getattr(raw, "line", 1)
    ident = str(raw.get("id", path.stem))

    def bad(key: str, rule: str, line: int | None = None) -> None:
        r.problem(file, line if line is not None else lines.get(key, top), ident, f"{key}: {rule}")

    for key in sorted(set(raw) - FIELDS):
        bad(str(key), "unknown field")
    for key in ("id", "name", "definition", "unit"):
        if not isinstance(raw.get(key), str) or not raw.get(key).strip():
            bad(key, "required text is missing")
    if isinstance(raw.get("id"), str):
        if not SLUG.match(raw["id"]):
            bad("id", f"'{raw['id']}' is not a lower-case slug")
        elif raw["id"] != path.stem:
            bad("id", f"file name must be the id ({raw['id']}.yaml)")
    if raw.get("higher_is") not in ("better", "worse"):
        bad("higher_is", f"must be better or worse, not {raw.get('higher_is')!r}")
    series_sources = _source_list(raw.get("sources"), "sources", bad, sources, required=True)
    values = raw.get("values")
    if not isinstance(values, list) or not values:
        bad("values", "a non-empty list of values is required")
        values = []
    out: list[Value] = []
    for k, v in enumerate(values):
        line = getattr(v, "line", lines.get("values", top))
        if not isinstance(v, dict):
            r.problem(file, line, f"{ident}: values[{k}]", "expected a mapping")
            continue
        vlines = getattr(v, "key_lines", {})
        entry = f"{ident}: values[{k}] {v.get('actor', '?')} {v.get('date', '?')}"

        def vbad(key: str, rule: str) -> None:
            r.problem(file, vlines.get(key, line), entry, f"{key}: {rule}")

        for key in sorted(set(v) - VALUE_FIELDS):
            vbad(str(key), "unknown field")
        actor = v.get("actor")
        if not isinstance(actor, str) or actor not in actors:
            vbad("actor", f"unknown actor '{actor}'")
        context = v.get("context")
        if context is not None and (not isinstance(context, str) or context not in arrangements):
            vbad("context", f"unknown arrangement '{context}'")
        value = v.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            vbad("value", f"'{value}' is not a number")
            value = None
        date = None
        if not isinstance(v.get("date"), str):
            vbad("date", "required: a quoted date such as \"2011\", \"2011-06\" or \"2011-06-06\"")
        else:
            try:
                date = FuzzyDate.parse(v["date"])
            except (ValueError, TypeError) as e:
                vbad("date", f"'{v['date']}' is not a date ({e})")
        own = _source_list(v.get("sources"), "sources", vbad, sources, required=False)
        note = v.get("note") or ""
        if not isinstance(note, str):
            vbad("note", "must be text")
        if not own and not series_sources:
            vbad("sources", "the value has no source and the series none either")
        if value is not None and date is not None and isinstance(actor, str):
            out.append(Value(actor, date, float(value), context if isinstance(context, str) else None,
                             tuple(own or series_sources), str(note)))
    if len(r.problems) > before:
        return None
    return Indicator(ident, raw["name"].strip(), " ".join(raw["definition"].split()), raw["unit"].strip(),
                     raw["higher_is"], tuple(series_sources), tuple(out))


def _source_list(value: Any, key: str, bad, sources, *, required: bool) -> list[str]:
    if value is None:
        if required:
            bad(key, "a list of source ids is required")
        return []
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        bad(key, "must be a list of source ids")
        return []
    for s in value:
        if s not in sources:
            bad(key, f"unknown source '{s}'")
    return list(value)


def load_indicators(path: str | Path | None = None) -> dict[str, Indicator]:
    """Every indicator of a dataset directory (the shipped one by default), validated.

    Validation needs the dataset's actors, arrangements and sources, so the
    whole dataset is read (:func:`secnet.ingest.dataset.load_dataset` raises
    :class:`InvalidData` listing every problem, indicators included); the
    result is kept until a YAML file of the dataset changes.
    """
    from .dataset import shipped_path

    root = Path(path) if path is not None else shipped_path()
    stamp = tuple((str(f), f.stat().st_mtime_ns) for f in sorted(root.rglob("*.yaml")) if f.is_file())
    key = (str(root.resolve()), stamp)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _load(root)
    return dict(_cache[key])


_cache: dict[tuple, dict[str, Indicator]] = {}


def _load(root: Path) -> dict[str, Indicator]:
    from .dataset import ProblemReader, load_dataset

    ds = load_dataset(root)
    r = ProblemReader(root)
    out = check_indicators(root, r, actors=ds.actors, arrangements=ds.arrangements, sources=ds.sources)
    if r.problems:
        raise InvalidData(r.problems)
    return out
