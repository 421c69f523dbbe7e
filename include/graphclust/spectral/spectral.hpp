#pragma once
/// Spectral clustering of undirected graphs (Ng-Jordan-Weiss / Shi-Malik) and Hermitian spectral
/// clustering of directed graphs (Cucuringu, Li, Sun, Zanetti 2020).
///
/// Eigenvectors come from Spectra's Lanczos solver running directly on the shared TBB operator
/// (the matrix is never formed). The start vector is drawn from Rng(seed), so a result depends only
/// on the inputs and the seed, never on the thread count. Very small problems (n <= 256, or too few
/// nodes for a Krylov space) use a dense eigensolver instead; `EigenOptions::solver` overrides this.
///
/// Disconnected graphs: with plain normalisation the eigenvalue 1 of D^-1/2 A D^-1/2 has one
/// eigenvector per connected component, so the leading eigenvectors localise on tiny components
/// and the partition is meaningless (what scikit-learn returns on raw cora/citeseer). By default
/// (tau < 0) we therefore regularise the degrees, D_tau = D + tau I with tau = the mean degree
/// (Qin & Rohe 2013; Amini et al. 2013), whenever the graph has more than one connected component
/// or an isolated node; connected graphs get the textbook, unregularised method. Isolated nodes
/// have an all-zero row in the operator and therefore a zero embedding row: they are still
/// labelled (by the readout) and nothing is ever divided by zero.
#include <cstdint>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/kernels/operator.hpp"

