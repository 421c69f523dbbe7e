// Hermitian clustering (Cucuringu, Li, Sun, Zanetti 2020) through the exact real embedding
// M = [[0, -S], [S, 0]] of H = i S, S = A - A^T (see the header for why this is exact).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/spectral/spectral.hpp"
#include "spectral/eigensolver.hpp"
#include "spectral/internal.hpp"

namespace graphclust {
namespace {

/// y = M x on R^2n with M = [[0, -S], [S, 0]], S = diag(s) (A - A^T) diag(s). The halves a, b of x
/// are interleaved into one n x 2 block so that A and A^T are each read once per product.
class HermitianEmbeddingOperator {
 public:
  using Scalar = double;

  HermitianEmbeddingOperator(const Graph& graph, std::vector<double> scale)
      : forward_(graph, OperatorOptions{OperatorKind::Adjacency, false, 0.0, 0.0}),
        backward_(graph, OperatorOptions{OperatorKind::Adjacency, true, 0.0, 0.0}),
        scale_(std::move(scale)),
        n_(graph.num_nodes()),
        x_(2 * n_),
        ya_(2 * n_),
        yt_(2 * n_) {}

  Eigen::Index rows() const noexcept { return static_cast<Eigen::Index>(2 * n_); }
  Eigen::Index cols() const noexcept { return rows(); }

  void perform_op(const double* in, double* out) const {
    const double* s = scale_.empty() ? nullptr : scale_.data();
    parallel_for_nodes(n_, [&](std::size_t i) {
      const double si = s ? s[i] : 1.0;
      x_[2 * i] = si * in[i];
      x_[2 * i + 1] = si * in[n_ + i];
    });
    forward_.apply_block(x_.data(), ya_.data(), 2);
    backward_.apply_block(x_.data(), yt_.data(), 2);
    parallel_for_nodes(n_, [&](std::size_t i) {
      const double si = s ? s[i] : 1.0;
      const double sa = si * (ya_[2 * i] - yt_[2 * i]);
      const double sb = si * (ya_[2 * i + 1] - yt_[2 * i + 1]);
      out[i] = -sb;
      out[n_ + i] = sa;
    });
  }

