// The C++ API in a dozen lines: generate a planted partition, cluster it, score the result.
//   ./api_example            (after building; prints the recovered partition's quality)
#include <cstdio>

#include "graphclust/generators/generators.hpp"
#include "graphclust/methods/registry.hpp"
#include "graphclust/metrics/metrics.hpp"

int main() {
  using namespace graphclust;
  PlantedGraph planted = stochastic_block_model({.sizes = {300, 300, 300}, .p_in = 0.05, .p_out = 0.002, .seed = 7});
  const Graph& graph = planted.graph;
  std::printf("SBM: %u nodes, %llu edges\n", graph.num_nodes(), static_cast<unsigned long long>(graph.num_edges()));

  const MethodRegistry methods = default_registry();
  for (const MethodInfo* method : methods.list()) {
    MethodParams params;
    params.k = method->needs_k || method->name == "spectral" ? 3 : 0;
    if (method->directed_only) continue;
    const MethodOutput out = method->run(graph, params);
    std::printf("%-12s clusters %d  ARI %.3f  NMI %.3f  modularity %.3f\n", method->name.c_str(),
                count_clusters(out.labels), adjusted_rand_index(planted.labels, out.labels),
                normalized_mutual_information(planted.labels, out.labels), modularity(graph, out.labels));
  }
  return 0;
}
