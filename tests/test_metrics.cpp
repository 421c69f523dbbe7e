#include <gtest/gtest.h>

#include <cmath>

#include "graphclust/core/error.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/metrics/metrics.hpp"

using namespace graphclust;

namespace {
// Two triangles joined by one edge: 0-1-2 and 3-4-5, bridge 2-3.
Graph two_triangles() {
  EdgeList e;
  e.sources = {0, 0, 1, 3, 3, 4, 2};
  e.targets = {1, 2, 2, 4, 5, 5, 3};
  return build_graph(e);
}
}  // namespace

TEST(Metrics, SupervisedScoresOnHandComputedCases) {
  const std::vector<std::int32_t> truth{0, 0, 0, 1, 1, 1};
  const std::vector<std::int32_t> same_up_to_names{1, 1, 1, 0, 0, 0};
  EXPECT_DOUBLE_EQ(adjusted_rand_index(truth, same_up_to_names), 1.0);
  EXPECT_DOUBLE_EQ(normalized_mutual_information(truth, same_up_to_names), 1.0);
  EXPECT_DOUBLE_EQ(clustering_accuracy(truth, same_up_to_names), 1.0);
  EXPECT_DOUBLE_EQ(matched_macro_f1(truth, same_up_to_names), 1.0);
  // One node moved: hand-computed with the pair-counting formula (sklearn gives 0.3243243...).
  const std::vector<std::int32_t> moved{0, 0, 1, 1, 1, 1};
  EXPECT_NEAR(adjusted_rand_index(truth, moved), 0.32432432432432434, 1e-12);
  EXPECT_NEAR(clustering_accuracy(truth, moved), 5.0 / 6.0, 1e-12);
  // F1: class 0 -> cluster 0 (P=1, R=2/3, F1=0.8); class 1 -> cluster 1 (P=3/4, R=1, F1=6/7).
  EXPECT_NEAR(matched_macro_f1(truth, moved), (0.8 + 6.0 / 7.0) / 2, 1e-12);
  // NMI by hand: MI = sum p_ij log(p_ij / (p_i p_j)).
  const double mi = (2.0 / 6) * std::log((2.0 / 6) / (0.5 * 2.0 / 6)) + (1.0 / 6) * std::log((1.0 / 6) / (0.5 * 4.0 / 6)) +
                    (3.0 / 6) * std::log((3.0 / 6) / (0.5 * 4.0 / 6));
  const double hu = std::log(2.0), hv = -(2.0 / 6 * std::log(2.0 / 6) + 4.0 / 6 * std::log(4.0 / 6));
  EXPECT_NEAR(normalized_mutual_information(truth, moved), mi / ((hu + hv) / 2), 1e-12);
  // Unlabelled nodes (-1) are ignored.
  const std::vector<std::int32_t> partial{0, 0, -1, 1, 1, -1};
  EXPECT_DOUBLE_EQ(adjusted_rand_index(partial, moved), 1.0);
  EXPECT_THROW(adjusted_rand_index(truth, std::vector<std::int32_t>{0}), InvalidArgument);
  EXPECT_DOUBLE_EQ(set_f1(std::vector<NodeId>{1, 2, 3, 4}, std::vector<NodeId>{3, 4, 5, 6}), 0.5);
}

TEST(Metrics, HungarianMatchingIsOptimal) {
  // Greedy would take 9 first (row 0 -> col 0) and end at 9 + 1 = 10; the optimum is 8 + 8 = 16.
  const auto m = max_weight_matching({{9, 8}, {8, 1}});
  EXPECT_EQ(m, (std::vector<std::int32_t>{1, 0}));
  const auto rect = max_weight_matching({{1, 5, 2}, {4, 1, 1}});
  EXPECT_EQ(rect, (std::vector<std::int32_t>{1, 0}));
  const auto tall = max_weight_matching({{1}, {3}, {2}});
  EXPECT_EQ(tall, (std::vector<std::int32_t>{-1, 0, -1}));
}

