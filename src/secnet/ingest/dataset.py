"""Read a secnet dataset directory (YAML) into a validated :class:`Dataset`.

Layout (see ``docs/data-format.md``)::

    sources.yaml  sources/*.yaml  actors/*.yaml  arrangements/<id>.yaml

Every problem is collected, never just the first: syntax errors, unknown
vocabulary terms, impossible dates, duplicate ids and every rule in
:mod:`secnet.model.rules`, each reported as ``file:line: entry: rule``. If there
is any problem, :class:`~secnet.errors.InvalidData` is raised with all of them
and nothing is returned, so nothing half-checked can be loaded.
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import InvalidData
from ..model import rules
from ..model.entities import Actor, Arrangement, Dataset, Source, floor_participations
from .atop_disputes import read_disputes


def shipped_path() -> Path:
    """The dataset shipped inside the package."""
    return Path(str(resources.files("secnet") / "data"))


# --- YAML with line numbers -------------------------------------------------------


class _Map(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _Seq(list):
    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps dates as text (their form is their precision) and records lines."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in rs if tag != "tag:yaml.org,2002:timestamp"]
    for ch, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    m = _Map()
    m.line = node.start_mark.line + 1
    m.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain value, not a list or mapping",
                                                    key_node.start_mark)
        if key in m:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        m[key] = loader.construct_object(value_node, deep=True)
        m.key_lines[key] = key_node.start_mark.line + 1
    return m


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    s = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    s.line = node.start_mark.line + 1
    s.item_lines = [child.start_mark.line + 1 for child in node.value]
    return s


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def line_of(node: Any, loc: tuple) -> int:
    """The line of the deepest YAML node that ``loc`` (a pydantic error location) reaches."""
    line = getattr(node, "line", 0)
    for part in loc:
        if isinstance(node, _Map) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, _Seq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


# --- Reading ------------------------------------------------------------------------


class ProblemReader:
    """Reads YAML files and collects problems as ``file:line: entry: rule`` (shared with scenarios)."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []
        self.where: dict[tuple, tuple[str, Any]] = {}  # locator -> (file label, yaml node)

    def label(self, path: Path) -> str:
        rel = os.path.relpath(path)
        return str(path) if rel.startswith("..") else rel

    def problem(self, file: str, line: int, entry: str, rule: str) -> None:
        self.problems.append(f"{file}:{line}: {entry}: {rule}")

    def parse(self, path: Path) -> Any:
        file = self.label(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self.problem(file, 0, path.name, f"cannot read file: {e}")
            return None
        try:
            return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
            line = mark.line + 1 if mark else 0
            what = getattr(e, "problem", None) or str(e).splitlines()[0]
            self.problem(file, line, path.name, f"malformed YAML: {what}")
            return None
        except RecursionError:
            self.problem(file, 0, path.name, "malformed YAML: nested too deeply")
            return None

    def build(self, model, raw: Any, file: str, entry: str, extra: dict | None = None):
        if not isinstance(raw, dict):
            self.problem(file, getattr(raw, "line", 0), entry, f"expected a mapping, found {type(raw).__name__}")
            return None
        try:
            return model.model_validate({**raw, **(extra or {})})
        except ValidationError as e:
            for err in e.errors():
                loc = tuple(err["loc"])
                field = ".".join(str(p) for p in loc) or "entry"
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "missing":
                    msg = "required field is missing"
                elif err["type"] == "extra_forbidden":
                    msg = "unknown field"
                self.problem(file, line_of(raw, loc), _entry_name(raw, entry, loc), f"{field}: {msg}")
            return None

    def list_file(self, path: Path) -> list:
        data = self.parse(path)
        if data is None:
            return []
        if not isinstance(data, list):
            self.problem(self.label(path), getattr(data, "line", 1), path.name, "expected a list of entries")
            return []
        return data


def _entry_name(raw: Any, default: str, loc: tuple) -> str:
    """Name the entry an error is in, e.g. ``nato: FIN as member``."""
    if len(loc) >= 2 and loc[0] == "participations" and isinstance(raw, dict):
        items = raw.get("participations")
        if isinstance(items, list) and isinstance(loc[1], int) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            p = items[loc[1]]
            start = p.get("start", "?")
            start = f"[{', '.join(map(str, start))}]" if isinstance(start, list) else start  # unquoted "[..2014]"
            return f"{raw.get('id', default)}: {p.get('actor', '?')} as {p.get('role', '?')} from {start}"
    if len(loc) >= 2 and loc[0] == "obligations" and isinstance(raw, dict):
        return f"{raw.get('id', default)}: obligations[{loc[1]}]"
    return default


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []


def load_dataset(path: str | os.PathLike | None = None) -> Dataset:
    """Read and validate a dataset directory; the shipped one by default.

    Raises :class:`InvalidData` listing every problem; returns only a dataset
    that passes every rule.
    """
    root = Path(path) if path is not None else shipped_path()
    if not root.is_dir():
        raise InvalidData(f"{root}: not a dataset directory (expected sources.yaml, actors/, arrangements/)")
    r = ProblemReader(root)

    source_files = ([root / "sources.yaml"] if (root / "sources.yaml").is_file() else []) + _yaml_files(root / "sources")
    if not source_files:
        r.problem(r.label(root / "sources.yaml"), 0, "sources", "missing: a dataset needs sources.yaml or sources/*.yaml")
    sources: dict[str, Source] = {}
    for f in source_files:
        for raw in r.list_file(f):
            entry = raw.get("id", "?") if isinstance(raw, dict) else "?"
            s = r.build(Source, raw, r.label(f), str(entry))
            if s is None:
                continue
            if s.id in sources:
                r.problem(r.label(f), raw.line, s.id, f"duplicate source id (first in {r.where[('source', s.id)][0]})")
                continue
            sources[s.id] = s
            r.where[("source", s.id)] = (r.label(f), raw)

    actors: dict[str, Actor] = {}
    for f in _yaml_files(root / "actors"):
        for raw in r.list_file(f):
            entry = raw.get("id", "?") if isinstance(raw, dict) else "?"
            a = r.build(Actor, raw, r.label(f), str(entry))
            if a is None:
                continue
            if a.id in actors:
                r.problem(r.label(f), raw.line, a.id, f"duplicate actor id (first in {r.where[('actor', a.id)][0]})")
                continue
            actors[a.id] = a
            r.where[("actor", a.id)] = (r.label(f), raw)

    arrangements: dict[str, Arrangement] = {}
    files = _yaml_files(root / "arrangements")
    if not files:
        r.problem(r.label(root / "arrangements"), 0, "arrangements", "no arrangement files")
    for f in files:
        before = len(r.problems)
        raw = r.parse(f)
        if raw is None:
            if len(r.problems) == before:  # parsed, but empty: a file that says nothing is a mistake
                r.problem(r.label(f), 1, f.stem, "the arrangement file is empty")
            continue
        file = r.label(f)
        if not isinstance(raw, dict):
            r.problem(file, getattr(raw, "line", 1), f.stem, "an arrangement file holds one mapping")
            continue
        arr = r.build(Arrangement, raw, file, str(raw.get("id", f.stem)))
        if arr is None:
            continue
        if arr.id != f.stem:
            r.problem(file, raw.key_lines.get("id", raw.line), arr.id, f"file name must be the id ({arr.id}.yaml)")
        if arr.id in arrangements:
            r.problem(file, raw.line, arr.id, "duplicate arrangement id")
            continue
        arr = resolve_participations(arr)
        arrangements[arr.id] = arr
        r.where[("arrangement", arr.id)] = (file, raw)

    ds = Dataset.model_construct(sources=sources, actors=actors, arrangements=arrangements)
    for p in rules.check(ds):
        owner = ("arrangement", p.where[1]) if p.where[0] in ("participation", "obligation") else p.where[:2]
        file, node = r.where.get(owner, ("?", None))
        if p.where[0] in ("participation", "obligation") and isinstance(node, dict):
            loc = ("participations" if p.where[0] == "participation" else "obligations", p.where[2])
            loc = loc + ((p.field,) if p.field else ())
        else:
            loc = (p.field,) if p.field else ()
        r.problem(file, line_of(node, loc) if node is not None else 0, p.entry, p.rule)

    from .indicators import check_indicators  # indicator files (interface B): checked, not kept in the Dataset

    check_indicators(root, r, actors=actors, arrangements=arrangements, sources=sources)
    read_disputes(r, root, actors, sources)  # data/checks/atop-disputes.yaml, if present
    if r.problems:
        raise InvalidData(r.problems)
    return ds


def resolve_participations(arr: Arrangement) -> Arrangement:
    """Give each participation its arrangement id; an open end in an ended arrangement ends with it."""

    def inherits_end(p) -> bool:
        return p.end is None and arr.ended is not None and arr.ended.last > p.start.first

    parts = floor_participations(arr.founded, [
        p.model_copy(update={"arrangement": arr.id, **({"end": arr.ended} if inherits_end(p) else {})})
        for p in arr.participations
    ])
    return arr.model_copy(update={"participations": parts})


def dataset_digest(path: str | os.PathLike | None = None) -> str:
    """A digest of every YAML file's bytes, to tell whether a loaded copy is current."""
    root = Path(path) if path is not None else shipped_path()
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.yaml")):
        h.update(str(f.relative_to(root)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]

