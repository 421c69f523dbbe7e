"""Contrastive clustering from Python: contrastive_clustering (pamc, scgc, scgc_star) and the registry entries."""
import inspect

import numpy as np
import pytest

import graphclust as gc

SMALL = dict(hidden="32,32", embedding_dim=8, order=2, alpha=4.0, learning_rate=1e-2, max_epochs=100,
             pretrain_epochs=10, pretrain_batch_size=64, n_init=5, seed=3)


def test_contrastive_fields_and_defaults():
    planted = gc.contextual_sbm(sizes=[100, 100, 100], p_in=0.1, p_out=0.01, dims=16, mu=3.0, seed=11)
    sig = inspect.signature(gc.contrastive_clustering)
    assert sig.parameters["model"].default == "pamc"
    assert sig.parameters["alpha"].default == pytest.approx(2.0)
    assert sig.parameters["beta"].default == pytest.approx(2.5)
    assert sig.parameters["order"].default == 3 and sig.parameters["influence"].default is True
    assert sig.parameters["hidden"].default == "500,500,2000"
    res = gc.contrastive_clustering(planted.graph, 3, features=planted.features, record_labels=True, **SMALL)
    assert res.probabilities.shape == (300, 3)
    np.testing.assert_allclose(res.probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert res.embedding.shape == (300, 8)
    assert len(res.losses) == res.epochs == 100 and res.stop_epoch == 99
    assert len(res.pretrain_losses) == 10
    assert len(res.label_history) == 101 * 300
    np.testing.assert_array_equal(np.asarray(res.label_history)[-300:], res.labels)
    assert not res.structural_features and res.feature_dims == 16 and res.power_nonzeros > 0
    assert gc.adjusted_rand_score(planted.labels, res.labels) >= 0.9

    same = gc.cluster(planted.graph, "pamc", k=3, features=planted.features, **SMALL)
    np.testing.assert_array_equal(same.labels, res.labels)
    star = gc.cluster(planted.graph, "scgc_star", k=3, features=planted.features, **SMALL)
    assert gc.adjusted_rand_score(planted.labels, star.labels) >= 0.8


def test_contrastive_structural_features():
    g = gc.stochastic_block_model(sizes=[60, 60], p_in=0.2, p_out=0.01, seed=5)
    res = gc.contrastive_clustering(g.graph, 2, **dict(SMALL, max_epochs=30))
    assert res.structural_features and res.feature_dims == 1  # the leading spectral column is dropped


def test_contrastive_errors_are_value_errors():
    planted = gc.contextual_sbm(sizes=[20, 20], p_in=0.3, p_out=0.05, dims=2, seed=1)
    g = planted.graph
    with pytest.raises(ValueError):
        gc.contrastive_clustering(g, 1)
    with pytest.raises(ValueError):
        gc.contrastive_clustering(g, 2, tau=0.0)
    with pytest.raises(ValueError, match="max_power_nonzeros"):
        gc.contrastive_clustering(g, 2, features=planted.features, max_power_nonzeros=10)
    with pytest.raises(ValueError, match="max_exact_nodes"):
        gc.contrastive_clustering(g, 2, features=planted.features, model="scgc", max_exact_nodes=10)
    with pytest.raises(ValueError, match="hidden"):
        gc.contrastive_clustering(g, 2, features=planted.features, hidden="5,,5")
    with pytest.raises(ValueError):
        gc.contrastive_clustering(g, 2, features=np.zeros((3, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="scgc_star"):
        gc.cluster(g, "scgc", k=2, features=planted.features, model="scgc_star")
    # an explicit model that is another entry's default is a conflict too, not silently overridden
    with pytest.raises(ValueError, match="runs model scgc but model = pamc"):
        gc.cluster(g, "scgc", k=2, features=planted.features, model="pamc")


def test_contrastive_feature_smoothing_is_the_scipy_filter():
    scipy_sparse = pytest.importorskip("scipy.sparse")
    planted = gc.contextual_sbm(sizes=[40, 40, 40], p_in=0.1, p_out=0.01, dims=16, mu=3.0, seed=15)
    a = gc.to_scipy(planted.graph).astype(np.float64)
    a = a + scipy_sparse.eye(a.shape[0])
    d = scipy_sparse.diags(np.asarray(a.sum(axis=1)).ravel() ** -0.5)
    x = np.asarray(planted.features, dtype=np.float64)
    for _ in range(2):
        x = d @ (a @ (d @ x))
    opts = dict(SMALL, max_epochs=20)
    filtered = gc.contrastive_clustering(planted.graph, 3, features=planted.features, feature_smoothing=2, **opts)
    given = gc.contrastive_clustering(planted.graph, 3, features=x.astype(np.float32), **opts)
    np.testing.assert_array_equal(filtered.labels, given.labels)
    np.testing.assert_allclose(filtered.losses, given.losses, rtol=1e-5)
    with pytest.raises(ValueError):
        gc.contrastive_clustering(planted.graph, 3, features=planted.features, feature_smoothing=-1, **opts)
