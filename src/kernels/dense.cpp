#include "graphclust/kernels/dense.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"

namespace graphclust {
namespace {

constexpr std::size_t kElementGrain = 1 << 14;

/// Rows per task so that a task touches about kElementGrain entries.
std::size_t row_grain(Eigen::Index cols) {
  return std::max<std::size_t>(1, kElementGrain / static_cast<std::size_t>(std::max<Eigen::Index>(1, cols)));
}

void check_same(std::size_t a, std::size_t b, const char* who) {
  if (a != b)
    throw InvalidArgument(std::string(who) + ": sizes differ (" + std::to_string(a) + " vs " + std::to_string(b) + ")");
}

template <class T>
T sigmoid(T v) {
  // Split by sign so that exp never overflows.
  if (v >= T{0}) return T{1} / (T{1} + std::exp(-v));
  const T e = std::exp(v);
  return e / (T{1} + e);
}

template <class T>
T activation(Activation act, T v) {
  switch (act) {
    case Activation::Identity: return v;
    case Activation::Relu: return v > T{0} ? v : T{0};
    case Activation::Elu: return v > T{0} ? v : std::expm1(v);
    case Activation::Tanh: return std::tanh(v);
    case Activation::Sigmoid: return sigmoid(v);
  }
  return v;
}

template <class T>
T activation_slope(Activation act, T x, T y) {
  switch (act) {
    case Activation::Identity: return T{1};
    case Activation::Relu: return x > T{0} ? T{1} : T{0};
    case Activation::Elu: return x > T{0} ? T{1} : y + T{1};  // d/dx (e^x - 1) = e^x = y + 1
    case Activation::Tanh: return T{1} - y * y;
    case Activation::Sigmoid: return y * (T{1} - y);
  }
  return T{1};
}

template <class T>
void resize_like(const DenseBlock<T>& x, DenseBlock<T>& y) {
  if (&x != &y && (y.rows() != x.rows() || y.cols() != x.cols())) y.resize(x.rows(), x.cols());
}

}  // namespace

template <class T>
void activate(Activation act, std::span<const T> x, std::span<T> y) {
  check_same(x.size(), y.size(), "activate");
  parallel_for_ranges(x.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) y[i] = activation(act, x[i]);
  }, kElementGrain);
}

template <class T>
void activate_backward(Activation act, std::span<const T> x, std::span<const T> y, std::span<const T> dy,
                       std::span<T> dx, bool accumulate) {
  check_same(x.size(), y.size(), "activate_backward");
  check_same(x.size(), dy.size(), "activate_backward");
  check_same(x.size(), dx.size(), "activate_backward");
  parallel_for_ranges(x.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const T g = dy[i] * activation_slope(act, x[i], y[i]);
      dx[i] = accumulate ? dx[i] + g : g;
    }
  }, kElementGrain);
}

/// Row softmax (Log = false) or log-softmax (Log = true), max-shifted so large logits cannot overflow.
template <bool Log, class T>
void softmax_rows_impl(const DenseBlock<T>& x, DenseBlock<T>& y) {
  resize_like(x, y);
  const Eigen::Index k = x.cols();
  if (k == 0) return;
  parallel_for_ranges(static_cast<std::size_t>(x.rows()), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const T* xi = x.data() + i * k;
      T* yi = y.data() + i * k;
      const T top = *std::max_element(xi, xi + k);
      T s = 0;
      for (Eigen::Index c = 0; c < k; ++c) {
        const T e = std::exp(xi[c] - top);
        s += e;
        if constexpr (!Log) yi[c] = e;
      }
      if constexpr (Log) {
        const T shift = top + std::log(s);
        for (Eigen::Index c = 0; c < k; ++c) yi[c] = xi[c] - shift;
      } else {
        const T inv = T{1} / s;
        for (Eigen::Index c = 0; c < k; ++c) yi[c] *= inv;
      }
    }
  }, row_grain(k));
}

template <class T>
void softmax_rows(const DenseBlock<T>& x, DenseBlock<T>& y) {
  softmax_rows_impl<false>(x, y);
}

template <class T>
void log_softmax_rows(const DenseBlock<T>& x, DenseBlock<T>& y) {
  softmax_rows_impl<true>(x, y);
}

template <class T>
void logsumexp_rows(const DenseBlock<T>& x, std::span<T> out) {
  check_same(static_cast<std::size_t>(x.rows()), out.size(), "logsumexp_rows");
  const Eigen::Index k = x.cols();
  parallel_for_ranges(out.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      if (k == 0) {
        out[i] = -std::numeric_limits<T>::infinity();
        continue;
      }
      const T* xi = x.data() + i * k;
      const T top = *std::max_element(xi, xi + k);
      T s = 0;
      for (Eigen::Index c = 0; c < k; ++c) s += std::exp(xi[c] - top);
      out[i] = top + std::log(s);
    }
  }, row_grain(k));
}

template <class T>
void row_norms(const DenseBlock<T>& x, std::span<T> out) {
  check_same(static_cast<std::size_t>(x.rows()), out.size(), "row_norms");
  parallel_for_nodes(out.size(), [&](std::size_t i) { out[i] = x.row(static_cast<Eigen::Index>(i)).norm(); },
                     row_grain(x.cols()));
}

