import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("GRAPHCLUST_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
SHARED_GRAPHS = SOURCE_DIR.parent / "shared" / "graphs"


@pytest.fixture
def source_dir():
    return SOURCE_DIR


@pytest.fixture
def shared_graphs():
    if not (SHARED_GRAPHS / "karate" / "edges.txt").exists():
        pytest.skip("../shared/graphs is absent")
    return SHARED_GRAPHS
