#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <map>

#include "graphclust/core/error.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/metrics/metrics.hpp"

using namespace graphclust;

TEST(Dsbm, MetaGraphShapes) {
  const auto cyc = dsbm_meta_graph(MetaGraph::Cyclic, 3, 0.1);
  EXPECT_DOUBLE_EQ(cyc(0, 1), 0.9);
  EXPECT_DOUBLE_EQ(cyc(1, 0), 0.1);
  EXPECT_DOUBLE_EQ(cyc(2, 0), 0.9);  // wraps around
  EXPECT_DOUBLE_EQ(cyc(1, 1), 0.5);
  const auto path = dsbm_meta_graph(MetaGraph::Path, 4, 0.2);
  EXPECT_DOUBLE_EQ(path(2, 3), 0.8);
  EXPECT_DOUBLE_EQ(path(0, 3), 0.5);  // no flow between non-adjacent clusters
  EXPECT_DOUBLE_EQ(path(3, 0), 0.5);
  const auto exact = dsbm_meta_graph(MetaGraph::Cyclic, 3, 0.0);  // eta = 0: every flow edge one way
  EXPECT_DOUBLE_EQ(exact(0, 1), 1.0);
  EXPECT_DOUBLE_EQ(exact(1, 0), 0.0);
  const auto amb = dsbm_meta_graph(MetaGraph::Cyclic, 4, 0.1, true);
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(amb(3, i), 0.5);
  EXPECT_DOUBLE_EQ(amb(2, 0), 0.9);  // the cycle closes over the non-ambient clusters
  const auto star = dsbm_meta_graph(MetaGraph::Star, 5, 0.1);  // centre 2
  EXPECT_DOUBLE_EQ(star(0, 2), 0.9);
  EXPECT_DOUBLE_EQ(star(2, 1), 0.9);
  EXPECT_DOUBLE_EQ(star(0, 1), 0.5);
  for (auto shape : {MetaGraph::Cyclic, MetaGraph::Path, MetaGraph::Complete, MetaGraph::Star, MetaGraph::Multipartite}) {
    const auto f = dsbm_meta_graph(shape, 6, 0.15, false, 4);
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) EXPECT_NEAR(f(i, j) + f(j, i), i == j ? 1.0 : 1.0, 1e-12) << int(shape);
  }
  EXPECT_THROW(dsbm_meta_graph(MetaGraph::Star, 2, 0.1), InvalidArgument);
  EXPECT_THROW(dsbm_meta_graph(MetaGraph::Cyclic, 3, 0.7), InvalidArgument);
}

TEST(Dsbm, SizesEdgesAndDeterminism) {
  DsbmOptions o{.num_nodes = 3000, .k = 3, .p = 0.01, .meta_graph = MetaGraph::Cyclic, .eta = 0.1, .size_ratio = 1.5, .seed = 5};
  const DirectedPlantedGraph g = directed_sbm(o);
  ASSERT_EQ(g.graph.num_nodes(), 3000u);
  EXPECT_TRUE(g.graph.directed());
  std::map<int, int> sizes;
  for (auto l : g.labels) ++sizes[l];
  ASSERT_EQ(sizes.size(), 3u);
  const auto [lo, hi] = std::minmax({sizes[0], sizes[1], sizes[2]});
  EXPECT_NEAR(static_cast<double>(hi) / lo, 1.5, 0.05);
  // Expected arcs: p * sum over ordered pairs of F.
  double expected = 0;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) expected += o.p * g.meta_graph(a, b) * sizes[a] * (sizes[b] - (a == b));
  EXPECT_NEAR(static_cast<double>(g.graph.num_edges()), expected, 5 * std::sqrt(expected));
  // Arcs between clusters 0 and 1 point 0 -> 1 with probability 0.9.
  double forward = 0, backward = 0;
  for (NodeId u = 0; u < g.graph.num_nodes(); ++u)
    for (NodeId v : g.graph.out_neighbors(u)) {
      forward += g.labels[u] == 0 && g.labels[v] == 1;
      backward += g.labels[u] == 1 && g.labels[v] == 0;
    }
  EXPECT_NEAR(forward / (forward + backward), 0.9, 0.03);
  // Node ids are permuted: the labels are not sorted.
  EXPECT_FALSE(std::is_sorted(g.labels.begin(), g.labels.end()));
  DirectedPlantedGraph one;
  {
    tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
    one = directed_sbm(o);
  }
  EXPECT_EQ(one.labels, g.labels);
  EXPECT_EQ(one.graph.out().targets, g.graph.out().targets);
  EXPECT_EQ(one.graph.out().offsets, g.graph.out().offsets);
}