TEST(Metrics, StructuralScoresOnTwoTriangles) {
  const Graph g = two_triangles();
  const std::vector<std::int32_t> halves{0, 0, 0, 1, 1, 1};
  // Each half: cut 1, volume 7 of 14.
  EXPECT_DOUBLE_EQ(conductance(g, std::vector<NodeId>{0, 1, 2}), 1.0 / 7.0);
  EXPECT_DOUBLE_EQ(conductance(g, std::vector<NodeId>{}), 1.0);
  EXPECT_EQ(cluster_conductances(g, halves), (std::vector<double>{1.0 / 7, 1.0 / 7}));
  EXPECT_DOUBLE_EQ(normalized_cut(g, halves), 2.0 / 7.0);
  // Q = sum_c (in_c / 2m - (vol_c / 2m)^2) = 2 * (6/14 - 1/4).
  EXPECT_NEAR(modularity(g, halves), 2 * (6.0 / 14 - 0.25), 1e-12);
  EXPECT_NEAR(modularity(g, std::vector<std::int32_t>(6, 0)), 0.0, 1e-12);
  EXPECT_THROW(conductance(g, std::vector<NodeId>{9}), InvalidArgument);
}

TEST(Metrics, FlowImbalanceOfACyclicDigraph) {
  // Clusters 0 -> 1 -> 2 -> 0 each carry all their inter-cluster flow one way.
  PlantedGraph p = stochastic_block_model({{50, 50, 50}, 0.1, 0.1, true, {0, 1, 0, 0, 0, 1, 1, 0, 0}, 4});
  const FlowImbalance f = flow_imbalance(p.graph, p.labels, ImbalanceNorm::Plain);
  ASSERT_EQ(f.pairs.size(), 3u);
  for (double v : f.pairs) EXPECT_DOUBLE_EQ(v, 1.0);  // all flow one way: plain imbalance 1
  EXPECT_DOUBLE_EQ(f.mean_top, 1.0);
  EXPECT_GT(f.cut(0, 1), 0);
  EXPECT_EQ(f.cut(1, 0), 0);
  const FlowImbalance v = flow_imbalance(p.graph, p.labels, ImbalanceNorm::VolSum, 2);
  // vol_sum: 2 |W01 - W10| / (VOL0 + VOL1), checked from the cut matrix.
  EXPECT_NEAR(v.pairs[0], 2 * f.cut(0, 1) / (f.volumes[0] + f.volumes[1] + 1e-8), 1e-12);
  // A random labelling has far less imbalance.
  std::vector<std::int32_t> scrambled(p.labels.size());
  for (std::size_t i = 0; i < scrambled.size(); ++i) scrambled[i] = static_cast<std::int32_t>((i * 7) % 3);
  EXPECT_LT(flow_imbalance(p.graph, scrambled, ImbalanceNorm::Plain).mean_top, 0.3);
}

TEST(Generators, SbmHasPlantedDensities) {
  const PlantedGraph p = stochastic_block_model({{400, 400}, 0.05, 0.005, false, {}, 1});
  EXPECT_EQ(p.graph.num_nodes(), 800u);
  double inside = 0, across = 0;
  for (NodeId u = 0; u < 800; ++u)
    for (NodeId v : p.graph.out_neighbors(u)) (p.labels[u] == p.labels[v] ? inside : across) += 0.5;
  const double expected_inside = 2 * 0.05 * 400 * 399 / 2, expected_across = 0.005 * 400 * 400;
  EXPECT_NEAR(inside, expected_inside, 5 * std::sqrt(expected_inside));
  EXPECT_NEAR(across, expected_across, 5 * std::sqrt(expected_across));
  EXPECT_EQ(p.graph.num_self_loops(), 0u);
  // Seeded: same seed, same graph; another seed, another graph.
  EXPECT_EQ(stochastic_block_model({{400, 400}, 0.05, 0.005, false, {}, 1}).graph.out().targets, p.graph.out().targets);
  EXPECT_NE(stochastic_block_model({{400, 400}, 0.05, 0.005, false, {}, 2}).graph.out().targets, p.graph.out().targets);
  EXPECT_THROW(stochastic_block_model({{}, 0.1, 0.1}), InvalidArgument);
  EXPECT_THROW(stochastic_block_model({{10}, 1.5, 0.1}), InvalidArgument);
}
