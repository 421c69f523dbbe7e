#include "graphclust/kernels/operator.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <type_traits>

#include "graphclust/core/error.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/core/parallel.hpp"

namespace graphclust {
namespace {

constexpr EdgeOffset kWorkPerBlock = 1 << 15;  // nnz + rows per task: large enough to amortise scheduling
// Gathers x[j] for random j are latency-bound: fetching a few edges ahead keeps more misses in flight.
constexpr EdgeOffset kPrefetchDistance = 32;

template <class T>
T safe_inverse(double x) {
  return x > 0 ? static_cast<T>(1.0 / x) : T{0};  // isolated nodes: zero row/column, never NaN
}
template <class T>
T safe_inverse_sqrt(double x) {
  return x > 0 ? static_cast<T>(1.0 / std::sqrt(x)) : T{0};
}

/// The CSR rows an operator gathers: `first` (A or A^T), and for the symmetric view of a directed
/// graph also `second` (A^T), whose row i is summed into the same accumulators as first's row i.
/// This is A + A^T without building it.
struct Rows {
  const CsrArrays* first;
  const CsrArrays* second;  // null unless symmetrised
  EdgeOffset work(NodeId i) const noexcept { return first->offsets[i] + (second ? second->offsets[i] : 0) + i; }
};

/// Adds rows of one CSR times x into four partial sums. Four independent sums hide the add latency
/// and keep several gathers in flight; the order is fixed per row, so the result is still
/// identical for every thread count. The array pointers are read once per block, not per row.
template <class T, bool Weighted>
struct RowGather {
  const EdgeOffset* offsets;
  const NodeId* targets;
  const Weight* weights;
  explicit RowGather(const CsrArrays& csr)
      : offsets(csr.offsets.data()), targets(csr.targets.data()), weights(csr.weights.data()) {}

