// Products, broadcasts, column blocks and reductions.
#include <vector>

#include "graphclust/kernels/reduce.hpp"
#include "graphclust/learn/ops.hpp"
#include "learn/detail.hpp"

namespace graphclust::learn {

using namespace detail;

template <class T>
Var<T> matmul(Var<T> a, Var<T> w) {
  require_same_tape(a, w, "matmul");
  Tape<T>& tape = a.tape();
  const DenseBlock<T>& av = tape.value(a);
  const DenseBlock<T>& wv = tape.value(w);
  if (av.cols() != wv.rows())
    throw InvalidArgument("matmul: " + shape(av) + " times " + shape(wv));
  Var<T> y = tape.record({a, w}, [a, w](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    if (t.needs_grad(a)) product_into(dy, t.value(w), t.accumulate_grad(a), true, true);  // dA += dY W^T
    if (t.needs_grad(w)) t.accumulate_grad(w) += transpose_product(t.value(a), dy);     // dW += A^T dY
  });
  product_into(av, wv, tape.mutable_value(y));
  return y;
}

template <class T>
Var<T> matmul_tn(Var<T> a, Var<T> b) {
  require_same_tape(a, b, "matmul_tn");
  Tape<T>& tape = a.tape();
  const DenseBlock<T>& av = tape.value(a);
  const DenseBlock<T>& bv = tape.value(b);
  if (av.rows() != bv.rows()) throw InvalidArgument("matmul_tn: " + shape(av) + " transposed times " + shape(bv));
  Var<T> y = tape.record({a, b}, [a, b](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dc = t.grad(self);
    if (t.needs_grad(a)) product_into(t.value(b), dc, t.accumulate_grad(a), true, true);  // dA += B dC^T
    if (t.needs_grad(b)) product_into(t.value(a), dc, t.accumulate_grad(b), true);        // dB += A dC
  });
  tape.mutable_value(y) = transpose_product(av, bv);
  return y;
}

template <class T>
Var<T> matmul_nt(Var<T> a, Var<T> b) {
  require_same_tape(a, b, "matmul_nt");
  Tape<T>& tape = a.tape();
  const DenseBlock<T>& av = tape.value(a);
  const DenseBlock<T>& bv = tape.value(b);
  if (av.cols() != bv.cols()) throw InvalidArgument("matmul_nt: " + shape(av) + " times the transpose of " + shape(bv));
  Var<T> y = tape.record({a, b}, [a, b](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dc = t.grad(self);
    if (t.needs_grad(a)) product_into(dc, t.value(b), t.accumulate_grad(a), true);      // dA += dC B
    if (t.needs_grad(b)) t.accumulate_grad(b) += transpose_product(dc, t.value(a));    // dB += dC^T A
  });
  product_into(av, bv, tape.mutable_value(y), false, true);
  return y;
}

template <class T>
Var<T> add_bias(Var<T> x, Var<T> b) {
  require_same_tape(x, b, "add_bias");
  Tape<T>& tape = x.tape();
  const DenseBlock<T>& xv = tape.value(x);
  const DenseBlock<T>& bv = tape.value(b);
  require_shape(bv, 1, xv.cols(), "add_bias", "the bias");
  Var<T> y = tape.record({x, b}, [x, b](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    if (t.needs_grad(x)) {
      DenseBlock<T>& dx = t.accumulate_grad(x);
      for_rows(dy.rows(), dy.cols(), [&](std::size_t begin, std::size_t end) {
        const auto first = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
        dx.middleRows(first, len) += dy.middleRows(first, len);
      });
    }
    if (t.needs_grad(b)) {
      const std::vector<double> s = graphclust::column_sums(dy);
      DenseBlock<T>& db = t.accumulate_grad(b);
      for (Eigen::Index c = 0; c < db.cols(); ++c) db(0, c) += static_cast<T>(s[c]);
    }
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), xv.cols());
  for_rows(xv.rows(), xv.cols(), [&](std::size_t begin, std::size_t end) {
    const auto first = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
    out.middleRows(first, len) = xv.middleRows(first, len).rowwise() + bv.row(0);
  });
  return y;
}

template <class T>
Var<T> scale_rows(Var<T> x, Var<T> s) {
  require_same_tape(x, s, "scale_rows");
  Tape<T>& tape = x.tape();
  const DenseBlock<T>& xv = tape.value(x);
  const DenseBlock<T>& sv = tape.value(s);
  require_shape(sv, xv.rows(), 1, "scale_rows", "the row scale");
  Var<T> y = tape.record({x, s}, [x, s](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    const DenseBlock<T>& xv = t.value(x);
    const DenseBlock<T>& sv = t.value(s);
    DenseBlock<T>* dx = t.needs_grad(x) ? &t.accumulate_grad(x) : nullptr;
    DenseBlock<T>* ds = t.needs_grad(s) ? &t.accumulate_grad(s) : nullptr;
    for_rows(dy.rows(), dy.cols(), [&](std::size_t begin, std::size_t end) {
      for (auto i = static_cast<Eigen::Index>(begin); i < static_cast<Eigen::Index>(end); ++i) {
        if (dx) dx->row(i) += sv(i, 0) * dy.row(i);
        if (ds) (*ds)(i, 0) += dy.row(i).dot(xv.row(i));
      }
    });
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), xv.cols());
  for_rows(xv.rows(), xv.cols(), [&](std::size_t begin, std::size_t end) {
    for (auto i = static_cast<Eigen::Index>(begin); i < static_cast<Eigen::Index>(end); ++i)
      out.row(i) = sv(i, 0) * xv.row(i);
  });
  return y;
}

template <class T>
Var<T> concat_cols(std::span<const Var<T>> xs) {
  if (xs.empty()) throw InvalidArgument("concat_cols: no blocks");
  Tape<T>& tape = xs[0].tape();
  const Eigen::Index rows = tape.value(xs[0]).rows();
  std::vector<Eigen::Index> offsets{0};
  for (const Var<T>& x : xs) {
    require_same_tape(x, xs[0], "concat_cols");
    const DenseBlock<T>& v = tape.value(x);
    if (v.rows() != rows)
      throw InvalidArgument("concat_cols: blocks with " + std::to_string(rows) + " and " + std::to_string(v.rows()) + " rows");
    offsets.push_back(offsets.back() + v.cols());
  }
  Var<T> y = tape.record(xs, [blocks = std::vector<Var<T>>(xs.begin(), xs.end()), offsets](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    for (std::size_t h = 0; h < blocks.size(); ++h) {
      if (!t.needs_grad(blocks[h])) continue;
      DenseBlock<T>& dx = t.accumulate_grad(blocks[h]);
      for_rows(dy.rows(), dy.cols(), [&](std::size_t begin, std::size_t end) {
        const auto first = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
        dx.middleRows(first, len) += dy.block(first, offsets[h], len, dx.cols());
      });
    }
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), rows, offsets.back());
  for (std::size_t h = 0; h < xs.size(); ++h) {
    const DenseBlock<T>& v = tape.value(xs[h]);
    for_rows(rows, out.cols(), [&](std::size_t begin, std::size_t end) {
      const auto first = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
      out.block(first, offsets[h], len, v.cols()) = v.middleRows(first, len);
    });
  }
  return y;
}

template <class T>
Var<T> slice_cols(Var<T> x, Eigen::Index begin, Eigen::Index count) {
  Tape<T>& tape = x.tape();
  const DenseBlock<T>& xv = tape.value(x);
  if (begin < 0 || count < 0 || begin + count > xv.cols())
    throw InvalidArgument("slice_cols: columns [" + std::to_string(begin) + ", " + std::to_string(begin + count) +
                          ") of a " + shape(xv) + " block");
  Var<T> y = tape.record({x}, [x, begin, count](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    for_rows(dy.rows(), dx.cols(), [&](std::size_t b, std::size_t e) {
      const auto first = static_cast<Eigen::Index>(b), len = static_cast<Eigen::Index>(e - b);
      dx.block(first, begin, len, count) += dy.middleRows(first, len);
    });
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), count);
  for_rows(xv.rows(), xv.cols(), [&](std::size_t b, std::size_t e) {
    const auto first = static_cast<Eigen::Index>(b), len = static_cast<Eigen::Index>(e - b);
    out.middleRows(first, len) = xv.block(first, begin, len, count);
  });
  return y;
}

// --- reductions ---------------------------------------------------------------------------------

namespace {

/// A 1 x 1 result whose gradient is dx += g * slope(x_i), g the scalar upstream gradient.
template <class T, class Term, class Slope>
Var<T> scalar_reduction(Var<T> x, Term term, Slope slope) {
  Tape<T>& tape = x.tape();
  Var<T> y = tape.record({x}, [x, slope](Tape<T>& t, Var<T> self) {
    const T g = t.grad(self)(0, 0);
    const T* xv = t.value(x).data();
    DenseBlock<T>& dx = t.accumulate_grad(x);
    T* d = dx.data();
    for_elements(static_cast<std::size_t>(dx.size()), [&](std::size_t i) { d[i] += g * slope(xv[i]); });
  });
  const DenseBlock<T>& xv = tape.value(x);
  const T* p = xv.data();
  const double s = fixed_order_sum(static_cast<std::size_t>(xv.size()), [&](std::size_t i) { return term(p[i]); });
  shaped(tape.mutable_value(y), 1, 1)(0, 0) = static_cast<T>(s);
  return y;
}

}  // namespace

template <class T>
Var<T> sum(Var<T> x) {
  return scalar_reduction(x, [](T v) { return static_cast<double>(v); }, [](T) { return T{1}; });
}
template <class T>
Var<T> mean(Var<T> x) {
  const Eigen::Index size = x.value().size();
  if (size == 0) throw InvalidArgument("mean: empty block");
  const double inv = 1.0 / static_cast<double>(size);
  const T g = static_cast<T>(inv);
  return scalar_reduction(x, [inv](T v) { return static_cast<double>(v) * inv; }, [g](T) { return g; });
}
template <class T>
Var<T> sum_squares(Var<T> x) {
  return scalar_reduction(x, [](T v) { return static_cast<double>(v) * v; }, [](T v) { return T{2} * v; });
}

template <class T>
Var<T> column_sums(Var<T> x) {
  Tape<T>& tape = x.tape();
  Var<T> y = tape.record({x}, [x](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    for_rows(dx.rows(), dx.cols(), [&](std::size_t begin, std::size_t end) {
      const auto first = static_cast<Eigen::Index>(begin), len = static_cast<Eigen::Index>(end - begin);
      dx.middleRows(first, len).rowwise() += dy.row(0);
    });
  });
  const std::vector<double> s = graphclust::column_sums(tape.value(x));
  DenseBlock<T>& out = shaped(tape.mutable_value(y), 1, static_cast<Eigen::Index>(s.size()));
  for (std::size_t c = 0; c < s.size(); ++c) out(0, static_cast<Eigen::Index>(c)) = static_cast<T>(s[c]);
  return y;
}

template <class T>
Var<T> row_sums(Var<T> x) {
  Tape<T>& tape = x.tape();
  Var<T> y = tape.record({x}, [x](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    for_rows(dx.rows(), dx.cols(), [&](std::size_t begin, std::size_t end) {
      for (auto i = static_cast<Eigen::Index>(begin); i < static_cast<Eigen::Index>(end); ++i)
        dx.row(i).array() += dy(i, 0);
    });
  });
  const DenseBlock<T>& xv = tape.value(x);
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), 1);
  for_rows(xv.rows(), xv.cols(), [&](std::size_t begin, std::size_t end) {
    for (auto i = static_cast<Eigen::Index>(begin); i < static_cast<Eigen::Index>(end); ++i) {
      T s = 0;
      for (Eigen::Index c = 0; c < xv.cols(); ++c) s += xv(i, c);  // column order, as a loop would
      out(i, 0) = s;
    }
  });
  return y;
}

