// One entry point per seed set (CLI, Python) and many seed sets in parallel.
#include <atomic>
#include <mutex>
#include <string>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "local/detail.hpp"

namespace graphclust {
namespace {

using local_detail::Workspace;

void check_options(const Graph& graph, const LocalClusteringOptions& o) {
  require_nonempty(graph, "local_clustering");
  switch (o.method) {
    case LocalMethod::Ppr:
      local_detail::check_ppr_options(o.ppr);
      break;
    case LocalMethod::Flow:
      local_detail::check_flow_options(o.flow, "local_flow_diffusion");
      break;
    case LocalMethod::WeightedFlow:
      local_detail::check_flow_options(o.flow, "weighted_flow_diffusion");
      if (o.attributes.empty()) throw InvalidArgument("local_clustering: method wfd needs node attributes");
      if (o.attributes.rows != graph.num_nodes())
        throw InvalidArgument("local_clustering: attributes have " + std::to_string(o.attributes.rows) +
                              " rows but the graph has " + std::to_string(graph.num_nodes()) + " nodes");
      break;
    case LocalMethod::NoisyLabels:
      local_detail::check_flow_options(o.flow, "noisy_label_flow_diffusion");
      if (o.labels.size() != graph.num_nodes())
        throw InvalidArgument("local_clustering: noisy-label diffusion needs one label per node, got " +
                              std::to_string(o.labels.size()));
      break;
  }
}

LocalCluster run_one(const Graph& graph, std::span<const NodeId> seeds, const LocalClusteringOptions& o,
                     Workspace& ws) {
  LocalCluster out;
  if (o.method == LocalMethod::Ppr) {
    PushResult push = local_detail::approximate_ppr(graph, seeds, o.ppr, ws);
    SweepResult sweep = local_detail::sweep_cut(graph, push.pagerank.ids, push.pagerank.values, SweepOptions{}, ws);
    out.cluster = std::move(sweep.set);
    out.conductance = sweep.conductance;
    out.vector = std::move(push.pagerank);
    out.work = push.work;
    out.work.edge_visits += sweep.work.edge_visits;
  } else {
    FlowDiffusionResult flow;
    if (o.method == LocalMethod::Flow) {
      flow = local_detail::local_flow_diffusion(graph, seeds, o.flow, ws);
    } else if (o.method == LocalMethod::WeightedFlow) {
      flow = local_detail::weighted_flow_diffusion(graph, seeds, o.attributes, o.flow, ws);
    } else {
      NoisyLabelOptions nl;
      static_cast<FlowDiffusionOptions&>(nl) = o.flow;
      nl.other_weight = o.label_other_weight;
      flow = local_detail::noisy_label_flow_diffusion(graph, seeds, o.labels, nl, ws);
    }
    out.work = flow.work;
    if (o.flow_sweep) {
      SweepOptions so;
      so.degree_normalized = false;
      SweepResult sweep = local_detail::sweep_cut(graph, flow.x.ids, flow.x.values, so, ws);
      out.cluster = std::move(sweep.set);
      out.conductance = sweep.conductance;
      out.work.edge_visits += sweep.work.edge_visits;
    } else {
      out.cluster = std::move(flow.support);
    }
    out.vector = std::move(flow.x);
  }
  bool need_conductance = o.method != LocalMethod::Ppr && !o.flow_sweep;
  if (out.cluster.empty()) {  // e.g. an isolated seed: the cluster is the seeds themselves
    out.cluster = local_detail::checked_seeds(graph, seeds, "local_clustering");
    need_conductance = true;
  }
  if (need_conductance) out.conductance = local_detail::local_conductance(graph, out.cluster, ws);
  return out;
}

}  // namespace

LocalCluster local_cluster(const Graph& graph, std::span<const NodeId> seeds, const LocalClusteringOptions& options) {
  check_options(graph, options);
  Workspace ws;
  return run_one(graph, seeds, options, ws);
}

std::vector<LocalCluster> local_clustering(const Graph& graph, std::span<const std::vector<NodeId>> seed_sets,
                                           const LocalClusteringOptions& options) {
  check_options(graph, options);
  for (const auto& seeds : seed_sets) (void)local_detail::checked_seeds(graph, seeds, "local_clustering");
  std::vector<LocalCluster> results(seed_sets.size());
  tbb::enumerable_thread_specific<Workspace> workspaces;
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  const std::size_t total = seed_sets.size();
  // Dense per-thread node index (no hashing) when its O(n) set-up is amortised over enough seed sets.
  const bool dense = static_cast<double>(graph.num_nodes()) <= 2048.0 * static_cast<double>(total);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, total, 1), [&](const tbb::blocked_range<std::size_t>& range) {
    Workspace& ws = workspaces.local();
    if (dense) ws.index.use_dense(graph.num_nodes());
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      results[i] = run_one(graph, seed_sets[i], options, ws);
      const std::size_t finished = ++done;
      if (options.progress && (finished == total || finished % 64 == 0)) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        options.progress("local", static_cast<double>(finished) / static_cast<double>(total));
      }
    }
  });
  return results;
}

}  // namespace graphclust
