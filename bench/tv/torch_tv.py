"""A faithful PyTorch implementation of the reference TVGNN vertex-clustering model (Hansen & Bianchi,
ICML 2023), sparse, for bench_tv.py. Written for this benchmark from the paper and the spec
(../../../shared/specs/tvgnn.md); no code is taken from the authors' repository.

Model (the reference's vertex-clustering configuration):
  GTVConv x' = elu((I - delta L_Gamma) X Theta + b), Gamma_ij = a_ij / max(||(X Theta)_i - (X Theta)_j||_1, eps),
  twice with 512 channels; MLP 512 -> 256 (relu) -> K; softmax.
  loss = totvar_coeff * L_GTV + balance_coeff * L_AN (the AsymCheegerCut losses).
  Adam lr 1e-3, eps 1e-7; up to 500 epochs, patience 50 on the training loss; the reported assignment is
  that of the lowest-loss epoch.
Sparse as the reference's edge_index branch: the per-arc l1 distances gather both endpoints' rows
(num_arcs x channels, as PyG does); the Laplacian product is PyG-style message passing (gather the
neighbours' rows, scale by Gamma, scatter-add), so the gradient reaches Gamma per arc. The TV loss is evaluated on the arcs (the reference builds a dense N x N adjacency for it).

Initialisation as graphclust's native model: Theta Kaiming-normal with std sqrt(2 / fan), fan = the input
width (theta_init="fan_in", the TensorFlow reference's he_normal) or the output width ("fan_out", what the
PyTorch reference's kaiming_normal_ gives on its in x out weight); MLP weights Xavier-uniform, biases zero.
"""
import math
import os
import time

import numpy as np
import torch

torch.set_num_threads(os.cpu_count() or 1)


def normalize_features(x):
    """PyG NormalizeFeatures: shift by the global minimum when negative, rows / max(row sum, 1)."""
    x = np.asarray(x, dtype=np.float32).copy()
    lo = x.min() if x.size else 0.0
    if lo < 0:
        x -= lo
    x /= np.maximum(x.sum(axis=1, keepdims=True), 1.0)
    return x


class GTVConv(torch.nn.Module):
    def __init__(self, cin, cout, delta, eps, theta_init="fan_out"):
        super().__init__()
        if theta_init not in ("fan_in", "fan_out"):
            raise ValueError("theta_init must be fan_in or fan_out, got %r" % (theta_init,))
        self.theta = torch.nn.Parameter(torch.empty(cin, cout))
        self.bias = torch.nn.Parameter(torch.zeros(cout))
        torch.nn.init.normal_(self.theta, 0.0, math.sqrt(2.0 / (cin if theta_init == "fan_in" else cout)))
        self.delta, self.eps = delta, eps

    def forward(self, x, row, col, weight, n):
        h = torch.sparse.mm(x, self.theta) if x.is_sparse else x @ self.theta
        dist = (h[row] - h[col]).abs().sum(dim=1)
        gamma = weight / dist.clamp(min=self.eps)
        deg = torch.zeros(n, dtype=h.dtype).index_add(0, row, gamma)
        # message passing as PyG's propagate (flow target_to_source): node i sums gamma_ij h_j over its arcs
        agg = torch.zeros_like(h).index_add(0, row, gamma.unsqueeze(1) * h[col])
        lap_h = deg.unsqueeze(1) * h - agg
        return torch.nn.functional.elu(h - self.delta * lap_h + self.bias)


class TVGNN(torch.nn.Module):
    def __init__(self, cin, k, mp_channels=512, mp_layers=2, delta=0.311, eps=1e-3, mlp_hidden=256, theta_init="fan_out"):
        super().__init__()
        self.convs = torch.nn.ModuleList()
        c = cin
        for _ in range(mp_layers):
            self.convs.append(GTVConv(c, mp_channels, delta, eps, theta_init))
            c = mp_channels
        self.mlp = torch.nn.ModuleList()
        for width in ([mlp_hidden] if mlp_hidden > 0 else []) + [k]:
            layer = torch.nn.Linear(c, width)
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
            self.mlp.append(layer)
            c = width

    def forward(self, x, row, col, weight, n):
        for conv in self.convs:
            x = conv(x, row, col, weight, n)
        for layer in self.mlp[:-1]:
            x = torch.relu(layer(x))
        return torch.softmax(self.mlp[-1](x), dim=1)


def tv_loss(s, row, col, weight):
    return (weight * (s[row] - s[col]).abs().sum(dim=1)).sum() / (2 * row.numel())


def balance_loss(s):
    n, k = s.shape
    quant = torch.sort(s, dim=0, descending=True)[0][n // k]
    r = s - quant
    asym = (r >= 0) * (k - 1) * r + (r < 0) * (-r)
    return 1 - asym.sum() / (n * (k - 1))


def arcs_from_scipy(a):
    """(row, col, weight) of every stored entry of a symmetric scipy adjacency."""
    a = a.tocoo()
    return (torch.as_tensor(a.row, dtype=torch.long), torch.as_tensor(a.col, dtype=torch.long),
            torch.as_tensor(a.data, dtype=torch.float32))


def run(adjacency, features, k, seed=0, totvar_coeff=0.785, balance_coeff=0.514, lr=1e-3, adam_eps=1e-7,
        max_epochs=500, patience=50, normalize=True, sparse_features=False, **model_options):
    """Trains the reference model; returns a dict with labels, assignments, losses, reported_epoch,
    epochs and seconds_per_epoch. sparse_features: the first product X Theta as a sparse COO mm (the
    same numbers up to rounding; the reference multiplies a dense X)."""
    torch.manual_seed(seed)
    x = torch.as_tensor(normalize_features(features) if normalize else np.asarray(features, dtype=np.float32))
    if sparse_features:
        x = x.to_sparse()
    row, col, weight = arcs_from_scipy(adjacency)
    n = x.shape[0]
    model = TVGNN(x.shape[1], k, **model_options)
    opt = torch.optim.Adam(model.parameters(), lr=lr, eps=adam_eps)
    losses, best, best_state, best_epoch, wait = [], math.inf, None, -1, 0
    start = time.perf_counter()
    for epoch in range(max_epochs):
        opt.zero_grad()
        s = model(x, row, col, weight, n)
        loss = totvar_coeff * tv_loss(s, row, col, weight) + balance_coeff * balance_loss(s)
        value = float(loss.item())
        losses.append(value)
        if value < best:  # the parameters that produced the lowest loss (before this epoch's step)
            best, best_epoch, wait = value, epoch, 0
            best_state = {name: t.detach().clone() for name, t in model.state_dict().items()}
        else:
            wait += 1
        loss.backward()
        opt.step()
        if patience and wait >= patience:
            break
    elapsed = time.perf_counter() - start
    model.load_state_dict(best_state)
    with torch.no_grad():
        s = model(x, row, col, weight, n)
    return {"labels": s.argmax(dim=1).numpy().astype(np.int32), "assignments": s.numpy(), "losses": losses,
            "reported_epoch": best_epoch, "epochs": len(losses), "seconds_per_epoch": elapsed / len(losses)}
