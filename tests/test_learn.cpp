// The training engine (learn/) and the kernels it added: scaled self-loops, strided SpMM, arc-value
// operators, dense-block kernels, float k-means and the counter-based random stream.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <vector>

#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/kernels/arcs.hpp"
#include "graphclust/kernels/dense.hpp"
#include "graphclust/kernels/kmeans.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/kernels/reduce.hpp"
#include "graphclust/learn/learn.hpp"

using namespace graphclust;
using learn::Parameter;
using learn::Tape;
using learn::Var;
using VarD = Var<double>;
using TapeD = Tape<double>;

namespace {

/// A small random graph: ~`degree` arcs per node, optional weights, one self-loop, one isolated node.
Graph random_graph(bool directed, bool weighted, NodeId n = 12, int degree = 3, std::uint64_t seed = 1) {
  Rng rng(seed);
  EdgeList e;
  for (NodeId u = 0; u + 1 < n; ++u)
    for (int d = 0; d < degree; ++d) {
      const NodeId v = static_cast<NodeId>(rng.below(n - 1));
      if (v == u) continue;
      e.sources.push_back(u);
      e.targets.push_back(v);
      if (weighted) e.weights.push_back(static_cast<Weight>(0.5 + rng.uniform()));
    }
  e.sources.push_back(2);
  e.targets.push_back(2);
  if (weighted) e.weights.push_back(0.75f);
  e.num_nodes = n;  // node n - 1 stays isolated
  return build_graph(e, {.directed = directed});
}

Eigen::MatrixXd dense_adjacency(const Graph& g) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(g.num_nodes(), g.num_nodes());
  for (NodeId u = 0; u < g.num_nodes(); ++u) g.for_each_out(u, [&](NodeId v, Weight w) { a(u, v) = w; });
  return a;
}

template <class T = double>
DenseBlock<T> random_block(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, double scale = 1.0) {
  DenseBlock<T> m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<T>(scale * normal(seed, 7, static_cast<std::uint64_t>(i)));
  return m;
}

Parameter<double> random_parameter(const std::string& name, Eigen::Index rows, Eigen::Index cols, std::uint64_t seed,
                                   double scale = 1.0) {
  Parameter<double> p(name, rows, cols);
  p.value = random_block(rows, cols, seed, scale);
  return p;
}

/// <Y, C> for a fixed random C of Y's shape: a scalar whose gradient w.r.t. Y is C, so every entry
/// of an op's output is weighted differently.
VarD probe(VarD y) {
  Tape<double>& t = y.tape();
  return learn::sum(learn::mul(y, t.constant_copy(random_block(y.rows(), y.cols(), 991 + 31 * y.rows() + y.cols()))));
}

void expect_gradients(const std::function<VarD(TapeD&)>& loss, std::vector<Parameter<double>*> params,
                      double tolerance = 1e-6) {
  learn::GradCheckOptions o;
  o.tolerance = tolerance;
  const learn::GradCheckResult r = learn::check_gradients(loss, params, o);
  EXPECT_TRUE(r.ok) << "max relative error " << r.max_error << " at " << r.worst;
  EXPECT_GT(r.checked, 0);
}

Eigen::MatrixXd to_dense(const DenseBlock<double>& m) { return Eigen::MatrixXd(m); }

