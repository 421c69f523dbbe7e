// Spectral family: NJW / Shi-Malik spectral clustering and Hermitian clustering of digraphs.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <tbb/global_control.h>

#include "graphclust/core/error.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/metrics/metrics.hpp"
#include "graphclust/spectral/spectral.hpp"
#include "spectral/eigensolver.hpp"

using namespace graphclust;

namespace {

PlantedGraph planted(std::vector<NodeId> sizes, double p_in, double p_out, std::uint64_t seed = 1) {
  SbmOptions o;
  o.sizes = std::move(sizes);
  o.p_in = p_in;
  o.p_out = p_out;
  o.seed = seed;
  return stochastic_block_model(o);
}

/// Directed SBM, 3 blocks of equal size, equal edge densities inside and between blocks, every
/// inter-block edge pointing 0 -> 1 -> 2 -> 0: only the direction carries the clusters.
PlantedGraph cyclic_digraph(NodeId size, double p, std::uint64_t seed = 3) {
  SbmOptions o;
  o.sizes = {size, size, size};
  o.p_in = p;
  o.p_out = p;
  o.directed = true;
  o.flow = {0.5, 1.0, 0.0,  //
            0.0, 0.5, 1.0,  //
            1.0, 0.0, 0.5};
  o.seed = seed;
  return stochastic_block_model(o);
}

void expect_valid(const std::vector<std::int32_t>& labels, std::size_t n, int k) {
  ASSERT_EQ(labels.size(), n);
  for (auto l : labels) {
    EXPECT_GE(l, 0);
    EXPECT_LT(l, k);
  }
}

void expect_finite(const DenseBlock<double>& x) {
  for (Eigen::Index i = 0; i < x.size(); ++i) ASSERT_TRUE(std::isfinite(x.data()[i])) << "entry " << i;
}

}  // namespace

TEST(SpectralClustering, RecoversPlantedPartitionNJWKMeans) {
  auto g = planted({300, 300, 300, 300}, 0.08, 0.004);
  SpectralOptions o;
  o.k = 4;
  const auto r = spectral_clustering(g.graph, o);
  expect_valid(r.labels, 1200, 4);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(g.labels, r.labels), 1.0);
  EXPECT_TRUE(r.converged);
  EXPECT_GT(r.iterations, 0);
  EXPECT_GT(r.matvecs, 0);
  EXPECT_EQ(r.embedding.rows(), 1200);
  EXPECT_EQ(r.embedding.cols(), 4);
  ASSERT_EQ(r.eigenvalues.size(), 4u);
  EXPECT_NEAR(r.eigenvalues[0], 1.0, 1e-6);  // connected: tau = 0, the trivial eigenvalue is exact
  EXPECT_EQ(r.tau, 0.0);
  EXPECT_EQ(r.components, 1);
  for (int i = 0; i < 3; ++i) EXPECT_GE(r.eigenvalues[i], r.eigenvalues[i + 1]);
}

TEST(SpectralClustering, ShiMalikAndClusterQR) {
  auto g = planted({250, 350, 300}, 0.1, 0.005, 7);
  for (auto scaling : {SpectralScaling::NgJordanWeiss, SpectralScaling::ShiMalik})
    for (auto readout : {SpectralReadout::KMeans, SpectralReadout::ClusterQR}) {
      SpectralOptions o;
      o.k = 3;
      o.scaling = scaling;
      o.readout = readout;
      const auto r = spectral_clustering(g.graph, o);
      expect_valid(r.labels, 900, 3);
      EXPECT_DOUBLE_EQ(adjusted_rand_index(g.labels, r.labels), 1.0)
          << "scaling " << static_cast<int>(scaling) << " readout " << static_cast<int>(readout);
    }
}

TEST(SpectralClustering, DenseAndLanczosAgree) {
  auto g = planted({100, 100, 100}, 0.2, 0.01, 11);
  SpectralOptions o;
  o.k = 3;
  o.eigen.solver = EigenSolverKind::Dense;
  const auto dense = spectral_clustering(g.graph, o);
  o.eigen.solver = EigenSolverKind::Lanczos;
  const auto lanczos = spectral_clustering(g.graph, o);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(dense.eigenvalues[i], lanczos.eigenvalues[i], 1e-5);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(g.labels, dense.labels), 1.0);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(dense.labels, lanczos.labels), 1.0);
}

