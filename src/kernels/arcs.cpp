#include "graphclust/kernels/arcs.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"

namespace graphclust {
namespace {

constexpr std::size_t kRowGrain = 256;  // rows per task; arcs per row vary, rows are cheap to schedule
constexpr std::size_t kPanel = 32;      // columns accumulated on the stack at once

template <class T>
T sign_of(T v) {
  return static_cast<T>((v > T{0}) - (v < T{0}));
}

/// Derivative of f(x_i, x_j) w.r.t. x_i, which for these symmetric functions is also the derivative
/// of f(x_j, x_i) w.r.t. x_i: one formula serves both endpoints.
template <class T>
T arc_derivative(ArcFunction f, T xi, T xj) {
  switch (f) {
    case ArcFunction::Dot: return xj;
    case ArcFunction::L1Distance: return sign_of(xi - xj);
    case ArcFunction::SquaredDistance: return T{2} * (xi - xj);
  }
  return T{0};
}

template <class T>
T arc_value(ArcFunction f, const T* xi, const T* xj, std::size_t k) {
  T s = 0;
  switch (f) {
    case ArcFunction::Dot:
      for (std::size_t c = 0; c < k; ++c) s += xi[c] * xj[c];
      break;
    case ArcFunction::L1Distance:
      for (std::size_t c = 0; c < k; ++c) s += std::abs(xi[c] - xj[c]);
      break;
    case ArcFunction::SquaredDistance:
      for (std::size_t c = 0; c < k; ++c) {
        const T d = xi[c] - xj[c];
        s += d * d;
      }
      break;
  }
  return s;
}

}  // namespace

template <class T>
ArcOperator<T>::ArcOperator(const Graph& graph) : graph_(&graph) {
  const CsrArrays& out = graph.out();
  const CsrArrays& in = graph.in();
  const NodeId n = graph.num_nodes();
  in_to_out_.resize(in.targets.size());
  // In-row j lists the sources i of arcs i -> j; that arc sits in out-row i, found by binary search
  // because rows are sorted. For an undirected graph in == out and this pairs each arc with its reverse.
  parallel_for_ranges(n, [&](NodeId begin, NodeId end) {
    for (NodeId j = begin; j < end; ++j) {
      for (EdgeOffset p = in.offsets[j]; p < in.offsets[j + 1]; ++p) {
        const NodeId i = in.targets[p];
        const auto first = out.targets.begin() + static_cast<std::ptrdiff_t>(out.offsets[i]);
        const auto last = out.targets.begin() + static_cast<std::ptrdiff_t>(out.offsets[i + 1]);
        in_to_out_[p] = static_cast<EdgeOffset>(std::lower_bound(first, last, j) - out.targets.begin());
      }
    }
  }, kRowGrain);
}

template <class T>
std::vector<T> ArcOperator<T>::weights() const {
  const auto& w = graph_->out().weights;
  if (w.empty()) return std::vector<T>(num_arcs(), T{1});
  return std::vector<T>(w.begin(), w.end());
}

template <class T>
void ArcOperator<T>::check_values(std::size_t size, const char* who) const {
  if (size != num_arcs())
    throw InvalidArgument(std::string(who) + ": " + std::to_string(size) + " arc values for a graph with " +
                          std::to_string(num_arcs()) + " arcs");
}

template <class T>
void ArcOperator<T>::apply(std::span<const T> values, const T* x, std::size_t ldx, T* y, std::size_t ldy,
                           std::size_t k, T alpha, T beta, bool transpose) const {
  check_values(values.size(), "ArcOperator::apply");
  if (ldx < k || ldy < k) throw InvalidArgument("ArcOperator::apply: leading dimension smaller than the column count");
  const CsrArrays& csr = transpose ? graph_->in() : graph_->out();
  const EdgeOffset* map = transpose ? in_to_out_.data() : nullptr;
  parallel_for_ranges(graph_->num_nodes(), [&](NodeId begin, NodeId end) {
    T acc[kPanel];
    for (NodeId i = begin; i < end; ++i) {
      for (std::size_t c0 = 0; c0 < k; c0 += kPanel) {
        const std::size_t width = std::min(kPanel, k - c0);
        std::fill(acc, acc + width, T{0});
        for (EdgeOffset p = csr.offsets[i]; p < csr.offsets[i + 1]; ++p) {
          const T v = values[map ? map[p] : p];
          const T* xj = x + static_cast<std::size_t>(csr.targets[p]) * ldx + c0;
          for (std::size_t c = 0; c < width; ++c) acc[c] += v * xj[c];
        }
        T* yi = y + static_cast<std::size_t>(i) * ldy + c0;
        if (beta == T{0}) {
          for (std::size_t c = 0; c < width; ++c) yi[c] = alpha * acc[c];
        } else {
          for (std::size_t c = 0; c < width; ++c) yi[c] = alpha * acc[c] + beta * yi[c];
        }
      }
    }
  }, kRowGrain);
}

template <class T>
void ArcOperator<T>::values_gradient(const T* dy, std::size_t lddy, const T* x, std::size_t ldx, std::size_t k,
                                     std::span<T> dvalues, T alpha, bool transpose, bool accumulate) const {
  check_values(dvalues.size(), "ArcOperator::values_gradient");
  const CsrArrays& out = graph_->out();
  // Both forms walk the out-CSR, so every arc value is written by the task owning its row.
  parallel_for_ranges(graph_->num_nodes(), [&](NodeId begin, NodeId end) {
    for (NodeId i = begin; i < end; ++i) {
      for (EdgeOffset e = out.offsets[i]; e < out.offsets[i + 1]; ++e) {
        const std::size_t j = out.targets[e];
        const T* a = transpose ? dy + j * lddy : dy + static_cast<std::size_t>(i) * lddy;
        const T* b = transpose ? x + static_cast<std::size_t>(i) * ldx : x + j * ldx;
        T s = 0;
        for (std::size_t c = 0; c < k; ++c) s += a[c] * b[c];
        dvalues[e] = accumulate ? dvalues[e] + alpha * s : alpha * s;
      }
    }
  }, kRowGrain);
}

template <class T>
void ArcOperator<T>::compute(ArcFunction f, const T* x, std::size_t ldx, std::size_t k, std::span<T> values) const {
  check_values(values.size(), "ArcOperator::compute");
  const CsrArrays& out = graph_->out();
  parallel_for_ranges(graph_->num_nodes(), [&](NodeId begin, NodeId end) {
    for (NodeId i = begin; i < end; ++i) {
      const T* xi = x + static_cast<std::size_t>(i) * ldx;
      for (EdgeOffset e = out.offsets[i]; e < out.offsets[i + 1]; ++e)
        values[e] = arc_value(f, xi, x + static_cast<std::size_t>(out.targets[e]) * ldx, k);
    }
  }, kRowGrain);
}

template <class T>
void ArcOperator<T>::compute_backward(ArcFunction f, const T* x, std::size_t ldx, std::size_t k,
                                      std::span<const T> dvalues, T* dx, std::size_t lddx) const {
  check_values(dvalues.size(), "ArcOperator::compute_backward");
  const CsrArrays& out = graph_->out();
  const CsrArrays& in = graph_->in();
  // Row i gathers from its out-arcs (i as first argument) and its in-arcs (i as second argument):
  // no scatter, so no atomics and a fixed order. The function is a compile-time constant of the
  // inner loop (one instantiation per ArcFunction), so that loop vectorises.
  const auto run = [&]<ArcFunction F>() {
    parallel_for_ranges(graph_->num_nodes(), [&](NodeId begin, NodeId end) {
      for (NodeId i = begin; i < end; ++i) {
        const T* __restrict xi = x + static_cast<std::size_t>(i) * ldx;
        T* __restrict di = dx + static_cast<std::size_t>(i) * lddx;
        for (EdgeOffset e = out.offsets[i]; e < out.offsets[i + 1]; ++e) {
          const T g = dvalues[e];
          if (g == T{0}) continue;
          const T* __restrict xj = x + static_cast<std::size_t>(out.targets[e]) * ldx;
          for (std::size_t c = 0; c < k; ++c) di[c] += g * arc_derivative(F, xi[c], xj[c]);
        }
        for (EdgeOffset p = in.offsets[i]; p < in.offsets[i + 1]; ++p) {
          const T g = dvalues[in_to_out_[p]];
          if (g == T{0}) continue;
          const T* __restrict xj = x + static_cast<std::size_t>(in.targets[p]) * ldx;
          for (std::size_t c = 0; c < k; ++c) di[c] += g * arc_derivative(F, xi[c], xj[c]);
        }
      }
    }, kRowGrain);
  };
  switch (f) {
    case ArcFunction::Dot: run.template operator()<ArcFunction::Dot>(); break;
    case ArcFunction::L1Distance: run.template operator()<ArcFunction::L1Distance>(); break;
    case ArcFunction::SquaredDistance: run.template operator()<ArcFunction::SquaredDistance>(); break;
  }
}

template <class T>
void ArcOperator<T>::row_sums(std::span<const T> values, std::span<T> out_sums, bool transpose) const {
  check_values(values.size(), "ArcOperator::row_sums");
  if (out_sums.size() != num_nodes())
    throw InvalidArgument("ArcOperator::row_sums: output of size " + std::to_string(out_sums.size()) + " for " +
                          std::to_string(num_nodes()) + " nodes");
  const CsrArrays& csr = transpose ? graph_->in() : graph_->out();
  const EdgeOffset* map = transpose ? in_to_out_.data() : nullptr;
  parallel_for_ranges(graph_->num_nodes(), [&](NodeId begin, NodeId end) {
    for (NodeId i = begin; i < end; ++i) {
      T s = 0;
      for (EdgeOffset p = csr.offsets[i]; p < csr.offsets[i + 1]; ++p) s += values[map ? map[p] : p];
      out_sums[i] = s;
    }
  }, kRowGrain);
}

template class ArcOperator<float>;
template class ArcOperator<double>;

}  // namespace graphclust
