#pragma once
// Ctrl-C for the CLI. The library keeps no global state and never installs signal handlers; the CLI
// does, and turns a signal into graphclust::Cancelled thrown from the progress callback, which every
// long loop of every family calls at least once per iteration. The run then unwinds normally: no
// output is written (outputs go through a temporary file renamed into place only at the end).
#include "graphclust/core/progress.hpp"

namespace graphclust::cli {

/// SIGINT and SIGTERM set a flag (one lock-free atomic store: async-signal-safe). A second signal
/// while the first is still being honoured ends the process at once, with the same exit status.
void install_cancel_handlers();

/// The signal that asked to stop (SIGINT or SIGTERM), or 0.
int cancel_signal() noexcept;

/// `progress` (which may be empty, e.g. with --quiet) wrapped so that it throws graphclust::Cancelled
/// once a signal arrived. Every front-end call must pass this, even when quiet.
Progress cancellable(Progress progress);

/// Throws graphclust::Cancelled if a signal arrived: between stages that take no progress (after
/// reading the graph, before writing outputs).
void throw_if_cancelled();

}  // namespace graphclust::cli
