#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "digrac/loss.hpp"
#include "digrac/model.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/digrac/digrac.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/io/io.hpp"
#include "graphclust/metrics/metrics.hpp"
#include "graphclust/spectral/spectral.hpp"

using namespace graphclust;
using learn::Parameter;
using TapeD = learn::Tape<double>;

namespace {

DirectedPlantedGraph small_dsbm(std::uint64_t seed, NodeId n = 60, int k = 3) {
  return directed_sbm({.num_nodes = n, .k = k, .p = 0.15, .meta_graph = MetaGraph::Cyclic, .eta = 0.1, .seed = seed});
}

/// A softmax of random logits: a row-stochastic P whose gradient reaches the logits parameter.
Parameter<double> random_logits(Eigen::Index n, int k, std::uint64_t seed) {
  Parameter<double> p("logits", n, k);
  Rng rng(seed);
  for (Eigen::Index i = 0; i < p.value.size(); ++i) p.value.data()[i] = 2 * rng.uniform() - 1;
  return p;
}

}  // namespace

TEST(DigracLoss, GradientsOfEveryNormAndSelection) {
  const auto g = small_dsbm(3);
  const digrac_detail::ImbalanceContext<double> context(g.graph, 4);
  Parameter<double> logits = random_logits(g.graph.num_nodes(), 4, 9);
  for (auto norm : {ImbalanceNorm::Plain, ImbalanceNorm::VolSum, ImbalanceNorm::VolMax, ImbalanceNorm::VolMin})
    for (auto selection : {ImbalanceSelection::Sort, ImbalanceSelection::Naive, ImbalanceSelection::Std}) {
      SCOPED_TRACE(std::string(to_string(norm)) + "/" + std::string(to_string(selection)));
      const auto loss = [&](TapeD& t) {
        return digrac_detail::imbalance_loss(learn::softmax_rows(t.parameter(logits)), context, norm, selection, 3);
      };
      const learn::GradCheckResult r = learn::check_gradients(loss, {&logits}, {.tolerance = 1e-5});
      EXPECT_TRUE(r.ok) << r.max_error << " at " << r.worst;
      TapeD tape;
      const double value = loss(tape).item();
      EXPECT_GT(value, 0.0);
      EXPECT_LE(value, 1.0);
    }
}

TEST(DigracLoss, OneHotAssignmentGivesTheHardPartitionMetric) {
  const auto g = small_dsbm(5, 90);
  const int k = 3;
  const digrac_detail::ImbalanceContext<double> context(g.graph, k);
  DenseBlock<double> onehot = DenseBlock<double>::Zero(g.graph.num_nodes(), k);
  for (NodeId i = 0; i < g.graph.num_nodes(); ++i) onehot(i, g.labels[i]) = 1;
  for (auto norm : {ImbalanceNorm::Plain, ImbalanceNorm::VolSum, ImbalanceNorm::VolMax, ImbalanceNorm::VolMin}) {
    TapeD tape;
    const double sort_loss =
        digrac_detail::imbalance_loss(tape.constant(onehot), context, norm, ImbalanceSelection::Sort, 2).item();
    EXPECT_NEAR(1 - sort_loss, flow_imbalance(g.graph, g.labels, norm, 2).mean_top, 1e-6) << to_string(norm);
    tape.clear();
    const double naive_loss =
        digrac_detail::imbalance_loss(tape.constant(onehot), context, norm, ImbalanceSelection::Naive, 0).item();
    EXPECT_NEAR(1 - naive_loss, flow_imbalance(g.graph, g.labels, norm, 0).mean_top, 1e-6) << to_string(norm);
  }
}

TEST(DigracLoss, PairSelectionRules) {
  DenseBlock<double> values(3, 3), net(3, 3), total(3, 3);
  values << 0, 0.5, 0.2, 0, 0, 0.9, 0, 0, 0;
  net << 0, 10, 0, 0, 0, 1, 0, 0, 0;  // pair (0,2) has no net flow: skipped
  total << 0, 10, 5, 0, 0, 100, 0, 0, 0;
  auto sort = digrac_detail::select_pairs(values, net, total, ImbalanceSelection::Sort, 1);
  EXPECT_EQ(sort.pairs, (std::vector<std::int64_t>{5}));  // (1,2): the largest value
  EXPECT_EQ(sort.divisor, 1);
  auto all = digrac_detail::select_pairs(values, net, total, ImbalanceSelection::Sort, 0);
  EXPECT_EQ(all.pairs.size(), 2u);
  EXPECT_EQ(all.divisor, 3);  // divided by the pairs asked for, as the reference
  auto naive = digrac_detail::select_pairs(values, net, total, ImbalanceSelection::Naive, 0);
  EXPECT_EQ(naive.divisor, 2);
  auto std_rule = digrac_detail::select_pairs(values, net, total, ImbalanceSelection::Std, 0);
  EXPECT_EQ(std_rule.pairs, (std::vector<std::int64_t>{1}));  // 10^2 > 9 * 10, but 1 < 9 * 100
  total(0, 1) = 20;  // now no pair is significant: all flowing pairs are kept
  EXPECT_EQ(digrac_detail::select_pairs(values, net, total, ImbalanceSelection::Std, 0).pairs.size(), 2u);
}

