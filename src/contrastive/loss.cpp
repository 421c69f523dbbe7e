#include "contrastive/loss.hpp"

#include <string>

#include "graphclust/core/error.hpp"

namespace graphclust::contrastive_detail {

using learn::Tape;
using learn::Var;

namespace {
constexpr double kLogGuard = 1e-10;  // the reference's guard inside every log
}

template <class T>
PowerPattern<T>::PowerPattern(const SparseMatrix& w) : graph_(pattern_graph(w)), arcs_(graph_) {
  const auto nnz = static_cast<Eigen::Index>(w.nonzeros());
  weights_.resize(nnz, 1);
  off_diagonal_.resize(nnz, 1);
  for (std::size_t i = 0; i < w.rows; ++i)
    for (EdgeOffset e = w.offsets[i]; e < w.offsets[i + 1]; ++e) {
      weights_(static_cast<Eigen::Index>(e), 0) = static_cast<T>(w.values[e]);
      off_diagonal_(static_cast<Eigen::Index>(e), 0) = w.indices[e] == i ? T{0} : T{1};
    }
}

template <class T>
Var<T> sparse_positive_term(Var<T> z, const PowerPattern<T>& w, double tau) {
  Tape<T>& t = z.tape();
  const Var<T> s = learn::mul(learn::arc_values(learn::l2_normalize_rows(z), ArcFunction::Dot, w.arcs()),
                              t.constant(w.off_diagonal()));
  const Var<T> weighted = learn::mul(t.constant(w.weights()), learn::exp(learn::scale(s, tau)));
  const Var<T> pos = learn::arc_row_sums(weighted, w.arcs());
  return learn::scale(learn::mean(learn::log(learn::add_scalar(pos, kLogGuard))), -1.0);
}

template <class T>
DenseBlock<T> cluster_indicator(std::span<const std::int32_t> labels, int k) {
  std::vector<Eigen::Index> column(static_cast<std::size_t>(k), -1);
  for (std::int32_t l : labels) {
    if (l < 0 || l >= k) throw InvalidArgument("cluster_indicator: label " + std::to_string(l) + " outside [0, k)");
    column[static_cast<std::size_t>(l)] = 0;
  }
  Eigen::Index used = 0;
  for (auto& c : column)
    if (c == 0) c = used++;
  DenseBlock<T> out = DenseBlock<T>::Zero(static_cast<Eigen::Index>(labels.size()), used);
  for (std::size_t i = 0; i < labels.size(); ++i) out(static_cast<Eigen::Index>(i), column[labels[i]]) = T{1};
  return out;
}

template <class T>
Var<T> meta_node_negative_term(Var<T> z, const DenseBlock<T>& indicator, double tau) {
  Tape<T>& t = z.tape();
  const Eigen::Index k = indicator.cols();
  const DenseBlock<T> off = DenseBlock<T>::Ones(k, k) - DenseBlock<T>::Identity(k, k);
  const Var<T> meta = learn::matmul_tn(t.constant_copy(indicator), z);
  const Var<T> c = learn::mul(learn::cosine_similarity(meta, meta), t.constant_copy(off));
  const Var<T> neg = learn::row_sums(learn::exp(learn::scale(c, tau)));
  return learn::mean(learn::log(learn::add_scalar(neg, kLogGuard)));
}

template <class T>
Var<T> exact_contrastive_loss(Var<T> z, const DenseBlock<T>& w_dense, double tau) {
  Tape<T>& t = z.tape();
  const Eigen::Index n = z.rows();
  if (w_dense.rows() != n || w_dense.cols() != n)
    throw InvalidArgument("exact_contrastive_loss: W is " + std::to_string(w_dense.rows()) + " x " +
                          std::to_string(w_dense.cols()) + " for " + std::to_string(n) + " nodes");
  // The reference's (1 - I) * S: subtracting the (constant) diagonal leaves s_ii = 0 exactly; its
  // gradient through S is 0 anyway (cos(z_i, z_i) is constant).
  const Var<T> zn = learn::l2_normalize_rows(z);
  const Var<T> s_full = learn::matmul_nt(zn, zn);
  DenseBlock<T> diagonal = DenseBlock<T>::Zero(n, n);
  diagonal.diagonal() = s_full.value().diagonal();
  const Var<T> s = learn::sub(s_full, t.constant_copy(diagonal));
  const Var<T> e = learn::exp(learn::scale(s, tau));
  const Var<T> pos = learn::row_sums(learn::mul(e, t.constant(w_dense)));
  const Var<T> neg = learn::row_sums(e);
  return learn::sub(learn::mean(learn::log(learn::add_scalar(neg, kLogGuard))),
                    learn::mean(learn::log(learn::add_scalar(pos, kLogGuard))));
}

template <class T>
Var<T> reconstruction_loss(Var<T> x_bar, Var<T> x) {
  return learn::mean(learn::square(learn::sub(x_bar, x)));
}

#define GRAPHCLUST_CONTRASTIVE_LOSS(T)                                                             \
  template class PowerPattern<T>;                                                                  \
  template Var<T> sparse_positive_term(Var<T>, const PowerPattern<T>&, double);                    \
  template DenseBlock<T> cluster_indicator<T>(std::span<const std::int32_t>, int);                 \
  template Var<T> meta_node_negative_term(Var<T>, const DenseBlock<T>&, double);                   \
  template Var<T> exact_contrastive_loss(Var<T>, const DenseBlock<T>&, double);                    \
  template Var<T> reconstruction_loss(Var<T>, Var<T>);
GRAPHCLUST_CONTRASTIVE_LOSS(float)
GRAPHCLUST_CONTRASTIVE_LOSS(double)
#undef GRAPHCLUST_CONTRASTIVE_LOSS

}  // namespace graphclust::contrastive_detail
