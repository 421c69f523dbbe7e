#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <cstring>
#include <string>

#include "contrastive/loss.hpp"
#include "graphclust/contrastive/contrastive.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/generators/contextual_sbm.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/io/io.hpp"
#include "graphclust/kernels/sparse_power.hpp"
#include "graphclust/learn/learn.hpp"
#include "graphclust/methods/registry.hpp"
#include "graphclust/metrics/metrics.hpp"

using namespace graphclust;
using learn::Parameter;
using TapeD = learn::Tape<double>;
using VarD = learn::Var<double>;
namespace cd = graphclust::contrastive_detail;

namespace {

Graph small_graph(std::uint64_t seed, NodeId n = 24) {
  return stochastic_block_model({{n / 2, n - n / 2}, 0.35, 0.08, false, {}, seed}).graph;
}

/// A + wI of the symmetric view, densely.
Eigen::MatrixXd dense_adjacency_with_loops(const Graph& g, double w) {
  const Eigen::Index n = g.num_nodes();
  Eigen::MatrixXd a = w * Eigen::MatrixXd::Identity(n, n);
  for (NodeId u = 0; u < g.num_nodes(); ++u) g.for_each_sym(u, [&](NodeId v, Weight x) { a(u, v) += x; });
  return a;
}

/// D^-1 (A + wI) of an undirected graph, densely.
Eigen::MatrixXd dense_random_walk(const Graph& g, double w) {
  Eigen::MatrixXd a = dense_adjacency_with_loops(g, w);
  const Eigen::Index n = a.rows();
  for (Eigen::Index i = 0; i < n; ++i)
    if (a.row(i).sum() > 0) a.row(i) /= a.row(i).sum();
  return a;
}

Parameter<double> random_parameter(const std::string& name, Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  Parameter<double> p(name, rows, cols);
  Rng rng(seed);
  for (Eigen::Index i = 0; i < p.value.size(); ++i) p.value.data()[i] = 2 * rng.uniform() - 1;
  return p;
}

DenseBlock<double> random_block(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  return random_parameter("x", rows, cols, seed).value;
}

void expect_gradients(const std::function<VarD(TapeD&)>& loss, const std::vector<Parameter<double>*>& params) {
  const learn::GradCheckResult r = learn::check_gradients(loss, params, {.tolerance = 1e-5});
  EXPECT_TRUE(r.ok) << r.max_error << " at " << r.worst;
  EXPECT_GT(r.checked, 0);
}

AttributedPlantedGraph planted(std::uint64_t seed, NodeId per_block = 100, double mu = 3.0) {
  ContextualSbmOptions o;
  o.sizes = {per_block, per_block, per_block};
  o.p_in = 0.1;
  o.p_out = 0.01;
  o.dims = 16;
  o.mu = mu;
  o.sigma = 1.0;
  o.seed = seed;
  return contextual_sbm(o);
}

ContrastiveOptions small_options() {
  ContrastiveOptions o;
  o.k = 3;
  o.hidden = "32,32";
  o.embedding_dim = 8;
  o.order = 2;
  o.alpha = 4;
  o.learning_rate = 1e-2;
  o.max_epochs = 100;
  o.pretrain_epochs = 10;
  o.pretrain_batch_size = 64;
  o.n_init = 5;
  o.seed = 3;
  return o;
}

}  // namespace

// ================================ sparse powers ==================================================

TEST(SparsePower, RandomWalkPowersMatchDenseProducts) {
  const Graph g = small_graph(1);
  const Eigen::MatrixXd m = dense_random_walk(g, 1.0);
  const SparseMatrix s = random_walk_matrix(g, 1.0);
  EXPECT_LT((s.to_dense() - m).norm(), 1e-12);
  for (bool cumulative : {false, true})
    for (int r : {1, 2, 3}) {
      Eigen::MatrixXd expected = m, power = m;
      for (int p = 2; p <= r; ++p) {
        power = power * m;
        expected = cumulative ? Eigen::MatrixXd(expected + power) : power;
      }
      const SparseMatrix w = matrix_power(s, {.order = r, .cumulative = cumulative});
      EXPECT_LT((w.to_dense() - expected).norm(), 1e-12) << r << " " << cumulative;
      std::size_t dense_nnz = 0;
      for (Eigen::Index i = 0; i < expected.size(); ++i) dense_nnz += expected.data()[i] != 0;
      EXPECT_EQ(w.nonzeros(), dense_nnz);
    }
  // A directed graph is symmetrised first.
  const Graph d = stochastic_block_model({{10, 10}, 0.3, 0.1, true, {}, 2}).graph;
  EXPECT_LT((random_walk_matrix(d, 0.5).to_dense() - dense_random_walk(d, 0.5)).norm(), 1e-12);
}

