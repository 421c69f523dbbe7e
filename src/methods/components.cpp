// Connected components through Boost.Graph on the zero-copy views: the first registered method, and
// the proof that the CLI / Python path runs end to end.
#include <boost/graph/connected_components.hpp>
#include <boost/graph/strong_components.hpp>

#include "graphclust/core/error.hpp"
#include "graphclust/graph/boost_adapter.hpp"
#include "methods/families.hpp"

namespace graphclust::detail {
namespace {

/// Renumbers labels by first appearance so component 0 holds node 0, 1 the next new one, ...
int canonical_order(std::vector<std::int32_t>& labels) {
  std::vector<std::int32_t> map(labels.size(), -1);
  std::int32_t next = 0;
  for (auto& l : labels) {
    if (map[l] < 0) map[l] = next++;
    l = map[l];
  }
  return next;
}

MethodOutput run_components(const Graph& graph, const MethodParams& params) {
  check_extra(params, {"mode"});
  require_nonempty(graph, "components");
  const std::string mode = extra_string(params, "mode", "weak");
  std::vector<std::int32_t> labels(graph.num_nodes());
  auto map = boost::make_iterator_property_map(labels.begin(), boost::typed_identity_property_map<NodeId>());
  if (mode == "weak") {
    boost::connected_components(UndirectedBoostView{graph}, map);
  } else if (mode == "strong") {
    boost::strong_components(DirectedBoostView{graph}, map);
  } else {
    throw InvalidArgument("components: mode must be 'weak' or 'strong', got '" + mode + "'");
  }
  const int count = canonical_order(labels);
  if (params.k > 0 && params.k != count)
    throw InvalidArgument("components: the graph has " + std::to_string(count) + " " + mode +
                          " components but -k " + std::to_string(params.k) + " was asked for (omit -k)");
  return {std::move(labels), {{"components", std::to_string(count)}, {"mode", mode}}};
}

}  // namespace

void register_component_methods(MethodRegistry& registry) {
  registry.add({"components", "connected components via Boost.Graph (--opt mode=weak|strong); k = their number",
                false, false, run_components});
}

}  // namespace graphclust::detail
