#!/usr/bin/python3
"""Regenerates the sample graphs in this folder from networkx (Debian's python3-networkx)."""
import os

import networkx as nx

here = os.path.dirname(os.path.abspath(__file__))


def write_graph(name, graph, comment):
    edges = sorted((min(a, b), max(a, b)) for a, b in graph.edges())
    with open(os.path.join(here, name), "w") as f:
        f.write(f"# {comment}\n# directed: false\n# nodes: {graph.number_of_nodes()}\n")
        f.write(f"# edges: {len(edges)}\n# weighted: false\n")
        f.writelines(f"{u} {v}\n" for u, v in edges)


def write_labels(name, labels, comment):
    with open(os.path.join(here, name), "w") as f:
        f.write(f"# {comment}\n")
        f.writelines(f"{node} {label}\n" for node, label in labels)


karate = nx.karate_club_graph()
write_graph("karate.txt", karate, "Zachary's karate club (as shipped with networkx, Debian package python3-networkx)")
write_labels("karate.labels", [(n, 0 if d["club"] == "Mr. Hi" else 1) for n, d in karate.nodes(data=True)],
             "ground truth: the club each member joined after the split (0 = Mr. Hi, 1 = Officer)")

sizes = [250] * 4
probabilities = [[0.08 if i == j else 0.006 for j in range(4)] for i in range(4)]
sbm = nx.stochastic_block_model(sizes, probabilities, seed=42)
write_graph("sbm4.txt", sbm, "planted partition: 4 blocks of 250, p_in 0.08, p_out 0.006 "
            "(networkx.stochastic_block_model, seed 42)")
write_labels("sbm4.labels", [(n, n // 250) for n in sbm.nodes()], "planted block of each node")