TEST(SpectralClustering, EigengapChoosesK) {
  auto g = planted({200, 200, 200, 200, 200}, 0.12, 0.003, 5);
  SpectralOptions o;  // k = 0
  o.k_max = 10;
  const auto r = spectral_clustering(g.graph, o);
  EXPECT_EQ(r.k, 5);
  EXPECT_EQ(r.eigenvalues.size(), 11u);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(g.labels, r.labels), 1.0);
}

TEST(SpectralClustering, DisconnectedGraphWithIsolatedNodes) {
  // Two dense blocks that never touch, a 2-node component and 5 isolated nodes.
  auto blocks = planted({200, 200}, 0.1, 0.0, 9);
  const CsrArrays& csr = blocks.graph.out();
  EdgeList edges;
  for (NodeId u = 0; u < 400; ++u)
    for (auto e = csr.offsets[u]; e < csr.offsets[u + 1]; ++e)
      if (u < csr.targets[e]) edges.sources.push_back(u), edges.targets.push_back(csr.targets[e]);
  edges.sources.push_back(400), edges.targets.push_back(401);
  edges.num_nodes = 407;
  const Graph graph = build_graph(edges);
  for (double tau : {-1.0, 0.0}) {
    for (auto scaling : {SpectralScaling::NgJordanWeiss, SpectralScaling::ShiMalik}) {
      SpectralOptions o;
      o.k = 2;
      o.tau = tau;
      o.scaling = scaling;
      const auto r = spectral_clustering(graph, o);
      expect_valid(r.labels, 407, 2);
      expect_finite(r.embedding);
      for (double v : r.eigenvalues) EXPECT_TRUE(std::isfinite(v));
      EXPECT_EQ(r.components, 8);
      if (tau < 0) {
        EXPECT_GT(r.tau, 0.0);  // regularised automatically
        // The two large blocks are the two clusters, not the tiny component.
        const std::vector<std::int32_t> truth(blocks.labels.begin(), blocks.labels.end());
        const std::vector<std::int32_t> found(r.labels.begin(), r.labels.begin() + 400);
        EXPECT_DOUBLE_EQ(adjusted_rand_index(truth, found), 1.0);
      }
    }
  }
}

TEST(SpectralClustering, RejectsBadInput) {
  auto g = planted({20, 20}, 0.3, 0.05);
  SpectralOptions o;
  o.k = 41;
  EXPECT_THROW(spectral_clustering(g.graph, o), InvalidArgument);
  o.k = -1;
  EXPECT_THROW(spectral_clustering(g.graph, o), InvalidArgument);
  o.k = 2;
  o.n_init = 0;
  EXPECT_THROW(spectral_clustering(g.graph, o), InvalidArgument);
  o.n_init = 10;
  o.eigen.tolerance = 0;
  EXPECT_THROW(spectral_clustering(g.graph, o), InvalidArgument);
  const Graph empty;
  EXPECT_THROW(spectral_clustering(empty, SpectralOptions{}), InvalidArgument);
  HermitianOptions h;
  EXPECT_THROW(hermitian_clustering(g.graph, h), InvalidArgument);  // undirected: H = 0
  EXPECT_THROW(hermitian_clustering(empty, h), InvalidArgument);
  // Every arc reciprocated: A = A^T, H = 0.
  EdgeList both;
  both.sources = {0, 1, 1, 2, 2, 0};
  both.targets = {1, 0, 2, 1, 0, 2};
  BuildOptions directed;
  directed.directed = true;
  const Graph reciprocal = build_graph(both, directed);
  EXPECT_THROW(hermitian_clustering(reciprocal, h), InvalidArgument);
  h.k = 4;
  EXPECT_THROW(hermitian_clustering(reciprocal, h), InvalidArgument);  // k > n
}

