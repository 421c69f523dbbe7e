#!/usr/bin/env python3
"""TV clustering benchmark: graphclust's native TVGNN (and the direct TV solver) against spectral
clustering, the published anchors and a faithful PyTorch implementation of the same model
(torch_tv.py), all in the same run, on the same inputs and seeds.

  PYTHONPATH=build/python /usr/bin/python3 bench/tv/bench_tv.py [--quick] [--seeds 5] [--sections quality,speed]

Sections
  quality  Cora, CiteSeer (features) and Amazon-Photo, Coauthor-CS (structure only: both implementations
           read the same spectral block, the one graphclust builds: spectral_clustering(k=16).embedding):
           NMI / ACC / ARI, mean and std over seeds, of the lowest-loss epoch (no label is used), beside
           spectral clustering, the direct TV solver and the PyTorch TVGNN on the same seeds.
  speed    Time per epoch, native vs PyTorch, at Cora size and on a planted graph with 1e5 nodes.
  memory   Peak RSS of native training on planted graphs of growing size (linear in m).

Nodes labelled -1 (CiteSeer's 15 unlabelled ones) are left out of the scores.
"""
import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import graphclust as gc  # noqa: E402

try:
    import torch_tv  # noqa: E402
except ImportError:  # python3-torch missing: native-only tables
    torch_tv = None

SHARED = os.environ.get("GRAPHCLUST_SHARED", os.path.join(HERE, "..", "..", "..", "shared", "graphs"))
GRAPHS = [("cora", True), ("citeseer", True), ("amazon-photo", False), ("coauthor-cs", False)]
# MinCutPool (Dink-Net Table 1) and DMoN anchors, NMI (../shared/specs/published.md).
ANCHORS = {"cora": "MinCutPool .410, DMoN .39", "citeseer": "MinCutPool .295", "amazon-photo": "MinCutPool .500 (745-d features)",
           "coauthor-cs": "DGCluster .720 (own k)"}


def load(name, with_features):
    folder = os.path.join(SHARED, name)
    g = gc.read_graph(os.path.join(folder, "edges.txt"))
    truth = np.asarray(gc.read_labels(os.path.join(folder, "labels.txt"), g), dtype=np.int32)
    x = np.asarray(gc.read_features(os.path.join(folder, "features.txt"), g), dtype=np.float32) if with_features else None
    return g, truth, x


def scores(truth, labels):
    keep = truth >= 0
    t, p = truth[keep], np.asarray(labels, dtype=np.int32)[keep]
    return (gc.normalized_mutual_info_score(t, p), gc.clustering_accuracy(t, p), gc.adjusted_rand_score(t, p))


def summary(rows):
    a = np.asarray(rows)
    return " ".join("%.3f±%.3f" % (m, s) for m, s in zip(a.mean(axis=0), a.std(axis=0)))


def structural_block(g, k, seed):
    # exactly what tv_clustering builds without features (spectral_feature_block, k columns)
    return np.asarray(gc.spectral_clustering(g, k=k, n_init=1, seed=seed).embedding, dtype=np.float32)


def section_quality(seeds, graphs, use_torch, max_epochs, torch_seeds, theta_init="fan_out"):
    print("\n== Quality at the lowest-loss epoch (up to %d epochs, patience 50): NMI ACC ARI, mean±std over seeds %s"
          "; torch on the first %d seed(s); theta_init %s" % (max_epochs, list(seeds), torch_seeds, theta_init))
    for name, with_features in graphs:
        if not os.path.exists(os.path.join(SHARED, name, "edges.txt")):
            print("%s: skipped (not found under %s)" % (name, SHARED))
            continue
        g, truth, x = load(name, with_features)
        k = int(truth.max()) + 1
        a = gc.to_scipy(g).astype(np.float32) if use_torch else None
        rows = {"native TVGNN": [], "torch TVGNN": [], "direct TV": [], "spectral": []}
        times = {"native TVGNN": [], "torch TVGNN": []}
        epochs = {"native TVGNN": [], "torch TVGNN": []}
        for seed in seeds:
            t0 = time.perf_counter()
            r = gc.tv_clustering(g, k, features=x, seed=seed, max_epochs=max_epochs, theta_init=theta_init)
            times["native TVGNN"].append((time.perf_counter() - t0) / r.epochs)
            epochs["native TVGNN"].append(r.reported_epoch)
            rows["native TVGNN"].append(scores(truth, r.labels))
            if use_torch and seed < torch_seeds:
                feats = x if with_features else structural_block(g, k, seed)
                # sparse X Theta when the features are bag-of-words: the same model, a bearable run time here
                t = torch_tv.run(a, feats, k, seed=seed, normalize=with_features, max_epochs=max_epochs,
                                 sparse_features=with_features, theta_init=theta_init)
                times["torch TVGNN"].append(t["seconds_per_epoch"])
                epochs["torch TVGNN"].append(t["reported_epoch"])
                rows["torch TVGNN"].append(scores(truth, t["labels"]))
            rows["direct TV"].append(scores(truth, gc.tv_clustering(g, k, model="direct", seed=seed).labels))
            rows["spectral"].append(scores(truth, gc.spectral_clustering(g, k=k, seed=seed).labels))
            # per seed, so a long run that is cut short still leaves its finished seeds
            done = [m for m, vals in rows.items() if vals and (m != "torch TVGNN" or seed < torch_seeds)]
            print("  %s seed %d (native reported epoch %d): " % (name, seed, epochs["native TVGNN"][-1])
                  + "; ".join("%s %s" % (m, " ".join("%.3f" % v for v in rows[m][-1])) for m in done), flush=True)
        print("\n%s (n=%d, arcs=%d, K=%d, %s; anchor: %s)" % (name, g.num_nodes, len(g.targets), k,
                                                           "features" if with_features else "structure only", ANCHORS[name]))
        for method, values in rows.items():
            if not values:
                continue
            extra = ""
            if method in times and times[method]:
                extra = "  %.1f ms/epoch, reported epoch %s" % (1e3 * np.mean(times[method]), epochs[method])
            print("  %-13s %s%s" % (method, summary(values), extra), flush=True)
        if rows["torch TVGNN"]:
            m = len(rows["torch TVGNN"])
            d = np.mean([v[0] for v in rows["native TVGNN"][:m]]) - np.mean([v[0] for v in rows["torch TVGNN"]])
            print("  native - torch NMI on the same %d seed(s): %+.3f" % (m, d))