  void operator()(NodeId i, const T* __restrict x, T& a0, T& a1, T& a2, T& a3) const {
    const NodeId* __restrict t = targets;
    const Weight* __restrict w = weights;
    auto term = [&](EdgeOffset e) -> T {
      if constexpr (Weighted) return static_cast<T>(w[e]) * x[t[e]];
      else return x[t[e]];
    };
    EdgeOffset e = offsets[i];
    const EdgeOffset end = offsets[i + 1];
    for (; e + 4 <= end; e += 4) {
      if (e + kPrefetchDistance < end) __builtin_prefetch(x + t[e + kPrefetchDistance]);
      a0 += term(e);
      a1 += term(e + 1);
      a2 += term(e + 2);
      a3 += term(e + 3);
    }
    for (; e < end; ++e) a0 += term(e);
  }
};

/// y_i = sign * left_i * sum_j a_ij x_j + diag_i * x_i; x already scaled by the column scaling.
/// Template flags remove the branches for the common cases (unweighted, no scaling).
template <class T, bool Weighted, bool Left, bool Diag>
void spmv_rows(Rows rows, NodeId first, NodeId last, const T* __restrict x, const T* __restrict x_unscaled,
               T* __restrict y, const T* __restrict left, const T* __restrict diag, T sign) {
  // The symmetric case is decided once per block, not per row: -O2 does not unswitch loops.
  auto run = [&](auto symmetric) {
    const RowGather<T, Weighted> out_rows(*rows.first), in_rows(*(symmetric ? rows.second : rows.first));
    for (NodeId i = first; i < last; ++i) {
      T a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      out_rows(i, x, a0, a1, a2, a3);
      if constexpr (decltype(symmetric)::value) in_rows(i, x, a0, a1, a2, a3);
      T acc = (a0 + a1) + (a2 + a3);
      if constexpr (Left) acc *= left[i];
      T out = sign * acc;
      if constexpr (Diag) out += diag[i] * x_unscaled[i];
      y[i] = out;
    }
  };
  if (rows.second) run(std::true_type{});
  else run(std::false_type{});
}

/// One panel of P columns [c0, c0 + P) of Y = Op X: the P accumulators live in registers while the
/// row's edges stream by.
/// ldx/ldy are the row strides of X and Y (k for a whole block); Y = alpha * Op X + beta * Y.
template <class T, bool Weighted, int P>
void spmm_panel(Rows rows, NodeId first, NodeId last, const T* __restrict x, std::size_t ldx,
                T* __restrict y, std::size_t ldy, std::size_t c0, const T* __restrict left, const T* __restrict right,
                const T* __restrict diag, T sign, T alpha, T beta) {
  for (NodeId i = first; i < last; ++i) {
    T acc[P] = {};
    auto gather = [&](const CsrArrays& csr) {
      const NodeId* __restrict targets = csr.targets.data();
      const Weight* __restrict weights = csr.weights.data();
      for (EdgeOffset e = csr.offsets[i], end = csr.offsets[i + 1]; e < end; ++e) {
        const NodeId j = targets[e];
        if (e + kPrefetchDistance / 4 < end) {
          const NodeId ahead = targets[e + kPrefetchDistance / 4];
          const T* row = x + static_cast<std::size_t>(ahead) * ldx + c0;
          for (std::size_t line = 0; line < P * sizeof(T); line += 64) __builtin_prefetch(reinterpret_cast<const char*>(row) + line);
          if (right) __builtin_prefetch(right + ahead);
        }
        T w = Weighted ? static_cast<T>(weights[e]) : T{1};
        if (right) w *= right[j];
        const T* xj = x + static_cast<std::size_t>(j) * ldx + c0;
        for (int c = 0; c < P; ++c) acc[c] += w * xj[c];
      }
    };
    gather(*rows.first);
    if (rows.second) gather(*rows.second);
    // alpha = 1 leaves these products exact, so plain apply_block keeps its bits.
    const T row_scale = alpha * sign * (left ? left[i] : T{1});
    const T d = alpha * (diag ? diag[i] : T{0});
    const T* xi = x + static_cast<std::size_t>(i) * ldx + c0;
    T* yi = y + static_cast<std::size_t>(i) * ldy + c0;
    if (beta == T{0}) {
      for (int c = 0; c < P; ++c) yi[c] = row_scale * acc[c] + d * xi[c];
    } else {
      for (int c = 0; c < P; ++c) yi[c] = row_scale * acc[c] + d * xi[c] + beta * yi[c];
    }
  }
}

template <class T, bool Weighted>
void spmm_rows(Rows rows, NodeId first, NodeId last, const T* x, std::size_t ldx, T* y, std::size_t ldy,
               std::size_t k, const T* left, const T* right, const T* diag, T sign, T alpha, T beta) {
  // Widest panels first; a 16-column block is one pass over the rows.
#define GC_PANEL(P) spmm_panel<T, Weighted, P>(rows, first, last, x, ldx, y, ldy, c0, left, right, diag, sign, alpha, beta)
  std::size_t c0 = 0;
  for (; c0 + 16 <= k; c0 += 16) GC_PANEL(16);
  for (; c0 + 8 <= k; c0 += 8) GC_PANEL(8);
  for (; c0 + 4 <= k; c0 += 4) GC_PANEL(4);
  for (; c0 + 2 <= k; c0 += 2) GC_PANEL(2);
  for (; c0 < k; ++c0) GC_PANEL(1);
#undef GC_PANEL
}

}  // namespace

template <class T>
GraphOperator<T>::GraphOperator(const Graph& graph, const OperatorOptions& options)
    : graph_(&graph), options_(options), n_(graph.num_nodes()),
      csr_(options.transpose != options.reverse ? &graph.in() : &graph.out()), sign_(1) {
  // A + A^T is its own transpose: out-rows then in-rows, whichever way round the scalings go.
  const bool symmetric_view = options.symmetrize && graph.directed();
  if (symmetric_view) {
    csr_ = &graph.out();
    second_ = &graph.in();
  }
  if (!(options.degree_regularization >= 0) || !std::isfinite(options.degree_regularization))
    throw InvalidArgument("degree_regularization must be a finite value >= 0, got " +
                          std::to_string(options.degree_regularization));
  if (!std::isfinite(options.shift)) throw InvalidArgument("operator shift must be finite");
  if (!(options.self_loop_weight >= 0) || !std::isfinite(options.self_loop_weight))
    throw InvalidArgument("self_loop_weight must be a finite value >= 0, got " +
                          std::to_string(options.self_loop_weight));
  // Scalings of the untransposed operator L A R: rows by out-degree, columns by in-degree.
  // Its transpose is R A^T L, so the two scalings swap roles.
  // `reverse` builds the same operator on A^T, whose out-degrees are A's in-degrees.
  const bool reversed = options.reverse && !symmetric_view;
  const auto out_deg = symmetric_view ? graph.sym_degrees() : reversed ? graph.in_degrees() : graph.out_degrees();
  const auto in_deg = symmetric_view ? graph.sym_degrees() : reversed ? graph.out_degrees() : graph.in_degrees();
  // A loop of weight w adds w to every degree, in and out alike, just as the regularisation does.
  const double tau = options.degree_regularization + options.self_loop_weight;
  std::vector<T> row_scale, col_scale;
  auto fill = [&](std::vector<T>& v, std::span<const double> deg, auto f) {
    v.resize(n_);
    parallel_for_nodes(n_, [&](std::size_t i) { v[i] = f(deg[i] + tau); });
  };
  bool unit_diagonal = false;
  switch (options.kind) {
    case OperatorKind::Adjacency: break;
    case OperatorKind::SymLaplacian: sign_ = -1; unit_diagonal = true; [[fallthrough]];
    case OperatorKind::SymNormalized:
      fill(row_scale, out_deg, safe_inverse_sqrt<T>);
      fill(col_scale, in_deg, safe_inverse_sqrt<T>);
      break;
    case OperatorKind::RandomWalkLaplacian: sign_ = -1; unit_diagonal = true; [[fallthrough]];
    case OperatorKind::RandomWalk: fill(row_scale, out_deg, safe_inverse<T>); break;
    case OperatorKind::Laplacian:
      sign_ = -1;
      diag_.resize(n_);
      for (std::size_t i = 0; i < n_; ++i) diag_[i] = static_cast<T>(out_deg[i]);  // (D_out - A)^T = D_out - A^T
      break;
  }
  if (unit_diagonal) diag_.assign(n_, T{1});
  if (options.shift != 0) {
    if (diag_.empty()) diag_.assign(n_, T{0});
    for (auto& d : diag_) d += static_cast<T>(options.shift);
  }
  // The added loops pass through the same scalings as A: (L (A + wI) R)_ii gains sign * w * L_i R_i,
  // symmetric in L and R, so the transpose needs nothing more. In D - (A + wI) with D counting w the
  // loops cancel exactly, so the plain Laplacian ignores w rather than adding and removing it.
  if (options.self_loop_weight != 0 && options.kind != OperatorKind::Laplacian) {
    if (diag_.empty()) diag_.assign(n_, T{0});
    const T w = static_cast<T>(options.self_loop_weight);
    for (std::size_t i = 0; i < n_; ++i) {
      const T l = row_scale.empty() ? T{1} : row_scale[i], r = col_scale.empty() ? T{1} : col_scale[i];
      diag_[i] += sign_ * w * l * r;
    }
  }
  left_ = options.transpose ? std::move(col_scale) : std::move(row_scale);
  right_ = options.transpose ? std::move(row_scale) : std::move(col_scale);

  // Row blocks of about kWorkPerBlock (nnz + rows): static partition, balanced for skewed degrees.
  const Rows rows{csr_, second_};
  const EdgeOffset work = rows.work(static_cast<NodeId>(n_));
  const EdgeOffset blocks = std::max<EdgeOffset>(1, work / kWorkPerBlock);
  row_splits_.reserve(blocks + 1);
  row_splits_.push_back(0);
  for (EdgeOffset b = 1; b < blocks; ++b) {
    const EdgeOffset goal = work * b / blocks;
    // first row i whose work before it reaches goal
    NodeId lo = row_splits_.back(), hi = static_cast<NodeId>(n_);
    while (lo < hi) {
      const NodeId mid = lo + (hi - lo) / 2;
      if (rows.work(mid) < goal) lo = mid + 1; else hi = mid;
    }
    if (lo > row_splits_.back()) row_splits_.push_back(lo);
  }
  row_splits_.push_back(static_cast<NodeId>(n_));
}

template <class T>
void GraphOperator<T>::apply(std::span<const T> x, std::span<T> y) const {
  if (x.size() != n_ || y.size() != n_)
    throw InvalidArgument("operator of size " + std::to_string(n_) + " applied to vectors of size " +
                          std::to_string(x.size()) + " -> " + std::to_string(y.size()));
  // Column scaling is applied once to x (a streaming pass) rather than once per edge (a second gather).
  std::unique_ptr<T[]> scaled;
  const T* xs = x.data();
  if (!right_.empty()) {
    scaled.reset(new T[n_]);
    detail::advise_huge(scaled.get(), n_ * sizeof(T));
    parallel_for_nodes(n_, [&](std::size_t i) { scaled[i] = right_[i] * x[i]; }, 1 << 14);
    xs = scaled.get();
  }
  const bool weighted = graph_->weighted(), has_left = !left_.empty(), has_diag = !diag_.empty();
  const Rows rows{csr_, second_};
  parallel_for_tasks(
      row_splits_.size() - 1,
      [&](std::size_t b) {
        const NodeId first = row_splits_[b], last = row_splits_[b + 1];
        const T* l = left_.data();
        const T* d = diag_.data();
#define GC_SPMV(W, L, D) spmv_rows<T, W, L, D>(rows, first, last, xs, x.data(), y.data(), l, d, sign_)
        if (weighted) {
          if (has_left) { if (has_diag) GC_SPMV(true, true, true); else GC_SPMV(true, true, false); }
          else { if (has_diag) GC_SPMV(true, false, true); else GC_SPMV(true, false, false); }
        } else {
          if (has_left) { if (has_diag) GC_SPMV(false, true, true); else GC_SPMV(false, true, false); }
          else { if (has_diag) GC_SPMV(false, false, true); else GC_SPMV(false, false, false); }
        }
#undef GC_SPMV
      },
      Schedule::Static);
}

template <class T>
void GraphOperator<T>::apply_block(const T* x, T* y, std::size_t k) const {
  if (k == 0) throw InvalidArgument("apply_block needs at least one column");
  apply_strided(x, k, y, k, k, T{1}, T{0});
}

template <class T>
void GraphOperator<T>::apply_strided(const T* x, std::size_t ldx, T* y, std::size_t ldy, std::size_t k, T alpha,
                                     T beta) const {
  if (k == 0) throw InvalidArgument("apply_strided needs at least one column");
  if (ldx < k || ldy < k)
    throw InvalidArgument("apply_strided: leading dimensions (" + std::to_string(ldx) + ", " + std::to_string(ldy) +
                          ") must be >= the " + std::to_string(k) + " columns");
  const bool weighted = graph_->weighted();
  const T* l = left_.empty() ? nullptr : left_.data();
  const T* r = right_.empty() ? nullptr : right_.data();
  const T* d = diag_.empty() ? nullptr : diag_.data();
  const Rows rows{csr_, second_};
  parallel_for_tasks(
      row_splits_.size() - 1,
      [&](std::size_t b) {
        if (weighted)
          spmm_rows<T, true>(rows, row_splits_[b], row_splits_[b + 1], x, ldx, y, ldy, k, l, r, d, sign_, alpha, beta);
        else
          spmm_rows<T, false>(rows, row_splits_[b], row_splits_[b + 1], x, ldx, y, ldy, k, l, r, d, sign_, alpha, beta);
      },
      Schedule::Static);
}

template <class T>
void GraphOperator<T>::apply_block(const DenseBlock<T>& x, DenseBlock<T>& y) const {
  if (static_cast<std::size_t>(x.rows()) != n_)
    throw InvalidArgument("operator of size " + std::to_string(n_) + " applied to a block of " +
                          std::to_string(x.rows()) + " rows");
  if (&x == &y) throw InvalidArgument("apply_block: input and output must differ");
  if (y.rows() != x.rows() || y.cols() != x.cols()) {
    y.resize(x.rows(), x.cols());
    detail::advise_huge(y.data(), sizeof(T) * static_cast<std::size_t>(y.size()));
  }
  apply_block(x.data(), y.data(), static_cast<std::size_t>(x.cols()));
}

template class GraphOperator<float>;
template class GraphOperator<double>;

}  // namespace graphclust
