#pragma once
/// Seeded random graphs with planted structure, for tests, examples and benchmarks. Generation is
/// parallel and O(n + m) (geometric skipping), and identical for every thread count.
#include <cstdint>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/kernels/operator.hpp"

namespace graphclust {

struct SbmOptions {
  std::vector<NodeId> sizes;   ///< block sizes; nodes of block b are contiguous
  double p_in = 0.1;           ///< edge probability inside a block
  double p_out = 0.01;         ///< edge probability between blocks
  bool directed = false;
  /// Optional K x K meta-graph for directed SBMs (row-major, K*K entries): an edge drawn between
  /// blocks a != b (probability p_out) points a -> b with probability flow[a*K+b] (flow[a][b] +
  /// flow[b][a] = 1). Inside a block each drawn edge gets a fair coin. Empty = every ordered pair
  /// is drawn independently.
  std::vector<double> flow;
  std::uint64_t seed = 0;
};

struct PlantedGraph {
  Graph graph;
  std::vector<std::int32_t> labels;  ///< block of each node
};

template <class V>
void describe(V& v, PlantedGraph& g) {
  v.record_type("PlantedGraph");
  v("graph", g.graph, "the planted graph");
  v("labels", g.labels, "block of each node");
}

/// Planted-partition stochastic block model.
PlantedGraph stochastic_block_model(const SbmOptions& options);

// ------------------------------------------------------------------------------------------------
// Directed SBM with a meta-graph (He, Reinert, Cucuringu 2022, the DIGRAC benchmark)

/// Shapes of the K x K meta-graph F (F_ab = probability that an edge between clusters a and b points
/// a -> b, scaled by p: each ordered pair i -> j is an edge with probability p F[c(i)][c(j)]).
enum class MetaGraph { Cyclic, Path, Complete, Star, Multipartite };

template <>
struct EnumTable<MetaGraph> {
  static constexpr std::array entries{EnumName<MetaGraph>{MetaGraph::Cyclic, "cyclic"},
                                      EnumName<MetaGraph>{MetaGraph::Path, "path"},
                                      EnumName<MetaGraph>{MetaGraph::Complete, "complete"},
                                      EnumName<MetaGraph>{MetaGraph::Star, "star"},
                                      EnumName<MetaGraph>{MetaGraph::Multipartite, "multipartite"}};
};

struct DsbmOptions {
  NodeId num_nodes = 1000;
  int k = 3;
  double p = 0.02;        ///< edge probability scale
  MetaGraph meta_graph = MetaGraph::Cyclic;
  double eta = 0.1;       ///< direction noise: a flow edge points the "wrong" way with probability eta
  double size_ratio = 1;  ///< largest / smallest cluster; 1 = equal sizes, else a geometric sequence
  bool ambient = false;   ///< the last cluster is ambient: no preferred direction to any cluster
  std::uint64_t seed = 0;
};

template <class V>
void describe(V& v, DsbmOptions& o) {
  v("num_nodes", o.num_nodes, "number of nodes", at_least(1));
  v("k", o.k, "number of clusters", at_least(2));
  v("p", o.p, "edge probability scale", between(0, 1));
  v("meta_graph", o.meta_graph, "shape of the meta-graph F");
  v("eta", o.eta, "direction noise of the flow edges", between(0, 0.5));
  v("size_ratio", o.size_ratio, "largest / smallest cluster size", at_least(1));
  v("ambient", o.ambient, "the last cluster is ambient (F = 0.5 to every cluster)");
  v("seed", o.seed, "random seed (edges, node order, complete meta-graph directions)");
}

struct DirectedPlantedGraph {
  Graph graph;
  std::vector<std::int32_t> labels;  ///< cluster of each node (nodes are randomly permuted)
  DenseBlock<double> meta_graph;     ///< the K x K matrix F used
};

template <class V>
void describe(V& v, DirectedPlantedGraph& g) {
  v.record_type("DirectedPlantedGraph");
  v("graph", g.graph, "the directed planted graph");
  v("labels", g.labels, "cluster of each node");
  v("meta_graph", g.meta_graph, "the K x K meta-graph F");
}

/// The meta-graph F of the DIGRAC paper: diagonal 0.5; a flow pair (a, b) gets 1 - eta one way and eta
/// the other (cyclic: a -> a+1 mod K; path: the same without wrap-around; complete: every pair, with a
/// seeded random direction; star: the centre floor((K-1)/2) with alternating directions; multipartite:
/// three groups G1 -> G2 -> G3); every other entry, and every entry of an ambient last cluster, is 0.5.
DenseBlock<double> dsbm_meta_graph(MetaGraph shape, int k, double eta, bool ambient = false, std::uint64_t seed = 0);

/// The directed SBM: cluster sizes from size_ratio, each ordered pair i -> j (i != j) an edge with
/// probability p F[c(i)][c(j)], node ids randomly permuted. Parallel, O(n + m) expected time, and
/// identical for every thread count.
DirectedPlantedGraph directed_sbm(const DsbmOptions& options);

}  // namespace graphclust