bool same_bits(const DenseBlock<float>& a, const DenseBlock<float>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

// ================================ kernels ========================================================

TEST(KernelRandom, CounterStreamIsStatelessAndWellSpread) {
  EXPECT_EQ(uniform(3, 4, 5), uniform(3, 4, 5));
  EXPECT_NE(uniform(3, 4, 5), uniform(3, 5, 5));
  EXPECT_NE(uniform(3, 4, 5), uniform(4, 4, 5));
  EXPECT_NE(uniform(3, 4, 5), uniform(3, 4, 6));
  double s = 0, s2 = 0, ns = 0, ns2 = 0;
  const int count = 200000;
  for (int i = 0; i < count; ++i) {
    const double u = uniform(11, 0, i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    s += u;
    s2 += u * u;
    const double z = normal(11, 0, i);
    ASSERT_TRUE(std::isfinite(z));
    ns += z;
    ns2 += z * z;
  }
  EXPECT_NEAR(s / count, 0.5, 0.005);
  EXPECT_NEAR(s2 / count - 0.25, 1.0 / 12, 0.003);
  EXPECT_NEAR(ns / count, 0.0, 0.01);
  EXPECT_NEAR(ns2 / count, 1.0, 0.02);
}

class KernelSelfLoops : public ::testing::TestWithParam<std::tuple<OperatorKind, bool, bool>> {};

TEST_P(KernelSelfLoops, DegreesIncludeTheLoopWeight) {
  const auto [kind, transpose, directed] = GetParam();
  const Graph g = random_graph(directed, true, 14, 3, 5);
  const Eigen::Index n = g.num_nodes();
  for (double w : {0.5, 1.0}) {
    for (double tau : {0.0, 0.25}) {
      // Reference: the dense operator of A + wI with every degree computed from A + wI.
      const Eigen::MatrixXd a = dense_adjacency(g) + w * Eigen::MatrixXd::Identity(n, n);
      const Eigen::VectorXd dout = a.rowwise().sum(), din = a.colwise().sum().transpose();
      auto inv = [&](const Eigen::VectorXd& d, double power) {
        Eigen::VectorXd r(d.size());
        for (Eigen::Index i = 0; i < d.size(); ++i) r(i) = d(i) + tau > 0 ? std::pow(d(i) + tau, -power) : 0.0;
        return r;
      };
      const Eigen::MatrixXd id = Eigen::MatrixXd::Identity(n, n);
      Eigen::MatrixXd op;
      switch (kind) {
        case OperatorKind::Adjacency: op = a; break;
        case OperatorKind::SymNormalized: op = inv(dout, 0.5).asDiagonal() * a * inv(din, 0.5).asDiagonal(); break;
        case OperatorKind::RandomWalk: op = inv(dout, 1).asDiagonal() * a; break;
        case OperatorKind::Laplacian: op = Eigen::MatrixXd(dout.asDiagonal()) - a; break;
        case OperatorKind::SymLaplacian: op = id - inv(dout, 0.5).asDiagonal() * a * inv(din, 0.5).asDiagonal(); break;
        case OperatorKind::RandomWalkLaplacian: op = id - inv(dout, 1).asDiagonal() * a; break;
        default: GTEST_SKIP() << "kind without a dense reference here";
      }
      if (transpose) op.transposeInPlace();
      OperatorOptions o;
      o.kind = kind;
      o.transpose = transpose;
      o.degree_regularization = tau;
      o.self_loop_weight = w;
      const GraphOperator<double> gop(g, o);
      const DenseBlock<double> x = random_block(n, 3, 2);
      DenseBlock<double> y;
      gop.apply_block(x, y);
      EXPECT_LT((to_dense(y) - op * to_dense(x)).norm(), 1e-12) << "w=" << w << " tau=" << tau;
      Eigen::VectorXd xv = to_dense(x).col(0), yv(n);
      gop.apply(std::span<const double>(xv.data(), n), std::span<double>(yv.data(), n));
      EXPECT_LT((yv - op * xv).norm(), 1e-12);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernel, KernelSelfLoops,
                         ::testing::Combine(::testing::Values(OperatorKind::Adjacency, OperatorKind::SymNormalized,
                                                              OperatorKind::RandomWalk, OperatorKind::Laplacian,
                                                              OperatorKind::SymLaplacian,
                                                              OperatorKind::RandomWalkLaplacian),
                                            ::testing::Bool(), ::testing::Bool()));

TEST(KernelOperator, SelfLoopWeightIsValidated) {
  const Graph g = random_graph(false, false);
  OperatorOptions o;
  o.self_loop_weight = -1;
  EXPECT_THROW(GraphOperator<double>(g, o), InvalidArgument);
  o.self_loop_weight = std::nan("");
  EXPECT_THROW(GraphOperator<double>(g, o), InvalidArgument);
}

TEST(KernelOperator, StridedAxpbyOnColumnBlocks) {
  const Graph g = random_graph(true, true, 20, 4, 3);
  const Eigen::Index n = g.num_nodes();
  OperatorOptions o;
  o.kind = OperatorKind::SymNormalized;
  o.self_loop_weight = 0.5;
  const GraphOperator<double> op(g, o);
  const DenseBlock<double> x = random_block(n, 7, 4);
  DenseBlock<double> full;
  op.apply_block(x, full);
  const DenseBlock<double> y0 = random_block(n, 9, 5);
  DenseBlock<double> y = y0;
  // Y[:, 4:7] = 0.5 * Op X[:, 2:5] - 2 Y[:, 4:7]
  op.apply_strided(x.data() + 2, 7, y.data() + 4, 9, 3, 0.5, -2.0);
  const Eigen::MatrixXd expected = 0.5 * to_dense(full).middleCols(2, 3) - 2.0 * to_dense(y0).middleCols(4, 3);
  EXPECT_LT((to_dense(y).middleCols(4, 3) - expected).norm(), 1e-12);
  EXPECT_EQ(to_dense(y).leftCols(4), to_dense(y0).leftCols(4));
  EXPECT_EQ(to_dense(y).rightCols(2), to_dense(y0).rightCols(2));
  // beta = 0 must not read Y (NaN garbage stays out).
  DenseBlock<double> z = DenseBlock<double>::Constant(n, 3, std::nan(""));
  op.apply_strided(x.data() + 2, 7, z.data(), 3, 3);
  EXPECT_EQ(to_dense(z), to_dense(full).middleCols(2, 3));
  EXPECT_THROW(op.apply_strided(x.data(), 2, z.data(), 3, 3), InvalidArgument);
}

TEST(KernelArcs, ApplyTransposeAndGradientsMatchDense) {
  for (bool directed : {false, true}) {
    const Graph g = random_graph(directed, true, 15, 3, 8);
    const Eigen::Index n = g.num_nodes();
    const ArcOperator<double> arcs(g);
    ASSERT_EQ(arcs.num_arcs(), g.num_arcs());
    const std::size_t m = arcs.num_arcs();
    // The map pairs each in-CSR position with the same arc in the out-CSR.
    for (NodeId j = 0; j < g.num_nodes(); ++j)
      for (EdgeOffset p = g.in().offsets[j]; p < g.in().offsets[j + 1]; ++p) {
        const EdgeOffset e = arcs.in_to_out()[p];
        const NodeId i = g.in().targets[p];
        ASSERT_TRUE(e >= g.out().offsets[i] && e < g.out().offsets[i + 1]);
        ASSERT_EQ(g.out().targets[e], j);
      }
    std::vector<double> values(m);
    for (std::size_t e = 0; e < m; ++e) values[e] = uniform(1, 2, e) - 0.3;
    Eigen::MatrixXd v = Eigen::MatrixXd::Zero(n, n);
    for (NodeId i = 0; i < g.num_nodes(); ++i)
      for (EdgeOffset e = g.out().offsets[i]; e < g.out().offsets[i + 1]; ++e) v(i, g.out().targets[e]) = values[e];
    const DenseBlock<double> x = random_block(n, 4, 9), dy = random_block(n, 4, 10);
    for (bool transpose : {false, true}) {
      const Eigen::MatrixXd vt = transpose ? Eigen::MatrixXd(v.transpose()) : v;
      DenseBlock<double> y(n, 4);
      arcs.apply(values, x.data(), 4, y.data(), 4, 4, 1.0, 0.0, transpose);
      EXPECT_LT((to_dense(y) - vt * to_dense(x)).norm(), 1e-12);
      // dvalues_e = <dY_i, X_j> (transpose: <dY_j, X_i>) = d <dY, V X> / d V_ij
      std::vector<double> dv(m);
      arcs.values_gradient(dy.data(), 4, x.data(), 4, 4, dv, 1.0, transpose, false);
      const Eigen::MatrixXd full = transpose ? Eigen::MatrixXd(to_dense(x) * to_dense(dy).transpose())
                                             : Eigen::MatrixXd(to_dense(dy) * to_dense(x).transpose());
      for (NodeId i = 0; i < g.num_nodes(); ++i)
        for (EdgeOffset e = g.out().offsets[i]; e < g.out().offsets[i + 1]; ++e)
          EXPECT_NEAR(dv[e], full(i, g.out().targets[e]), 1e-12);
      std::vector<double> sums(n);
      arcs.row_sums(values, sums, transpose);
      for (Eigen::Index i = 0; i < n; ++i) EXPECT_NEAR(sums[i], vt.row(i).sum(), 1e-12);
    }
    for (ArcFunction f : {ArcFunction::Dot, ArcFunction::L1Distance, ArcFunction::SquaredDistance}) {
      std::vector<double> out(m);
      arcs.compute(f, x.data(), 4, 4, out);
      for (NodeId i = 0; i < g.num_nodes(); ++i)
        for (EdgeOffset e = g.out().offsets[i]; e < g.out().offsets[i + 1]; ++e) {
          const auto xi = x.row(i), xj = x.row(g.out().targets[e]);
          const double expected = f == ArcFunction::Dot                ? xi.dot(xj)
                                  : f == ArcFunction::L1Distance      ? (xi - xj).cwiseAbs().sum()
                                                                      : (xi - xj).squaredNorm();
          EXPECT_NEAR(out[e], expected, 1e-12);
        }
    }
  }
}

TEST(KernelDense, RowKernelsMatchNaiveLoops) {
  const DenseBlock<double> x = random_block(37, 5, 3, 3.0);
  DenseBlock<double> s, ls;
  softmax_rows(x, s);
  log_softmax_rows(x, ls);
  std::vector<double> lse(37), norms(37);
  logsumexp_rows(x, std::span<double>(lse));
  row_norms(x, std::span<double>(norms));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double total = x.row(i).array().exp().sum();
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      EXPECT_NEAR(s(i, c), std::exp(x(i, c)) / total, 1e-14);
      EXPECT_NEAR(ls(i, c), x(i, c) - std::log(total), 1e-13);
    }
    EXPECT_NEAR(lse[i], std::log(total), 1e-13);
    EXPECT_NEAR(norms[i], x.row(i).norm(), 1e-14);
  }
  // Large logits do not overflow.
  DenseBlock<float> big(1, 2);
  big << 1000.f, 999.f;
  DenseBlock<float> sb;
  softmax_rows(big, sb);
  EXPECT_TRUE(sb.allFinite());
  EXPECT_NEAR(sb(0, 0), 1 / (1 + std::exp(-1.0)), 1e-6);

  const std::vector<double> cs = column_sums(x);
  for (Eigen::Index c = 0; c < x.cols(); ++c) EXPECT_NEAR(cs[c], x.col(c).sum(), 1e-12);

  std::vector<double> act(x.data(), x.data() + x.size()), out(act.size());
  activate<double>(Activation::Elu, act, out);
  for (std::size_t i = 0; i < act.size(); ++i) EXPECT_DOUBLE_EQ(out[i], act[i] > 0 ? act[i] : std::expm1(act[i]));
  activate<double>(Activation::Sigmoid, act, out);
  for (std::size_t i = 0; i < act.size(); ++i) EXPECT_NEAR(out[i], 1 / (1 + std::exp(-act[i])), 1e-15);
}

TEST(KernelDense, ColumnRankBreaksTiesByRow) {
  DenseBlock<double> x(5, 2);
  x << 0.1, 3, 0.5, 3, 0.5, 1, 0.2, 2, 0.9, 3;
  const ColumnRank<double> r1 = column_kth_largest(x, 1);
  EXPECT_EQ(r1.values[0], 0.5);
  EXPECT_EQ(r1.rows[0], 1);  // rows 1 and 2 tie; the lower row ranks first
  EXPECT_EQ(r1.values[1], 3);
  EXPECT_EQ(r1.rows[1], 1);
  const ColumnRank<double> r2 = column_kth_largest(x, 2);
  EXPECT_EQ(r2.rows[0], 2);
  EXPECT_EQ(r2.rows[1], 4);
  EXPECT_THROW(column_kth_largest(x, 5), InvalidArgument);
}

TEST(KernelDense, TiledProductsMatchEigen) {
  const DenseBlock<double> a = random_block(700, 6, 1), w = random_block(6, 3, 2), b = random_block(4, 6, 3);
  DenseBlock<double> c;
  product_into(a, w, c);
  EXPECT_LT((to_dense(c) - to_dense(a) * to_dense(w)).norm(), 1e-12);
  DenseBlock<double> ct;
  product_into(a, b, ct, false, true);
  EXPECT_LT((to_dense(ct) - to_dense(a) * to_dense(b).transpose()).norm(), 1e-12);
}

TEST(KernelDense, ProductValidatesAndAccumulates) {
  const DenseBlock<double> a = random_block(300, 6, 1), w = random_block(6, 4, 2), b = random_block(4, 6, 3);
  DenseBlock<double> c = random_block(300, 4, 4);
  const DenseBlock<double> c0 = c;
  product_into(a, w, c, true);
  EXPECT_LT((to_dense(c) - to_dense(c0) - to_dense(a) * to_dense(w)).norm(), 1e-12);
  DenseBlock<double> s = similarity(a, b);
  EXPECT_LT((to_dense(s) - to_dense(a) * to_dense(b).transpose()).norm(), 1e-12);
  DenseBlock<double> wrong(3, 3);
  EXPECT_THROW(product_into(a, w, wrong, true), InvalidArgument);
  EXPECT_THROW(product_into(a, b, c), InvalidArgument);
}

TEST(KernelKMeans, FloatBlocksClusterLikeTheirDoubleImage) {
  DenseBlock<float> pf(90, 2);
  for (Eigen::Index i = 0; i < pf.rows(); ++i) {
    pf(i, 0) = static_cast<float>(3.0 * (i % 3) + 0.3 * normal(1, 0, i));
    pf(i, 1) = static_cast<float>(-2.0 * (i % 3) + 0.3 * normal(1, 1, i));
  }
  KMeansOptions o;
  o.k = 3;
  o.seed = 4;
  const KMeansResult rf = kmeans(pf, o);
  const KMeansResult rd = kmeans(DenseBlock<double>(pf.cast<double>()), o);
  EXPECT_EQ(rf.labels, rd.labels);
  EXPECT_EQ(rf.inertia, rd.inertia);
  EXPECT_EQ(to_dense(rf.centroids), to_dense(rd.centroids));
  for (Eigen::Index i = 3; i < pf.rows(); ++i) EXPECT_EQ(rf.labels[i], rf.labels[i % 3]);
  pf(5, 1) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(kmeans(pf, o), InvalidArgument);
}

// ================================ tape ===========================================================

TEST(LearnTape, ValuesBackwardAndBufferReuse) {
  Parameter<double> w = random_parameter("w", 3, 2, 1);
  const DenseBlock<double> x = random_block(5, 3, 2);
  TapeD tape;
  const double* first_buffer = nullptr;
  for (int pass = 0; pass < 3; ++pass) {
    tape.clear();
    VarD y = learn::matmul(tape.constant(x), tape.parameter(w));
    VarD loss = learn::sum_squares(y);
    EXPECT_EQ(tape.size(), 4u);
    if (pass == 0) first_buffer = y.value().data();
    EXPECT_EQ(y.value().data(), first_buffer) << "a cleared tape reuses its buffers";
    EXPECT_NEAR(loss.item(), (to_dense(x) * to_dense(w.value)).squaredNorm(), 1e-12);
    w.grad.setZero(3, 2);
    tape.backward(loss);
    const Eigen::MatrixXd expected = 2 * to_dense(x).transpose() * (to_dense(x) * to_dense(w.value));
    EXPECT_LT((to_dense(w.grad) - expected).norm(), 1e-12);
    EXPECT_LT((to_dense(tape.grad(y)) - 2 * to_dense(y.value())).norm(), 1e-12);
  }
  // Gradients accumulate across backward calls until zeroed, as in torch.
  const DenseBlock<double> once = w.grad;
  tape.clear();
  tape.backward(learn::sum_squares(learn::matmul(tape.constant(x), tape.parameter(w))));
  EXPECT_LT((to_dense(w.grad) - 2 * to_dense(once)).norm(), 1e-12);
}

TEST(LearnTape, RejectsMisuse) {
  TapeD tape, other;
  Parameter<double> w = random_parameter("w", 3, 2, 1);
  VarD a = tape.parameter(w);
  VarD b = other.parameter(w);
  EXPECT_THROW(learn::add(a, b), InvalidArgument);
  EXPECT_THROW(tape.backward(a), InvalidArgument);  // not 1 x 1
  tape.clear();
  EXPECT_THROW((void)a.value(), InvalidArgument);   // cleared
  EXPECT_THROW((void)a.item(), InvalidArgument);
}

TEST(LearnTape, CustomOpThroughRecord) {
  // The extension seam: an op written outside learn/ with Tape::record (y = x^3).
  auto cube = [](VarD x) {
    TapeD& t = x.tape();
    VarD y = t.record({x}, [x](TapeD& t, VarD self) {
      t.accumulate_grad(x).array() += 3 * t.value(x).array().square() * t.grad(self).array();
    });
    t.mutable_value(y) = x.value().array().cube().matrix();
    return y;
  };
  Parameter<double> p = random_parameter("p", 4, 3, 2);
  expect_gradients([&](TapeD& t) { return probe(cube(t.parameter(p))); }, {&p});
}

TEST(LearnTape, GradCheckCatchesAWrongBackward) {
  // A backward off by 0.1% in one entry must fail the check: the tests below are not vacuous.
  auto almost_square = [](VarD x) {
    TapeD& t = x.tape();
    VarD y = t.record({x}, [x](TapeD& t, VarD self) {
      DenseBlock<double>& dx = t.accumulate_grad(x);
      dx.array() += 2 * t.value(x).array() * t.grad(self).array();
      dx(1, 1) += 0.001 * 2 * t.value(x)(1, 1) * t.grad(self)(1, 1);
    });
    t.mutable_value(y) = x.value().array().square().matrix();
    return y;
  };
  Parameter<double> p = random_parameter("p", 3, 3, 2);
  const learn::GradCheckResult r = learn::check_gradients([&](TapeD& t) { return probe(almost_square(t.parameter(p))); }, {&p});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.worst.find("p[1, 1]"), std::string::npos) << r.worst;
  EXPECT_EQ(r.checked, 9);
  learn::GradCheckOptions sample;
  sample.max_entries = 4;
  EXPECT_EQ(learn::check_gradients([&](TapeD& t) { return probe(learn::square(t.parameter(p))); }, {&p}, sample).checked, 4);
}

// ================================ gradients of every op ==========================================

TEST(LearnGrad, Products) {
  Parameter<double> a = random_parameter("a", 9, 4, 1), w = random_parameter("w", 4, 3, 2);
  Parameter<double> b = random_parameter("b", 9, 3, 3), c = random_parameter("c", 5, 4, 4);
  Parameter<double> bias = random_parameter("bias", 1, 3, 5), s = random_parameter("s", 9, 1, 6);
  expect_gradients([&](TapeD& t) { return probe(learn::matmul(t.parameter(a), t.parameter(w))); }, {&a, &w});
  expect_gradients([&](TapeD& t) { return probe(learn::matmul_tn(t.parameter(a), t.parameter(b))); }, {&a, &b});
  expect_gradients([&](TapeD& t) { return probe(learn::matmul_nt(t.parameter(a), t.parameter(c))); }, {&a, &c});
  expect_gradients([&](TapeD& t) { return probe(learn::add_bias(t.parameter(b), t.parameter(bias))); }, {&b, &bias});
  expect_gradients([&](TapeD& t) { return probe(learn::scale_rows(t.parameter(a), t.parameter(s))); }, {&a, &s});
  expect_gradients(
      [&](TapeD& t) {
        VarD pa = t.parameter(a);
        return probe(learn::concat_cols({pa, t.parameter(b), pa}));
      },
      {&a, &b});
  expect_gradients([&](TapeD& t) { return probe(learn::slice_cols(t.parameter(a), 1, 2)); }, {&a});
}

TEST(LearnGrad, Propagation) {
  for (bool directed : {false, true}) {
    const Graph g = random_graph(directed, true, 13, 3, directed ? 21 : 22);
    Parameter<double> x = random_parameter("x", g.num_nodes(), 3, 7);
    for (OperatorKind kind : {OperatorKind::Adjacency, OperatorKind::SymNormalized, OperatorKind::RandomWalk}) {
      for (bool transpose : {false, true}) {
        OperatorOptions o;
        o.kind = kind;
        o.transpose = transpose;
        o.self_loop_weight = kind == OperatorKind::Adjacency ? 0.0 : 0.5;
        const learn::Propagator<double> p(g, o);
        // Two hops so that the backward's transposed operator is exercised on a non-trivial dY.
        expect_gradients([&](TapeD& t) { return probe(learn::propagate(learn::propagate(t.parameter(x), p), p)); },
                         {&x});
      }
    }
  }
}

TEST(LearnGrad, ArcValuesAndArcPropagation) {
  for (bool directed : {false, true}) {
    const Graph g = random_graph(directed, true, 12, 3, directed ? 31 : 32);
    const ArcOperator<double> arcs(g);
    const Eigen::Index n = g.num_nodes();
    Parameter<double> x = random_parameter("x", n, 3, 8);
    Parameter<double> vals = random_parameter("values", static_cast<Eigen::Index>(arcs.num_arcs()), 1, 9);
    for (ArcFunction f : {ArcFunction::Dot, ArcFunction::L1Distance, ArcFunction::SquaredDistance})
      expect_gradients([&](TapeD& t) { return probe(learn::arc_values(t.parameter(x), f, arcs)); }, {&x});
    for (bool transpose : {false, true}) {
      expect_gradients(
          [&](TapeD& t) { return probe(learn::arc_propagate(t.parameter(vals), t.parameter(x), arcs, transpose)); },
          {&vals, &x});
      expect_gradients([&](TapeD& t) { return probe(learn::arc_row_sums(t.parameter(vals), arcs, transpose)); },
                       {&vals});
    }
  }
}

TEST(LearnGrad, Elementwise) {
  Parameter<double> a = random_parameter("a", 6, 4, 1), b = random_parameter("b", 6, 4, 2);
  auto pa = [&](TapeD& t) { return t.parameter(a); };
  auto pb = [&](TapeD& t) { return t.parameter(b); };
  expect_gradients([&](TapeD& t) { return probe(learn::add(pa(t), pb(t))); }, {&a, &b});
  expect_gradients([&](TapeD& t) { return probe(learn::sub(pa(t), pb(t))); }, {&a, &b});
  expect_gradients([&](TapeD& t) { return probe(learn::mul(pa(t), pb(t))); }, {&a, &b});
  expect_gradients([&](TapeD& t) { return probe(learn::div(pa(t), learn::add_scalar(learn::square(pb(t)), 0.5))); },
                   {&a, &b});
  expect_gradients([&](TapeD& t) { return probe(learn::axpby(0.3, pa(t), -1.7, pb(t))); }, {&a, &b});
  expect_gradients([&](TapeD& t) { return probe(learn::scale(pa(t), -2.5)); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::square(pa(t))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::log(learn::add_scalar(learn::square(pa(t)), 0.1))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::exp(pa(t))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::abs(pa(t))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::clamp_min(pa(t), 0.2)); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::mul(pa(t), pa(t))); }, {&a});  // one input twice
  // detach: no gradient through the detached branch.
  TapeD tape;
  a.grad.setZero(6, 4);
  tape.backward(learn::sum(learn::mul(learn::detach(tape.parameter(a)), tape.constant_copy(random_block(6, 4, 3)))));
  EXPECT_EQ(a.grad.squaredNorm(), 0.0);
}

