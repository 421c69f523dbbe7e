"""A faithful PyTorch implementation of SCGC, SCGC* and PamC (Kulatilleke, Portmann, Chandra), written
for graphclust's benchmark from the papers and the spec (../shared/specs/pamc_scgc.md); no code copied.

The reference trains on SDCN's shipped, pretrained autoencoder weights. None are available offline, so
this module pretrains the same autoencoder the way SDCN did (MSE, Adam lr 1e-3, minibatches of 256,
30 epochs) from graphclust's initialisation (Xavier-uniform, zero biases), then:

  * W = M^r or M + ... + M^r (influence), M = D^-1 (A + I), formed with torch.sparse.mm (PamC) and
    densified for SCGC / SCGC* (their O(n^2) baseline);
  * centres by k-means (scikit-learn, 20 restarts) on the pretrained z;
  * every epoch: q (Student-t, v = 1), p = target(q) held fixed, KL(p || q) with 'batchmean',
    labels = argmax q, then the contrastive term and one Adam step on
    beta * KL + alpha * L_con (+ reconstruction MSE for SCGC).
  * PamC positives per stored entry of W (cosine with zeroed diagonal, exp(tau s), weighted, summed
    per row), negatives among meta-nodes (sums of z per argmax cluster, detached one-hot).

run(x, adj, k, **options) returns dict(labels=final labels, history=[labels per epoch..., final],
losses, pretrain_losses, initial_labels, seconds_pretrain, seconds_train). sparse_features=True
multiplies the first encoder layer with a sparse copy of X (the same numbers up to rounding; the
reference multiplies a dense X, which Debian's generic-BLAS torch makes the slowest part of an epoch on
bag-of-words features).
"""
import os
import time

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.cluster import KMeans

torch.set_num_threads(os.cpu_count())  # Debian's torch starts with one thread


class AE(nn.Module):
    def __init__(self, n_input, hidden, n_z):
        super().__init__()
        widths = [n_input] + list(hidden) + [n_z]
        self.enc = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        back = [n_z] + list(reversed(hidden)) + [n_input]
        self.dec = nn.ModuleList(nn.Linear(a, b) for a, b in zip(back[:-1], back[1:]))
        # graphclust's initialisation (Xavier-uniform weights, zero biases), so that both sides pretrain
        # from the same distribution; the reference itself starts from SDCN's shipped weights.
        for layer in list(self.enc) + list(self.dec):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)

    @staticmethod
    def _run(layers, h):
        for i, layer in enumerate(layers):
            h = layer(h)
            if i + 1 < len(layers):
                h = F.relu(h)
        return h

    def encode(self, x):
        if x.is_sparse:
            first = self.enc[0]
            h = torch.sparse.mm(x, first.weight.t()) + first.bias
            return self._run(self.enc[1:], F.relu(h)) if len(self.enc) > 1 else h
        return self._run(self.enc, x)

    def decode(self, z):
        return self._run(self.dec, z)


def random_walk_power(adj, order, cumulative, self_loop=1.0):
    """M^r or sum_{h<=r} M^h as a torch sparse COO tensor (float32), M = D^-1 (A_sym + wI)."""
    a = sp.csr_matrix(adj, dtype=np.float64)
    a = a + a.T if (a != a.T).nnz else a
    a = a + self_loop * sp.eye(a.shape[0])
    d = np.asarray(a.sum(1)).ravel()
    d[d == 0] = 1
    m = sp.diags(1.0 / d) @ a
    m = m.tocoo()
    t = torch.sparse_coo_tensor(np.vstack([m.row, m.col]), m.data.astype(np.float32), m.shape).coalesce()
    power, total = t, t
    for _ in range(order - 1):
        power = torch.sparse.mm(power, t).coalesce()
        total = (total + power).coalesce() if cumulative else power
    return total


def cosine_matrix(x):
    n = x.norm(dim=1, keepdim=True)
    s = (x @ x.T) / (n @ n.T)
    return s * (1 - torch.eye(x.shape[0]))


def student_t(z, mu, v=1.0):
    q = 1.0 / (1.0 + torch.sum((z.unsqueeze(1) - mu) ** 2, 2) / v)
    q = q.pow((v + 1.0) / 2.0)
    return (q.t() / q.sum(1)).t()


def target_distribution(q):
    w = q ** 2 / q.sum(0)
    return (w.t() / w.sum(1)).t()