TEST(SparsePower, GuardRefusesWithTheCountAndTheLimit) {
  const Graph g = small_graph(2, 60);
  const SparseMatrix m = random_walk_matrix(g, 1.0);
  const std::size_t needed = product_nonzeros(m, m);
  EXPECT_EQ(needed, multiply(m, m).nonzeros());
  try {
    matrix_power(m, {.order = 2, .max_nonzeros = needed - 1}, "test");
    FAIL() << "no refusal";
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(std::to_string(needed) + " non-zeros"), std::string::npos) << what;
    EXPECT_NE(what.find("max_power_nonzeros = " + std::to_string(needed - 1)), std::string::npos) << what;
  }
  EXPECT_EQ(matrix_power(m, {.order = 2, .max_nonzeros = needed}).nonzeros(), needed);
  // Through the method: the option is user-raisable.
  const AttributedPlantedGraph p = planted(4, 30);
  ContrastiveOptions o = small_options();
  o.max_power_nonzeros = 100;
  try {
    contrastive_clustering(p.graph, p.features, o);
    FAIL() << "no refusal";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("max_power_nonzeros = 100"), std::string::npos) << e.what();
  }
}

TEST(SparsePower, PatternGraphLinesUpWithEntries) {
  const SparseMatrix w = matrix_power(random_walk_matrix(small_graph(3), 1.0), {.order = 2});
  const Graph pattern = pattern_graph(w);
  ASSERT_EQ(pattern.num_arcs(), w.nonzeros());
  for (NodeId u = 0; u < pattern.num_nodes(); ++u) {
    const auto row = pattern.out_neighbors(u);
    for (std::size_t t = 0; t < row.size(); ++t) EXPECT_EQ(row[t], w.indices[w.offsets[u] + t]);
  }
  SparseMatrix asym;  // 2 x 2 with a single off-diagonal entry
  asym.rows = asym.cols = 2;
  asym.offsets = {0, 1, 1};
  asym.indices = {1};
  asym.values = {1.0};
  EXPECT_THROW(pattern_graph(asym), InvalidArgument);
  EXPECT_THROW(add(w, random_walk_matrix(small_graph(3, 10), 1.0)), InvalidArgument);
}

// ================================ losses and their gradients =====================================

struct LossCase {
  Graph g = small_graph(5, 18);
  SparseMatrix w = matrix_power(random_walk_matrix(g, 1.0), {.order = 2, .cumulative = true});
  DenseBlock<double> x = random_block(18, 6, 1);
  learn::MlpEncoder<double> encoder{6, [] {
                                      learn::MlpOptions m;
                                      m.layers = {5, 4};
                                      m.activation = Activation::Tanh;  // smooth: no kinks for the differences
                                      m.seed = 7;
                                      return m;
                                    }()};
  Parameter<double> mu = random_parameter("mu", 3, 4, 2);
  learn::EncoderInput<double> input{nullptr, &x};
  std::vector<std::int32_t> labels;
  LossCase() {
    for (int i = 0; i < 18; ++i) labels.push_back(i % 3);
    // Random biases too: zero biases could leave a zero row of z, where cosines have no gradient.
    std::uint64_t seed = 20;
    for (auto* p : encoder.parameters()) p->value = random_parameter(p->name, p->value.rows(), p->value.cols(), seed++).value;
  }
  VarD z(TapeD& t) { return encoder.forward(t, input, false); }
};

TEST(ContrastiveGrad, KlTerm) {
  LossCase c;
  DenseBlock<double> target;
  {
    TapeD t;
    target = learn::target_distribution(learn::student_t_assignment(c.z(t), t.parameter(c.mu)).value());
  }
  auto params = c.encoder.parameters();
  params.push_back(&c.mu);
  expect_gradients([&](TapeD& t) {
    return learn::kl_divergence(t.constant(target), learn::student_t_assignment(c.z(t), t.parameter(c.mu)));
  }, params);
}

