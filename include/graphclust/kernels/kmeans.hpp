#pragma once
/// Parallel k-means (Lloyd iterations from k-means++ seeding) — the readout several families share.
/// Deterministic for a given seed and any thread count.
#include <cstdint>
#include <vector>

#include "graphclust/kernels/operator.hpp"

namespace graphclust {

struct KMeansOptions {
  int k = 2;
  int n_init = 10;          ///< restarts; the lowest inertia wins (ties: the earliest restart)
  int max_iterations = 300;
  double tolerance = 1e-4;  ///< stop when centroids move less than tolerance * mean feature variance (as sklearn)
  std::uint64_t seed = 0;
};

struct KMeansResult {
  std::vector<std::int32_t> labels;  ///< 0..k-1 per row
  DenseBlock<double> centroids;      ///< k x d
  double inertia = 0;                ///< sum of squared distances to the assigned centroid
  int iterations = 0;                ///< Lloyd iterations of the winning restart
};

/// Clusters the rows of `points` (n x d). Throws InvalidArgument when k < 1, k > n or a value is not finite.
KMeansResult kmeans(const DenseBlock<double>& points, const KMeansOptions& options);

}  // namespace graphclust
