#pragma once
// Private: the loss terms of SCGC / SCGC* / PamC on the learn/ engine (float and double).
#include <cstdint>
#include <span>
#include <vector>

#include "graphclust/kernels/arcs.hpp"
#include "graphclust/kernels/sparse_power.hpp"
#include "graphclust/learn/learn.hpp"

namespace graphclust::contrastive_detail {

/// The positive-weight matrix W on its sparsity pattern: the arcs (ArcOperator over the pattern
/// graph), W's values and a 0/1 mask that is 0 on the diagonal (s_ii = 0), both num_arcs x 1.
template <class T>
class PowerPattern {
 public:
  explicit PowerPattern(const SparseMatrix& w);
  PowerPattern(const PowerPattern&) = delete;
  PowerPattern& operator=(const PowerPattern&) = delete;
  const ArcOperator<T>& arcs() const noexcept { return arcs_; }
  const DenseBlock<T>& weights() const noexcept { return weights_; }
  const DenseBlock<T>& off_diagonal() const noexcept { return off_diagonal_; }

 private:
  Graph graph_;
  ArcOperator<T> arcs_;
  DenseBlock<T> weights_, off_diagonal_;
};

/// -mean_i log(sum_j W_ij exp(tau s_ij) + 1e-10) over W's non-zeros; s = cosine with s_ii = 0.
template <class T>
learn::Var<T> sparse_positive_term(learn::Var<T> z, const PowerPattern<T>& w, double tau);

/// One-hot n x K' block of the non-empty clusters of `labels` (K' <= k columns, in label order).
template <class T>
DenseBlock<T> cluster_indicator(std::span<const std::int32_t> labels, int k);

/// mean_k log(sum_l exp(tau C_kl) + 1e-10), C the cosine matrix (zeroed diagonal) among the
/// meta-nodes c = indicator^T z (the indicator is a constant: the assignment is detached).
template <class T>
learn::Var<T> meta_node_negative_term(learn::Var<T> z, const DenseBlock<T>& indicator, double tau);

/// Exact (SCGC): mean_i [ -log(sum_j W_ij e^{tau s_ij} + 1e-10) + log(sum_j e^{tau s_ij} + 1e-10) ]
/// with the dense n x n W and s_ii = 0.
template <class T>
learn::Var<T> exact_contrastive_loss(learn::Var<T> z, const DenseBlock<T>& w_dense, double tau);

/// Mean squared error over all entries (torch's F.mse_loss).
template <class T>
learn::Var<T> reconstruction_loss(learn::Var<T> x_bar, learn::Var<T> x);

}  // namespace graphclust::contrastive_detail
