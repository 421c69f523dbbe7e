// Row-wise ops (softmax family, normalisation) and the clustering heads built on them.
#include <cmath>
#include <vector>

#include "graphclust/kernels/reduce.hpp"
#include "graphclust/learn/ops.hpp"
#include "learn/detail.hpp"

namespace graphclust::learn {

using namespace detail;

namespace {

template <class T>
void each_row(Eigen::Index rows, Eigen::Index cols, auto&& f) {
  for_rows(rows, cols, [&](std::size_t begin, std::size_t end) {
    for (auto i = static_cast<Eigen::Index>(begin); i < static_cast<Eigen::Index>(end); ++i) f(i);
  });
}

}  // namespace

template <class T>
Var<T> softmax_rows(Var<T> x) {
  Tape<T>& tape = x.tape();
  Var<T> y = tape.record({x}, [x](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& yv = t.value(self);
    const DenseBlock<T>& dy = t.grad(self);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    each_row<T>(yv.rows(), yv.cols(), [&](Eigen::Index i) {
      const T inner = dy.row(i).dot(yv.row(i));
      dx.row(i).array() += yv.row(i).array() * (dy.row(i).array() - inner);
    });
  });
  graphclust::softmax_rows(tape.value(x), tape.mutable_value(y));
  return y;
}

template <class T>
Var<T> log_softmax_rows(Var<T> x) {
  Tape<T>& tape = x.tape();
  Var<T> y = tape.record({x}, [x](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& yv = t.value(self);
    const DenseBlock<T>& dy = t.grad(self);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    each_row<T>(yv.rows(), yv.cols(), [&](Eigen::Index i) {
      const T total = dy.row(i).sum();
      dx.row(i).array() += dy.row(i).array() - yv.row(i).array().exp() * total;
    });
  });
  graphclust::log_softmax_rows(tape.value(x), tape.mutable_value(y));
  return y;
}

template <class T>
Var<T> logsumexp_rows(Var<T> x) {
  Tape<T>& tape = x.tape();
  Var<T> y = tape.record({x}, [x](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& xv = t.value(x);
    const DenseBlock<T>& yv = t.value(self);
    const DenseBlock<T>& dy = t.grad(self);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    each_row<T>(xv.rows(), xv.cols(), [&](Eigen::Index i) {
      dx.row(i).array() += dy(i, 0) * (xv.row(i).array() - yv(i, 0)).exp();  // softmax weights
    });
  });
  const DenseBlock<T>& xv = tape.value(x);
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), 1);
  graphclust::logsumexp_rows(xv, std::span<T>(out.data(), static_cast<std::size_t>(out.size())));
  return y;
}

template <class T>
Var<T> l2_normalize_rows(Var<T> x) {
  Tape<T>& tape = x.tape();
  Var<T> y = tape.record({x}, [x](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& xv = t.value(x);
    const DenseBlock<T>& yv = t.value(self);
    const DenseBlock<T>& dy = t.grad(self);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    // d(x/|x|) = (dy - y <y, dy>) / |x|: only the part of dy orthogonal to the row passes.
    each_row<T>(xv.rows(), xv.cols(), [&](Eigen::Index i) {
      const T norm = xv.row(i).norm();
      if (norm > T{0}) dx.row(i) += (dy.row(i) - yv.row(i) * dy.row(i).dot(yv.row(i))) / norm;
    });
  });
  DenseBlock<T>& out = tape.mutable_value(y);
  out = tape.value(x);  // same shape every epoch: no reallocation
  normalize_rows(out);
  return y;
}

template <class T>
Var<T> cosine_similarity(Var<T> a, Var<T> b) {
  return matmul_nt(l2_normalize_rows(a), l2_normalize_rows(b));
}