TEST(LearnGrad, Activations) {
  Parameter<double> a = random_parameter("a", 7, 5, 4, 2.0);
  for (Activation act : {Activation::Identity, Activation::Relu, Activation::Elu, Activation::Tanh, Activation::Sigmoid})
    expect_gradients([&](TapeD& t) { return probe(learn::activation(t.parameter(a), act)); }, {&a});
}

TEST(LearnGrad, LearnedScalarWeights) {
  Parameter<double> x0 = random_parameter("x0", 6, 3, 1), x1 = random_parameter("x1", 6, 3, 2);
  Parameter<double> x2 = random_parameter("x2", 6, 3, 3), w = random_parameter("w", 1, 3, 4);
  Parameter<double> s = random_parameter("s", 1, 1, 5);
  expect_gradients(
      [&](TapeD& t) {
        const VarD xs[] = {t.parameter(x0), t.parameter(x1), t.parameter(x2)};
        return probe(learn::weighted_sum<double>(xs, t.parameter(w)));
      },
      {&x0, &x1, &x2, &w});
  expect_gradients([&](TapeD& t) { return probe(learn::mul_scalar(t.parameter(x0), t.parameter(s))); }, {&x0, &s});
}

TEST(LearnGrad, DropoutUsesOneMaskPerKey) {
  Parameter<double> a = random_parameter("a", 20, 6, 1);
  expect_gradients([&](TapeD& t) { return probe(learn::dropout(t.parameter(a), 0.4, true)); }, {&a});
  TapeD tape;
  const DenseBlock<double> x = DenseBlock<double>::Ones(200, 50);
  const DenseBlock<double> y = learn::dropout(tape.constant(x), 0.25, learn::RandomKey{3, 4}).value();
  const double kept = (y.array() != 0).cast<double>().mean();
  EXPECT_NEAR(kept, 0.75, 0.02);
  EXPECT_NEAR(y.maxCoeff(), 1 / 0.75, 1e-12);
  const DenseBlock<double> again = learn::dropout(tape.constant(x), 0.25, learn::RandomKey{3, 4}).value();
  EXPECT_EQ(to_dense(y), to_dense(again));
  const DenseBlock<double> other = learn::dropout(tape.constant(x), 0.25, learn::RandomKey{3, 5}).value();
  EXPECT_NE(to_dense(y), to_dense(other));
  VarD in = tape.constant(x);
  EXPECT_EQ(learn::dropout(in, 0.5, false).id(), in.id());  // evaluation: identity, nothing recorded
  EXPECT_THROW(learn::dropout(in, 1.0, true), InvalidArgument);
}

