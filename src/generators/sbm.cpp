#include <cmath>
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
  std::vector<std::uint64_t> start(k + 1, 0);
  for (std::size_t b = 0; b < k; ++b) start[b + 1] = start[b] + o.sizes[b];
  if (start[k] == 0 || start[k] > kMaxNodes) throw InvalidArgument("stochastic_block_model: bad total size");
  const auto n = static_cast<NodeId>(start[k]);

  PlantedGraph result;
  result.labels.resize(n);
  for (std::size_t b = 0; b < k; ++b)
    for (std::uint64_t i = start[b]; i < start[b + 1]; ++i) result.labels[i] = static_cast<std::int32_t>(b);

  // Nodes are generated in fixed chunks, each node from its own random stream, so the edge list is
  // the same for any thread count.
  constexpr std::size_t kChunk = 2048;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<std::vector<NodeId>> src(chunks), dst(chunks);
  for_each_chunk(n, kChunk, [&](std::size_t c, std::size_t first, std::size_t last) {
    for (auto i = static_cast<NodeId>(first); i < last; ++i) {
      Rng rng(o.seed, i);
      const std::size_t a = static_cast<std::size_t>(result.labels[i]);
      for (std::size_t b = 0; b < k; ++b) {
        const double p = a == b ? o.p_in : o.p_out;
        const bool ordered_pairs = o.directed && o.flow.empty();
        const std::uint64_t begin = ordered_pairs ? start[b] : std::max<std::uint64_t>(start[b], i + 1);
        bernoulli_range(begin, start[b + 1], p, rng, [&](std::uint64_t j) {
          if (j == i) return;
          NodeId u = i, v = static_cast<NodeId>(j);
          if (!o.flow.empty()) {
            const double forward = a == b ? 0.5 : o.flow[a * k + b];
            if (rng.uniform() >= forward) std::swap(u, v);
          }
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
  BuildOptions build;
  build.directed = o.directed;
  result.graph = build_graph(edges, build);
  return result;
}

}  // namespace graphclust
