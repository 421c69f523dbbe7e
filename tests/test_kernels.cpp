#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <Eigen/Dense>
#include <cmath>

#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/kernels/kmeans.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/kernels/reduce.hpp"
#include "graphclust/metrics/metrics.hpp"

using namespace graphclust;

namespace {

Eigen::MatrixXd dense_adjacency(const Graph& g) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(g.num_nodes(), g.num_nodes());
  for (NodeId u = 0; u < g.num_nodes(); ++u) g.for_each_out(u, [&](NodeId v, Weight w) { a(u, v) = w; });
  return a;
}

Eigen::MatrixXd dense_operator(const Eigen::MatrixXd& a, OperatorKind kind, bool transpose, double tau, double shift) {
  const Eigen::VectorXd dout = a.rowwise().sum(), din = a.colwise().sum().transpose();
  auto inv = [&](const Eigen::VectorXd& d, double power) {
    Eigen::VectorXd r(d.size());
    for (Eigen::Index i = 0; i < d.size(); ++i) r(i) = d(i) + tau > 0 ? std::pow(d(i) + tau, -power) : 0.0;
    return r;
  };
  const Eigen::Index n = a.rows();
  const Eigen::MatrixXd id = Eigen::MatrixXd::Identity(n, n);
  Eigen::MatrixXd op;
  switch (kind) {
    case OperatorKind::Adjacency: op = a; break;
    case OperatorKind::SymNormalized: op = inv(dout, 0.5).asDiagonal() * a * inv(din, 0.5).asDiagonal(); break;
    case OperatorKind::RandomWalk: op = inv(dout, 1).asDiagonal() * a; break;
    case OperatorKind::Laplacian: op = Eigen::MatrixXd(dout.asDiagonal()) - a; break;
    case OperatorKind::SymLaplacian: op = id - inv(dout, 0.5).asDiagonal() * a * inv(din, 0.5).asDiagonal(); break;
    case OperatorKind::RandomWalkLaplacian: op = id - inv(dout, 1).asDiagonal() * a; break;
  }
  if (transpose) op.transposeInPlace();
  return op + shift * id;
}

Eigen::MatrixXd dense_operator(const Graph& g, OperatorKind kind, bool transpose, double tau, double shift) {
  return dense_operator(dense_adjacency(g), kind, transpose, tau, shift);
}

PlantedGraph weighted_digraph() {
  // An SBM digraph with a few isolated nodes and random weights: exercises every scaling path.
  PlantedGraph p = stochastic_block_model({{40, 30, 3}, 0.2, 0.05, true, {}, 11});
  EdgeList e;
  Rng rng(5);
  for (NodeId u = 0; u < p.graph.num_nodes(); ++u)
    p.graph.for_each_out(u, [&](NodeId v, Weight) {
      e.sources.push_back(u);
      e.targets.push_back(v);
      e.weights.push_back(static_cast<Weight>(0.5 + rng.uniform()));
    });
  e.num_nodes = p.graph.num_nodes() + 2;
  p.graph = build_graph(e, {.directed = true});
  return p;
}

}  // namespace

class OperatorMatchesDense : public ::testing::TestWithParam<std::tuple<OperatorKind, bool, bool>> {};