TEST(LearnGrad, RowOps) {
  Parameter<double> a = random_parameter("a", 8, 5, 1, 2.0), b = random_parameter("b", 3, 5, 2);
  expect_gradients([&](TapeD& t) { return probe(learn::softmax_rows(t.parameter(a))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::log_softmax_rows(t.parameter(a))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::logsumexp_rows(t.parameter(a))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::l2_normalize_rows(t.parameter(a))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::cosine_similarity(t.parameter(a), t.parameter(b))); }, {&a, &b});
  TapeD tape;
  const DenseBlock<double> cos = learn::cosine_similarity(tape.parameter(a), tape.parameter(b)).value();
  EXPECT_LE(cos.cwiseAbs().maxCoeff(), 1.0 + 1e-12);
  EXPECT_NEAR(cos(2, 1), a.value.row(2).dot(b.value.row(1)) / (a.value.row(2).norm() * b.value.row(1).norm()), 1e-12);
}

TEST(LearnGrad, Reductions) {
  Parameter<double> a = random_parameter("a", 9, 4, 1);
  expect_gradients([&](TapeD& t) { return learn::sum(learn::square(t.parameter(a))); }, {&a});
  expect_gradients([&](TapeD& t) { return learn::mean(learn::exp(t.parameter(a))); }, {&a});
  expect_gradients([&](TapeD& t) { return learn::sum_squares(learn::tanh(t.parameter(a))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::column_sums(t.parameter(a))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::row_sums(t.parameter(a))); }, {&a});
  expect_gradients([&](TapeD& t) { return probe(learn::column_kth_largest(t.parameter(a), 3)); }, {&a});
  const std::vector<std::int64_t> picks{0, 5, 5, 35, 17};
  expect_gradients([&](TapeD& t) { return probe(learn::select_entries<double>(t.parameter(a), picks)); }, {&a});
  TapeD tape;
  VarD x = tape.parameter(a);
  EXPECT_NEAR(learn::sum(x).item(), a.value.sum(), 1e-12);
  EXPECT_NEAR(learn::mean(x).item(), a.value.mean(), 1e-12);
  EXPECT_NEAR(learn::sum_squares(x).item(), a.value.squaredNorm(), 1e-12);
  EXPECT_THROW(learn::select_entries<double>(x, std::vector<std::int64_t>{36}), InvalidArgument);
}

