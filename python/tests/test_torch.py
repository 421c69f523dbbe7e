"""encoder / device keywords of the learned methods, in either build (with or without LibTorch)."""
import pytest

import graphclust as gc


def small():
    return gc.directed_sbm(num_nodes=60, k=2, p=0.2, seed=1)


def test_keywords_exist_and_bad_device_is_a_value_error():
    d = small()
    with pytest.raises(ValueError, match="cpu, cuda or cuda:N"):
        gc.digrac(d.graph, 2, encoder="torch", device="gpu", max_epochs=2)
    with pytest.raises(ValueError):
        gc.digrac(d.graph, 2, encoder="jax")


def test_torch_encoder_runs_or_says_why():
    d = small()
    if not gc.torch_available():
        with pytest.raises(ValueError, match="without LibTorch"):
            gc.digrac(d.graph, 2, encoder="torch", max_epochs=2)
        return
    r = gc.digrac(d.graph, 2, encoder="torch", max_epochs=3)
    assert r.epochs == 3
    if not gc.torch_cuda_available():
        with pytest.raises(ValueError, match="CUDA"):
            gc.digrac(d.graph, 2, encoder="torch", device="cuda", max_epochs=2)
