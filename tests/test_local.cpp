// Local diffusion family: PPR push, p-norm / weighted / noisy-label flow diffusion, sweep cut,
// many seeds in parallel, contextual SBM.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/generators/contextual_sbm.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/local/local.hpp"
#include "graphclust/metrics/metrics.hpp"
#include "local/detail.hpp"

using namespace graphclust;

namespace {

Graph from_pairs(const std::vector<std::pair<NodeId, NodeId>>& pairs, NodeId n, bool directed = false,
                 std::vector<Weight> weights = {}) {
  EdgeList e;
  for (auto [u, v] : pairs) {
    e.sources.push_back(u);
    e.targets.push_back(v);
  }
  e.weights = std::move(weights);
  e.num_nodes = n;
  BuildOptions b;
  b.directed = directed;
  return build_graph(e, b);
}

std::vector<NodeId> members(const std::vector<std::int32_t>& labels, std::int32_t c) {
  std::vector<NodeId> out;
  for (NodeId i = 0; i < labels.size(); ++i)
    if (labels[i] == c) out.push_back(i);
  return out;
}

double f1(const std::vector<NodeId>& truth, const std::vector<NodeId>& found) {
  std::vector<NodeId> a = truth, b = found, both;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  if (both.empty()) return 0;
  const double precision = double(both.size()) / b.size(), recall = double(both.size()) / a.size();
  return 2 * precision * recall / (precision + recall);
}

double volume(const Graph& g, const std::vector<NodeId>& set) {
  double v = 0;
  for (NodeId u : set) v += g.out_degrees()[u];
  return v;
}

/// Dense lazy (or plain) personalized PageRank by power iteration: pr = alpha s + (1 - alpha) pr W.
std::vector<double> dense_ppr(const Graph& g, const std::vector<NodeId>& seeds, double alpha, bool lazy) {
  const NodeId n = g.num_nodes();
  std::vector<double> s(n, 0.0), pr(n, 0.0), next(n);
  for (NodeId u : seeds) s[u] += 1.0 / seeds.size();
  pr = s;
  for (int it = 0; it < 3000; ++it) {
    std::fill(next.begin(), next.end(), 0.0);
    for (NodeId u = 0; u < n; ++u) {
      const double d = g.out_degrees()[u];
      if (d == 0) {
        next[u] += pr[u];
        continue;
      }
      if (lazy) next[u] += 0.5 * pr[u];
      const double share = (lazy ? 0.5 : 1.0) * pr[u] / d;
      g.for_each_out(u, [&](NodeId v, Weight w) { next[v] += share * w; });
    }
    for (NodeId u = 0; u < n; ++u) next[u] = alpha * s[u] + (1 - alpha) * next[u];
    std::swap(pr, next);
  }
  return pr;
}

std::vector<double> densify(const SparseVector& v, NodeId n) {
  std::vector<double> out(n, 0.0);
  for (std::size_t i = 0; i < v.ids.size(); ++i) out[v.ids[i]] = v.values[i];
  return out;
}

/// Graph `base` plus `copies` disconnected copies of `extra`, each tied to node `anchor` of `base` by
/// a path of `path_length` new nodes. Original ids are kept.
Graph grow(const Graph& base, const Graph& extra, int copies, NodeId anchor, int path_length) {
  EdgeList e;
  NodeId next = base.num_nodes();
  auto add_graph = [&](const Graph& g, NodeId shift) {
    for (NodeId u = 0; u < g.num_nodes(); ++u)
      g.for_each_out(u, [&](NodeId v, Weight) {
        if (u < v) {
          e.sources.push_back(u + shift);
          e.targets.push_back(v + shift);
        }
      });
  };
  add_graph(base, 0);
  for (int c = 0; c < copies; ++c) {
    NodeId prev = anchor;
    for (int k = 0; k < path_length; ++k) {
      e.sources.push_back(prev);
      e.targets.push_back(next);
      prev = next++;
    }
    add_graph(extra, next);
    e.sources.push_back(prev);
    e.targets.push_back(next);
    next += extra.num_nodes();
  }
  e.num_nodes = next;
  return build_graph(e);
}

/// SBM (cluster of 60 in 300 nodes) with a 40-node tail hanging off node 299.
Graph tailed_sbm(std::uint64_t seed) {
  SbmOptions o;
  o.sizes = {60, 240};
  o.p_in = 0.15;
  o.p_out = 0.01;
  o.seed = seed;
  PlantedGraph sbm = stochastic_block_model(o);
  EdgeList e;
  for (NodeId u = 0; u < sbm.graph.num_nodes(); ++u)
    sbm.graph.for_each_out(u, [&](NodeId v, Weight) {
      if (u < v) {
        e.sources.push_back(u);
        e.targets.push_back(v);
      }
    });
  NodeId prev = 299;
  for (NodeId k = 300; k < 340; ++k) {
    e.sources.push_back(prev);
    e.targets.push_back(k);
    prev = k;
  }
  e.num_nodes = 340;
  return build_graph(e);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PPR

TEST(PprPush, AgreesWithDensePowerIterationWithinEpsilonDegree) {
  SbmOptions o;
  o.sizes = {40, 60, 50};
  o.p_in = 0.2;
  o.p_out = 0.02;
  o.seed = 3;
  PlantedGraph sbm = stochastic_block_model(o);
  for (bool lazy : {true, false}) {
    for (double eps : {1e-3, 1e-5}) {
      PprOptions po;
      po.alpha = 0.1;
      po.epsilon = eps;
      po.lazy = lazy;
      const std::vector<NodeId> seeds = {5, 7};
      PushResult r = approximate_ppr(sbm.graph, seeds, po);
      ASSERT_TRUE(r.converged);
      const auto exact = dense_ppr(sbm.graph, seeds, po.alpha, lazy);
      const auto approx = densify(r.pagerank, sbm.graph.num_nodes());
      for (NodeId u = 0; u < sbm.graph.num_nodes(); ++u) {
        const double d = sbm.graph.out_degrees()[u];
        EXPECT_LE(approx[u], exact[u] + 1e-12) << u;  // p only ever underestimates
        EXPECT_LE(exact[u] - approx[u], eps * d + 1e-12) << "node " << u << " lazy " << lazy << " eps " << eps;
      }
      for (std::size_t i = 0; i < r.residual.size(); ++i)
        EXPECT_LT(r.residual.values[i], eps * sbm.graph.out_degrees()[r.residual.ids[i]]);
      // Conservation: sum p + sum r * (mass not yet pushed) — p + r never exceeds 1.
      const double sp = std::accumulate(r.pagerank.values.begin(), r.pagerank.values.end(), 0.0);
      const double sr = std::accumulate(r.residual.values.begin(), r.residual.values.end(), 0.0);
      EXPECT_NEAR(sp + sr, 1.0, 1e-9);
    }
  }
}

TEST(PprPush, WeightedGraphMatchesDense) {
  // Weighted path + triangle; one implementation serves weighted and unweighted graphs.
  Graph g = from_pairs({{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {4, 5}}, 6, false, {2.0f, 0.5f, 1.0f, 3.0f, 1.0f, 0.25f});
  PprOptions po;
  po.alpha = 0.2;
  po.epsilon = 1e-7;
  PushResult r = approximate_ppr(g, std::vector<NodeId>{0}, po);
  const auto exact = dense_ppr(g, {0}, 0.2, true);
  const auto approx = densify(r.pagerank, 6);
  for (NodeId u = 0; u < 6; ++u) EXPECT_NEAR(approx[u], exact[u], 1e-7 * g.out_degrees()[u] + 1e-12);
}

TEST(PprPush, WorkBoundedByOneOverEpsilonAlpha) {
  SbmOptions o;
  o.sizes = {200, 800};
  o.p_in = 0.05;
  o.p_out = 0.005;
  o.seed = 11;
  PlantedGraph sbm = stochastic_block_model(o);
  PprOptions po;
  po.alpha = 0.15;
  po.epsilon = 1e-4;
  PushResult r = approximate_ppr(sbm.graph, std::vector<NodeId>{0}, po);
  // Each push at u removes >= alpha * eps * d_u of residual mass (1 in total), so sum of d_u over pushes
  // (the edge visits) is at most 1 / (eps alpha).
  EXPECT_LE(static_cast<double>(r.work.edge_visits), 1.0 / (po.epsilon * po.alpha));
  EXPECT_GT(r.work.pushes, 0u);
}

TEST(PprPush, DirectedGraphIsDiffusedOnSymmetrisedAdjacency) {
  const std::vector<std::pair<NodeId, NodeId>> arcs = {{0, 1}, {1, 2}, {2, 0}, {3, 2}, {3, 4}, {5, 4}};
  Graph directed = from_pairs(arcs, 6, true);
  Graph undirected = from_pairs(arcs, 6, false);
  PprOptions po;
  po.epsilon = 1e-8;
  PushResult a = approximate_ppr(directed, std::vector<NodeId>{0}, po);
  PushResult b = approximate_ppr(undirected, std::vector<NodeId>{0}, po);
  ASSERT_EQ(a.pagerank.ids, b.pagerank.ids);
  for (std::size_t i = 0; i < a.pagerank.size(); ++i) EXPECT_NEAR(a.pagerank.values[i], b.pagerank.values[i], 1e-12);
}

TEST(PprPush, IsolatedSeedKeepsItsMass) {
  Graph g = from_pairs({{0, 1}}, 3);
  PushResult r = approximate_ppr(g, std::vector<NodeId>{2}, {});
  ASSERT_EQ(r.pagerank.ids, std::vector<NodeId>{2});
  EXPECT_DOUBLE_EQ(r.pagerank.values[0], 1.0);
}

// ---------------------------------------------------------------------------------------------
// Sweep cut

TEST(SweepCut, HandComputedTwoTriangles) {
  // Triangles {0,1,2} and {3,4,5} joined by 2-3. Degrees 2,2,3,3,2,2; vol(V) = 14.
  Graph g = from_pairs({{0, 1}, {1, 2}, {0, 2}, {2, 3}, {3, 4}, {4, 5}, {3, 5}}, 6);
  const std::vector<double> deg = {2, 2, 3, 3, 2, 2};
  SparseVector v;
  for (NodeId u = 0; u < 6; ++u) {
    v.ids.push_back(u);
    v.values.push_back(deg[u] * (6.0 - u));  // value / degree decreasing in u
  }
  SweepResult s = sweep_cut(g, v);
  EXPECT_EQ(s.order, (std::vector<NodeId>{0, 1, 2, 3, 4, 5}));
  const std::vector<double> expected = {2.0 / 2, 2.0 / 4, 1.0 / 7, 2.0 / 4, 2.0 / 2, 1.0};
  ASSERT_EQ(s.profile.size(), 6u);
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(s.profile[k], expected[k], 1e-12) << k;
  EXPECT_EQ(s.volumes, (std::vector<double>{2, 4, 7, 10, 12, 14}));
  EXPECT_EQ(s.cuts, (std::vector<double>{2, 2, 1, 2, 2, 0}));
  EXPECT_EQ(s.best_size, 3u);
  EXPECT_EQ(s.set, (std::vector<NodeId>{0, 1, 2}));
  EXPECT_NEAR(s.conductance, 1.0 / 7, 1e-12);
  EXPECT_NEAR(conductance(g, s.set), 1.0 / 7, 1e-12);

  // Unnormalised order, zeros ignored, max_size honoured.
  SparseVector w{{5, 4, 0}, {3.0, 2.0, 0.0}};
  SweepOptions so;
  so.degree_normalized = false;
  SweepResult t = sweep_cut(g, w, so);
  EXPECT_EQ(t.order, (std::vector<NodeId>{5, 4}));
  EXPECT_NEAR(t.profile[1], 2.0 / 4, 1e-12);  // {4,5}: cut 2 (4-3, 5-3), vol 4
  so.max_size = 1;
  EXPECT_EQ(sweep_cut(g, w, so).order.size(), 1u);
}

TEST(SweepCut, ConductanceAgreesWithMetricsOnDirectedAndWeightedGraphs) {
  SbmOptions o;
  o.sizes = {30, 50};
  o.p_in = 0.2;
  o.p_out = 0.03;
  o.directed = true;
  o.seed = 12;
  PlantedGraph d = stochastic_block_model(o);
  Graph w = from_pairs({{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {4, 5}, {5, 5}}, 6, false,
                       {2.0f, 0.5f, 1.0f, 3.0f, 1.0f, 0.25f, 4.0f});
  const std::vector<NodeId> set_d = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 40}, set_w = {0, 1, 5};
  // The workspace variant used inside local runs follows metrics.hpp exactly.
  local_detail::Workspace ws;
  EXPECT_NEAR(local_detail::local_conductance(d.graph, set_d, ws), conductance(d.graph, set_d), 1e-12);
  EXPECT_NEAR(local_detail::local_conductance(w, set_w, ws), conductance(w, set_w), 1e-12);
  EXPECT_EQ(local_detail::local_conductance(w, std::vector<NodeId>{}, ws), conductance(w, std::vector<NodeId>{}));
  // the sweep's profile entry for a prefix equals the set's conductance
  PushResult r = approximate_ppr(d.graph, std::vector<NodeId>{0}, {});
  SweepResult s = sweep_cut(d.graph, r.pagerank);
  for (std::size_t k : {std::size_t{1}, s.order.size() / 2, s.best_size}) {
    std::vector<NodeId> prefix(s.order.begin(), s.order.begin() + static_cast<std::ptrdiff_t>(k));
    EXPECT_NEAR(s.profile[k - 1], conductance(d.graph, prefix), 1e-9) << k;
  }
}

TEST(SweepCut, RejectsBadInput) {
  Graph g = from_pairs({{0, 1}}, 2);
  EXPECT_THROW(sweep_cut(g, SparseVector{{0, 5}, {1.0, 1.0}}), InvalidArgument);
  EXPECT_THROW(sweep_cut(g, SparseVector{{0, 0}, {1.0, 2.0}}), InvalidArgument);
  EXPECT_THROW(sweep_cut(g, SparseVector{{0}, {std::nan("")}}), InvalidArgument);
  EXPECT_THROW(sweep_cut(g, std::vector<NodeId>{0}, std::vector<double>{}), InvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Flow diffusion

namespace {
void expect_kkt(const FlowDiffusionResult& r, const Graph& g, double eps, double tol) {
  // mass conserved, no excess left, x > 0 only where the sink is full (m_i = T_i)
  const double total = std::accumulate(r.mass.values.begin(), r.mass.values.end(), 0.0);
  EXPECT_NEAR(total, r.source_mass, 1e-8 * r.source_mass);
  EXPECT_TRUE(r.converged);
  EXPECT_LE(r.max_excess, eps);
  const auto m = densify(r.mass, g.num_nodes());
  for (std::size_t i = 0; i < r.x.size(); ++i) {
    EXPECT_GT(r.x.values[i], 0);
    EXPECT_NEAR(m[r.x.ids[i]], g.out_degrees()[r.x.ids[i]], tol) << r.x.ids[i];
  }
}
}  // namespace

TEST(FlowDiffusion, TwoNormSatisfiesOptimalityConditions) {
  SbmOptions o;
  o.sizes = {50, 150};
  o.p_in = 0.2;
  o.p_out = 0.01;
  o.seed = 5;
  PlantedGraph sbm = stochastic_block_model(o);
  FlowDiffusionOptions fo;
  fo.source_mass = 300;
  fo.epsilon = 1e-8;
  fo.max_iterations = 2000;
  FlowDiffusionResult r = local_flow_diffusion(sbm.graph, std::vector<NodeId>{0}, fo);
  expect_kkt(r, sbm.graph, fo.epsilon, 1e-6);
  EXPECT_EQ(r.support, r.x.ids);
  EXPECT_GT(r.support.size(), 3u);
  EXPECT_LT(r.support.size(), 200u);
  // the support holds at most source_mass worth of sink capacity
  EXPECT_LE(volume(sbm.graph, r.support), r.source_mass + 1e-6);
}

TEST(FlowDiffusion, GeneralPConvergesAndIsLocal) {
  SbmOptions o;
  o.sizes = {50, 150};
  o.p_in = 0.2;
  o.p_out = 0.01;
  o.seed = 6;
  PlantedGraph sbm = stochastic_block_model(o);
  for (double p : {1.5, 2.0, 4.0}) {
    FlowDiffusionOptions fo;
    fo.p = p;
    fo.source_mass = 250;
    fo.epsilon = 1e-6;
    fo.max_iterations = 3000;
    FlowDiffusionResult r = local_flow_diffusion(sbm.graph, std::vector<NodeId>{1, 2}, fo);
    expect_kkt(r, sbm.graph, fo.epsilon, 1e-4);
    EXPECT_GT(r.support.size(), 2u) << p;
  }
}

TEST(FlowDiffusion, AutomaticMassAndIsolatedSeed) {
  Graph g = from_pairs({{0, 1}, {1, 2}, {2, 0}}, 4);
  FlowDiffusionOptions fo;
  fo.mass_factor = 1.5;
  FlowDiffusionResult r = local_flow_diffusion(g, std::vector<NodeId>{0}, fo);
  EXPECT_DOUBLE_EQ(r.source_mass, 3.0);  // 1.5 * degree 2
  LocalClusteringOptions lo;
  lo.method = FlowDiffusionOptions{};
  LocalCluster c = local_cluster(g, std::vector<NodeId>{3}, lo);
  EXPECT_EQ(c.cluster, std::vector<NodeId>{3});
}

// ---------------------------------------------------------------------------------------------
// Locality, recovery, many seeds

TEST(LocalLocality, GrowingTheGraphTenfoldChangesNothing) {
  Graph base = tailed_sbm(21);
  SbmOptions eo;
  eo.sizes = {150, 150};
  eo.p_in = 0.1;
  eo.p_out = 0.01;
  eo.seed = 99;
  PlantedGraph extra = stochastic_block_model(eo);
  Graph big = grow(base, extra.graph, 11, 339, 5);  // 340 -> 340 + 11 * 305 nodes
  ASSERT_GE(big.num_nodes(), 10 * base.num_nodes());

  const std::vector<NodeId> seed = {3};
  FeatureMatrix small_x(base.num_nodes(), 2), big_x(big.num_nodes(), 2);
  for (NodeId u = 0; u < big.num_nodes(); ++u) {
    big_x(u, 0) = static_cast<float>(u % 7) * 0.1f;
    big_x(u, 1) = static_cast<float>(u % 3) * 0.2f;
    if (u < base.num_nodes()) small_x.row(u) = big_x.row(u);
  }
  PprOptions ppr;
  ppr.epsilon = 1e-4;
  FlowDiffusionOptions flow;
  flow.source_mass = 400;
  WeightedFlowOptions wfd;
  wfd.source_mass = 400;
  wfd.gamma = 0.5;
  for (const LocalMethodOptions& method : {LocalMethodOptions(ppr), LocalMethodOptions(flow), LocalMethodOptions(wfd)}) {
    LocalClusteringOptions lo;
    lo.method = method;
    lo.attributes = small_x;
    LocalCluster a = local_cluster(base, seed, lo);
    lo.attributes = big_x;
    LocalCluster b = local_cluster(big, seed, lo);
    EXPECT_EQ(a.cluster, b.cluster) << method.index();
    EXPECT_EQ(a.work.touched, b.work.touched) << method.index();
    EXPECT_EQ(a.work.pushes, b.work.pushes) << method.index();
    EXPECT_EQ(a.vector.ids, b.vector.ids);
    EXPECT_EQ(a.vector.values, b.vector.values);
    EXPECT_LT(a.work.touched, base.num_nodes());
  }
}

TEST(LocalRecovery, PlantedClusterEasyRegime) {
  SbmOptions o;
  o.sizes = {100, 900};
  o.p_in = 0.2;
  o.p_out = 0.004;
  o.seed = 7;
  PlantedGraph sbm = stochastic_block_model(o);
  const auto truth = members(sbm.labels, 0);
  const double vol_k = volume(sbm.graph, truth);
  std::vector<std::vector<NodeId>> seeds;
  for (NodeId s = 0; s < 100; s += 10) seeds.push_back({s});

  LocalClusteringOptions ppr;
  ppr.method = PprOptions{.epsilon = 1e-5};
  LocalClusteringOptions flow;
  flow.method = FlowDiffusionOptions{.source_mass = 2.0 * vol_k};
  for (const auto* opts : {&ppr, &flow}) {
    const auto results = local_clustering(sbm.graph, seeds, *opts);
    double mean = 0;
    for (const auto& r : results) mean += f1(truth, r.cluster) / results.size();
    EXPECT_GE(mean, 0.9) << (opts == &ppr ? "ppr" : "flow");
    // PPR's sweep finds the planted cluster's conductance; the flow's support may add a few boundary nodes.
    const double limit = (opts == &ppr ? 1.5 : 3.0) * conductance(sbm.graph, truth);
    for (const auto& r : results) EXPECT_LE(r.conductance, limit);
  }
}

TEST(LocalRecovery, AttributesHelpWhereStructureIsNoisy) {
  ContextualSbmOptions o;
  o.sizes = {100, 900};
  o.p_in = 0.06;
  o.p_out = 0.01;   // 6 internal vs 9 external neighbours: structure alone leaks
  o.dims = 2;
  o.mu = 3.0;
  o.sigma = 1.0;
  o.seed = 17;
  AttributedPlantedGraph csbm = contextual_sbm(o);
  const auto truth = members(csbm.labels, 0);
  const double vol_k = volume(csbm.graph, truth);
  std::vector<std::vector<NodeId>> seeds;
  for (NodeId s = 0; s < 100; s += 10) seeds.push_back({s});

  LocalClusteringOptions base;
  base.method = FlowDiffusionOptions{.source_mass = 2.0 * vol_k};
  LocalClusteringOptions wfd = base;
  WeightedFlowOptions weighted;
  weighted.source_mass = 2.0 * vol_k;
  weighted.gamma = 0.5;
  wfd.method = weighted;
  wfd.attributes = csbm.features;
  double f_base = 0, f_wfd = 0;
  for (const auto& r : local_clustering(csbm.graph, seeds, base)) f_base += f1(truth, r.cluster) / seeds.size();
  for (const auto& r : local_clustering(csbm.graph, seeds, wfd)) f_wfd += f1(truth, r.cluster) / seeds.size();
  std::cout << "[          ] CSBM flow F1 " << f_base << ", WFD F1 " << f_wfd << "\n";
  EXPECT_GE(f_wfd, 0.9);
  EXPECT_GT(f_wfd, f_base + 0.1);
}

TEST(LocalRecovery, NoisyLabelsHelpFlowDiffusion) {
  SbmOptions o;
  o.sizes = {100, 900};
  o.p_in = 0.06;
  o.p_out = 0.01;
  o.seed = 23;
  PlantedGraph sbm = stochastic_block_model(o);
  const auto truth = members(sbm.labels, 0);
  // labels: 1 inside the cluster, 0 outside, 15% flipped (deterministic pattern)
  std::vector<std::int32_t> noisy(sbm.graph.num_nodes());
  for (NodeId u = 0; u < noisy.size(); ++u) {
    noisy[u] = sbm.labels[u] == 0 ? 1 : 0;
    if (mix64(u * 7919ULL) % 100 < 15) noisy[u] = 1 - noisy[u];
  }
  LocalClusteringOptions base;
  base.method = FlowDiffusionOptions{.source_mass = 2.0 * volume(sbm.graph, truth)};
  LocalClusteringOptions lfd = base;
  NoisyLabelOptions label_weighted;
  label_weighted.source_mass = 2.0 * volume(sbm.graph, truth);
  lfd.method = label_weighted;
  lfd.labels = noisy;
  std::vector<std::vector<NodeId>> seeds;
  for (NodeId s = 0; s < 100; s += 10) seeds.push_back({s});
  double f_base = 0, f_lfd = 0;
  for (const auto& r : local_clustering(sbm.graph, seeds, base)) f_base += f1(truth, r.cluster) / seeds.size();
  for (const auto& r : local_clustering(sbm.graph, seeds, lfd)) f_lfd += f1(truth, r.cluster) / seeds.size();
  std::cout << "[          ] noisy labels: flow F1 " << f_base << ", label-weighted F1 " << f_lfd << "\n";
  EXPECT_GT(f_lfd, f_base);

  Graph weighted = noisy_label_graph(sbm.graph, noisy, 0.05);
  ASSERT_TRUE(weighted.weighted());
  EXPECT_EQ(weighted.num_edges(), sbm.graph.num_edges());
  for (NodeId u = 0; u < 50; ++u) {
    const auto nb = weighted.out_neighbors(u);
    const auto w = weighted.out_weights(u);
    for (std::size_t k = 0; k < nb.size(); ++k)
      EXPECT_FLOAT_EQ(w[k], noisy[u] == 1 && noisy[nb[k]] == 1 ? 1.0f : 0.05f);
  }
}

TEST(LocalClustering, SameResultsForEveryThreadCount) {
  ContextualSbmOptions o;
  o.sizes = {80, 120, 200};
  o.p_in = 0.1;
  o.p_out = 0.01;
  o.seed = 4;
  AttributedPlantedGraph g = contextual_sbm(o);
  std::vector<std::vector<NodeId>> seeds;
  for (NodeId s = 0; s < 400; s += 7) seeds.push_back({s, (s + 1) % 400});
  PprOptions ppr;
  ppr.epsilon = 1e-4;
  FlowDiffusionOptions flow;
  flow.source_mass = 200;
  WeightedFlowOptions wfd;
  wfd.source_mass = 200;
  for (const LocalMethodOptions& method : {LocalMethodOptions(ppr), LocalMethodOptions(flow), LocalMethodOptions(wfd)}) {
    LocalClusteringOptions lo;
    lo.method = method;
    lo.attributes = g.features;
    std::vector<std::vector<LocalCluster>> runs;
    for (int threads : {1, 2, 4}) {
      tbb::task_arena arena(threads);
      arena.execute([&] { runs.push_back(local_clustering(g.graph, seeds, lo)); });
    }
    for (std::size_t t = 1; t < runs.size(); ++t) {
      ASSERT_EQ(runs[t].size(), seeds.size());
      for (std::size_t i = 0; i < seeds.size(); ++i) {
        EXPECT_EQ(runs[0][i].cluster, runs[t][i].cluster);
        EXPECT_EQ(runs[0][i].vector.ids, runs[t][i].vector.ids);
        EXPECT_EQ(runs[0][i].vector.values, runs[t][i].vector.values);
        EXPECT_EQ(runs[0][i].conductance, runs[t][i].conductance);
        EXPECT_EQ(runs[0][i].work.touched, runs[t][i].work.touched);
      }
    }
    // and the same as one call per seed set
    for (std::size_t i = 0; i < seeds.size(); i += 11) {
      LocalCluster one = local_cluster(g.graph, seeds[i], lo);
      EXPECT_EQ(one.cluster, runs[0][i].cluster);
      EXPECT_EQ(one.vector.values, runs[0][i].vector.values);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(LocalErrors, InvalidArgumentsAreRejected) {
  Graph g = from_pairs({{0, 1}, {1, 2}, {2, 3}}, 4);
  const std::vector<NodeId> ok = {0}, bad = {4}, none = {};
  EXPECT_THROW(approximate_ppr(g, bad, {}), InvalidArgument);
  EXPECT_THROW(approximate_ppr(g, none, {}), InvalidArgument);
  EXPECT_THROW(approximate_ppr(Graph(), ok, {}), InvalidArgument);
  for (double alpha : {0.0, -0.1, 1.5, std::nan("")}) {
    PprOptions po;
    po.alpha = alpha;
    EXPECT_THROW(approximate_ppr(g, ok, po), InvalidArgument) << alpha;
  }
  PprOptions alpha_one;
  alpha_one.alpha = 1.0;  // allowed: all mass stays at the seed
  EXPECT_NO_THROW(approximate_ppr(g, ok, alpha_one));
  for (double eps : {0.0, -1e-3, std::nan("")}) {
    PprOptions po;
    po.epsilon = eps;
    EXPECT_THROW(approximate_ppr(g, ok, po), InvalidArgument);
    FlowDiffusionOptions fo;
    fo.epsilon = eps;
    EXPECT_THROW(local_flow_diffusion(g, ok, fo), InvalidArgument);
  }
  for (double p : {1.0, 0.5, -2.0, std::nan("")}) {
    FlowDiffusionOptions fo;
    fo.p = p;
    EXPECT_THROW(local_flow_diffusion(g, ok, fo), InvalidArgument) << p;
  }
  EXPECT_THROW(local_flow_diffusion(g, bad, {}), InvalidArgument);
  FlowDiffusionOptions zero_iters;
  zero_iters.max_iterations = 0;
  EXPECT_THROW(local_flow_diffusion(g, ok, zero_iters), InvalidArgument);

  FeatureMatrix x = FeatureMatrix::Zero(4, 2);
  x(1, 1) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(weighted_flow_diffusion(g, ok, x, {}), InvalidArgument);
  FeatureMatrix wrong_rows = FeatureMatrix::Zero(3, 2);
  EXPECT_THROW(weighted_flow_diffusion(g, ok, wrong_rows, {}), InvalidArgument);
  WeightedFlowOptions negative_gamma;
  negative_gamma.gamma = -1;
  const FeatureMatrix zeros = FeatureMatrix::Zero(4, 2);
  EXPECT_THROW(weighted_flow_diffusion(g, ok, zeros, negative_gamma), InvalidArgument);

  std::vector<std::int32_t> labels = {1, 1, 0};
  EXPECT_THROW(noisy_label_flow_diffusion(g, ok, labels, {}), InvalidArgument);
  EXPECT_THROW(noisy_label_graph(g, labels), InvalidArgument);

  LocalClusteringOptions wfd;
  wfd.method = WeightedFlowOptions{};
  EXPECT_THROW(local_cluster(g, ok, wfd), InvalidArgument);  // no attributes
  std::vector<std::vector<NodeId>> sets = {{0}, {9}};
  EXPECT_THROW(local_clustering(g, sets, LocalClusteringOptions{}), InvalidArgument);
}

TEST(LocalGenerators, ContextualSbmShapesAndDeterminism) {
  ContextualSbmOptions o;
  o.sizes = {30, 70};
  o.p_in = 0.3;
  o.p_out = 0.02;
  o.dims = 3;
  o.mu = 4.0;
  o.sigma = 0.5;
  o.seed = 8;
  AttributedPlantedGraph a = contextual_sbm(o), b = contextual_sbm(o);
  ASSERT_EQ(a.graph.num_nodes(), 100u);
  ASSERT_EQ(a.features.rows(), 100);
  ASSERT_EQ(a.features.cols(), 3);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_TRUE(a.features == b.features);
  EXPECT_EQ(a.graph.num_edges(), b.graph.num_edges());
  double mean0 = 0, mean1 = 0;
  for (NodeId u = 0; u < 30; ++u) mean0 += a.features(u, 0) / 30.0;
  for (NodeId u = 30; u < 100; ++u) mean1 += a.features(u, 1) / 70.0;
  EXPECT_NEAR(mean0, 4.0, 0.5);
  EXPECT_NEAR(mean1, 4.0, 0.5);
  o.dims = 0;
  EXPECT_THROW(contextual_sbm(o), InvalidArgument);
}

// Regression (issue 17, defect 1): with default options flow diffusion used to return a one- or two-node
// cluster, because the default mass (10x the seed's volume) is far below any real cluster's volume.
TEST(LocalDefaults, FlowFindsAPlantedClusterWithoutBeingToldItsVolume) {
  SbmOptions o;
  o.sizes.assign(100, 200);  // a 200-node community among 99 others: 20,000 nodes
  o.p_in = 0.1;
  o.p_out = 0.0001;
  o.seed = 31;
  const PlantedGraph sbm = stochastic_block_model(o);
  const auto truth = members(sbm.labels, 0);
  const std::vector<NodeId> seed = {7};
  const LocalCluster ppr = local_cluster(sbm.graph, seed, LocalClusteringOptions{});
  for (const LocalMethodOptions& method : {LocalMethodOptions(FlowDiffusionOptions{}), LocalMethodOptions(NoisyLabelOptions{})}) {
    LocalClusteringOptions lo;
    lo.method = method;
    std::vector<std::int32_t> no_information(sbm.graph.num_nodes(), 1);  // every label 1: the plain graph
    lo.labels = no_information;
    const LocalCluster flow = local_cluster(sbm.graph, seed, lo);
    EXPECT_GE(f1(truth, flow.cluster), 0.9) << method.index();
    EXPECT_GE(f1(truth, flow.cluster), f1(truth, ppr.cluster) - 0.05) << method.index();
  }
  const FlowDiffusionResult r = local_flow_diffusion(sbm.graph, seed);
  EXPECT_GT(r.source_mass, 2 * volume(sbm.graph, truth) / 4);  // the mass found is of the cluster's order
  EXPECT_GE(f1(truth, r.support), 0.9);

  // The search stays local: four times the graph (same degrees) and the work does not follow it.
  SbmOptions big = o;
  big.sizes.assign(400, 200);
  big.p_out = o.p_out / 4;
  const PlantedGraph large = stochastic_block_model(big);
  const FlowDiffusionResult far = local_flow_diffusion(large.graph, seed);
  EXPECT_GE(f1(members(large.labels, 0), far.support), 0.9);
  EXPECT_LT(far.work.touched, 2 * r.work.touched + 2000);
  // Its work is of the order of the ppr run it starts from (bounded by 1 / (epsilon alpha), not by n).
  const PushResult push = approximate_ppr(large.graph, seed);
  EXPECT_LT(far.work.touched, 2 * push.work.touched);
}
