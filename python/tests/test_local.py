"""Local diffusion family from Python: same options as C++, numpy out, ValueError on bad input."""
import os
import shutil
import subprocess

import numpy as np
import pytest

import graphclust as gc


def f1(truth, found):
    truth, found = set(int(x) for x in truth), set(int(x) for x in found)
    both = len(truth & found)
    if both == 0:
        return 0.0
    p, r = both / len(found), both / len(truth)
    return 2 * p * r / (p + r)


@pytest.fixture(scope="module")
def planted():
    planted = gc.stochastic_block_model(sizes=[100, 400], p_in=0.2, p_out=0.005, seed=3)
    return planted.graph, planted.labels


def two_triangles(names=None):
    src = np.array([0, 1, 0, 2, 3, 4, 3])
    dst = np.array([1, 2, 2, 3, 4, 5, 5])
    return gc.Graph.from_edges(src, dst, num_nodes=6, names=names or [])


def test_ppr_push_result(planted):
    g, _ = planted
    r = gc.approximate_ppr(g, 0, alpha=0.15, epsilon=1e-5)
    assert type(r).__name__ == "PushResult"
    p = r.pagerank
    assert p.ids.dtype == np.uint32 and p.values.dtype == np.float64
    assert len(p.ids) == len(p.values) > 1
    assert np.all(np.diff(p.ids.astype(np.int64)) > 0)
    total = p.values.sum() + r.residual.values.sum()
    assert total == pytest.approx(1.0)
    deg = np.asarray(g.out_degrees)
    assert np.all(r.residual.values < 1e-5 * deg[r.residual.ids])
    assert r.converged and r.work.touched >= len(p.ids) and r.work.pushes > 0


def test_local_cluster_recovers_planted_block(planted):
    g, labels = planted
    truth = np.flatnonzero(labels == 0)
    vol = float(np.asarray(g.out_degrees)[truth].sum())
    ppr = gc.local_cluster(g, [5], method="ppr", epsilon=1e-5)
    assert type(ppr).__name__ == "LocalCluster"
    assert f1(truth, ppr.cluster) >= 0.9
    assert 0 <= ppr.conductance < 0.3
    flow = gc.local_cluster(g, [5, 6], method="flow", source_mass=2 * vol)
    assert f1(truth, flow.cluster) >= 0.9
    assert flow.work.touched < g.num_nodes


def test_many_seed_sets_match_single_calls(planted):
    g, _ = planted
    sets = [[s] for s in range(0, 100, 9)] + [[1, 2, 3]]
    many = gc.local_clustering(g, sets, method="ppr", epsilon=1e-4)
    assert len(many) == len(sets)
    for s, r in zip(sets, many):
        one = gc.local_cluster(g, s, method="ppr", epsilon=1e-4)
        np.testing.assert_array_equal(one.cluster, r.cluster)
        np.testing.assert_array_equal(one.vector.values, r.vector.values)
        assert one.work.touched == r.work.touched


def test_seeds_by_name_and_errors():
    g = two_triangles(names=["a", "b", "c", "d", "e", "f"])
    r = gc.local_cluster(g, ["a", "b"], method="ppr", epsilon=1e-8)
    names = [g.name_of(int(u)) for u in r.cluster]
    assert set(names) <= set("abcdef")
    assert "a" in names
    with pytest.raises(ValueError):
        gc.local_cluster(g, ["zz"])
    with pytest.raises(ValueError):
        gc.local_cluster(g, [6])
    with pytest.raises(ValueError):
        gc.local_cluster(g, [-1])
    with pytest.raises(ValueError):
        gc.local_cluster(g, [])
    with pytest.raises(ValueError):
        gc.approximate_ppr(g, 0, alpha=0.0)
    with pytest.raises(ValueError):
        gc.approximate_ppr(g, 0, alpha=1.5)
    with pytest.raises(ValueError):
        gc.approximate_ppr(g, 0, epsilon=0.0)
    with pytest.raises(ValueError):
        gc.local_flow_diffusion(g, 0, p=1.0)
    with pytest.raises(ValueError):
        gc.local_cluster(g, 0, method="nope")
    with pytest.raises(ValueError, match="unknown option 'gamma'"):
        gc.local_cluster(g, 0, method="ppr", gamma=0.5)  # gamma belongs to wfd
    with pytest.raises(TypeError):
        gc.local_flow_diffusion(g, 0, mass=3.0)  # the C++ name is source_mass
    with pytest.raises(ValueError):
        gc.local_cluster(g, 0, method="wfd")  # no features
    x = np.zeros((6, 2), dtype=np.float32)
    x[1, 0] = np.nan
    with pytest.raises(ValueError):
        gc.weighted_flow_diffusion(g, 0, x)
    with pytest.raises(ValueError):
        gc.weighted_flow_diffusion(g, 0, np.zeros((5, 2)))


