#!/usr/bin/python3
"""Local clustering: graphclust push / flow diffusion versus networkx full PageRank + sweep, same run.

Usage:  PYTHONPATH=build/python /usr/bin/python3 bench/bench_local.py [--quick] [--seeds N] [--per-class]

For each labelled graph in ../shared/graphs (skipped when absent; directed ones symmetrised for every
method) and each class with at least --min-size members as the target cluster K, N seed nodes are drawn
from K with a fixed seed. Per seed:
  * graphclust ppr:  approximate_ppr (non-lazy walk, teleport alpha = 0.15, epsilon) + sweep cut of p/d
  * graphclust flow: 2-norm flow diffusion, source mass a * vol(K) for a in a small grid, keeping the run
                     whose support has the lowest conductance (the protocol of Yang & Fountoulakis 2023)
  * networkx:        nx.pagerank(personalization={seed: 1}, alpha = 0.85) over the whole graph + the same
                     sweep cut (in Python), on the same seeds
and the table reports mean F1 against K, mean conductance of the found set, ms per seed (single
thread, one call per seed, Python call overhead included) and touched nodes per seed, and networkx's
ms per seed divided by graphclust's (speed-up). A second table compares weighted flow diffusion
(node features, features.txt) with the base flow diffusion on cora and citeseer.

--quick: fewer seeds and classes, networkx on a subset of them.
"""
import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("GRAPHCLUST_SOURCE_DIR", os.path.dirname(HERE))
GRAPHS = os.path.join(os.path.dirname(SOURCE), "shared", "graphs")
DATASETS = ["cora", "citeseer", "amazon-photo", "coauthor-cs", "email-eu-core"]


def f1(truth_set, found):
    found = set(int(x) for x in found)
    both = len(truth_set & found)
    if both == 0:
        return 0.0
    p, r = both / len(found), both / len(truth_set)
    return 2 * p * r / (p + r)


def load(name):
    import graphclust as gc
    folder = os.path.join(GRAPHS, name)
    g = gc.read_graph(os.path.join(folder, "edges.txt"), directed=False)
    labels = np.asarray(gc.read_labels(os.path.join(folder, "labels.txt"), g), dtype=np.int32)
    return g, labels, folder


def to_networkx(g):
    import networkx as nx
    offsets = np.asarray(g.offsets).astype(np.int64)
    targets = np.asarray(g.targets).astype(np.int64)
    G = nx.Graph()
    G.add_nodes_from(range(g.num_nodes))
    src = np.repeat(np.arange(g.num_nodes), np.diff(offsets))
    keep = src < targets
    G.add_edges_from(zip(src[keep].tolist(), targets[keep].tolist()))
    return G


def python_sweep(G, scores, deg, total):
    """Sweep cut of a dict node -> score (ordered by score / degree), pure Python like a networkx user."""
    order = sorted((n for n, v in scores.items() if v > 0 and deg[n] > 0), key=lambda n: (-scores[n] / deg[n], n))
    inside = set()
    vol = cut = 0.0
    best, best_k = 2.0, 0
    for k, u in enumerate(order):
        internal = sum(1 for v in G.adj[u] if v in inside)
        inside.add(u)
        vol += deg[u]
        cut += deg[u] - 2 * internal
        denom = min(vol, total - vol)
        phi = cut / denom if denom > 0 else 1.0
        if phi < best:
            best, best_k = phi, k + 1
    return order[:best_k], best


def draw_seeds(labels, c, n, rng):
    members = np.flatnonzero(labels == c)
    return rng.choice(members, size=min(n, len(members)), replace=False).tolist()


def flow_protocol(call, vol_k, grid):
    """Runs call(mass) for mass = a * vol(K) over the grid, keeps the lowest support conductance."""
    best = None
    for a in grid:
        r = call(a * vol_k)
        if best is None or r["support_conductance"] < best["support_conductance"]:
            best = r
    return best


