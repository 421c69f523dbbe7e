"""graphclust: fast graph clustering with a C++/oneTBB core.

Every C++ function is mirrored here with the same name, keyword arguments and defaults, generated
from the C++ declarations; results are objects with the same fields as the C++ result structs
(numpy arrays, without copies where possible) and the GIL is released while C++ computes. Bad input
raises ValueError (unreadable files: OSError); Ctrl-C raises KeyboardInterrupt.
"""
from ._graphclust import *  # noqa: F401,F403
from ._graphclust import Graph
from ._methods import FUNCTIONS as _FUNCTIONS
from ._methods import cluster, local_cluster, local_clustering, methods, local_methods, method_options  # noqa: F401
from ._results import Result  # noqa: F401

import numpy as _np

globals().update(_FUNCTIONS)

__all__ = [name for name in dir() if not name.startswith("_")] + ["from_scipy", "from_networkx", "to_scipy"]


def from_scipy(matrix, directed=None, duplicates="sum", self_loops="keep"):
    """Graph from a square scipy.sparse matrix (A[i, j] = weight of i -> j).

    directed=None decides by symmetry: a symmetric matrix gives an undirected graph. For an undirected
    graph the upper triangle (and diagonal) is used, so each edge is stored once, not twice. An all-ones
    matrix gives an unweighted graph.
    """
    import scipy.sparse as sp

    if not sp.issparse(matrix):
        raise ValueError("from_scipy expects a scipy.sparse matrix")
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"adjacency must be square, got shape {matrix.shape}")
    coo = sp.coo_matrix(matrix)
    coo.sum_duplicates()
    if directed is None:
        directed = (abs(coo - coo.T) > 0).nnz != 0
    rows, cols, data = coo.row, coo.col, coo.data
    if not directed:
        keep = rows <= cols
        rows, cols, data = rows[keep], cols[keep], data[keep]
    weights = None if data.size and _np.all(data == 1) else _np.asarray(data, dtype=_np.float32)
    return Graph.from_edges(rows, cols, weights, num_nodes=matrix.shape[0], directed=bool(directed),
                            duplicates=duplicates, self_loops=self_loops)


def from_networkx(graph, weight="weight"):
    """Graph from a networkx (Di)Graph; node names are kept (str of each node) unless the nodes are 0..n-1."""
    nodes = list(graph.nodes())
    index = {node: i for i, node in enumerate(nodes)}
    edges = list(graph.edges(data=weight, default=None))
    src = _np.fromiter((index[u] for u, _, _ in edges), dtype=_np.int64, count=len(edges))
    dst = _np.fromiter((index[v] for _, v, _ in edges), dtype=_np.int64, count=len(edges))
    values = [w for _, _, w in edges]
    weights = None
    if any(w is not None for w in values):
        weights = _np.array([1.0 if w is None else w for w in values], dtype=_np.float32)
    plain = all(isinstance(node, (int, _np.integer)) and node == i for i, node in enumerate(nodes))
    names = [] if plain else [str(node) for node in nodes]
    if len(set(names)) != len(names):
        raise ValueError("two networkx nodes have the same string form; relabel them first")
    return Graph.from_edges(src, dst, weights, num_nodes=len(nodes), directed=graph.is_directed(), names=names)


def to_scipy(graph):
    """The adjacency as scipy.sparse.csr_matrix (this copies: scipy needs its own index types)."""
    import scipy.sparse as sp

    data = graph.weights if graph.weighted else _np.ones(graph.num_arcs, dtype=_np.float32)
    return sp.csr_matrix((data, graph.targets.astype(_np.int64), graph.offsets.astype(_np.int64)),
                         shape=(graph.num_nodes, graph.num_nodes))