TEST(LearnGrad, StudentTAssignmentAndKl) {
  Parameter<double> z = random_parameter("z", 10, 3, 1), mu = random_parameter("mu", 4, 3, 2);
  for (double dof : {1.0, 2.5}) {
    expect_gradients([&](TapeD& t) { return probe(learn::student_t_assignment(t.parameter(z), t.parameter(mu), dof)); },
                     {&z, &mu});
  }
  TapeD tape;
  const DenseBlock<double> q = learn::student_t_assignment(tape.parameter(z), tape.parameter(mu)).value();
  for (Eigen::Index i = 0; i < q.rows(); ++i) {
    EXPECT_NEAR(q.row(i).sum(), 1.0, 1e-12);
    const double u = 1 / (1 + (z.value.row(i) - mu.value.row(2)).squaredNorm());
    double total = 0;
    for (Eigen::Index j = 0; j < 4; ++j) total += 1 / (1 + (z.value.row(i) - mu.value.row(j)).squaredNorm());
    EXPECT_NEAR(q(i, 2), u / total, 1e-12);
  }
  // DEC target: p_ij ~ q_ij^2 / f_j, rows sum to 1; KL(P || Q) >= 0 and 0 for Q = P.
  const DenseBlock<double> p = learn::target_distribution(q);
  const Eigen::RowVectorXd f = q.colwise().sum();
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    EXPECT_NEAR(p.row(i).sum(), 1.0, 1e-12);
    const Eigen::RowVectorXd r = q.row(i).array().square() / f.array();
    EXPECT_NEAR(p(i, 1), r(1) / r.sum(), 1e-12);
  }
  EXPECT_GT(learn::kl_divergence(tape.constant(p), tape.constant(q)).item(), 0.0);
  EXPECT_NEAR(learn::kl_divergence(tape.constant(p), tape.constant(p)).item(), 0.0, 1e-15);
  expect_gradients(
      [&](TapeD& t) {
        return learn::kl_divergence(t.constant_copy(p), learn::student_t_assignment(t.parameter(z), t.parameter(mu)));
      },
      {&z, &mu});
}

// ================================ composite losses of the three families =========================

TEST(LearnGrad, TotalVariationLayerAndLosses) {
  // GTVConv (x' = elu((I - delta L_Gamma) X Theta + b), Gamma_ij = a_ij / max(|(X Theta)_i - (X Theta)_j|_1, eps)),
  // softmax head, sparse graph-TV term and the asymmetric-l1 balance term with its quantile.
  const Graph g = random_graph(false, true, 14, 3, 41);
  const ArcOperator<double> arcs(g);
  const std::vector<double> w = arcs.weights();
  const DenseBlock<double> weights = Eigen::Map<const Eigen::VectorXd>(w.data(), static_cast<Eigen::Index>(w.size()));
  const DenseBlock<double> x = random_block(g.num_nodes(), 5, 1);
  Parameter<double> theta = random_parameter("theta", 5, 4, 2), bias = random_parameter("bias", 1, 4, 3, 0.1);
  Parameter<double> head = random_parameter("head", 4, 3, 4);
  const double delta = 0.3, eps = 1e-3;
  const Eigen::Index k = 3, n = g.num_nodes();
  auto model = [&](TapeD& t) {
    VarD h = learn::matmul(t.constant(x), t.parameter(theta));
    VarD gamma = learn::div(t.constant(weights), learn::clamp_min(learn::arc_values(h, ArcFunction::L1Distance, arcs), eps));
    VarD lap = learn::sub(learn::scale_rows(h, learn::arc_row_sums(gamma, arcs)), learn::arc_propagate(gamma, h, arcs));
    VarD out = learn::elu(learn::add_bias(learn::axpby(1.0, h, -delta, lap), t.parameter(bias)));
    VarD s = learn::softmax_rows(learn::matmul(out, t.parameter(head)));
    VarD tv = learn::scale(learn::sum(learn::mul(t.constant(weights), learn::arc_values(s, ArcFunction::L1Distance, arcs))),
                           1.0 / (2.0 * static_cast<double>(arcs.num_arcs())));
    VarD quant = learn::column_kth_largest(s, static_cast<std::size_t>(n / k));
    VarD r = learn::add_bias(s, learn::scale(quant, -1.0));
    VarD asym = learn::add(learn::scale(learn::relu(r), static_cast<double>(k - 1)), learn::relu(learn::scale(r, -1.0)));
    const double norm = static_cast<double>(n * (k - 1));
    VarD balance = learn::add_scalar(learn::scale(learn::sum(asym), -1.0 / norm), 1.0);
    return learn::axpby(0.785, tv, 0.514, balance);
  };
  expect_gradients(model, {&theta, &bias, &head}, 1e-5);
}

TEST(LearnGrad, DirectedMixedPathAggregationAndCutLoss) {
  // DIGRAC-like: two MLP branches, hop-weighted propagation along and against the arcs with
  // D~^-1 (A + 0.5 I), concatenation, softmax, and cut / volume terms from sparse products.
  const Graph g = random_graph(true, true, 15, 3, 51);
  const DenseBlock<double> x = random_block(g.num_nodes(), 4, 1);
  learn::MlpOptions mo;
  mo.layers = {6, 3};
  mo.init_gain = 1.414;
  mo.name = "source";
  learn::MlpEncoder<double> source(4, mo);
  mo.name = "target";
  learn::MlpEncoder<double> target(4, mo);
  Parameter<double> hop_s("hop_s", 1, 3), hop_t("hop_t", 1, 3);
  hop_s.value << 1.0, 0.7, 0.4;
  hop_t.value << 0.9, 1.1, 0.5;
  Parameter<double> prob = random_parameter("prob", 6, 3, 3), prob_b = random_parameter("prob_b", 1, 3, 4, 0.1);
  OperatorOptions rw;
  rw.kind = OperatorKind::RandomWalk;
  rw.self_loop_weight = 0.5;
  const learn::Propagator<double> along(g, rw);     // D~_out^-1 (A + 0.5 I)
  rw.reverse = true;
  const learn::Propagator<double> against(g, rw);   // D~_in^-1 (A^T + 0.5 I)
  const learn::Propagator<double> adjacency(g, OperatorOptions{});
  OperatorOptions adj_t;
  adj_t.transpose = true;
  const learn::Propagator<double> adjacency_t(g, adj_t);
  auto hops = [](VarD h, const learn::Propagator<double>& p, VarD weights) {
    std::vector<VarD> terms{h};
    for (int k = 0; k < 2; ++k) terms.push_back(learn::propagate(terms.back(), p));
    return learn::weighted_sum<double>(terms, weights);
  };
  const learn::EncoderInput<double> in{&g, &x};
  std::vector<Parameter<double>*> params = source.parameters();
  for (auto* p : target.parameters()) params.push_back(p);
  for (auto* p : {&hop_s, &hop_t, &prob, &prob_b}) params.push_back(p);
  const Eigen::Index k = 3;
  const DenseBlock<double> ones = DenseBlock<double>::Ones(1, k);
  std::vector<std::int64_t> upper;  // pairs k < l of the K x K matrices
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index b = a + 1; b < k; ++b) upper.push_back(a * k + b);
  auto model = [&](TapeD& t) {
    VarD zs = hops(source.forward(t, in, false), along, t.parameter(hop_s));
    VarD zt = hops(target.forward(t, in, false), against, t.parameter(hop_t));
    VarD z = learn::concat_cols({zs, zt});
    VarD p = learn::softmax_rows(learn::add_bias(learn::matmul(z, t.parameter(prob)), t.parameter(prob_b)));
    VarD ap = learn::propagate(p, adjacency);
    VarD w = learn::matmul_tn(p, ap);   // W(k, l) = P_k^T A P_l
    VarD wt = learn::matmul_tn(ap, p);  // W(l, k)
    VarD vol = learn::add(learn::column_sums(ap), learn::column_sums(learn::propagate(p, adjacency_t)));
    VarD one = t.constant(ones);
    VarD vol_pair = learn::add(learn::matmul_tn(vol, one), learn::matmul_tn(one, vol));  // VOL(k) + VOL(l)
    VarD imbalance = learn::div(learn::scale(learn::abs(learn::sub(w, wt)), 2.0), learn::add_scalar(vol_pair, 1e-8));
    return learn::add_scalar(learn::scale(learn::mean(learn::select_entries<double>(imbalance, upper)), -1.0), 1.0);
  };
  expect_gradients(model, params, 1e-5);
}