def time_native(g, x, k, epochs):
    t0 = time.perf_counter()
    r = gc.tv_clustering(g, k, features=x, max_epochs=epochs, patience=0, seed=0)
    return (time.perf_counter() - t0) / r.epochs


def section_speed(quick, use_torch):
    print("\n== Time per epoch (full TVGNN: 2 x GTVConv 512, MLP 256), native vs PyTorch, %d threads" % (os.cpu_count() or 1))
    cases = []
    if os.path.exists(os.path.join(SHARED, "cora", "edges.txt")):
        g, truth, x = load("cora", True)
        cases.append(("cora (2,708 nodes, 1,433 features)", g, x, 7, 20))
    if not quick:
        # 1e5 nodes, 10 planted blocks, mean degree ~ 10, 32 Gaussian feature dims
        p = gc.contextual_sbm(sizes=[10000] * 10, p_in=8e-4, p_out=2.2e-5, dims=32, mu=2.0, seed=1)
        cases.append(("planted (1e5 nodes, %d arcs, 32 features)" % len(p.graph.targets), p.graph,
                      np.asarray(p.features, dtype=np.float32), 10, 3))
    for label, g, x, k, epochs in cases:
        native = time_native(g, x, k, epochs)
        line = "  %-45s native %8.1f ms/epoch" % (label, 1e3 * native)
        if use_torch:
            a = gc.to_scipy(g).astype(np.float32)
            torch_epochs = 3 if g.num_nodes < 10000 else 2  # Debian's torch multiplies with a generic BLAS
            t = torch_tv.run(a, x, k, max_epochs=torch_epochs, patience=0)
            line += "   torch %8.1f ms/epoch (%.1fx)" % (1e3 * t["seconds_per_epoch"], t["seconds_per_epoch"] / native)
            if (x != 0).mean() < 0.1:
                ts = torch_tv.run(a, x, k, max_epochs=torch_epochs, patience=0, sparse_features=True)
                line += "   torch, sparse X %8.1f ms/epoch (%.1fx)" % (1e3 * ts["seconds_per_epoch"],
                                                                      ts["seconds_per_epoch"] / native)
        print(line, flush=True)


MEMORY_SCRIPT = """
import resource, sys, numpy as np, graphclust as gc
n = int(sys.argv[1])
p = gc.contextual_sbm(sizes=[n // 10] * 10, p_in=80.0 / n, p_out=2.2 / n, dims=32, mu=2.0, seed=1)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
gc.tv_clustering(p.graph, 10, features=np.asarray(p.features), max_epochs=2, patience=0)
print(len(p.graph.targets), base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def section_memory(quick):
    import subprocess
    print("\n== Peak memory of native TVGNN (2 epochs, 512 channels) on planted graphs, mean degree ~10")
    for n in ([10000, 20000] if quick else [25000, 50000, 100000]):
        out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(n)], capture_output=True, text=True,
                             env=dict(os.environ)).stdout.split()
        arcs, base, peak = int(out[0]), int(out[1]), int(out[2])
        print("  n=%7d arcs=%8d  peak RSS %7.0f MiB (graph + features %5.0f MiB)  %.0f bytes per node" % (
            n, arcs, peak / 1024, base / 1024, (peak - base) * 1024 / n), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="Cora only, 2 seeds, no 1e5-node speed case")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--sections", default="quality,speed,memory")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--max-epochs", type=int, default=500, help="epoch cap of both implementations (reference: 500)")
    ap.add_argument("--torch-seeds", type=int, default=None, help="run PyTorch on the first N seeds only (default all)")
    ap.add_argument("--theta-init", default="fan_out", choices=["fan_in", "fan_out"],
                    help="GTVConv Theta std sqrt(2/fan), both implementations: fan_in (TensorFlow reference), fan_out (PyTorch reference)")
    ap.add_argument("--graphs", default=None, help="comma-separated subset of cora,citeseer,amazon-photo,coauthor-cs")
    args = ap.parse_args()
    use_torch = torch_tv is not None and not args.no_torch
    seeds = range(2 if args.quick else args.seeds)
    graphs = GRAPHS[:1] if args.quick else GRAPHS
    if args.graphs:
        graphs = [gr for gr in GRAPHS if gr[0] in args.graphs.split(",")]
    torch_seeds = len(seeds) if args.torch_seeds is None else args.torch_seeds
    sections = args.sections.split(",")
    if "quality" in sections:
        section_quality(seeds, graphs, use_torch, args.max_epochs, torch_seeds, args.theta_init)
    if "speed" in sections:
        section_speed(args.quick, use_torch)
    if "memory" in sections:
        section_memory(args.quick)


if __name__ == "__main__":
    main()
