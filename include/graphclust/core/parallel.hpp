#pragma once
/// The one place where graphclust goes parallel, and where its determinism is decided.
///
/// Every kernel that runs on more than one thread uses one of these helpers, so the promise "same
/// bits for any thread count" rests on this file and its test (tests/test_parallel.cpp), not on each
/// loop separately:
///
///   parallel_for_nodes   f(i) for every i in [0, n): each index written by exactly one task, so the
///                        split between threads cannot change a result.
///   parallel_for_ranges  the same with f(begin, end) on contiguous ranges, for loops that keep
///                        per-range scratch (the range boundaries may vary; results must not depend on them).
///   for_each_chunk       f(chunk, begin, end) over fixed chunks of a caller-chosen size: per-chunk
///                        outputs (counts, edge lists) combined in chunk order afterwards.
///   for_each_block       for_each_chunk with kReductionBlock: the block boundaries never depend on the
///                        thread count, so per-block partials are stable.
///   fixed_order_reduce   per-block partials combined in block order: a reduction whose rounding is the
///                        same for 1 or 64 threads.
///   parallel_for_tasks   f(t) for coarse, already-sized work items (file chunks, row blocks, seed sets).
///
/// What is never done: tbb::parallel_reduce (its join tree follows the work stealing, so floating-point
/// sums would change with the thread count), or atomics accumulating floating-point values.
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

namespace graphclust {

/// Block length of every fixed-order reduction. Changing it changes results in the last bits, so it
/// is one constant for the whole library. 8192 doubles = 64 KiB: large enough that the per-block
/// overhead is negligible, small enough that 1e4-node graphs still get two-way parallelism.
inline constexpr std::size_t kReductionBlock = 8192;

/// Grain of plain per-index loops (scheduling only; never affects results).
inline constexpr std::size_t kDefaultGrain = 2048;

/// Threads a call may use here: the current TBB arena's limit (tbb::global_control or an enclosing
/// task_arena lowers it). Code that runs on another pool (LibTorch's) sizes it from this.
inline int available_threads() noexcept { return std::max(1, tbb::this_task_arena::max_concurrency()); }

/// Number of fixed blocks that cover [0, n).
constexpr std::size_t block_count(std::size_t n) noexcept { return (n + kReductionBlock - 1) / kReductionBlock; }

/// f(begin, end) on disjoint contiguous ranges covering [0, n), in parallel.
template <class Index, class F>
void parallel_for_ranges(Index n, F&& f, std::size_t grain = kDefaultGrain) {
  if (n <= Index(0)) return;
  if (static_cast<std::size_t>(n) <= grain) {
    f(Index(0), n);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<Index>(Index(0), n, grain),
                    [&](const tbb::blocked_range<Index>& r) { f(r.begin(), r.end()); });
}

/// f(i) for every i in [0, n), in parallel. f must write only what belongs to index i.
template <class Index, class F>
void parallel_for_nodes(Index n, F&& f, std::size_t grain = kDefaultGrain) {
  parallel_for_ranges(n, [&](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) f(i);
  }, grain);
}

/// How parallel_for_tasks hands out tasks. Static gives each worker an equal contiguous share: for
/// tasks of equal cost (e.g. nnz-balanced row blocks) it saves the scheduling and keeps each worker
/// on the same rows from one call to the next. Neither choice can change a result.
enum class Schedule { Dynamic, Static };

/// f(t) for every t in [0, count): one coarse task each (file chunks, row blocks, seed sets).
template <class F>
void parallel_for_tasks(std::size_t count, F&& f, Schedule schedule = Schedule::Dynamic) {
  if (count == 0) return;
  if (count == 1) {
    f(std::size_t{0});
    return;
  }
  auto body = [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t t = r.begin(); t < r.end(); ++t) f(t);
  };
  const tbb::blocked_range<std::size_t> range(0, count, 1);
  if (schedule == Schedule::Static) tbb::parallel_for(range, body, tbb::static_partitioner());
  else tbb::parallel_for(range, body);
}

/// f(c, begin, end) for each fixed chunk [c * chunk, min(n, (c + 1) * chunk)) of [0, n), in parallel.
template <class F>
void for_each_chunk(std::size_t n, std::size_t chunk, F&& f) {
  const std::size_t chunks = (n + chunk - 1) / chunk;
  parallel_for_tasks(chunks, [&](std::size_t c) { f(c, c * chunk, std::min(n, (c + 1) * chunk)); });
}

/// f(block, begin, end) for each fixed block of kReductionBlock indices of [0, n), in parallel.
template <class F>
void for_each_block(std::size_t n, F&& f) {
  for_each_chunk(n, kReductionBlock, f);
}

/// Reduces [0, n): partial(begin, end) -> T per fixed block, then combine(acc, partial) in block
/// order starting from `identity`. Deterministic for any thread count.
template <class T, class Partial, class Combine>
T fixed_order_reduce(std::size_t n, T identity, Partial&& partial, Combine&& combine) {
  static_assert(!std::is_same_v<T, bool>, "std::vector<bool> packs bits, so per-block writes would race");
  const std::size_t blocks = block_count(n);
  if (blocks <= 1) return n == 0 ? identity : combine(std::move(identity), partial(std::size_t{0}, n));
  std::vector<T> partials(blocks);
  for_each_block(n, [&](std::size_t b, std::size_t begin, std::size_t end) { partials[b] = partial(begin, end); });
  T acc = std::move(identity);
  for (auto& p : partials) acc = combine(std::move(acc), std::move(p));
  return acc;
}

/// sum over i in [0, n) of term(i), in double, in a fixed order.
template <class Term>
double fixed_order_sum(std::size_t n, Term&& term) {
  return fixed_order_reduce(
      n, 0.0,
      [&](std::size_t begin, std::size_t end) {
        double s = 0;
        for (std::size_t i = begin; i < end; ++i) s += term(i);
        return s;
      },
      [](double a, double b) { return a + b; });
}

}  // namespace graphclust