TEST(LearnGrad, ContrastiveMetaNodeLoss) {
  // PamC-like: Student-t head with KL to the sharpened target, positives over the arcs of the
  // (row-normalised) graph, negatives from cosine similarities among meta-nodes.
  const Graph g = random_graph(false, true, 16, 3, 61);
  const ArcOperator<double> arcs(g);
  const DenseBlock<double> x = random_block(g.num_nodes(), 6, 1);
  learn::MlpOptions mo;
  mo.layers = {5, 3};
  learn::MlpEncoder<double> encoder(6, mo);
  Parameter<double> mu = random_parameter("mu", 3, 3, 2);
  std::vector<Parameter<double>*> params = encoder.parameters();
  params.push_back(&mu);
  const learn::EncoderInput<double> in{nullptr, &x};
  const std::vector<double> w = arcs.weights();
  const DenseBlock<double> arc_weights = Eigen::Map<const Eigen::VectorXd>(w.data(), static_cast<Eigen::Index>(w.size()));
  // Hard assignments held fixed (as the reference detaches them): meta-node c_k = sum of z_i with label k.
  DenseBlock<double> onehot = DenseBlock<double>::Zero(g.num_nodes(), 3);
  for (Eigen::Index i = 0; i < onehot.rows(); ++i) onehot(i, i % 3) = 1;
  const double tau = 0.5;
  DenseBlock<double> target;  // held fixed within a step, as the reference recomputes it per epoch
  {
    TapeD t;
    target = learn::target_distribution(learn::student_t_assignment(encoder.forward(t, in, false), t.parameter(mu)).value());
  }
  const DenseBlock<double> off_diagonal = DenseBlock<double>::Ones(3, 3) - DenseBlock<double>::Identity(3, 3);
  auto model = [&](TapeD& t) {
    VarD z = encoder.forward(t, in, false);
    VarD q = learn::student_t_assignment(z, t.parameter(mu));
    VarD kl = learn::kl_divergence(t.constant(target), q);
    VarD zn = learn::l2_normalize_rows(z);
    VarD pos = learn::arc_row_sums(learn::mul(t.constant(arc_weights), learn::exp(learn::scale(
                                                  learn::arc_values(zn, ArcFunction::Dot, arcs), tau))),
                                   arcs);
    VarD positive = learn::mean(learn::log(learn::add_scalar(pos, 1e-10)));
    VarD meta = learn::matmul_tn(t.constant(onehot), z);
    VarD c = learn::mul(learn::scale(learn::cosine_similarity(meta, meta), tau), t.constant(off_diagonal));
    VarD negative = learn::mean(learn::logsumexp_rows(c));
    return learn::add(learn::scale(kl, 2.5), learn::scale(learn::sub(negative, positive), 2.0));
  };
  expect_gradients(model, params, 1e-5);
}

TEST(KernelOperator, ReverseRowNormalisesTheReversedGraph) {
  const Graph g = random_graph(true, true, 14, 3, 71);
  const Eigen::Index n = g.num_nodes();
  const Eigen::MatrixXd at = dense_adjacency(g).transpose() + 0.5 * Eigen::MatrixXd::Identity(n, n);
  Eigen::VectorXd inv(n);
  for (Eigen::Index i = 0; i < n; ++i) inv(i) = 1 / at.row(i).sum();
  const Eigen::MatrixXd expected = inv.asDiagonal() * at;  // D~_in^-1 (A^T + 0.5 I)
  OperatorOptions o;
  o.kind = OperatorKind::RandomWalk;
  o.self_loop_weight = 0.5;
  o.reverse = true;
  const DenseBlock<double> x = random_block(n, 3, 1);
  for (bool transpose : {false, true}) {
    o.transpose = transpose;
    DenseBlock<double> y;
    GraphOperator<double>(g, o).apply_block(x, y);
    const Eigen::MatrixXd op = transpose ? Eigen::MatrixXd(expected.transpose()) : expected;
    EXPECT_LT((to_dense(y) - op * to_dense(x)).norm(), 1e-12);
  }
}

// ================================ optimisers =====================================================

TEST(LearnOptim, AdamMatchesTheReferenceUpdate) {
  Parameter<double> p("p", 1, 2);
  p.value << 0.5, -1.0;
  learn::AdamOptions o;
  o.learning_rate = 0.1;
  o.weight_decay = 0.01;
  learn::Adam<double> adam({&p}, o);
  double m[2] = {0, 0}, v[2] = {0, 0}, x[2] = {0.5, -1.0};
  for (int step = 1; step <= 3; ++step) {
    p.grad.resize(1, 2);
    p.grad << 2.0 * p.value(0, 0), std::sin(p.value(0, 1));
    const double g[2] = {2.0 * x[0] + 0.01 * x[0], std::sin(x[1]) + 0.01 * x[1]};
    adam.step();
    for (int i = 0; i < 2; ++i) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      const double mhat = m[i] / (1 - std::pow(0.9, step)), vhat = v[i] / (1 - std::pow(0.999, step));
      x[i] -= 0.1 * mhat / (std::sqrt(vhat) + 1e-8);
      EXPECT_NEAR(p.value(0, i), x[i], 1e-12) << "step " << step;
    }
  }
  EXPECT_EQ(adam.steps(), 3);
  // A parameter first reached later gets bias correction from its own first update (as torch).
  Parameter<double> late("late", 1, 1);
  late.value << 1.0;
  learn::Adam<double> two({&p, &late}, {.learning_rate = 0.1});
  p.grad.setConstant(1, 2, 1.0);
  two.step();  // late has no gradient yet: untouched
  EXPECT_EQ(late.value(0, 0), 1.0);
  late.grad.setConstant(1, 1, 4.0);
  two.step();
  EXPECT_NEAR(late.value(0, 0), 1.0 - 0.1, 1e-9);  // first step: m_hat / sqrt(v_hat) = sign(g), up to eps
}

TEST(LearnOptim, SgdWithMomentumAndDecay) {
  Parameter<double> p("p", 1, 1);
  p.value << 1.0;
  learn::Sgd<double> sgd({&p}, {.learning_rate = 0.1, .momentum = 0.5, .weight_decay = 0.2});
  double x = 1.0, b = 0;
  for (int step = 0; step < 3; ++step) {
    p.grad.setConstant(1, 1, 3.0);
    sgd.step();
    b = 0.5 * b + (3.0 + 0.2 * x);
    x -= 0.1 * b;
    EXPECT_NEAR(p.value(0, 0), x, 1e-14);
  }
  sgd.zero_grad();
  EXPECT_EQ(p.grad(0, 0), 0.0);
}