TEST(ContrastiveGrad, PamcPositiveAndMetaNodeTerms) {
  LossCase c;
  const cd::PowerPattern<double> pattern(c.w);
  const DenseBlock<double> indicator = cd::cluster_indicator<double>(c.labels, 3);
  expect_gradients([&](TapeD& t) { return cd::sparse_positive_term(c.z(t), pattern, 0.5); }, c.encoder.parameters());
  expect_gradients([&](TapeD& t) { return cd::meta_node_negative_term(c.z(t), indicator, 0.5); }, c.encoder.parameters());
}

TEST(ContrastiveGrad, ExactContrastiveAndReconstruction) {
  LossCase c;
  const DenseBlock<double> w = c.w.to_dense();
  expect_gradients([&](TapeD& t) { return cd::exact_contrastive_loss(c.z(t), w, 0.25); }, c.encoder.parameters());
  learn::MlpOptions dm;
  dm.layers = {5, 6};
  dm.activation = Activation::Tanh;
  dm.seed = 9;
  dm.name = "decoder";
  learn::MlpEncoder<double> decoder(4, dm);
  auto params = c.encoder.parameters();
  for (auto* p : decoder.parameters()) params.push_back(p);
  expect_gradients([&](TapeD& t) {
    const VarD x = t.constant(c.x);
    return cd::reconstruction_loss(decoder.forward(t, c.encoder.forward(t, x, false), false), x);
  }, params);
}

TEST(ContrastiveLoss, TermsEqualTheirDenseDefinitions) {
  LossCase c;
  TapeD t;
  const VarD z = c.z(t);
  const Eigen::MatrixXd zv = z.value();
  const Eigen::Index n = zv.rows();
  Eigen::MatrixXd zn = zv;
  for (Eigen::Index i = 0; i < n; ++i) zn.row(i) /= zv.row(i).norm();
  Eigen::MatrixXd s = zn * zn.transpose();
  s.diagonal().setZero();
  const Eigen::MatrixXd w = c.w.to_dense();
  const double tau = 0.5;
  double positive = 0, exact = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    double pos = 0, neg = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      pos += w(i, j) * std::exp(tau * s(i, j));
      neg += std::exp(tau * s(i, j));
    }
    positive += -std::log(pos + 1e-10) / n;
    exact += (-std::log(pos + 1e-10) + std::log(neg + 1e-10)) / n;
  }
  const cd::PowerPattern<double> pattern(c.w);
  EXPECT_NEAR(cd::sparse_positive_term(z, pattern, tau).item(), positive, 1e-12);
  EXPECT_NEAR(cd::exact_contrastive_loss(z, DenseBlock<double>(w), tau).item(), exact, 1e-12);

  // Meta-nodes: c_k = sum of z_i with label k; C = cosine among them, zero diagonal;
  // negative = mean_k log(sum_l exp(tau C_kl)). One cluster is left empty: it is no meta-node.
  std::vector<std::int32_t> labels = c.labels;
  for (auto& l : labels) l = l == 1 ? 3 : l;  // clusters 0, 2, 3 of k = 4
  Eigen::MatrixXd meta = Eigen::MatrixXd::Zero(3, zv.cols());
  const int slot[4] = {0, -1, 1, 2};
  for (Eigen::Index i = 0; i < n; ++i) meta.row(slot[labels[i]]) += zv.row(i);
  double negative = 0;
  for (int k = 0; k < 3; ++k) {
    double sum = 0;
    for (int l = 0; l < 3; ++l) {
      const double cos = k == l ? 0.0 : meta.row(k).dot(meta.row(l)) / (meta.row(k).norm() * meta.row(l).norm());
      sum += std::exp(tau * cos);
    }
    negative += std::log(sum + 1e-10) / 3;
  }
  const DenseBlock<double> indicator = cd::cluster_indicator<double>(labels, 4);
  EXPECT_EQ(indicator.cols(), 3);
  EXPECT_NEAR(cd::meta_node_negative_term(z, indicator, tau).item(), negative, 1e-12);
  // The paper's condition: with tight clusters (every z_i equal to its cluster's centre) the
  // meta-node term is the exact negative term up to the constant log of the cluster sizes.
}

// ================================ the method =====================================================

