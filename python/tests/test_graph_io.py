import os
import subprocess
import threading

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import graphclust as gc


def test_from_edges_and_zero_copy_views():
    g = gc.Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 0]), num_nodes=4)
    assert (g.num_nodes, g.num_edges, g.num_arcs) == (4, 3, 6)
    assert not g.directed and not g.weighted and g.weights is None
    assert list(g.offsets) == [0, 2, 4, 6, 6]
    assert list(g.neighbors(0)) == [1, 2]
    assert not g.targets.flags.writeable and not g.targets.flags.owndata  # a view of the C++ array
    assert list(g.out_degrees) == [2, 2, 2, 0]
    view = g.targets
    del g  # the view keeps the graph alive
    assert list(view) == [1, 2, 0, 2, 0, 1]


def test_from_edges_rejects_bad_input_with_value_error():
    with pytest.raises(ValueError, match="sources\\[1\\] = -1"):
        gc.Graph.from_edges(np.array([0, -1]), np.array([1, 2]))
    with pytest.raises(ValueError, match="negative"):
        gc.Graph.from_edges([0], [1], weights=np.array([-1.0]))
    with pytest.raises(ValueError, match="weight is nan"):
        gc.Graph.from_edges([0], [1], weights=np.array([np.nan]))
    with pytest.raises(ValueError, match="out of range"):
        gc.Graph.from_edges([0], [5], num_nodes=3)
    with pytest.raises(ValueError, match="duplicates"):
        gc.Graph.from_edges([0], [1], duplicates="average")


def test_scipy_round_trip_directed_and_undirected():
    rng = np.random.default_rng(0)
    a = sp.random(60, 60, density=0.1, random_state=1, format="csr", dtype=np.float32)
    a.data[:] = rng.uniform(0.5, 2, a.nnz).astype(np.float32)
    a = (a - sp.diags(a.diagonal())).tocsr()
    a.eliminate_zeros()
    d = gc.from_scipy(a)
    assert d.directed and d.weighted
    assert abs(gc.to_scipy(d) - a).max() < 1e-6
    sym = a + a.T
    u = gc.from_scipy(sym)
    assert not u.directed
    assert abs(gc.to_scipy(u) - sym).max() < 1e-5
    with pytest.raises(ValueError):
        gc.from_scipy(sp.random(3, 4, density=0.5))


def test_networkx_keeps_names_and_weights():
    g = nx.Graph()
    g.add_edge("alice", "bob", weight=2.0)
    g.add_edge("bob", "carol", weight=0.5)
    g.add_node("dave")
    ours = gc.from_networkx(g)
    assert ours.names == ["alice", "bob", "carol", "dave"]
    assert ours.find_node("carol") == 2 and ours.find_node("zed") is None
    assert ours.weighted and ours.num_nodes == 4 and ours.num_edges == 2
    assert np.allclose(ours.out_degrees, [2.0, 2.5, 0.5, 0.0])
    plain = gc.from_networkx(nx.karate_club_graph())
    assert not plain.has_names and plain.num_edges == 78


