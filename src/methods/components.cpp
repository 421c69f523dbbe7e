// Connected components: the first registered method, and the proof that the CLI / Python path runs
// end to end. Weak components are the library's one union-find (graph/partition.hpp); strong ones
// come from Boost.Graph on the zero-copy view.
#include <boost/graph/strong_components.hpp>

#include "graphclust/core/error.hpp"
#include "graphclust/graph/boost_adapter.hpp"
#include "graphclust/graph/partition.hpp"
#include "graphclust/methods/components.hpp"
#include "methods/families.hpp"

namespace graphclust {

ComponentsResult component_clustering(const Graph& graph, const ComponentsOptions& options) {
  check_options(options, "components");
  require_nonempty(graph, "components");
  std::vector<std::int32_t> labels;
  if (options.mode == ComponentMode::Weak) {
    labels = connected_components(graph);
  } else {
    labels.resize(graph.num_nodes());
    boost::strong_components(DirectedBoostView{graph}, boost::make_iterator_property_map(
                                                           labels.begin(), boost::typed_identity_property_map<NodeId>()));
  }
  const int count = compact_labels(labels);
  if (options.k > 0 && options.k != count)
    throw InvalidArgument("components: the graph has " + std::to_string(count) + " " +
                          std::string(to_string(options.mode)) + " components but k = " + std::to_string(options.k) +
                          " was asked for (omit k)");
  return {std::move(labels), count};
}

}  // namespace graphclust

namespace graphclust::detail {

void register_component_methods(MethodRegistry& registry) {
  registry.add(make_method<ComponentsOptions, ComponentsResult>(
      {.name = "components",
       .function = "component_clustering",
       .summary = "connected components (weak, or strong via Boost.Graph); k = their number"},
      [](const MethodInput& in, const ComponentsOptions& o) { return component_clustering(*in.graph, o); }));
}

}  // namespace graphclust::detail
