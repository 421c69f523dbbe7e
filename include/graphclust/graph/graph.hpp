#pragma once
/// The graph: immutable compressed sparse rows (CSR) with 64-bit offsets and 32-bit node ids.
///
/// * Undirected graphs store each edge in both rows (a self-loop once); out() and in() are the
///   same arrays. Directed graphs store the out-adjacency and its transpose (the in-adjacency), so
///   A x and A^T x are both row-parallel gathers with no atomics.
/// * Weights are optional: an unweighted graph stores none and every edge weighs 1.
/// * Weighted degrees (row sums; a self-loop of weight w adds w) are computed once at construction
///   and shared by every normalisation.
/// * Node names (strings read from a file) are optional; without them a node's name is its id.
/// * The symmetric view (for_each_sym, sym_degrees, ...) is what every method that ignores edge
///   direction works on: A itself for an undirected graph, A + A^T for a directed one (a reciprocated
///   pair of arcs then counts twice, as in the degree d_out + d_in). Its degrees are computed once.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace graphclust {

using NodeId = std::uint32_t;
using EdgeOffset = std::uint64_t;
using Weight = float;

/// Largest usable node count: the top id is reserved as "no node".
inline constexpr NodeId kMaxNodes = 0xFFFFFFFEu;

/// One direction of adjacency in CSR form. `weights` is empty for unweighted graphs.
struct CsrArrays {
  std::vector<EdgeOffset> offsets;  ///< size n + 1
  std::vector<NodeId> targets;      ///< size offsets.back(); sorted within each row, no duplicates
  std::vector<Weight> weights;      ///< empty or size offsets.back()
};

/// How repeated (u, v) pairs are merged. In an unweighted graph every edge weighs 1 and duplicates
/// always collapse to one edge: a multigraph needs explicit weights.
enum class DuplicatePolicy { Sum, Max, Min, Error };
/// What to do with (u, u) edges.
enum class SelfLoopPolicy { Keep, Drop, Error };

struct BuildOptions {
  bool directed = false;
  DuplicatePolicy duplicates = DuplicatePolicy::Sum;
  SelfLoopPolicy self_loops = SelfLoopPolicy::Keep;
  bool allow_negative_weights = false;  ///< negative weights break degree normalisations
};

/// Edges as parallel arrays, e.g. straight from a parser or numpy.
struct EdgeList {
  std::vector<NodeId> sources;
  std::vector<NodeId> targets;
  std::vector<Weight> weights;      ///< empty = unweighted
  NodeId num_nodes = 0;             ///< 0 = 1 + largest id seen
  std::vector<std::string> names;   ///< empty, or one name per node (id -> name)
};

class Graph {
 public:
  /// The empty graph (0 nodes). Algorithms reject it with InvalidArgument.
  Graph();
  /// Takes ownership of validated CSR arrays; `in` must be the transpose of `out` for directed
  /// graphs and is ignored for undirected ones. Prefer build_graph().
  Graph(CsrArrays out, CsrArrays in, bool directed, std::vector<std::string> names = {});

  Graph(Graph&&) noexcept;
  Graph& operator=(Graph&&) noexcept;
  Graph(const Graph&) = delete;  ///< graphs can be huge: share by reference or shared_ptr
  Graph& operator=(const Graph&) = delete;
  ~Graph();

  NodeId num_nodes() const noexcept { return num_nodes_; }
  /// Stored entries in the out-CSR (undirected: 2 per edge, 1 per self-loop).
  EdgeOffset num_arcs() const noexcept { return out_->targets.size(); }
  /// Edges as a user counts them: undirected edges and self-loops once, directed arcs once.
  EdgeOffset num_edges() const noexcept { return num_edges_; }
  EdgeOffset num_self_loops() const noexcept { return num_self_loops_; }
  bool directed() const noexcept { return directed_; }
  bool weighted() const noexcept { return !out_->weights.empty(); }

  const CsrArrays& out() const noexcept { return *out_; }
  /// In-adjacency (the transpose); the same object as out() for undirected graphs.
  const CsrArrays& in() const noexcept { return *in_; }

  std::span<const NodeId> out_neighbors(NodeId u) const noexcept { return row(*out_, u); }
  std::span<const NodeId> in_neighbors(NodeId u) const noexcept { return row(*in_, u); }
  /// Weights of out_neighbors(u); empty for unweighted graphs.
  std::span<const Weight> out_weights(NodeId u) const noexcept { return row_weights(*out_, u); }
  std::span<const Weight> in_weights(NodeId u) const noexcept { return row_weights(*in_, u); }

