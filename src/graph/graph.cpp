#include "graphclust/graph/graph.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <numeric>
#include <string>

#include "graphclust/core/memory.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"

namespace graphclust {
namespace {

std::vector<double> row_sums(const CsrArrays& csr, NodeId n) {
  std::vector<double> degrees(n);
  parallel_for_nodes(n, [&](NodeId u) {
    const EdgeOffset begin = csr.offsets[u], end = csr.offsets[u + 1];
    if (csr.weights.empty()) {
      degrees[u] = static_cast<double>(end - begin);
    } else {
      double s = 0;
      for (EdgeOffset e = begin; e < end; ++e) s += csr.weights[e];
      degrees[u] = s;
    }
  });
  return degrees;
}

}  // namespace

Graph::Graph() : out_(std::make_shared<CsrArrays>()), in_(out_) { out_->offsets.assign(1, 0); }
Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;
Graph::~Graph() = default;

Graph::Graph(CsrArrays out, CsrArrays in, bool directed, std::vector<std::string> names)
    : directed_(directed), out_(std::make_shared<CsrArrays>(std::move(out))), names_(std::move(names)) {
  if (out_->offsets.empty()) out_->offsets.assign(1, 0);
  const std::size_t n = out_->offsets.size() - 1;
  if (n > kMaxNodes) throw InvalidArgument("graph has " + std::to_string(n) + " nodes, more than 32-bit ids allow");
  num_nodes_ = static_cast<NodeId>(n);
  if (out_->offsets.back() != out_->targets.size())
    throw InvalidArgument("CSR offsets end at " + std::to_string(out_->offsets.back()) + " but there are " +
                          std::to_string(out_->targets.size()) + " targets");
  if (!out_->weights.empty() && out_->weights.size() != out_->targets.size())
    throw InvalidArgument("CSR has " + std::to_string(out_->weights.size()) + " weights for " +
                          std::to_string(out_->targets.size()) + " targets");
  if (!names_.empty() && names_.size() != n)
    throw InvalidArgument("graph has " + std::to_string(n) + " nodes but " + std::to_string(names_.size()) + " names");
  if (directed_) {
    in_ = std::make_shared<CsrArrays>(std::move(in));
    if (in_->offsets.size() != n + 1 || in_->targets.size() != out_->targets.size())
      throw InvalidArgument("in-adjacency does not match the out-adjacency");
  } else {
    in_ = out_;
  }

  out_degrees_ = row_sums(*out_, num_nodes_);
  if (directed_) {
    in_degrees_ = row_sums(*in_, num_nodes_);
    sym_degrees_.resize(num_nodes_);
    parallel_for_nodes(num_nodes_, [&](NodeId u) { sym_degrees_[u] = out_degrees_[u] + in_degrees_[u]; });
  }
  total_volume_ = fixed_order_sum(out_degrees_.size(), [&](std::size_t u) { return out_degrees_[u]; });

  num_self_loops_ = fixed_order_reduce(
      num_nodes_, EdgeOffset{0},
      [&](std::size_t begin, std::size_t end) {
        EdgeOffset count = 0;
        for (auto u = static_cast<NodeId>(begin); u < end; ++u) {
          auto row = out_neighbors(u);
          count += std::binary_search(row.begin(), row.end(), u) ? 1 : 0;
        }
        return count;
      },
      std::plus<>());
  num_edges_ = directed_ ? num_arcs() : (num_arcs() - num_self_loops_) / 2 + num_self_loops_;

  if (!names_.empty()) {
    name_index_.reserve(names_.size());
    for (NodeId u = 0; u < num_nodes_; ++u) {
      if (!name_index_.emplace(names_[u], u).second)
        throw InvalidArgument("node name '" + names_[u] + "' is used twice");
    }
  }
}

std::string Graph::name_of(NodeId u) const { return names_.empty() ? std::to_string(u) : names_[u]; }

std::optional<NodeId> Graph::find_node(std::string_view name) const {
  if (!names_.empty()) {
    auto it = name_index_.find(name);
    if (it == name_index_.end()) return std::nullopt;
    return it->second;
  }
  std::uint64_t id = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec != std::errc() || ptr != name.data() + name.size() || id >= num_nodes_) return std::nullopt;
  return static_cast<NodeId>(id);
}

