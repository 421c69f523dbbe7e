#pragma once
/// Parallel vector reductions and dense-block helpers with a fixed summation order: the data are cut
/// into fixed-size blocks (independent of the thread count), blocks are reduced in parallel and the
/// partial results combined in block order. Same bits for 1 or 64 threads.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "graphclust/kernels/operator.hpp"

namespace graphclust {

template <class T> double dot(std::span<const T> x, std::span<const T> y);
template <class T> double sum(std::span<const T> x);
template <class T> double norm2(std::span<const T> x);
/// y += a * x
template <class T> void axpy(T a, std::span<const T> x, std::span<T> y);
/// x *= a
template <class T> void scale(T a, std::span<T> x);

/// C = A^T B for two n x k / n x m blocks (k x m result): the Gram/gradient product of the learned
/// families and of block orthogonalisation. Deterministic fixed-block reduction.
template <class T> DenseBlock<T> transpose_product(const DenseBlock<T>& a, const DenseBlock<T>& b);
/// C = A W for an n x k block and a small k x m matrix, parallel over row blocks.
template <class T> DenseBlock<T> block_product(const DenseBlock<T>& a, const DenseBlock<T>& w);
/// Scales every row to unit Euclidean norm (zero rows stay zero).
template <class T> void normalize_rows(DenseBlock<T>& x);
/// Index of the largest entry of each row (first one on ties): the hard readout of soft assignments.
template <class T> std::vector<std::int32_t> argmax_rows(const DenseBlock<T>& x);

}  // namespace graphclust
