// Kernel throughput in the units that matter for memory-bound code: MB/s of text parsed, GB/s of
// CSR traffic (offsets + column ids + the input vector/block read + the output written).
//   ./build/bench/bench_kernels            (bench/bench_foundation.py compares with numpy/scipy)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "graphclust/core/random.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/io/io.hpp"
#include "graphclust/kernels/operator.hpp"

namespace {
using namespace graphclust;

/// 1e6 nodes, ~2e7 stored entries: the brief's reference matrix.
const Graph& reference_graph() {
  static const Graph graph = stochastic_block_model({{1000000}, 2e-5, 0, false, {}, 1}).graph;
  return graph;
}

const std::string& edge_list_text() {
  static const std::string text = [] {
    std::string s;
    Rng rng(2);
    char line[32];
    for (int i = 0; i < 10000000; ++i) {
      const int len = std::snprintf(line, sizeof line, "%llu %llu\n", static_cast<unsigned long long>(rng.below(1000000)),
                                    static_cast<unsigned long long>(rng.below(1000000)));
      s.append(line, len);
    }
    return s;
  }();
  return text;
}

void BM_ParseEdgeList(benchmark::State& state) {
  const std::string& text = edge_list_text();
  ReadOptions o;
  o.ids = IdMode::Integer;
  for (auto _ : state) benchmark::DoNotOptimize(parse_edge_list(text, "bench", o));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

template <class T>
void BM_Spmv(benchmark::State& state) {
  const Graph& g = reference_graph();
  const GraphOperator<T> op(g, {static_cast<OperatorKind>(state.range(0))});
  std::vector<T> x(g.num_nodes(), T{1}), y(g.num_nodes());
  for (auto _ : state) {
    op.apply(x, y);
    benchmark::ClobberMemory();
  }
  const double bytes = 8.0 * (g.num_nodes() + 1) + 4.0 * g.num_arcs() + 2.0 * sizeof(T) * g.num_nodes();
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

template <class T>
void BM_Spmm(benchmark::State& state) {
  const Graph& g = reference_graph();
  const std::size_t k = static_cast<std::size_t>(state.range(0));
  const GraphOperator<T> op(g, {OperatorKind::SymNormalized});
  DenseBlock<T> x = DenseBlock<T>::Ones(g.num_nodes(), k), y(g.num_nodes(), k);
  for (auto _ : state) {
    op.apply_block(x, y);
    benchmark::ClobberMemory();
  }
  const double bytes = 8.0 * (g.num_nodes() + 1) + 4.0 * g.num_arcs() + 2.0 * sizeof(T) * k * g.num_nodes();
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

BENCHMARK(BM_ParseEdgeList)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Spmv<double>)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Spmv<float>)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Spmm<double>)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Spmm<float>)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