void require_nonempty(const Graph& graph, std::string_view who) {
  if (graph.num_nodes() == 0) throw InvalidArgument(std::string(who) + ": the graph is empty (0 nodes)");
}

// ---------------------------------------------------------------------------------------------
// Construction: a parallel counting sort into rows, then each row sorted and its duplicates merged.
namespace {

struct Entry {
  NodeId target;
  Weight weight;
};

/// Builds CSR rows from (row, col) pairs without atomics: edges are counted per (chunk, bucket of
/// consecutive rows), scattered into buckets at positions fixed by those counts, and each bucket is
/// then laid out, sorted by (target, weight) and merged on its own while it sits in cache. Positions
/// depend only on the input order, never on the thread count.
CsrArrays assemble(NodeId n, std::span<const NodeId> rows, std::span<const NodeId> cols, std::span<const Weight> weights,
                   bool mirror, bool weighted, const BuildOptions& options) {
  const std::size_t m = rows.size();
  int shift = 0;
  while ((static_cast<std::uint64_t>(n) >> shift) > 64) ++shift;
  const std::size_t buckets = (static_cast<std::size_t>(n) >> shift) + 1;
  // Not a reduction block: positions do not depend on it. Larger than kReductionBlock because the
  // cursor table holds chunks x buckets counters.
  constexpr std::size_t kChunk = 1 << 16;
  const std::size_t chunks = (m + kChunk - 1) / kChunk;

  std::vector<EdgeOffset> cursor(chunks * buckets, 0);
  for_each_chunk(m, kChunk, [&](std::size_t c, std::size_t begin, std::size_t end) {
    EdgeOffset* count = cursor.data() + c * buckets;
    for (std::size_t e = begin; e < end; ++e) {
      ++count[rows[e] >> shift];
      if (mirror && rows[e] != cols[e]) ++count[cols[e] >> shift];
    }
  });
  std::vector<EdgeOffset> bucket_start(buckets + 1, 0);
  EdgeOffset total = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    bucket_start[b] = total;
    for (std::size_t c = 0; c < chunks; ++c) {
      const EdgeOffset count = cursor[c * buckets + b];
      cursor[c * buckets + b] = total;
      total += count;
    }
  }
  bucket_start[buckets] = total;

  std::vector<NodeId> staged_row, staged_col;
  std::vector<Weight> staged_weight;
  detail::resize_huge(staged_row, total);
  detail::resize_huge(staged_col, total);
  if (weighted) detail::resize_huge(staged_weight, total);
  for_each_chunk(m, kChunk, [&](std::size_t c, std::size_t begin, std::size_t end) {
    EdgeOffset* next = cursor.data() + c * buckets;
    auto put = [&](NodeId r, NodeId col, Weight w) {
      const EdgeOffset slot = next[r >> shift]++;
      staged_row[slot] = r;
      staged_col[slot] = col;
      if (weighted) staged_weight[slot] = w;
    };
    for (std::size_t e = begin; e < end; ++e) {
      const Weight w = weighted ? weights[e] : Weight{1};
      put(rows[e], cols[e], w);
      if (mirror && rows[e] != cols[e]) put(cols[e], rows[e], w);
    }
  });
  std::vector<EdgeOffset>().swap(cursor);