TEST_P(OperatorMatchesDense, SpmvAndSpmm) {
  const auto [kind, transpose, directed] = GetParam();
  const Graph g = directed ? weighted_digraph().graph : stochastic_block_model({{30, 30}, 0.2, 0.05, false, {}, 2}).graph;
  for (double tau : {0.0, 1.5}) {
    const OperatorOptions o{kind, transpose, tau, 0.25};
    const Eigen::MatrixXd reference = dense_operator(g, kind, transpose, tau, 0.25);
    const GraphOperator<double> op(g, o);
    Rng rng(1);
    Eigen::VectorXd x(g.num_nodes());
    for (auto& v : x) v = rng.uniform() - 0.5;
    Eigen::VectorXd y(g.num_nodes());
    op.apply(std::span<const double>(x.data(), x.size()), std::span<double>(y.data(), y.size()));
    EXPECT_LT((y - reference * x).norm(), 1e-12 * (1 + x.norm()));
    ASSERT_TRUE(y.allFinite());

    DenseBlock<double> xb(g.num_nodes(), 5), yb;
    for (Eigen::Index i = 0; i < xb.size(); ++i) xb.data()[i] = rng.uniform();
    op.apply_block(xb, yb);
    EXPECT_LT((Eigen::MatrixXd(yb) - reference * Eigen::MatrixXd(xb)).norm(), 1e-11);

    const GraphOperator<float> opf(g, o);
    DenseBlock<float> xf = xb.cast<float>(), yf;
    opf.apply_block(xf, yf);
    EXPECT_LT((yf.cast<double>() - Eigen::MatrixXd(reference * Eigen::MatrixXd(xb))).norm(), 1e-4);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, OperatorMatchesDense,
    ::testing::Combine(::testing::Values(OperatorKind::Adjacency, OperatorKind::SymNormalized, OperatorKind::RandomWalk,
                                         OperatorKind::Laplacian, OperatorKind::SymLaplacian,
                                         OperatorKind::RandomWalkLaplacian),
                       ::testing::Bool(), ::testing::Bool()));

TEST(Operator, IsolatedNodesGiveZerosNotNaN) {
  EdgeList e;
  e.sources = {0};
  e.targets = {1};
  e.num_nodes = 3;
  const Graph g = build_graph(e);
  const GraphOperator<double> op(g, {OperatorKind::SymNormalized});
  std::vector<double> x{1, 1, 1}, y(3);
  op.apply(x, y);
  EXPECT_EQ(y[2], 0.0);
  EXPECT_DOUBLE_EQ(y[0], 1.0);
  EXPECT_THROW(op.apply(std::vector<double>(2), y), InvalidArgument);
  EXPECT_THROW(GraphOperator<double>(g, {OperatorKind::SymNormalized, false, -1.0}), InvalidArgument);
}

TEST(Kernels, BitIdenticalForOneAndTwoThreads) {
  const PlantedGraph p = stochastic_block_model({{20000, 20000}, 0.002, 0.0005, false, {}, 9});
  std::vector<double> x(p.graph.num_nodes());
  Rng rng(3);
  for (auto& v : x) v = rng.uniform();
  DenseBlock<double> xb(p.graph.num_nodes(), 8);
  for (Eigen::Index i = 0; i < xb.size(); ++i) xb.data()[i] = rng.uniform();
  struct Out {
    std::vector<double> y;
    DenseBlock<double> yb, gram;
    double d, s;
    KMeansResult km;
  };
  auto run = [&](int threads) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, threads);
    Out o;
    o.y.resize(x.size());
    GraphOperator<double>(p.graph, {OperatorKind::SymNormalized}).apply(x, o.y);
    GraphOperator<double>(p.graph, {OperatorKind::RandomWalk}).apply_block(xb, o.yb);
    o.gram = transpose_product(o.yb, xb);
    o.d = dot<double>(x, o.y);
    o.s = sum<double>(o.y);
    o.km = kmeans(o.yb, {4, 2, 50, 1e-4, 5});
    return o;
  };
  const Out a = run(1), b = run(2);
  EXPECT_EQ(a.y, b.y);
  EXPECT_TRUE(a.yb == b.yb);
  EXPECT_TRUE(a.gram == b.gram);
  EXPECT_EQ(a.d, b.d);
  EXPECT_EQ(a.s, b.s);
  EXPECT_EQ(a.km.labels, b.km.labels);
  EXPECT_EQ(a.km.inertia, b.km.inertia);
}

TEST(Reductions, MatchSimpleLoops) {
  std::vector<double> x(30000), y(30000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = std::sin(i * 0.1);
    y[i] = std::cos(i * 0.3);
  }
  double d = 0, s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    d += x[i] * y[i];
    s += x[i];
  }
  EXPECT_NEAR(dot<double>(x, y), d, 1e-9);
  EXPECT_NEAR(sum<double>(x), s, 1e-9);
  EXPECT_NEAR(norm2<double>(x), std::sqrt(dot<double>(x, x)), 1e-12);
  std::vector<double> z = y;
  axpy<double>(2.0, x, z);
  EXPECT_DOUBLE_EQ(z[7], y[7] + 2 * x[7]);
  scale<double>(0.5, z);
  EXPECT_DOUBLE_EQ(z[7], 0.5 * (y[7] + 2 * x[7]));
  EXPECT_THROW(dot<double>(x, std::vector<double>(3)), InvalidArgument);

  DenseBlock<double> a = DenseBlock<double>::Random(20000, 3), w = DenseBlock<double>::Random(3, 4);
  EXPECT_LT((transpose_product(a, a) - Eigen::MatrixXd(a.transpose() * a)).norm(), 1e-8);
  EXPECT_LT((block_product(a, w) - Eigen::MatrixXd(a * w)).norm(), 1e-10);
  DenseBlock<double> r(2, 2);
  r << 3, 4, 0, 0;
  normalize_rows(r);
  EXPECT_DOUBLE_EQ(r(0, 0), 0.6);
  EXPECT_EQ(r(1, 1), 0.0);
  DenseBlock<float> soft(3, 3);
  soft << 0.1f, 0.7f, 0.2f, 0.5f, 0.5f, 0.0f, 0.0f, 0.1f, 0.9f;
  EXPECT_EQ(argmax_rows(soft), (std::vector<std::int32_t>{1, 0, 2}));
}

