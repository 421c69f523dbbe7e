#include "graphclust/kernels/kmeans.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/core/random.hpp"

namespace graphclust {
namespace {

// Reductions run over the fixed blocks of core/parallel.hpp (same bits for every thread count).
constexpr std::size_t kBlock = kReductionBlock;

// Points may be float or double (P); centres, distances and sums are always double, so float
// embeddings cluster exactly like their double images.
using Matrix = DenseBlock<double>;

template <class F>
void for_blocks(std::size_t n, F f) {
  for_each_block(n, f);
}

template <class P>
double squared_distance(const P* a, const double* b, Eigen::Index d) {
  double s = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    const double t = static_cast<double>(a[j]) - b[j];
    s += t * t;
  }
  return s;
}

/// Draws an index with probability proportional to weights[i] (all >= 0), using per-block sums so
/// the draw is the same whatever the thread count. Falls back to uniform when all weights are 0.
std::size_t sample_proportional(const std::vector<double>& weights, const std::vector<double>& block_sums, Rng& rng) {
  const double total = std::accumulate(block_sums.begin(), block_sums.end(), 0.0);
  if (!(total > 0)) return rng.below(weights.size());
  double target = rng.uniform() * total;
  for (std::size_t b = 0; b < block_sums.size(); ++b) {
    if (target < block_sums[b] || b + 1 == block_sums.size()) {
      const std::size_t end = std::min(weights.size(), (b + 1) * kBlock);
      std::size_t last_positive = b * kBlock;
      for (std::size_t i = b * kBlock; i < end; ++i) {
        if (weights[i] > 0) last_positive = i;
        if (target < weights[i]) return i;
        target -= weights[i];
      }
      return last_positive;  // rounding left a sliver of mass past the end of the block
    }
    target -= block_sums[b];
  }
  return weights.size() - 1;
}

/// Greedy k-means++ (as scikit-learn): 2 + log(k) candidates per step, keep the one that lowers the
/// potential most.
template <class P>
Matrix seed_centroids(const DenseBlock<P>& x, int k, Rng& rng) {
  const std::size_t n = x.rows();
  const Eigen::Index d = x.cols();
  Matrix centers(k, d);
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  std::vector<double> closest(n), candidate_dist(n), best_dist(n);
  std::vector<double> block_sums(block_count(n));

  std::size_t first = rng.below(n);
  centers.row(0) = x.row(first).template cast<double>();
  for_blocks(n, [&](std::size_t b, std::size_t begin, std::size_t end) {
    double s = 0;
    for (std::size_t i = begin; i < end; ++i) s += closest[i] = squared_distance(x.row(i).data(), centers.row(0).data(), d);
    block_sums[b] = s;
  });

  std::vector<double> candidate_sums(block_sums.size()), best_sums(block_sums.size());
  for (int c = 1; c < k; ++c) {
    double best_potential = std::numeric_limits<double>::infinity();
    std::size_t best_index = 0;
    for (int t = 0; t < trials; ++t) {
      const std::size_t cand = sample_proportional(closest, block_sums, rng);
      const Eigen::RowVectorXd candidate = x.row(cand).template cast<double>();
      for_blocks(n, [&](std::size_t b, std::size_t begin, std::size_t end) {
        double s = 0;
        for (std::size_t i = begin; i < end; ++i)
          s += candidate_dist[i] = std::min(closest[i], squared_distance(x.row(i).data(), candidate.data(), d));
        candidate_sums[b] = s;
      });
      const double potential = std::accumulate(candidate_sums.begin(), candidate_sums.end(), 0.0);
      if (potential < best_potential) {
        best_potential = potential;
        best_index = cand;
        best_dist.swap(candidate_dist);
        best_sums.swap(candidate_sums);
      }
    }
    centers.row(c) = x.row(best_index).template cast<double>();
    closest.swap(best_dist);
    block_sums.swap(best_sums);
  }
  return centers;
}

struct Assignment {
  std::vector<std::int32_t> labels;
  std::vector<double> distance;  // squared distance to the assigned centre
  double inertia = 0;
};

template <class P>
void assign(const DenseBlock<P>& x, const Matrix& centers, Assignment& a) {
  const std::size_t n = x.rows();
  const Eigen::Index d = x.cols(), k = centers.rows();
  std::vector<double> sums(block_count(n));
  for_blocks(n, [&](std::size_t b, std::size_t begin, std::size_t end) {
    double s = 0;
    for (std::size_t i = begin; i < end; ++i) {
      double best = std::numeric_limits<double>::infinity();
      std::int32_t label = 0;
      for (Eigen::Index c = 0; c < k; ++c) {
        const double dist = squared_distance(x.row(i).data(), centers.row(c).data(), d);
        if (dist < best) {
          best = dist;
          label = static_cast<std::int32_t>(c);
        }
      }
      a.labels[i] = label;
      a.distance[i] = best;
      s += best;
    }
    sums[b] = s;
  });
  a.inertia = std::accumulate(sums.begin(), sums.end(), 0.0);
}

/// New centres as the means of their points; an emptied cluster takes the point farthest from its
/// centre (lowest index on ties), as scikit-learn relocates empty clusters.
template <class P>
Matrix update(const DenseBlock<P>& x, Assignment& a, Eigen::Index k) {
  const std::size_t n = x.rows();
  const Eigen::Index d = x.cols();
  const std::size_t blocks = block_count(n);
  std::vector<Matrix> partial(blocks);
  std::vector<std::vector<double>> partial_counts(blocks);
  for_blocks(n, [&](std::size_t b, std::size_t begin, std::size_t end) {
    partial[b] = Matrix::Zero(k, d);
    partial_counts[b].assign(k, 0.0);
    for (std::size_t i = begin; i < end; ++i) {
      partial[b].row(a.labels[i]) += x.row(i).template cast<double>();
      partial_counts[b][a.labels[i]] += 1;
    }
  });
  Matrix sums = Matrix::Zero(k, d);
  std::vector<double> counts(k, 0.0);
  for (std::size_t b = 0; b < blocks; ++b) {
    sums += partial[b];
    for (Eigen::Index c = 0; c < k; ++c) counts[c] += partial_counts[b][c];
  }
  for (Eigen::Index c = 0; c < k; ++c) {
    if (counts[c] > 0) {
      sums.row(c) /= counts[c];
      continue;
    }
    std::size_t far = 0;
    for (std::size_t i = 1; i < n; ++i)
      if (a.distance[i] > a.distance[far]) far = i;
    sums.row(c) = x.row(far).template cast<double>();
    a.distance[far] = 0;  // do not hand the same point to two empty clusters
  }
  return sums;
}

template <class P>
KMeansResult kmeans_impl(const DenseBlock<P>& points, const KMeansOptions& options) {
  const std::size_t n = points.rows();
  if (options.k < 1) throw InvalidArgument("k-means: k must be >= 1, got " + std::to_string(options.k));
  if (static_cast<std::size_t>(options.k) > n)
    throw InvalidArgument("k-means: k = " + std::to_string(options.k) + " is larger than the number of points (" +
                          std::to_string(n) + ")");
  if (options.n_init < 1) throw InvalidArgument("k-means: n_init must be >= 1");
  if (options.max_iterations < 1) throw InvalidArgument("k-means: max_iterations must be >= 1");
  for (Eigen::Index i = 0; i < points.size(); ++i)
    if (!std::isfinite(points.data()[i]))
      throw InvalidArgument("k-means: non-finite value at row " + std::to_string(i / std::max<Eigen::Index>(1, points.cols())));

  // Tolerance relative to the data's spread, as scikit-learn: tol * mean per-feature variance.
  const Eigen::Index d = points.cols();
  double variance = 0;
  if (d > 0) {
    Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(d), sq = Eigen::RowVectorXd::Zero(d);
    for (Eigen::Index i = 0; i < points.rows(); ++i) {
      const Eigen::RowVectorXd row = points.row(i).template cast<double>();
      mean += row;
      sq += row.cwiseProduct(row);
    }
    mean /= static_cast<double>(n);
    variance = (sq / static_cast<double>(n) - mean.cwiseProduct(mean)).mean();
  }
  const double tolerance = options.tolerance * std::max(variance, 0.0);

  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  Assignment a{std::vector<std::int32_t>(n), std::vector<double>(n), 0};
  for (int restart = 0; restart < options.n_init; ++restart) {
    Rng rng(options.seed, static_cast<std::uint64_t>(restart));
    Matrix centers = seed_centroids(points, options.k, rng);
    int iteration = 0;
    bool converged = false;
    for (; iteration < options.max_iterations; ++iteration) {
      assign(points, centers, a);
      Matrix next = update(points, a, options.k);
      const double shift = (next - centers).squaredNorm();
      centers.swap(next);
      report(options.progress, options.stage,
             (restart + static_cast<double>(iteration + 1) / options.max_iterations) / options.n_init);
      if (shift <= tolerance) {
        ++iteration;
        converged = true;
        break;
      }
    }
    assign(points, centers, a);  // labels consistent with the final centres
    if (a.inertia < best.inertia) {
      best.inertia = a.inertia;
      best.labels = a.labels;
      best.centroids = centers;
      best.iterations = iteration;
      best.converged = converged;
    }
  }
  return best;
}

}  // namespace

KMeansResult kmeans(const DenseBlock<double>& points, const KMeansOptions& options) {
  return kmeans_impl(points, options);
}

KMeansResult kmeans(const DenseBlock<float>& points, const KMeansOptions& options) {
  return kmeans_impl(points, options);
}

}  // namespace graphclust
