"""Graphs of the partnership system at a date: the only module that imports networkx.

- :func:`bipartite_graph`: actors and arrangements, an edge per participation.
- :func:`actor_graph`: the actor-actor projection. Two actors are tied through
  every arrangement they share; the tie's strength in that arrangement is the
  strongest pledge between them there (either direction), else co-membership:

  ================================  =======
  tie                               weight
  ================================  =======
  binding collective defence        4
  binding mutual assistance         3
  binding consultation              2
  co-membership (no pledge)         1
  ================================  =======

  A political (non-binding) pledge counts ``political_factor`` (0.5) times its
  weight, but never less than co-membership. An edge's ``weight`` is the sum
  over shared arrangements. Override with ``weights=``.

By default the projection leaves out arrangements of kind
``international_organisation`` (UN, OSCE, AU, EU as an organisation): near-
universal memberships would tie almost every pair and drown the security
network. Pass ``arrangement_kinds`` to choose.

Metrics: degree, weighted degree (strength), betweenness with distance
``1/weight`` (Brandes 2001), eigenvector centrality on weights (Bonacich 1972),
Louvain communities (Blondel et al. 2008) with a ``seed``. Cohesion of an actor
set: density, average clustering (Watts & Strogatz 1998) and the E-I index
(Krackhardt & Stern 1988): ``(E - I) / (E + I)`` where E counts ties across
groups and I ties within a group; -1 = all ties inside groups, +1 = all across.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np

from ..errors import InvalidInput
from ..model import vocab
from ..registry import Registry, window
from .coverage import pledge_rows

DEFAULT_WEIGHTS: dict[str, float] = {
    "collective_defence": 4.0,
    "mutual_assistance": 3.0,
    "consultation": 2.0,
    "non_aggression": 1.5,
    "neutrality": 1.5,
    "co_membership": 1.0,
    "political_factor": 0.5,
}
DEFAULT_EXCLUDED_KINDS = frozenset({"international_organisation"})


def check_weights(weights: dict[str, float] | None) -> dict[str, float]:
    """Merge user weights over the defaults; refuse unknown names and negative values."""
    out = dict(DEFAULT_WEIGHTS)
    for k, v in (weights or {}).items():
        if k not in DEFAULT_WEIGHTS:
            raise InvalidInput(f"unknown tie weight '{k}' (known: {', '.join(DEFAULT_WEIGHTS)})")
        if v < 0:
            raise InvalidInput(f"tie weight '{k}' must not be negative")
        out[k] = float(v)
    return out


def _check_kinds(kinds: Iterable[str] | None, vocabulary: dict[str, str], what: str) -> set[str] | None:
    if kinds is None:
        return None
    kinds = set(kinds)
    bad = kinds - set(vocabulary)
    if bad:
        raise InvalidInput(f"unknown {what} {', '.join(sorted(bad))} (known: {', '.join(vocabulary)})")
    return kinds


def _alive(r: Registry, w, arrangement_kinds: set[str] | None, exclude: set[str]) -> list:
    return [
        a for a in r.as_of(w).arrangements
        if a.id not in exclude
        and (a.kind in arrangement_kinds if arrangement_kinds is not None else a.kind not in DEFAULT_EXCLUDED_KINDS)
    ]


def bipartite_graph(r: Registry, at: object = None, *, actor_kinds: Iterable[str] | None = None,
                    arrangement_kinds: Iterable[str] | None = None) -> nx.Graph:
    """Actors (``bipartite=0``) and arrangements (``bipartite=1``), an edge per participation in effect.

    Node ids are ``actor:ID`` and ``arrangement:ID``; edges carry ``role`` and ``start``.
    """
    w = window(at)
    akinds = _check_kinds(actor_kinds, vocab.ACTOR_KINDS, "actor kind")
    rkinds = _check_kinds(arrangement_kinds, vocab.ARRANGEMENT_KINDS, "arrangement kind")
    g = nx.Graph(at=w.label)
    for arr in _alive(r, w, rkinds, set()):
        g.add_node(f"arrangement:{arr.id}", bipartite=1, label=arr.name, kind=arr.kind, relation=arr.relation)
        for p in r.participants(arr.id, at=w):
            actor = r.actors[p["actor_id"]]
            if akinds is not None and actor.kind not in akinds:
                continue
            g.add_node(f"actor:{actor.id}", bipartite=0, label=actor.name, kind=actor.kind)
            g.add_edge(f"actor:{actor.id}", f"arrangement:{arr.id}", role=p["role"], start=p["start"])
    return g


def actor_graph(r: Registry, at: object = None, *, weights: dict[str, float] | None = None,
                actor_kinds: Iterable[str] | None = None, arrangement_kinds: Iterable[str] | None = None,
                exclude: Iterable[str] = ()) -> nx.Graph:
    """The weighted actor-actor projection at ``at`` (see the module docstring for weights).

    ``exclude`` drops arrangements by id. Each edge carries ``weight``, ``arrangements`` (ids),
    ``strongest`` (the strongest tie type) and ``by_arrangement`` (id -> (value, tie type)).
    """
    w = window(at)
    wt = check_weights(weights)
    akinds = _check_kinds(actor_kinds, vocab.ACTOR_KINDS, "actor kind")
    rkinds = _check_kinds(arrangement_kinds, vocab.ARRANGEMENT_KINDS, "arrangement kind")
    exclude = set(exclude)
    alive = _alive(r, w, rkinds, exclude)
    alive_ids = {a.id for a in alive}

    # Strongest pledge per arrangement and unordered pair.
    strongest: dict[tuple[str, str, str], tuple[float, str]] = {}
    for giver, receiver, arr_id, typ, binding, *_ in pledge_rows(r, w):
        if arr_id in alive_ids:
            value = wt.get(typ, wt["co_membership"]) * (1.0 if binding else wt["political_factor"])
            value = max(value, wt["co_membership"])
            key = (arr_id, *sorted((giver, receiver)))
            if key not in strongest or value > strongest[key][0]:
                strongest[key] = (value, typ if binding else f"{typ} (political)")

    # Every pair of participants of every arrangement, as integer arrays (no Python loop over pairs).
    names: list[str] = []
    index: dict[str, int] = {}
    blocks = []
    for k, arr in enumerate(alive):
        ids = sorted({p["actor_id"] for p in r.participants(arr.id, at=w)
                      if akinds is None or r.actors[p["actor_id"]].kind in akinds})
        for a in ids:
            if a not in index:
                index[a] = len(names)
                names.append(a)
        members = np.array([index[a] for a in ids], dtype=np.int64)
        i, j = np.triu_indices(len(members), 1)
        lo, hi = np.minimum(members[i], members[j]), np.maximum(members[i], members[j])
        blocks.append((np.full(len(lo), k, dtype=np.int64), lo, hi))

    g = nx.Graph(at=w.label)
    g.add_nodes_from((a, {"label": r.actors[a].name, "kind": r.actors[a].kind}) for a in names)
    if not blocks or not sum(len(b[1]) for b in blocks):
        return g
    arr_k, lo, hi = (np.concatenate(x) for x in zip(*blocks))
    n = len(names)
    value = np.full(len(lo), wt["co_membership"])
    tie = np.zeros(len(lo), dtype=np.int64)  # index into tie_names; 0 = co-membership
    tie_names = ["co_membership"]
    if strongest:
        arr_pos = {a.id: k for k, a in enumerate(alive)}
        keys, vals, ties = [], [], []
        for (arr_id, a, b), (v, t) in strongest.items():
            if a in index and b in index:
                x, y = sorted((index[a], index[b]))
                keys.append((arr_pos[arr_id] * n + x) * n + y)
                vals.append(v)
                if t not in tie_names:
                    tie_names.append(t)
                ties.append(tie_names.index(t))
        if keys:
            order = np.argsort(keys)
            keys_sorted = np.asarray(keys, dtype=np.int64)[order]
            pair_key = (arr_k * n + lo) * n + hi
            pos = np.clip(np.searchsorted(keys_sorted, pair_key), 0, len(keys_sorted) - 1)
            hit = keys_sorted[pos] == pair_key
            value[hit] = np.asarray(vals)[order][pos[hit]]
            tie[hit] = np.asarray(ties, dtype=np.int64)[order][pos[hit]]

    edge_key = lo * n + hi
    order = np.lexsort((-value, edge_key))  # by pair, strongest tie first
    edge_key, arr_k, value, tie = edge_key[order], arr_k[order], value[order], tie[order]
    starts = np.flatnonzero(np.r_[True, edge_key[1:] != edge_key[:-1]])
    totals = np.add.reduceat(value, starts)
    bounds = np.r_[starts, len(edge_key)]
    arr_ids = [a.id for a in alive]
    for e, (s0, s1) in enumerate(zip(bounds[:-1], bounds[1:])):
        a, b = names[edge_key[s0] // n], names[edge_key[s0] % n]
        by = {arr_ids[k]: (float(v), tie_names[t]) for k, v, t in zip(arr_k[s0:s1], value[s0:s1], tie[s0:s1])}
        g.add_edge(a, b, weight=float(totals[e]), arrangements=[arr_ids[k] for k in sorted(arr_k[s0:s1])],
                   strongest=tie_names[tie[s0]], by_arrangement=by)
    return g


def metrics(g: nx.Graph) -> list[dict]:
    """Per actor: degree, weighted degree, betweenness (distance 1/weight), eigenvector centrality."""
    if g.number_of_nodes() == 0:
        return []
    nodes = list(g.nodes)
    weights = nx.to_numpy_array(g, nodelist=nodes, weight="weight")
    betweenness = dict(zip(nodes, betweenness_centrality(weights)))
    eigen = dict(zip(nodes, eigenvector_centrality(weights)))
    strength = dict(zip(nodes, weights.sum(axis=1)))
    return sorted(
        ({"actor_id": n, "name": g.nodes[n].get("label", n), "kind": g.nodes[n].get("kind"), "degree": g.degree(n),
          "weighted_degree": round(float(strength[n]), 6), "betweenness": round(float(betweenness[n]), 6),
          "eigenvector": round(float(eigen[n]), 6)} for n in nodes),
        key=lambda x: (-x["weighted_degree"], x["actor_id"]),
    )


def betweenness_centrality(weights: np.ndarray) -> np.ndarray:
    """Normalised betweenness of an undirected weighted graph, distance = 1 / weight (Brandes 2001).

    ``weights`` is the symmetric weight matrix (0 = no tie). For every source s:
    shortest distances ``D`` (Floyd-Warshall); the shortest-path DAG
    ``P_s[u, v] = [D[s,u] + d(u,v) = D[s,v]]``; path counts ``sigma_s`` solve
    ``(I - P_s^T) sigma_s = e_s``; dependencies ``delta_s`` solve
    ``(I - M_s) delta_s = M_s 1`` with ``M_s[v, w] = P_s[v, w] sigma_s[v] / sigma_s[w]``.
    All sources are solved at once as batched linear systems. The result is
    ``sum_s delta_s[v] / ((n - 1)(n - 2))``, as networkx normalises it. Path
    lengths are compared with a relative tolerance of 1e-9, so paths of equal
    length count alike even when float rounding differs (networkx compares
    exactly: 1/1.5 + 1/3 != 1/1 there).
    """
    n = weights.shape[0]
    if n <= 2:
        return np.zeros(n)
    with np.errstate(divide="ignore"):
        dist = np.where(weights > 0, 1.0 / weights, np.inf)
    np.fill_diagonal(dist, 0.0)
    d = dist.copy()
    for k in range(n):
        np.minimum(d, d[:, k:k + 1] + d[k:k + 1, :], out=d)
    tol = 1e-9 * max(1.0, float(np.max(d[np.isfinite(d)])))
    edge = np.isfinite(dist) & ~np.eye(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        pred = edge[None, :, :] & (np.abs(d[:, :, None] + dist[None, :, :] - d[:, None, :]) <= tol)
    pred &= np.isfinite(d)[:, :, None]
    eye = np.eye(n)
    p = pred.astype(np.float64)
    sigma = np.linalg.solve(eye[None] - p.transpose(0, 2, 1), eye[:, :, None])[:, :, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(sigma[:, None, :] > 0, sigma[:, :, None] / sigma[:, None, :], 0.0)
    m = p * ratio
    delta = np.linalg.solve(eye[None] - m, m.sum(axis=2)[:, :, None])[:, :, 0]
    delta[np.arange(n), np.arange(n)] = 0.0
    return delta.sum(axis=0) / ((n - 1) * (n - 2))


def eigenvector_centrality(weights: np.ndarray) -> np.ndarray:
    """The leading eigenvector of the weight matrix, non-negative, unit length (Bonacich 1972)."""
    if weights.shape[0] == 0:
        return np.zeros(0)
    vals, vecs = np.linalg.eigh(weights)
    lead = np.abs(vecs[:, np.argmax(vals)])
    norm = np.linalg.norm(lead)
    return lead / norm if norm else lead


def communities(g: nx.Graph, seed: int = 0) -> list[list[str]]:
    """Louvain communities on tie weights, largest first; ``seed`` makes them reproducible."""
    if g.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(g, weight="weight", seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))


def cohesion(g: nx.Graph, actors: Iterable[str], group_of: dict[str, str] | None = None,
             drop: str | None = None) -> dict:
    """Density, mean tie strength, average clustering and E-I index of the subgraph on ``actors``.

    ``group_of`` maps actor -> group label (e.g. ``member``/``non_member``); the
    E-I index is None without labels or ties; ``ei_index_weighted`` sums tie
    strengths instead of counting ties. ``drop`` takes out that arrangement's
    share of every tie (the graph "without" it; a tie only it created disappears). Clustering is
    the unweighted local coefficient ``2T_i / (k_i (k_i - 1))`` averaged over all
    actors (zeros included), computed from the adjacency matrix ``A`` as
    ``diag(A^3) / (k (k - 1))``.
    """
    nodes = [a for a in dict.fromkeys(actors) if a in g]
    index = {a: i for i, a in enumerate(nodes)}
    n = len(nodes)
    strength = np.zeros((n, n), dtype=np.float64)
    for a in nodes:
        for b, d in g[a].items():
            j = index.get(b)
            if j is None:
                continue
            value = d.get("weight", 1.0)
            if drop is not None and drop in d.get("by_arrangement", {}):
                value -= d["by_arrangement"][drop][0]
            strength[index[a], j] = max(value, 0.0)
    adj = (strength > 1e-12).astype(np.float64)
    ties = int(adj.sum() // 2)
    k = adj.sum(axis=1)
    closed = (adj @ adj * adj).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        local = np.where(k > 1, closed / (k * (k - 1)), 0.0)
    total = float(strength.sum() / 2)
    out = {"actors": n, "ties": ties, "density": 2 * ties / (n * (n - 1)) if n > 1 else 0.0,
           "mean_tie_strength": 2 * total / (n * (n - 1)) if n > 1 else 0.0,
           "avg_clustering": float(local.mean()) if n else 0.0, "ei_index": None, "ei_index_weighted": None}
    if group_of:
        labels = np.array([group_of.get(a) for a in nodes], dtype=object)
        across = labels[:, None] != labels[None, :]
        ext = int((adj * across).sum() // 2)
        internal = ties - ext
        out["ei_index"] = (ext - internal) / ties if ties else None
        out["external_ties"], out["internal_ties"] = ext, internal
        ext_w = float((strength * across).sum() / 2)
        out["ei_index_weighted"] = (ext_w - (total - ext_w)) / total if total else None
    return out


def layout(g: nx.Graph, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Positions for drawing the largest connected component (force-directed, reproducible with ``seed``).

    Ties are laid out unweighted: the heavy allied core would otherwise collapse to a point.
    """
    if g.number_of_nodes() == 0:
        return {}
    core = g.subgraph(max(nx.connected_components(g), key=len))
    pos = nx.spring_layout(core, weight=None, seed=seed, k=2.5 / max(1, core.number_of_nodes()) ** 0.5, iterations=200)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def write_graph(g: nx.Graph, path: str, fmt: str) -> None:
    """Write GraphML or GEXF (list attributes joined with ';', as both formats need scalars)."""
    h = g.copy()
    for _, d in h.nodes(data=True):
        for k, v in list(d.items()):
            if isinstance(v, (list, tuple)) or v is None:
                d[k] = ";".join(map(str, v)) if v is not None else ""
    for _, _, d in h.edges(data=True):
        d.pop("by_arrangement", None)
        for k, v in list(d.items()):
            if isinstance(v, (list, tuple)) or v is None:
                d[k] = ";".join(map(str, v)) if v is not None else ""
    h.graph = {k: str(v) for k, v in h.graph.items()}
    if fmt == "graphml":
        nx.write_graphml(h, path)
    elif fmt == "gexf":
        nx.write_gexf(h, path)
    else:  # pragma: no cover - callers check
        raise InvalidInput(f"unknown graph format '{fmt}'")


def node_link(g: nx.Graph) -> dict:
    """The graph as plain JSON-able data (networkx node-link form)."""
    data = nx.node_link_data(g, edges="links")
    for link in data["links"]:
        link.pop("by_arrangement", None)
    return data
