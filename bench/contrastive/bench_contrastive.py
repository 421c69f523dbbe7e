#!/usr/bin/env python3
"""Contrastive clustering benchmark: graphclust's native PamC / SCGC* against a faithful PyTorch
implementation of the same models (torch_pamc.py), in the same run, on the same data and seeds.

  PYTHONPATH=build/python /usr/bin/python3 bench/contrastive/bench_contrastive.py [--quick] [--sections quality,scale]

Sections
  quality  cora, citeseer (../shared/graphs, with their features) and scikit-learn's digits as a 3-NN graph
           (the reference's USPS-style setting): ACC, NMI, ARI, macro-F1 of the FINAL epoch, mean and std over
           seeds, native and PyTorch; beside them the best epoch per metric, labelled "best epoch (uses
           labels)", which is how the published figures were produced. Hyper-parameters: the reference's
           Citeseer PamC run (also used for Cora, which the reference does not cover) and its USPS run for digits.
           A further native row runs the same model on graph-filtered features S^t X (feature_smoothing, t = 2
           by default, SGC's choice, the same t for every dataset; --feature-smoothing 0 skips it).
  scale    Time per epoch and peak memory of PamC and exact SCGC* at n = 3e3, 3e4, 3e5 on a planted graph with
           informative features (contextual SBM); each run in its own process (peak RSS); torch time per epoch.

Nothing here uses labels for training or model selection; the labelled "best epoch" rows are for
comparison with the papers only.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import graphclust as gc  # noqa: E402

SHARED = os.environ.get("GRAPHCLUST_SHARED", os.path.join(HERE, "..", "..", "..", "shared", "graphs"))

# The reference's runs (spec pamc_scgc.md): alpha, beta, order, tau, lr, influence.
CITESEER_PAMC = dict(alpha=2.0, beta=2.5, order=3, tau=0.5, learning_rate=1e-3, influence=True)
USPS_PAMC = dict(alpha=2.0, beta=2.0, order=4, tau=0.5, learning_rate=1e-3, influence=True)
PUBLISHED = {
    "citeseer": [("SDCN (best epoch)", .6596, .3871, .4017, .6362), ("DCRN (best epoch)", .7086, .4586, .4764, .6583),
                 ("HSAN (best epoch)", .7115, .4506, .4705, .6301), ("Dink-Net (best epoch)", .7036, .4587, .4696, .6596)],
    "cora": [("HSAN (best epoch)", .771, .592, None, None), ("Dink-Net (best epoch)", .781, .623, None, None),
             ("DGI", .726, .571, None, None)],
    "digits": [("PamC README, USPS (best epoch; other data)", .842, .803, .778, .788)],
}


def load_shared(name):
    d = os.path.join(SHARED, name)
    g = gc.read_graph(os.path.join(d, "edges.txt"))
    x = gc.read_features(os.path.join(d, "features.txt"), g)
    y = gc.read_labels(os.path.join(d, "labels.txt"), g)
    return g, x, y


def load_digits_knn(k=3):
    from sklearn.datasets import load_digits
    from sklearn.neighbors import NearestNeighbors
    data = load_digits()
    x = (data.data / 16.0).astype(np.float32)
    nn_ = NearestNeighbors(n_neighbors=k + 1).fit(x)
    _, idx = nn_.kneighbors(x)
    src = np.repeat(np.arange(len(x)), k)
    dst = idx[:, 1:].ravel()
    g = gc.Graph.from_edges(src.astype(np.uint32), dst.astype(np.uint32), num_nodes=len(x), duplicates="max")
    return g, x, data.target.astype(np.int32)


def metrics(truth, pred):
    mask = truth >= 0
    t, p = truth[mask].astype(np.int32), np.asarray(pred)[mask].astype(np.int32)
    return (gc.clustering_accuracy(t, p), gc.normalized_mutual_info_score(t, p), gc.adjusted_rand_score(t, p),
            gc.matched_macro_f1(t, p))


def best_epoch(truth, history):
    per = np.array([metrics(truth, h) for h in history])
    return per.max(axis=0)


def fmt(values):
    values = np.asarray(values)
    return "  ".join(f"{m:.3f}±{s:.3f}" for m, s in zip(values.mean(0), values.std(0)))


def quality(args):
    try:
        import torch_pamc as tp
    except ImportError:
        tp = None
    datasets = [d for d in args.datasets.split(",") if d]
    for name in datasets:
        if name == "digits":
            g, x, y = load_digits_knn()
            params = USPS_PAMC
        else:
            g, x, y = load_shared(name)
            params = CITESEER_PAMC
        k = int(y.max()) + 1
        print(f"\n== {name}: n={g.num_nodes} arcs={g.num_arcs} dims={x.shape[1]} k={k}; model pamc {params}; "
              f"hidden {args.hidden}, {args.epochs} epochs, pretrain {args.pretrain_epochs} epochs", flush=True)
        # bag-of-words features: the PyTorch side multiplies its first layer with a sparse X (same numbers up to
        # rounding), which halves its epoch on Debian's generic-BLAS torch; the model is unchanged
        sparse_x = bool((np.asarray(x) != 0).mean() < 0.1)
        native_final, native_best, torch_final, torch_best = [], [], [], []
        native_time, torch_time = [], []
        smooth_final, smooth_best, smooth_time = [], [], []
        def run_native(seed, smoothing, final, best, seconds):
            t0 = time.perf_counter()
            r = gc.contrastive_clustering(g, k, features=x, hidden=args.hidden, max_epochs=args.epochs,
                                          pretrain_epochs=args.pretrain_epochs, record_labels=True, seed=seed,
                                          feature_smoothing=smoothing, **params)
            seconds.append(time.perf_counter() - t0)
            final.append(metrics(y, r.labels))
            best.append(best_epoch(y, np.asarray(r.label_history).reshape(r.epochs + 1, -1)))
            # the k-means start's ACC: a seed's final figure follows it (NOTES, eighth session)
            return (" ".join(f"{v:.3f}" for v in final[-1]) + f" (start ACC {metrics(y, r.initial_labels)[0]:.3f})"
                    + f"  ({seconds[-1]:.1f} s)")

        for seed in range(args.seeds):
            line = f"  seed {seed}: native final ACC/NMI/ARI/F1 " + run_native(seed, 0, native_final, native_best, native_time)
            if args.feature_smoothing > 0:
                line += f"  | smoothed t={args.feature_smoothing} final " + run_native(
                    seed, args.feature_smoothing, smooth_final, smooth_best, smooth_time)
            if tp is not None and not args.no_torch:
                t0 = time.perf_counter()
                hidden = tuple(int(h) for h in args.hidden.split(","))
                tr = tp.run(x, gc.to_scipy(g), k, model="pamc", hidden=hidden, max_epochs=args.epochs,
                            pretrain_epochs=args.pretrain_epochs, seed=seed, sparse_features=sparse_x,
                            **{kk: v for kk, v in params.items() if kk != "learning_rate"}, learning_rate=params["learning_rate"])
                torch_time.append(time.perf_counter() - t0)
                torch_final.append(metrics(y, tr["labels"]))
                torch_best.append(best_epoch(y, tr["history"]))
                line += ("  | torch final " + " ".join(f"{v:.3f}" for v in torch_final[-1])
                         + f" (start ACC {metrics(y, tr['initial_labels'])[0]:.3f})  ({torch_time[-1]:.1f} s)")
            print(line, flush=True)
        print(f"  {'':38s} ACC          NMI          ARI          F1")
        print(f"  {'native PamC, final epoch':38s} {fmt(native_final)}   ({np.mean(native_time):.1f} s/run)")
        if torch_final:
            print(f"  {'PyTorch PamC, final epoch':38s} {fmt(torch_final)}   ({np.mean(torch_time):.1f} s/run)")
            print(f"  native - torch ACC: {100 * (np.mean(native_final, 0)[0] - np.mean(torch_final, 0)[0]):+.1f} points")
        print(f"  {'native, best epoch (uses labels)':38s} {fmt(native_best)}")
        if torch_best:
            print(f"  {'torch, best epoch (uses labels)':38s} {fmt(torch_best)}")
        if smooth_final:
            label = f"native PamC + S^{args.feature_smoothing} X, final"
            print(f"  {label:38s} {fmt(smooth_final)}   ({np.mean(smooth_time):.1f} s/run)")
            print(f"  {'  same, best epoch (uses labels)':38s} {fmt(smooth_best)}")
        for label, *vals in PUBLISHED.get(name, []):
            print(f"  {label:38s} " + "  ".join("  —        " if v is None else f"{v:.3f}      " for v in vals))


SCALE_CHILD = r"""
import json, sys, time, resource
import numpy as np, graphclust as gc
n, model, epochs, hidden = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
k = 5
p = gc.contextual_sbm(sizes=[n // k] * k, p_in=min(1.0, 10.0 / (n // k)), p_out=min(1.0, 2.0 / n), dims=32, mu=2.0, seed=1)
out = {}
try:
    times = []
    for e in (1, 1 + epochs):
        t0 = time.perf_counter()
        r = gc.contrastive_clustering(p.graph, k, features=p.features, model=model, hidden=hidden, embedding_dim=10,
                                      order=2, influence=True, max_epochs=e, pretrain_epochs=0, n_init=1, seed=0)
        times.append(time.perf_counter() - t0)
    out["s_per_epoch"] = (times[1] - times[0]) / epochs
    out["nnz"] = r.power_nonzeros
    out["ari"] = gc.adjusted_rand_score(np.asarray(p.labels), r.labels)
except ValueError as e:
    out["refused"] = str(e)
out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

TORCH_CHILD = r"""
import json, sys, time, resource
import numpy as np, graphclust as gc
sys.path.insert(0, sys.argv[5])
import torch_pamc as tp
n, model, epochs, hidden = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), tuple(int(h) for h in sys.argv[4].split(","))
k = 5
p = gc.contextual_sbm(sizes=[n // k] * k, p_in=min(1.0, 10.0 / (n // k)), p_out=min(1.0, 2.0 / n), dims=32, mu=2.0, seed=1)
r = tp.run(np.asarray(p.features), gc.to_scipy(p.graph), k, model=model, hidden=hidden, order=2, influence=True,
           max_epochs=epochs, pretrain_epochs=0, n_init=1, seed=0, record=False)
print(json.dumps({"s_per_epoch": r["seconds_train"] / epochs,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def scale(args):
    sizes = [3000, 30000] if args.quick else [3000, 30000, 300000]
    print(f"\n== scale: contextual SBM, k=5, 32 feature dims, ~12 neighbours, W = M + M^2; encoder {args.scale_hidden}-10")
    print(f"  {'n':>7s} {'model':10s} {'native s/epoch':>15s} {'native peak MiB':>16s} {'nnz(W)':>10s} "
          f"{'torch s/epoch':>14s} {'torch peak MiB':>15s} {'torch/native':>12s}")
    env = dict(os.environ)
    for n in sizes:
        for model in ("pamc", "scgc_star"):
            epochs = 3 if n >= 100000 else 5
            res = subprocess.run([sys.executable, "-c", SCALE_CHILD, str(n), model, str(epochs), args.scale_hidden],
                                 capture_output=True, text=True, env=env)
            try:
                nat = json.loads(res.stdout.strip().splitlines()[-1])
            except Exception:
                nat = {"refused": (res.stderr or res.stdout).strip().splitlines()[-1:]}
            tor = {}
            if not args.no_torch and "refused" not in nat:
                tres = subprocess.run([sys.executable, "-c", TORCH_CHILD, str(n), model, str(epochs), args.scale_hidden, HERE],
                                      capture_output=True, text=True, env=env)
                try:
                    tor = json.loads(tres.stdout.strip().splitlines()[-1])
                except Exception:
                    tor = {}
            if "refused" in nat:
                print(f"  {n:7d} {model:10s} refused ({nat['peak_mib']:.0f} MiB peak): {nat['refused']}"
                      if "peak_mib" in nat else f"  {n:7d} {model:10s} failed: {nat['refused']}")
                continue
            ratio = tor["s_per_epoch"] / nat["s_per_epoch"] if tor else float("nan")
            print(f"  {n:7d} {model:10s} {nat['s_per_epoch']:15.4f} {nat['peak_mib']:16.0f} {nat['nnz']:10d} "
                  f"{tor.get('s_per_epoch', float('nan')):14.4f} {tor.get('peak_mib', float('nan')):15.0f} {ratio:12.2f}",
                  flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1 seed, 50 epochs, 10 pretraining epochs, no n = 3e5")
    ap.add_argument("--sections", default="quality,scale")
    ap.add_argument("--datasets", default="citeseer,cora,digits")
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--pretrain-epochs", type=int, default=None)
    ap.add_argument("--hidden", default="500,500,2000")
    ap.add_argument("--scale-hidden", default="64,64,128")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--feature-smoothing", type=int, default=2,
                    help="also run native PamC on S^t X (SGC's filter, fixed t for every dataset; 0 = skip)")
    args = ap.parse_args()
    args.seeds = args.seeds or (1 if args.quick else 5)
    args.epochs = args.epochs or (50 if args.quick else 200)
    args.pretrain_epochs = args.pretrain_epochs if args.pretrain_epochs is not None else (10 if args.quick else 30)
    print(f"graphclust contrastive benchmark; {os.cpu_count()} CPUs; seeds {args.seeds}")
    if "quality" in args.sections:
        quality(args)
    if "scale" in args.sections:
        scale(args)


if __name__ == "__main__":
    main()
