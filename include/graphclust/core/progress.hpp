#pragma once
/// Progress reporting for long runs. Options structs carry a Progress; an empty one is silent,
/// so library calls are quiet unless the caller (CLI without --quiet, Python verbose=True) opts in.
#include <functional>
#include <string_view>

namespace graphclust {

/// Called with a stage name and the fraction done in [0, 1] (or a negative value when the total is
/// unknown, e.g. "iteration 12 of at most 1000" reported as step 12).
using Progress = std::function<void(std::string_view stage, double fraction)>;

/// A Progress that draws one self-overwriting line on stderr.
Progress stderr_progress();

inline void report(const Progress& progress, std::string_view stage, double fraction) {
  if (progress) progress(stage, fraction);
}

}  // namespace graphclust
