// The C++ API: every family is an options struct and a free function returning a result struct.
//   ./api_example            (after building; prints what each family recovers on planted graphs)
#include <cstdio>

#include "graphclust/generators/contextual_sbm.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/local/local.hpp"
#include "graphclust/methods/components.hpp"
#include "graphclust/methods/registry.hpp"
#include "graphclust/metrics/metrics.hpp"
#include "graphclust/spectral/spectral.hpp"

int main() {
  using namespace graphclust;
  const PlantedGraph planted = stochastic_block_model({.sizes = {300, 300, 300}, .p_in = 0.05, .p_out = 0.002, .seed = 7});
  const Graph& graph = planted.graph;
  std::printf("SBM: %u nodes, %llu edges\n", graph.num_nodes(), static_cast<unsigned long long>(graph.num_edges()));

  // Spectral clustering: options in, result out.
  const SpectralResult spectral =
      spectral_clustering(graph, SpectralOptions{.k = 3, .readout = SpectralReadout::ClusterQR, .seed = 1});
  std::printf("spectral    ARI %.3f  eigenvalues %.3f %.3f %.3f  converged %d\n",
              adjusted_rand_index(planted.labels, spectral.labels), spectral.eigenvalues[0], spectral.eigenvalues[1],
              spectral.eigenvalues[2], spectral.converged);

  // Hermitian clustering of a directed graph whose clusters are defined by flow direction (a 3-cycle).
  const PlantedGraph cyclic = stochastic_block_model({.sizes = {200, 200, 200}, .p_in = 0.05, .p_out = 0.05,
                                                      .directed = true, .flow = {0.5, 1, 0, 0, 0.5, 1, 1, 0, 0.5},
                                                      .seed = 3});
  const HermitianResult hermitian = hermitian_clustering(cyclic.graph, HermitianOptions{.k = 3, .seed = 1});
  std::printf("hermitian   ARI %.3f on a cyclic directed SBM\n", adjusted_rand_index(cyclic.labels, hermitian.labels));

  // Connected components.
  const ComponentsResult components = component_clustering(graph, ComponentsOptions{.mode = ComponentMode::Weak});
  std::printf("components  %d\n", components.count);

  // Local clustering around one seed: PPR push + sweep, and p-norm flow diffusion.
  const std::vector<NodeId> seed = {0};
  const PushResult push = approximate_ppr(graph, seed, PprOptions{.alpha = 0.1, .epsilon = 1e-6});
  const SweepResult sweep = sweep_cut(graph, push.pagerank);
  std::printf("ppr + sweep cluster of %zu nodes, conductance %.3f, touched %zu\n", sweep.set.size(), sweep.conductance,
              push.work.touched);
  const FlowDiffusionResult flow = local_flow_diffusion(graph, seed, FlowDiffusionOptions{.source_mass = 6000});
  std::printf("flow        cluster of %zu nodes, conductance %.3f\n", flow.support.size(), flow.support_conductance);

  // The same methods by name, as the CLI and Python's graphclust.cluster() reach them.
  const MethodRegistry registry = default_registry();
  for (const MethodInfo* method : registry.list(MethodKind::Partition)) {
    try {
      const ResultRecord result = method->run({.graph = &graph}, {});  // every option at its default
      const auto& labels = std::get<std::vector<std::int32_t>>(*result.find("labels"));
      std::printf("registry %-11s -> %s: %d clusters, ARI %.3f\n", method->name.c_str(), result.type.c_str(),
                  count_clusters(labels), adjusted_rand_index(planted.labels, labels));
    } catch (const Error& e) {  // e.g. hermitian on an undirected graph: a typed error, never a crash
      std::printf("registry %-11s -> error: %s\n", method->name.c_str(), e.what());
    }
  }
  return 0;
}
