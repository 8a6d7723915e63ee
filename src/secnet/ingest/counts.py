"""Exact counts of what the dataset cites from where, for the generated block in ``COVERAGE.md``.

``scripts/coverage_counts.py`` writes :func:`render` of the shipped dataset
between :data:`BEGIN` and :data:`END` in ``src/secnet/data/COVERAGE.md``;
``tests/test_coverage_counts.py`` fails when the block is out of date. Every
figure is computed from the dataset, nothing is typed in:

- sources by kind, and by host category (:func:`secnet.model.hosts.category`:
  official hosts, mirrors, news sites, encyclopedias, academic collections, web
  archives, other hosts, no URL), with the hosts of every category but the
  official one listed;
- entities and participations by arrangement kind, and participation starts
  by precision (``day``, ``month``, ``year``, ``not_after`` for "member by X");
- facts per source: a *fact* is one citation of a source by a participation,
  an obligation, an actor or an arrangement (its ``sources`` and
  ``founded_sources``); sources cited by no fact are counted as unused.
"""

from __future__ import annotations

from collections import Counter

from ..model import vocab
from ..model.entities import Dataset
from ..model.hosts import category, host_of

BEGIN = "<!-- BEGIN GENERATED COUNTS (scripts/coverage_counts.py; do not edit by hand) -->"
END = "<!-- END GENERATED COUNTS -->"

#: Host categories in the order they are shown.
CATEGORIES = ("official", "mirror", "news", "encyclopedia", "research", "archive", "other", "none")
_CATEGORY_TEXT = {
    "official": "official hosts (governments, parliaments, international organisations, NATO bodies, CoEs)",
    "mirror": "mirrors (document dumps, press-release aggregators, private copies of official texts)",
    "news": "news sites (listed news hosts only; news on other hosts is under 'other')",
    "encyclopedia": "encyclopedias",
    "research": "academic document collections",
    "archive": "web archives (snapshots of an official page, with `copy_of`)",
    "other": "other hosts (not in `secnet/model/hosts.py`)",
    "none": "no URL (printed documents)",
}


def citations(ds: Dataset) -> Counter:
    """How many facts cite each source id (see the module docstring)."""
    cited: Counter = Counter()
    for a in ds.actors.values():
        cited.update(a.sources)
    for arr in ds.arrangements.values():
        cited.update(arr.sources)
        cited.update(arr.founded_sources)
        for o in arr.obligations:
            cited.update(o.sources)
        for p in arr.participations:
            cited.update(p.sources)
    return cited


def counts(ds: Dataset) -> dict:
    """Every figure of the block, as plain data."""
    srcs = list(ds.sources.values())
    cats = {s.id: category(s.url) for s in srcs}
    by_kind = Counter(s.kind for s in srcs)
    by_cat_kind = Counter((cats[s.id], s.kind) for s in srcs)
    hosts: dict[str, Counter] = {c: Counter() for c in CATEGORIES}
    for s in srcs:
        hosts[cats[s.id]][host_of(s.url) or "-"] += 1
    parts = ds.participations()
    kind_of = {a.id: a.kind for a in ds.arrangements.values()}
    cited = citations(ds)
    per_source = [cited.get(s.id, 0) for s in srcs]
    bands = {"0 (unused)": 0, "1": 0, "2-5": 0, "6-20": 0, "21-100": 0, "over 100": 0}
    for n in per_source:
        band = ("0 (unused)" if n == 0 else "1" if n == 1 else "2-5" if n <= 5 else "6-20" if n <= 20
                else "21-100" if n <= 100 else "over 100")
        bands[band] += 1
    facts_by_cat = Counter()
    for sid, n in cited.items():
        if sid in cats:
            facts_by_cat[cats[sid]] += n
    # participations whose every source is on a mirror, news site, encyclopedia or unknown host
    weak = {"mirror", "news", "encyclopedia", "other"}
    only_weak = sum(1 for p in parts if p.sources and all(cats.get(s) in weak for s in p.sources))
    return {
        "sources": len(srcs), "actors": len(ds.actors), "arrangements": len(ds.arrangements),
        "participations": len(parts), "obligations": sum(len(a.obligations) for a in ds.arrangements.values()),
        "by_kind": {k: by_kind.get(k, 0) for k in vocab.SOURCE_KINDS},
        "by_category_kind": {c: {k: by_cat_kind.get((c, k), 0) for k in vocab.SOURCE_KINDS} for c in CATEGORIES},
        "hosts": {c: dict(sorted(h.items(), key=lambda x: (-x[1], x[0]))) for c, h in hosts.items()},
        "arrangements_by_kind": dict(sorted(Counter(kind_of.values()).items())),
        "participations_by_kind": dict(sorted(Counter(kind_of[p.arrangement] for p in parts).items())),
        "starts_by_precision": {k: Counter(p.start.precision for p in parts).get(k, 0)
                                for k in ("day", "month", "year", "not_after")},
        "facts": sum(cited.values()),
        "facts_by_category": {c: facts_by_cat.get(c, 0) for c in CATEGORIES},
        "facts_per_source": bands,
        "most_cited": sorted(((n, sid) for sid, n in cited.items() if sid in cats), key=lambda x: (-x[0], x[1]))[:10],
        "unused": sorted(s.id for s in srcs if cited.get(s.id, 0) == 0),
        "participations_on_weak_hosts_only": only_weak,
    }


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return out


