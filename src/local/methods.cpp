// Registry entries of the local diffusion family: the four local_cluster methods (ppr, flow, wfd,
// noisy) and the diffusions themselves as functions. Options and results come from local.hpp.
#include "graphclust/local/local.hpp"
#include "methods/families.hpp"

namespace graphclust::detail {
namespace {

/// The local_cluster entry for one diffusion: its options become the LocalClusteringOptions variant.
template <class Options>
MethodInfo local_entry(MethodInfo header) {
  auto to_options = [](const MethodInput& in, const Options& o) {
    LocalClusteringOptions lo;
    lo.method = o;
    lo.attributes = in.features;
    lo.labels = in.labels;
    lo.progress = in.progress;
    return lo;
  };
  return make_local_method<Options, LocalCluster>(
      std::move(header),
      [to_options](const MethodInput& in, const Options& o) { return local_cluster(*in.graph, in.seeds, to_options(in, o)); },
      [to_options](const MethodInput& in, std::span<const std::vector<NodeId>> sets, const Options& o) {
        return local_clustering(*in.graph, sets, to_options(in, o));
      });
}

}  // namespace

void register_local_methods(MethodRegistry& registry) {
  registry.add(local_entry<PprOptions>(
      {.name = "ppr", .function = "local_cluster", .summary = "approximate personalized PageRank (ACL push) + sweep cut"}));
  registry.add(local_entry<FlowDiffusionOptions>(
      {.name = "flow", .function = "local_cluster", .summary = "p-norm flow diffusion; the cluster is the support of x"}));
  registry.add(local_entry<WeightedFlowOptions>({.name = "wfd",
                                                 .function = "local_cluster",
                                                 .summary = "flow diffusion on edges reweighted by node attributes",
                                                 .features = InputUse::Required}));
  registry.add(local_entry<NoisyLabelOptions>({.name = "noisy",
                                               .function = "local_cluster",
                                               .summary = "flow diffusion on the noisy-label-weighted graph",
                                               .labels = InputUse::Required}));

  registry.add(make_method<PprOptions, PushResult>(
      {.name = "approximate_ppr",
       .function = "approximate_ppr",
       .summary = "approximate personalized PageRank by push (Andersen-Chung-Lang)",
       .kind = MethodKind::Function,
       .takes_seeds = true},
      [](const MethodInput& in, const PprOptions& o) { return approximate_ppr(*in.graph, in.seeds, o); }));
  registry.add(make_method<FlowDiffusionOptions, FlowDiffusionResult>(
      {.name = "local_flow_diffusion",
       .function = "local_flow_diffusion",
       .summary = "p-norm flow diffusion (Fountoulakis, Wang, Yang 2020)",
       .kind = MethodKind::Function,
       .takes_seeds = true},
      [](const MethodInput& in, const FlowDiffusionOptions& o) { return local_flow_diffusion(*in.graph, in.seeds, o); }));
  registry.add(make_method<WeightedFlowOptions, FlowDiffusionResult>(
      {.name = "weighted_flow_diffusion",
       .function = "weighted_flow_diffusion",
       .summary = "flow diffusion on edges reweighted by exp(-gamma ||x_i - x_j||^2) (Yang & Fountoulakis 2023)",
       .kind = MethodKind::Function,
       .takes_seeds = true,
       .features = InputUse::Required},
      [](const MethodInput& in, const WeightedFlowOptions& o) {
        return weighted_flow_diffusion(*in.graph, in.seeds, in.features, o);
      }));
  registry.add(make_method<NoisyLabelOptions, FlowDiffusionResult>(
      {.name = "noisy_label_flow_diffusion",
       .function = "noisy_label_flow_diffusion",
       .summary = "flow diffusion on the label-weighted graph (Back de Luca, Fountoulakis, Yang 2024)",
       .kind = MethodKind::Function,
       .takes_seeds = true,
       .labels = InputUse::Required},
      [](const MethodInput& in, const NoisyLabelOptions& o) {
        return noisy_label_flow_diffusion(*in.graph, in.seeds, in.labels, o);
      }));
}

}  // namespace graphclust::detail
