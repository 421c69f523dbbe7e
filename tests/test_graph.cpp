#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/strong_components.hpp>

#include "graphclust/core/error.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/graph/boost_adapter.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/graph/partition.hpp"

using namespace graphclust;

namespace {
Graph triangle_plus_isolated() {
  EdgeList e;
  e.sources = {0, 1, 2};
  e.targets = {1, 2, 0};
  e.num_nodes = 4;  // node 3 isolated
  return build_graph(e);
}
}  // namespace

TEST(Graph, UndirectedStorageIsSymmetricAndKeepsIsolatedNodes) {
  const Graph g = triangle_plus_isolated();
  EXPECT_EQ(g.num_nodes(), 4u);
  EXPECT_EQ(g.num_edges(), 3u);
  EXPECT_EQ(g.num_arcs(), 6u);
  EXPECT_FALSE(g.directed());
  EXPECT_FALSE(g.weighted());
  EXPECT_EQ(&g.out(), &g.in());
  EXPECT_EQ(std::vector<NodeId>(g.out_neighbors(0).begin(), g.out_neighbors(0).end()), (std::vector<NodeId>{1, 2}));
  EXPECT_EQ(g.out_neighbors(3).size(), 0u);
  EXPECT_DOUBLE_EQ(g.out_degrees()[0], 2.0);
  EXPECT_DOUBLE_EQ(g.out_degrees()[3], 0.0);
  EXPECT_DOUBLE_EQ(g.total_volume(), 6.0);
}

TEST(Graph, DirectedKeepsOutAndInAdjacency) {
  EdgeList e;
  e.sources = {0, 0, 1};
  e.targets = {1, 2, 2};
  e.weights = {1.5f, 2.0f, 4.0f};
  const Graph g = build_graph(e, {.directed = true});
  EXPECT_TRUE(g.directed());
  EXPECT_TRUE(g.weighted());
  EXPECT_EQ(g.num_edges(), 3u);
  EXPECT_EQ(g.in_neighbors(2).size(), 2u);
  EXPECT_DOUBLE_EQ(g.out_degrees()[0], 3.5);
  EXPECT_DOUBLE_EQ(g.in_degrees()[2], 6.0);
  EXPECT_DOUBLE_EQ(g.in_degrees()[0], 0.0);
  double seen = 0;
  g.for_each_in(2, [&](NodeId v, Weight w) { seen += v * 10 + w; });
  EXPECT_DOUBLE_EQ(seen, 0 * 10 + 2.0 + 1 * 10 + 4.0);
}

TEST(Graph, DuplicatePolicies) {
  EdgeList e;
  e.sources = {0, 1, 0};
  e.targets = {1, 0, 1};
  e.weights = {1.0f, 2.0f, 4.0f};
  EXPECT_FLOAT_EQ(build_graph(e).out_weights(0)[0], 7.0f);
  EXPECT_FLOAT_EQ(build_graph(e, {.duplicates = DuplicatePolicy::Max}).out_weights(0)[0], 4.0f);
  EXPECT_FLOAT_EQ(build_graph(e, {.duplicates = DuplicatePolicy::Min}).out_weights(0)[0], 1.0f);
  EXPECT_THROW(build_graph(e, {.duplicates = DuplicatePolicy::Error}), InvalidArgument);
  // Directed: (0,1) twice and (1,0) once are different arcs.
  const Graph d = build_graph(e, {.directed = true});
  EXPECT_EQ(d.num_edges(), 2u);
  EXPECT_FLOAT_EQ(d.out_weights(0)[0], 5.0f);
  // Unweighted duplicates collapse to one unit edge.
  e.weights.clear();
  const Graph u = build_graph(e);
  EXPECT_EQ(u.num_edges(), 1u);
  EXPECT_FALSE(u.weighted());
}

TEST(Graph, SelfLoopPolicies) {
  EdgeList e;
  e.sources = {0, 1, 1};
  e.targets = {0, 2, 1};
  const Graph keep = build_graph(e);
  EXPECT_EQ(keep.num_self_loops(), 2u);
  EXPECT_EQ(keep.num_edges(), 3u);
  EXPECT_DOUBLE_EQ(keep.out_degrees()[1], 2.0);  // self-loop counted once in the row sum
  const Graph drop = build_graph(e, {.self_loops = SelfLoopPolicy::Drop});
  EXPECT_EQ(drop.num_self_loops(), 0u);
  EXPECT_EQ(drop.num_edges(), 1u);
  EXPECT_EQ(drop.num_nodes(), 3u);
  EXPECT_THROW(build_graph(e, {.self_loops = SelfLoopPolicy::Error}), InvalidArgument);
}