def bench_dataset(name, args, out):
    import graphclust as gc
    g, labels, folder = load(name)
    deg = np.asarray(g.out_degrees)
    classes = [c for c in range(labels.max() + 1) if np.sum(labels == c) >= args.min_size]
    if args.max_classes:
        classes = classes[: args.max_classes]
    rng = np.random.default_rng(args.rng)
    G = to_networkx(g) if args.networkx else None
    nx_deg = dict(enumerate(deg.tolist())) if G is not None else None
    total = float(g.total_volume)
    grid = [1.5, 2.0, 3.0, 5.0] if args.quick else list(np.arange(1.5, 5.01, 0.25))
    rows = []
    for c in classes:
        seeds = draw_seeds(labels, c, args.seeds, rng)
        truth = set(np.flatnonzero(labels == c).tolist())
        vol_k = float(deg[list(truth)].sum())
        row = {"class": c, "size": len(truth), "seeds": len(seeds)}
        # graphclust ppr
        f, phi, touched = [], [], []
        t0 = time.perf_counter()
        for s in seeds:
            r = gc.local_cluster(g, [s], method="ppr", alpha=args.alpha, epsilon=args.epsilon, lazy=False)
            f.append(f1(truth, r["cluster"]))
            phi.append(r["conductance"])
            touched.append(r["touched"])
        row["ppr_ms"] = 1e3 * (time.perf_counter() - t0) / len(seeds)
        row["ppr_f1"], row["ppr_phi"], row["ppr_touched"] = np.mean(f), np.mean(phi), np.mean(touched)
        # graphclust flow (mass grid, lowest conductance)
        f, phi, touched = [], [], []
        t0 = time.perf_counter()
        for s in seeds:
            r = flow_protocol(lambda m: gc.local_flow_diffusion(g, [s], mass=m, epsilon=1e-4, max_iters=50), vol_k, grid)
            f.append(f1(truth, r["support"]))
            phi.append(r["support_conductance"])
            touched.append(r["touched"])
        row["flow_ms"] = 1e3 * (time.perf_counter() - t0) / len(seeds)
        row["flow_f1"], row["flow_phi"], row["flow_touched"] = np.mean(f), np.mean(phi), np.mean(touched)
        # networkx on (a subset of) the same seeds
        if G is not None:
            import networkx as nx
            nx_seeds = seeds[: args.nx_seeds] if args.nx_seeds else seeds
            f, phi = [], []
            t0 = time.perf_counter()
            for s in nx_seeds:
                pr = nx.pagerank(G, alpha=1 - args.alpha, personalization={s: 1.0})
                found, best = python_sweep(G, pr, nx_deg, total)
                f.append(f1(truth, found))
                phi.append(best)
            row["nx_ms"] = 1e3 * (time.perf_counter() - t0) / len(nx_seeds)
            row["nx_f1"], row["nx_phi"] = np.mean(f), np.mean(phi)
            row["speedup"] = row["nx_ms"] / row["ppr_ms"]
        rows.append(row)
        if args.per_class:
            print_row(f"{name}/{c}", row, out)
        sys.stdout.flush()
    summary = {k: float(np.mean([r[k] for r in rows])) for k in rows[0] if k not in ("class",)} if rows else {}
    summary["classes"] = len(rows)
    return g, summary


HEADER = ("| graph | classes | seeds/class | ppr F1 | ppr cond | ppr ms/seed | ppr touched/seed | flow F1 | flow cond | "
          "flow ms/seed (whole mass grid) | flow touched/seed | nx F1 | nx cond | nx ms/seed | nx/ppr time |")


def fmt(v, spec):
    return format(v, spec) if v is not None else "-"


def print_row(label, r, out):
    print(f"| {label} | {r.get('classes', 1)} | {r['seeds']:.0f} | {r['ppr_f1']:.3f} | {r['ppr_phi']:.3f} | "
          f"{r['ppr_ms']:.2f} | {r['ppr_touched']:.0f} | {r['flow_f1']:.3f} | {r['flow_phi']:.3f} | "
          f"{r['flow_ms']:.2f} | {r['flow_touched']:.0f} | {fmt(r.get('nx_f1'), '.3f')} | {fmt(r.get('nx_phi'), '.3f')} | "
          f"{fmt(r.get('nx_ms'), '.1f')} | {fmt(r.get('speedup'), '.0f')}x |", file=out)