TEST(SpectralClustering, SmallGraphsAndKEqualsN) {
  auto g = planted({3, 3}, 1.0, 0.0);
  SpectralOptions o;
  o.k = 6;
  const auto r = spectral_clustering(g.graph, o);
  expect_valid(r.labels, 6, 6);
  o.k = 0;
  const auto gap = spectral_clustering(g.graph, o);
  EXPECT_EQ(gap.k, 2);  // two components
  EXPECT_DOUBLE_EQ(adjusted_rand_index(g.labels, gap.labels), 1.0);
}

TEST(SpectralClustering, SameResultForOneAndTwoThreads) {
  auto g = planted({400, 400, 400}, 0.05, 0.01, 13);
  SpectralOptions o;
  o.k = 3;
  o.seed = 42;
  SpectralResult one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = spectral_clustering(g.graph, o);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = spectral_clustering(g.graph, o);
  }
  EXPECT_EQ(one.labels, two.labels);
  EXPECT_EQ(one.eigenvalues, two.eigenvalues);
  EXPECT_TRUE(one.embedding == two.embedding);
  EXPECT_EQ(one.matvecs, two.matvecs);
}

TEST(SpectralClustering, ReportsNonConvergence) {
  auto g = planted({400, 400, 400, 400}, 0.03, 0.01, 17);
  SpectralOptions o;
  o.k = 4;
  o.eigen.solver = EigenSolverKind::Lanczos;
  o.eigen.max_iterations = 1;
  o.eigen.tolerance = 1e-14;
  o.eigen.ncv = 9;
  const auto r = spectral_clustering(g.graph, o);
  EXPECT_FALSE(r.converged);
  expect_valid(r.labels, 1600, 4);
  expect_finite(r.embedding);
  EXPECT_EQ(r.eigenvalues.size(), 4u);
  EXPECT_LE(r.iterations, 2);
}

TEST(SpectralClustering, DirectedInputIsSymmetrized) {
  SbmOptions s;
  s.sizes = {300, 300};
  s.p_in = 0.1;
  s.p_out = 0.005;
  s.directed = true;
  s.seed = 4;
  const auto g = stochastic_block_model(s);
  SpectralOptions o;
  o.k = 2;
  const auto r = spectral_clustering(g.graph, o);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(g.labels, r.labels), 1.0);
}

TEST(HermitianClustering, RecoversCyclicFlowWhereSymmetrizedSpectralFails) {
  const auto g = cyclic_digraph(400, 0.03);
  for (auto variant : {HermitianVariant::RandomWalk, HermitianVariant::Plain}) {
    HermitianOptions h;
    h.k = 3;
    h.variant = variant;
    const auto r = hermitian_clustering(g.graph, h);
    expect_valid(r.labels, 1200, 3);
    EXPECT_TRUE(r.converged);
    EXPECT_EQ(r.embedding.cols(), 2);  // one +/- pair: [Re g, Im g]
    ASSERT_EQ(r.eigenvalues.size(), 1u);
    EXPECT_GT(r.eigenvalues[0], 0.0);
    EXPECT_GE(adjusted_rand_index(g.labels, r.labels), 0.99) << "variant " << static_cast<int>(variant);
  }
  // Densities are equal everywhere, so the symmetrised graph has no cluster structure at all.
  SpectralOptions o;
  o.k = 3;
  const auto sym = spectral_clustering(g.graph, o);
  EXPECT_LT(adjusted_rand_index(g.labels, sym.labels), 0.1);
}

TEST(HermitianClustering, DenseSolverOnSmallDigraph) {
  const auto g = cyclic_digraph(60, 0.25, 8);  // n = 180: dense path
  HermitianOptions h;
  h.k = 3;
  const auto dense = hermitian_clustering(g.graph, h);
  EXPECT_EQ(dense.iterations, 0);
  EXPECT_GE(adjusted_rand_index(g.labels, dense.labels), 0.99);
  h.eigen.solver = EigenSolverKind::Lanczos;
  const auto lanczos = hermitian_clustering(g.graph, h);
  EXPECT_NEAR(dense.eigenvalues[0], lanczos.eigenvalues[0], 1e-6);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(dense.labels, lanczos.labels), 1.0);
}