TEST(Graph, RejectsBadEdgesWithTheOffendingEdge) {
  EdgeList e;
  e.sources = {0, 1};
  e.targets = {1, 5};
  e.num_nodes = 3;
  try {
    build_graph(e);
    FAIL();
  } catch (const InvalidArgument& err) {
    EXPECT_NE(std::string(err.what()).find("5"), std::string::npos);
  }
  e.num_nodes = 0;
  e.targets = {1, 2};
  e.weights = {1.0f, -2.0f};
  try {
    build_graph(e);
    FAIL();
  } catch (const InvalidArgument& err) {
    EXPECT_NE(std::string(err.what()).find("edge 1"), std::string::npos);
    EXPECT_NE(std::string(err.what()).find("negative"), std::string::npos);
  }
  EXPECT_NO_THROW(build_graph(e, {.allow_negative_weights = true}));
  e.weights = {1.0f, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_THROW(build_graph(e, {.allow_negative_weights = true}), InvalidArgument);
  EXPECT_THROW(build_graph(std::vector<NodeId>{0}, std::vector<NodeId>{}, {}, 0), InvalidArgument);
}

TEST(Graph, EmptyGraphIsRepresentableButRejectedByAlgorithms) {
  const Graph g;
  EXPECT_EQ(g.num_nodes(), 0u);
  EXPECT_THROW(require_nonempty(g, "test"), InvalidArgument);
}

TEST(Graph, NamesMapBothWays) {
  EdgeList e;
  e.sources = {0, 1};
  e.targets = {1, 2};
  e.names = {"alice", "bob", "carol"};
  const Graph g = build_graph(e);
  EXPECT_EQ(g.name_of(2), "carol");
  EXPECT_EQ(g.find_node("bob"), NodeId{1});
  EXPECT_FALSE(g.find_node("dave").has_value());
  const Graph plain = triangle_plus_isolated();
  EXPECT_EQ(plain.name_of(3), "3");
  EXPECT_EQ(plain.find_node("3"), NodeId{3});
  EXPECT_FALSE(plain.find_node("4").has_value());
  EXPECT_FALSE(plain.find_node("x").has_value());
}

TEST(Graph, BuildIsIdenticalForAnyThreadCount) {
  auto make = [](int threads) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, threads);
    SbmOptions o{{500, 500}, 0.05, 0.01, false, {}, 3};
    return stochastic_block_model(o);
  };
  const auto a = make(1), b = make(2);
  EXPECT_EQ(a.graph.out().offsets, b.graph.out().offsets);
  EXPECT_EQ(a.graph.out().targets, b.graph.out().targets);
}

TEST(BoostAdapter, ConnectedComponentsAndBfsRunOnTheCsr) {
  const Graph g = triangle_plus_isolated();
  std::vector<int> comp(g.num_nodes());
  const int count = boost::connected_components(
      UndirectedBoostView{g}, boost::make_iterator_property_map(comp.begin(), boost::typed_identity_property_map<NodeId>()));
  EXPECT_EQ(count, 2);
  EXPECT_EQ(comp[0], comp[2]);
  EXPECT_NE(comp[0], comp[3]);

  std::vector<NodeId> dist(g.num_nodes(), 99);
  dist[0] = 0;
  boost::breadth_first_search(
      UndirectedBoostView{g}, NodeId{0},
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(
          boost::make_iterator_property_map(dist.begin(), boost::typed_identity_property_map<NodeId>()), boost::on_tree_edge()))));
  EXPECT_EQ(dist[1], 1u);
  EXPECT_EQ(dist[3], 99u);
}

