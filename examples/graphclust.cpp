// graphclust: graph clustering from the command line.
//
//   graphclust info GRAPH
//   graphclust cluster GRAPH --method NAME [-k K] [--labels TRUTH] [--seed S] [-o OUT]
//   graphclust local GRAPH --seed-nodes a,b,c --method ppr|flow|wfd
//   graphclust convert GRAPH OUT.gcsr|OUT.txt
//   graphclust generate dsbm OUT.txt --labels OUT.labels [--num-nodes N -k K --eta E ...]
//
// Errors print one line "graphclust: error: ..." and exit 1; usage errors exit 2 (CLI11's codes
// are mapped so scripts can tell them apart from success). Ctrl-C (SIGINT) or SIGTERM stops a run at
// the method's next progress report, prints one line, writes no output and exits 128 + the signal
// (130, 143), as shells report a process killed by it.
#include <CLI/CLI.hpp>
#include <tbb/global_control.h>

#include <csignal>
#include <cstdio>
#include <new>
#include <optional>

#include "cli/cancel.hpp"
#include "cli/commands.hpp"
#include "graphclust/core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "graphclust — fast graph clustering (spectral, local diffusion, ...) on edge-list files.\n"
      "GRAPH is an edge list ('u v' or 'u v w' per line; '#'/'%' comments; space, tab or comma separated;\n"
      "node names may be integers or strings), a Matrix Market .mtx file, or a binary .gcsr cache.\n"
      "Run 'graphclust COMMAND --help' for each command's options."};
  app.require_subcommand(1);
  app.fallthrough();
  bool quiet = false;
  int threads = 0;
  app.add_flag("-q,--quiet", quiet, "print no progress on stderr");
  app.add_option("--threads", threads, "worker threads (default: every core); results do not depend on it")
      ->check(CLI::NonNegativeNumber);
  std::function<void()> run;
  graphclust::cli::add_info_command(app, quiet, run);
  graphclust::cli::add_cluster_command(app, quiet, run);
  graphclust::cli::add_local_command(app, quiet, run);
  graphclust::cli::add_convert_command(app, quiet, run);
  graphclust::cli::add_generate_command(app, quiet, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  graphclust::cli::install_cancel_handlers();
  try {
    std::optional<tbb::global_control> control;
    if (threads > 0) control.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    if (run) run();
    return 0;
  } catch (const graphclust::Cancelled&) {
    const int signal = graphclust::cli::cancel_signal();
    std::fprintf(stderr, "graphclust: interrupted by %s; no output written\n", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    return 128 + (signal != 0 ? signal : SIGINT);
  } catch (const graphclust::Error& e) {
    std::fprintf(stderr, "graphclust: error: %s\n", e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "graphclust: error: out of memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "graphclust: error: %s\n", e.what());
  }
  return 1;
}
