#!/usr/bin/python3
"""graphclust spectral_clustering versus scikit-learn SpectralClustering, in the same run.

Usage:  PYTHONPATH=build/python /usr/bin/python3 bench/bench_spectral.py [--quick] [--no-sklearn-1e6]

Graphs: ../shared/graphs datasets that have labels (skipped when absent; directed ones symmetrised
for both libraries) and planted partitions with 10 blocks, average degree 20, at 1e4, 1e5 and 1e6
nodes (1e5, 1e6 and 1e7 edges). Both libraries get the same graph and k = number of classes.

graphclust runs in a fresh subprocess so that its peak resident memory (VmHWM, graph included)
is its own; its time is the whole spectral_clustering call (eigenvectors + readout), as is sklearn's
fit(). sklearn: eigen_solver="lobpcg" everywhere, "arpack" (shift-invert, factorises the matrix)
only on small graphs where it finishes in reasonable time. --quick: karate, cora and the 1e4 SBM.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("GRAPHCLUST_SOURCE_DIR", os.path.dirname(HERE))
GRAPHS = os.path.join(os.path.dirname(SOURCE), "shared", "graphs")
DATASETS = ["karate", "cora", "citeseer", "email-eu-core", "telegram", "citeseer-directed", "amazon-photo",
            "coauthor-cs"]
ARPACK_MAX_NODES = 4000


def sbm_spec(n):
    # 10 equal blocks, expected degree 14 inside + 6 outside = 20, i.e. m = 10 n.
    k = 10
    return {"kind": "sbm", "name": f"sbm-{n:.0e}", "sizes": [n // k] * k, "p_in": 14.0 / (n // k),
            "p_out": 6.0 / (n - n // k), "seed": 7}


def load(spec):
    import graphclust as gc
    if spec["kind"] == "sbm":
        g, truth = gc.stochastic_block_model(sizes=spec["sizes"], p_in=spec["p_in"], p_out=spec["p_out"],
                                             seed=spec["seed"])
    else:
        folder = os.path.join(GRAPHS, spec["name"])
        g = gc.read_graph(os.path.join(folder, "edges.txt"))
        truth = gc.read_labels(os.path.join(folder, "labels.txt"), g)
    return g, np.asarray(truth, dtype=np.int32)


def peak_rss_mb():
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss across
    fork + exec, so a child would report its parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(spec):
    """In a fresh process: load, cluster, score; print one JSON line."""
    import graphclust as gc
    g, truth = load(spec)
    k = int(truth.max()) + 1
    t0 = time.perf_counter()
    r = gc.spectral_clustering(g, k=k, seed=0)
    elapsed = time.perf_counter() - t0
    out = {"n": g.num_nodes, "m": g.num_edges, "k": k, "time": elapsed,
           "ari": gc.adjusted_rand_score(truth, r.labels), "nmi": gc.normalized_mutual_info_score(truth, r.labels),
           "converged": bool(r.converged), "matvecs": int(r.matvecs), "tau": float(r.tau),
           "components": int(r.components), "maxrss_mb": peak_rss_mb()}
    print(json.dumps(out))


def graphclust_run(spec):
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", json.dumps(spec)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def symmetric_adjacency(g):
    import scipy.sparse as sp
    n = g.num_nodes
    data = np.ones(len(g.targets)) if g.weights is None else np.asarray(g.weights, dtype=np.float64)
    a = sp.csr_matrix((data, np.asarray(g.targets), np.asarray(g.offsets)), shape=(n, n))
    return (a + a.T).tocsr() if g.directed else a


def sklearn_run(adj, truth, k, solver):
    import warnings
    import graphclust as gc
    from sklearn.cluster import SpectralClustering
    model = SpectralClustering(n_clusters=k, affinity="precomputed", eigen_solver=solver, random_state=0)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = model.fit(adj).labels_.astype(np.int32)
    elapsed = time.perf_counter() - t0
    return {"time": elapsed, "ari": gc.adjusted_rand_score(truth, labels),
            "nmi": gc.normalized_mutual_info_score(truth, labels)}


def fmt(x, spec="{:.3f}"):
    return "-" if x is None else spec.format(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="karate, cora and the 1e4 SBM only")
    ap.add_argument("--no-sklearn-1e6", action="store_true", help="skip sklearn on the 1e6-node SBM (~50 s)")
    args = ap.parse_args()
    if args.child:
        run_child(json.loads(args.child))
        return

    specs = []
    names = ["karate", "cora"] if args.quick else DATASETS
    for name in names:
        if os.path.exists(os.path.join(GRAPHS, name, "labels.txt")):
            specs.append({"kind": "file", "name": name})
        else:
            print(f"# skipping {name}: not found under {GRAPHS}")
    for n in ([10_000] if args.quick else [10_000, 100_000, 1_000_000]):
        specs.append(sbm_spec(n))

    header = ("graph", "n", "m", "k", "gc s", "lobpcg s", "ratio", "gc ARI", "gc NMI", "lobpcg ARI", "lobpcg NMI",
              "arpack ARI", "arpack NMI", "gc RSS MB", "ok")
    rows = []
    print("# graphclust spectral_clustering (NJW, k-means n_init=10, tau auto) vs sklearn SpectralClustering")
    print(" | ".join(header), flush=True)
    for spec in specs:
        ours = graphclust_run(spec)
        lob = arp = None
        run_sklearn = not (spec["kind"] == "sbm" and ours["n"] >= 1_000_000 and args.no_sklearn_1e6)
        if run_sklearn:
            g, truth = load(spec)
            adj = symmetric_adjacency(g)
            lob = sklearn_run(adj, truth, ours["k"], "lobpcg")
            if ours["n"] <= ARPACK_MAX_NODES and not args.quick:
                arp = sklearn_run(adj, truth, ours["k"], "arpack")
            del g, adj
        best_peer = max([r["ari"] for r in (lob, arp) if r] or [-1])
        ok = ours["ari"] >= best_peer - 1e-3
        row = (spec["name"], str(ours["n"]), str(ours["m"]), str(ours["k"]), fmt(ours["time"]),
               fmt(lob and lob["time"]), fmt(lob and lob["time"] / ours["time"], "{:.1f}x"), fmt(ours["ari"]),
               fmt(ours["nmi"]), fmt(lob and lob["ari"]), fmt(lob and lob["nmi"]), fmt(arp and arp["ari"]),
               fmt(arp and arp["nmi"]), fmt(ours["maxrss_mb"], "{:.0f}"), "yes" if ok else "NO")
        rows.append(row)
        print(" | ".join(row), flush=True)
        if not ours["converged"]:
            print(f"#   note: {spec['name']}: Lanczos did not converge ({ours['matvecs']} matvecs)")
    print(f"# {sum(r[-1] == 'yes' for r in rows)}/{len(rows)} graphs: graphclust ARI >= best sklearn ARI")
    hermitian_table()


def hermitian_table():
    """Directed SBM whose 3 clusters differ only by edge direction (cycle 0 -> 1 -> 2 -> 0, equal
    densities): Hermitian clustering versus spectral clustering of the symmetrised graph (ours and
    sklearn's lobpcg)."""
    import graphclust as gc
    print("# directed cyclic SBM, equal densities: hermitian_clustering vs symmetrised spectral clustering")
    print("n | m | hermitian s | hermitian ARI | gc symmetrised ARI | sklearn lobpcg (symmetrised) ARI")
    flow = [0.5, 1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 0.0, 0.5]
    for n in (3_000, 30_000):
        g, truth = gc.stochastic_block_model(sizes=[n // 3] * 3, p_in=30.0 / n, p_out=30.0 / n, directed=True,
                                             flow=flow, seed=5)
        t0 = time.perf_counter()
        h = gc.hermitian_clustering(g, k=3)
        elapsed = time.perf_counter() - t0
        s = gc.spectral_clustering(g, k=3)
        lob = sklearn_run(symmetric_adjacency(g), truth, 3, "lobpcg")
        print(f"{n} | {g.num_edges} | {elapsed:.3f} | {gc.adjusted_rand_score(truth, h.labels):.3f} | "
              f"{gc.adjusted_rand_score(truth, s.labels):.3f} | {lob['ari']:.3f}", flush=True)


if __name__ == "__main__":
    main()