TEST(BoostAdapter, WeakAndStrongComponentsOfADigraph) {
  EdgeList e;  // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 0 hangs on it
  e.sources = {0, 1, 2, 3};
  e.targets = {1, 2, 0, 0};
  const Graph g = build_graph(e, {.directed = true});
  std::vector<int> comp(g.num_nodes());
  auto map = boost::make_iterator_property_map(comp.begin(), boost::typed_identity_property_map<NodeId>());
  EXPECT_EQ(boost::connected_components(UndirectedBoostView{g}, map), 1);
  EXPECT_EQ(boost::strong_components(DirectedBoostView{g}, map), 2);
  EXPECT_EQ(comp[0], comp[1]);
  EXPECT_NE(comp[3], comp[0]);
  // Boost's view sees the weights.
  double total = 0;
  auto weights = get(boost::edge_weight, DirectedBoostView{g});
  auto [b, end] = out_edges(NodeId{0}, DirectedBoostView{g});
  for (; b != end; ++b) total += get(weights, *b);
  EXPECT_DOUBLE_EQ(total, 1.0);
}

TEST(Graph, SymmetricViewIsAPlusATransposeComputedOnce) {
  EdgeList e;
  e.sources = {0, 1, 0, 2, 3};
  e.targets = {1, 0, 2, 2, 1};
  e.weights = {1.5f, 0.5f, 2.0f, 4.0f, 1.0f};
  e.num_nodes = 5;  // node 4 isolated
  const Graph g = build_graph(e, {.directed = true});
  // 0 -> 1 and 1 -> 0 both count: A + A^T, not the union of the arcs.
  std::vector<std::pair<NodeId, Weight>> seen;
  g.for_each_sym(1, [&](NodeId v, Weight w) { seen.emplace_back(v, w); });
  EXPECT_EQ(seen, (std::vector<std::pair<NodeId, Weight>>{{0, 0.5f}, {0, 1.5f}, {3, 1.0f}}));  // out-row, then in-row
  EXPECT_EQ(g.sym_count(1), 3u);
  EXPECT_EQ(g.sym_count(4), 0u);
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    double sum = 0;
    g.for_each_sym(u, [&](NodeId, Weight w) { sum += w; });
    EXPECT_DOUBLE_EQ(g.sym_degrees()[u], sum);
    EXPECT_DOUBLE_EQ(g.sym_degrees()[u], g.out_degrees()[u] + g.in_degrees()[u]);
  }
  EXPECT_DOUBLE_EQ(g.sym_degrees()[2], 2.0 + 4.0 + 4.0);  // a self-loop appears in both rows
  EXPECT_DOUBLE_EQ(g.sym_volume(), 2 * g.total_volume());

  const Graph u = triangle_plus_isolated();  // undirected: the view is A itself, degrees not copied
  EXPECT_EQ(u.sym_degrees().data(), u.out_degrees().data());
  EXPECT_DOUBLE_EQ(u.sym_volume(), u.total_volume());
  EXPECT_EQ(u.sym_count(0), 2u);
}

TEST(Partition, ConnectedComponentsOfTheSymmetricViewInFirstAppearanceOrder) {
  EdgeList e;
  e.sources = {5, 3, 1};
  e.targets = {4, 0, 6};  // arcs only one way: weak components
  e.num_nodes = 8;
  const Graph g = build_graph(e, {.directed = true});
  EXPECT_EQ(connected_components(g), (std::vector<std::int32_t>{0, 1, 2, 0, 3, 3, 1, 4}));
  const Graph u = triangle_plus_isolated();
  EXPECT_EQ(connected_components(u), (std::vector<std::int32_t>{0, 0, 0, 1}));
  const auto sbm = stochastic_block_model({{500, 500}, 0.02, 0.0, false, {}, 3});
  const auto labels = connected_components(sbm.graph);
  std::vector<std::int32_t> boost_labels(sbm.graph.num_nodes());
  const int count = boost::connected_components(
      UndirectedBoostView{sbm.graph},
      boost::make_iterator_property_map(boost_labels.begin(), boost::typed_identity_property_map<NodeId>()));
  EXPECT_EQ(compact_labels(boost_labels), count);
  EXPECT_EQ(labels, boost_labels);
}

TEST(Partition, CompactLabelsKeepsUnlabelledNodes) {
  std::vector<std::int32_t> labels{7, -1, 3, 7, 0, -1, 3};
  EXPECT_EQ(compact_labels(labels), 3);
  EXPECT_EQ(labels, (std::vector<std::int32_t>{0, -1, 1, 0, 2, -1, 1}));
  std::vector<std::int32_t> none;
  EXPECT_EQ(compact_labels(none), 0);
  std::vector<std::int32_t> bad{0, -2};
  EXPECT_THROW(compact_labels(bad), InvalidArgument);
}
