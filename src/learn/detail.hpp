#pragma once
// Private helpers shared by the op files of src/learn.
#include <cstddef>
#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/learn/tape.hpp"

namespace graphclust::learn::detail {

inline constexpr std::size_t kElementGrain = 1 << 14;

inline std::string shape(const auto& m) { return std::to_string(m.rows()) + " x " + std::to_string(m.cols()); }

template <class T>
void require_same_shape(const DenseBlock<T>& a, const DenseBlock<T>& b, const char* who) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw InvalidArgument(std::string(who) + ": shapes differ (" + shape(a) + " vs " + shape(b) + ")");
}

template <class T>
void require_shape(const DenseBlock<T>& a, Eigen::Index rows, Eigen::Index cols, const char* who, const char* what) {
  if (a.rows() != rows || a.cols() != cols)
    throw InvalidArgument(std::string(who) + ": " + what + " is " + shape(a) + ", expected " + std::to_string(rows) +
                          " x " + std::to_string(cols));
}

template <class T>
void require_same_tape(Var<T> a, Var<T> b, const char* who) {
  if (&a.tape() != &b.tape()) throw InvalidArgument(std::string(who) + ": inputs from different tapes");
}

/// f(i) for every flat index of `count` entries, in parallel; each index written by one task.
template <class F>
void for_elements(std::size_t count, F&& f) {
  parallel_for_ranges(count, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) f(i);
  }, kElementGrain);
}

/// f(begin, end) on row ranges of a block with `cols` columns, in parallel (row-local work only).
template <class F>
void for_rows(Eigen::Index rows, Eigen::Index cols, F&& f) {
  const std::size_t grain = std::max<std::size_t>(1, kElementGrain / static_cast<std::size_t>(std::max<Eigen::Index>(1, cols)));
  parallel_for_ranges(static_cast<std::size_t>(rows), f, grain);
}

/// Sets `out` to the shape of rows x cols, reusing its storage when the size repeats.
template <class T>
DenseBlock<T>& shaped(DenseBlock<T>& out, Eigen::Index rows, Eigen::Index cols) {
  if (out.rows() != rows || out.cols() != cols) out.resize(rows, cols);
  return out;
}

}  // namespace graphclust::learn::detail
