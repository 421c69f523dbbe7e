// One entry point per seed set (CLI, Python) and many seed sets in parallel.
#include <atomic>
#include <mutex>
#include <string>
#include <type_traits>
#include <variant>

#include <tbb/enumerable_thread_specific.h>

#include "graphclust/core/parallel.hpp"
#include "local/detail.hpp"

namespace graphclust {
namespace {

using local_detail::Workspace;

void check_local_options(const Graph& graph, const LocalClusteringOptions& o) {
  require_nonempty(graph, "local_clustering");
  std::visit([](const auto& method) { check_options(method, "local_clustering"); }, o.method);
  if (std::holds_alternative<PprOptions>(o.method)) return;
  if (std::holds_alternative<WeightedFlowOptions>(o.method)) {
    if (o.attributes.empty()) throw InvalidArgument("local_clustering: weighted flow diffusion needs node attributes");
    if (o.attributes.rows != graph.num_nodes())
      throw InvalidArgument("local_clustering: attributes have " + std::to_string(o.attributes.rows) +
                            " rows but the graph has " + std::to_string(graph.num_nodes()) + " nodes");
  }
  if (std::holds_alternative<NoisyLabelOptions>(o.method) && o.labels.size() != graph.num_nodes())
    throw InvalidArgument("local_clustering: noisy-label diffusion needs one label per node, got " +
                          std::to_string(o.labels.size()));
}

LocalCluster run_one(const Graph& graph, std::span<const NodeId> seeds, const LocalClusteringOptions& o,
                     Workspace& ws) {
  LocalCluster out;
  bool need_conductance = true;
  if (const auto* ppr = std::get_if<PprOptions>(&o.method)) {
    PushResult push = local_detail::approximate_ppr(graph, seeds, *ppr, ws);
    SweepResult sweep = local_detail::sweep_cut(graph, push.pagerank.ids, push.pagerank.values, SweepOptions{}, ws);
    out.cluster = std::move(sweep.set);
    out.conductance = sweep.conductance;
    out.vector = std::move(push.pagerank);
    out.work = push.work;
    out.converged = push.converged;
    out.work.edge_visits += sweep.work.edge_visits;
    need_conductance = false;
  } else {
    FlowDiffusionResult flow;
    bool sweep_x = false;
    if (const auto* plain = std::get_if<FlowDiffusionOptions>(&o.method)) {
      flow = local_detail::local_flow_diffusion(graph, seeds, *plain, ws);
      sweep_x = plain->sweep;
    } else if (const auto* weighted = std::get_if<WeightedFlowOptions>(&o.method)) {
      flow = local_detail::weighted_flow_diffusion(graph, seeds, o.attributes, *weighted, ws);
      sweep_x = weighted->sweep;
    } else {
      const auto& noisy = std::get<NoisyLabelOptions>(o.method);
      flow = local_detail::noisy_label_flow_diffusion(graph, seeds, o.labels, noisy, ws);
      sweep_x = noisy.sweep;
    }
    out.work = flow.work;
    out.converged = flow.converged;
    if (sweep_x) {
      SweepOptions so;
      so.degree_normalized = false;
      SweepResult sweep = local_detail::sweep_cut(graph, flow.x.ids, flow.x.values, so, ws);
      out.cluster = std::move(sweep.set);
      out.conductance = sweep.conductance;
      out.work.edge_visits += sweep.work.edge_visits;
      need_conductance = false;
    } else {
      out.cluster = std::move(flow.support);
    }
    out.vector = std::move(flow.x);
  }
  if (out.cluster.empty()) {  // e.g. an isolated seed: the cluster is the seeds themselves
    out.cluster = local_detail::checked_seeds(graph, seeds, "local_clustering");
    need_conductance = true;
  }
  if (need_conductance) out.conductance = local_detail::local_conductance(graph, out.cluster, ws);
  return out;
}

}  // namespace

LocalCluster local_cluster(const Graph& graph, std::span<const NodeId> seeds, const LocalClusteringOptions& options) {
  check_local_options(graph, options);
  Workspace ws;
  return run_one(graph, seeds, options, ws);
}

std::vector<LocalCluster> local_clustering(const Graph& graph, std::span<const std::vector<NodeId>> seed_sets,
                                           const LocalClusteringOptions& options) {
  check_local_options(graph, options);
  for (const auto& seeds : seed_sets) (void)local_detail::checked_seeds(graph, seeds, "local_clustering");
  std::vector<LocalCluster> results(seed_sets.size());
  tbb::enumerable_thread_specific<Workspace> workspaces;
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  const std::size_t total = seed_sets.size();
  // Dense per-thread node index (no hashing) when its O(n) set-up is amortised over enough seed sets.
  const bool dense = static_cast<double>(graph.num_nodes()) <= 2048.0 * static_cast<double>(total);
  // Each seed set is independent and written to its own slot: the split between threads cannot change
  // a result, only which workspace (reset in O(touched)) serves it.
  parallel_for_ranges(total, [&](std::size_t begin, std::size_t end) {
    Workspace& ws = workspaces.local();
    if (dense) ws.index.use_dense(graph.num_nodes());
    for (std::size_t i = begin; i != end; ++i) {
      results[i] = run_one(graph, seed_sets[i], options, ws);
      const std::size_t finished = ++done;
      if (options.progress && (finished == total || finished % 64 == 0)) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        options.progress("local", static_cast<double>(finished) / static_cast<double>(total));
      }
    }
  }, 1);
  return results;
}

}  // namespace graphclust
