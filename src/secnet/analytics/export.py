"""Export the system at a date for pandas, R (arrow) and Gephi.

The file extension chooses the format:

- ``.csv`` / ``.parquet``: one file per table, named ``<stem>.<table><ext>``
  (tables: actors, arrangements, participations, edges);
- ``.json``: one document with every table and the graph in node-link form;
- ``.graphml`` / ``.gexf``: the graph (actor projection by default, or bipartite).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import InvalidInput
from ..userfiles import check_directory, writing
from ..registry import Registry, window
from . import graph as graphs

FORMATS = (".csv", ".parquet", ".json", ".graphml", ".gexf")
ACTOR_COLUMNS = ["actor_id", "kind", "name", "iso3", "cow_code", "regions", "sources"]
ARRANGEMENT_COLUMNS = ["arrangement_id", "name", "kind", "relation", "parent", "founded", "ended", "issue_areas",
                       "regions", "sources"]


def tables(r: Registry, at: object = None, g=None) -> dict[str, pd.DataFrame]:
    """actors, arrangements, participations (in effect at ``at``) and the actor graph's edges."""
    w = window(at)
    snap = r.as_of(w)
    parts = snap.table()
    parts["sources"] = parts["sources"].map(";".join)
    actor_ids = set(parts["actor_id"])
    actors = pd.DataFrame([
        {"actor_id": a.id, "kind": a.kind, "name": a.name, "iso3": a.iso3,
         "cow_code": (a.cow_at(w.lo).code if a.cow_at(w.lo) else None), "regions": ";".join(a.regions),
         "sources": ";".join(a.sources)}
        for a in r.actors.values() if a.id in actor_ids
    ], columns=ACTOR_COLUMNS).astype({"cow_code": "Int64"})  # columns=: a date with nobody still has the header
    arrs = pd.DataFrame([
        {"arrangement_id": a.id, "name": a.name, "kind": a.kind, "relation": a.relation, "parent": a.parent,
         "founded": str(a.founded), "ended": None if a.ended is None else str(a.ended),
         "issue_areas": ";".join(a.issue_areas), "regions": ";".join(a.regions), "sources": ";".join(a.sources)}
        for a in snap.arrangements
    ], columns=ARRANGEMENT_COLUMNS)
    g = g if g is not None else graphs.actor_graph(r, w)
    edges = pd.DataFrame([
        {"source": a, "target": b, "weight": d["weight"], "strongest": d["strongest"], "arrangements": ";".join(d["arrangements"])}
        for a, b, d in g.edges(data=True)
    ], columns=["source", "target", "weight", "strongest", "arrangements"])
    return {"actors": actors, "arrangements": arrs, "participations": parts, "edges": edges}


def export(r: Registry, at: object, path: str | Path, *, graph: str = "actors") -> list[Path]:
    """Write the system at ``at`` to ``path`` (format by extension); returns the files written."""
    path = Path(path)
    ext = "".join(path.suffixes[-1:]).lower()
    if ext not in FORMATS:
        raise InvalidInput(f"--to {path}: unknown export format '{ext or path.name}' (use {', '.join(FORMATS)})")
    if graph not in ("actors", "bipartite"):
        raise InvalidInput(f"--graph: '{graph}' is not one of actors, bipartite")
    what = f"--to {path}"
    check_directory(path.parent, what)
    w = window(at)
    g = graphs.actor_graph(r, w) if graph == "actors" else graphs.bipartite_graph(r, w)
    if ext in (".graphml", ".gexf"):
        with writing([path], what) as (temp,):
            graphs.write_graph(g, str(temp), ext[1:])
        return [path]
    data = tables(r, w, g=graphs.actor_graph(r, w) if graph != "actors" else g)
    if ext == ".json":
        doc = {"at": w.label, **{k: json.loads(v.to_json(orient="records")) for k, v in data.items()},
               "graph": graphs.node_link(g)}
        with writing([path], what) as (temp,):
            temp.write_text(json.dumps(doc, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
        return [path]
    targets = [path.with_name(f"{path.stem}.{name}{ext}") for name in data]
    with writing(targets, what) as temps:
        for df, temp in zip(data.values(), temps, strict=True):
            if ext == ".csv":
                df.to_csv(temp, index=False)
            else:
                df.to_parquet(temp, index=False)
    return targets
