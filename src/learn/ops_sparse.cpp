// Products with constant sparse blocks (learn/ops.hpp, "sparse constants").
#include <string>

#include "graphclust/learn/ops.hpp"
#include "learn/detail.hpp"

namespace graphclust::learn {

using detail::shape;
using detail::shaped;

template <class T>
SparseRows<T> SparseRows<T>::from_dense(const DenseBlock<T>& x) {
  SparseRows<T> s;
  s.rows = x.rows();
  s.cols = x.cols();
  s.offsets.assign(static_cast<std::size_t>(s.rows) + 1, 0);
  s.col_offsets.assign(static_cast<std::size_t>(s.cols) + 1, 0);
  for (Eigen::Index i = 0; i < s.rows; ++i) {
    for (Eigen::Index c = 0; c < s.cols; ++c)
      if (x(i, c) != T{0}) {
        s.columns.push_back(static_cast<std::int32_t>(c));
        s.values.push_back(x(i, c));
        ++s.col_offsets[static_cast<std::size_t>(c) + 1];
      }
    s.offsets[static_cast<std::size_t>(i) + 1] = static_cast<std::int64_t>(s.values.size());
  }
  for (Eigen::Index c = 0; c < s.cols; ++c) s.col_offsets[c + 1] += s.col_offsets[c];
  s.col_rows.resize(s.values.size());
  s.col_values.resize(s.values.size());
  std::vector<std::int64_t> next(s.col_offsets.begin(), s.col_offsets.end() - 1);
  for (Eigen::Index i = 0; i < s.rows; ++i)  // rows in order: each column's entries by increasing row
    for (std::int64_t p = s.offsets[i]; p < s.offsets[i + 1]; ++p) {
      const auto at = static_cast<std::size_t>(next[static_cast<std::size_t>(s.columns[p])]++);
      s.col_rows[at] = static_cast<std::int32_t>(i);
      s.col_values[at] = s.values[p];
    }
  return s;
}

namespace {

/// out.row(r) (+)= sum_p values[p] * b.row(index[p]) over the entries of CSR row r, for every row.
template <class T>
void csr_product(Eigen::Index rows, const std::vector<std::int64_t>& offsets, const std::vector<std::int32_t>& index,
                 const std::vector<T>& values, const DenseBlock<T>& b, DenseBlock<T>& out, bool accumulate) {
  const Eigen::Index m = b.cols();
  detail::for_rows(rows, m, [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      T* o = out.data() + r * static_cast<std::size_t>(m);
      if (!accumulate) std::fill(o, o + m, T{0});
      for (std::int64_t p = offsets[r]; p < offsets[r + 1]; ++p) {
        const T v = values[static_cast<std::size_t>(p)];
        const T* src = b.data() + static_cast<std::size_t>(index[static_cast<std::size_t>(p)]) * static_cast<std::size_t>(m);
        for (Eigen::Index c = 0; c < m; ++c) o[c] += v * src[c];
      }
    }
  });
}

}  // namespace

template <class T>
Var<T> sparse_matmul(const SparseRows<T>& x, Var<T> w) {
  Tape<T>& tape = w.tape();
  const DenseBlock<T>& wv = tape.value(w);
  if (wv.rows() != x.cols)
    throw InvalidArgument("sparse_matmul: " + std::to_string(x.rows) + " x " + std::to_string(x.cols) +
                          " sparse block times a " + shape(wv) + " block");
  Var<T> y = tape.record({w}, [&x, w](Tape<T>& t, Var<T> self) {
    // dW = X^T dY: row c of dW gathers the rows of dY where column c of X is non-zero.
    csr_product(x.cols, x.col_offsets, x.col_rows, x.col_values, t.grad(self), t.accumulate_grad(w), true);
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), x.rows, wv.cols());
  csr_product(x.rows, x.offsets, x.columns, x.values, wv, out, false);
  return y;
}

#define GC_INSTANTIATE(T)    \
  template struct SparseRows<T>; \
  template Var<T> sparse_matmul<T>(const SparseRows<T>&, Var<T>);
GC_INSTANTIATE(float)
GC_INSTANTIATE(double)
#undef GC_INSTANTIATE

}  // namespace graphclust::learn
