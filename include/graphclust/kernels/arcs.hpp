#pragma once
/// Operators whose entries are computed per arc rather than read from the graph: the sparsity pattern
/// is the graph's, the value of arc e = (i, j) (out-CSR position e) comes from a vector of num_arcs()
/// values. GTVConv's Gamma_ij = a_ij / ||x_i - x_j||_1 and attention scores are such values.
///
///   compute        SDDMM: values[e] = f(x_i, x_j) for every stored arc
///   apply          Y = alpha V X + beta Y (V_ij = values[e]); transpose: V^T, a gather through the in-CSR
///   values_gradient  dvalues[e] = alpha <dY_i, X_j>, the backward of apply w.r.t. the values
///   compute_backward dX += sum_e dvalues[e] * d f(x_i, x_j) / dX, both endpoints
///
/// The transpose and the second endpoint of compute_backward need, for each in-CSR position, the
/// out-CSR position of the same arc (for undirected graphs: of the reverse arc). ArcOperator builds
/// that map once and keeps it. Every output row is written by one task in CSR order, so results are
/// bit-identical for any thread count; nothing is allocated per call.
#include <cstddef>
#include <span>
#include <vector>

#include "graphclust/kernels/operator.hpp"

namespace graphclust {

/// f(x_i, x_j) of compute(). L1Distance has subgradient sign(x_i - x_j), 0 where they are equal.
enum class ArcFunction { Dot, L1Distance, SquaredDistance };

template <class T>
class ArcOperator {
 public:
  /// Keeps a reference to `graph` (which must outlive the operator) and one index per arc.
  explicit ArcOperator(const Graph& graph);

  const Graph& graph() const noexcept { return *graph_; }
  std::size_t num_nodes() const noexcept { return graph_->num_nodes(); }
  std::size_t num_arcs() const noexcept { return graph_->num_arcs(); }
  /// The graph's weights as arc values (1 for an unweighted graph), in out-CSR order.
  std::vector<T> weights() const;
  /// Out-CSR position of the arc stored at each in-CSR position.
  std::span<const EdgeOffset> in_to_out() const noexcept { return in_to_out_; }

  /// Y = alpha * V X + beta * Y for k columns of row-major buffers with leading dimensions ldx, ldy
  /// (transpose: V^T). beta == 0 overwrites Y. X and Y must not overlap.
  void apply(std::span<const T> values, const T* x, std::size_t ldx, T* y, std::size_t ldy, std::size_t k,
             T alpha = T{1}, T beta = T{0}, bool transpose = false) const;
  /// dvalues[e] = alpha * <dY_i, X_j> for e = (i, j) (transpose: <dY_j, X_i>), plus dvalues[e] when
  /// `accumulate`: the gradient of apply's output w.r.t. the values.
  void values_gradient(const T* dy, std::size_t lddy, const T* x, std::size_t ldx, std::size_t k,
                       std::span<T> dvalues, T alpha = T{1}, bool transpose = false, bool accumulate = false) const;
  /// values[e] = f(x_i, x_j) over k columns of X.
  void compute(ArcFunction f, const T* x, std::size_t ldx, std::size_t k, std::span<T> values) const;
  /// dX += sum over arcs of dvalues[e] * (df/dx_i at row i, df/dx_j at row j).
  void compute_backward(ArcFunction f, const T* x, std::size_t ldx, std::size_t k, std::span<const T> dvalues,
                        T* dx, std::size_t lddx) const;
  /// out[i] = sum of the values on row i (transpose: on column i), summed in CSR order.
  void row_sums(std::span<const T> values, std::span<T> out, bool transpose = false) const;

 private:
  void check_values(std::size_t size, const char* who) const;

  const Graph* graph_;
  std::vector<EdgeOffset> in_to_out_;
};

extern template class ArcOperator<float>;
extern template class ArcOperator<double>;

}  // namespace graphclust
