#pragma once
/// Progress reporting for long runs, and warnings. Options structs carry a Progress or a Warning; an
/// empty one is silent, so library calls are quiet unless the caller (CLI, Python) opts in: the
/// library never prints on its own and keeps no global state.
#include <functional>
#include <string_view>

namespace graphclust {

/// Called with a stage name and the fraction done in [0, 1] (or a negative value when the total is
/// unknown, e.g. "iteration 12 of at most 1000" reported as step 12).
using Progress = std::function<void(std::string_view stage, double fraction)>;

/// A Progress on stderr: one self-overwriting line on a terminal; elsewhere (a log, CI) one plain
/// line per stage, since carriage-return redraws would fill the log.
Progress stderr_progress();

inline void report(const Progress& progress, std::string_view stage, double fraction) {
  if (progress) progress(stage, fraction);
}

/// Called with one message (no newline) about input that was accepted but perhaps not as the user
/// meant, e.g. integer ids read as names. Unlike progress, a front-end shows these even when quiet.
using Warning = std::function<void(std::string_view message)>;

/// A Warning that prints "warning: MESSAGE" as one line on stderr.
Warning stderr_warning();

inline void warn(const Warning& warning, std::string_view message) {
  if (warning) warning(message);
}

}  // namespace graphclust
