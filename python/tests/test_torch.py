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


def test_import_and_native_runs_do_not_load_libtorch():
    # LibTorch's start-up (~0.7 s) is paid only by a process that asks for encoder="torch".
    import subprocess
    import sys

    code = (
        "import graphclust as gc\n"
        "maps = lambda: 'libtorch_cpu' in open('/proc/self/maps').read()\n"
        "d = gc.directed_sbm(num_nodes=60, k=2, p=0.2, seed=1)\n"
        "gc.digrac(d.graph, 2, max_epochs=2)\n"
        "print(maps())\n"
        "available = gc.torch_available()\n"
        "print(available, maps())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "False"
    available, mapped = out[1].split()
    assert mapped == available  # loaded exactly when the build has the module
