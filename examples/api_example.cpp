// The C++ API: every family is an options struct and a free function returning a result struct.
//   ./api_example            (after building; prints what each family recovers on planted graphs)
#include <cstdio>

#include "graphclust/contrastive/contrastive.hpp"
#include "graphclust/digrac/digrac.hpp"
#include "graphclust/generators/contextual_sbm.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/local/local.hpp"
#include "graphclust/methods/components.hpp"
#include "graphclust/methods/registry.hpp"
#include "graphclust/metrics/metrics.hpp"
#include "graphclust/spectral/spectral.hpp"
#include "graphclust/tv/tv.hpp"

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

  // DIGRAC: the same cyclic digraph, clustered by learned flow imbalance (Hermitian features built).
  const DigracResult digrac_result = digrac(cyclic.graph, DigracOptions{.k = 3, .seed = 1});
  std::printf("digrac      ARI %.3f, flow imbalance %.3f\n", adjusted_rand_index(cyclic.labels, digrac_result.labels),
              digrac_result.imbalance_sort_vol_sum);

  // Attributed graphs: PamC (meta-node contrastive) and TV clustering read node features.
  const AttributedPlantedGraph attributed =
      contextual_sbm({.sizes = {150, 150}, .p_in = 0.05, .p_out = 0.005, .dims = 8, .mu = 3.0, .seed = 5});
  ContrastiveOptions pamc;
  pamc.k = 2;
  pamc.hidden = "64,64";
  pamc.max_epochs = 50;
  pamc.pretrain_epochs = 10;
  const ContrastiveResult contrastive = contrastive_clustering(attributed.graph, attributed.features, pamc);
  std::printf("pamc        ARI %.3f on a contextual SBM\n", adjusted_rand_index(attributed.labels, contrastive.labels));
  TvOptions tv;
  tv.k = 2;
  tv.mp_channels = 32;
  tv.mlp_hidden = 16;
  tv.max_epochs = 100;
  const TvResult tv_result = tv_clustering(attributed.graph, attributed.features, tv);
  std::printf("tv          ARI %.3f on a contextual SBM\n", adjusted_rand_index(attributed.labels, tv_result.labels));

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
  for (const MethodInfo* method : registry.list(MethodKind::Partition))
    std::printf("registry %-11s -> %s(), %zu options, returns %s\n", method->name.c_str(), method->function.c_str(),
                method->options.size(), method->result_type.c_str());
  const ResultRecord result = registry.get("spectral").run({.graph = &graph}, {{"k", std::int64_t{3}}, {"n_init", std::int64_t{5}}});
  const auto& labels = std::get<std::vector<std::int32_t>>(*result.find("labels"));
  std::printf("registry spectral run by name: %d clusters, ARI %.3f\n", count_clusters(labels),
              adjusted_rand_index(planted.labels, labels));
  try {  // a typed error, never a crash: hermitian needs a directed graph
    registry.get("hermitian").run({.graph = &graph}, {});
  } catch (const Error& e) {
    std::printf("registry hermitian on an undirected graph -> error: %s\n", e.what());
  }
  return 0;
}
