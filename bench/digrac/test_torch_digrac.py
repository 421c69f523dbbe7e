"""Checks for torch_digrac.py (pytest or plain `python3 test_torch_digrac.py`).

The loss is checked against a straightforward per-pair loop written from the
spec; the model against a dense re-computation; the objectives against the
loss on one-hot assignments."""
import os
import sys

import numpy as np
import scipy.sparse as sp
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_digrac as td  # noqa: E402


def _loop_loss(P, A, norm, selection, sel):
    """Per-pair loop, float64, dense A; spec semantics."""
    K = P.shape[1]
    vol = [(A + A.T).dot(P[:, k]).sum() for k in range(K)]
    second = sorted(vol)[-2]
    vals, keep = [], []
    for k in range(K - 1):
        for l in range(k + 1, K):
            wkl = P[:, k] @ A @ P[:, l]
            wlk = P[:, l] @ A @ P[:, k]
            if wkl - wlk == 0:
                continue
            d, s = abs(wkl - wlk), wkl + wlk
            v = {"plain": d / s,
                 "vol_sum": 2 * d / (vol[k] + vol[l] + td.EPS),
                 "vol_max": d / (max(vol[k], vol[l]) + td.EPS),
                 "vol_min": d / s * min(vol[k], vol[l]) / (second + td.EPS)}[norm]
            vals.append(v)
            keep.append((wkl - wlk) ** 2 - 9 * s > 0)
    if selection == "sort":
        sel = K * (K - 1) // 2 if sel is None else sel
        return 1 - sum(sorted(vals, reverse=True)[:sel]) / sel
    if not vals:
        return 1.0
    if selection == "std" and any(keep):
        vals = [v for v, k in zip(vals, keep) if k]
    return 1 - float(np.mean(vals))


def _random_graph(n, dens, seed):
    rng = np.random.default_rng(seed)
    A = sp.random(n, n, density=dens, random_state=rng, format="csr")
    A.data = rng.uniform(0.5, 2.0, A.nnz)
    return A


def test_loss_matches_loop():
    rng = np.random.default_rng(0)
    for K in (2, 3, 5):
        A = _random_graph(60, 0.1, K)
        P = rng.dirichlet(np.ones(K), size=60)
        Pt = torch.tensor(P)
        At = td._to_torch_coo(A, torch.float64)
        for norm in td.NORMALISATIONS:
            for selection in td.SELECTIONS:
                for sel in (None, 1, 2):
                    got = float(td.imbalance_loss(Pt, At, norm, selection, sel))
                    want = _loop_loss(P, A.toarray(), norm, selection, sel)
                    assert abs(got - want) < 1e-10, (K, norm, selection, sel, got, want)
                    got2 = float(td.imbalance_loss(Pt, torch.tensor(A.toarray()), norm, selection, sel))
                    assert abs(got2 - want) < 1e-10
                    got3 = float(td.imbalance_loss(Pt, At.to_sparse_csr(), norm, selection, sel))
                    assert abs(got3 - want) < 1e-10


def test_loss_gradient_sparseop_matches_dense():
    rng = np.random.default_rng(1)
    A = _random_graph(50, 0.1, 3)
    logits = torch.tensor(rng.standard_normal((50, 4)), requires_grad=True)
    op = td.SparseOp(A, torch.float64)
    g = []
    for Aop in (op, torch.tensor(A.toarray())):
        logits.grad = None
        td.imbalance_loss(torch.softmax(logits, 1), Aop, "vol_sum", "sort", 3).backward()
        g.append(logits.grad.clone())
    assert torch.allclose(g[0], g[1], atol=1e-12)


def test_objectives_match_loss_on_one_hot():
    A = _random_graph(80, 0.08, 7)
    labels = np.random.default_rng(2).integers(0, 4, 80)
    obj = td.flow_imbalance_objectives(A, labels, 4, sel=3)
    P = np.eye(4)[labels]
    for norm in td.NORMALISATIONS:
        for selection in td.SELECTIONS:
            want = 1 - _loop_loss(P, A.toarray(), norm, selection, 3)
            assert abs(obj[f"{selection}_{norm}"] - want) < 1e-10