template <class T>
std::vector<double> column_sums(const DenseBlock<T>& x) {
  const Eigen::Index k = x.cols();
  return fixed_order_reduce(
      static_cast<std::size_t>(x.rows()), std::vector<double>(k, 0.0),
      [&](std::size_t begin, std::size_t end) {
        std::vector<double> s(k, 0.0);
        for (std::size_t i = begin; i < end; ++i) {
          const T* xi = x.data() + i * k;
          for (Eigen::Index c = 0; c < k; ++c) s[c] += xi[c];
        }
        return s;
      },
      [](std::vector<double> acc, const std::vector<double>& part) {
        for (std::size_t c = 0; c < acc.size(); ++c) acc[c] += part[c];
        return acc;
      });
}

template <class T>
ColumnRank<T> column_kth_largest(const DenseBlock<T>& x, std::size_t rank) {
  const std::size_t n = x.rows(), k = x.cols();
  if (rank >= n)
    throw InvalidArgument("column_kth_largest: rank " + std::to_string(rank) + " of a column of " + std::to_string(n) +
                          " entries");
  ColumnRank<T> out{std::vector<T>(k), std::vector<std::int64_t>(k)};
  // Columns are few (clusters): one task each, with its own scratch. Ties are broken by row so the
  // chosen row, which the backward pass uses, is defined by the data alone.
  parallel_for_nodes(k, [&](std::size_t c) {
    std::vector<std::int64_t> order(n);
    std::iota(order.begin(), order.end(), std::int64_t{0});
    auto before = [&](std::int64_t a, std::int64_t b) {
      const T va = x(a, static_cast<Eigen::Index>(c)), vb = x(b, static_cast<Eigen::Index>(c));
      return va > vb || (va == vb && a < b);
    };
    std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(rank), order.end(), before);
    out.rows[c] = order[rank];
    out.values[c] = x(order[rank], static_cast<Eigen::Index>(c));
  }, 1);
  return out;
}

template <class T>
void product_into(const DenseBlock<T>& a, const DenseBlock<T>& w, DenseBlock<T>& c, bool accumulate,
                  bool transpose_w) {
  const Eigen::Index inner = transpose_w ? w.cols() : w.rows(), m = transpose_w ? w.rows() : w.cols();
  if (a.cols() != inner)
    throw InvalidArgument("product_into: " + std::to_string(a.cols()) + " columns times " + std::to_string(inner) +
                          " rows");
  if (&a == &c || &w == &c) throw InvalidArgument("product_into: the output must differ from the inputs");
  if (c.rows() != a.rows() || c.cols() != m) {
    if (accumulate)
      throw InvalidArgument("product_into: accumulating into a " + std::to_string(c.rows()) + " x " +
                            std::to_string(c.cols()) + " block, expected " + std::to_string(a.rows()) + " x " +
                            std::to_string(m));
    c.resize(a.rows(), m);
  }
  if (a.rows() == 0 || m == 0) return;
  if (inner == 0) {
    if (!accumulate) c.setZero();
    return;
  }
  for_each_chunk(static_cast<std::size_t>(a.rows()), kDenseTile, [&](std::size_t, std::size_t begin, std::size_t end) {
    const auto len = static_cast<Eigen::Index>(end - begin), first = static_cast<Eigen::Index>(begin);
    auto out = c.middleRows(first, len);
    const auto in = a.middleRows(first, len);
    if (transpose_w) {
      if (accumulate) out.noalias() += in * w.transpose(); else out.noalias() = in * w.transpose();
    } else {
      if (accumulate) out.noalias() += in * w; else out.noalias() = in * w;
    }
  });
}

template <class T>
DenseBlock<T> similarity(const DenseBlock<T>& a, const DenseBlock<T>& b) {
  if (a.cols() != b.cols())
    throw InvalidArgument("similarity: blocks with " + std::to_string(a.cols()) + " and " + std::to_string(b.cols()) +
                          " columns");
  DenseBlock<T> c;
  product_into(a, b, c, false, true);
  return c;
}

template <class T>
void standardize_columns(DenseBlock<T>& x) {
  const double rows = static_cast<double>(x.rows());
  const auto sums = column_sums(x);
  for (Eigen::Index c = 0; c < x.cols(); ++c) x.col(c).array() -= static_cast<T>(sums[c] / rows);
  const auto squares = column_sums(DenseBlock<T>(x.array().square()));
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    const double sd = std::sqrt(squares[c] / rows);
    if (sd > 0) x.col(c) /= static_cast<T>(sd);
  }
}

#define GC_INSTANTIATE(T)                                                                                    \
  template void activate<T>(Activation, std::span<const T>, std::span<T>);                                  \
  template void activate_backward<T>(Activation, std::span<const T>, std::span<const T>, std::span<const T>, \
                                     std::span<T>, bool);                                                    \
  template void softmax_rows<T>(const DenseBlock<T>&, DenseBlock<T>&);                                       \
  template void log_softmax_rows<T>(const DenseBlock<T>&, DenseBlock<T>&);                                   \
  template void logsumexp_rows<T>(const DenseBlock<T>&, std::span<T>);                                       \
  template void row_norms<T>(const DenseBlock<T>&, std::span<T>);                                            \
  template std::vector<double> column_sums<T>(const DenseBlock<T>&);                                         \
  template void standardize_columns<T>(DenseBlock<T>&);                                                      \
  template ColumnRank<T> column_kth_largest<T>(const DenseBlock<T>&, std::size_t);                           \
  template void product_into<T>(const DenseBlock<T>&, const DenseBlock<T>&, DenseBlock<T>&, bool, bool);         \
  template DenseBlock<T> similarity<T>(const DenseBlock<T>&, const DenseBlock<T>&);
GC_INSTANTIATE(float)
GC_INSTANTIATE(double)
#undef GC_INSTANTIATE

}  // namespace graphclust