template <class T>
Var<T> column_kth_largest(Var<T> x, std::size_t rank) {
  Tape<T>& tape = x.tape();
  ColumnRank<T> r = graphclust::column_kth_largest(tape.value(x), rank);
  Var<T> y = tape.record({x}, [x, rows = r.rows](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    for (std::size_t c = 0; c < rows.size(); ++c) dx(rows[c], static_cast<Eigen::Index>(c)) += dy(0, static_cast<Eigen::Index>(c));
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), 1, static_cast<Eigen::Index>(r.values.size()));
  for (std::size_t c = 0; c < r.values.size(); ++c) out(0, static_cast<Eigen::Index>(c)) = r.values[c];
  return y;
}

template <class T>
Var<T> select_entries(Var<T> x, std::span<const std::int64_t> flat_indices) {
  Tape<T>& tape = x.tape();
  const DenseBlock<T>& xv = tape.value(x);
  for (std::int64_t i : flat_indices)
    if (i < 0 || i >= xv.size())
      throw InvalidArgument("select_entries: index " + std::to_string(i) + " outside a " + shape(xv) + " block");
  std::vector<std::int64_t> idx(flat_indices.begin(), flat_indices.end());
  Var<T> y = tape.record({x}, [x, idx](Tape<T>& t, Var<T> self) {
    const T* g = t.grad(self).data();
    T* d = t.accumulate_grad(x).data();
    for (std::size_t k = 0; k < idx.size(); ++k) d[idx[k]] += g[k];  // serial: indices may repeat
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), static_cast<Eigen::Index>(idx.size()), 1);
  for (std::size_t k = 0; k < idx.size(); ++k) out(static_cast<Eigen::Index>(k), 0) = xv.data()[idx[k]];
  return y;
}