TEST(Contrastive, RecoversAPlantedPartitionWithInformativeFeatures) {
  const AttributedPlantedGraph p = planted(11);
  const ContrastiveResult r = contrastive_clustering(p.graph, p.features, small_options());
  EXPECT_GE(adjusted_rand_index(p.labels, r.labels), 0.9);
  EXPECT_EQ(r.epochs, 100);
  EXPECT_EQ(r.stop_epoch, 99);
  EXPECT_EQ(r.losses.size(), 100u);
  EXPECT_EQ(r.pretrain_losses.size(), 10u);
  EXPECT_LT(r.pretrain_losses.back(), r.pretrain_losses.front());
  EXPECT_FALSE(r.structural_features);
  EXPECT_EQ(r.feature_dims, 16);
  EXPECT_EQ(r.probabilities.rows(), 300);
  EXPECT_EQ(r.probabilities.cols(), 3);
  EXPECT_EQ(r.embedding.cols(), 8);
  EXPECT_GT(r.power_nonzeros, 0);
}

TEST(Contrastive, ExactBaselinesRunAndTheirGuardRefuses) {
  const AttributedPlantedGraph p = planted(12, 40);
  for (auto model : {ContrastiveModel::Scgc, ContrastiveModel::ScgcStar}) {
    ContrastiveOptions o = small_options();
    o.model = model;
    o.record_labels = true;
    const ContrastiveResult r = contrastive_clustering(p.graph, p.features, o);
    EXPECT_GE(adjusted_rand_index(p.labels, r.labels), 0.8) << to_string(model);
    ASSERT_EQ(r.label_history.size(), 101u * 120u);
    EXPECT_TRUE(std::equal(r.labels.begin(), r.labels.end(), r.label_history.end() - 120));
    o.max_exact_nodes = 100;
    try {
      contrastive_clustering(p.graph, p.features, o);
      FAIL() << "no refusal";
    } catch (const InvalidArgument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("n x n"), std::string::npos) << what;
      EXPECT_NE(what.find("max_exact_nodes = 100"), std::string::npos) << what;
    }
  }
}

TEST(Contrastive, SameBitsForOneAndTwoThreads) {
  const AttributedPlantedGraph p = planted(13, 60);
  ContrastiveOptions o = small_options();
  o.max_epochs = 15;
  for (auto model : {ContrastiveModel::Pamc, ContrastiveModel::Scgc}) {
    o.model = model;
    ContrastiveResult one;
    {
      tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
      one = contrastive_clustering(p.graph, p.features, o);
    }
    const ContrastiveResult two = contrastive_clustering(p.graph, p.features, o);
    EXPECT_EQ(one.labels, two.labels);
    EXPECT_EQ(one.losses, two.losses);
    EXPECT_EQ(one.pretrain_losses, two.pretrain_losses);
    ASSERT_EQ(one.embedding.size(), two.embedding.size());
    EXPECT_EQ(std::memcmp(one.embedding.data(), two.embedding.data(), sizeof(float) * one.embedding.size()), 0);
  }
}

TEST(Contrastive, StructuralFeaturesWithoutFeatures) {
  const PlantedGraph g = stochastic_block_model({{60, 60}, 0.2, 0.01, false, {}, 5});
  ContrastiveOptions o = small_options();
  o.k = 2;
  o.max_epochs = 30;  // learning_rate 1e-2 from small_options
  const ContrastiveResult r = contrastive_clustering(g.graph, {}, o);
  EXPECT_TRUE(r.structural_features);
  EXPECT_EQ(r.feature_dims, 1);  // k spectral columns less the leading, degree-carrying one
  EXPECT_GE(adjusted_rand_index(g.labels, r.labels), 0.9);
}

// The shipped karate club, no features, default options: the leading spectral column, standardised,
// gave a 29 / 5 split (ARI .07) on seeds 0 and 6 (seeds 0-7 mean .54); without it seeds 0-7 all
// recover the faction split up to one or two nodes (ARI .77 - .88; spectral clustering: .77).
// Two seeds keep the sanitizer stage short.
TEST(Contrastive, StructuralFeaturesRecoverTheKarateSplit) {
  const std::string dir = std::string(GRAPHCLUST_SOURCE_DIR) + "/graphs/";
  const Graph g = read_graph(dir + "karate.txt");
  const auto truth = read_labels(dir + "karate.labels", g);
  for (const std::uint64_t seed : {0, 6}) {
    ContrastiveOptions o;
    o.k = 2;
    o.seed = seed;
    const ContrastiveResult r = contrastive_clustering(g, {}, o);
    EXPECT_TRUE(r.structural_features);
    EXPECT_GE(adjusted_rand_index(truth, r.labels), 0.77) << "seed " << seed;
  }
}

