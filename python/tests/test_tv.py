"""TV clustering from Python: tv_clustering (gnn and direct) and the registry entries tv / tv_direct."""
import inspect

import numpy as np
import pytest

import graphclust as gc


def test_tv_gnn_and_direct_fields():
    planted = gc.contextual_sbm(sizes=[60, 60, 60], p_in=0.15, p_out=0.01, dims=3, mu=3.0, seed=2)
    g, truth = planted.graph, planted.labels
    sig = inspect.signature(gc.tv_clustering)
    assert sig.parameters["model"].default == "gnn"
    assert sig.parameters["delta"].default == pytest.approx(0.311)
    res = gc.tv_clustering(g, 3, features=planted.features, mp_channels=64, mlp_hidden=32, max_epochs=300,
                           seed=1)
    assert res.assignments.shape == (180, 3)
    np.testing.assert_allclose(res.assignments.sum(axis=1), 1.0, atol=1e-5)
    assert len(res.labels) == 180 and set(np.unique(res.labels)) <= {0, 1, 2}
    assert len(res.losses) == res.epochs and 0 <= res.reported_epoch < res.epochs
    assert not res.structural_features and res.feature_dims == 3
    assert 0 <= res.total_variation <= 1 and 0 <= res.balance <= 1
    assert gc.normalized_mutual_info_score(truth, res.labels) > 0.8

    direct = gc.tv_clustering(g, 3, model="direct", iterations=200, seed=1)
    assert direct.feature_dims == 0 and len(direct.losses) == direct.epochs + 1
    assert np.all(np.diff(direct.losses) <= 1e-12)
    same = gc.cluster(g, "tv_direct", k=3, iterations=200, seed=1)
    np.testing.assert_array_equal(same.labels, direct.labels)


def test_tv_errors_are_value_errors():
    planted = gc.contextual_sbm(sizes=[20, 20], p_in=0.3, p_out=0.05, dims=2, seed=1)
    g = planted.graph
    with pytest.raises(ValueError):
        gc.tv_clustering(g, 1)
    with pytest.raises(ValueError):
        gc.tv_clustering(g, 2, delta=-1.0)
    with pytest.raises(ValueError):
        gc.tv_clustering(g, 2, features=np.zeros((5, 2), dtype=np.float32))
    with pytest.raises(ValueError):
        gc.tv_clustering(g, 2, model="sideways")
    with pytest.raises(ValueError):
        gc.tv_clustering(g, 2, features=planted.features, model="direct")
    with pytest.raises(ValueError):
        gc.cluster(g, "tv_direct", k=2, model="gnn")