#define GC_INSTANTIATE(T)                                                          \
  template Var<T> matmul<T>(Var<T>, Var<T>);                                       \
  template Var<T> matmul_tn<T>(Var<T>, Var<T>);                                    \
  template Var<T> matmul_nt<T>(Var<T>, Var<T>);                                    \
  template Var<T> add_bias<T>(Var<T>, Var<T>);                                     \
  template Var<T> scale_rows<T>(Var<T>, Var<T>);                                   \
  template Var<T> concat_cols<T>(std::span<const Var<T>>);                         \
  template Var<T> slice_cols<T>(Var<T>, Eigen::Index, Eigen::Index);               \
  template Var<T> sum<T>(Var<T>);                                                  \
  template Var<T> mean<T>(Var<T>);                                                 \
  template Var<T> sum_squares<T>(Var<T>);                                          \
  template Var<T> column_sums<T>(Var<T>);                                          \
  template Var<T> row_sums<T>(Var<T>);                                             \
  template Var<T> column_kth_largest<T>(Var<T>, std::size_t);                      \
  template Var<T> select_entries<T>(Var<T>, std::span<const std::int64_t>);
GC_INSTANTIATE(float)
GC_INSTANTIATE(double)
#undef GC_INSTANTIATE

}  // namespace graphclust::learn
