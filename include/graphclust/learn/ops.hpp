#pragma once
/// Differentiable whole-matrix ops recorded on a Tape (learn/tape.hpp). Each op checks its shapes
/// (InvalidArgument naming them), computes its value with the shared kernels and records a backward.
/// All ops exist for float and double. "n x k" below means rows x columns of a DenseBlock; a scalar
/// is 1 x 1. Outputs are bit-identical for any thread count (row-local loops, fixed-order sums).
///
/// Nothing here forms an n x n dense matrix: graph structure enters through Propagator (a fixed
/// normalised operator) and ArcOperator (per-arc values on the graph's sparsity pattern).
#include <cstdint>
#include <span>
#include <vector>

#include "graphclust/kernels/arcs.hpp"
#include "graphclust/kernels/dense.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/learn/tape.hpp"

namespace graphclust::learn {

// --- linear algebra -----------------------------------------------------------------------------
/// A W: n x k times a small k x m (a weight); fixed row tiles.
template <class T> Var<T> matmul(Var<T> a, Var<T> w);
/// A^T B: n x k and n x m to k x m (fixed-order transpose_product): cut matrices, Gram blocks.
template <class T> Var<T> matmul_tn(Var<T> a, Var<T> b);
/// A B^T: n x d and a small k x d to n x k (similarity against k rows).
template <class T> Var<T> matmul_nt(Var<T> a, Var<T> b);
/// X + 1 b: adds the 1 x m row b to every row of X (a bias; negate b for a per-column offset).
template <class T> Var<T> add_bias(Var<T> x, Var<T> b);
/// diag(s) X: row i of X times s_i, s n x 1.
template <class T> Var<T> scale_rows(Var<T> x, Var<T> s);
/// [X_1 X_2 ...]: blocks with equal row counts side by side.
template <class T> Var<T> concat_cols(std::span<const Var<T>> xs);
template <class T> Var<T> concat_cols(std::initializer_list<Var<T>> xs) {
  return concat_cols(std::span<const Var<T>>(xs.begin(), xs.size()));
}
/// Columns [begin, begin + count) of X.
template <class T> Var<T> slice_cols(Var<T> x, Eigen::Index begin, Eigen::Index count);

// --- sparse constants ---------------------------------------------------------------------------
/// A constant sparse block in CSR form with its transpose (CSC), for inputs that are mostly zeros
/// (bag-of-words node features): X W then costs O(nnz m) instead of O(n d m).
template <class T>
struct SparseRows {
  Eigen::Index rows = 0, cols = 0;
  std::vector<std::int64_t> offsets;        ///< rows + 1 row starts
  std::vector<std::int32_t> columns;        ///< column of each stored entry, increasing within a row
  std::vector<T> values;
  std::vector<std::int64_t> col_offsets;    ///< cols + 1 starts of the transpose
  std::vector<std::int32_t> col_rows;       ///< row of each entry of the transpose, increasing within a column
  std::vector<T> col_values;
  /// The non-zeros of `x`.
  static SparseRows from_dense(const DenseBlock<T>& x);
  std::size_t nnz() const noexcept { return values.size(); }
};
/// X W for a constant sparse n x d X and a d x m W; the gradient reaches W as X^T dY (gathered per
/// row of W through the transpose: fixed order, no scatter). `x` must outlive the pass.
template <class T> Var<T> sparse_matmul(const SparseRows<T>& x, Var<T> w);

// --- graph --------------------------------------------------------------------------------------
/// A fixed graph operator and its transpose, built once per graph: propagate() applies the first
/// and its backward the second (a gather through the in-CSR). Keeps a reference to the graph.
template <class T>
class Propagator {
 public:
  Propagator(const Graph& graph, const OperatorOptions& options);
  const GraphOperator<T>& op() const noexcept { return forward_; }
  const GraphOperator<T>& transposed() const noexcept { return backward_; }
  const Graph& graph() const noexcept { return forward_.graph(); }

