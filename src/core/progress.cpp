#include "graphclust/core/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace graphclust {

Progress stderr_progress() {
  struct State {
    std::chrono::steady_clock::time_point last{};
    std::string stage;
    bool started = false;
  };
  auto state = std::make_shared<State>();
  if (!::isatty(STDERR_FILENO)) {
    return [state](std::string_view stage, double) {
      if (state->started && stage == state->stage) return;
      state->started = true;
      state->stage = std::string(stage);
      std::fprintf(stderr, "%.*s\n", static_cast<int>(stage.size()), stage.data());
      std::fflush(stderr);
    };
  }
  // Redraws at most ~10 times a second so that tight loops do not spend their time printing.
  return [state](std::string_view stage, double fraction) {
    const auto now = std::chrono::steady_clock::now();
    const bool done = fraction >= 1.0;
    if (!done && stage == state->stage && now - state->last < std::chrono::milliseconds(100)) return;
    state->last = now;
    state->stage = std::string(stage);
    if (fraction >= 0) {
      const int width = 30, filled = static_cast<int>(fraction * width + 0.5);
      std::fprintf(stderr, "\r%-24.*s [%-*.*s] %3.0f%%", static_cast<int>(stage.size()), stage.data(), width, filled,
                   "##############################", fraction * 100.0);
    } else {
      std::fprintf(stderr, "\r%-24.*s step %.0f", static_cast<int>(stage.size()), stage.data(), -fraction);
    }
    if (done) std::fputc('\n', stderr);
    std::fflush(stderr);
  };
}

Warning stderr_warning() {
  return [](std::string_view message) {
    std::fprintf(stderr, "warning: %.*s\n", static_cast<int>(message.size()), message.data());
    std::fflush(stderr);
  };
}

}  // namespace graphclust