TEST(LearnOptim, OptionsAreValidated) {
  Parameter<double> p("p", 1, 1);
  EXPECT_THROW(learn::Adam<double>({&p}, {.learning_rate = 0}), InvalidArgument);
  EXPECT_THROW(learn::Adam<double>({&p}, {.beta1 = 1.0}), InvalidArgument);
  EXPECT_THROW(learn::Adam<double>({&p}, {.weight_decay = -1}), InvalidArgument);
  EXPECT_THROW(learn::Sgd<double>({&p}, {.learning_rate = std::nan("")}), InvalidArgument);
  EXPECT_THROW(learn::Adam<double>({nullptr}), InvalidArgument);
  try {
    learn::Adam<double>({&p}, {.epsilon = -3});
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("-3"), std::string::npos) << e.what();
  }
}

TEST(LearnOptim, XavierAndKaimingDraws) {
  DenseBlock<float> w(200, 100);
  learn::xavier_uniform(w, 1, 2, 1.414);
  const double bound = 1.414 * std::sqrt(6.0 / 300);
  EXPECT_LE(w.cwiseAbs().maxCoeff(), bound);
  EXPECT_GT(w.cwiseAbs().maxCoeff(), 0.95 * bound);
  EXPECT_NEAR(w.cast<double>().mean(), 0.0, 0.01);
  DenseBlock<float> again(200, 100);
  learn::xavier_uniform(again, 1, 2, 1.414);
  EXPECT_TRUE(same_bits(w, again));
  learn::xavier_uniform(again, 1, 3, 1.414);
  EXPECT_FALSE(same_bits(w, again));
  DenseBlock<double> k(400, 50);
  learn::kaiming_normal(k, 4, 0);
  EXPECT_NEAR(std::sqrt(k.squaredNorm() / k.size()), std::sqrt(2.0 / 400), 0.003);
}

// ================================ training loop ==================================================

TEST(LearnTrain, FitsASmallClassifier) {
  // Three Gaussian blobs, softmax regression through a 2-layer MLP with cross-entropy.
  const Eigen::Index n = 150;
  DenseBlock<float> x(n, 2);
  DenseBlock<float> onehot = DenseBlock<float>::Zero(n, 3);
  for (Eigen::Index i = 0; i < n; ++i) {
    const int c = static_cast<int>(i % 3);
    x(i, 0) = static_cast<float>(2.0 * c + 0.3 * normal(5, 0, i));
    x(i, 1) = static_cast<float>((c == 1 ? 2.0 : 0.0) + 0.3 * normal(5, 1, i));
    onehot(i, c) = 1;
  }
  learn::MlpOptions mo;
  mo.layers = {16, 3};
  mo.seed = 3;
  learn::MlpEncoder<float> mlp(2, mo);
  learn::Adam<float> adam(mlp.parameters(), {.learning_rate = 0.05});
  Tape<float> tape;
  const learn::EncoderInput<float> in{nullptr, &x};
  int reports = 0;
  learn::TrainOptions to;
  to.max_epochs = 150;
  to.progress = [&](std::string_view stage, double fraction) {
    ++reports;
    EXPECT_EQ(stage, "training");
    EXPECT_GT(fraction, 0.0);
    EXPECT_LE(fraction, 1.0);
  };
  const learn::TrainResult r = learn::train<float>(tape, adam, [&](Tape<float>& t, int) {
    Var<float> logp = learn::log_softmax_rows(mlp.forward(t, in, true));
    return learn::scale(learn::mean(learn::mul(logp, t.constant(onehot))), -3.0);
  }, to);
  EXPECT_EQ(r.epochs, 150);
  EXPECT_EQ(reports, 150);
  EXPECT_FALSE(r.stopped_early);
  EXPECT_EQ(r.losses.size(), 150u);
  EXPECT_LT(r.losses.back(), 0.1 * r.losses.front());
  tape.clear();
  const std::vector<std::int32_t> labels = argmax_rows(mlp.forward(tape, in, false).value());
  int correct = 0;
  for (Eigen::Index i = 0; i < n; ++i) correct += labels[i] == i % 3;
  EXPECT_GE(correct, 145);
}

TEST(LearnTrain, EarlyStoppingAndBestSnapshot) {
  Parameter<double> p("p", 1, 1);
  p.value << 1.0;
  learn::Sgd<double> sgd({&p}, {.learning_rate = 0.1});
  TapeD tape;
  // Loss = p^2 * factor(epoch): lowest at epoch 2, flat-ish afterwards so patience runs out.
  const double factor[] = {1.0, 0.9, 0.1, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0};
  std::vector<double> seen_values;
  learn::TrainOptions o;
  o.max_epochs = 10;
  o.patience = 3;
  o.min_delta = 1e-3;
  o.keep_best = true;
  const learn::TrainResult r = learn::train<double>(tape, sgd, [&](TapeD& t, int epoch) {
    seen_values.push_back(p.value(0, 0));
    return learn::scale(learn::sum_squares(t.parameter(p)), factor[epoch]);
  }, o);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_EQ(r.best_epoch, 2);
  EXPECT_EQ(r.stop_epoch, 5);  // epochs 3, 4, 5 without improvement
  EXPECT_EQ(r.epochs, 6);
  EXPECT_TRUE(r.restored_best);
  EXPECT_EQ(p.value(0, 0), seen_values[2]);  // parameters of the lowest-loss epoch, before its step
  EXPECT_DOUBLE_EQ(r.best_loss, 0.1 * seen_values[2] * seen_values[2]);

  learn::TrainOptions bad;
  bad.max_epochs = 0;
  EXPECT_THROW(learn::train<double>(tape, sgd, [&](TapeD& t, int) { return learn::sum(t.parameter(p)); }, bad),
               InvalidArgument);
  bad.max_epochs = 3;
  bad.min_delta = -1;
  EXPECT_THROW(learn::train<double>(tape, sgd, [&](TapeD& t, int) { return learn::sum(t.parameter(p)); }, bad),
               InvalidArgument);
}

// The rule the native loop and the LibTorch loop share: patience counts falls smaller than
// min_delta as no improvement, a tie keeps the first best, the last epoch is never "stopped early".
TEST(LearnTrain, EarlyStoppingRule) {
  learn::EarlyStopping s(6, 2, 0.5);
  EXPECT_TRUE(s.observe(10.0).new_best);
  const auto small_fall = s.observe(9.8);  // a new best, but not by min_delta: patience 1 of 2
  EXPECT_TRUE(small_fall.new_best);
  EXPECT_FALSE(small_fall.stop_after_step);
  const auto tie = s.observe(9.8);
  EXPECT_FALSE(tie.new_best);
  EXPECT_TRUE(tie.stop_after_step);
  EXPECT_TRUE(s.result().stopped_early);
  EXPECT_EQ(s.result().best_epoch, 1);
  EXPECT_EQ(s.result().losses, (std::vector<double>{10.0, 9.8, 9.8}));

  learn::EarlyStopping last(2, 1, 0.0);
  EXPECT_FALSE(last.observe(1.0).stop_after_step);
  EXPECT_FALSE(last.observe(2.0).stop_after_step);  // patience would fire, but it is the final epoch
  EXPECT_FALSE(last.result().stopped_early);

  learn::EarlyStopping nan(5, 0, 0.0);
  EXPECT_TRUE(nan.observe(std::numeric_limits<double>::quiet_NaN()).diverged);
  EXPECT_TRUE(nan.result().diverged);
  EXPECT_EQ(nan.result().best_epoch, -1);
  EXPECT_THROW(learn::EarlyStopping(1, -1, 0.0), InvalidArgument);
}

