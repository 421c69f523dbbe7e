#include "graphclust/kernels/sparse_power.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "graphclust/core/error.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/core/parallel.hpp"

namespace graphclust {
namespace {

// Grain for row-parallel loops: rows of a power can be long, so hand out small ranges.
constexpr std::size_t kRowGrain = 256;

// Row i of a * b as (column, value) pairs, then stable-sorted by column: equal columns keep their
// generation order (a's row order, then b's row order), so the sums below do not depend on threads.
void row_product(const SparseMatrix& a, const SparseMatrix& b, std::size_t i,
                 std::vector<std::pair<NodeId, double>>& scratch) {
  scratch.clear();
  for (EdgeOffset e = a.offsets[i]; e < a.offsets[i + 1]; ++e) {
    const NodeId k = a.indices[e];
    const double av = a.values[e];
    for (EdgeOffset f = b.offsets[k]; f < b.offsets[k + 1]; ++f) scratch.emplace_back(b.indices[f], av * b.values[f]);
  }
  std::stable_sort(scratch.begin(), scratch.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
}

std::size_t unique_columns(const std::vector<std::pair<NodeId, double>>& sorted) {
  std::size_t count = 0;
  for (std::size_t t = 0; t < sorted.size(); ++t)
    if (t == 0 || sorted[t].first != sorted[t - 1].first) ++count;
  return count;
}

void check_csr(const SparseMatrix& m, const char* who) {
  if (m.offsets.size() != m.rows + 1 || m.indices.size() != m.values.size() || m.offsets.back() != m.indices.size())
    throw InvalidArgument(std::string(who) + ": malformed sparse matrix (" + std::to_string(m.rows) + " rows, " +
                          std::to_string(m.offsets.size()) + " offsets, " + std::to_string(m.indices.size()) +
                          " indices, " + std::to_string(m.values.size()) + " values)");
}

void check_product(const SparseMatrix& a, const SparseMatrix& b, const char* who) {
  check_csr(a, who);
  check_csr(b, who);
  if (a.cols != b.rows)
    throw InvalidArgument(std::string(who) + ": inner dimensions differ (" + std::to_string(a.rows) + " x " +
                          std::to_string(a.cols) + " times " + std::to_string(b.rows) + " x " + std::to_string(b.cols) + ")");
}

std::vector<std::size_t> product_row_counts(const SparseMatrix& a, const SparseMatrix& b) {
  std::vector<std::size_t> counts(a.rows, 0);
  parallel_for_ranges(a.rows, [&](std::size_t begin, std::size_t end) {
    std::vector<std::pair<NodeId, double>> scratch;
    for (std::size_t i = begin; i < end; ++i) {
      row_product(a, b, i, scratch);
      counts[i] = unique_columns(scratch);
    }
  }, kRowGrain);
  return counts;
}

void fill_offsets(SparseMatrix& m, const std::vector<std::size_t>& counts) {
  m.offsets.assign(m.rows + 1, 0);
  for (std::size_t i = 0; i < m.rows; ++i) m.offsets[i + 1] = m.offsets[i] + counts[i];
  m.indices.resize(m.offsets.back());
  m.values.resize(m.offsets.back());
}

std::vector<std::size_t> sum_row_counts(const SparseMatrix& a, const SparseMatrix& b) {
  std::vector<std::size_t> counts(a.rows, 0);
  parallel_for_nodes(a.rows, [&](std::size_t i) {
    EdgeOffset x = a.offsets[i], y = b.offsets[i];
    std::size_t c = 0;
    while (x < a.offsets[i + 1] || y < b.offsets[i + 1]) {
      if (y == b.offsets[i + 1] || (x < a.offsets[i + 1] && a.indices[x] < b.indices[y])) ++x;
      else if (x == a.offsets[i + 1] || b.indices[y] < a.indices[x]) ++y;
      else ++x, ++y;
      ++c;
    }
    counts[i] = c;
  }, kRowGrain);
  return counts;
}

}  // namespace

DenseBlock<double> SparseMatrix::to_dense() const {
  DenseBlock<double> d = DenseBlock<double>::Zero(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  for (std::size_t i = 0; i < rows; ++i)
    for (EdgeOffset e = offsets[i]; e < offsets[i + 1]; ++e) d(static_cast<Eigen::Index>(i), indices[e]) += values[e];
  return d;
}

SparseMatrix random_walk_matrix(const Graph& graph, double self_loop_weight) {
  if (!(self_loop_weight >= 0))
    throw InvalidArgument("random_walk_matrix: self_loop_weight must be >= 0, got " + std::to_string(self_loop_weight));
  const std::size_t n = graph.num_nodes();
  SparseMatrix m;
  m.rows = m.cols = n;
  // Row i: the symmetric view's entries merged by column (a directed graph may list j twice, once
  // as an out- and once as an in-neighbour), plus w on the diagonal.
  std::vector<std::size_t> counts(n, 0);
  auto gather = [&](std::size_t i, std::vector<std::pair<NodeId, double>>& row) {
    row.clear();
    graph.for_each_sym(static_cast<NodeId>(i), [&](NodeId j, Weight w) { row.emplace_back(j, static_cast<double>(w)); });
    if (self_loop_weight > 0) row.emplace_back(static_cast<NodeId>(i), self_loop_weight);
    std::stable_sort(row.begin(), row.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  };
  parallel_for_ranges(n, [&](std::size_t begin, std::size_t end) {
    std::vector<std::pair<NodeId, double>> row;
    for (std::size_t i = begin; i < end; ++i) {
      gather(i, row);
      counts[i] = unique_columns(row);
    }
  }, kRowGrain);
  fill_offsets(m, counts);
  parallel_for_ranges(n, [&](std::size_t begin, std::size_t end) {
    std::vector<std::pair<NodeId, double>> row;
    for (std::size_t i = begin; i < end; ++i) {
      gather(i, row);
      double total = 0;
      for (const auto& entry : row) total += entry.second;
      EdgeOffset out = m.offsets[i];
      for (std::size_t t = 0; t < row.size(); ++t) {
        if (t > 0 && row[t].first == row[t - 1].first) {
          m.values[out - 1] += row[t].second;
        } else {
          m.indices[out] = row[t].first;
          m.values[out] = row[t].second;
          ++out;
        }
      }
      if (total > 0)
        for (EdgeOffset e = m.offsets[i]; e < m.offsets[i + 1]; ++e) m.values[e] /= total;
    }
  }, kRowGrain);
  return m;
}

std::size_t product_nonzeros(const SparseMatrix& a, const SparseMatrix& b) {
  check_product(a, b, "product_nonzeros");
  const auto counts = product_row_counts(a, b);
  std::size_t total = 0;
  for (std::size_t c : counts) total += c;
  return total;
}

SparseMatrix multiply(const SparseMatrix& a, const SparseMatrix& b) {
  check_product(a, b, "multiply");
  SparseMatrix m;
  m.rows = a.rows;
  m.cols = b.cols;
  fill_offsets(m, product_row_counts(a, b));
  parallel_for_ranges(a.rows, [&](std::size_t begin, std::size_t end) {
    std::vector<std::pair<NodeId, double>> scratch;
    for (std::size_t i = begin; i < end; ++i) {
      row_product(a, b, i, scratch);
      EdgeOffset out = m.offsets[i];
      for (std::size_t t = 0; t < scratch.size(); ++t) {
        if (t > 0 && scratch[t].first == scratch[t - 1].first) {
          m.values[out - 1] += scratch[t].second;
        } else {
          m.indices[out] = scratch[t].first;
          m.values[out] = scratch[t].second;
          ++out;
        }
      }
    }
  }, kRowGrain);
  return m;
}

SparseMatrix add(const SparseMatrix& a, const SparseMatrix& b) {
  check_csr(a, "add");
  check_csr(b, "add");
  if (a.rows != b.rows || a.cols != b.cols)
    throw InvalidArgument("add: shapes differ (" + std::to_string(a.rows) + " x " + std::to_string(a.cols) + " and " +
                          std::to_string(b.rows) + " x " + std::to_string(b.cols) + ")");
  SparseMatrix m;
  m.rows = a.rows;
  m.cols = a.cols;
  fill_offsets(m, sum_row_counts(a, b));
  parallel_for_nodes(a.rows, [&](std::size_t i) {
    EdgeOffset x = a.offsets[i], y = b.offsets[i], out = m.offsets[i];
    while (x < a.offsets[i + 1] || y < b.offsets[i + 1]) {
      if (y == b.offsets[i + 1] || (x < a.offsets[i + 1] && a.indices[x] < b.indices[y])) {
        m.indices[out] = a.indices[x];
        m.values[out] = a.values[x++];
      } else if (x == a.offsets[i + 1] || b.indices[y] < a.indices[x]) {
        m.indices[out] = b.indices[y];
        m.values[out] = b.values[y++];
      } else {
        m.indices[out] = a.indices[x];
        m.values[out] = a.values[x++] + b.values[y++];
      }
      ++out;
    }
  }, kRowGrain);
  return m;
}

SparseMatrix matrix_power(const SparseMatrix& m, const MatrixPowerOptions& options, std::string_view who) {
  check_csr(m, "matrix_power");
  if (options.order < 1) throw InvalidArgument(std::string(who) + ": order must be >= 1, got " + std::to_string(options.order));
  if (m.rows != m.cols)
    throw InvalidArgument(std::string(who) + ": a power needs a square matrix, got " + std::to_string(m.rows) + " x " +
                          std::to_string(m.cols));
  auto refuse = [&](int power, std::size_t count) {
    throw InvalidArgument(std::string(who) + ": the order-" + std::to_string(options.order) + " power" +
                          (options.cumulative ? " sum" : "") + " of the " + std::to_string(m.rows) +
                          "-node random-walk matrix would store " + std::to_string(count) + " non-zeros (already at power " +
                          std::to_string(power) + "), above the limit max_power_nonzeros = " +
                          std::to_string(options.max_nonzeros) +
                          ": r-hop neighbourhoods fill in quickly; lower the order or raise the limit");
  };
  if (m.nonzeros() > options.max_nonzeros) refuse(1, m.nonzeros());
  SparseMatrix power = m;
  SparseMatrix total = m;
  for (int p = 2; p <= options.order; ++p) {
    const std::size_t count = product_nonzeros(power, m);
    if (count > options.max_nonzeros) refuse(p, count);
    // The product, the running power and (cumulative) the sum are alive together: index + value each.
    detail::require_memory(3.0 * static_cast<double>(count) * (sizeof(NodeId) + sizeof(double)), who,
                           "the order-" + std::to_string(p) + " power (" + std::to_string(count) + " non-zeros)");
    power = multiply(power, m);
    if (options.cumulative) {
      const auto counts = sum_row_counts(total, power);
      std::size_t sum_count = 0;
      for (std::size_t c : counts) sum_count += c;
      if (sum_count > options.max_nonzeros) refuse(p, sum_count);
      total = add(total, power);
    }
    report(options.progress, "positive weights", static_cast<double>(p) / options.order);
  }
  return options.cumulative ? total : power;
}

Graph pattern_graph(const SparseMatrix& m) {
  check_csr(m, "pattern_graph");
  if (m.rows != m.cols)
    throw InvalidArgument("pattern_graph: needs a square matrix, got " + std::to_string(m.rows) + " x " + std::to_string(m.cols));
  // Symmetry: every stored (i, j) has a stored (j, i).
  const std::size_t n = m.rows;
  std::vector<char> ok(n, 1);
  parallel_for_nodes(n, [&](std::size_t i) {
    for (EdgeOffset e = m.offsets[i]; e < m.offsets[i + 1]; ++e) {
      const NodeId j = m.indices[e];
      const auto begin = m.indices.begin() + static_cast<std::ptrdiff_t>(m.offsets[j]);
      const auto end = m.indices.begin() + static_cast<std::ptrdiff_t>(m.offsets[j + 1]);
      if (!std::binary_search(begin, end, static_cast<NodeId>(i))) {
        ok[i] = 0;
        return;
      }
    }
  }, kRowGrain);
  for (std::size_t i = 0; i < n; ++i)
    if (!ok[i]) throw InvalidArgument("pattern_graph: the pattern is not symmetric (row " + std::to_string(i) + ")");
  CsrArrays out;
  out.offsets = m.offsets;
  out.targets = m.indices;
  return Graph(std::move(out), CsrArrays{}, false);
}

}  // namespace graphclust