 private:
  GraphOperator<double> forward_, backward_;
  std::vector<double> scale_;  // empty = identity
  std::size_t n_;
  mutable std::vector<double> x_, ya_, yt_;  // Spectra applies the operator sequentially
};

void validate(const Graph& graph, const HermitianOptions& o) {
  require_nonempty(graph, "hermitian_clustering");
  check_options(o, "hermitian_clustering");
  if (!graph.directed())
    throw InvalidArgument(
        "hermitian_clustering needs a directed graph: for an undirected one A - A^T = 0, so H = 0 carries no "
        "information (use spectral_clustering)");
  const long long n = graph.num_nodes();
  if (o.k > n)
    throw InvalidArgument("hermitian_clustering: k = " + std::to_string(o.k) + " exceeds the number of nodes " + std::to_string(n));
  if (o.num_pairs < 0 || o.num_pairs > n)
    throw InvalidArgument("hermitian_clustering: num_pairs must be in [0, n], got " + std::to_string(o.num_pairs));
  detail::check_eigen_options(o.eigen, "hermitian_clustering");
}

}  // namespace

HermitianResult hermitian_clustering(const Graph& graph, const HermitianOptions& o) {
  validate(graph, o);
  const std::size_t n = graph.num_nodes();
  const int p = o.num_pairs > 0 ? o.num_pairs : std::max(1, o.k / 2);

  std::vector<double> scale;
  if (o.variant == HermitianVariant::RandomWalk) {
    scale.resize(n);
    const auto degrees = graph.sym_degrees();
    parallel_for_nodes(n, [&](std::size_t i) {
      const double d = degrees[i] + o.tau;
      scale[i] = d > 0 ? 1.0 / std::sqrt(d) : 0.0;  // isolated node: zero row, never a NaN
    });
  }
  HermitianEmbeddingOperator op(graph, scale);

  {  // H = 0 (every arc reciprocated with equal weight) leaves nothing to cluster.
    const Eigen::VectorXd v0 = detail::start_vector(op.rows(), o.seed);
    Eigen::VectorXd y(op.rows());
    op.perform_op(v0.data(), y.data());
    if (!(y.norm() > 1e-12 * v0.norm()))
      throw InvalidArgument("hermitian_clustering: A - A^T = 0 (no arcs between distinct nodes, zero weights, or every arc reciprocated), so H = 0 "
                            "has no cluster structure");
  }

  HermitianResult result;
  result.k = o.k;
  DenseBlock<double> embedding(n, 2 * p);
  report(o.progress, "hermitian: eigenvectors", 0.0);
  if (detail::use_dense(o.eigen, op.rows(), 2 * p, 2 * 256)) {  // n <= 256 nodes, as spectral
    // The dense solver returns both copies of each eigenvalue of H; the top halves of the 2p
    // vectors embed the rows of P isometrically, whatever basis of each eigenspace was returned.
    detail::EigenPairs pairs = detail::dense_eigenpairs(op, 2 * p, o.progress, "hermitian: eigenvectors");
    result.matvecs = pairs.matvecs;
    for (int j = 0; j < p; ++j) result.eigenvalues.push_back(pairs.values[2 * j]);
    for (std::size_t i = 0; i < n; ++i)
      for (int c = 0; c < 2 * p; ++c) embedding(i, c) = pairs.vectors(i, c);
  } else {
    // In exact arithmetic a single-vector Krylov method sees one direction [a; b] per eigenspace of
    // M, i.e. one complex eigenvector g = a + i b up to its phase. Rounding (or a genuinely repeated
    // eigenvalue of H, e.g. identical small components) can also let it return the copy i g of a
    // direction it already has. So ask for 2p vectors, whose complex span has dimension >= p, and
    // keep the first p that are complex-linearly independent (complex Gram-Schmidt, largest
    // eigenvalue first): exactly g_1..g_p whichever case occurred.
    detail::EigenPairs pairs = detail::lanczos_eigenpairs(op, 2 * p, o.eigen, o.seed, o.progress, "hermitian: eigenvectors");
    result.iterations = pairs.iterations;
    result.matvecs = pairs.matvecs;
    result.converged = pairs.converged;
    const Eigen::Index nn = static_cast<Eigen::Index>(n);
    Eigen::MatrixXcd kept(nn, p);
    int found = 0;
    for (Eigen::Index j = 0; j < pairs.vectors.cols() && found < p; ++j) {
      Eigen::VectorXcd g(nn);
      g.real() = pairs.vectors.col(j).head(nn);
      g.imag() = pairs.vectors.col(j).tail(nn);
      const double before = g.norm();
      for (int pass = 0; pass < 2; ++pass)
        for (int q = 0; q < found; ++q) g -= kept.col(q) * kept.col(q).dot(g);  // dot conjugates its left side
      const double after = g.norm();
      if (!(after > 0.5 * before)) continue;  // (nearly) i times a vector already kept
      kept.col(found++) = g / after;
      result.eigenvalues.push_back(pairs.values[j]);
    }
    if (found < p) result.converged = false;  // columns left at zero; cannot happen with converged pairs
    for (int j = found; j < p; ++j) {
      kept.col(j).setZero();
      result.eigenvalues.push_back(0.0);
    }
    for (std::size_t i = 0; i < n; ++i)
      for (int j = 0; j < p; ++j) {
        embedding(i, j) = kept(i, j).real();
        embedding(i, p + j) = kept(i, j).imag();
      }
  }
  report(o.progress, "hermitian: eigenvectors", 1.0);
  if (!scale.empty())  // right eigenvectors of D^-1 H are D^-1/2 times those of D^-1/2 H D^-1/2
    for (std::size_t i = 0; i < n; ++i) embedding.row(i) *= scale[i];

  report(o.progress, "hermitian: k-means", 0.0);
  result.labels = detail::kmeans_readout(embedding, o.k, o.n_init, o.seed, o.progress, "hermitian: k-means");
  report(o.progress, "hermitian: k-means", 1.0);
  result.embedding = std::move(embedding);
  return result;
}

}  // namespace graphclust
