#pragma once
// Shared by the determinism tests: run a piece of work on an exact number of threads.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <cstddef>

namespace graphclust::test_support {

/// f() run on `threads` threads: the global cap stops nested parallel calls from borrowing more.
template <class F>
auto with_threads(int threads, F&& f) {
  tbb::global_control control(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  return arena.execute(f);
}

}  // namespace graphclust::test_support