  std::vector<EdgeOffset> offsets;
  detail::resize_huge(offsets, static_cast<std::size_t>(n) + 1);
  std::vector<Entry> entries;
  detail::resize_huge(entries, total);
  std::vector<EdgeOffset> kept(n, 0);
  std::atomic<bool> duplicate_found{false};
  parallel_for_tasks(buckets, [&](std::size_t b) {
    const NodeId first = static_cast<NodeId>(std::min<std::uint64_t>(n, static_cast<std::uint64_t>(b) << shift));
    const NodeId last = static_cast<NodeId>(std::min<std::uint64_t>(n, static_cast<std::uint64_t>(b + 1) << shift));
    const EdgeOffset begin = bucket_start[b], end = bucket_start[b + 1];
    std::vector<EdgeOffset> row_cursor(static_cast<std::size_t>(last - first) + 1, 0);
    for (EdgeOffset s = begin; s < end; ++s) ++row_cursor[staged_row[s] - first + 1];
    row_cursor[0] = begin;
    for (NodeId r = first; r < last; ++r) {
      row_cursor[r - first + 1] += row_cursor[r - first];
      offsets[r + 1] = row_cursor[r - first + 1];
    }
    for (EdgeOffset s = begin; s < end; ++s)
      entries[row_cursor[staged_row[s] - first]++] = {staged_col[s], weighted ? staged_weight[s] : Weight{1}};
    // After the scatter row_cursor[r - first] is the end of row r; offsets[first] belongs to the
    // previous bucket's task, so row bounds come from this bucket's own cursors.
    for (NodeId u = first; u < last; ++u) {
      Entry* row_begin = entries.data() + (u == first ? begin : row_cursor[u - first - 1]);
      Entry* row_end = entries.data() + row_cursor[u - first];
      std::sort(row_begin, row_end, [](const Entry& a, const Entry& b) {
        return a.target != b.target ? a.target < b.target : a.weight < b.weight;
      });
      Entry* out = row_begin;
      for (Entry* it = row_begin; it != row_end; ++it) {
        if (out != row_begin && (out - 1)->target == it->target) {
          Weight& w = (out - 1)->weight;
          switch (options.duplicates) {
            case DuplicatePolicy::Sum: w = weighted ? w + it->weight : w; break;
            case DuplicatePolicy::Max: w = std::max(w, it->weight); break;
            case DuplicatePolicy::Min: w = std::min(w, it->weight); break;
            case DuplicatePolicy::Error: duplicate_found = true; break;
          }
        } else {
          *out++ = *it;
        }
      }
      kept[u] = static_cast<EdgeOffset>(out - row_begin);
    }
  });
  std::vector<NodeId>().swap(staged_row);
  std::vector<NodeId>().swap(staged_col);
  std::vector<Weight>().swap(staged_weight);
  if (duplicate_found) throw InvalidArgument("duplicate edges found and the duplicate policy is 'error'");

  CsrArrays csr;
  detail::resize_huge(csr.offsets, static_cast<std::size_t>(n) + 1);
  csr.offsets[0] = 0;
  for (NodeId u = 0; u < n; ++u) csr.offsets[u + 1] = csr.offsets[u] + kept[u];
  detail::resize_huge(csr.targets, csr.offsets[n]);
  if (weighted) detail::resize_huge(csr.weights, csr.offsets[n]);
  parallel_for_nodes(n, [&](NodeId u) {
    const Entry* src = entries.data() + offsets[u];
    for (EdgeOffset i = 0; i < kept[u]; ++i) {
      csr.targets[csr.offsets[u] + i] = src[i].target;
      if (weighted) csr.weights[csr.offsets[u] + i] = src[i].weight;
    }
  }, 1024);
  return csr;
}

}  // namespace

