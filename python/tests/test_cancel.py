"""Ctrl-C from Python (issue 17): a long run raises KeyboardInterrupt promptly, from the library's
progress callback between iterations, whether or not progress is shown."""
import _thread
import threading
import time

import pytest

import graphclust as gc


def _interrupt_after(seconds):
    timer = threading.Timer(seconds, _thread.interrupt_main)  # the same flag a real Ctrl-C sets
    timer.start()
    return timer


@pytest.mark.parametrize("verbose", [False, True])
def test_keyboard_interrupt_stops_a_long_run(verbose):
    planted = gc.stochastic_block_model(sizes=[3000, 3000], p_in=0.003, p_out=0.0005, seed=1)
    timer = _interrupt_after(0.5)
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            # An iteration cap that is never reached: only the interrupt can end the run.
            gc.cluster(planted.graph, "tv_direct", k=2, iterations=100_000_000, tolerance=0.0, verbose=verbose)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 5.0
    # The interpreter is usable afterwards, and the next run is not interrupted by a stale flag.
    assert len(gc.cluster(planted.graph, "components").labels) == 6000


def test_keyboard_interrupt_stops_training():
    planted = gc.stochastic_block_model(sizes=[500, 500], p_in=0.02, p_out=0.002, seed=2)
    timer = _interrupt_after(0.5)
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            gc.cluster(planted.graph, "pamc", k=2, max_epochs=100_000_000, hidden="32,32", pretrain_epochs=1)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 5.0
