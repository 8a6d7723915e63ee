"""Louvain communities and weighted modularity on a tie-weight matrix (numpy only, no networkx).

:func:`secnet.analytics.graph.communities` calls :func:`louvain` on the actor graph's
weight matrix; tests compare its partitions' modularity with networkx's.
"""

from __future__ import annotations

import random

import numpy as np

from ..seeds import check_seed


def modularity(weights: np.ndarray, labels: np.ndarray, resolution: float = 1.0) -> float:
    """Newman's weighted modularity ``Q = sum_c [L_c / m - resolution (K_c / 2m)^2]`` of a partition.

    ``L_c`` is the weight of ties inside community ``c``, ``K_c`` the summed
    strength of its actors and ``m`` the total tie weight (Newman 2004, "Analysis
    of weighted networks", Phys. Rev. E 70, 056131). ``weights`` is symmetric
    with a zero diagonal; ``labels`` gives each node's community.
    """
    return _modularity(_doubled(weights), np.unique(labels, return_inverse=True)[1], resolution)


def _doubled(weights: np.ndarray) -> np.ndarray:
    """The matrix with self-loops counted from both ends (``A_ii = 2 w_ii``), so row sums are strengths."""
    a = np.array(weights, dtype=np.float64)
    a[np.diag_indices_from(a)] *= 2
    return a


def _modularity(a: np.ndarray, labels: np.ndarray, resolution: float) -> float:
    two_m = a.sum()
    if two_m == 0:
        return 0.0
    hot = np.zeros((len(a), labels.max() + 1))
    hot[np.arange(len(a)), labels] = 1.0
    inner = np.einsum("ic,ij,jc->c", hot, a, hot)
    strength = hot.T @ a.sum(axis=1)
    return float((inner / two_m - resolution * (strength / two_m) ** 2).sum())


def louvain(weights: np.ndarray, seed: int = 0, resolution: float = 1.0, threshold: float = 1e-7) -> np.ndarray:
    """Louvain community detection (Blondel, Guillaume, Lambiotte & Lefebvre 2008): a label per node.

    Level by level: visit the nodes in a random order (``random.Random(seed)``,
    shuffled once per level) and move each to the neighbouring community with
    the largest modularity gain

    ``gain(u -> C) = (k_u,C - k_u,own) / m - resolution k_u (S_C - S_own) / (2 m^2)``

    (``k_u,C``: u's tie weight into C; ``S_C``: C's summed strength, u's own
    community counted without u; ``k_u``: u's strength), repeating
    passes until no node moves; then merge each community into one node and
    start again, until a level raises modularity by no more than ``threshold``.
    The same algorithm and stopping rule as ``networkx.community.louvain_communities``,
    on a dense matrix: ties between equal gains go to the lower community
    index, so the partition can differ from networkx's while its modularity
    is as good (tests compare both).
    """
    rng = random.Random(check_seed(seed))
    a = _doubled(weights)
    n = len(a)
    labels = np.arange(n)
    if n == 0 or a.sum() == 0:
        return labels
    m = a.sum() / 2
    current = _modularity(a, labels, resolution)
    while True:
        moved, moves = _one_level(a, m, rng, resolution)
        labels = moved[labels]
        if not moves:
            break
        better = _modularity(a, moved, resolution)
        if better - current <= threshold:
            break
        current = better
        hot = np.zeros((len(a), moved.max() + 1))
        hot[np.arange(len(a)), moved] = 1.0
        a = hot.T @ a @ hot
    return labels


def _one_level(a: np.ndarray, m: float, rng: random.Random, resolution: float) -> tuple[np.ndarray, bool]:
    """One Louvain level on the (aggregated) matrix ``a``: community per node (0..c-1) and whether any moved.

    ``into[u, c]`` (u's tie weight into community c, self-loops left out) is
    kept up to date as nodes move, so each visit is a few vector operations.
    """
    k = len(a)
    degree = a.sum(axis=1)
    ties = a.copy()
    np.fill_diagonal(ties, 0.0)
    into = ties.copy()  # every node starts alone
    total = degree.copy()  # summed strength per community
    community = np.arange(k)
    order = list(range(k))
    rng.shuffle(order)
    scale = resolution / (2 * m * m)
    any_move, moves = False, 1
    while moves:
        moves = 0
        for u in order:
            own, du = community[u], degree[u]
            total[own] -= du
            row = into[u]
            gain = row / m - scale * du * total
            gain[row <= 0] = -np.inf  # only communities u has ties into
            best = int(np.argmax(gain))
            target = best if gain[best] - (row[own] / m - scale * du * total[own]) > 0 else own
            total[target] += du
            if target != own:
                into[:, own] -= ties[:, u]
                into[:, target] += ties[:, u]
                community[u] = target
                moves += 1
                any_move = True
    return np.unique(community, return_inverse=True)[1], any_move
