#include "cli/cancel.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <utility>

#include "graphclust/core/error.hpp"

namespace graphclust::cli {
namespace {

// The one piece of global state, and it belongs to the CLI: a signal handler has nowhere else to write.
std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler may only touch lock-free atomics");

extern "C" void on_signal(int signal) {
  int expected = 0;
  if (!received.compare_exchange_strong(expected, signal)) {
    // The user asked twice: the loop in progress is not reaching a cancellation point (e.g. a
    // single huge file read). _exit is async-signal-safe; a temporary output, if any, may remain.
    ::_exit(128 + expected);
  }
}

}  // namespace

void install_cancel_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes in progress continue; the flag is polled
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int cancel_signal() noexcept { return received.load(std::memory_order_relaxed); }

void throw_if_cancelled() {
  if (cancel_signal() != 0) throw Cancelled();
}

Progress cancellable(Progress progress) {
  return [progress = std::move(progress)](std::string_view stage, double fraction) {
    throw_if_cancelled();
    if (progress) progress(stage, fraction);
  };
}

}  // namespace graphclust::cli