def test_sweep_cut_hand_computed():
    g = two_triangles()
    deg = np.array([2, 2, 3, 3, 2, 2], dtype=float)
    ids = np.arange(6, dtype=np.uint32)
    s = gc.sweep_cut(g, ids, deg * (6 - np.arange(6)))
    np.testing.assert_array_equal(s.order, ids)
    np.testing.assert_allclose(s.profile, [1, 0.5, 1 / 7, 0.5, 1, 1])
    np.testing.assert_array_equal(s.set, [0, 1, 2])
    assert s.conductance == pytest.approx(1 / 7)
    assert s.best_size == 3
    assert gc.conductance(g, np.array([0, 1, 2], dtype=np.uint32)) == pytest.approx(1 / 7)


def test_flow_diffusion_general_p_and_mass(planted):
    g, _ = planted
    for p in (1.5, 2.0, 3.0):
        r = gc.local_flow_diffusion(g, [0], p=p, source_mass=300.0, epsilon=1e-6, max_iterations=2000)
        assert r.converged
        assert r.mass.values.sum() == pytest.approx(300.0)
        np.testing.assert_array_equal(r.support, r.x.ids)
        assert np.all(r.x.values > 0)


def test_wfd_beats_plain_flow_on_contextual_sbm():
    csbm = gc.contextual_sbm(sizes=[100, 900], p_in=0.06, p_out=0.01, dims=2, mu=3.0, sigma=1.0, seed=17)
    g, labels, x = csbm.graph, csbm.labels, csbm.features
    assert x.shape == (1000, 2) and x.dtype == np.float32
    truth = np.flatnonzero(np.asarray(labels) == 0)
    mass = 2 * float(np.asarray(g.out_degrees)[truth].sum())
    sets = [[s] for s in range(0, 100, 10)]
    base = gc.local_clustering(g, sets, method="flow", source_mass=mass)
    wfd = gc.local_clustering(g, sets, method="wfd", features=x, gamma=0.5, source_mass=mass)
    f_base = np.mean([f1(truth, r.cluster) for r in base])
    f_wfd = np.mean([f1(truth, r.cluster) for r in wfd])
    assert f_wfd >= 0.9
    assert f_wfd > f_base + 0.1
    single = gc.weighted_flow_diffusion(g, 0, x, gamma=0.5, source_mass=mass)
    support = gc.local_cluster(g, 0, "wfd", features=x, gamma=0.5, source_mass=mass, sweep=False)
    np.testing.assert_array_equal(single.support, support.cluster)


def test_noisy_labels(planted):
    g, labels = planted
    noisy = (labels == 0).astype(np.int32)
    rng = np.random.default_rng(0)
    flip = rng.random(len(noisy)) < 0.1
    noisy[flip] = 1 - noisy[flip]
    r = gc.noisy_label_flow_diffusion(g, [0], noisy, other_weight=0.05, source_mass=500.0)
    assert len(r.support) > 0
    c = gc.local_cluster(g, [0], method="noisy", labels=noisy, source_mass=500.0, sweep=False)
    np.testing.assert_array_equal(c.cluster, r.support)
    w = gc.noisy_label_graph(g, noisy, other_weight=0.05)
    assert w.weighted and w.num_edges == g.num_edges
    assert set(np.unique(np.asarray(w.weights))) <= {np.float32(1.0), np.float32(0.05)}


def _cli():
    path = os.environ.get("GRAPHCLUST_CLI")
    if path and os.path.exists(path):
        return path
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "..", "..", "build", "graphclust"), shutil.which("graphclust")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def test_cli_local(tmp_path):
    cli = _cli()
    if cli is None:
        pytest.skip("graphclust CLI not built")
    edges = tmp_path / "g.txt"
    edges.write_text("a b\nb c\na c\nc d\nd e\ne f\nd f\n")
    out = tmp_path / "cluster.txt"
    run = subprocess.run([cli, "--quiet", "local", str(edges), "--seed-nodes", "a,b", "--method", "ppr",
                          "--epsilon", "1e-8", "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "conductance: 0.142857" in run.stdout
    assert "touched nodes:" in run.stdout
    lines = [l for l in out.read_text().splitlines() if not l.startswith("#")]
    assert lines == ["a", "b", "c"]
    bad = subprocess.run([cli, "--quiet", "local", str(edges), "--seed-nodes", "zz"], capture_output=True, text=True)
    assert bad.returncode == 1 and "zz" in bad.stderr
    bad = subprocess.run([cli, "--quiet", "local", str(edges), "--seed-nodes", "a", "--method", "wfd"],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "features" in bad.stderr
