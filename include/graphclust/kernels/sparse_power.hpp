#pragma once
/// Sparse matrices with explicit values (CSR, double) and their products: the r-th power of the
/// random-walk matrix D^-1 (A + wI), or the cumulative sum of its powers, formed sparsely.
///
/// Fill-in is the danger: nnz(M^r) grows like the r-hop neighbourhoods, which on a dense or
/// small-world graph quickly approaches n^2. Every product therefore counts its non-zeros first
/// (a symbolic pass) and matrix_power() refuses, naming the count, past a caller-given limit.
///
/// Rows are computed independently: the entries of one output row are summed in a fixed order
/// (a's row in CSR order, then b's rows in CSR order), so results are bit-identical for any thread
/// count.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/kernels/operator.hpp"

namespace graphclust {

/// CSR with double values; column indices sorted and unique within each row.
struct SparseMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<EdgeOffset> offsets;  ///< rows + 1
  std::vector<NodeId> indices;
  std::vector<double> values;

  std::size_t nonzeros() const noexcept { return indices.size(); }
  /// Dense copy (tests and the small exact baselines only: O(rows * cols) memory).
  DenseBlock<double> to_dense() const;
};

/// D^-1 (A_sym + w I) of the graph's symmetric view (A + A^T when directed), w = self_loop_weight
/// (>= 0). A row whose A_sym + wI sum is 0 (an isolated node with w = 0) stays empty.
SparseMatrix random_walk_matrix(const Graph& graph, double self_loop_weight = 1.0);

/// Number of non-zeros of a * b, without forming it (the symbolic pass).
std::size_t product_nonzeros(const SparseMatrix& a, const SparseMatrix& b);
/// a * b. Throws InvalidArgument when the inner dimensions differ.
SparseMatrix multiply(const SparseMatrix& a, const SparseMatrix& b);
/// a + b (same shape).
SparseMatrix add(const SparseMatrix& a, const SparseMatrix& b);

struct MatrixPowerOptions {
  int order = 1;                              ///< r >= 1
  bool cumulative = false;                    ///< M + M^2 + ... + M^r instead of M^r
  std::size_t max_nonzeros = 100'000'000;     ///< refuse past this many stored entries
  Progress progress;                          ///< told after each product (and may throw to cancel)
};

/// M^r (or the cumulative sum) of a square matrix. Before each product it counts the entries the
/// product would create; past options.max_nonzeros it throws InvalidArgument naming `who`, the power
/// reached, that count and the limit, and forms nothing.
SparseMatrix matrix_power(const SparseMatrix& m, const MatrixPowerOptions& options, std::string_view who = "matrix_power");

/// The sparsity pattern of a square matrix whose pattern is symmetric, as an undirected unweighted
/// Graph whose out-CSR positions are the matrix's entry positions (so per-entry values line up with
/// ArcOperator's arc order). Throws InvalidArgument when the pattern is not symmetric.
Graph pattern_graph(const SparseMatrix& m);

}  // namespace graphclust
