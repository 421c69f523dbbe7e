#pragma once
/// Seeded random graphs with planted structure, for tests, examples and benchmarks. Generation is
/// parallel and O(n + m) (geometric skipping), and identical for every thread count.
#include <cstdint>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/graph/graph.hpp"

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

}  // namespace graphclust
