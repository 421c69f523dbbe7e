// Sweep cut over a sparse diffusion vector, and conductance of a small set in O(vol(set)).
#include <algorithm>
#include <cmath>
#include <string>

#include "local/detail.hpp"
#include "metrics/conductance.hpp"

namespace graphclust {
namespace local_detail {

SweepResult sweep_cut(const Graph& graph, std::span<const NodeId> ids, std::span<const double> values,
                      const SweepOptions& options, Workspace& ws) {
  require_nonempty(graph, "sweep_cut");
  if (ids.size() != values.size())
    throw InvalidArgument("sweep_cut: " + std::to_string(ids.size()) + " ids but " + std::to_string(values.size()) +
                          " values");
  const auto degree = graph.sym_degrees();
  struct Item {
    double score;
    NodeId id;
  };
  std::vector<Item> items;
  items.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] >= graph.num_nodes())
      throw InvalidArgument("sweep_cut: node id " + std::to_string(ids[i]) + " is out of range");
    if (!std::isfinite(values[i])) throw InvalidArgument("sweep_cut: value " + std::to_string(i) + " is not finite");
    if (values[i] == 0) continue;
    double score = values[i];
    if (options.degree_normalized) {
      const double d = degree[ids[i]];
      if (d > 0) score /= d;
    }
    items.push_back({score, ids[i]});
  }
  std::sort(items.begin(), items.end(), [](const Item& x, const Item& y) {
    return x.score != y.score ? x.score > y.score : x.id < y.id;
  });
  if (options.max_size && items.size() > options.max_size) items.resize(options.max_size);

  ws.clear();
  SweepResult result;
  const std::size_t k = items.size();
  result.order.reserve(k);
  result.profile.reserve(k);
  result.volumes.reserve(k);
  result.cuts.reserve(k);
  for (const Item& it : items) {
    bool inserted = false;
    ws.index.insert(it.id, inserted);
    if (!inserted) throw InvalidArgument("sweep_cut: node " + std::to_string(it.id) + " appears twice");
    result.order.push_back(it.id);
  }
  const double total = graph.sym_volume();
  double vol = 0, cut = 0, best = 2.0;
  std::size_t best_size = 0;
  std::uint64_t visits = 0;
  for (std::uint32_t rank = 0; rank < k; ++rank) {
    const NodeId u = result.order[rank];
    double self = 0, inside = 0;
    graph.for_each_sym(u, [&](NodeId v, Weight w) {
      ++visits;
      if (v == u) {
        self += w;
      } else {
        const std::uint32_t rv = ws.index.find(v);
        if (rv < rank) inside += w;
      }
    });
    const double du = degree[u];
    vol += du;
    cut += du - self - 2.0 * inside;
    if (cut < 0) cut = 0;  // rounding
    const double phi = detail::conductance_ratio(cut, vol, total);
    result.profile.push_back(phi);
    result.volumes.push_back(vol);
    result.cuts.push_back(cut);
    if (phi < best) {
      best = phi;
      best_size = rank + 1;
    }
  }
  result.best_size = best_size;
  result.conductance = best_size ? best : 1.0;
  result.set.assign(result.order.begin(), result.order.begin() + static_cast<std::ptrdiff_t>(best_size));
  std::sort(result.set.begin(), result.set.end());
  result.work.touched = k;
  result.work.edge_visits = visits;
  return result;
}

double local_conductance(const Graph& graph, std::span<const NodeId> set, Workspace& ws) {
  require_nonempty(graph, "local_conductance");
  ws.clear();
  for (NodeId u : set) {
    if (u >= graph.num_nodes()) throw InvalidArgument("conductance: node id " + std::to_string(u) + " is out of range");
    bool inserted = false;
    ws.index.insert(u, inserted);
  }
  // O(vol(set)) membership through the workspace's index instead of metrics' sort and binary search.
  return detail::set_conductance(graph, ws.index.keys(), [&](NodeId v) { return ws.index.find(v) != kNone; });
}

}  // namespace local_detail

SweepResult sweep_cut(const Graph& graph, std::span<const NodeId> ids, std::span<const double> values,
                      const SweepOptions& options) {
  local_detail::Workspace ws;
  return local_detail::sweep_cut(graph, ids, values, options, ws);
}

SweepResult sweep_cut(const Graph& graph, const SparseVector& vector, const SweepOptions& options) {
  return sweep_cut(graph, vector.ids, vector.values, options);
}


}  // namespace graphclust