TEST(HermitianClustering, MorePairsForMoreClusters) {
  // 4 blocks on a directed cycle 0 -> 1 -> 2 -> 3 -> 0 (floor(4/2) = 2 pairs).
  SbmOptions o;
  o.sizes = {300, 300, 300, 300};
  o.p_in = 0.03;
  o.p_out = 0.03;
  o.directed = true;
  o.flow = {0.5, 1, 0.5, 0,  //
            0, 0.5, 1, 0.5,  //
            0.5, 0, 0.5, 1,  //
            1, 0.5, 0, 0.5};
  o.seed = 21;
  const auto g = stochastic_block_model(o);
  HermitianOptions h;
  h.k = 4;
  const auto r = hermitian_clustering(g.graph, h);
  EXPECT_EQ(r.embedding.cols(), 4);
  ASSERT_EQ(r.eigenvalues.size(), 2u);
  EXPECT_GE(r.eigenvalues[0], r.eigenvalues[1]);
  expect_valid(r.labels, 1200, 4);
  expect_finite(r.embedding);
  EXPECT_GE(adjusted_rand_index(g.labels, r.labels), 0.9);
}

TEST(HermitianClustering, IsolatedNodesStayFinite) {
  auto g = cyclic_digraph(100, 0.1, 5);
  const CsrArrays& csr = g.graph.out();
  EdgeList edges;
  for (NodeId u = 0; u < 300; ++u)
    for (auto e = csr.offsets[u]; e < csr.offsets[u + 1]; ++e) edges.sources.push_back(u), edges.targets.push_back(csr.targets[e]);
  edges.num_nodes = 305;
  BuildOptions b;
  b.directed = true;
  const Graph graph = build_graph(edges, b);
  for (auto variant : {HermitianVariant::RandomWalk, HermitianVariant::Plain}) {
    HermitianOptions h;
    h.k = 3;
    h.variant = variant;
    h.eigen.solver = EigenSolverKind::Lanczos;
    const auto r = hermitian_clustering(graph, h);
    expect_valid(r.labels, 305, 3);
    expect_finite(r.embedding);
  }
}

namespace {
/// G = E[:, :p] + i E[:, p:]: the complex eigenvector block behind a Hermitian embedding.
Eigen::MatrixXcd complex_block(const DenseBlock<double>& e) {
  const Eigen::Index p = e.cols() / 2;
  Eigen::MatrixXcd g(e.rows(), p);
  g.real() = e.leftCols(p);
  g.imag() = e.rightCols(p);
  return g;
}
}  // namespace

TEST(HermitianClustering, RepeatedEigenvaluesStillGiveIndependentVectors) {
  // Two identical, disjoint copies of one cyclic digraph: every eigenvalue of H is doubled, so the
  // Krylov method can return g and i g for the same eigenspace. The p = 2 vectors must still be
  // complex-orthonormal (a complete basis of the top eigenspace), not one vector twice.
  const auto g = cyclic_digraph(150, 0.06, 12);
  const CsrArrays& csr = g.graph.out();
  EdgeList edges;
  for (NodeId copy = 0; copy < 2; ++copy)
    for (NodeId u = 0; u < 450; ++u)
      for (auto e = csr.offsets[u]; e < csr.offsets[u + 1]; ++e)
        edges.sources.push_back(u + copy * 450), edges.targets.push_back(csr.targets[e] + copy * 450);
  BuildOptions b;
  b.directed = true;
  const Graph twice = build_graph(edges, b);
  HermitianOptions h;
  h.k = 4;
  h.variant = HermitianVariant::Plain;
  h.eigen.solver = EigenSolverKind::Lanczos;
  const auto r = hermitian_clustering(twice, h);
  EXPECT_TRUE(r.converged);
  ASSERT_EQ(r.eigenvalues.size(), 2u);
  EXPECT_NEAR(r.eigenvalues[0], r.eigenvalues[1], 1e-6 * r.eigenvalues[0]);
  const Eigen::MatrixXcd gram = complex_block(r.embedding).adjoint() * complex_block(r.embedding);
  EXPECT_LT((gram - Eigen::MatrixXcd::Identity(2, 2)).norm(), 1e-8);
}

