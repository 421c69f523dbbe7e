"""Self-contained PyTorch reference implementation of DIGRAC.

DIGRAC: He, Reinert, Cucuringu, "DIGRAC: Digraph Clustering Based on Flow
Imbalance", LoG 2022 (arXiv 2106.05194).  Written from the project spec
(shared/specs/digrac.md) and the published description of the model; see
NOTES.md beside this file for the facts we checked against the authors' code
and for the places where we deliberately differ.

Dependencies: numpy, scipy, torch (no torch_geometric).  Run the smoke test:

    /usr/bin/python3 bench/digrac/torch_digrac.py            # n=1000, K=3 cyclic DSBM
    /usr/bin/python3 bench/digrac/torch_digrac.py --eta 0.05

Public API
----------
hermitian_features(A, K, seed=0)              -> (n, 2K) float64 features
propagation_matrices(A, fill_value=0.5)       -> (M_s, M_t) torch sparse COO
class DIGRAC(torch.nn.Module)                 -> forward(X, M_s, M_t) = (z_normalised, logits, prob)
imbalance_loss(P, A_sparse, norm, selection, sel)
train(A, X, K, seed, ...)                     -> dict(labels, prob, loss_history, ...)
flow_imbalance_objectives(A, labels, K, sel)  -> dict of hard-partition objectives
meta_graph(style, K, eta, ambient, fill_val), dsbm(n, K, p, F, size_ratio, seed),
extract_network(A, labels)                    -> DSBM helpers for benchmarks
PAPER_REAL_DATA                               -> K and sel used by the paper per data set
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import time
from typing import Dict, Optional, Tuple

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import torch
import torch.nn.functional as F

# Debian's torch starts with a single intra-op thread; use every core so that the
# comparison against the C++ implementation is fair.
torch.set_num_threads(os.cpu_count() or 1)

EPS = 1e-8
NORMALISATIONS = ("plain", "vol_sum", "vol_max", "vol_min")
SELECTIONS = ("sort", "naive", "std")

# K and the 'sort' selection size used for the real data sets in the authors'
# experiment code (src/param_parser.py of SherylHYX/DIGRAC_Directed_Clustering);
# the same `sel` is used for training and for the reported O^sort objectives.
PAPER_REAL_DATA = {
    "blog": {"K": 2, "sel": 1},
    "telegram": {"K": 4, "sel": 5},
    "migration": {"K": 10, "sel": 9},
    "wikitalk": {"K": 10, "sel": 10},
    "lead_lag": {"K": 10, "sel": 3},
}


# ----------------------------------------------------------------------------
# Hermitian features
# ----------------------------------------------------------------------------
def hermitian_features(A: sp.spmatrix, K: int, seed: int = 0) -> np.ndarray:
    """Hermitian-matrix SVD features, n x 2K, column-standardised.

    H = i (A - A^T); H_rw = D_abs^{-1} H with D_abs the absolute row sums of H
    (rows whose sum is zero, e.g. nodes with only reciprocated edges, are left
    as zero instead of producing inf/nan); u = top-K left singular vectors of
    H_rw (complex, via ARPACK on the sparse complex matrix -- never densified);
    features = [Re u, Im u], each column shifted to zero mean and scaled to unit
    (population) variance; constant columns are only centred.

    Columns are ordered by decreasing singular value.  Note that the singular
    values of H_rw come in equal pairs (conj(H_rw) = -H_rw, so u and conj(u)
    share a singular value), hence the individual vectors are only defined up
    to a unitary mixing inside each degenerate subspace: different solvers (or
    the C++ implementation) can return different but equally valid features.
    For like-for-like comparisons compute X once and feed it to both sides.
    """
    A = sp.csr_matrix(A, dtype=np.float64)
    n = A.shape[0]
    if A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    if not 1 <= K < n - 1:
        raise ValueError("need 1 <= K < n - 1 for svds")
    S = (A - A.T).tocsr()  # real skew-symmetric; H = i S
    S.eliminate_zeros()
    row_abs = np.asarray(abs(S).sum(axis=1)).ravel()
    inv = np.zeros_like(row_abs)
    nz = row_abs > 0
    inv[nz] = 1.0 / row_abs[nz]
    H_rw = (sp.diags(inv) @ S).tocsr().astype(np.complex128) * 1j
    rng = np.random.default_rng(seed)
    v0 = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    u, s, _ = spla.svds(H_rw, k=K, v0=v0, which="LM", solver="arpack")
    order = np.argsort(-s, kind="stable")
    u = u[:, order]
    X = np.concatenate([u.real, u.imag], axis=1)
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std[std == 0] = 1.0
    return (X - mean) / std


# ----------------------------------------------------------------------------
# Sparse helpers
# ----------------------------------------------------------------------------
def _to_torch_coo(M: sp.spmatrix, dtype=torch.float32) -> torch.Tensor:
    M = sp.coo_matrix(M)
    idx = torch.from_numpy(np.vstack([M.row, M.col]).astype(np.int64))
    val = torch.from_numpy(M.data.astype(np.float64)).to(dtype)
    return torch.sparse_coo_tensor(idx, val, M.shape).coalesce()


class SparseOp:
    """A constant sparse matrix M with its transpose precomputed.

    `SparseOp @ dense` goes through a small autograd Function whose backward
    uses the stored M^T, which is markedly faster on CPU than letting
    torch.sparse.mm transpose M on every backward pass (torch 1.13).
    The matrix itself gets no gradient (it is data, not a parameter).
    """

    def __init__(self, M: sp.spmatrix, dtype=torch.float32):
        M = sp.csr_matrix(M)
        self.shape = M.shape
        self.M = _to_torch_coo(M, dtype)
        self.MT = _to_torch_coo(M.T, dtype)

    def __matmul__(self, x: torch.Tensor) -> torch.Tensor:
        return _SpMM.apply(x, self)


class _SpMM(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, op):  # type: ignore[override]
        ctx.op = op
        return torch.sparse.mm(op.M, x)

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        return torch.sparse.mm(ctx.op.MT, g), None


def _rw_with_self_loops(A: sp.csr_matrix, fill_value: float) -> sp.csr_matrix:
    """D^{-1} (A + fill I): self-loops added only where A has none (an existing
    self-loop keeps its weight, as PyG's add_remaining_self_loops does); row i
    divided by its weighted out-degree including the self-loop."""
    A = sp.csr_matrix(A, dtype=np.float64)
    A.eliminate_zeros()
    diag = A.diagonal()
    add = np.where(diag == 0, fill_value, 0.0)
    Ah = (A + sp.diags(add)).tocsr()
    deg = np.asarray(Ah.sum(axis=1)).ravel()
    inv = np.zeros_like(deg)
    nz = deg != 0
    inv[nz] = 1.0 / deg[nz]
    return (sp.diags(inv) @ Ah).tocsr()


def propagation_matrices(A: sp.spmatrix, fill_value: float = 0.5,
                         dtype=torch.float32) -> Tuple[SparseOp, SparseOp]:
    """(M_s, M_t): random-walk normalised A + fill I (source side, along edges)
    and A^T + fill I (target side, along reversed edges)."""
    A = sp.csr_matrix(A, dtype=np.float64)
    return (SparseOp(_rw_with_self_loops(A, fill_value), dtype),
            SparseOp(_rw_with_self_loops(A.T.tocsr(), fill_value), dtype))


def _spmm(M, x: torch.Tensor) -> torch.Tensor:
    if isinstance(M, SparseOp):
        return M @ x
    return torch.sparse.mm(M, x)


# ----------------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------------
class DIGRAC(torch.nn.Module):
    """DIGRAC node clustering: source/target 2-layer MLPs + DIMPA + linear head.

    x_s = relu(X W_s0) -> dropout -> (.) W_s1, likewise x_t with W_t0, W_t1;
    feat_s = sum_{h=0..hop} w_s[h] M_s^h x_s, feat_t = sum_h w_t[h] M_t^h x_t;
    z = [feat_s, feat_t]; logits = z W_prob + b; P = softmax(logits).
    Weights: Xavier-uniform with gain 1.414, b = 0, hop weights = 1.
    forward returns (row-L2-normalised z, logits, P); with embed=False the
    first element is None (saves a pass the loss does not need).
    """

    def __init__(self, num_features: int, K: int, hidden: int = 32, hop: int = 2,
                 dropout: float = 0.5):
        super().__init__()
        self.K = int(K)
        self.hop = int(hop)
        h = int(hidden)
        self.w_s0 = torch.nn.Parameter(torch.empty(num_features, h))
        self.w_s1 = torch.nn.Parameter(torch.empty(h, h))
        self.w_t0 = torch.nn.Parameter(torch.empty(num_features, h))
        self.w_t1 = torch.nn.Parameter(torch.empty(h, h))
        self.hop_s = torch.nn.Parameter(torch.empty(self.hop + 1))
        self.hop_t = torch.nn.Parameter(torch.empty(self.hop + 1))
        self.W_prob = torch.nn.Parameter(torch.empty(2 * h, self.K))
        self.bias = torch.nn.Parameter(torch.empty(self.K))
        self.dropout = torch.nn.Dropout(p=dropout)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # Same order of random draws as the reference package: the four MLP
        # matrices, then the output matrix.
        for w in (self.w_s0, self.w_s1, self.w_t0, self.w_t1):
            torch.nn.init.xavier_uniform_(w, gain=1.414)
        with torch.no_grad():
            self.bias.zero_()
            self.hop_s.fill_(1.0)
            self.hop_t.fill_(1.0)
        torch.nn.init.xavier_uniform_(self.W_prob, gain=1.414)

    def _mlp(self, X, w0, w1):
        return self.dropout(torch.relu(X @ w0)) @ w1

    def _dimpa(self, x, M, w):
        out = w[0] * x
        cur = x
        for h in range(1, self.hop + 1):
            cur = _spmm(M, cur)
            out = out + w[h] * cur
        return out

    def forward(self, X: torch.Tensor, M_s, M_t, embed: bool = True):
        x_s = self._mlp(X, self.w_s0, self.w_s1)
        x_t = self._mlp(X, self.w_t0, self.w_t1)
        z = torch.cat([self._dimpa(x_s, M_s, self.hop_s),
                       self._dimpa(x_t, M_t, self.hop_t)], dim=1)
        logits = z @ self.W_prob + self.bias
        prob = F.softmax(logits, dim=1)
        # The normalised embedding is not used by the loss; training skips it.
        return (F.normalize(z, dim=1) if embed else None), logits, prob


# ----------------------------------------------------------------------------
# Probabilistic imbalance loss
# ----------------------------------------------------------------------------
def _out_degree(A) -> torch.Tensor:
    if isinstance(A, SparseOp):
        return torch.sparse.sum(A.M, dim=1).to_dense()
    if A.is_sparse:
        return torch.sparse.sum(A, dim=1).to_dense()
    return A.sum(dim=1)


def _pair_values(W: torch.Tensor, vol: torch.Tensor, norm: str):
    """Per unordered pair k<l: (value, signed diff, sum, valid mask).  Values are
    only computed on pairs with d != 0 (others are skipped)."""
    K = W.shape[0]
    iu = torch.triu_indices(K, K, offset=1)
    k, l = iu[0], iu[1]
    wkl, wlk = W[k, l], W[l, k]
    diff = wkl - wlk
    valid = diff.detach() != 0
    k, l, wkl, wlk, diff = k[valid], l[valid], wkl[valid], wlk[valid], diff[valid]
    d = diff.abs()
    s = wkl + wlk
    if norm == "plain":
        val = d / s
    elif norm == "vol_sum":
        val = 2.0 * d / (vol[k] + vol[l] + EPS)
    elif norm == "vol_max":
        val = d / (torch.maximum(vol[k], vol[l]) + EPS)
    elif norm == "vol_min":
        second = torch.topk(vol, 2).values[1] if K >= 2 else vol.max()
        val = d / s * torch.minimum(vol[k], vol[l]) / (second + EPS)
    else:
        raise ValueError(f"unknown normalisation {norm!r}; use one of {NORMALISATIONS}")
    return val, diff, s


def _select(val: torch.Tensor, diff: torch.Tensor, s: torch.Tensor, K: int,
            selection: str, sel: Optional[int]) -> torch.Tensor:
    """Mean of the selected pair imbalances (a 0-d tensor, possibly 0)."""
    zero = val.sum() * 0.0  # keeps the graph connected when nothing is selected
    if selection == "sort":
        n_sel = int(K * (K - 1) // 2) if sel is None else int(sel)
        if n_sel <= 0:
            raise ValueError("sel must be positive")
        if val.numel() == 0:
            return zero
        order = torch.sort(val.detach(), descending=True, stable=True).indices
        # Divide by sel even when fewer than sel pairs have d != 0: skipped pairs
        # have imbalance 0, so this is the mean of the top-sel values.
        return val[order[:n_sel]].sum() / n_sel
    if selection == "naive":
        return val.mean() if val.numel() > 0 else zero
    if selection == "std":
        if val.numel() == 0:
            return zero
        keep = (diff.detach() ** 2 - 9.0 * s.detach()) > 0
        return val[keep].mean() if bool(keep.any()) else val.mean()
    raise ValueError(f"unknown selection {selection!r}; use one of {SELECTIONS}")


def imbalance_loss(P: torch.Tensor, A_sparse, norm: str = "vol_sum",
                   selection: str = "sort", sel: Optional[int] = None,
                   out_degree: Optional[torch.Tensor] = None) -> torch.Tensor:
    """1 - mean of the selected pairwise probabilistic flow imbalances.

    P: n x K soft assignment (rows sum to 1).  A_sparse: torch sparse (COO/CSR)
    or dense n x n tensor, or a SparseOp; A_ij = weight of edge i -> j.
    W(k,l) = P_k^T A P_l; VOL(k) = 1^T (A + A^T) P_k = (in_deg + out_deg)^T P_k.
    norm in {plain, vol_sum, vol_max, vol_min}; selection in {sort, naive, std}.
    sel (for 'sort'): number of top pairs; None -> all K(K-1)/2 pairs.
    Pairs whose flows are exactly balanced (d == 0) are skipped.  'naive' and
    'std' average over the non-skipped pairs (as the authors' code does).
    The selection is a non-differentiable choice; gradients flow through the
    selected terms only.  out_degree may be passed to avoid recomputing A 1.
    """
    K = P.shape[1]
    if not isinstance(A_sparse, SparseOp) and A_sparse.layout == torch.sparse_csr:
        A_sparse = A_sparse.to_sparse()  # CSR -> COO (sparse.sum / autograd support)
    AP = _spmm(A_sparse, P) if (isinstance(A_sparse, SparseOp) or A_sparse.is_sparse) \
        else A_sparse @ P
    W = P.t() @ AP  # W[k, l] = flow from cluster k to cluster l
    if out_degree is None:
        out_degree = _out_degree(A_sparse)
    vol = AP.sum(dim=0) + out_degree.to(P.dtype) @ P
    val, diff, s = _pair_values(W, vol, norm)
    return 1.0 - _select(val, diff, s, K, selection, sel)


# ----------------------------------------------------------------------------
# Hard-partition objectives (as the paper evaluates real data)
# ----------------------------------------------------------------------------
def flow_imbalance_objectives(A: sp.spmatrix, labels: np.ndarray, K: int,
                              sel: Optional[int] = None) -> Dict[str, object]:
    """Flow-imbalance objectives O^{selection}_{norm} of a HARD partition.

    Exactly the loss formulas above applied to the one-hot assignment, in
    float64: O = mean of the selected pair imbalances (= 1 - loss).  For
    'sort', `sel` is the number of top pairs: pass the value used for the data
    set (PAPER_REAL_DATA[name]['sel'] for the paper's real data, or
    sel_from_meta_graph(F) for a DSBM); None means all K(K-1)/2 pairs.
    Returns keys 'sort_vol_sum', 'naive_vol_sum' (the two the benchmark
    reports), every other '{selection}_{norm}' combination, 'sel', the K x K
    cluster flow matrix 'flow' and the cluster sizes 'sizes'.
    """
    A = sp.coo_matrix(A, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64).ravel()
    if labels.shape[0] != A.shape[0]:
        raise ValueError("labels length must equal the number of nodes")
    if labels.min() < 0 or labels.max() >= K:
        raise ValueError("labels must lie in [0, K)")
    Wf = np.zeros((K, K))
    np.add.at(Wf, (labels[A.row], labels[A.col]), A.data)
    deg = np.zeros(A.shape[0])
    np.add.at(deg, A.row, A.data)
    np.add.at(deg, A.col, A.data)
    vol = np.bincount(labels, weights=deg, minlength=K)
    W_t = torch.from_numpy(Wf)
    vol_t = torch.from_numpy(vol)
    res: Dict[str, object] = {}
    for norm in NORMALISATIONS:
        val, diff, s = _pair_values(W_t, vol_t, norm)
        for selection in SELECTIONS:
            res[f"{selection}_{norm}"] = float(_select(val, diff, s, K, selection, sel))
    res["sel"] = int(K * (K - 1) // 2) if sel is None else int(sel)
    res["flow"] = Wf
    res["sizes"] = np.bincount(labels, minlength=K)
    return res


# ----------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------
def train(A: sp.spmatrix, X: Optional[np.ndarray], K: int, seed: int, epochs: int = 200,
          lr: float = 0.01, weight_decay: float = 5e-4, dropout: float = 0.5,
          hidden: int = 32, hop: int = 2, norm: str = "vol_sum", selection: str = "sort",
          sel: Optional[int] = None, patience: Optional[int] = None,
          fill_value: float = 0.5, verbose: bool = False) -> Dict[str, object]:
    """Train DIGRAC on all nodes, self-supervised (no labels), full batch.

    Adam(lr, weight_decay) on all parameters; each epoch = one forward in train
    mode (dropout on), imbalance loss on the whole graph, one step.
    X: n x f node features; None -> hermitian_features(A, K, seed) (its time is
    reported as 'feature_seconds', not in the training time).

    Reported parameters:
      * patience is None: the parameters after the FINAL epoch.
      * patience = p: after every step the loss is re-evaluated in eval mode
        (dropout off) on the whole graph -- the authors' "validation loss" when
        all nodes are used; the parameters with the lowest such loss (ties go to
        the later epoch) are kept, and training stops once it has not improved
        for more than p consecutive epochs.  The returned model is the
        lowest-loss one.  (Authors' setting: epochs 1000, patience 200.)
    Labels/prob (and 'embedding', the row-normalised z) always come from an
    eval-mode forward with the returned parameters.  seconds_per_epoch = training-loop time / epochs_run
    (including the extra eval pass when patience is set); total_seconds =
    everything in this call except the Hermitian features.
    """
    t_start = time.perf_counter()
    A = sp.csr_matrix(A, dtype=np.float64)
    n = A.shape[0]
    feature_seconds = 0.0
    if X is None:
        t0 = time.perf_counter()
        X = hermitian_features(A, K, seed=seed)
        feature_seconds = time.perf_counter() - t0
        t_start += feature_seconds
    X_t = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    if X_t.shape[0] != n:
        raise ValueError("X must have one row per node")

    torch.manual_seed(seed)
    M_s, M_t = propagation_matrices(A, fill_value)
    A_op = SparseOp(A)
    out_deg = torch.from_numpy(np.asarray(A.sum(axis=1)).ravel()).float()
    model = DIGRAC(X_t.shape[1], K, hidden=hidden, hop=hop, dropout=dropout)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)

    history, eval_history = [], []
    best_loss, best_state, best_epoch, bad = math.inf, None, -1, 0
    t_loop = time.perf_counter()
    epochs_run = 0
    for epoch in range(epochs):
        model.train()
        _, _, prob = model(X_t, M_s, M_t, embed=False)
        loss = imbalance_loss(prob, A_op, norm, selection, sel, out_degree=out_deg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(float(loss.detach()))
        epochs_run = epoch + 1
        if patience is not None:
            model.eval()
            with torch.no_grad():
                _, _, prob_e = model(X_t, M_s, M_t, embed=False)
                le = float(imbalance_loss(prob_e, A_op, norm, selection, sel, out_degree=out_deg))
            eval_history.append(le)
            if le <= best_loss:
                best_loss, best_epoch, bad = le, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                bad += 1
            if bad > patience:
                break
        if verbose and (epoch % 20 == 0 or epoch == epochs - 1):
            print(f"epoch {epoch:4d} loss {history[-1]:.5f}")
    loop_seconds = time.perf_counter() - t_loop

    if patience is not None and best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        z, _, prob = model(X_t, M_s, M_t)
        final_loss = float(imbalance_loss(prob, A_op, norm, selection, sel, out_degree=out_deg))
    prob_np = prob.numpy().astype(np.float64)
    out: Dict[str, object] = {
        "labels": prob_np.argmax(axis=1),
        "prob": prob_np,
        "embedding": z.numpy(),
        "loss_history": np.asarray(history),
        "epochs_run": epochs_run,
        "seconds_per_epoch": loop_seconds / max(epochs_run, 1),
        "total_seconds": time.perf_counter() - t_start,
        "feature_seconds": feature_seconds,
        "final_eval_loss": final_loss,
        "reported": "best" if patience is not None else "final",
    }
    if patience is not None:
        out["eval_loss_history"] = np.asarray(eval_history)
        out["best_epoch"] = best_epoch
    return out


# ----------------------------------------------------------------------------
# DSBM generator (for benchmarks and the smoke run)
# ----------------------------------------------------------------------------
def meta_graph(style: str, K: int, eta: float, ambient: bool = False,
               fill_val: float = 0.5, seed: Optional[int] = None) -> np.ndarray:
    """Meta-graph F (K x K) as in the paper.  Diagonal 0.5; `eta` is the
    direction noise.  Entries that are structurally absent (e.g. non-adjacent
    clusters of a cyclic meta-graph, anything touching the ambient cluster)
    become `fill_val` (0.5 to generate data; 0 to count pairs for `sel`).
    eta = 0 gives exact 1/0 entries (the authors' code uses a temporary -1/2
    sentinel only so that these zeros are not overwritten by fill_val).
    'complete' draws a random direction per pair from `seed`: build F once and
    derive both the data meta-graph and the sel-counting one from the same
    draw (e.g. call twice with the same seed)."""
    F = np.full((K, K), np.nan)
    np.fill_diagonal(F, 0.5)
    m = K - 1 if ambient else K  # number of non-ambient clusters

    def put(i, j, fwd):
        F[i, j] = fwd
        F[j, i] = 1.0 - fwd

    if style == "path":
        for i in range(m - 1):
            put(i, i + 1, 1.0 - eta)
    elif style == "cyclic":
        if K > 2:
            for i in range(m):
                j = (i + 1) % m
                if i != j:
                    put(i, j, 1.0 - eta)
        elif not ambient:
            put(0, 1, 1.0 - eta)
    elif style == "complete":
        rng = np.random.default_rng(seed)
        for i in range(m - 1):
            for j in range(i + 1, m):
                put(i, j, (1.0 - eta) if rng.integers(2) else eta)
    elif style == "star":
        if K < 3 or (ambient and K < 4):
            raise ValueError("star needs K >= 3 (K >= 4 with ambient)")
        c = (K - 1) // 2
        for j in range(m):
            if j != c:
                put(c, j, (1.0 - eta) if j % 2 else eta)
    elif style == "multipartite":
        if K < 3 or (ambient and K < 4):
            raise ValueError("multipartite needs K >= 3 (K >= 4 with ambient)")
        g1 = math.ceil(m / 9)
        g2 = math.ceil(m * 3 / 9) + g1
        F[:g1, g1:g2] = eta
        F[g1:g2, :g1] = 1.0 - eta
        F[g1:g2, g2:m] = eta
        F[g2:m, g1:g2] = 1.0 - eta
    else:
        raise ValueError(f"unknown meta-graph style {style!r}")
    if ambient:
        F[-1, :] = np.nan
        F[:, -1] = np.nan
    F[np.isnan(F)] = fill_val
    return F


def sel_from_meta_graph(F: np.ndarray) -> int:
    """Number of pairs k<l with F_kl + F_lk > 0 (use F built with fill_val=0)."""
    K = F.shape[0]
    return int(sum(F[k, l] + F[l, k] > 0 for k in range(K) for l in range(k + 1, K)))


def dsbm(n: int, K: int, p: float, F: np.ndarray, size_ratio: float = 1.0,
         seed: Optional[int] = None) -> Tuple[sp.csr_matrix, np.ndarray]:
    """Directed SBM: edge i->j (i != j) independently with prob p*F[c(i), c(j)].
    Sizes: near-equal for size_ratio = 1, else geometric with ratio
    size_ratio^(1/(K-1)) (last cluster takes the remainder).  Nodes are randomly
    permuted.  Sampled block by block (binomial count + distinct positions), so
    memory is O(edges)."""
    rng = np.random.default_rng(seed)
    if size_ratio > 1:
        r = size_ratio ** (1.0 / (K - 1))
        sizes = [int(math.floor(n * (1 - r) / (1 - r ** K)))]
        for _ in range(1, K - 1):
            sizes.append(int(math.floor(sizes[-1] * r)))
        sizes.append(n - sum(sizes))
    else:
        sizes = [int(math.floor((i + 1) * n / K) - math.floor(i * n / K)) for i in range(K)]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    rows, cols = [], []
    for a in range(K):
        for b in range(K):
            q = p * F[a, b]
            na, nb = sizes[a], sizes[b]
            total = na * (na - 1) if a == b else na * nb
            if q <= 0 or total == 0:
                continue
            m = rng.binomial(total, min(q, 1.0))
            if m == 0:
                continue
            flat = rng.choice(total, size=m, replace=False)
            if a == b:
                i = flat // (na - 1)
                j = flat % (na - 1)
                j = j + (j >= i)
            else:
                i = flat // nb
                j = flat % nb
            rows.append(i + starts[a])
            cols.append(j + starts[b])
    r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    labels_sorted = np.repeat(np.arange(K), sizes)
    perm = rng.permutation(n)  # new position of sorted node i is perm[i]
    A = sp.csr_matrix((np.ones(r.shape[0]), (perm[r], perm[c])), shape=(n, n))
    labels = np.empty(n, dtype=np.int64)
    labels[perm] = labels_sorted
    return A, labels


def extract_network(A: sp.spmatrix, labels: Optional[np.ndarray] = None,
                    lowest_degree: int = 2, max_iter: int = 10):
    """Largest weakly connected component, then repeatedly drop nodes whose
    total (in + out, unweighted) degree is < lowest_degree (at most max_iter
    rounds), as the authors' pipeline intends."""
    from scipy.sparse.csgraph import connected_components
    A = sp.csr_matrix(A)
    _, comp = connected_components(A, directed=True, connection="weak")
    keep = np.flatnonzero(comp == np.bincount(comp).argmax())
    for _ in range(max_iter):
        B = A[keep][:, keep]
        Bb = (B != 0).astype(np.int64)
        deg = np.asarray(Bb.sum(axis=0)).ravel() + np.asarray(Bb.sum(axis=1)).ravel()
        ok = deg >= lowest_degree
        if ok.all() or not ok.any():
            break
        keep = keep[ok]
    B = A[keep][:, keep].tocsr()
    return (B, None if labels is None else np.asarray(labels)[keep])


# ----------------------------------------------------------------------------
# Smoke run
# ----------------------------------------------------------------------------
def _main() -> None:
    from sklearn.metrics import adjusted_rand_score

    ap = argparse.ArgumentParser(description="DIGRAC (PyTorch) smoke run on a cyclic DSBM")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--K", type=int, default=3)
    ap.add_argument("--p", type=float, default=0.02)
    ap.add_argument("--eta", type=float, default=0.1)
    ap.add_argument("--rho", type=float, default=1.0)
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--patience", type=int, default=None)
    ap.add_argument("--threads", type=int, default=None,
                    help="torch intra-op threads (default: os.cpu_count(), set at import)")
    args = ap.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)

    F_data = meta_graph("cyclic", args.K, args.eta, fill_val=0.5)
    sel = sel_from_meta_graph(meta_graph("cyclic", args.K, args.eta, fill_val=0.0))
    A, y = dsbm(args.n, args.K, args.p, F_data, size_ratio=args.rho, seed=args.seed)
    A, y = extract_network(A, y)
    print(f"DSBM cyclic n={A.shape[0]} K={args.K} p={args.p} eta={args.eta} rho={args.rho} "
          f"edges={A.nnz} sel={sel} torch_threads={torch.get_num_threads()}")
    t0 = time.perf_counter()
    X = hermitian_features(A, args.K, seed=args.seed)
    print(f"hermitian features {X.shape} in {time.perf_counter() - t0:.3f}s")
    res = train(A, X, args.K, seed=args.seed, epochs=args.epochs, sel=sel, patience=args.patience)
    ari = adjusted_rand_score(y, res["labels"])
    obj = flow_imbalance_objectives(A, res["labels"], args.K, sel=sel)
    obj_true = flow_imbalance_objectives(A, y, args.K, sel=sel)
    print(f"ARI={ari:.4f} epochs_run={res['epochs_run']} reported={res['reported']} "
          f"s/epoch={res['seconds_per_epoch'] * 1e3:.2f}ms total={res['total_seconds']:.2f}s")
    print(f"loss first={res['loss_history'][0]:.4f} last={res['loss_history'][-1]:.4f} "
          f"eval={res['final_eval_loss']:.4f}")
    print(f"found: O_sort_vol_sum={obj['sort_vol_sum']:.4f} O_naive_vol_sum={obj['naive_vol_sum']:.4f} "
          f"sizes={obj['sizes'].tolist()}")
    print(f"truth: O_sort_vol_sum={obj_true['sort_vol_sum']:.4f} "
          f"O_naive_vol_sum={obj_true['naive_vol_sum']:.4f} sizes={obj_true['sizes'].tolist()}")


if __name__ == "__main__":
    _main()
