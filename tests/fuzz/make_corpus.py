#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus, tests/fuzz/corpus/<target>/, from hand-made inputs and the
shipped graphs. Run it again after changing a reader's format:

    /usr/bin/python3 tests/fuzz/make_corpus.py build/graphclust

The argument is a built graphclust CLI: the .gcsr seeds are real caches written by `convert`, so
they follow the format the code writes rather than a second description of it here. The edge-list
and Matrix Market seeds start with two bytes that the targets turn into ReadOptions (see
fuzz_common.hpp: ids mode, ignore_weights, duplicates, self-loops, negative weights, directed).
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = HERE / "corpus"

# (ids: 0 auto, 1 integer, 2 names) | ignore_weights << 2 | duplicates << 3 | self_loops << 5 | negative << 7
OPTION_BYTES = [bytes([0, 0]), bytes([1, 1]), bytes([2, 2]), bytes([4 | (1 << 3), 0]), bytes([(3 << 3) | (2 << 5), 2]),
                bytes([0x80, 1]), bytes([1 | (1 << 5), 2])]

EDGE_LISTS = {
    "snap": "# SNAP style\n% comment\n0\t1\n1 2\n\n2,3\n  3   0  \r\n",
    "weighted": "# directed: false\n# weighted: true\n0 1 0.5\n1 2 2e1\n2 0 3\n",
    "directed_header": "# directed: true\n# nodes: 6\n# edges: 3\n0 1\n1 2\n2 0\n",
    "names": "alice bob\nbob carol 2.5\n",
    "names_two_columns": "alice,bob\nbob,carol\ncarol,alice\n",
    "csv_header": "source,target,weight\n1,2,1.0\n2,3,0.5\n",
    "bom_utf8": "\ufeff0 1\n1 2\nn\u00fc 0\n",
    "sparse_ids": "0 1000000\n5 999999999\n",
    "negative_weight": "0 1 -1.5\n1 2 2\n",
    "duplicates_selfloops": "0 1 1\n1 0 2\n0 1 3\n2 2 1\n",
    "crlf_tabs": "# nodes: 4\r\n0\t1\r\n2\t3\r\n",
    "bad_columns": "0 1 2 3\n",
    "nan_weight": "0 1 nan\n",
    "empty_nodes_header": "# nodes: 3\n",
}

MATRIX_MARKET = {
    "pattern_symmetric": "%%MatrixMarket matrix coordinate pattern symmetric\n% c\n4 4 3\n2 1\n3 2\n4 3\n",
    "real_general": "%%MatrixMarket matrix coordinate real general\n3 3 4\n1 2 0.5\n2 3 1.5\n3 1 2\n1 1 1\n",
    "integer_general": "%%matrixmarket MATRIX Coordinate integer GENERAL\n2 2 1\n1 2 7\n",
    "wrong_count": "%%MatrixMarket matrix coordinate pattern general\n3 3 5\n1 2\n",
    "not_square": "%%MatrixMarket matrix coordinate pattern general\n3 4 1\n1 2\n",
    "array": "%%MatrixMarket matrix array real general\n2 2\n1\n0\n0\n1\n",
}

# The labels and features targets use the first byte to pick the graph: even = ten integer nodes
# 0..9, odd = named nodes a, b, 10, 0, n\u00fc, x-y, 7.
LABELS = {
    "integer": b"\x00# ground truth\n0 0\n1 0\n2 1\n9 -1\n",
    "named": "\x01a 1\nb,2\n10\t3\nn\u00fc 0\n".encode(),
    "unknown_node": b"\x0042 1\n",
    "bad_label": b"\x000 -2\n1 x\n",
    "bom_crlf": "\x00\ufeff0 1\r\n1 1\r\n".encode(),
}

FEATURES = {
    "integer": b"\x00# nodes: 10\n# dims: 3\n# format: sparse\n0 0 1\n0 2 0.5\n9 1 -2e3\n",
    "named": "\x01# dims: 2\na 0 1\nn\u00fc 1 3.25\nx-y,0,1\n".encode(),
    "no_dims": b"\x000 0 1\n",
    "dim_out_of_range": b"\x00# dims: 2\n0 2 1\n",
    "not_finite": b"\x00# dims: 2\n0 1 inf\n",
}

# Graphs written as .gcsr caches by the CLI: undirected and directed, weighted or not, named or not.
CACHES = {
    "karate": ROOT / "graphs" / "karate.txt",
    "directed_weighted": "# directed: true\n0 1 0.5\n1 2 2\n2 0 1\n2 3 4\n",
    "named": "alice bob\nbob carol\ncarol alice\ndave dave\n",
    "directed_named_weighted": "# directed: true\nalice bob 0.5\nbob carol 2\ncarol alice 1\n",
    "isolated": "# nodes: 5\n0 1\n",
}


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cli = pathlib.Path(sys.argv[1]).resolve()
    shutil.rmtree(CORPUS, ignore_errors=True)
    for i, (name, text) in enumerate(EDGE_LISTS.items()):
        write("fuzz_edge_list", name, OPTION_BYTES[i % len(OPTION_BYTES)] + text.encode())
    for i, (name, text) in enumerate(MATRIX_MARKET.items()):
        write("fuzz_matrix_market", name, OPTION_BYTES[i % len(OPTION_BYTES)] + text.encode())
    for name, data in LABELS.items():
        write("fuzz_labels", name, data)
    for name, data in FEATURES.items():
        write("fuzz_features", name, data)
    with tempfile.TemporaryDirectory() as tmp:
        for name, source in CACHES.items():
            if not isinstance(source, pathlib.Path):
                path = pathlib.Path(tmp) / (name + ".txt")
                path.write_text(source)
                source = path
            out = pathlib.Path(tmp) / (name + ".gcsr")
            subprocess.run([str(cli), "convert", str(source), str(out)], check=True)
            write("fuzz_binary", name + ".gcsr", out.read_bytes())
    total = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    print(f"{CORPUS}: {sum(1 for p in CORPUS.rglob('*') if p.is_file())} files, {total} bytes")


if __name__ == "__main__":
    main()
