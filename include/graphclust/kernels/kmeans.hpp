#pragma once
/// Parallel k-means (Lloyd iterations from k-means++ seeding) — the readout several families share.
/// Deterministic for a given seed and any thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/kernels/operator.hpp"

namespace graphclust {

struct KMeansOptions {
  int k = 2;
  int n_init = 10;          ///< restarts; the lowest inertia wins (ties: the earliest restart)
  int max_iterations = 300;
  double tolerance = 1e-4;  ///< stop when centroids move less than tolerance * mean feature variance (as sklearn)
  std::uint64_t seed = 0;
  /// Called after every Lloyd iteration (fraction of the restarts done), so a caller's cancellation
  /// is honoured between iterations. Not an option: the front-ends pass their own.
  Progress progress;
  std::string stage = "k-means";
};

template <class V>
void describe(V& v, KMeansOptions& o) {
  v("k", o.k, "number of clusters", at_least(1));
  v("n_init", o.n_init, "restarts; the lowest inertia wins", at_least(1));
  v("max_iterations", o.max_iterations, "Lloyd iterations per restart", at_least(1));
  v("tolerance", o.tolerance, "stop when centroids move less than tolerance * mean feature variance", at_least(0));
  v("seed", o.seed, "random seed of the k-means++ seeding");
}

struct KMeansResult {
  std::vector<std::int32_t> labels;  ///< 0..k-1 per row
  DenseBlock<double> centroids;      ///< k x d
  double inertia = 0;                ///< sum of squared distances to the assigned centroid
  int iterations = 0;                ///< Lloyd iterations of the winning restart
  bool converged = true;             ///< false when the winning restart reached max_iterations first
};

template <class V>
void describe(V& v, KMeansResult& r) {
  v.record_type("KMeansResult");
  v("labels", r.labels, "cluster of each row, 0..k-1");
  v("centroids", r.centroids, "k x d centres");
  v("inertia", r.inertia, "sum of squared distances to the assigned centroid");
  v("iterations", r.iterations, "Lloyd iterations of the winning restart");
  v("converged", r.converged, "false when the winning restart reached max_iterations before the tolerance");
}

/// Clusters the rows of `points` (n x d). Throws InvalidArgument when k < 1, k > n or a value is not finite.
KMeansResult kmeans(const DenseBlock<double>& points, const KMeansOptions& options);
/// The same for float embeddings (what the learned families produce). Distances and centroids are
/// computed in double either way, so a float block clusters like its exact double image.
KMeansResult kmeans(const DenseBlock<float>& points, const KMeansOptions& options);

}  // namespace graphclust