TEST(KMeans, RecoversSeparatedBlobsAndValidatesInput) {
  Rng rng(4);
  DenseBlock<double> x(600, 2);
  std::vector<std::int32_t> truth(600);
  const double centers[3][2] = {{0, 0}, {10, 0}, {0, 10}};
  for (int i = 0; i < 600; ++i) {
    truth[i] = i % 3;
    x(i, 0) = centers[i % 3][0] + rng.normal();
    x(i, 1) = centers[i % 3][1] + rng.normal();
  }
  const KMeansResult r = kmeans(x, {3, 5, 100, 1e-4, 1});
  EXPECT_DOUBLE_EQ(adjusted_rand_index(truth, r.labels), 1.0);
  EXPECT_EQ(r.centroids.rows(), 3);
  EXPECT_GT(r.iterations, 0);
  // Same seed, same answer; the seed matters for the restarts only, not the optimum here.
  EXPECT_EQ(kmeans(x, {3, 5, 100, 1e-4, 1}).labels, r.labels);
  EXPECT_THROW(kmeans(x, {601, 1, 10, 1e-4, 0}), InvalidArgument);
  EXPECT_THROW(kmeans(x, {0, 1, 10, 1e-4, 0}), InvalidArgument);
  x(5, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(kmeans(x, {3, 1, 10, 1e-4, 0}), InvalidArgument);
}

TEST(KMeans, DuplicatePointsStayFinite) {
  DenseBlock<double> x = DenseBlock<double>::Zero(10, 2);
  x(9, 0) = 1;
  const KMeansResult r = kmeans(x, {3, 2, 20, 1e-4, 0});
  for (auto l : r.labels) EXPECT_TRUE(l >= 0 && l < 3);
  EXPECT_TRUE(r.centroids.allFinite());
}

TEST(Operator, SymmetrizeActsOnAPlusATransposeWithoutACopy) {
  const Graph g = weighted_digraph().graph;
  const Eigen::MatrixXd a = dense_adjacency(g), at = a.transpose(), s = a + at;
  std::size_t reciprocated = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) reciprocated += a.data()[i] != 0 && at.data()[i] != 0;
  ASSERT_GT(reciprocated, 0u);  // pairs of opposite arcs, which A + A^T adds up
  for (auto kind : {OperatorKind::Adjacency, OperatorKind::SymNormalized, OperatorKind::RandomWalk,
                    OperatorKind::Laplacian, OperatorKind::SymLaplacian, OperatorKind::RandomWalkLaplacian})
    for (bool transpose : {false, true})
      for (double tau : {0.0, 0.75}) {
        OperatorOptions o{kind, transpose, tau, 0.25};
        o.symmetrize = true;
        const Eigen::MatrixXd reference = dense_operator(s, kind, transpose, tau, 0.25);
        const GraphOperator<double> op(g, o);
        Rng rng(3);
        Eigen::VectorXd x(g.num_nodes()), y(g.num_nodes());
        for (auto& v : x) v = rng.uniform() - 0.5;
        op.apply(std::span<const double>(x.data(), x.size()), std::span<double>(y.data(), y.size()));
        EXPECT_LT((y - reference * x).norm(), 1e-10 * (1 + x.norm())) << static_cast<int>(kind) << transpose << tau;
        DenseBlock<double> xb(g.num_nodes(), 3), yb;
        for (Eigen::Index i = 0; i < xb.size(); ++i) xb.data()[i] = rng.uniform();
        op.apply_block(xb, yb);
        EXPECT_LT((Eigen::MatrixXd(yb) - reference * Eigen::MatrixXd(xb)).norm(), 1e-10) << static_cast<int>(kind);
      }
  // On an undirected graph the symmetric view is A itself: the same bits as without the flag.
  const Graph u = stochastic_block_model({{30, 30}, 0.2, 0.05, false, {}, 2}).graph;
  OperatorOptions plain{OperatorKind::SymNormalized, false, 0.5, 1.0}, sym = plain;
  sym.symmetrize = true;
  std::vector<double> x(u.num_nodes()), y1(x.size()), y2(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(1.0 + i);
  GraphOperator<double>(u, plain).apply(x, y1);
  GraphOperator<double>(u, sym).apply(x, y2);
  EXPECT_EQ(y1, y2);
}
