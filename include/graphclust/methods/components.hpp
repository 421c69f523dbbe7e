#pragma once
/// Connected components as a partitioning method ("components" in the registry): the trivial
/// clustering every other method is compared with, and a quick check of a graph's structure.
#include <cstdint>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/graph/graph.hpp"

namespace graphclust {

enum class ComponentMode { Weak, Strong };

template <>
struct EnumTable<ComponentMode> {
  static constexpr std::array entries{EnumName<ComponentMode>{ComponentMode::Weak, "weak"},
                                      EnumName<ComponentMode>{ComponentMode::Strong, "strong"}};
};

struct ComponentsOptions {
  ComponentMode mode = ComponentMode::Weak;
  /// Expected number of components; 0 = any. A mismatch is an error (the method cannot choose k).
  int k = 0;
};

template <class V>
void describe(V& v, ComponentsOptions& o) {
  v("mode", o.mode, "weak: connected components of A + A^T; strong: strongly connected components");
  v("k", o.k, "expected number of components; 0 = any (a mismatch is an error)", at_least(0));
}

struct ComponentsResult {
  std::vector<std::int32_t> labels;  ///< component of each node; node 0's component is 0, then by first appearance
  int count = 0;
};

template <class V>
void describe(V& v, ComponentsResult& r) {
  v.record_type("ComponentsResult");
  v("labels", r.labels, "component of each node, numbered by first appearance");
  v("count", r.count, "number of components");
}

/// Throws InvalidArgument for an empty graph, or when options.k > 0 differs from the count.
ComponentsResult component_clustering(const Graph& graph, const ComponentsOptions& options = {});

}  // namespace graphclust