TEST(HermitianClustering, EmbeddingIsComplexOrthonormalAndThreadIndependent) {
  const auto g = cyclic_digraph(300, 0.04, 14);
  HermitianOptions h;
  h.k = 5;  // 2 pairs
  h.variant = HermitianVariant::Plain;
  HermitianResult one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = hermitian_clustering(g.graph, h);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = hermitian_clustering(g.graph, h);
  }
  EXPECT_EQ(one.labels, two.labels);
  EXPECT_TRUE(one.embedding == two.embedding);
  const Eigen::MatrixXcd gram = complex_block(one.embedding).adjoint() * complex_block(one.embedding);
  EXPECT_LT((gram - Eigen::MatrixXcd::Identity(2, 2)).norm(), 1e-8);
}

TEST(SpectralClustering, DirectedInputIsClusteredOnAPlusATransposeWithoutACopy) {
  // A digraph with reciprocated pairs: A + A^T gives them weight 2, and spectral_clustering must
  // equal spectral clustering of that weighted undirected graph built explicitly.
  const auto g = stochastic_block_model({.sizes = {400, 400, 400}, .p_in = 0.03, .p_out = 0.004, .directed = true, .seed = 12});
  EdgeList e;
  e.num_nodes = g.graph.num_nodes();
  for (NodeId u = 0; u < g.graph.num_nodes(); ++u)
    g.graph.for_each_out(u, [&](NodeId v, Weight) {
      e.sources.push_back(u);
      e.targets.push_back(v);
      e.weights.push_back(1.0f);
    });
  const Graph explicit_sym = build_graph(e);  // undirected, duplicates summed: A + A^T
  std::size_t reciprocated = 0;
  for (NodeId u = 0; u < explicit_sym.num_nodes(); ++u)
    for (Weight w : explicit_sym.out_weights(u)) reciprocated += w == 2.0f;
  ASSERT_GT(reciprocated, 0u);
  for (auto scaling : {SpectralScaling::NgJordanWeiss, SpectralScaling::ShiMalik}) {
    SpectralOptions o;
    o.k = 3;
    o.scaling = scaling;
    const auto direct = spectral_clustering(g.graph, o);
    const auto reference = spectral_clustering(explicit_sym, o);
    EXPECT_DOUBLE_EQ(adjusted_rand_index(g.labels, direct.labels), 1.0);
    EXPECT_DOUBLE_EQ(adjusted_rand_index(reference.labels, direct.labels), 1.0);
    ASSERT_EQ(direct.eigenvalues.size(), reference.eigenvalues.size());
    for (std::size_t i = 0; i < direct.eigenvalues.size(); ++i)
      EXPECT_NEAR(direct.eigenvalues[i], reference.eigenvalues[i], 1e-9);
    EXPECT_EQ(direct.components, reference.components);
    EXPECT_DOUBLE_EQ(direct.tau, reference.tau);
  }
}

TEST(Eigensolver, PinnedSpectraInternalsAreSelected) {
  // eigensolver.hpp specialises Spectra 1.0.1's internal ArnoldiOp (see the measured reason there).
  // This fails to compile if Spectra's template changes shape, and fails if Spectra stops
  // selecting the specialisation for our operator wrapper.
#if SPECTRA_VERSION == 10001
  using Wrapped = detail::SpectraOperator<GraphOperator<double>>;
  EXPECT_TRUE((Spectra::ArnoldiOp<double, Wrapped, Spectra::IdentityBOp>::graphclust_parallel));
  EXPECT_TRUE(detail::kParallelArnoldi);
#else
  EXPECT_FALSE(detail::kParallelArnoldi);
  GTEST_SKIP() << "Spectra " << SPECTRA_VERSION << " is not the pinned 1.0.1: the specialisation is compiled out";
#endif
}
