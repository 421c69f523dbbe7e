#include "graphclust/graph/partition.hpp"

#include <numeric>
#include <string>

#include "graphclust/core/error.hpp"

namespace graphclust {

std::vector<std::int32_t> connected_components(const Graph& graph) {
  const NodeId n = graph.num_nodes();
  std::vector<NodeId> parent(n);
  std::iota(parent.begin(), parent.end(), NodeId{0});
  auto find = [&](NodeId x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  // Every arc is in some out-row, so the in-rows would only repeat the same unions.
  for (NodeId u = 0; u < n; ++u) {
    for (NodeId v : graph.out_neighbors(u)) {
      NodeId a = find(u), b = find(v);
      if (a == b) continue;
      if (a < b) std::swap(a, b);
      parent[a] = b;  // the root stays the smallest id, which is what numbers components in order
    }
  }
  std::vector<std::int32_t> labels(n);
  std::int32_t next = 0;
  for (NodeId u = 0; u < n; ++u) {
    const NodeId root = find(u);
    labels[u] = root == u ? next++ : labels[root];
  }
  return labels;
}

int compact_labels(std::span<std::int32_t> labels) {
  std::vector<std::int32_t> map;
  std::int32_t next = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    std::int32_t& label = labels[i];
    if (label == -1) continue;
    if (label < -1) throw InvalidArgument("compact_labels: label " + std::to_string(label) + " at index " + std::to_string(i) + " is below -1");
    if (static_cast<std::size_t>(label) >= map.size()) map.resize(static_cast<std::size_t>(label) + 1, -1);
    if (map[label] < 0) map[label] = next++;
    label = map[label];
  }
  return next;
}

}  // namespace graphclust
