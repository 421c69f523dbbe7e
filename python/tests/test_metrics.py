import networkx as nx
import numpy as np
import pytest
from sklearn import metrics as skm

import graphclust as gc


@pytest.mark.parametrize("seed", range(8))
def test_supervised_scores_match_sklearn_on_random_labelings(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 400))
    truth = rng.integers(0, rng.integers(1, 8), n).astype(np.int32)
    pred = rng.integers(0, rng.integers(1, 9), n).astype(np.int32)
    assert gc.adjusted_rand_score(truth, pred) == pytest.approx(skm.adjusted_rand_score(truth, pred), abs=1e-12)
    assert gc.normalized_mutual_info_score(truth, pred) == pytest.approx(
        skm.normalized_mutual_info_score(truth, pred), abs=1e-12)


def test_accuracy_and_f1_by_hungarian_matching():
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(5)
    truth = rng.integers(0, 5, 300).astype(np.int32)
    pred = np.where(rng.random(300) < 0.7, (truth + 2) % 5, rng.integers(0, 6, 300)).astype(np.int32)
    table = skm.confusion_matrix(truth, pred)[:5, :]
    rows, cols = linear_sum_assignment(-table)
    assert gc.clustering_accuracy(truth, pred) == pytest.approx(table[rows, cols].sum() / 300)
    mapping = dict(zip(rows, cols))
    f1 = [skm.f1_score(truth == c, pred == mapping[c]) for c in range(5)]
    assert gc.matched_macro_f1(truth, pred) == pytest.approx(np.mean(f1))


def test_structural_scores_match_networkx():
    planted = gc.stochastic_block_model(sizes=[60, 40, 30], p_in=0.2, p_out=0.02, seed=7)
    g, truth = planted.graph, planted.labels
    nxg = nx.Graph()
    nxg.add_nodes_from(range(g.num_nodes))
    offsets, targets = g.offsets, g.targets
    nxg.add_edges_from((u, int(v)) for u in range(g.num_nodes) for v in targets[offsets[u]:offsets[u + 1]] if u < v)
    communities = [set(np.flatnonzero(truth == c)) for c in range(3)]
    assert gc.modularity(g, truth) == pytest.approx(nx.community.modularity(nxg, communities))
    first = np.flatnonzero(truth == 0).astype(np.uint32)
    assert gc.conductance(g, first) == pytest.approx(nx.conductance(nxg, set(first.tolist())))
    assert gc.normalized_cut(g, truth) == pytest.approx(
        sum(nx.cut_size(nxg, c) / nx.volume(nxg, c) for c in communities))


def test_flow_imbalance_of_cyclic_sbm():
    flow = [0, 1, 0, 0, 0, 1, 1, 0, 0]
    planted = gc.stochastic_block_model(sizes=[40, 40, 40], p_in=0.1, p_out=0.1, directed=True, flow=flow, seed=1)
    g, truth = planted.graph, planted.labels
    f = gc.flow_imbalance(g, truth, norm="plain")
    assert np.allclose(f.pairs, 1.0) and f.cut.shape == (3, 3)
    assert gc.flow_imbalance(g, truth).mean_top > 0.1
    with pytest.raises(ValueError):
        gc.flow_imbalance(g, truth, norm="weird")


def test_label_length_mismatch_is_value_error():
    with pytest.raises(ValueError, match="differ in length"):
        gc.adjusted_rand_score(np.zeros(3, np.int32), np.zeros(4, np.int32))