def test_read_graph_formats_and_errors(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("# directed: true\nx y 1.5\ny z 2\n")
    g = gc.read_graph(str(path))
    assert g.directed and g.weighted and g.names == ["x", "y", "z"]
    assert gc.read_graph(str(path), directed=False).num_arcs == 4
    bad = tmp_path / "bad.txt"
    bad.write_text("0 1\n1 2 3\n")
    with pytest.raises(ValueError, match=r"bad.txt:2: expected 2 columns"):
        gc.read_graph(str(bad))
    with pytest.raises(OSError):
        gc.read_graph(str(tmp_path / "missing.txt"))
    mtx = tmp_path / "m.mtx"
    mtx.write_text("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 1\n")
    assert gc.read_graph(str(mtx)).num_edges == 2
    cache = str(tmp_path / "g.gcsr")
    gc.save_binary(g, cache)
    back = gc.load_binary(cache)
    assert back.names == g.names and np.array_equal(back.targets, g.targets)


def test_labels_and_features_files(tmp_path):
    g = gc.Graph.from_edges([0, 1], [1, 2], names=["a", "b", "c"])
    (tmp_path / "l.txt").write_text("a 1\nc 0\n")
    assert list(gc.read_labels(str(tmp_path / "l.txt"), g)) == [1, -1, 0]
    out = str(tmp_path / "out.txt")
    gc.write_labels(out, g, np.array([0, 1, 1], dtype=np.int32), header=["test"])
    assert open(out).read().splitlines()[1:] == ["a 0", "b 1", "c 1"]
    with pytest.raises(ValueError):
        gc.write_labels(str(tmp_path / "short.txt"), g, np.array([0], dtype=np.int32))
    assert not (tmp_path / "short.txt").exists()
    (tmp_path / "f.txt").write_text("# nodes: 3\n# dims: 2\na 1 0.5\n")
    f = gc.read_features(str(tmp_path / "f.txt"), g)
    assert f.dtype == np.float32 and f.shape == (3, 2) and f[0, 1] == 0.5
    (tmp_path / "nan.txt").write_text("# dims: 2\na 1 nan\n")
    with pytest.raises(ValueError, match="nan.txt:2"):
        gc.read_features(str(tmp_path / "nan.txt"), g)


def test_operator_matches_scipy():
    planted = gc.stochastic_block_model(sizes=[200, 150], p_in=0.05, p_out=0.01, directed=True, seed=3)
    g, _ = planted.graph, planted.labels
    a = gc.to_scipy(g).astype(np.float64)
    dout = np.asarray(a.sum(axis=1)).ravel()
    din = np.asarray(a.sum(axis=0)).ravel()
    x = np.random.default_rng(1).standard_normal(g.num_nodes)
    assert np.allclose(gc.apply_operator(g, x), a @ x)
    assert np.allclose(gc.apply_operator(g, x, transpose=True), a.T @ x)
    inv = lambda d: np.where(d > 0, 1 / np.sqrt(np.maximum(d, 1e-300)), 0)
    sym = sp.diags(inv(dout)) @ a @ sp.diags(inv(din))
    assert np.allclose(gc.apply_operator(g, x, operator="sym"), sym @ x)
    block = np.random.default_rng(2).standard_normal((g.num_nodes, 4)).astype(np.float32)
    y = gc.apply_operator(g, block, operator="sym")
    assert y.dtype == np.float32 and np.allclose(y, sym @ block, atol=1e-4)
    with pytest.raises(ValueError):
        gc.apply_operator(g, x, operator="magic")
    with pytest.raises(ValueError):
        gc.apply_operator(g, x[:-1])


def test_kmeans_deterministic_and_validated():
    rng = np.random.default_rng(0)
    pts = np.vstack([rng.normal(c, 0.3, size=(100, 2)) for c in ([0, 0], [5, 5], [0, 5])])
    r = gc.kmeans(pts, k=3, seed=4)
    assert r.labels.shape == (300,) and r.centroids.shape == (3, 2)
    assert gc.adjusted_rand_score(np.repeat([0, 1, 2], 100).astype(np.int32), r.labels) == 1.0
    assert np.array_equal(gc.kmeans(pts, k=3, seed=4).labels, r.labels)
    with pytest.raises(ValueError, match="larger than"):
        gc.kmeans(pts, k=301)
    pts[3, 1] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        gc.kmeans(pts, k=3)


def test_gil_is_released_during_compute():
    planted = gc.stochastic_block_model(sizes=[20000] * 5, p_in=0.002, p_out=0.0002, seed=1)
    g, _ = planted.graph, planted.labels
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)

    t = threading.Thread(target=ticker)
    t.start()
    x = np.ones((g.num_nodes, 16))
    for _ in range(30):
        gc.apply_operator(g, x, operator="sym")
    stop.set()
    t.join()
    assert len(ticks) > 100  # the Python thread kept running while C++ worked


def test_cluster_by_method_name():
    planted = gc.stochastic_block_model(sizes=[50, 50], p_in=0.3, p_out=0.0, seed=2)
    g, truth = planted.graph, planted.labels
    r = gc.cluster(g, "components")
    assert type(r).__name__ == "ComponentsResult" and r.count == 2
    assert gc.adjusted_rand_score(truth, r.labels) == 1.0
    assert "components" in gc.methods()
    with pytest.raises(ValueError, match="unknown method"):
        gc.cluster(g, "nope")
    with pytest.raises(ValueError, match="unknown option"):
        gc.cluster(g, "components", colour="blue")


def test_cli_runs_on_shipped_graph(source_dir, tmp_path):
    cli = os.environ.get("GRAPHCLUST_CLI")
    if not cli:
        pytest.skip("GRAPHCLUST_CLI not set (run through ctest)")
    out = subprocess.run([cli, "cluster", str(source_dir / "graphs" / "sbm4.txt"), "--method", "components",
                          "--labels", str(source_dir / "graphs" / "sbm4.labels"), "-o", str(tmp_path / "c.txt"), "-q"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "clusters: 1" in out.stdout
    bad = subprocess.run([cli, "info", str(tmp_path / "missing.txt")], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "cannot open" in bad.stderr
