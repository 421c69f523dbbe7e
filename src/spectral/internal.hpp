#pragma once
// Private helpers shared by the spectral family's translation units.
#include <cstdint>
#include <vector>

#include "graphclust/graph/graph.hpp"
#include "graphclust/kernels/operator.hpp"

namespace graphclust::detail {

/// A + A^T as an undirected graph (weights summed; unweighted graphs keep the union of the arcs).
Graph symmetrized(const Graph& graph);
/// Weakly connected components, isolated nodes counted (sequential union-find, O(m)).
int count_components(const Graph& graph);
/// Renumbers labels 0..K-1 in order of first appearance (-1 stays -1).
std::vector<std::int32_t> compact_labels(std::vector<std::int32_t> labels);
/// Damle-Minden-Ying readout of an n x k embedding.
std::vector<std::int32_t> cluster_qr(const DenseBlock<double>& u);
std::vector<std::int32_t> kmeans_readout(const DenseBlock<double>& points, int k, int n_init, std::uint64_t seed);

}  // namespace graphclust::detail
