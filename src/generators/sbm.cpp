#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/generators/generators.hpp"

namespace graphclust {
namespace {

/// Calls f(j) for each j in [begin, end) independently with probability p, in O(expected hits)
/// by jumping geometric gaps.
template <class F>
void bernoulli_range(std::uint64_t begin, std::uint64_t end, double p, Rng& rng, F&& f) {
  if (p <= 0 || begin >= end) return;
  if (p >= 1) {
    for (std::uint64_t j = begin; j < end; ++j) f(j);
    return;
  }
  const double log_q = std::log1p(-p);
  std::uint64_t j = begin;
  while (true) {
    const double gap = std::floor(std::log(1.0 - rng.uniform()) / log_q);
    if (gap >= static_cast<double>(end - j)) return;
    j += static_cast<std::uint64_t>(gap);
    f(j);
    if (++j >= end) return;
  }
}

/// Edges of a block model, generated per node from the node's own random stream in fixed chunks (same
/// edges for any thread count). Node i of block a draws the nodes j of each block b with probability
/// prob(a, b): over all of b (ordered pairs: i -> j) when `ordered`, else over j > i (unordered pairs),
/// where orient(a, b, rng) says whether the drawn pair points i -> j.
template <class Prob, class Orient>
EdgeList block_model_edges(const std::vector<std::uint64_t>& start, const std::vector<std::int32_t>& labels,
                           std::uint64_t seed, bool ordered, Prob&& prob, Orient&& orient) {
  const std::size_t k = start.size() - 1;
  const auto n = static_cast<NodeId>(start[k]);
  constexpr std::size_t kChunk = 2048;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<std::vector<NodeId>> src(chunks), dst(chunks);
  for_each_chunk(n, kChunk, [&](std::size_t c, std::size_t first, std::size_t last) {
    for (auto i = static_cast<NodeId>(first); i < last; ++i) {
      Rng rng(seed, i);
      const std::size_t a = static_cast<std::size_t>(labels[i]);
      for (std::size_t b = 0; b < k; ++b) {
        const std::uint64_t begin = ordered ? start[b] : std::max<std::uint64_t>(start[b], i + 1);
        bernoulli_range(begin, start[b + 1], prob(a, b), rng, [&](std::uint64_t j) {
          if (j == i) return;
          NodeId u = i, v = static_cast<NodeId>(j);
          if (!orient(a, b, rng)) std::swap(u, v);
          src[c].push_back(u);
          dst[c].push_back(v);
        });
      }
    }
  });
  EdgeList edges;
  edges.num_nodes = n;
  for (std::size_t c = 0; c < chunks; ++c) {
    edges.sources.insert(edges.sources.end(), src[c].begin(), src[c].end());
    edges.targets.insert(edges.targets.end(), dst[c].begin(), dst[c].end());
    std::vector<NodeId>().swap(src[c]);
    std::vector<NodeId>().swap(dst[c]);
  }
  return edges;
}

/// Block b holds the nodes [start[b], start[b + 1]).
std::vector<std::uint64_t> block_starts(const std::vector<NodeId>& sizes, const char* who) {
  std::vector<std::uint64_t> start(sizes.size() + 1, 0);
  for (std::size_t b = 0; b < sizes.size(); ++b) start[b + 1] = start[b] + sizes[b];
  if (start.back() == 0 || start.back() > kMaxNodes) throw InvalidArgument(std::string(who) + ": bad total size");
  return start;
}

std::vector<std::int32_t> block_labels(const std::vector<std::uint64_t>& start) {
  std::vector<std::int32_t> labels(start.back());
  for (std::size_t b = 0; b + 1 < start.size(); ++b)
    for (std::uint64_t i = start[b]; i < start[b + 1]; ++i) labels[i] = static_cast<std::int32_t>(b);
  return labels;
}

}  // namespace

PlantedGraph stochastic_block_model(const SbmOptions& o) {
  if (o.sizes.empty()) throw InvalidArgument("stochastic_block_model: sizes is empty");
  for (double p : {o.p_in, o.p_out})
    if (!(p >= 0 && p <= 1)) throw InvalidArgument("stochastic_block_model: probability " + std::to_string(p) + " not in [0, 1]");
  const std::size_t k = o.sizes.size();
  if (!o.flow.empty()) {
    if (!o.directed) throw InvalidArgument("stochastic_block_model: a flow matrix needs directed = true");
    if (o.flow.size() != k * k)
      throw InvalidArgument("stochastic_block_model: flow must have K*K = " + std::to_string(k * k) + " entries");
    for (double f : o.flow)
      if (!(f >= 0 && f <= 1)) throw InvalidArgument("stochastic_block_model: flow entry " + std::to_string(f) + " not in [0, 1]");
  }
  const auto start = block_starts(o.sizes, "stochastic_block_model");
  PlantedGraph result;
  result.labels = block_labels(start);
  // Without a flow matrix, a directed SBM draws every ordered pair independently; with one, each
  // unordered pair is drawn once and oriented by the flow (a fair coin inside a block).
  const bool ordered = o.directed && o.flow.empty();
  const EdgeList edges = block_model_edges(
      start, result.labels, o.seed, ordered, [&](std::size_t a, std::size_t b) { return a == b ? o.p_in : o.p_out; },
      [&](std::size_t a, std::size_t b, Rng& rng) {
        if (o.flow.empty()) return true;
        const double forward = a == b ? 0.5 : o.flow[a * k + b];
        return rng.uniform() < forward;
      });
  BuildOptions build;
  build.directed = o.directed;
  result.graph = build_graph(edges, build);
  return result;
}

DenseBlock<double> dsbm_meta_graph(MetaGraph shape, int k, double eta, bool ambient, std::uint64_t seed) {
  if (k < 2) throw InvalidArgument("dsbm_meta_graph: k must be >= 2, got " + std::to_string(k));
  if (!(eta >= 0 && eta <= 0.5)) throw InvalidArgument("dsbm_meta_graph: eta must be in [0, 0.5], got " + std::to_string(eta));
  if ((shape == MetaGraph::Star || shape == MetaGraph::Multipartite) && k < (ambient ? 4 : 3))
    throw InvalidArgument("dsbm_meta_graph: a " + std::string(to_string(shape)) + " meta-graph needs k >= " +
                          std::to_string(ambient ? 4 : 3));
  // NaN marks "no flow between these clusters"; those entries become 0.5 at the end. (The reference
  // code uses 0 as that marker and so has to special-case eta = 0; a separate marker needs no quirk.)
  const double unset = std::numeric_limits<double>::quiet_NaN();
  DenseBlock<double> f = DenseBlock<double>::Constant(k, k, unset);
  for (int i = 0; i < k; ++i) f(i, i) = 0.5;
  auto flow = [&](int from, int to) {
    f(from, to) = 1 - eta;
    f(to, from) = eta;
  };
  const int flow_clusters = ambient ? k - 1 : k;  // the ambient cluster (the last) takes part in no flow
  switch (shape) {
    case MetaGraph::Path:
      for (int i = 0; i + 1 < flow_clusters; ++i) flow(i, i + 1);
      break;
    case MetaGraph::Cyclic:
      if (flow_clusters == 2) flow(0, 1);
      else if (flow_clusters > 2)
        for (int i = 0; i < flow_clusters; ++i) flow(i, (i + 1) % flow_clusters);
      break;
    case MetaGraph::Complete: {
      Rng rng(seed, 0x4D455441ULL);  // its own stream: the graph's node streams stay untouched
      for (int i = 0; i < flow_clusters; ++i)
        for (int j = i + 1; j < flow_clusters; ++j) {
          if (rng.below(2)) flow(i, j);
          else flow(j, i);
        }
      break;
    }
    case MetaGraph::Star: {
      const int centre = (k - 1) / 2;
      for (int j = 0; j < flow_clusters; ++j)
        if (j != centre) {
          if (j % 2 == 0) flow(j, centre);
          else flow(centre, j);
        }
      break;
    }
    case MetaGraph::Multipartite: {
      // Three groups of about 1/9, 3/9 and 5/9 of the clusters, flowing G3 -> G2 -> G1 (as the paper's code).
      const int g1 = (flow_clusters + 8) / 9, g2 = g1 + (3 * flow_clusters + 8) / 9;
      for (int i = 0; i < flow_clusters; ++i)
        for (int j = 0; j < flow_clusters; ++j) {
          if (i < g1 && j >= g1 && j < g2) flow(j, i);
          if (i >= g1 && i < g2 && j >= g2) flow(j, i);
        }
      break;
    }
  }
  if (ambient)
    for (int i = 0; i < k; ++i) f(k - 1, i) = f(i, k - 1) = unset;
  for (Eigen::Index i = 0; i < f.size(); ++i)
    if (std::isnan(f.data()[i])) f.data()[i] = 0.5;
  return f;
}

DirectedPlantedGraph directed_sbm(const DsbmOptions& o) {
  check_options(o, "directed_sbm");
  if (static_cast<NodeId>(o.k) > o.num_nodes)
    throw InvalidArgument("directed_sbm: k = " + std::to_string(o.k) + " exceeds num_nodes");
  // Sizes as the DIGRAC benchmark draws them: equal up to rounding, or a geometric sequence with
  // ratio size_ratio^(1/(k-1)) whose last cluster takes the remainder.
  std::vector<NodeId> sizes(o.k);
  if (o.size_ratio > 1) {
    const double r = std::pow(o.size_ratio, 1.0 / (o.k - 1));
    double size = std::floor(o.num_nodes * (1 - r) / (1 - std::pow(r, o.k)));
    NodeId used = 0;
    for (int b = 0; b + 1 < o.k; ++b) {
      sizes[b] = static_cast<NodeId>(std::max(1.0, size));
      used += sizes[b];
      size = std::floor(sizes[b] * r);
    }
    if (used >= o.num_nodes) throw InvalidArgument("directed_sbm: num_nodes too small for this size_ratio");
    sizes[o.k - 1] = o.num_nodes - used;
  } else {
    for (int b = 0; b < o.k; ++b)
      sizes[b] = static_cast<NodeId>((static_cast<std::uint64_t>(b + 1) * o.num_nodes) / o.k -
                                     (static_cast<std::uint64_t>(b) * o.num_nodes) / o.k);
  }
  DirectedPlantedGraph result;
  result.meta_graph = dsbm_meta_graph(o.meta_graph, o.k, o.eta, o.ambient, o.seed);
  const auto start = block_starts(sizes, "directed_sbm");
  const auto blocks = block_labels(start);
  const DenseBlock<double>& f = result.meta_graph;
  EdgeList edges = block_model_edges(
      start, blocks, o.seed, true, [&](std::size_t a, std::size_t b) { return o.p * f(a, b); },
      [](std::size_t, std::size_t, Rng&) { return true; });
  // A seeded permutation of the ids, so that no method can read the planted blocks off the node order.
  std::vector<NodeId> perm(o.num_nodes);
  std::iota(perm.begin(), perm.end(), NodeId{0});
  Rng rng(o.seed, 0x5045524DULL);
  for (NodeId i = o.num_nodes - 1; i > 0; --i) std::swap(perm[i], perm[rng.below(i + 1)]);
  parallel_for_nodes(edges.sources.size(), [&](std::size_t e) {
    edges.sources[e] = perm[edges.sources[e]];
    edges.targets[e] = perm[edges.targets[e]];
  });
  result.labels.resize(o.num_nodes);
  for (NodeId i = 0; i < o.num_nodes; ++i) result.labels[perm[i]] = blocks[i];
  BuildOptions build;
  build.directed = true;
  result.graph = build_graph(edges, build);
  return result;
}

}  // namespace graphclust
