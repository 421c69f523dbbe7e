// Scores against ground truth, following scikit-learn's definitions so users can compare numbers.
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "graphclust/core/error.hpp"
#include "graphclust/metrics/metrics.hpp"

namespace graphclust {
namespace {

/// Contingency table over nodes whose true label is not -1, with both label sets made dense.
struct Contingency {
  std::vector<std::vector<double>> table;  // [class][cluster]
  std::vector<double> class_sizes, cluster_sizes;
  double n = 0;
};

Contingency contingency(Labels truth, Labels predicted) {
  if (truth.size() != predicted.size())
    throw InvalidArgument("label vectors differ in length: " + std::to_string(truth.size()) + " vs " +
                          std::to_string(predicted.size()));
  std::unordered_map<std::int32_t, std::size_t> classes, clusters;
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  pairs.reserve(truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] < -1) throw InvalidArgument("true label " + std::to_string(truth[i]) + " at node " + std::to_string(i) + " is below -1");
    if (truth[i] == -1) continue;
    auto c = classes.emplace(truth[i], classes.size()).first->second;
    auto k = clusters.emplace(predicted[i], clusters.size()).first->second;
    pairs.emplace_back(c, k);
  }
  Contingency t;
  t.table.assign(classes.size(), std::vector<double>(clusters.size(), 0.0));
  t.class_sizes.assign(classes.size(), 0.0);
  t.cluster_sizes.assign(clusters.size(), 0.0);
  for (auto [c, k] : pairs) {
    t.table[c][k] += 1;
    t.class_sizes[c] += 1;
    t.cluster_sizes[k] += 1;
  }
  t.n = static_cast<double>(pairs.size());
  return t;
}

double entropy(const std::vector<double>& sizes, double n) {
  double h = 0;
  for (double s : sizes)
    if (s > 0) h -= s / n * std::log(s / n);
  return h;
}

std::vector<std::int32_t> matching(const Contingency& t) { return max_weight_matching(t.table); }

}  // namespace

double adjusted_rand_index(Labels truth, Labels predicted) {
  const Contingency t = contingency(truth, predicted);
  // Pair-confusion form (as scikit-learn >= 1.0), exact in doubles for n up to ~1e7.
  double sum_squares = 0, sum_classes = 0, sum_clusters = 0;
  for (const auto& row : t.table)
    for (double v : row) sum_squares += v * v;
  for (double a : t.class_sizes) sum_classes += a * a;
  for (double b : t.cluster_sizes) sum_clusters += b * b;
  const double n = t.n;
  const double tp = sum_squares - n;
  const double fp = sum_clusters - sum_squares;
  const double fn = sum_classes - sum_squares;
  const double tn = n * n - fp - fn - sum_squares;
  if (fn == 0 && fp == 0) return 1.0;
  return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

double normalized_mutual_information(Labels truth, Labels predicted) {
  const Contingency t = contingency(truth, predicted);
  if ((t.class_sizes.size() == 1 && t.cluster_sizes.size() == 1) || t.n == 0) return 1.0;
  double mi = 0;
  for (std::size_t c = 0; c < t.table.size(); ++c)
    for (std::size_t k = 0; k < t.table[c].size(); ++k) {
      const double v = t.table[c][k];
      if (v > 0) mi += v / t.n * std::log(v * t.n / (t.class_sizes[c] * t.cluster_sizes[k]));
    }
  const double normalizer = 0.5 * (entropy(t.class_sizes, t.n) + entropy(t.cluster_sizes, t.n));
  return std::max(mi, 0.0) / std::max(normalizer, std::numeric_limits<double>::epsilon());
}

double clustering_accuracy(Labels truth, Labels predicted) {
  const Contingency t = contingency(truth, predicted);
  if (t.n == 0) return 1.0;
  const auto match = matching(t);
  double hits = 0;
  for (std::size_t c = 0; c < match.size(); ++c)
    if (match[c] >= 0) hits += t.table[c][match[c]];
  return hits / t.n;
}

double matched_macro_f1(Labels truth, Labels predicted) {
  const Contingency t = contingency(truth, predicted);
  if (t.table.empty()) return 1.0;
  const auto match = matching(t);
  double total = 0;
  for (std::size_t c = 0; c < match.size(); ++c) {
    if (match[c] < 0) continue;
    const double hits = t.table[c][match[c]];
    if (hits == 0) continue;
    const double precision = hits / t.cluster_sizes[match[c]], recall = hits / t.class_sizes[c];
    total += 2 * precision * recall / (precision + recall);
  }
  return total / static_cast<double>(t.table.size());
}

double set_f1(std::span<const NodeId> truth, std::span<const NodeId> found) {
  std::vector<NodeId> a(truth.begin(), truth.end()), b(found.begin(), found.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  std::vector<NodeId> common;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
  if (common.empty()) return 0.0;
  const double precision = static_cast<double>(common.size()) / b.size(), recall = static_cast<double>(common.size()) / a.size();
  return 2 * precision * recall / (precision + recall);
}

std::vector<std::int32_t> max_weight_matching(const std::vector<std::vector<double>>& score) {
  // Hungarian algorithm (shortest augmenting paths with potentials) on the square padding of the
  // cost matrix max - score; O(size^3).
  const std::size_t rows = score.size(), cols = rows ? score[0].size() : 0;
  std::vector<std::int32_t> result(rows, -1);
  if (rows == 0 || cols == 0) return result;
  const std::size_t size = std::max(rows, cols);
  double top = 0;
  for (const auto& r : score) {
    if (r.size() != cols) throw InvalidArgument("max_weight_matching: rows of different lengths");
    for (double v : r) top = std::max(top, v);
  }
  auto cost = [&](std::size_t i, std::size_t j) { return (i < rows && j < cols) ? top - score[i][j] : top; };
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(size + 1, 0), v(size + 1, 0);
  std::vector<std::size_t> p(size + 1, 0), way(size + 1, 0);  // p[j]: row matched to column j (1-based)
  for (std::size_t i = 1; i <= size; ++i) {
    p[0] = i;
    std::size_t j0 = 0;
    std::vector<double> minv(size + 1, inf);
    std::vector<char> used(size + 1, 0);
    do {
      used[j0] = 1;
      const std::size_t i0 = p[j0];
      double delta = inf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= size; ++j) {
        if (used[j]) continue;
        const double cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= size; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const std::size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  for (std::size_t j = 1; j <= size; ++j)
    if (p[j] >= 1 && p[j] - 1 < rows && j - 1 < cols) result[p[j] - 1] = static_cast<std::int32_t>(j - 1);
  return result;
}

int count_clusters(Labels labels) {
  std::int32_t top = -1;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < -1) throw InvalidArgument("label " + std::to_string(labels[i]) + " at node " + std::to_string(i) + " is below -1");
    top = std::max(top, labels[i]);
  }
  return top + 1;
}

}  // namespace graphclust