def test_propagation_and_dimpa_dense():
    A = _random_graph(40, 0.1, 3).tolil()
    A[0, 0] = 2.0  # existing self-loop keeps its weight
    A = A.tocsr()
    M_s, M_t = td.propagation_matrices(A, 0.5, torch.float64)
    Ms = M_s.M.to_dense().numpy()
    Ad = A.toarray()
    Ah = Ad + np.diag(np.where(np.diag(Ad) == 0, 0.5, 0.0))
    assert np.allclose(Ms, Ah / Ah.sum(1, keepdims=True))
    Aht = Ad.T + np.diag(np.where(np.diag(Ad) == 0, 0.5, 0.0))
    assert np.allclose(M_t.M.to_dense().numpy(), Aht / Aht.sum(1, keepdims=True))
    torch.manual_seed(0)
    model = td.DIGRAC(6, 3, hidden=8, hop=2, dropout=0.0).double()
    with torch.no_grad():
        model.hop_s.copy_(torch.tensor([1.0, 0.5, 0.25]))
    X = torch.randn(40, 6, dtype=torch.float64)
    z, logits, prob = model(X, M_s, M_t)
    xs = torch.relu(X @ model.w_s0) @ model.w_s1
    xt = torch.relu(X @ model.w_t0) @ model.w_t1
    Ms_t, Mt_t = torch.tensor(Ms), M_t.M.to_dense()
    fs = xs + 0.5 * Ms_t @ xs + 0.25 * Ms_t @ Ms_t @ xs
    ft = xt + Mt_t @ xt + Mt_t @ Mt_t @ xt
    zz = torch.cat([fs, ft], 1)
    assert torch.allclose(logits, zz @ model.W_prob + model.bias)
    assert torch.allclose(z, zz / zz.norm(dim=1, keepdim=True))
    assert torch.allclose(prob.sum(1), torch.ones(40, dtype=torch.float64))


def test_hermitian_features():
    F = td.meta_graph("cyclic", 3, 0.1)
    A, _ = td.dsbm(300, 3, 0.05, F, seed=3)
    A, _ = td.extract_network(A)
    X = td.hermitian_features(A, 3)
    assert X.shape == (A.shape[0], 6)
    assert np.allclose(X.mean(0), 0, atol=1e-10) and np.allclose(X.std(0), 1)
    # the subspace must be a top singular subspace of H_rw (check via dense SVD)
    Ad = A.toarray()
    H = 1j * (Ad - Ad.T)
    r = np.abs(H).sum(1)
    Hrw = H / np.where(r > 0, r, 1)[:, None]
    s_all = np.linalg.svd(Hrw, compute_uv=False)
    u, s, _ = sp.linalg.svds(sp.csr_matrix(Hrw), k=3)
    assert np.allclose(np.sort(s)[::-1], s_all[:3], rtol=1e-6)


def test_dsbm_and_meta_graph():
    F = td.meta_graph("cyclic", 5, 0.2, fill_val=0.5)
    assert np.allclose([F[0, 1], F[1, 0], F[0, 2], F[4, 0], F[0, 4]], [0.8, 0.2, 0.5, 0.8, 0.2])
    assert td.sel_from_meta_graph(td.meta_graph("cyclic", 5, 0.2, fill_val=0.0)) == 5
    F0 = td.meta_graph("cyclic", 3, 0.0, fill_val=0.0)
    assert F0[0, 1] == 1.0 and F0[1, 0] == 0.0
    Fc = td.meta_graph("complete", 4, 0.1, ambient=True, fill_val=0.0, seed=1)
    assert td.sel_from_meta_graph(Fc) == 3
    A, y = td.dsbm(2000, 4, 0.01, td.meta_graph("cyclic", 4, 0.0), size_ratio=2.0, seed=0)
    sizes = np.bincount(y)
    assert sizes.sum() == 2000 and sizes.max() / sizes.min() > 1.8
    assert A.diagonal().sum() == 0
    # eta = 0: no edge from cluster c+1 back to cluster c
    coo = A.tocoo()
    assert not np.any((y[coo.row] == 1) & (y[coo.col] == 0))


def test_train_deterministic_and_accurate():
    from sklearn.metrics import adjusted_rand_score
    F = td.meta_graph("cyclic", 3, 0.05)
    A, y = td.dsbm(600, 3, 0.03, F, seed=5)
    A, y = td.extract_network(A, y)
    X = td.hermitian_features(A, 3)
    r1 = td.train(A, X, 3, seed=1, epochs=60, sel=3)
    r2 = td.train(A, X, 3, seed=1, epochs=60, sel=3)
    assert np.array_equal(r1["loss_history"], r2["loss_history"])
    assert np.array_equal(r1["labels"], r2["labels"])
    assert adjusted_rand_score(y, r1["labels"]) > 0.8
    r3 = td.train(A, X, 3, seed=1, epochs=60, sel=3, patience=5)
    assert r3["reported"] == "best" and r3["epochs_run"] <= 60
    assert abs(r3["final_eval_loss"] - min(r3["eval_loss_history"])) < 1e-5


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_"):
            fn()
            print("ok", name)