def sparse_positive(z, w, tau):
    idx, val = w.indices(), w.values()
    a, b = z[idx[0]], z[idx[1]]
    s = (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1))
    s = torch.where(idx[0] == idx[1], torch.zeros_like(s), s)
    e = torch.exp(tau * s) * val
    pos = torch.zeros(z.shape[0]).scatter_add_(0, idx[0], e)
    return -torch.log(pos + 1e-10).mean()


def meta_negative(z, labels, k, tau):
    onehot = F.one_hot(labels, k).float()
    onehot = onehot[:, onehot.sum(0) > 0]  # empty clusters are no meta-node
    c = onehot.T @ z
    neg = torch.exp(tau * cosine_matrix(c)).sum(1)
    return torch.log(neg + 1e-10).mean()


def exact_contrastive(z, w_dense, tau):
    e = torch.exp(tau * cosine_matrix(z))
    pos = (e * w_dense).sum(1)
    neg = e.sum(1)
    return -torch.log(pos + 1e-10).mean() + torch.log(neg + 1e-10).mean()


def pretrain(ae, x, x_in, epochs, lr, batch_size, generator):
    """x: the dense reconstruction target; x_in: what the encoder reads (x itself, or its sparse copy).
    Returns the mean minibatch loss of every epoch (graphclust's pretrain_losses)."""
    opt = torch.optim.Adam(ae.parameters(), lr=lr)
    n = x.shape[0]
    epoch_losses = []
    for _ in range(epochs):
        perm = torch.randperm(n, generator=generator)
        total, batches = 0.0, 0
        for start in range(0, n, batch_size):
            rows = perm[start:start + batch_size]
            loss = F.mse_loss(ae.decode(ae.encode(torch.index_select(x_in, 0, rows))), x[rows])
            total, batches = total + float(loss), batches + 1
            opt.zero_grad()
            loss.backward()
            opt.step()
        epoch_losses.append(total / batches)
    return epoch_losses


def run(x, adj, k, model="pamc", alpha=2.0, beta=2.5, order=3, influence=True, tau=0.5, learning_rate=1e-3,
        max_epochs=200, hidden=(500, 500, 2000), embedding_dim=10, pretrain_epochs=30, pretrain_lr=1e-3,
        batch_size=256, n_init=20, seed=0, record=True, sparse_features=False):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    x = torch.as_tensor(np.asarray(x, dtype=np.float32))
    ae = AE(x.shape[1], hidden, embedding_dim)
    t0 = time.perf_counter()
    x_in = x.to_sparse().coalesce() if sparse_features else x
    pretrain_losses = pretrain(ae, x, x_in, pretrain_epochs, pretrain_lr, batch_size, generator)
    t1 = time.perf_counter()
    w = random_walk_power(adj, order, influence)
    exact = model != "pamc"
    w_dense = w.to_dense() if exact else None
    with torch.no_grad():
        z = ae.encode(x_in)
    km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(z.numpy())
    mu = nn.Parameter(torch.tensor(km.cluster_centers_, dtype=torch.float32))
    params = list(ae.enc.parameters()) + [mu]
    if model == "scgc":
        params += list(ae.dec.parameters())
    opt = torch.optim.Adam(params, lr=learning_rate)
    history, losses = [], []
    t2 = time.perf_counter()
    for _ in range(max_epochs):
        z = ae.encode(x_in)
        q = student_t(z, mu)
        p = target_distribution(q.detach())
        labels = q.detach().argmax(1)
        if record:
            history.append(labels.numpy().copy())
        kl = F.kl_div(q.log(), p, reduction="batchmean")
        if exact:
            con = exact_contrastive(z, w_dense, tau)
        else:
            con = sparse_positive(z, w, tau) + meta_negative(z, labels, k, tau)
        loss = beta * kl + alpha * con
        if model == "scgc":
            loss = loss + F.mse_loss(ae.decode(z), x)
        losses.append(float(loss))
        opt.zero_grad()
        loss.backward()
        opt.step()
    t3 = time.perf_counter()
    with torch.no_grad():
        final = student_t(ae.encode(x_in), mu).argmax(1).numpy()
    history.append(final)
    return dict(labels=final, history=history, losses=losses, initial_labels=km.labels_, pretrain_losses=pretrain_losses,
                seconds_pretrain=t1 - t0, seconds_train=t3 - t2, epochs=max_epochs)
