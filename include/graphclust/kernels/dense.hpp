#pragma once
/// Dense-block kernels for the learned families: activations, row softmax, fixed-order column sums,
/// per-column ranks and small similarity products, parallel over rows through core/parallel.hpp.
/// Row-local kernels write each row from one task; column reductions combine fixed row blocks in
/// block order, so every result is bit-identical for any thread count.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "graphclust/kernels/operator.hpp"

namespace graphclust {

/// Rows per tile of the dense products below (for_each_chunk). Fixed, because where a GEMM's row
/// range starts and ends changes its rounding (Eigen treats leftover rows with other kernels): tiles
/// that followed the thread count would make results follow it too. Smaller than block_product's
/// tiles: training blocks are narrow, and a few thousand rows should still use both cores.
inline constexpr std::size_t kDenseTile = 256;

/// C = A W (C += A W when `accumulate`) for an n x k block A and a small k x m matrix W, on fixed row
/// tiles: bit-identical for any thread count, and no allocation once C has its n x m shape.
/// `transpose_w` uses W^T instead (W then m x k), e.g. dX = dY W^T in a backward pass.
template <class T>
void product_into(const DenseBlock<T>& a, const DenseBlock<T>& w, DenseBlock<T>& c, bool accumulate = false,
                  bool transpose_w = false);

/// Elementwise activations. Elu uses alpha = 1 (torch's default); Identity copies.
enum class Activation { Identity, Relu, Elu, Tanh, Sigmoid };

/// y = act(x) elementwise; y may be x itself.
template <class T> void activate(Activation act, std::span<const T> x, std::span<T> y);
/// dx = dy * act'(x) (dx += ... when `accumulate`), given both the input x and the output y = act(x):
/// tanh, sigmoid and elu differentiate more cheaply from y.
template <class T>
void activate_backward(Activation act, std::span<const T> x, std::span<const T> y, std::span<const T> dy,
                       std::span<T> dx, bool accumulate);

/// y = softmax of each row of x (max-shifted, so large logits do not overflow). y may be x.
template <class T> void softmax_rows(const DenseBlock<T>& x, DenseBlock<T>& y);
/// y = log softmax of each row of x. y may be x.
template <class T> void log_softmax_rows(const DenseBlock<T>& x, DenseBlock<T>& y);
/// out[i] = log sum_c exp(x_ic), max-shifted; out has x.rows() entries.
template <class T> void logsumexp_rows(const DenseBlock<T>& x, std::span<T> out);
/// out[i] = Euclidean norm of row i; out has x.rows() entries.
template <class T> void row_norms(const DenseBlock<T>& x, std::span<T> out);

/// Column sums in double over fixed row blocks combined in block order.
template <class T> std::vector<double> column_sums(const DenseBlock<T>& x);
/// Shifts every column to zero mean and scales it to unit (population) variance; a constant column
/// is only centred. Spectral embeddings used as features need it: their entries are of order
/// n^-1/2, far below the scale a Xavier-initialised network expects.
template <class T> void standardize_columns(DenseBlock<T>& x);

/// The entry of each column at position `rank` when that column is sorted in descending order
/// (rank 0 = the largest), and the row it came from (the lowest row among equal values), e.g. the
/// quantile of TVGNN's balance term. Throws InvalidArgument when rank >= rows.
template <class T>
struct ColumnRank {
  std::vector<T> values;
  std::vector<std::int64_t> rows;
};
template <class T> ColumnRank<T> column_kth_largest(const DenseBlock<T>& x, std::size_t rank);

/// C = A B^T for an m x d block A and a small k x d block B (m x k result), on fixed row tiles of A:
/// similarity scores against a few centres or meta-nodes (cosine similarity after normalize_rows).
/// No n x n product is ever formed here: callers keep B small.
template <class T> DenseBlock<T> similarity(const DenseBlock<T>& a, const DenseBlock<T>& b);

}  // namespace graphclust
