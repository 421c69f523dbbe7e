#!/usr/bin/python3
"""Foundation benchmarks against the peers installed from Debian, in the same run, as ratios.

  PYTHONPATH=build/python /usr/bin/python3 bench/bench_foundation.py [--quick]

1. Parse a plain integer edge list (1e7 edges, ~138 MB): graphclust.read_graph (parse + CSR build)
   versus numpy.loadtxt and pandas.read_csv (parse only) when installed.
2. y = A x and Y = A X (16 columns) on a 1e6-node / 2e7-entry graph versus scipy.sparse, and the
   GB/s of CSR traffic that graphclust reaches.
"""
import argparse
import os
import tempfile
import time

import numpy as np
import scipy.sparse as sp

import graphclust as gc


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1e6 edges / 1e5 nodes instead of the full sizes")
    args = parser.parse_args()
    edges = 1_000_000 if args.quick else 10_000_000
    nodes = 100_000 if args.quick else 1_000_000

    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "edges.txt")
        pairs = rng.integers(0, nodes, size=(edges, 2))
        np.savetxt(path, pairs, fmt="%d")
        megabytes = os.path.getsize(path) / 1e6
        print(f"## parse: {edges:.0e} edges, {megabytes:.0f} MB integer edge list")
        ours = best_of(3, lambda: gc.read_graph(path, ids="integer"))
        rows = [("graphclust.read_graph (parse + CSR build)", ours)]
        rows.append(("numpy.loadtxt", best_of(1, lambda: np.loadtxt(path, dtype=np.int64))))
        try:
            import pandas as pd

            rows.append(("pandas.read_csv", best_of(1, lambda: pd.read_csv(path, sep=" ", header=None))))
        except ImportError:
            pass
        print(f"{'reader':45s} {'s':>8s} {'MB/s':>8s} {'graphclust speed-up':>20s}")
        for name, seconds in rows:
            print(f"{name:45s} {seconds:8.3f} {megabytes / seconds:8.0f} {seconds / ours:20.1f}x")

    print(f"\n## kernels: {nodes:.0e} nodes, ~{2 * edges:.0e} stored entries (random graph, avg degree ~20)")
    graph, _ = gc.stochastic_block_model(sizes=[nodes], p_in=2 * edges / nodes / nodes, p_out=0.0, seed=1)
    a = gc.to_scipy(graph).astype(np.float64)
    x = np.ones(graph.num_nodes)
    block = np.ones((graph.num_nodes, 16))
    csr_bytes = 8 * (graph.num_nodes + 1) + 4 * graph.num_arcs
    print(f"graph: {graph.num_nodes} nodes, {graph.num_arcs} stored entries")
    print(f"{'kernel':30s} {'graphclust ms':>14s} {'scipy ms':>10s} {'ratio':>8s} {'graphclust GB/s':>16s}")
    for name, ours_fn, peer_fn, vector_bytes in [
        ("A x (float64)", lambda: gc.apply_operator(graph, x), lambda: a @ x, 2 * 8 * graph.num_nodes),
        ("D^-1/2 A D^-1/2 x", lambda: gc.apply_operator(graph, x, operator="sym"), None, 2 * 8 * graph.num_nodes),
        ("A X, X n x 16 (float64)", lambda: gc.apply_operator(graph, block), lambda: a @ block, 2 * 8 * 16 * graph.num_nodes),
    ]:
        ours = best_of(5, ours_fn)
        peer = best_of(3, peer_fn) if peer_fn else float("nan")
        gbs = (csr_bytes + vector_bytes) / ours / 1e9
        print(f"{name:30s} {ours * 1e3:14.1f} {peer * 1e3:10.1f} {peer / ours:7.1f}x {gbs:16.1f}")


if __name__ == "__main__":
    main()
