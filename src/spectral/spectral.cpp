// Spectral clustering: Lanczos on D_tau^-1/2 A D_tau^-1/2 + I, NJW or Shi-Malik scaling, k-means or
// cluster_qr readout.
#include "graphclust/spectral/spectral.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include <Eigen/QR>
#include <Eigen/SVD>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/graph/partition.hpp"
#include "graphclust/kernels/kmeans.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/kernels/reduce.hpp"
#include "spectral/eigensolver.hpp"
#include "spectral/internal.hpp"

namespace graphclust {
namespace detail {

std::vector<std::int32_t> cluster_qr(const DenseBlock<double>& u) {
  const Eigen::Index n = u.rows(), k = u.cols();
  // Column-pivoted QR of U^T (k x n) picks the k most "independent" nodes: one per cluster.
  const Eigen::MatrixXd ut = u.transpose();
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(ut);
  const auto& pivots = qr.colsPermutation().indices();
  Eigen::MatrixXd pivot_block(k, k);  // U[pivots]^T
  for (Eigen::Index j = 0; j < k; ++j) pivot_block.col(j) = u.row(pivots[j]).transpose();
  // The orthogonal polar factor of that block rotates U so that each pivot row is near one axis.
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(pivot_block, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const DenseBlock<double> rotation = svd.matrixU() * svd.matrixV().transpose();
  DenseBlock<double> rotated = block_product(u, rotation);
  parallel_for_nodes(n, [&](Eigen::Index i) { rotated.row(i) = rotated.row(i).cwiseAbs(); });
  std::vector<std::int32_t> labels = argmax_rows(rotated);
  compact_labels(labels);
  return labels;
}

std::vector<std::int32_t> kmeans_readout(const DenseBlock<double>& points, int k, int n_init, std::uint64_t seed,
                                         const Progress& progress, std::string_view stage) {
  KMeansOptions km;
  km.k = k;
  km.n_init = n_init;
  km.seed = seed;
  km.progress = progress;
  km.stage = std::string(stage);
  return kmeans(points, km).labels;
}

}  // namespace detail

namespace {

void validate(const Graph& graph, const SpectralOptions& o) {
  require_nonempty(graph, "spectral_clustering");
  check_options(o, "spectral_clustering");
  const long long n = graph.num_nodes();
  if (o.k > n)
    throw InvalidArgument("spectral_clustering: k = " + std::to_string(o.k) + " exceeds the number of nodes " + std::to_string(n));
  if (o.k == 0 && (o.k_min < 1 || o.k_max < o.k_min))
    throw InvalidArgument("spectral_clustering: need 1 <= k_min <= k_max for eigengap selection, got [" +
                          std::to_string(o.k_min) + ", " + std::to_string(o.k_max) + "]");
  detail::check_eigen_options(o.eigen, "spectral_clustering");
}

}  // namespace

SpectralResult spectral_clustering(const Graph& graph, const SpectralOptions& o) {
  validate(graph, o);
  report(o.progress, "spectral: setup", 0.0);
  const NodeId n = graph.num_nodes();

  SpectralResult result;
  const std::vector<std::int32_t> components = connected_components(graph);
  result.components = components.empty() ? 0 : 1 + *std::max_element(components.begin(), components.end());
  result.tau = o.tau >= 0 ? o.tau : (result.components > 1 ? graph.sym_volume() / n : 0.0);

  // Eigengap selection needs lambda_{k_max + 1}; clamp the range to what n allows.
  int nev = o.k;
  int k_min = o.k_min, k_max = o.k_max;
  if (o.k == 0) {
    k_max = std::min<long long>(k_max, static_cast<long long>(n) - 1);
    k_min = std::min(k_min, std::max(k_max, 1));
    nev = std::max(k_max, 1) + (n > 1 ? 1 : 0);
  }

  OperatorOptions op_options;
  op_options.kind = OperatorKind::SymNormalized;
  op_options.degree_regularization = result.tau;
  op_options.shift = 1.0;  // spectrum in [0, 2]: Spectra's relative tolerance acts on well-scaled values
  op_options.symmetrize = true;  // a directed graph is clustered on A + A^T
  GraphOperator<double> op(graph, op_options);
  report(o.progress, "spectral: eigenvectors", 0.0);
  detail::EigenPairs pairs = detail::leading_eigenpairs(op, nev, o.eigen, o.seed, o.progress, "spectral: eigenvectors");
  report(o.progress, "spectral: eigenvectors", 1.0);
  result.iterations = pairs.iterations;
  result.matvecs = pairs.matvecs;
  result.converged = pairs.converged;
  result.eigenvalues.resize(nev);
  for (int i = 0; i < nev; ++i) result.eigenvalues[i] = pairs.values[i] - 1.0;

  int k = o.k;
  if (k == 0) {
    if (n == 1) {
      k = 1;
    } else {
      k = k_min;
      double best = -1;
      for (int c = k_min; c <= k_max; ++c) {
        const double gap = result.eigenvalues[c - 1] - result.eigenvalues[c];
        if (gap > best + 1e-12) best = gap, k = c;
      }
    }
  }
  result.k = k;

  DenseBlock<double> u(n, k);
  parallel_for_nodes(n, [&](NodeId i) {
    for (int c = 0; c < k; ++c) u(i, c) = pairs.vectors(i, c);
  });
  pairs.vectors.resize(0, 0);  // the 1e6-node case: free before the readout allocates
  if (o.scaling == SpectralScaling::NgJordanWeiss) {
    normalize_rows(u);
  } else {
    const auto degrees = graph.sym_degrees();
    const double tau = result.tau;
    parallel_for_nodes(n, [&](NodeId i) {
      const double d = degrees[i] + tau;
      u.row(i) *= d > 0 ? 1.0 / std::sqrt(d) : 0.0;
    });
  }

  report(o.progress, "spectral: readout", 0.0);
  if (o.readout == SpectralReadout::ClusterQR)
    result.labels = detail::cluster_qr(u);
  else
    result.labels = detail::kmeans_readout(u, k, o.n_init, o.seed, o.progress, "spectral: readout");
  report(o.progress, "spectral: readout", 1.0);
  result.embedding = std::move(u);
  return result;
}

DenseBlock<float> spectral_feature_block(const Graph& graph, int dims, std::uint64_t seed, const Progress& progress) {
  SpectralOptions o;
  o.progress = progress;
  o.k = std::max(1, std::min<int>(dims, static_cast<int>(graph.num_nodes()) - 1));
  o.n_init = 1;  // only the embedding is used
  o.seed = seed;
  return spectral_clustering(graph, o).embedding.cast<float>();
}

}  // namespace graphclust
