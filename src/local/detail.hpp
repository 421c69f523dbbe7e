#pragma once
// Private helpers of the local diffusion family: the sparse node index (O(touched) state and reset),
// validation, and the per-thread workspace. The family diffuses on the graph's symmetric view
// (Graph::for_each_sym / sym_degrees: A + A^T for a directed graph).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/local/local.hpp"

namespace graphclust::local_detail {

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

/// Open-addressing map NodeId -> dense slot (0, 1, 2, ... in insertion order). Memory and reset are
/// proportional to the number of keys ever inserted since the last clear(), never to num_nodes.
class NodeIndex {
 public:
  std::size_t size() const noexcept { return keys_.size(); }
  const std::vector<NodeId>& keys() const noexcept { return keys_; }
  NodeId key(std::uint32_t slot) const noexcept { return keys_[slot]; }

  /// Switches to a dense id -> slot array of n entries (O(n) once; then no hashing). Used by the
  /// multi-seed driver, whose per-thread workspaces serve many seeds; single calls stay O(touched).
  void use_dense(NodeId n) {
    if (dense_.size() == n) return;
    clear();
    dense_.assign(n, kNone);
  }

  std::uint32_t find(NodeId u) const noexcept {
    if (!dense_.empty()) return dense_[u];
    if (table_.empty()) return kNone;
    for (std::size_t b = bucket(u);; b = (b + 1) & mask_) {
      const Entry& e = table_[b];
      if (e.key == u) return e.slot;
      if (e.key == kEmpty) return kNone;
    }
  }
  /// Slot of u, inserting it (next slot) when absent; `inserted` tells which.
  std::uint32_t insert(NodeId u, bool& inserted) {
    if (!dense_.empty()) {
      std::uint32_t& d = dense_[u];
      inserted = d == kNone;
      if (inserted) {
        d = static_cast<std::uint32_t>(keys_.size());
        keys_.push_back(u);
      }
      return d;
    }
    if ((keys_.size() + 1) * 2 > table_.size()) grow();
    std::size_t b = bucket(u);
    for (;; b = (b + 1) & mask_) {
      Entry& e = table_[b];
      if (e.key == u) {
        inserted = false;
        return e.slot;
      }
      if (e.key == kEmpty) break;
    }
    const auto slot = static_cast<std::uint32_t>(keys_.size());
    table_[b] = Entry{u, slot};
    keys_.push_back(u);
    bucket_of_.push_back(static_cast<std::uint32_t>(b));
    inserted = true;
    return slot;
  }
  /// O(size()) reset; the table keeps its capacity for the next run.
  void clear() noexcept {
    if (!dense_.empty())
      for (NodeId k : keys_) dense_[k] = kNone;
    for (std::uint32_t b : bucket_of_) table_[b].key = kEmpty;
    keys_.clear();
    bucket_of_.clear();
  }

 private:
  static constexpr NodeId kEmpty = 0xFFFFFFFFu;  // never a node id (kMaxNodes reserves it)
  struct Entry {
    NodeId key = kEmpty;
    std::uint32_t slot = 0;
  };
  std::size_t bucket(NodeId u) const noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(u) * 0x9E3779B97F4A7C15ULL) >> shift_) & mask_;
  }
  void grow() {
    const std::size_t capacity = table_.empty() ? 64 : table_.size() * 2;
    int bits = 0;
    while ((std::size_t{1} << bits) < capacity) ++bits;
    table_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    shift_ = 64 - bits;
    for (std::uint32_t s = 0; s < keys_.size(); ++s) {
      std::size_t b = bucket(keys_[s]);
      while (table_[b].key != kEmpty) b = (b + 1) & mask_;
      table_[b] = Entry{keys_[s], s};
      bucket_of_[s] = static_cast<std::uint32_t>(b);
    }
  }

  std::vector<Entry> table_;
  std::vector<std::uint32_t> dense_;  // empty = hashed mode
  std::vector<NodeId> keys_;
  std::vector<std::uint32_t> bucket_of_;
  std::size_t mask_ = 0;
  int shift_ = 64;
};

/// Distinct seeds in ascending order after validating them.
inline std::vector<NodeId> checked_seeds(const Graph& graph, std::span<const NodeId> seeds, const char* who) {
  require_nonempty(graph, who);
  if (seeds.empty()) throw InvalidArgument(std::string(who) + ": no seed nodes given");
  std::vector<NodeId> out(seeds.begin(), seeds.end());
  for (NodeId s : out)
    if (s >= graph.num_nodes())
      throw InvalidArgument(std::string(who) + ": seed node " + std::to_string(s) + " is out of range (graph has " +
                            std::to_string(graph.num_nodes()) + " nodes)");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}


/// Everything one run needs, reused across runs by one thread; every member is reset in O(touched).
struct Workspace {
  NodeIndex index;
  // per slot
  std::vector<double> a, b, c, d;
  std::vector<std::uint8_t> flag;
  std::vector<std::uint64_t> offset;  // flow: arena offset of a pushed node's neighbours (kNoOffset = not yet)
  std::vector<std::uint32_t> count;   // flow: number of cached neighbours
  // arenas / scratch
  std::vector<std::uint32_t> arena_slot;
  std::vector<double> arena_weight;
  std::vector<std::uint32_t> queue;
  std::vector<double> scratch_x, scratch_w;
  void clear() {
    index.clear();
    a.clear();
    b.clear();
    c.clear();
    d.clear();
    flag.clear();
    offset.clear();
    count.clear();
    arena_slot.clear();
    arena_weight.clear();
    queue.clear();
  }
};

PushResult approximate_ppr(const Graph& graph, std::span<const NodeId> seeds, const PprOptions& options, Workspace& ws);
SweepResult sweep_cut(const Graph& graph, std::span<const NodeId> ids, std::span<const double> values,
                      const SweepOptions& options, Workspace& ws);
double local_conductance(const Graph& graph, std::span<const NodeId> set, Workspace& ws);
FlowDiffusionResult local_flow_diffusion(const Graph& graph, std::span<const NodeId> seeds,
                                         const FlowDiffusionOptions& options, Workspace& ws);
FlowDiffusionResult weighted_flow_diffusion(const Graph& graph, std::span<const NodeId> seeds,
                                            AttributeView attributes, const WeightedFlowOptions& options,
                                            Workspace& ws);
FlowDiffusionResult noisy_label_flow_diffusion(const Graph& graph, std::span<const NodeId> seeds,
                                               std::span<const std::int32_t> labels, const NoisyLabelOptions& options,
                                               Workspace& ws);

/// Sorts (id, value) pairs by id into a SparseVector, dropping zeros.
inline SparseVector to_sparse(std::vector<std::pair<NodeId, double>>& entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  SparseVector out;
  out.ids.reserve(entries.size());
  out.values.reserve(entries.size());
  for (const auto& [id, v] : entries)
    if (v != 0) {
      out.ids.push_back(id);
      out.values.push_back(v);
    }
  return out;
}

}  // namespace graphclust::local_detail
