#pragma once
/// Node partitions every family shares: connected components and label compaction.
#include <cstdint>
#include <span>
#include <vector>

#include "graphclust/graph/graph.hpp"

namespace graphclust {

/// Connected components of the symmetric view (the weak components of a directed graph); an
/// isolated node is a component of its own. Numbered by first appearance: node 0's component is 0,
/// the component of the lowest node outside it 1, and so on. O(n + m) union-find, sequential.
std::vector<std::int32_t> connected_components(const Graph& graph);

/// Renumbers labels in place to 0..K-1 in order of first appearance, -1 ("no label") staying -1;
/// returns K. Throws InvalidArgument for a label below -1.
int compact_labels(std::span<std::int32_t> labels);

}  // namespace graphclust
