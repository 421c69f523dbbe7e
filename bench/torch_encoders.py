#!/usr/bin/env python3
"""Native engine against the LibTorch encoder (encoder="torch", device cpu, and cuda when present):
seconds per training epoch of each learned method on the same planted graph, in the same run.

  PYTHONPATH=build/python /usr/bin/python3 bench/torch_encoders.py [--sizes 10000,100000] [--epochs 10]

Time per epoch = (time of an E-epoch run - time of a 1-epoch run) / (E - 1), so the set-up both engines
share (features, W, the sparse tensor, pretraining, k-means) cancels out. Features are given (no
structural block is built). Ratio = torch / native: above 1, native is faster.
  digrac  cyclic DSBM, K=5, average degree ~20, 2K Hermitian features, hidden 32
  tv      contextual SBM, K=10, average degree ~10, 32 features, 512 GTVConv channels (the reference)
  pamc    contextual SBM, K=10, average degree ~10, 32 features, encoder 500-500-2000-10 (the reference);
          W = M + M^2 + M^3 up to n = 3e4; above, order 2 (at 1e5 the order-3 sum would hold 1.09e8
          non-zeros and the default max_power_nonzeros guard refuses it)
"""
import argparse
import time

import numpy as np

import graphclust as gc


def seconds(fn, **kw):
    t = time.perf_counter()
    fn(**kw)
    return time.perf_counter() - t


def per_epoch(fn, epochs, **kw):
    one = seconds(fn, max_epochs=1, **kw)
    many = seconds(fn, max_epochs=epochs, **kw)
    return max(many - one, 0.0) / (epochs - 1)


def cases(n):
    d = gc.directed_sbm(num_nodes=n, k=5, p=20.0 / n, eta=0.1, seed=0)
    xd = gc.hermitian_features(d.graph, 5, seed=0)
    p = gc.contextual_sbm(sizes=[n // 10] * 10, p_in=80.0 / n, p_out=2.2 / n, dims=32, mu=2.0, seed=1)
    xp = np.asarray(p.features)
    yield "digrac", lambda **kw: gc.digrac(d.graph, 5, features=xd, seed=0, **kw)
    yield "tv", lambda **kw: gc.tv_clustering(p.graph, 10, features=xp, patience=0, seed=0, **kw)
    order = 3 if n <= 30000 else 2
    yield "pamc", lambda **kw: gc.contrastive_clustering(p.graph, 10, features=xp, pretrain_epochs=0, n_init=1,
                                                         order=order, seed=0, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--methods", default="digrac,tv,pamc")
    args = ap.parse_args()
    cuda = gc.torch_cuda_available() if hasattr(gc, "torch_cuda_available") else False
    print("s/epoch, native vs torch (cpu%s), %d-epoch runs minus 1-epoch runs" % (", cuda" if cuda else "", args.epochs))
    print("%-7s %-8s %10s %10s %8s %s" % ("method", "n", "native", "torch-cpu", "ratio", "torch-cuda" if cuda else ""))
    for n in [int(s) for s in args.sizes.split(",")]:
        for name, fn in cases(n):
            if name not in args.methods.split(","):
                continue
            native = per_epoch(fn, args.epochs)
            torch_cpu = per_epoch(fn, args.epochs, encoder="torch", device="cpu")
            extra = ""
            if cuda:
                extra = "%10.4f" % per_epoch(fn, args.epochs, encoder="torch", device="cuda")
            print("%-7s %-8d %10.4f %10.4f %7.2fx %s" % (name, n, native, torch_cpu, torch_cpu / native, extra), flush=True)


if __name__ == "__main__":
    main()
