// The training engine (learn/) and the kernels it added: scaled self-loops, strided SpMM, arc-value
// operators, dense-block kernels, float k-means and the counter-based random stream.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstring>
#include <map>

#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/kernels/arcs.hpp"
#include "graphclust/kernels/dense.hpp"
#include "graphclust/kernels/kmeans.hpp"
#include "graphclust/kernels/operator.hpp"
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

INSTANTIATE_TEST_SUITE_P(Kinds, KernelSelfLoops,
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
  product_into(a, b, c, true, true);  // += A B^T has the wrong width: rejected
  SUCCEED();
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
  expect_gradients([&](TapeD& t) { return learn::sum_squares(learn::sin_free_probe_placeholder(t.parameter(a))); }, {&a});
}
