#pragma once
/// Contextual stochastic block model: an SBM (planted blocks, edge probabilities p_in / p_out) whose
/// nodes also carry Gaussian attributes with a block-dependent mean — the synthetic model of
/// attributed local clustering (Yang & Fountoulakis 2023).
///
/// Node i of block b gets x_i = mu_b + sigma * N(0, I_dims), where mu_b = mu * e_(b mod dims): the
/// block means are mu apart along distinct axes (distance mu * sqrt(2) between two blocks when
/// dims >= 2). Every node draws its attributes from its own stream, so the result is identical for
/// any thread count; the graph is stochastic_block_model() with the same seed.
#include <cstdint>
#include <vector>

#include "graphclust/generators/generators.hpp"
#include "graphclust/core/describe.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/io/io.hpp"

namespace graphclust {

struct ContextualSbmOptions {
  std::vector<NodeId> sizes;  ///< block sizes (nodes of block b contiguous); e.g. {cluster, rest}
  double p_in = 0.1;          ///< edge probability inside a block
  double p_out = 0.01;        ///< edge probability between blocks
  int dims = 2;               ///< attribute dimensions, >= 1
  double mu = 1.0;            ///< mean shift (>= 0)
  double sigma = 1.0;         ///< attribute noise standard deviation (>= 0)
  std::uint64_t seed = 0;
};

struct AttributedPlantedGraph {
  Graph graph;
  std::vector<std::int32_t> labels;  ///< block of each node
  FeatureMatrix features;            ///< num_nodes x dims
};

template <class V>
void describe(V& v, AttributedPlantedGraph& g) {
  v.record_type("AttributedPlantedGraph");
  v("graph", g.graph, "the planted graph");
  v("labels", g.labels, "block of each node");
  v("features", g.features, "num_nodes x dims attributes");
}

AttributedPlantedGraph contextual_sbm(const ContextualSbmOptions& options);

}  // namespace graphclust
