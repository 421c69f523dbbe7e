#pragma once
/// The shared sparse kernels: y = Op x (SpMV) and Y = Op X (SpMM, X an n x k row-major block) for
/// the operators every family uses, computed straight from the graph's CSR with TBB — the matrix is
/// never formed or copied.
///
///   Adjacency           A
///   SymNormalized       D_out^-1/2 A D_in^-1/2    (undirected: D^-1/2 A D^-1/2)
///   RandomWalk          D_out^-1 A
///   Laplacian           D_out - A
///   SymLaplacian        I - D_out^-1/2 A D_in^-1/2
///   RandomWalkLaplacian I - D_out^-1 A
///
/// `transpose` applies the transpose (via the stored in-CSR: still a gather, no atomics).
/// `degree_regularization` tau adds tau to every degree used in a normalisation (regularised
/// spectral clustering); a zero degree otherwise contributes a zero row/column, never a NaN.
/// `shift` adds shift * I (Spectra wants N + I so that the wanted end of the spectrum is largest).
/// `symmetrize` makes every kind act on the graph's symmetric view (Graph::for_each_sym): for a
/// directed graph A + A^T with degrees d_out + d_in (a reciprocated pair of arcs weighs 2), for an
/// undirected one A itself. Each row gathers its out-row, then its in-row: no second graph is built.
/// `self_loop_weight` w replaces A by A + w I *before* normalising, so w counts in the degrees:
/// SymNormalized is D~_out^-1/2 (A + wI) D~_in^-1/2 and RandomWalk D~_out^-1 (A + wI) with
/// D~ = D + w (GCN's renormalisation trick, DIGRAC's fill value). Loops already in the graph stay;
/// w is added on top. `shift` in contrast is added after normalisation, unscaled.
/// `reverse` builds the operator on the reversed graph (A^T in place of A, in- and out-degrees
/// swapped): RandomWalk then row-normalises A^T by in-degree, D_in^-1 A^T, which `transpose`
/// (A^T D_out^-1) is not — DIGRAC's target branch. `transpose` still applies on top. No effect on
/// undirected graphs or with `symmetrize`.
///
/// Each output row is summed in CSR order by exactly one task, so results are bit-identical for
/// every thread count. GraphOperator<double> is a Spectra operator (rows/cols/perform_op).
#include <cstddef>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "graphclust/core/describe.hpp"
#include "graphclust/graph/graph.hpp"

namespace graphclust {

enum class OperatorKind { Adjacency, SymNormalized, RandomWalk, Laplacian, SymLaplacian, RandomWalkLaplacian };

template <>
struct EnumTable<OperatorKind> {
  static constexpr std::array entries{EnumName<OperatorKind>{OperatorKind::Adjacency, "adjacency"},
                                      EnumName<OperatorKind>{OperatorKind::SymNormalized, "sym"},
                                      EnumName<OperatorKind>{OperatorKind::RandomWalk, "rw"},
                                      EnumName<OperatorKind>{OperatorKind::Laplacian, "laplacian"},
                                      EnumName<OperatorKind>{OperatorKind::SymLaplacian, "sym_laplacian"},
                                      EnumName<OperatorKind>{OperatorKind::RandomWalkLaplacian, "rw_laplacian"}};
};

struct OperatorOptions {
  OperatorKind kind = OperatorKind::Adjacency;
  bool transpose = false;
  double degree_regularization = 0.0;
  double shift = 0.0;
  double self_loop_weight = 0.0;  ///< w >= 0: normalise A + wI (see above)
  bool symmetrize = false;        ///< act on the symmetric view (see above)
  bool reverse = false;           ///< act on the reversed graph A^T (see above)
};

/// Row-major dense block: row i belongs to node i. The layout every SpMM and learned family shares.
template <class T>
using DenseBlock = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class T>
class GraphOperator {
 public:
  using Scalar = T;  // Spectra's operator concept
  /// Keeps a reference to `graph` (which must outlive the operator) and O(n) scaling vectors.
  GraphOperator(const Graph& graph, const OperatorOptions& options = {});

  Eigen::Index rows() const noexcept { return static_cast<Eigen::Index>(n_); }
  Eigen::Index cols() const noexcept { return static_cast<Eigen::Index>(n_); }
  const OperatorOptions& options() const noexcept { return options_; }
  const Graph& graph() const noexcept { return *graph_; }

  /// y = Op x; x and y have n entries and must not overlap.
  void apply(std::span<const T> x, std::span<T> y) const;
  /// Spectra's name for apply.
  void perform_op(const T* x_in, T* y_out) const { apply({x_in, n_}, {y_out, n_}); }
  /// Y = Op X for an n x k block (k >= 1), Y resized to n x k.
  void apply_block(const DenseBlock<T>& x, DenseBlock<T>& y) const;
  /// Raw form of apply_block on row-major buffers of n*k entries.
  void apply_block(const T* x, T* y, std::size_t k) const;
  /// Y = alpha * Op X + beta * Y on column sub-blocks, without allocating: x and y point at the first
  /// of k columns inside row-major buffers whose rows are ldx and ldy entries apart (ld >= k), e.g.
  /// a slice of a wider block (residuals, gradient accumulation with beta = 1). beta == 0 overwrites
  /// Y without reading it. X and Y must not overlap.
  void apply_strided(const T* x, std::size_t ldx, T* y, std::size_t ldy, std::size_t k, T alpha = T{1},
                     T beta = T{0}) const;

 private:
  const Graph* graph_;
  OperatorOptions options_;
  std::size_t n_;
  const CsrArrays* csr_;
  const CsrArrays* second_ = nullptr;  // in-rows summed after csr_'s rows (symmetric view of a digraph)
  std::vector<T> left_;   // row scaling (empty = identity)
  std::vector<T> right_;  // column scaling (empty = identity)
  std::vector<T> diag_;   // diagonal term (empty = none)
  T sign_;                // -1 for the Laplacians
  std::vector<NodeId> row_splits_;  // row blocks of roughly equal nnz for load balance
};

extern template class GraphOperator<float>;
extern template class GraphOperator<double>;

}  // namespace graphclust
