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
network. Operations (kind ``operation``: ISAF, KFOR, ...) are left out too: serving
side by side in a mission of 40-50 contributors is no partnership tie between every
pair of them, and would swamp the picture. Pass ``arrangement_kinds`` to choose.

Metrics: degree, weighted degree (strength), betweenness with distance
``1/weight`` (Brandes 2001), eigenvector centrality on weights (Bonacich 1972),
Louvain communities (Blondel et al. 2008, :mod:`secnet.analytics.louvain`) with a ``seed``. Cohesion of an actor
set: density, average clustering (Watts & Strogatz 1998) and the E-I index
(Krackhardt & Stern 1988): ``(E - I) / (E + I)`` where E counts ties across
groups and I ties within a group; -1 = all ties inside groups, +1 = all across.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import networkx as nx
import numpy as np

from ..errors import InvalidInput
from ..model import vocab
from ..registry import Registry, window
from ..seeds import check_seed
from .coverage import obligations_in_force, role_matches
from .louvain import louvain, modularity  # noqa: F401 - modularity re-exported for callers of graph

DEFAULT_WEIGHTS: dict[str, float] = {
    "collective_defence": 4.0,
    "mutual_assistance": 3.0,
    "consultation": 2.0,
    "non_aggression": 1.5,
    "neutrality": 1.5,
    "co_membership": 1.0,
    "political_factor": 0.5,
}
DEFAULT_EXCLUDED_KINDS = frozenset({"international_organisation", "operation"})


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

    Pledges are those of :func:`secnet.analytics.coverage.pledge_rows`, worked out
    here as index arrays: every pair of an arrangement's participants is one
    row, and a pledge between them raises that row's value.
    """
    w = window(at)
    wt = check_weights(weights)
    akinds = _check_kinds(actor_kinds, vocab.ACTOR_KINDS, "actor kind")
    rkinds = _check_kinds(arrangement_kinds, vocab.ARRANGEMENT_KINDS, "arrangement kind")
    alive = _alive(r, w, rkinds, set(exclude))
    roster = r.roster(w)

    # Actors in order of first appearance; per arrangement its participants and their roles.
    names: list[str] = []
    index: dict[str, int] = {}
    people: list[list[tuple[int, str]]] = []
    for arr in alive:
        rows = [(a, role) for a, role in roster.get(arr.id, ())
                if akinds is None or r.actors[a].kind in akinds]
        for a in sorted({a for a, _ in rows}):
            if a not in index:
                index[a] = len(names)
                names.append(a)
        people.append([(index[a], role) for a, role in rows])

    g = nx.Graph(at=w.label)
    g.add_nodes_from((a, {"label": r.actors[a].name, "kind": r.actors[a].kind}) for a in names)
    n = len(names)
    tie_names = ["co_membership"]
    pair_blocks, pledge_blocks = [], []
    for k, (arr, rows) in enumerate(zip(alive, people)):
        members = np.unique(np.array([i for i, _ in rows], dtype=np.int64))
        lo, hi = _pairs(len(members))
        pair_blocks.append((np.full(len(lo), k, dtype=np.int64), members[lo], members[hi]))
        for o in obligations_in_force(arr, w):
            between = {index[a] for a in o.parties if a in index} if o.parties else None
            givers = np.unique(np.array([i for i, role in rows if role_matches(role, o.from_role)
                                         and (between is None or i in between)], dtype=np.int64))
            takers = np.unique(np.array([i for i, role in rows if role_matches(role, o.to_role)
                                         and (between is None or i in between)], dtype=np.int64))
            gi, ti = np.repeat(givers, len(takers)), np.tile(takers, len(givers))
            keep = gi != ti
            if not keep.any():
                continue
            value = max(wt.get(o.type, wt["co_membership"]) * (1.0 if o.binding else wt["political_factor"]),
                        wt["co_membership"])
            name = o.type if o.binding else f"{o.type} (political)"
            if name not in tie_names:
                tie_names.append(name)
            lo, hi = np.minimum(gi[keep], ti[keep]), np.maximum(gi[keep], ti[keep])
            pledge_blocks.append(((k * n + lo) * n + hi, value, tie_names.index(name)))
    if not pair_blocks or not sum(len(b[1]) for b in pair_blocks):
        return g

    arr_k, lo, hi = (np.concatenate(x) for x in zip(*pair_blocks))
    value = np.full(len(lo), wt["co_membership"])
    tie = np.zeros(len(lo), dtype=np.int64)  # index into tie_names; 0 = co-membership
    if pledge_blocks:
        # The strongest pledge per arrangement and pair; among equals, the obligation listed first.
        keys = np.concatenate([b[0] for b in pledge_blocks])
        vals = np.concatenate([np.full(len(b[0]), b[1]) for b in pledge_blocks])
        ties = np.concatenate([np.full(len(b[0]), b[2], dtype=np.int64) for b in pledge_blocks])
        order = np.lexsort((-vals, keys))
        keys, vals, ties = keys[order], vals[order], ties[order]
        first = np.r_[True, keys[1:] != keys[:-1]]
        keys, vals, ties = keys[first], vals[first], ties[first]
        pair_key = (arr_k * n + lo) * n + hi
        pos = np.clip(np.searchsorted(keys, pair_key), 0, len(keys) - 1)
        hit = keys[pos] == pair_key
        value[hit], tie[hit] = vals[pos[hit]], ties[pos[hit]]

    # One run of rows per tie, in arrangement order; the strongest is the first row of the largest value.
    edge_key = lo * n + hi
    order = np.lexsort((arr_k, edge_key))
    edge_key, arr_k, value, tie = edge_key[order], arr_k[order], value[order], tie[order]
    starts = np.flatnonzero(np.r_[True, edge_key[1:] != edge_key[:-1]])
    counts = np.diff(np.r_[starts, len(edge_key)])
    totals = np.add.reduceat(value, starts).tolist()
    is_max = value == np.repeat(np.maximum.reduceat(value, starts), counts)
    maxima = np.flatnonzero(is_max)
    strongest = [tie_names[t] for t in tie[maxima[np.searchsorted(maxima, starts)]].tolist()]
    arr_ids = [a.id for a in alive]
    ids = [arr_ids[k] for k in arr_k.tolist()]
    contributions = list(zip(value.tolist(), [tie_names[t] for t in tie.tolist()]))
    bounds = np.r_[starts, len(edge_key)].tolist()
    ends = edge_key[starts].tolist()
    edges = [
        (names[key // n], names[key % n],
         {"weight": total, "arrangements": ids[s0:s1], "strongest": top,
          "by_arrangement": dict(zip(ids[s0:s1], contributions[s0:s1]))})
        for key, total, top, s0, s1 in zip(ends, totals, strongest, bounds[:-1], bounds[1:])
    ]
    g.add_edges_from(edges)
    return g


@lru_cache(maxsize=512)
def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every unordered pair of ``range(n)`` as two index arrays (``np.triu_indices``, cached by size)."""
    lo, hi = np.triu_indices(n, 1)
    lo.flags.writeable = hi.flags.writeable = False
    return lo, hi