TEST(LearnTrain, StopsOnANonFiniteLoss) {
  Parameter<double> p("p", 1, 1);
  p.value << 1.0;
  learn::Sgd<double> sgd({&p}, {.learning_rate = 0.1});
  TapeD tape;
  learn::TrainOptions o;
  o.max_epochs = 10;
  const learn::TrainResult r = learn::train<double>(tape, sgd, [&](TapeD& t, int epoch) {
    VarD l = learn::sum_squares(t.parameter(p));
    return epoch == 3 ? learn::log(learn::scale(l, 0.0)) : l;  // log 0 = -inf
  }, o);
  EXPECT_TRUE(r.diverged);
  EXPECT_EQ(r.epochs, 4);
  EXPECT_TRUE(std::isfinite(p.value(0, 0)));
}

// ================================ encoders =======================================================

TEST(LearnEncoder, GcnMatchesDenseFormulaAndHasGradients) {
  const Graph g = random_graph(false, true, 13, 3, 81);
  const Eigen::Index n = g.num_nodes();
  const DenseBlock<double> x = random_block(n, 4, 2);
  learn::GcnOptions o;
  o.layers = {5, 3};
  o.activation = Activation::Tanh;
  o.seed = 9;
  learn::GcnEncoder<double> gcn(4, o);
  ASSERT_EQ(gcn.parameters().size(), 4u);
  EXPECT_EQ(gcn.parameters()[0]->name, "gcn.0.weight");
  EXPECT_EQ(gcn.parameters()[3]->name, "gcn.1.bias");
  EXPECT_EQ(gcn.output_dim(), 3);
  const learn::EncoderInput<double> in{&g, &x};
  TapeD tape;
  const DenseBlock<double> z = gcn.forward(tape, in, false).value();
  // Dense reference: P = D~^-1/2 (A + I) D~^-1/2.
  const Eigen::MatrixXd a = dense_adjacency(g) + Eigen::MatrixXd::Identity(n, n);
  const Eigen::VectorXd d = a.rowwise().sum().array().rsqrt();
  const Eigen::MatrixXd p = d.asDiagonal() * a * d.asDiagonal();
  auto params = gcn.parameters();
  Eigen::MatrixXd h = to_dense(x);
  h = ((p * h * to_dense(params[0]->value)).rowwise() + to_dense(params[1]->value).row(0)).array().tanh().matrix();
  h = (p * h * to_dense(params[2]->value)).rowwise() + to_dense(params[3]->value).row(0);
  EXPECT_LT((to_dense(z) - h).norm(), 1e-12);
  // Gradients through the encoder seam, biases made non-zero first.
  for (auto* q : params) q->value += random_block(q->value.rows(), q->value.cols(), 5, 0.1);
  expect_gradients([&](TapeD& t) { return probe(gcn.forward(t, in, false)); }, params);
  // A different encoder (an MLP) plugs into the same loss unchanged.
  learn::MlpEncoder<double> mlp(4, o);
  std::vector<learn::Encoder<double>*> encoders{&gcn, &mlp};
  for (learn::Encoder<double>* e : encoders) {
    tape.clear();
    EXPECT_EQ(e->forward(tape, in, true).cols(), 3);
  }
}

TEST(LearnEncoder, RejectsBadInput) {
  const Graph g = random_graph(false, false, 10);
  DenseBlock<double> x = random_block(10, 4, 1);
  learn::GcnOptions o;
  o.layers = {3};
  learn::GcnEncoder<double> gcn(4, o);
  TapeD tape;
  x(6, 2) = std::nan("");
  try {
    gcn.forward(tape, {&g, &x}, false);
    FAIL() << "NaN feature accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("row 6, column 2"), std::string::npos) << e.what();
  }
  x(6, 2) = 0;
  const DenseBlock<double> wide = random_block(10, 5, 1), short_rows = random_block(9, 4, 1);
  EXPECT_THROW(gcn.forward(tape, {&g, &wide}, false), InvalidArgument);
  EXPECT_THROW(gcn.forward(tape, {&g, &short_rows}, false), InvalidArgument);
  EXPECT_THROW(gcn.forward(tape, {nullptr, &x}, false), InvalidArgument);
  learn::MlpOptions bad;
  bad.layers = {};
  EXPECT_THROW(learn::MlpEncoder<double>(4, bad), InvalidArgument);
  bad.layers = {3};
  bad.dropout = 1.0;
  EXPECT_THROW(learn::MlpEncoder<double>(4, bad), InvalidArgument);
  o.self_loop_weight = -1;
  EXPECT_THROW(learn::GcnEncoder<double>(4, o), InvalidArgument);
  // Shape errors name both shapes.
  Parameter<double> w = random_parameter("w", 3, 2, 1);
  try {
    learn::matmul(tape.constant(x), tape.parameter(w));
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("10 x 4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("3 x 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(learn::student_t_assignment(tape.constant(x), tape.parameter(w), 0.0), InvalidArgument);
  EXPECT_THROW(learn::clamp_min(tape.constant(x), std::nan("")), InvalidArgument);
  const learn::Propagator<double> p(g, OperatorOptions{});
  EXPECT_THROW(learn::propagate(tape.constant(short_rows), p), InvalidArgument);
}

// ================================ determinism ====================================================

namespace {

struct RunBits {
  std::vector<double> losses;
  std::vector<DenseBlock<float>> parameters;
  DenseBlock<float> output;
};

/// A 2-layer GCN-style model (propagation, dropout, softmax) trained a few epochs with Adam, on a
/// graph large enough that every parallel loop splits (> kReductionBlock rows, several tiles).
RunBits train_small_model(const Graph& g, const DenseBlock<float>& x) {
  learn::GcnOptions o;
  o.layers = {16, 4};
  o.dropout = 0.3;
  o.seed = 5;
  learn::GcnEncoder<float> gcn(x.cols(), o);
  Parameter<float> mu("mu", 4, 4);
  learn::xavier_uniform(mu.value, 5, 99);
  std::vector<Parameter<float>*> params = gcn.parameters();
  params.push_back(&mu);
  learn::Adam<float> adam(params, {.learning_rate = 0.01, .weight_decay = 5e-4});
  const ArcOperator<float> arcs(g);
  Tape<float> tape;
  const learn::EncoderInput<float> in{&g, &x};
  learn::TrainOptions to;
  to.max_epochs = 4;
  to.seed = 17;
  const learn::TrainResult r = learn::train<float>(tape, adam, [&](Tape<float>& t, int) {
    Var<float> z = gcn.forward(t, in, true);
    Var<float> s = learn::softmax_rows(z);
    Var<float> tv = learn::mean(learn::arc_values(s, ArcFunction::L1Distance, arcs));
    Var<float> q = learn::student_t_assignment(z, t.parameter(mu));
    Var<float> cut = learn::sum(learn::matmul_tn(s, learn::propagate(s, gcn.propagator(g))));
    return learn::add(learn::add(tv, learn::mean(learn::square(q))), learn::scale(cut, -1e-4));
  }, to);
  RunBits bits;
  bits.losses = r.losses;
  for (auto* p : params) bits.parameters.push_back(p->value);
  tape.clear();
  bits.output = gcn.forward(tape, in, false).value();
  return bits;
}

}  // namespace

TEST(LearnDeterminism, SameBitsForOneAndTwoThreads) {
  const PlantedGraph planted = stochastic_block_model({{7000, 7000, 6000}, 0.0008, 0.0002, false, {}, 3});
  const Graph& g = planted.graph;
  DenseBlock<float> x(g.num_nodes(), 24);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(normal(8, 0, static_cast<std::uint64_t>(i)));
  RunBits one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = train_small_model(g, x);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = train_small_model(g, x);
  }
  ASSERT_EQ(one.losses.size(), 4u);
  for (std::size_t e = 0; e < one.losses.size(); ++e) EXPECT_EQ(one.losses[e], two.losses[e]) << "epoch " << e;
  EXPECT_NE(one.losses.front(), one.losses.back());  // it did train
  for (std::size_t k = 0; k < one.parameters.size(); ++k) EXPECT_TRUE(same_bits(one.parameters[k], two.parameters[k])) << k;
  EXPECT_TRUE(same_bits(one.output, two.output));
}