/// S^t X densely, S = D~^-1/2 (A + I) D~^-1/2.
FeatureMatrix dense_smoothed(const Graph& g, const FeatureMatrix& x, int steps) {
  const Eigen::MatrixXd a = dense_adjacency_with_loops(g, 1.0);
  const Eigen::VectorXd d = a.rowwise().sum().array().rsqrt();
  const Eigen::MatrixXd s = d.asDiagonal() * a * d.asDiagonal();
  Eigen::MatrixXd y = x.cast<double>();
  for (int t = 0; t < steps; ++t) y = s * y;
  return y.cast<float>();
}

TEST(Contrastive, FeatureSmoothingEncodesTheFilteredFeatures) {
  const AttributedPlantedGraph p = planted(15, 40);
  ContrastiveOptions o = small_options();
  o.max_epochs = 20;
  o.feature_smoothing = 2;
  const ContrastiveResult smoothed = contrastive_clustering(p.graph, p.features, o);
  o.feature_smoothing = 0;
  const ContrastiveResult given = contrastive_clustering(p.graph, dense_smoothed(p.graph, p.features, 2), o);
  EXPECT_EQ(smoothed.labels, given.labels);
  ASSERT_EQ(smoothed.losses.size(), given.losses.size());
  for (std::size_t e = 0; e < given.losses.size(); ++e) EXPECT_NEAR(smoothed.losses[e], given.losses[e], 1e-5) << e;
  EXPECT_EQ(smoothed.feature_dims, 16);
}

TEST(Contrastive, FeatureSmoothingRescuesNoisyFeatures) {
  // Features barely informative on their own (block means 0.5 sigma off the origin, one axis each):
  // the graph filter averages each row over its two-hop neighbourhood, mostly its own block.
  const AttributedPlantedGraph p = planted(16, 100, 0.5);
  ContrastiveOptions o = small_options();
  const double raw = adjusted_rand_index(p.labels, contrastive_clustering(p.graph, p.features, o).labels);
  o.feature_smoothing = 2;
  const double filtered = adjusted_rand_index(p.labels, contrastive_clustering(p.graph, p.features, o).labels);
  EXPECT_GE(filtered, 0.9);
  EXPECT_GT(filtered, raw + 0.2) << raw;
}

TEST(Contrastive, ErrorsNameTheProblem) {
  const AttributedPlantedGraph p = planted(14, 20);
  ContrastiveOptions o = small_options();
  FeatureMatrix wrong(10, 3);
  EXPECT_THROW(contrastive_clustering(p.graph, wrong, o), InvalidArgument);
  FeatureMatrix bad = p.features;
  bad(2, 1) = std::nanf("");
  EXPECT_THROW(contrastive_clustering(p.graph, bad, o), InvalidArgument);
  o.k = 61;
  EXPECT_THROW(contrastive_clustering(p.graph, p.features, o), InvalidArgument);
  o = small_options();
  o.hidden = "32,x";
  try {
    contrastive_clustering(p.graph, p.features, o);
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
  o = small_options();
  o.tau = 0;
  EXPECT_THROW(contrastive_clustering(p.graph, p.features, o), InvalidArgument);
  o = small_options();
  o.feature_smoothing = -1;
  EXPECT_THROW(contrastive_clustering(p.graph, p.features, o), InvalidArgument);
  EXPECT_THROW(contrastive_clustering(Graph(), {}, small_options()), InvalidArgument);

  // Registry: named entries fix the model and refuse a conflicting one.
  const MethodRegistry registry = default_registry();
  for (const char* name : {"contrastive", "pamc", "scgc", "scgc_star"})
    EXPECT_EQ(registry.get(name).function, "contrastive_clustering") << name;
  MethodInput in;
  in.graph = &p.graph;
  in.features = p.features;
  const OptionValues conflicting{{"k", std::int64_t{3}}, {"model", std::string("scgc_star")}, {"max_epochs", std::int64_t{2}}};
  EXPECT_THROW(registry.get("scgc").run(in, conflicting), InvalidArgument);
  EXPECT_THROW(registry.get("pamc").run(in, conflicting), InvalidArgument);
}
