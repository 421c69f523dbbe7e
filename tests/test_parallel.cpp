// core/parallel.hpp is where "same bits for any thread count" is decided: these tests check the
// helpers themselves, then that kernels and methods built on them give identical bits for 1, 2 and
// 3 threads (3 oversubscribes the 2-core reference machine, so task boundaries really move) and
// for repeated runs.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <vector>

#include "threads.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/graph/partition.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/kernels/reduce.hpp"
#include "graphclust/spectral/spectral.hpp"

using namespace graphclust;
using graphclust::test_support::with_threads;

namespace {

/// Values whose sum depends strongly on the order of the additions.
std::vector<double> cancelling_values(std::size_t n) {
  Rng rng(17);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = (rng.uniform() - 0.5) * std::pow(10.0, static_cast<int>(rng.below(17)));
  return v;
}

}  // namespace

TEST(Parallel, EveryIndexAndChunkOnceForAnyThreadCount) {
  for (int threads : {1, 2, 3}) {
    with_threads(threads, [&] {
      const std::size_t n = 3 * kReductionBlock + 17;
      std::vector<std::atomic<int>> hits(n);
      parallel_for_nodes(n, [&](std::size_t i) { ++hits[i]; }, 100);
      parallel_for_ranges(n, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) ++hits[i];
      });
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i], 2) << i;

      std::vector<std::pair<std::size_t, std::size_t>> chunks(block_count(n));
      for_each_block(n, [&](std::size_t c, std::size_t b, std::size_t e) { chunks[c] = {b, e}; });
      for (std::size_t c = 0; c < chunks.size(); ++c) {  // fixed boundaries: never the thread count's
        EXPECT_EQ(chunks[c].first, c * kReductionBlock);
        EXPECT_EQ(chunks[c].second, std::min(n, (c + 1) * kReductionBlock));
      }
      for (Schedule s : {Schedule::Dynamic, Schedule::Static}) {
        std::vector<std::atomic<int>> tasks(37);
        parallel_for_tasks(tasks.size(), [&](std::size_t t) { ++tasks[t]; }, s);
        for (auto& t : tasks) EXPECT_EQ(t, 1);
      }
      int calls = 0;
      for_each_chunk(0, 10, [&](std::size_t, std::size_t, std::size_t) { ++calls; });
      parallel_for_nodes(std::size_t{0}, [&](std::size_t) { ++calls; });
      EXPECT_EQ(calls, 0);
    });
  }
}

TEST(Parallel, FixedOrderSumIsTheBlockwiseSequentialSum) {
  const std::vector<double> v = cancelling_values(5 * kReductionBlock + 123);
  double expected = 0;
  for (std::size_t b = 0; b < block_count(v.size()); ++b) {
    double block = 0;
    for (std::size_t i = b * kReductionBlock; i < std::min(v.size(), (b + 1) * kReductionBlock); ++i) block += v[i];
    expected += block;
  }
  for (int threads : {1, 2, 3})
    for (int repeat = 0; repeat < 3; ++repeat) {
      const double got = with_threads(threads, [&] { return fixed_order_sum(v.size(), [&](std::size_t i) { return v[i]; }); });
      EXPECT_EQ(got, expected) << threads << " threads";
      EXPECT_EQ(with_threads(threads, [&] { return sum<double>(v); }), expected);
    }
  // Reductions of other types: the same block order (here: the first index with a property).
  const auto first_negative = fixed_order_reduce(
      v.size(), v.size(),
      [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
          if (v[i] < 0) return i;
        return v.size();
      },
      [](std::size_t a, std::size_t b) { return std::min(a, b); });
  EXPECT_LT(v[first_negative], 0);
  for (std::size_t i = 0; i < first_negative; ++i) EXPECT_GE(v[i], 0);
}

TEST(Parallel, KernelsAndMethodsGiveTheSameBitsForAnyThreadCount) {
  struct Out {
    CsrArrays csr;
    double volume;
    std::vector<double> y;
    DenseBlock<double> product, gram;
    double dot;
    std::vector<std::int32_t> components;
    SpectralResult spectral;
  };
  auto run = [](int threads) {
    return with_threads(threads, [] {
      Out o;
      const PlantedGraph p = stochastic_block_model(
          {.sizes = {1500, 1500, 1500}, .p_in = 0.01, .p_out = 0.001, .directed = true, .seed = 21});
      o.csr = p.graph.in();
      o.volume = p.graph.sym_volume();
      std::vector<double> x(p.graph.num_nodes());
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.1 * static_cast<double>(i));
      OperatorOptions sym{OperatorKind::SymNormalized, false, 0.5, 1.0};
      sym.symmetrize = true;
      o.y.resize(x.size());
      GraphOperator<double>(p.graph, sym).apply(x, o.y);
      DenseBlock<double> block(x.size(), 5), w(5, 3);
      for (Eigen::Index i = 0; i < block.size(); ++i) block.data()[i] = std::sin(0.01 * static_cast<double>(i));
      for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = 1.0 / (1.0 + static_cast<double>(i));
      o.product = block_product(block, w);
      o.gram = transpose_product(block, o.product);
      o.dot = dot<double>(x, o.y);
      o.components = connected_components(p.graph);
      SpectralOptions so;
      so.k = 3;
      so.n_init = 2;
      o.spectral = spectral_clustering(p.graph, so);
      return o;
    });
  };
  const Out a = run(1);
  EXPECT_EQ(*std::max_element(a.spectral.labels.begin(), a.spectral.labels.end()), 2);
  for (int threads : {1, 2, 3}) {
    const Out b = run(threads);
    EXPECT_EQ(a.csr.offsets, b.csr.offsets);
    EXPECT_EQ(a.csr.targets, b.csr.targets);
    EXPECT_EQ(a.volume, b.volume);
    EXPECT_EQ(a.y, b.y) << threads;
    EXPECT_TRUE(a.product == b.product) << threads;
    EXPECT_TRUE(a.gram == b.gram) << threads;
    EXPECT_EQ(a.dot, b.dot) << threads;
    EXPECT_EQ(a.components, b.components);
    EXPECT_EQ(a.spectral.labels, b.spectral.labels) << threads;
    EXPECT_EQ(a.spectral.eigenvalues, b.spectral.eigenvalues) << threads;
    EXPECT_TRUE(a.spectral.embedding == b.spectral.embedding) << threads;
    EXPECT_EQ(a.spectral.matvecs, b.spectral.matvecs);
  }
}
