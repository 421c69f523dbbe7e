#include "graphclust/kernels/reduce.hpp"

#include <cmath>
#include <numeric>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"

namespace graphclust {
namespace {

void check_sizes(std::size_t a, std::size_t b, const char* what) {
  if (a != b)
    throw InvalidArgument(std::string(what) + ": sizes differ (" + std::to_string(a) + " vs " + std::to_string(b) + ")");
}

/// Rows per tile of block_product. Fixed, because where a GEMM's row range starts changes its
/// rounding (Eigen handles leftover rows with other kernels): tiles that followed the thread count
/// would make the result follow it too.
constexpr std::size_t kProductTile = 2048;

}  // namespace

template <class T>
double dot(std::span<const T> x, std::span<const T> y) {
  check_sizes(x.size(), y.size(), "dot");
  return fixed_order_sum(x.size(), [&](std::size_t i) { return static_cast<double>(x[i]) * y[i]; });
}
template <class T>
double sum(std::span<const T> x) {
  return fixed_order_sum(x.size(), [&](std::size_t i) { return static_cast<double>(x[i]); });
}
template <class T>
double norm2(std::span<const T> x) {
  return std::sqrt(dot<T>(x, x));
}
template <class T>
void axpy(T a, std::span<const T> x, std::span<T> y) {
  check_sizes(x.size(), y.size(), "axpy");
  parallel_for_nodes(x.size(), [&](std::size_t i) { y[i] += a * x[i]; });
}
template <class T>
void scale(T a, std::span<T> x) {
  parallel_for_nodes(x.size(), [&](std::size_t i) { x[i] *= a; });
}

template <class T>
DenseBlock<T> transpose_product(const DenseBlock<T>& a, const DenseBlock<T>& b) {
  check_sizes(static_cast<std::size_t>(a.rows()), static_cast<std::size_t>(b.rows()), "transpose_product");
  return fixed_order_reduce(
      static_cast<std::size_t>(a.rows()), DenseBlock<T>(DenseBlock<T>::Zero(a.cols(), b.cols())),
      [&](std::size_t begin, std::size_t end) -> DenseBlock<T> {
        const auto first = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
        return a.middleRows(first, len).transpose() * b.middleRows(first, len);
      },
      [](DenseBlock<T> acc, const DenseBlock<T>& part) {
        acc += part;
        return acc;
      });
}

template <class T>
DenseBlock<T> block_product(const DenseBlock<T>& a, const DenseBlock<T>& w) {
  if (a.cols() != w.rows())
    throw InvalidArgument("block_product: " + std::to_string(a.cols()) + " columns times " + std::to_string(w.rows()) +
                          " rows");
  DenseBlock<T> c(a.rows(), w.cols());
  for_each_chunk(static_cast<std::size_t>(a.rows()), kProductTile, [&](std::size_t, std::size_t begin, std::size_t end) {
    const auto first = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
    c.middleRows(first, len).noalias() = a.middleRows(first, len) * w;
  });
  return c;
}

template <class T>
void normalize_rows(DenseBlock<T>& x) {
  parallel_for_nodes(x.rows(), [&](std::size_t i) {
    const T norm = x.row(i).norm();
    if (norm > 0) x.row(i) /= norm;
  });
}

template <class T>
std::vector<std::int32_t> argmax_rows(const DenseBlock<T>& x) {
  std::vector<std::int32_t> out(x.rows(), -1);
  if (x.cols() == 0) return out;
  parallel_for_nodes(x.rows(), [&](std::size_t i) {
    Eigen::Index best = 0;
    for (Eigen::Index c = 1; c < x.cols(); ++c)
      if (x(i, c) > x(i, best)) best = c;
    out[i] = static_cast<std::int32_t>(best);
  });
  return out;
}

#define GC_INSTANTIATE(T)                                                   \
  template double dot<T>(std::span<const T>, std::span<const T>);           \
  template double sum<T>(std::span<const T>);                               \
  template double norm2<T>(std::span<const T>);                             \
  template void axpy<T>(T, std::span<const T>, std::span<T>);               \
  template void scale<T>(T, std::span<T>);                                  \
  template DenseBlock<T> transpose_product<T>(const DenseBlock<T>&, const DenseBlock<T>&); \
  template DenseBlock<T> block_product<T>(const DenseBlock<T>&, const DenseBlock<T>&);     \
  template void normalize_rows<T>(DenseBlock<T>&);                          \
  template std::vector<std::int32_t> argmax_rows<T>(const DenseBlock<T>&);
GC_INSTANTIATE(float)
GC_INSTANTIATE(double)
#undef GC_INSTANTIATE

}  // namespace graphclust