template <class T>
Var<T> student_t_assignment(Var<T> z, Var<T> mu, double dof) {
  if (!(dof > 0) || !std::isfinite(dof))
    throw InvalidArgument("student_t_assignment: degrees of freedom must be finite and > 0, got " + std::to_string(dof));
  require_same_tape(z, mu, "student_t_assignment");
  Tape<T>& tape = z.tape();
  const DenseBlock<T>& zv = tape.value(z);
  const DenseBlock<T>& mv = tape.value(mu);
  if (zv.cols() != mv.cols() || mv.rows() == 0)
    throw InvalidArgument("student_t_assignment: points are " + shape(zv) + ", centres " + shape(mv));
  const T v = static_cast<T>(dof), power = static_cast<T>(-(dof + 1) / 2);
  Var<T> q = tape.record({z, mu}, [z, mu, v](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& zv = t.value(z);
    const DenseBlock<T>& mv = t.value(mu);
    const DenseBlock<T>& qv = t.value(self);
    const DenseBlock<T>& base = t.scratch(self, 0);  // 1 + d_ij / v
    const DenseBlock<T>& g = t.grad(self);
    const Eigen::Index k = qv.cols();
    // c_ij = dL/dd_ij * 2 where d_ij = |z_i - mu_j|^2: through the row normalisation
    // (q (g - <g, q>)) and the kernel's log-derivative -(v + 1) / (2 v (1 + d / v)).
    DenseBlock<T>& c = shaped(t.scratch(self, 1), qv.rows(), k);
    each_row<T>(qv.rows(), k, [&](Eigen::Index i) {
      const T inner = g.row(i).dot(qv.row(i));
      for (Eigen::Index j = 0; j < k; ++j)
        c(i, j) = qv(i, j) * (g(i, j) - inner) * (-(v + T{1}) / (v * base(i, j)));
    });
    // dL/dz_i = sum_j c_ij (z_i - mu_j); dL/dmu_j = -sum_i c_ij (z_i - mu_j).
    if (t.needs_grad(z)) {
      DenseBlock<T>& dz = t.accumulate_grad(z);
      each_row<T>(zv.rows(), zv.cols(), [&](Eigen::Index i) {
        for (Eigen::Index j = 0; j < k; ++j) dz.row(i) += c(i, j) * (zv.row(i) - mv.row(j));
      });
    }
    if (t.needs_grad(mu)) {
      const DenseBlock<T> ctz = transpose_product(c, zv);  // K x d, fixed order
      const std::vector<double> csum = graphclust::column_sums(c);
      DenseBlock<T>& dmu = t.accumulate_grad(mu);
      for (Eigen::Index j = 0; j < k; ++j) dmu.row(j) += static_cast<T>(csum[j]) * mv.row(j) - ctz.row(j);
    }
  });
  const Eigen::Index n = zv.rows(), k = mv.rows();
  DenseBlock<T>& out = shaped(tape.mutable_value(q), n, k);
  DenseBlock<T>& base = shaped(tape.scratch(q, 0), n, k);
  each_row<T>(n, k * zv.cols(), [&](Eigen::Index i) {
    T total = 0;
    for (Eigen::Index j = 0; j < k; ++j) {
      base(i, j) = T{1} + (zv.row(i) - mv.row(j)).squaredNorm() / v;
      total += out(i, j) = std::pow(base(i, j), power);
    }
    out.row(i) /= total;
  });
  return q;
}

template <class T>
DenseBlock<T> target_distribution(const DenseBlock<T>& q) {
  const std::vector<double> f = graphclust::column_sums(q);
  DenseBlock<T> p(q.rows(), q.cols());
  each_row<T>(q.rows(), q.cols(), [&](Eigen::Index i) {
    T total = 0;
    for (Eigen::Index j = 0; j < q.cols(); ++j)
      total += p(i, j) = f[j] > 0 ? static_cast<T>(static_cast<double>(q(i, j)) * q(i, j) / f[j]) : T{0};
    if (total > T{0}) p.row(i) /= total;
  });
  return p;
}

template <class T>
Var<T> kl_divergence(Var<T> p, Var<T> q) {
  require_same_tape(p, q, "kl_divergence");
  Tape<T>& tape = q.tape();
  const DenseBlock<T>& pv = tape.value(p);
  const DenseBlock<T>& qv = tape.value(q);
  require_same_shape(pv, qv, "kl_divergence");
  if (qv.rows() == 0) throw InvalidArgument("kl_divergence: empty blocks");
  const double inv_n = 1.0 / static_cast<double>(qv.rows());
  // Only q is an input of the recorded op: P is a target and receives no gradient.
  Var<T> y = tape.record({q}, [p, q, inv_n](Tape<T>& t, Var<T> self) {
    const T g = static_cast<T>(t.grad(self)(0, 0) * inv_n);
    const T* pv = t.value(p).data();
    const T* qv = t.value(q).data();
    T* dq = t.accumulate_grad(q).data();
    for_elements(static_cast<std::size_t>(t.value(q).size()), [&](std::size_t i) {
      if (pv[i] != T{0}) dq[i] -= g * pv[i] / qv[i];
    });
  });
  const T* pd = pv.data();
  const T* qd = qv.data();
  const double s = fixed_order_sum(static_cast<std::size_t>(qv.size()), [&](std::size_t i) {
    const double a = pd[i];
    return a > 0 ? a * (std::log(a) - std::log(static_cast<double>(qd[i]))) : 0.0;
  });
  shaped(tape.mutable_value(y), 1, 1)(0, 0) = static_cast<T>(s * inv_n);
  return y;
}

#define GC_INSTANTIATE(T)                                                   \
  template Var<T> softmax_rows<T>(Var<T>);                                  \
  template Var<T> log_softmax_rows<T>(Var<T>);                              \
  template Var<T> logsumexp_rows<T>(Var<T>);                               \
  template Var<T> l2_normalize_rows<T>(Var<T>);                             \
  template Var<T> cosine_similarity<T>(Var<T>, Var<T>);                     \
  template Var<T> student_t_assignment<T>(Var<T>, Var<T>, double);          \
  template DenseBlock<T> target_distribution<T>(const DenseBlock<T>&);      \
  template Var<T> kl_divergence<T>(Var<T>, Var<T>);
GC_INSTANTIATE(float)
GC_INSTANTIATE(double)
#undef GC_INSTANTIATE

}  // namespace graphclust::learn