 private:
  GraphOperator<T> forward_;
  GraphOperator<T> backward_;
};
/// Op X for an n x k block X. `p` must outlive the pass.
template <class T> Var<T> propagate(Var<T> x, const Propagator<T>& p);
/// values[e] = f(x_i, x_j) for every arc e = (i, j): an num_arcs x 1 column (SDDMM). Gradients flow
/// to both endpoints (L1: subgradient sign, 0 at ties).
template <class T> Var<T> arc_values(Var<T> x, ArcFunction f, const ArcOperator<T>& arcs);
/// V X (transpose: V^T X) where V has the graph's pattern and the num_arcs x 1 `values`; gradients
/// flow to X and to the values (dvalues_e = <dY_i, X_j>).
template <class T>
Var<T> arc_propagate(Var<T> values, Var<T> x, const ArcOperator<T>& arcs, bool transpose = false);
/// n x 1 row sums of V (transpose: column sums): D_Gamma of a Laplacian D_Gamma - Gamma.
template <class T> Var<T> arc_row_sums(Var<T> values, const ArcOperator<T>& arcs, bool transpose = false);

// --- elementwise (equal shapes) -----------------------------------------------------------------
template <class T> Var<T> add(Var<T> a, Var<T> b);
template <class T> Var<T> sub(Var<T> a, Var<T> b);
template <class T> Var<T> mul(Var<T> a, Var<T> b);
template <class T> Var<T> div(Var<T> a, Var<T> b);
/// a X + b Y with constant a, b.
template <class T> Var<T> axpby(double a, Var<T> x, double b, Var<T> y);
/// c X for a constant c.
template <class T> Var<T> scale(Var<T> x, double c);
/// X + c for a constant c (e.g. an epsilon before log).
template <class T> Var<T> add_scalar(Var<T> x, double c);
/// s X for a learned 1 x 1 s: the gradient reaches s as <dY, X>.
template <class T> Var<T> mul_scalar(Var<T> x, Var<T> s);
/// sum_h w_h X_h with learned weights w (1 x k or k x 1, one per block): DIGRAC's hop weights.
template <class T> Var<T> weighted_sum(std::span<const Var<T>> xs, Var<T> w);
template <class T> Var<T> square(Var<T> x);
/// Natural log; callers keep x > 0 (add_scalar for an epsilon guard).
template <class T> Var<T> log(Var<T> x);
template <class T> Var<T> exp(Var<T> x);
/// |x| with subgradient sign(x) (0 at 0).
template <class T> Var<T> abs(Var<T> x);
/// max(x, lo); the derivative is 0 where clamped (TVGNN's eps floor).
template <class T> Var<T> clamp_min(Var<T> x, double lo);
/// The value of X, with no gradient flowing back (a hard assignment, a target).
template <class T> Var<T> detach(Var<T> x);

template <class T> Var<T> activation(Var<T> x, Activation act);
template <class T> Var<T> relu(Var<T> x) { return activation(x, Activation::Relu); }
template <class T> Var<T> elu(Var<T> x) { return activation(x, Activation::Elu); }
template <class T> Var<T> tanh(Var<T> x) { return activation(x, Activation::Tanh); }
template <class T> Var<T> sigmoid(Var<T> x) { return activation(x, Activation::Sigmoid); }

/// Inverted dropout: each entry is zeroed with probability `rate`, survivors scaled by 1/(1 - rate).
/// Entry i's fate is uniform(key.seed, key.stream, i), so the mask does not depend on threads.
/// Returns x itself when rate == 0. rate in [0, 1).
template <class T> Var<T> dropout(Var<T> x, double rate, RandomKey key);
/// The same with the tape's next key (Tape::next_random()), or x itself when !training.
template <class T> Var<T> dropout(Var<T> x, double rate, bool training);

// --- rows ---------------------------------------------------------------------------------------
template <class T> Var<T> softmax_rows(Var<T> x);
template <class T> Var<T> log_softmax_rows(Var<T> x);
/// n x 1: log sum_c exp(x_ic).
template <class T> Var<T> logsumexp_rows(Var<T> x);
/// Rows scaled to unit norm; zero rows stay zero and pass no gradient.
template <class T> Var<T> l2_normalize_rows(Var<T> x);
/// cos(a_i, b_j) as an n x k block: l2_normalize_rows(a) times l2_normalize_rows(b)^T; b small.
template <class T> Var<T> cosine_similarity(Var<T> a, Var<T> b);

// --- reductions ---------------------------------------------------------------------------------
/// 1 x 1 sums in double, in a fixed order.
template <class T> Var<T> sum(Var<T> x);
template <class T> Var<T> mean(Var<T> x);
template <class T> Var<T> sum_squares(Var<T> x);
/// 1 x m column sums (fixed order).
template <class T> Var<T> column_sums(Var<T> x);
/// n x 1 row sums.
template <class T> Var<T> row_sums(Var<T> x);
/// 1 x m: entry `rank` of each column sorted descending (rank 0 = max). The chosen rows are held
/// fixed in the backward pass, as autograd through a sort does.
template <class T> Var<T> column_kth_largest(Var<T> x, std::size_t rank);
/// m x 1: X's entries at the given row-major flat indices (a non-differentiable selection of terms;
/// the gradient flows to the selected entries only).
template <class T> Var<T> select_entries(Var<T> x, std::span<const std::int64_t> flat_indices);

// --- clustering heads and losses ----------------------------------------------------------------
/// Student-t soft assignment of rows z_i (n x d) to centres mu_j (K x d, usually a parameter):
/// q_ij proportional to (1 + ||z_i - mu_j||^2 / dof)^(-(dof + 1) / 2), each row summing to 1.
template <class T> Var<T> student_t_assignment(Var<T> z, Var<T> mu, double dof = 1.0);
/// DEC's sharpened target p_ij proportional to q_ij^2 / f_j (f_j = column sums of q), rows summing
/// to 1. A plain function: the target is held fixed within a step.
template <class T> DenseBlock<T> target_distribution(const DenseBlock<T>& q);
/// KL(P || Q) averaged over rows, (1/n) sum_ij p_ij log(p_ij / q_ij) (0 log 0 = 0). P is a
/// constant target: no gradient flows into it. Q must be positive where P is.
template <class T> Var<T> kl_divergence(Var<T> p, Var<T> q);

}  // namespace graphclust::learn