def _hosts(h: dict[str, int]) -> str:
    return ", ".join(f"{host} ({n})" for host, n in h.items()) or "none"


def render(ds: Dataset) -> str:
    """The generated block, markers included, as Markdown."""
    c = counts(ds)
    kinds = list(vocab.SOURCE_KINDS)
    lines = [BEGIN, "", "### Counts (generated)", "",
             f"{c['sources']} sources, {c['actors']} actors, {c['arrangements']} arrangements, "
             f"{c['participations']} participations, {c['obligations']} obligations; {c['facts']} citations of a "
             "source by a fact (a participation, obligation, actor or arrangement citing it).", "",
             "**Sources by host and kind.** The host category comes from `src/secnet/model/hosts.py`; "
             "`official` and `treaty` are allowed only on official hosts (or a web archive with `copy_of`).", ""]
    rows = [[f"{cat}: {_CATEGORY_TEXT[cat]}", *[c["by_category_kind"][cat][k] for k in kinds],
             sum(c["by_category_kind"][cat].values()), c["facts_by_category"][cat]] for cat in CATEGORIES]
    rows.append(["all", *[c["by_kind"][k] for k in kinds], c["sources"], c["facts"]])
    lines += _table(["host", *kinds, "sources", "citations"], rows)
    lines += [""]
    official = c["hosts"]["official"]
    top = dict(list(official.items())[:12])
    lines += [f"- official hosts: {len(official)}; most cited by sources: {_hosts(top)}"]
    for cat in CATEGORIES[1:-1]:
        h = c["hosts"][cat]
        several = {k: n for k, n in h.items() if n > 1}
        if len(h) > 30:  # a long tail: the hosts of several sources inline, every host in a collapsed list
            lines += [f"- {cat}: {len(h)} hosts; of two or more sources: {_hosts(several)}; "
                      f"{len(h) - len(several)} hosts of one source each",
                      f"  <details><summary>every {cat} host</summary>{_hosts(h)}</details>"]
        else:
            lines += [f"- {cat}: {_hosts(h)}"]
    lines += ["", f"Participations whose every source is on a mirror, news site, encyclopedia or other "
                  f"(unlisted) host: {c['participations_on_weak_hosts_only']}.", "",
              "**Participations by arrangement kind.**", ""]
    lines += _table(["arrangement kind", "arrangements", "participations"],
                    [[k, c["arrangements_by_kind"][k], c["participations_by_kind"].get(k, 0)] for k in c["arrangements_by_kind"]])
    p = c["starts_by_precision"]
    lines += ["", f"Participation starts: {p['day']} to the day, {p['month']} to the month, {p['year']} to the year, "
                  f"{p['not_after']} known only as \"not later than\" (`[..X]`: a member by X, joining date unknown).", "",
              "**Facts per source** (citations by participations, obligations, actors and arrangements).", ""]
    lines += _table(["facts citing the source", "sources"], [[k, v] for k, v in c["facts_per_source"].items()])
    lines += ["", "Most cited: " + ", ".join(f"`{sid}` ({n})" for n, sid in c["most_cited"]) + ".", ""]
    lines += [f"Sources cited by no fact ({len(c['unused'])}): "
              + (", ".join(f"`{s}`" for s in c["unused"]) if c["unused"] else "none") + ".", "", END]
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """``text`` with the generated block replaced (or added after the first paragraph if there is none)."""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + block + tail
    if BEGIN in text or END in text:
        raise ValueError("COVERAGE.md has one generated-counts marker without the other")
    first, sep, rest = text.partition("\n\n")
    return first + "\n\n" + block + "\n" + (sep + rest if sep else "\n")