def bench_wfd(args, out):
    """Weighted flow diffusion (features) versus base flow diffusion, same seeds and protocol."""
    import graphclust as gc
    print(f"\n# weighted flow diffusion vs base flow diffusion, features: {args.wfd_features}, same seeds, mass grid "
          "a * vol(K), lowest (weighted) support conductance kept, epsilon 1e-4, 50 passes", file=out)
    print("| graph | gamma | classes | seeds/class | base flow F1 | WFD F1 | base ms/seed | WFD ms/seed | "
          "WFD touched/seed |", file=out)
    print("|---|---|---|---|---|---|---|---|---|", file=out)
    for name in ("cora", "citeseer"):
        folder = os.path.join(GRAPHS, name)
        if not os.path.exists(os.path.join(folder, "features.txt")):
            print(f"| {name} | (absent) |", file=out)
            continue
        g, labels, _ = load(name)
        x = np.asarray(gc.read_features(os.path.join(folder, "features.txt"), g), dtype=np.float64)
        if args.wfd_features == "unit":  # rows of length 1: ||x_i - x_j||^2 in [0, 4]
            norms = np.linalg.norm(x, axis=1, keepdims=True)
            x = x / np.where(norms > 0, norms, 1)
        elif args.wfd_features == "pca64":
            x = x - x.mean(axis=0)
            _, _, vt = np.linalg.svd(x, full_matrices=False)
            x = x @ vt[:64].T
            x /= np.sqrt(np.mean(np.sum(x * x, axis=1)))
        x = np.ascontiguousarray(x, dtype=np.float32)
        deg = np.asarray(g.out_degrees)
        classes = [c for c in range(labels.max() + 1) if np.sum(labels == c) >= args.min_size]
        grid = [1.5, 2.0, 3.0, 5.0] if args.quick else list(np.arange(1.5, 5.01, 0.25))
        for gamma in args.gammas:
            rng = np.random.default_rng(args.rng)
            fb, fw, tb, tw, touched = [], [], 0.0, 0.0, []
            count = 0
            for c in classes:
                seeds = draw_seeds(labels, c, args.seeds, rng)
                truth = set(np.flatnonzero(labels == c).tolist())
                vol_k = float(deg[list(truth)].sum())
                cb, cw = [], []
                for s in seeds:
                    t0 = time.perf_counter()
                    rb = flow_protocol(lambda m: gc.local_flow_diffusion(g, [s], mass=m, epsilon=1e-4, max_iters=50),
                                       vol_k, grid)
                    t1 = time.perf_counter()
                    rw = flow_protocol(lambda m: gc.weighted_flow_diffusion(g, [s], x, gamma=gamma, mass=m,
                                                                            epsilon=1e-4, max_iters=50), vol_k, grid)
                    t2 = time.perf_counter()
                    tb += t1 - t0
                    tw += t2 - t1
                    count += 1
                    cb.append(f1(truth, rb["support"]))
                    cw.append(f1(truth, rw["support"]))
                    touched.append(rw["touched"])
                fb.append(np.mean(cb))
                fw.append(np.mean(cw))
            print(f"| {name} | {gamma:g} | {len(classes)} | {args.seeds} | {np.mean(fb):.3f} | {np.mean(fw):.3f} | "
                  f"{1e3 * tb / count:.2f} | {1e3 * tw / count:.2f} | {np.mean(touched):.0f} |", file=out)
            out.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per class (default 20, quick 3)")
    parser.add_argument("--nx-seeds", type=int, default=None, help="networkx on the first N seeds of each class")
    parser.add_argument("--min-size", type=int, default=20, help="smallest class used as a target")
    parser.add_argument("--max-classes", type=int, default=0)
    parser.add_argument("--alpha", type=float, default=0.15, help="teleport probability")
    parser.add_argument("--epsilon", type=float, default=1e-5, help="push threshold")
    parser.add_argument("--rng", type=int, default=0, help="seed of the seed-node draw")
    parser.add_argument("--gammas", type=float, nargs="+", default=[1.0, 3.0])
    parser.add_argument("--wfd-features", choices=["pca64", "unit", "raw"], default="pca64",
                        help="pca64: centred features projected on 64 principal axes, scaled to mean squared norm 1 "
                             "(the reference reduces features by PCA); unit: rows scaled to length 1; raw: as read")
    parser.add_argument("--no-networkx", dest="networkx", action="store_false")
    parser.add_argument("--per-class", action="store_true")
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--no-wfd", dest="wfd", action="store_false")
    args = parser.parse_args()
    if args.seeds is None:
        args.seeds = 3 if args.quick else 20
    if args.nx_seeds is None:
        args.nx_seeds = 1 if args.quick else 5
    if args.quick and not args.max_classes:
        args.max_classes = 4
    if args.networkx:
        try:
            import networkx  # noqa: F401
        except ImportError:
            print("networkx not installed: its columns are left empty", file=sys.stderr)
            args.networkx = False

    import graphclust as gc  # noqa: F401
    out = sys.stdout
    print(f"# local clustering, seeds/class={args.seeds}, networkx seeds/class={args.nx_seeds}, alpha={args.alpha}, "
          f"epsilon={args.epsilon}, threads: graphclust calls are single-seed (one thread each)", file=out)
    print(HEADER, file=out)
    print("|" + "---|" * (HEADER.count("|") - 1), file=out)
    for name in args.datasets:
        if not os.path.exists(os.path.join(GRAPHS, name, "labels.txt")):
            print(f"| {name} | (absent: skipped) |", file=out)
            continue
        g, summary = bench_dataset(name, args, out)
        if summary:
            print_row(f"{name} (n={g.num_nodes})", summary, out)
        out.flush()
    if args.wfd:
        bench_wfd(args, out)


if __name__ == "__main__":
    main()
