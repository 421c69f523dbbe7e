#!/usr/bin/env python3
"""Local clustering from ONE seed node with every option at its default: what a new user gets.

For each graph and each class (the target cluster), seeds drawn from the class; F1 of the found cluster
against the class, mean over seeds and classes, for ppr, flow and noisy (noisy with labels that carry no
information: every node 1, i.e. flow on the plain graph) at their defaults.

  PYTHONPATH=build/python /usr/bin/python3 bench/bench_local_defaults.py [--seeds 20]
"""
import argparse
import os
import time

import numpy as np

import graphclust as gc

SHARED = os.environ.get("GRAPHCLUST_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "graphs"))


def f1(truth, found):
    found = set(int(x) for x in found)
    both = len(truth & found)
    return 0.0 if both == 0 else 2 * both / (len(truth) + len(found))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20, help="single seeds per class")
    ap.add_argument("--graphs", default="cora,amazon-photo,coauthor-cs")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print("%-14s %-7s | %-16s %-16s %-16s | %s" % ("graph", "classes", "ppr F1 (ms/seed)", "flow F1", "noisy F1",
                                                   "flow touched/seed"))
    for name in args.graphs.split(","):
        folder = os.path.join(SHARED, name)
        if not os.path.exists(os.path.join(folder, "edges.txt")):
            print("%-14s skipped (not found)" % name)
            continue
        g = gc.read_graph(os.path.join(folder, "edges.txt"))
        labels = gc.read_labels(os.path.join(folder, "labels.txt"), g)
        classes = [c for c in range(labels.max() + 1) if np.sum(labels == c) >= 20]
        sets, truths = [], []
        for c in classes:
            members = np.flatnonzero(labels == c)
            for s in rng.choice(members, size=min(args.seeds, len(members)), replace=False):
                sets.append([int(s)])
                truths.append(set(members.tolist()))
        ones = np.ones(g.num_nodes, dtype=np.int32)
        row = []
        touched = 0
        for method, kw in (("ppr", {}), ("flow", {}), ("noisy", {"labels": ones})):
            t = time.perf_counter()
            found = gc.local_clustering(g, sets, method, **kw)
            ms = 1000 * (time.perf_counter() - t) / len(sets)
            row.append("%.3f (%.2f)" % (np.mean([f1(t_, r.cluster) for t_, r in zip(truths, found)]), ms))
            if method == "flow":
                touched = np.mean([r.work.touched for r in found])
        print("%-14s %-7d | %-16s %-16s %-16s | %.0f" % (name, len(classes), row[0], row[1], row[2], touched))


if __name__ == "__main__":
    main()