TEST(DigracModel, WholeModelGradients) {
  const auto g = small_dsbm(7, 40);
  DigracOptions o;
  o.k = 3;
  o.hidden = 4;
  o.dropout = 0.3;
  o.seed = 2;
  DenseBlock<double> x(g.graph.num_nodes(), 5);
  Rng rng(4);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.normal();
  digrac_detail::DigracModel<double> model(g.graph, 5, o);
  const digrac_detail::ImbalanceContext<double> context(g.graph, 3);
  const auto loss = [&](TapeD& t) {
    const auto out = model.forward(t, t.constant(x), true);  // dropout keyed by the tape seed: deterministic
    return digrac_detail::imbalance_loss(out.probabilities, context, ImbalanceNorm::VolSum, ImbalanceSelection::Sort, 0);
  };
  const learn::GradCheckResult r = learn::check_gradients(loss, model.parameters(), {.tolerance = 1e-5, .seed = 3});
  EXPECT_TRUE(r.ok) << r.max_error << " at " << r.worst;
  EXPECT_GT(r.checked, 100);
}

TEST(Digrac, RecoversCyclicFlowWhereSymmetrizedSpectralFails) {
  // Equal densities everywhere: only the direction of the arcs between clusters carries the partition.
  const DirectedPlantedGraph g =
      directed_sbm({.num_nodes = 1500, .k = 3, .p = 0.02, .meta_graph = MetaGraph::Cyclic, .eta = 0.05, .seed = 11});
  const DigracResult r = digrac(g.graph, {.k = 3, .seed = 1});
  const double ari = adjusted_rand_index(g.labels, r.labels);
  EXPECT_GE(ari, 0.9);
  EXPECT_TRUE(r.hermitian_features);
  EXPECT_EQ(r.feature_dims, 6);
  EXPECT_EQ(r.epochs, 200);
  EXPECT_LT(r.losses.back(), r.losses.front());
  EXPECT_EQ(r.probabilities.rows(), 1500);
  EXPECT_EQ(r.embedding.cols(), 64);
  EXPECT_GT(r.imbalance_sort_vol_sum, 0.2);
  const SpectralResult s = spectral_clustering(g.graph, {.k = 3, .seed = 1});
  EXPECT_LT(adjusted_rand_index(g.labels, s.labels), 0.1);
}

TEST(Digrac, SameBitsForOneAndTwoThreadsAndRepeatedRuns) {
  const auto g = small_dsbm(13, 300);
  const DigracOptions o{.k = 3, .max_epochs = 30, .seed = 4};
  DigracResult one;
  {
    tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
    one = digrac(g.graph, o);
  }
  const DigracResult two = digrac(g.graph, o), again = digrac(g.graph, o);
  for (const auto* other : {&two, &again}) {
    EXPECT_EQ(one.labels, other->labels);
    EXPECT_EQ(one.losses, other->losses);
    ASSERT_EQ(one.probabilities.size(), other->probabilities.size());
    EXPECT_EQ(std::memcmp(one.probabilities.data(), other->probabilities.data(),
                          sizeof(float) * static_cast<std::size_t>(one.probabilities.size())), 0);
  }
}

TEST(Digrac, FeaturesEarlyStoppingAndErrors) {
  const auto g = small_dsbm(17, 200);
  FeatureMatrix x(200, 3);
  for (NodeId i = 0; i < 200; ++i) x.row(i) << float(g.labels[i] == 0), float(g.labels[i] == 1), 0.5f;
  const DigracResult with = digrac(g.graph, {.k = 3, .patience = 5, .seed = 1}, x);
  EXPECT_FALSE(with.hermitian_features);
  EXPECT_EQ(with.feature_dims, 3);
  EXPECT_LE(with.reported_epoch, with.epochs - 1);
  if (with.stopped_early) EXPECT_LT(with.epochs, 200);

  const PlantedGraph undirected = stochastic_block_model({{30, 30}, 0.2, 0.05, false, {}, 1});
  EXPECT_THROW(digrac(undirected.graph, {.k = 2}), InvalidArgument);
  EXPECT_THROW(digrac(g.graph, {.k = 1}), InvalidArgument);
  EXPECT_THROW(digrac(g.graph, {.k = 201}), InvalidArgument);
  FeatureMatrix wrong(10, 3);
  EXPECT_THROW(digrac(g.graph, {.k = 3}, wrong), InvalidArgument);
  x(3, 1) = std::nanf("");
  EXPECT_THROW(digrac(g.graph, {.k = 3}, x), InvalidArgument);
  EXPECT_THROW(digrac(g.graph, {.k = 3, .learning_rate = -1}), InvalidArgument);
}

TEST(Digrac, CommandLineRecoversCyclicDsbm) {
  const DirectedPlantedGraph g =
      directed_sbm({.num_nodes = 1500, .k = 3, .p = 0.02, .meta_graph = MetaGraph::Cyclic, .eta = 0.05, .seed = 21});
  const std::string dir = ::testing::TempDir();
  const std::string edges = dir + "/dsbm_cli.txt", labels = dir + "/dsbm_cli.labels";
  write_edge_list(g.graph, edges);
  write_labels(labels, g.graph, g.labels);
  const std::string command = std::string(GRAPHCLUST_CLI) + " --quiet cluster " + edges +
                              " --directed --method digrac -k 3 --seed 1 --labels " + labels;
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  ASSERT_EQ(pclose(pipe), 0) << output;
  const auto at = output.find("ARI: ");
  ASSERT_NE(at, std::string::npos) << output;
  EXPECT_GE(std::stod(output.substr(at + 5)), 0.9) << output;
  EXPECT_NE(output.find("hermitian_features: true"), std::string::npos) << output;
}
