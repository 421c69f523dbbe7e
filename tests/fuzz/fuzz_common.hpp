#pragma once
// Shared by the libFuzzer targets: what a reader may do with any input is return a value that keeps
// the library's invariants or throw a graphclust::Error. Anything else (another exception, a crash,
// a sanitizer report, a violated invariant) is a finding, so the checks below abort.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <unordered_set>

#include "graphclust/core/error.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/io/io.hpp"

namespace graphclust::fuzz {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}
inline void require(bool ok, const char* what) {
  if (!ok) fail(what);
}

/// What a fuzzed reader may allocate for declared sizes: large enough for every seed, small enough
/// that a declared huge graph is refused (as it is beyond the machine's memory) rather than built.
inline constexpr std::uint64_t kMemoryLimit = 4u << 20;

/// ReadOptions from two input bytes, so that every option combination is reached from one corpus.
inline ReadOptions options_from(std::uint8_t a, std::uint8_t b) {
  ReadOptions o;
  o.memory_limit = kMemoryLimit;
  o.ids = static_cast<IdMode>(a % 3);
  o.ignore_weights = (a >> 2) & 1;
  o.duplicates = static_cast<DuplicatePolicy>((a >> 3) & 3);
  o.self_loops = static_cast<SelfLoopPolicy>(((a >> 5) & 3) % 3);
  o.allow_negative_weights = (a >> 7) & 1;
  if (b % 3 == 1) o.directed = false;
  if (b % 3 == 2) o.directed = true;
  return o;
}

/// The fuzzer's input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// One direction of adjacency as documented in graph.hpp: offsets from 0 to the number of targets,
/// rows sorted without duplicates, ids in range, finite weights (a NaN here would reach every result).
inline void check_csr(const CsrArrays& c, NodeId n) {
  require(c.offsets.size() == std::size_t{n} + 1, "offsets size");
  require(c.offsets.front() == 0 && c.offsets.back() == c.targets.size(), "offsets bounds");
  require(c.weights.empty() || c.weights.size() == c.targets.size(), "weights size");
  for (NodeId u = 0; u < n; ++u) {
    require(c.offsets[u] <= c.offsets[u + 1], "offsets monotone");
    for (EdgeOffset e = c.offsets[u]; e < c.offsets[u + 1]; ++e) {
      require(c.targets[e] < n, "target in range");
      require(e == c.offsets[u] || c.targets[e - 1] < c.targets[e], "row sorted without duplicates");
    }
  }
  for (Weight w : c.weights) require(std::isfinite(w), "finite weight");
}

/// Everything a method relies on: both CSR directions, degrees, distinct names.
inline void check_graph(const Graph& g) {
  const NodeId n = g.num_nodes();
  check_csr(g.out(), n);
  if (g.directed()) {
    check_csr(g.in(), n);
    require(g.in().targets.size() == g.out().targets.size(), "in/out arc counts");
    // The in-adjacency is the transpose: every arc u -> v appears in v's in-row.
    for (NodeId u = 0; u < n; ++u)
      for (NodeId v : g.out_neighbors(u)) {
        auto row = g.in_neighbors(v);
        require(std::binary_search(row.begin(), row.end(), u), "in-adjacency is the transpose");
      }
  } else {
    for (NodeId u = 0; u < n; ++u)
      for (NodeId v : g.out_neighbors(u)) {
        auto row = g.out_neighbors(v);
        require(std::binary_search(row.begin(), row.end(), u), "undirected adjacency is symmetric");
      }
  }
  for (double d : g.out_degrees()) require(std::isfinite(d), "finite degree");
  require(std::isfinite(g.total_volume()), "finite volume");
  if (g.has_names()) {
    require(g.names().size() == n, "one name per node");
    std::unordered_set<std::string_view> seen;
    for (const auto& name : g.names()) require(seen.insert(name).second, "distinct names");
    for (NodeId u = 0; u < n; ++u) require(g.find_node(g.names()[u]) == u, "find_node(name_of(u)) == u");
  } else {
    for (NodeId u = 0; u < n && u < 64; ++u) require(g.find_node(g.name_of(u)) == u, "find_node(id) == id");
  }
}

}  // namespace graphclust::fuzz

namespace graphclust::fuzz {

/// Ten nodes named by their ids (a path), for the readers that look nodes up in a graph.
inline Graph integer_graph() {
  EdgeList e;
  for (NodeId u = 0; u + 1 < 10; ++u) {
    e.sources.push_back(u);
    e.targets.push_back(u + 1);
  }
  return build_graph(e, {});
}

/// Nodes with names, some of which look like integers or are not ASCII, so that a lookup by id and a
/// lookup by name disagree.
inline Graph named_graph() {
  EdgeList e;
  e.names = {"a", "b", "10", "0", "n\xC3\xBC", "x-y", "7"};
  for (NodeId u = 0; u + 1 < e.names.size(); ++u) {
    e.sources.push_back(u);
    e.targets.push_back(u + 1);
  }
  e.num_nodes = static_cast<NodeId>(e.names.size());
  return build_graph(e, {});
}

/// The graph a node-file reader looks its ids up in: integer ids or names, chosen by a selector byte
/// (the input's first), since lookup differs between the two. Built once per process.
inline const Graph& lookup_graph(std::uint8_t selector) {
  static const Graph graphs[2] = {integer_graph(), named_graph()};
  return graphs[selector & 1];
}

}  // namespace graphclust::fuzz
