// Scores of a partition computed from the graph alone.
#include <algorithm>
#include <cmath>

#include "graphclust/core/error.hpp"
#include "graphclust/metrics/metrics.hpp"
#include "metrics/conductance.hpp"

namespace graphclust {
namespace {

void check_labels(const Graph& graph, Labels labels) {
  if (labels.size() != graph.num_nodes())
    throw InvalidArgument(std::to_string(labels.size()) + " labels for a graph of " + std::to_string(graph.num_nodes()) + " nodes");
}

struct ClusterCuts {
  std::vector<double> cut, volume;
};

ClusterCuts cluster_cuts(const Graph& graph, Labels labels) {
  check_labels(graph, labels);
  const int k = count_clusters(labels);
  ClusterCuts c{std::vector<double>(k, 0.0), std::vector<double>(k, 0.0)};
  for (NodeId u = 0; u < graph.num_nodes(); ++u) {
    const std::int32_t cu = labels[u];
    if (cu < 0) continue;
    c.volume[cu] += graph.sym_degrees()[u];
    graph.for_each_sym(u, [&](NodeId v, Weight w) {
      if (labels[v] != cu) c.cut[cu] += w;
    });
  }
  return c;
}

}  // namespace

double conductance(const Graph& graph, std::span<const NodeId> set) {
  std::vector<NodeId> members(set.begin(), set.end());
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  if (auto bad = std::lower_bound(members.begin(), members.end(), graph.num_nodes()); bad != members.end())
    throw InvalidArgument("conductance: node " + std::to_string(*bad) + " is not in the graph");
  return detail::set_conductance(graph, members,
                                 [&](NodeId v) { return std::binary_search(members.begin(), members.end(), v); });
}

std::vector<double> cluster_conductances(const Graph& graph, Labels labels) {
  const ClusterCuts c = cluster_cuts(graph, labels);
  std::vector<double> out(c.cut.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = detail::conductance_ratio(c.cut[i], c.volume[i], graph.sym_volume());
  return out;
}

double normalized_cut(const Graph& graph, Labels labels) {
  const ClusterCuts c = cluster_cuts(graph, labels);
  double total = 0;
  for (std::size_t i = 0; i < c.cut.size(); ++i)
    if (c.volume[i] > 0) total += c.cut[i] / c.volume[i];
  return total;
}

double modularity(const Graph& graph, Labels labels) {
  check_labels(graph, labels);
  const int k = count_clusters(labels);
  const double m = graph.total_volume();  // undirected: 2m; directed: total arc weight
  if (m <= 0) throw InvalidArgument("modularity: the graph has no edges");
  std::vector<double> inside(k, 0.0), out_strength(k, 0.0), in_strength(k, 0.0);
  for (NodeId u = 0; u < graph.num_nodes(); ++u) {
    const std::int32_t cu = labels[u];
    if (cu < 0) continue;
    out_strength[cu] += graph.out_degrees()[u];
    in_strength[cu] += graph.in_degrees()[u];
    graph.for_each_out(u, [&](NodeId v, Weight w) {
      if (labels[v] == cu) inside[cu] += w;
    });
  }
  double q = 0;
  for (int c = 0; c < k; ++c) q += inside[c] / m - out_strength[c] * in_strength[c] / (m * m);
  return q;
}

std::vector<double> pair_imbalances(const DenseBlock<double>& cut, std::span<const double> volumes, ImbalanceNorm norm) {
  const Eigen::Index k = cut.rows();
  if (cut.cols() != k || static_cast<Eigen::Index>(volumes.size()) != k)
    throw InvalidArgument("pair_imbalances: cut must be K x K and volumes of size K");
  constexpr double eps = 1e-8;
  double largest = 0, second = 0;
  for (double v : volumes) {
    if (v > largest) {
      second = largest;
      largest = v;
    } else if (v > second) {
      second = v;
    }
  }
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(k * (k - 1) / 2));
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index b = a + 1; b < k; ++b) {
      const double d = std::abs(cut(a, b) - cut(b, a)), s = cut(a, b) + cut(b, a);
      double value = 0;
      if (d > 0) {
        switch (norm) {
          case ImbalanceNorm::Plain: value = d / s; break;
          case ImbalanceNorm::VolSum: value = 2 * d / (volumes[a] + volumes[b] + eps); break;
          case ImbalanceNorm::VolMax: value = d / (std::max(volumes[a], volumes[b]) + eps); break;
          case ImbalanceNorm::VolMin: value = d / s * std::min(volumes[a], volumes[b]) / (second + eps); break;
        }
      }
      out.push_back(value);
    }
  return out;
}

FlowImbalance flow_imbalance(const Graph& graph, Labels labels, ImbalanceNorm norm, int top) {
  check_labels(graph, labels);
  const int k = count_clusters(labels);
  if (top < 0) throw InvalidArgument("flow_imbalance: top must be >= 0");
  FlowImbalance f;
  f.cut = DenseBlock<double>::Zero(k, k);
  f.volumes.assign(k, 0.0);
  for (NodeId u = 0; u < graph.num_nodes(); ++u) {
    const std::int32_t cu = labels[u];
    if (cu < 0) continue;
    f.volumes[cu] += graph.out_degrees()[u] + graph.in_degrees()[u];
    graph.for_each_out(u, [&](NodeId v, Weight w) {
      if (labels[v] >= 0) f.cut(cu, labels[v]) += w;
    });
  }
  if (!graph.directed()) {
    f.pairs.assign(static_cast<std::size_t>(k) * (k - 1) / 2, 0.0);  // A = A^T: no net flow anywhere
    return f;
  }
  f.pairs = pair_imbalances(f.cut, f.volumes, norm);
  std::vector<double> sorted = f.pairs;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  const std::size_t count = top == 0 ? sorted.size() : std::min<std::size_t>(top, sorted.size());
  double total = 0;
  for (std::size_t i = 0; i < count; ++i) total += sorted[i];
  f.mean_top = count ? total / count : 0.0;
  return f;
}

}  // namespace graphclust