Graph build_graph(std::span<const NodeId> sources, std::span<const NodeId> targets, std::span<const Weight> weights,
                  NodeId num_nodes, const BuildOptions& options, std::vector<std::string> names) {
  if (sources.size() != targets.size())
    throw InvalidArgument("edge arrays differ in length: " + std::to_string(sources.size()) + " sources, " +
                          std::to_string(targets.size()) + " targets");
  const bool weighted = !weights.empty();
  if (weighted && weights.size() != sources.size())
    throw InvalidArgument("edge arrays differ in length: " + std::to_string(sources.size()) + " edges, " +
                          std::to_string(weights.size()) + " weights");
  const std::size_t m = sources.size();

  // Validate in parallel; report the first offending edge (lowest index) so the message is stable.
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  struct Scan {
    NodeId max_id = 0;
    std::size_t first_bad = kNone;
  };
  const Scan scan = fixed_order_reduce(
      m, Scan{},
      [&](std::size_t begin, std::size_t end) {
        Scan s;
        for (std::size_t e = begin; e < end; ++e) {
          s.max_id = std::max({s.max_id, sources[e], targets[e]});
          const bool bad_weight = weighted && (!std::isfinite(weights[e]) || (weights[e] < 0 && !options.allow_negative_weights));
          const bool bad_loop = options.self_loops == SelfLoopPolicy::Error && sources[e] == targets[e];
          if (s.first_bad == kNone && (bad_weight || bad_loop || sources[e] > kMaxNodes - 1 || targets[e] > kMaxNodes - 1))
            s.first_bad = e;
        }
        return s;
      },
      [](Scan a, Scan b) { return Scan{std::max(a.max_id, b.max_id), std::min(a.first_bad, b.first_bad)}; });
  const NodeId max_id = scan.max_id;
  if (const std::size_t e = scan.first_bad; e != kNone) {
    if (sources[e] > kMaxNodes - 1 || targets[e] > kMaxNodes - 1)
      throw InvalidArgument("edge " + std::to_string(e) + ": node id exceeds the 32-bit limit");
    if (weighted && !std::isfinite(weights[e]))
      throw InvalidArgument("edge " + std::to_string(e) + ": weight is " + std::to_string(weights[e]));
    if (weighted && weights[e] < 0)
      throw InvalidArgument("edge " + std::to_string(e) + ": negative weight " + std::to_string(weights[e]) +
                            " (set allow_negative_weights to keep it)");
    throw InvalidArgument("edge " + std::to_string(e) + ": self-loop on node " + std::to_string(sources[e]) +
                          " and the self-loop policy is 'error'");
  }
  if (num_nodes == 0 && m > 0) num_nodes = max_id + 1;
  if (m > 0 && max_id >= num_nodes)
    throw InvalidArgument("node id " + std::to_string(max_id) + " is out of range for a graph of " +
                          std::to_string(num_nodes) + " nodes");

  // A "# nodes:" header or a Matrix Market size line can claim billions of nodes in a tiny file, and
  // numpy arrays can be huge: refuse before the O(n + m) arrays are allocated and touched. The
  // estimate counts what assemble() holds at its peak: offsets, degrees and row counts per node;
  // each stored arc (both directions) with its staging copy and sort entry.
  {
    const double n = num_nodes, arcs = 2.0 * static_cast<double>(m);
    const double per_node = options.directed ? 6 * 8.0 : 3 * 8.0;
    const double per_arc = 2 * sizeof(NodeId) + 16.0 + (weighted ? 2 * sizeof(Weight) : 0);
    detail::require_memory(n * per_node + arcs * per_arc, "build_graph",
                           "a graph of " + std::to_string(num_nodes) + " nodes and " + std::to_string(m) + " edges");
  }

  // Self-loops to drop are filtered into a compact copy of the edge arrays only when there are any.
  std::vector<NodeId> kept_src, kept_dst;
  std::vector<Weight> kept_w;
  if (options.self_loops == SelfLoopPolicy::Drop) {
    const std::size_t loops = fixed_order_reduce(
        m, std::size_t{0},
        [&](std::size_t begin, std::size_t end) {
          std::size_t count = 0;
          for (std::size_t e = begin; e < end; ++e) count += sources[e] == targets[e];
          return count;
        },
        std::plus<>());
    if (loops > 0) {
      for (std::size_t e = 0; e < m; ++e) {
        if (sources[e] == targets[e]) continue;
        kept_src.push_back(sources[e]);
        kept_dst.push_back(targets[e]);
        if (weighted) kept_w.push_back(weights[e]);
      }
      sources = kept_src;
      targets = kept_dst;
      weights = kept_w;
    }
  }

  CsrArrays out = assemble(num_nodes, sources, targets, weights, !options.directed, weighted, options);
  CsrArrays in;
  if (options.directed) in = assemble(num_nodes, targets, sources, weights, false, weighted, options);
  return Graph(std::move(out), std::move(in), options.directed, std::move(names));
}

Graph build_graph(const EdgeList& edges, const BuildOptions& options) {
  return build_graph(edges.sources, edges.targets, edges.weights,
                     edges.num_nodes ? edges.num_nodes : static_cast<NodeId>(edges.names.size()), options, edges.names);
}

}  // namespace graphclust