namespace graphclust {

enum class EigenSolverKind {
  Auto,     ///< dense for n <= 256 (or when the Krylov space would not fit), Lanczos otherwise
  Lanczos,  ///< Spectra SymEigsSolver on the sparse operator
  Dense,    ///< form the matrix and call Eigen's SelfAdjointEigenSolver (small graphs only)
};

template <>
struct EnumTable<EigenSolverKind> {
  static constexpr std::array entries{EnumName<EigenSolverKind>{EigenSolverKind::Auto, "auto"},
                                      EnumName<EigenSolverKind>{EigenSolverKind::Lanczos, "lanczos"},
                                      EnumName<EigenSolverKind>{EigenSolverKind::Dense, "dense"}};
};

struct EigenOptions {
  EigenSolverKind solver = EigenSolverKind::Auto;
  /// Krylov subspace size; 0 = max(2 nev + 1, 20), capped at n. Larger converges in fewer restarts
  /// but the dense restart work (n x ncv) grows; at 1e6 nodes it costs as much as the matvecs.
  int ncv = 0;
  /// Relative residual per Ritz pair. Clustering needs the invariant subspace only roughly, and the
  /// eigenvalues of planted partitions are tightly clustered, so 1e-6 is ample and much cheaper
  /// than Spectra's default 1e-10.
  double tolerance = 1e-6;
  /// Cap on implicit restarts: on reaching it the result carries converged = false and the best
  /// Ritz vectors available, instead of looping on.
  int max_iterations = 1000;
};

template <class V>
void describe(V& v, EigenOptions& o) {
  v("solver", o.solver, "eigensolver: auto (dense for small graphs, else Lanczos), lanczos or dense");
  v("ncv", o.ncv, "Krylov subspace size; 0 = max(2 nev + 1, 20), capped at n", at_least(0));
  v("tolerance", o.tolerance, "relative residual per Ritz pair", greater_than(0));
  v("max_iterations", o.max_iterations, "cap on Lanczos restarts (converged = false when reached)", at_least(1));
}

/// How the eigenvector block U becomes points for the readout.
enum class SpectralScaling {
  NgJordanWeiss,  ///< rows of U scaled to unit length
  ShiMalik,       ///< D^-1/2 U: the random-walk (I - D^-1 A) eigenvectors, no row normalisation
};

enum class SpectralReadout {
  KMeans,     ///< shared k-means++ kernel with n_init restarts
  ClusterQR,  ///< Damle, Minden, Ying (2019): column-pivoted QR of U^T; deterministic, no restarts
};

template <>
struct EnumTable<SpectralScaling> {
  static constexpr std::array entries{EnumName<SpectralScaling>{SpectralScaling::NgJordanWeiss, "njw"},
                                      EnumName<SpectralScaling>{SpectralScaling::ShiMalik, "shi_malik"}};
};
template <>
struct EnumTable<SpectralReadout> {
  static constexpr std::array entries{EnumName<SpectralReadout>{SpectralReadout::KMeans, "kmeans"},
                                      EnumName<SpectralReadout>{SpectralReadout::ClusterQR, "cluster_qr"}};
};

struct SpectralOptions {
  /// Number of clusters; 0 = choose by the largest eigengap lambda_k - lambda_{k+1} of the
  /// (regularised) normalised adjacency for k in [k_min, k_max].
  int k = 0;
  int k_min = 2;
  int k_max = 20;
  SpectralScaling scaling = SpectralScaling::NgJordanWeiss;
  SpectralReadout readout = SpectralReadout::KMeans;
  int n_init = 10;  ///< k-means restarts (KMeans readout only)
  /// Degree regularisation added to every degree. < 0 = automatic (see the file comment): 0 on
  /// connected graphs, the mean degree otherwise. 0 = never regularise.
  double tau = -1;
  EigenOptions eigen;
  std::uint64_t seed = 0;
  Progress progress;
};

struct SpectralResult {
  std::vector<std::int32_t> labels;  ///< 0..k-1 per node
  /// n x k points handed to the readout (after row normalisation or D^-1/2 scaling).
  DenseBlock<double> embedding;
  /// Leading eigenvalues of D_tau^-1/2 A D_tau^-1/2, largest first (k of them, or k_max + 1 when
  /// k was chosen by the eigengap).
  std::vector<double> eigenvalues;
  int k = 0;               ///< clusters asked for (chosen by the eigengap when options.k == 0)
  int iterations = 0;      ///< Lanczos restarts (0 for the dense solver)
  long long matvecs = 0;   ///< operator applications
  bool converged = true;   ///< false when max_iterations was reached first
  double tau = 0;          ///< degree regularisation actually used
  int components = 0;      ///< connected components of the (symmetrised) graph, isolated nodes included
};

template <class V>
void describe(V& v, SpectralOptions& o) {
  v("k", o.k, "number of clusters; 0 = choose by the largest eigengap in [k_min, k_max]", at_least(0));
  v("k_min", o.k_min, "smallest k the eigengap may choose", at_least(1));
  v("k_max", o.k_max, "largest k the eigengap may choose", at_least(1));
  v("scaling", o.scaling, "njw: unit-length embedding rows; shi_malik: D^-1/2 U (random-walk eigenvectors)");
  v("readout", o.readout, "kmeans: k-means++ with n_init restarts; cluster_qr: deterministic column-pivoted QR");
  v("n_init", o.n_init, "k-means restarts", at_least(1));
  v("tau", o.tau, "degree regularisation added to every degree; < 0 = automatic (0 if connected, else the mean degree)");
  describe(v, o.eigen);
  v("seed", o.seed, "random seed (Lanczos start vector, k-means)");
}

template <class V>
void describe(V& v, SpectralResult& r) {
  v.record_type("SpectralResult");
  v("labels", r.labels, "cluster of each node, 0..k-1");
  v("embedding", r.embedding, "n x k points handed to the readout");
  v("eigenvalues", r.eigenvalues, "leading eigenvalues of D_tau^-1/2 A D_tau^-1/2, largest first");
  v("k", r.k, "clusters asked for (chosen by the eigengap when options.k == 0)");
  v("iterations", r.iterations, "Lanczos restarts (0 for the dense solver)");
  v("matvecs", r.matvecs, "operator applications");
  v("converged", r.converged, "false when max_iterations was reached first");
  v("tau", r.tau, "degree regularisation actually used");
  v("components", r.components, "connected components of the (symmetrised) graph");
}

/// Clusters an undirected graph. A directed graph is clustered on its symmetric view A + A^T
/// (Graph::for_each_sym): a pair of opposite arcs weighs 2 (their weights summed), one arc 1, and
/// degrees are d_out + d_in. That is the operator's `symmetrize` mode, straight from the stored out-
/// and in-rows; no undirected copy is built. Throws InvalidArgument for an empty graph, k < 0, k > n
/// or a bad option.
SpectralResult spectral_clustering(const Graph& graph, const SpectralOptions& options = {});

/// The structural feature block the learned families read when a graph comes without node features:
/// the NJW embedding (unit rows) of the `dims` leading eigenvectors of the symmetric view, n x dims,
/// dims clamped to [1, n - 1]. Use dims = k: further eigenvectors carry less and less of the cluster
/// structure, and once rows are normalised to unit length they drown the leading ones on small graphs
/// (Zachary's karate club, k = 2, seeds 0-2: TVGNN's ARI is 1 with 2 columns, .06 / .40 / .00 with 16).
/// `progress` hears the eigensolver's iterations (and may throw to cancel).
DenseBlock<float> spectral_feature_block(const Graph& graph, int dims, std::uint64_t seed = 0,
                                         const Progress& progress = {});

/// Normalisation of H = i (A - A^T).
enum class HermitianVariant {
  Plain,       ///< H itself (the paper's "Herm")
  RandomWalk,  ///< D^-1 H with D the degrees of A + A^T ("Herm_rw"); solved through the similar
               ///< symmetric D^-1/2 H D^-1/2, whose eigenvectors are mapped back by D^-1/2
};

template <>
struct EnumTable<HermitianVariant> {
  static constexpr std::array entries{EnumName<HermitianVariant>{HermitianVariant::RandomWalk, "rw"},
                                      EnumName<HermitianVariant>{HermitianVariant::Plain, "plain"}};
};

struct HermitianOptions {
  int k = 2;  ///< number of clusters (required, >= 2)
  /// Eigenvector pairs used: the eigenvalues of H come in +/- pairs with conjugate eigenvectors,
  /// and the paper's P = sum_j g_j g_j^* over the 2 floor(k/2) eigenvalues of largest magnitude
  /// is fixed by the floor(k/2) positive ones. 0 = floor(k/2) (at least 1).
  int num_pairs = 0;
  HermitianVariant variant = HermitianVariant::RandomWalk;
  double tau = 0;   ///< added to the A + A^T degrees of the RandomWalk variant (0: isolated nodes get 0)
  int n_init = 10;  ///< k-means restarts
  EigenOptions eigen;
  std::uint64_t seed = 0;
  Progress progress;
};

struct HermitianResult {
  std::vector<std::int32_t> labels;  ///< 0..k-1 per node
  /// n x 2p: [Re g_1 .. Re g_p, Im g_1 .. Im g_p]. Distances between its rows equal (up to the
  /// constant factor sqrt 2) those between the rows of the paper's projection P, so k-means on it is
  /// k-means on P without ever forming the n x n matrix.
  DenseBlock<double> embedding;
  std::vector<double> eigenvalues;  ///< the p largest positive eigenvalues of H (or D^-1/2 H D^-1/2)
  int k = 0;
  int iterations = 0;
  long long matvecs = 0;  ///< applications of the 2n x 2n real operator (2 sparse products each)
  bool converged = true;
};

template <class V>
void describe(V& v, HermitianOptions& o) {
  v("k", o.k, "number of clusters", at_least(2));
  v("num_pairs", o.num_pairs, "eigenvector pairs; 0 = floor(k/2)", at_least(0));
  v("variant", o.variant, "rw: D^-1 H (Herm_rw); plain: H itself (Herm)");
  v("tau", o.tau, "added to the A + A^T degrees of the rw variant", at_least(0));
  v("n_init", o.n_init, "k-means restarts", at_least(1));
  describe(v, o.eigen);
  v("seed", o.seed, "random seed (Lanczos start vector, k-means)");
}

template <class V>
void describe(V& v, HermitianResult& r) {
  v.record_type("HermitianResult");
  v("labels", r.labels, "cluster of each node, 0..k-1");
  v("embedding", r.embedding, "n x 2p: [Re g_1 .. Re g_p, Im g_1 .. Im g_p]");
  v("eigenvalues", r.eigenvalues, "the p largest positive eigenvalues of H (or D^-1/2 H D^-1/2)");
  v("k", r.k, "clusters asked for");
  v("iterations", r.iterations, "Lanczos restarts (0 for the dense solver)");
  v("matvecs", r.matvecs, "applications of the 2n x 2n real operator");
  v("converged", r.converged, "false when max_iterations was reached first");
}

/// Hermitian clustering of a directed graph whose clusters are defined by the direction of the
/// edges between them rather than by density.
///
/// Spectra has no complex solver, so the complex Hermitian problem H g = lambda g (H = i S,
/// S = A - A^T real skew-symmetric) is solved exactly in real arithmetic: with g = a + i b it is
/// M [a; b] = lambda [a; b] for the real symmetric M = [[0, -S], [S, 0]] of size 2n, applied with
/// two sparse products (A X and A^T X on the n x 2 block [a b]) and never formed. Each eigenvalue of
/// H appears twice in M ([a; b] and [-b; a], i.e. g and i g). A single-vector Krylov method mostly
/// sees one direction per eigenspace, but rounding or a repeated eigenvalue of H can hand back both
/// copies, so 2p Lanczos vectors are computed (their complex span has dimension >= p) and the first
/// p complex-linearly independent ones, largest eigenvalue first, are g_1..g_p.
/// Throws InvalidArgument for an undirected graph (H = 0), k < 2, k > n or an empty graph, and
/// when every arc is reciprocated (A = A^T, so H = 0 again).
HermitianResult hermitian_clustering(const Graph& graph, const HermitianOptions& options = {});

}  // namespace graphclust