def metrics(g: nx.Graph) -> list[dict]:
    """Per actor: degree, weighted degree, betweenness (distance 1/weight), eigenvector centrality."""
    if g.number_of_nodes() == 0:
        return []
    nodes = list(g.nodes)
    weights = weight_matrix(g, nodes)
    columns = zip(nodes, (weights > 0).sum(axis=1).tolist(), weights.sum(axis=1).round(6).tolist(),
                  betweenness_centrality(weights).round(6).tolist(), eigenvector_centrality(weights).round(6).tolist())
    return sorted(
        ({"actor_id": v, "name": g.nodes[v].get("label", v), "kind": g.nodes[v].get("kind"), "degree": degree,
          "weighted_degree": strength, "betweenness": between, "eigenvector": eigen}
         for v, degree, strength, between, eigen in columns),
        key=lambda x: (-x["weighted_degree"], x["actor_id"]),
    )


def weight_matrix(g: nx.Graph, nodes: list | None = None) -> np.ndarray:
    """The symmetric tie-weight matrix of ``g`` in ``nodes`` order (0 = no tie; an edge without weight counts 1)."""
    nodes = list(g) if nodes is None else nodes
    index = {v: i for i, v in enumerate(nodes)}
    out = np.zeros((len(nodes), len(nodes)))
    for u, ties in g.adjacency():
        i = index.get(u)
        ends = [(index[v], d.get("weight", 1.0)) for v, d in ties.items() if v in index] if i is not None else []
        if ends:
            cols, values = zip(*ends)
            out[i, list(cols)] = values
    return out


