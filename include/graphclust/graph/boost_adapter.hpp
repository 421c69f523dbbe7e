#pragma once
/// Boost.Graph views of a graphclust::Graph: Boost algorithms (connected components, BFS, strong
/// components, ...) run on the CSR arrays directly, with no copy.
///
///   UndirectedBoostView  undirected_tag; for a directed graph it sees A + A^T (out- then in-edges),
///                        i.e. weak connectivity.
///   DirectedBoostView    directed_tag + bidirectional (out_edges from the out-CSR, in_edges from
///                        the in-CSR); for an undirected graph every edge appears in both directions.
///
/// Vertices are the NodeIds 0..n-1 and get(boost::vertex_index, view) is the identity, so Boost's
/// default property maps work. Edge weights: get(boost::edge_weight, view) reads the CSR weights
/// (1 for unweighted graphs).
#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>
#include <utility>

#include "graphclust/graph/graph.hpp"

namespace graphclust {

/// An edge as Boost sees it: endpoints plus its slot in the CSR it came from.
struct BoostEdge {
  NodeId source = 0;
  NodeId target = 0;
  EdgeOffset slot = 0;
  bool from_in = false;  ///< slot indexes the in-CSR
  friend bool operator==(const BoostEdge& a, const BoostEdge& b) {
    return a.slot == b.slot && a.from_in == b.from_in && a.source == b.source;
  }
  friend bool operator!=(const BoostEdge& a, const BoostEdge& b) { return !(a == b); }
};

/// Iterates the out-row of u, then (when `with_in`) the in-row, presenting every edge with source u.
class BoostEdgeIterator
    : public boost::iterator_facade<BoostEdgeIterator, BoostEdge, boost::forward_traversal_tag, BoostEdge> {
 public:
  BoostEdgeIterator() = default;
  BoostEdgeIterator(const Graph* g, NodeId u, EdgeOffset pos, bool with_out, bool with_in)
      : g_(g), u_(u), pos_(pos), with_out_(with_out), with_in_(with_in) {}

 private:
  friend class boost::iterator_core_access;
  EdgeOffset out_count() const { return with_out_ ? g_->out().offsets[u_ + 1] - g_->out().offsets[u_] : 0; }
  BoostEdge dereference() const {
    const EdgeOffset outs = out_count();
    if (pos_ < outs) {
      const EdgeOffset slot = g_->out().offsets[u_] + pos_;
      return {u_, g_->out().targets[slot], slot, false};
    }
    const EdgeOffset slot = g_->in().offsets[u_] + (pos_ - outs);
    return {u_, g_->in().targets[slot], slot, true};
  }
  bool equal(const BoostEdgeIterator& other) const { return pos_ == other.pos_ && u_ == other.u_; }
  void increment() { ++pos_; }

  const Graph* g_ = nullptr;
  NodeId u_ = 0;
  EdgeOffset pos_ = 0;
  bool with_out_ = true, with_in_ = false;
};

struct UndirectedBoostView {
  const Graph& graph;
};
struct DirectedBoostView {
  const Graph& graph;
};

namespace detail {
template <class View>
struct BoostTraits {
  using vertex_descriptor = NodeId;
  using edge_descriptor = BoostEdge;
  using edge_parallel_category = boost::disallow_parallel_edge_tag;
  using vertex_iterator = boost::counting_iterator<NodeId>;
  using out_edge_iterator = BoostEdgeIterator;
  using in_edge_iterator = BoostEdgeIterator;
  using adjacency_iterator = void;
  using edge_iterator = void;
  using vertices_size_type = NodeId;
  using edges_size_type = EdgeOffset;
  using degree_size_type = EdgeOffset;
  static vertex_descriptor null_vertex() { return kMaxNodes + 1; }
};
}  // namespace detail

// --- free functions found by argument-dependent lookup ---
template <class View>
concept BoostView = std::is_same_v<View, UndirectedBoostView> || std::is_same_v<View, DirectedBoostView>;

template <BoostView View>
std::pair<boost::counting_iterator<NodeId>, boost::counting_iterator<NodeId>> vertices(const View& v) {
  return {boost::counting_iterator<NodeId>(0), boost::counting_iterator<NodeId>(v.graph.num_nodes())};
}
template <BoostView View>
NodeId num_vertices(const View& v) {
  return v.graph.num_nodes();
}
inline std::pair<BoostEdgeIterator, BoostEdgeIterator> out_edges(NodeId u, const UndirectedBoostView& v) {
  const Graph& g = v.graph;
  const EdgeOffset total = g.out_neighbors(u).size() + (g.directed() ? g.in_neighbors(u).size() : 0);
  return {BoostEdgeIterator(&g, u, 0, true, g.directed()), BoostEdgeIterator(&g, u, total, true, g.directed())};
}
inline std::pair<BoostEdgeIterator, BoostEdgeIterator> out_edges(NodeId u, const DirectedBoostView& v) {
  return {BoostEdgeIterator(&v.graph, u, 0, true, false),
          BoostEdgeIterator(&v.graph, u, v.graph.out_neighbors(u).size(), true, false)};
}
inline std::pair<BoostEdgeIterator, BoostEdgeIterator> in_edges(NodeId u, const DirectedBoostView& v) {
  // In-edges are presented with source u and target the predecessor; Boost's in_edges contract wants
  // target == u, so the endpoints are swapped in source()/target() via from_in.
  return {BoostEdgeIterator(&v.graph, u, 0, false, true),
          BoostEdgeIterator(&v.graph, u, v.graph.in_neighbors(u).size(), false, true)};
}
template <BoostView View>
EdgeOffset out_degree(NodeId u, const View& v) {
  auto [b, e] = out_edges(u, v);
  EdgeOffset n = 0;
  for (; b != e; ++b) ++n;
  return n;
}
inline EdgeOffset in_degree(NodeId u, const DirectedBoostView& v) { return v.graph.in_neighbors(u).size(); }
inline NodeId source(const BoostEdge& e, const UndirectedBoostView&) { return e.source; }
inline NodeId target(const BoostEdge& e, const UndirectedBoostView&) { return e.target; }
inline NodeId source(const BoostEdge& e, const DirectedBoostView&) { return e.from_in ? e.target : e.source; }
inline NodeId target(const BoostEdge& e, const DirectedBoostView&) { return e.from_in ? e.source : e.target; }

/// Edge weights straight from the CSR.
class BoostWeightMap {
 public:
  using key_type = BoostEdge;
  using value_type = double;
  using reference = double;
  using category = boost::readable_property_map_tag;
  explicit BoostWeightMap(const Graph* g) : g_(g) {}
  double operator[](const BoostEdge& e) const {
    const auto& w = e.from_in ? g_->in().weights : g_->out().weights;
    return w.empty() ? 1.0 : static_cast<double>(w[e.slot]);
  }
  friend double get(const BoostWeightMap& m, const BoostEdge& e) { return m[e]; }