  /// f(v, w) for every out-edge u -> v, w = 1 when unweighted. One loop serves both cases.
  template <class F>
  void for_each_out(NodeId u, F&& f) const {
    visit(*out_, u, f);
  }
  template <class F>
  void for_each_in(NodeId u, F&& f) const {
    visit(*in_, u, f);
  }

  /// Weighted out-degree (row sums of A); for undirected graphs simply the degree.
  std::span<const double> out_degrees() const noexcept { return out_degrees_; }
  /// Weighted in-degree (column sums of A); the same as out_degrees() when undirected.
  std::span<const double> in_degrees() const noexcept { return directed_ ? std::span<const double>(in_degrees_) : out_degrees(); }
  /// Sum of all out-degrees (= 2m for an unweighted undirected graph without self-loops).
  double total_volume() const noexcept { return total_volume_; }

  /// f(v, w) for every edge of the symmetric view around u: out-edges, then (directed) in-edges.
  template <class F>
  void for_each_sym(NodeId u, F&& f) const {
    visit(*out_, u, f);
    if (directed_) visit(*in_, u, f);
  }
  /// Degrees of the symmetric view: out_degrees() when undirected, d_out + d_in when directed.
  std::span<const double> sym_degrees() const noexcept { return directed_ ? std::span<const double>(sym_degrees_) : out_degrees(); }
  /// Sum of sym_degrees(): total_volume(), twice that when directed.
  double sym_volume() const noexcept { return directed_ ? 2 * total_volume_ : total_volume_; }
  /// Entries for_each_sym(u, ...) visits.
  std::size_t sym_count(NodeId u) const noexcept {
    return out_neighbors(u).size() + (directed_ ? in_neighbors(u).size() : 0);
  }

  bool has_names() const noexcept { return !names_.empty(); }
  const std::vector<std::string>& names() const noexcept { return names_; }
  /// The node's name from the input file, or its decimal id.
  std::string name_of(NodeId u) const;
  /// The node with that name (or, without names, that decimal id); nullopt when unknown.
  std::optional<NodeId> find_node(std::string_view name) const;

 private:
  static std::span<const NodeId> row(const CsrArrays& c, NodeId u) noexcept {
    return {c.targets.data() + c.offsets[u], static_cast<std::size_t>(c.offsets[u + 1] - c.offsets[u])};
  }
  static std::span<const Weight> row_weights(const CsrArrays& c, NodeId u) noexcept {
    if (c.weights.empty()) return {};
    return {c.weights.data() + c.offsets[u], static_cast<std::size_t>(c.offsets[u + 1] - c.offsets[u])};
  }
  template <class F>
  static void visit(const CsrArrays& c, NodeId u, F& f) {
    const EdgeOffset begin = c.offsets[u], end = c.offsets[u + 1];
    if (c.weights.empty()) {
      for (EdgeOffset e = begin; e < end; ++e) f(c.targets[e], Weight{1});
    } else {
      for (EdgeOffset e = begin; e < end; ++e) f(c.targets[e], c.weights[e]);
    }
  }

  NodeId num_nodes_ = 0;
  bool directed_ = false;
  EdgeOffset num_edges_ = 0;
  EdgeOffset num_self_loops_ = 0;
  std::shared_ptr<CsrArrays> out_;
  std::shared_ptr<CsrArrays> in_;  // aliases out_ when undirected
  std::vector<double> out_degrees_;
  std::vector<double> in_degrees_;  // empty when undirected
  std::vector<double> sym_degrees_;  // empty when undirected (out_degrees_ serves)
  double total_volume_ = 0;
  std::vector<std::string> names_;
  std::unordered_map<std::string_view, NodeId> name_index_;  // views into names_
};

/// Builds a graph from edge arrays: validates ids and weights (InvalidArgument naming the edge
/// index and value), merges duplicates, applies the self-loop policy, keeps isolated nodes.
/// Parallel (counting sort with TBB); the result does not depend on the thread count.
Graph build_graph(const EdgeList& edges, const BuildOptions& options = {});

/// The same from raw spans (Python passes numpy buffers here without copying them first).
Graph build_graph(std::span<const NodeId> sources, std::span<const NodeId> targets,
                  std::span<const Weight> weights, NodeId num_nodes, const BuildOptions& options = {},
                  std::vector<std::string> names = {});

/// Rejects graphs that no algorithm can work on (0 nodes) with InvalidArgument naming `who`.
void require_nonempty(const Graph& graph, std::string_view who);

}  // namespace graphclust