def betweenness_centrality(weights: np.ndarray) -> np.ndarray:
    """Normalised betweenness of an undirected weighted graph, distance = 1 / weight (Brandes 2001).

    ``weights`` is the symmetric weight matrix (0 = no tie). For every source s:
    shortest distances ``D`` (Floyd-Warshall); the shortest-path DAG
    ``P_s[u, v] = [D[s,u] + d(u,v) = D[s,v]]``; path counts ``sigma_s`` solve
    ``(I - P_s^T) sigma_s = e_s``; dependencies ``delta_s`` solve
    ``(I - M_s) delta_s = M_s 1`` with ``M_s[v, w] = P_s[v, w] sigma_s[v] / sigma_s[w]``.
    Both systems are solved for all sources at once, as sums of powers of the
    nilpotent DAG matrices (see :func:`_nilpotent_sum`). The result is
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
    reach = np.isfinite(d)
    total = np.zeros(n)
    for s0 in range(0, n, _SOURCE_BLOCK):  # sources in blocks: the (block, n, n) arrays stay in cache
        ds, b = d[s0:s0 + _SOURCE_BLOCK], min(_SOURCE_BLOCK, n - s0)
        with np.errstate(invalid="ignore"):
            gap = ds[:, :, None] + dist[None, :, :]
            gap -= ds[:, None, :]
        np.abs(gap, out=gap)
        pred = gap <= tol
        pred &= edge[None, :, :]
        pred &= reach[s0:s0 + b, :, None]
        p = pred.astype(np.float64)
        own = (np.arange(b), np.arange(s0, s0 + b))
        start = np.zeros((b, n))
        start[own] = 1.0
        sigma = _nilpotent_sum("su,suv->sv", p, start, n)
        inverse = np.divide(1.0, sigma, out=np.zeros_like(sigma), where=sigma > 0)
        m = p * sigma[:, :, None]
        m *= inverse[:, None, :]
        delta = _nilpotent_sum("sw,svw->sv", m, m.sum(axis=2), n)
        delta[own] = 0.0
        total += delta.sum(axis=0)
    return total / ((n - 1) * (n - 2))


_SOURCE_BLOCK = 16


def _nilpotent_sum(spec: str, m: np.ndarray, x: np.ndarray, n: int) -> np.ndarray:
    """``sum_k M^k x`` for a batch of nilpotent ``M`` (shortest-path DAGs), one hop per step.

    The same as solving ``(I - M) y = x``: a DAG has no path longer than ``n - 1``
    hops, so the powers vanish exactly; stepping hop by hop costs ``depth``
    batched matrix-vector products instead of a batch of LU factorisations.
    ``spec`` is the einsum of one step (``M`` or its transpose times ``x``).
    """
    total, step = x.copy(), x
    for _ in range(n):
        step = np.einsum(spec, step, m)
        if not step.any():
            break
        total += step
    return total


def eigenvector_centrality(weights: np.ndarray) -> np.ndarray:
    """The leading eigenvector of the weight matrix, non-negative, unit length (Bonacich 1972)."""
    if weights.shape[0] == 0:
        return np.zeros(0)
    vals, vecs = np.linalg.eigh(weights)
    lead = np.abs(vecs[:, np.argmax(vals)])
    norm = np.linalg.norm(lead)
    return lead / norm if norm else lead


def communities(g: nx.Graph, seed: int = 0, resolution: float = 1.0) -> list[list[str]]:
    """Louvain communities on tie weights, largest first; ``seed`` makes them reproducible (see :func:`louvain`)."""
    check_seed(seed)  # also for an empty graph: the same seeds are refused whatever the data
    if g.number_of_nodes() == 0:
        return []
    nodes = list(g)
    labels = louvain(weight_matrix(g, nodes), seed=seed, resolution=resolution)
    found: dict[int, list[str]] = {}
    for v, c in zip(nodes, labels.tolist()):
        found.setdefault(c, []).append(v)
    return sorted((sorted(c) for c in found.values()), key=lambda c: (-len(c), c))


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
    adjacency = dict(g.adjacency())
    for i, a in enumerate(nodes):
        ends = [(j, d) for b, d in adjacency[a].items() if (j := index.get(b)) is not None]
        if not ends:
            continue
        cols, data = zip(*ends)
        values = [d.get("weight", 1.0) for d in data]
        if drop is not None:
            values = [v - d.get("by_arrangement", {}).get(drop, (0.0,))[0] for v, d in zip(values, data)]
        strength[i, list(cols)] = np.maximum(values, 0.0)
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
    check_seed(seed)
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
