#include "graphclust/kernels/reduce.hpp"

#include <cmath>
#include <numeric>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "graphclust/core/error.hpp"

namespace graphclust {
namespace {

constexpr std::size_t kBlock = 8192;  // fixed: the summation order must not depend on the thread count

/// Sums f(i) over [0, n) in fixed blocks; block partials are added in block order.
template <class F>
double fixed_order_sum(std::size_t n, F f) {
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  if (blocks <= 1) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += f(i);
    return s;
  }
  std::vector<double> partial(blocks);
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
    double s = 0;
    for (std::size_t i = b * kBlock, e = std::min(n, i + kBlock); i < e; ++i) s += f(i);
    partial[b] = s;
  });
  return std::accumulate(partial.begin(), partial.end(), 0.0);
}

void check_sizes(std::size_t a, std::size_t b, const char* what) {
  if (a != b)
    throw InvalidArgument(std::string(what) + ": sizes differ (" + std::to_string(a) + " vs " + std::to_string(b) + ")");
}

template <class F>
void parallel_rows(std::size_t n, F f) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096), [&](const auto& r) {
    for (std::size_t i = r.begin(); i < r.end(); ++i) f(i);
  });
}

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
  parallel_rows(x.size(), [&](std::size_t i) { y[i] += a * x[i]; });
}
template <class T>
void scale(T a, std::span<T> x) {
  parallel_rows(x.size(), [&](std::size_t i) { x[i] *= a; });
}

template <class T>
DenseBlock<T> transpose_product(const DenseBlock<T>& a, const DenseBlock<T>& b) {
  check_sizes(static_cast<std::size_t>(a.rows()), static_cast<std::size_t>(b.rows()), "transpose_product");
  const std::size_t n = a.rows(), blocks = std::max<std::size_t>(1, (n + kBlock - 1) / kBlock);
  std::vector<DenseBlock<T>> partial(blocks);
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t blk) {
    const Eigen::Index begin = blk * kBlock, len = std::min(n, (blk + 1) * kBlock) - blk * kBlock;
    partial[blk] = a.middleRows(begin, len).transpose() * b.middleRows(begin, len);
  });
  DenseBlock<T> c = DenseBlock<T>::Zero(a.cols(), b.cols());
  for (const auto& p : partial) c += p;
  return c;
}

template <class T>
DenseBlock<T> block_product(const DenseBlock<T>& a, const DenseBlock<T>& w) {
  if (a.cols() != w.rows())
    throw InvalidArgument("block_product: " + std::to_string(a.cols()) + " columns times " + std::to_string(w.rows()) +
                          " rows");
  DenseBlock<T> c(a.rows(), w.cols());
  tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, a.rows(), 2048), [&](const auto& r) {
    c.middleRows(r.begin(), r.size()).noalias() = a.middleRows(r.begin(), r.size()) * w;
  });
  return c;
}

template <class T>
void normalize_rows(DenseBlock<T>& x) {
  parallel_rows(x.rows(), [&](std::size_t i) {
    const T norm = x.row(i).norm();
    if (norm > 0) x.row(i) /= norm;
  });
}

template <class T>
std::vector<std::int32_t> argmax_rows(const DenseBlock<T>& x) {
  std::vector<std::int32_t> out(x.rows(), -1);
  if (x.cols() == 0) return out;
  parallel_rows(x.rows(), [&](std::size_t i) {
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