 private:
  const Graph* g_;
};

template <BoostView View>
boost::typed_identity_property_map<NodeId> get(boost::vertex_index_t, const View&) {
  return {};
}
template <BoostView View>
BoostWeightMap get(boost::edge_weight_t, const View& v) {
  return BoostWeightMap(&v.graph);
}

}  // namespace graphclust

namespace boost {

struct graphclust_undirected_traversal : incidence_graph_tag, vertex_list_graph_tag {};
struct graphclust_directed_traversal : bidirectional_graph_tag, vertex_list_graph_tag {};

template <>
struct graph_traits<graphclust::UndirectedBoostView> : graphclust::detail::BoostTraits<graphclust::UndirectedBoostView> {
  using directed_category = undirected_tag;
  using traversal_category = graphclust_undirected_traversal;
};
template <>
struct graph_traits<graphclust::DirectedBoostView> : graphclust::detail::BoostTraits<graphclust::DirectedBoostView> {
  using directed_category = bidirectional_tag;
  using traversal_category = graphclust_directed_traversal;
};

template <class View>
  requires graphclust::BoostView<View>
struct property_map<View, vertex_index_t> {
  using type = typed_identity_property_map<graphclust::NodeId>;
  using const_type = type;
};
template <class View>
  requires graphclust::BoostView<View>
struct property_map<View, edge_weight_t> {
  using type = graphclust::BoostWeightMap;
  using const_type = type;
};

}  // namespace boost
