"""Spectral family from Python: spectral_clustering, hermitian_clustering and the registry entries."""
import numpy as np
import pytest

import graphclust as gc


def sbm(sizes, p_in, p_out, seed=1, **kw):
    planted = gc.stochastic_block_model(sizes=sizes, p_in=p_in, p_out=p_out, seed=seed, **kw)
    return planted.graph, planted.labels


def cyclic(size, p, seed=3):
    flow = [0.5, 1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 0.0, 0.5]
    planted = gc.stochastic_block_model(sizes=[size] * 3, p_in=p, p_out=p, directed=True, flow=flow, seed=seed)
    return planted.graph, planted.labels


def test_spectral_recovers_planted_partition():
    g, truth = sbm([300, 300, 300], 0.08, 0.005)
    r = gc.spectral_clustering(g, k=3)
    assert r.labels.shape == (900,)
    assert r.embedding.shape == (900, 3)
    assert r.eigenvalues.shape == (3,)
    assert r.converged and r.k == 3 and r.iterations > 0 and r.matvecs > 0
    assert np.all(np.isfinite(r.embedding))
    assert gc.adjusted_rand_score(truth, r.labels) == pytest.approx(1.0)


@pytest.mark.parametrize("readout", ["kmeans", "cluster_qr"])
@pytest.mark.parametrize("scaling", ["njw", "shi_malik"])
def test_spectral_options(readout, scaling):
    g, truth = sbm([200, 300, 250], 0.1, 0.005, seed=4)
    r = gc.spectral_clustering(g, k=3, readout=readout, scaling=scaling, seed=3)
    assert gc.adjusted_rand_score(truth, r.labels) == pytest.approx(1.0)


def test_eigengap_and_determinism():
    g, truth = sbm([150] * 4, 0.15, 0.004, seed=8)
    a = gc.spectral_clustering(g, seed=5)
    b = gc.spectral_clustering(g, seed=5)
    assert a.k == 4
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.embedding, b.embedding)


def test_errors_are_value_errors():
    g, _ = sbm([10, 10], 0.5, 0.1)
    with pytest.raises(ValueError):
        gc.spectral_clustering(g, k=21)
    with pytest.raises(ValueError):
        gc.spectral_clustering(g, k=2, readout="bogus")
    with pytest.raises(ValueError, match="directed"):
        gc.hermitian_clustering(g, k=2)


def test_non_convergence_is_reported():
    g, _ = sbm([400] * 4, 0.03, 0.01, seed=17)
    r = gc.spectral_clustering(g, k=4, solver="lanczos", max_iterations=1, tolerance=1e-14, ncv=9)
    assert not r.converged
    assert np.all(np.isfinite(r.embedding))


def test_hermitian_beats_symmetrized_on_cyclic_flow():
    g, truth = cyclic(300, 0.04)
    h = gc.hermitian_clustering(g, k=3)
    assert h.embedding.shape == (900, 2)
    assert gc.adjusted_rand_score(truth, h.labels) > 0.95
    s = gc.spectral_clustering(g, k=3)
    assert gc.adjusted_rand_score(truth, s.labels) < 0.1
    plain = gc.hermitian_clustering(g, k=3, variant="plain")
    assert gc.adjusted_rand_score(truth, plain.labels) > 0.95


def test_registry_methods():
    g, truth = sbm([200, 200], 0.1, 0.01, seed=2)
    r = gc.cluster(g, "spectral", k=2, readout="cluster_qr")
    assert gc.adjusted_rand_score(truth, r.labels) == pytest.approx(1.0)
    assert type(r).__name__ == "SpectralResult" and r.converged is True and r.eigenvalues.shape == (2,)
    direct = gc.spectral_clustering(g, 2, readout="cluster_qr")
    np.testing.assert_array_equal(direct.labels, r.labels)
    assert direct._fields == r._fields
    dg, dtruth = cyclic(200, 0.05)
    h = gc.cluster(dg, "hermitian", k=3, variant="plain")
    assert gc.adjusted_rand_score(dtruth, h.labels) > 0.95


def adjacency(g):
    """The graph's CSR arrays as a scipy matrix (sklearn's 'precomputed' affinity)."""
    sp = pytest.importorskip("scipy.sparse")
    n = g.num_nodes
    targets = np.asarray(g.targets)
    data = np.ones(len(targets)) if g.weights is None else np.asarray(g.weights, dtype=np.float64)
    return sp.csr_matrix((data, targets, np.asarray(g.offsets)), shape=(n, n))


def test_same_or_better_than_sklearn():
    cluster = pytest.importorskip("sklearn.cluster")
    g, truth = sbm([150, 150, 150], 0.06, 0.01, seed=12)
    adj = adjacency(g)
    sk = cluster.SpectralClustering(n_clusters=3, affinity="precomputed", random_state=0).fit(adj)
    ours = gc.spectral_clustering(g, k=3)
    sk_ari = gc.adjusted_rand_score(truth, sk.labels_.astype(np.int32))
    ours_ari = gc.adjusted_rand_score(truth, ours.labels)
    assert ours_ari >= sk_ari - 1e-9


def test_signatures_mirror_the_cpp_declarations():
    import inspect
    sig = inspect.signature(gc.spectral_clustering)
    # Defaults are the C++ Options{} defaults, names are the C++ field names.
    assert sig.parameters["k"].default == 0
    assert sig.parameters["tolerance"].default == pytest.approx(1e-6)
    assert sig.parameters["max_iterations"].default == 1000
    assert sig.parameters["readout"].default == "kmeans"
    assert sig.parameters["tau"].default == -1
    assert "eigengap" in gc.spectral_clustering.__doc__
    assert {o["name"] for o in gc.method_options("spectral")} == set(sig.parameters) - {"graph", "verbose"}
    h = inspect.signature(gc.hermitian_clustering)
    assert h.parameters["num_pairs"].default == 0 and h.parameters["variant"].default == "rw"
    with pytest.raises(TypeError):
        gc.spectral_clustering(sbm([10, 10], 0.5, 0.1)[0], tol=1e-3)  # the old name is gone
    with pytest.raises(ValueError, match="tolerance"):
        gc.spectral_clustering(sbm([10, 10], 0.5, 0.1)[0], tolerance=-1.0)
