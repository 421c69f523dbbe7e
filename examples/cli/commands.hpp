#pragma once
// The CLI's subcommands, one file each under examples/cli/; graphclust.cpp wires them up.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "graphclust/graph/graph.hpp"
#include "graphclust/io/io.hpp"

namespace graphclust::cli {

/// Options every subcommand that reads a graph shares (--directed, --undirected, --ids, ...).
struct GraphInput {
  std::string path;
  bool directed = false;
  bool undirected = false;
  std::string ids = "auto";
  bool ignore_weights = false;
  ReadOptions read_options() const;  // throws InvalidArgument on a bad --ids value
};
/// Adds the positional GRAPH and the reading flags to `command`.
void add_graph_input(CLI::App& command, GraphInput& input);
/// Reads the graph, reporting the time on stderr unless quiet.
Graph load_graph(const GraphInput& input, bool quiet);

/// Each subcommand: registers itself on `app` and sets `run` to the action executed after parsing.
/// `quiet` and `threads` are the global flags.
struct Command {
  CLI::App* app = nullptr;
  std::function<void()> run;
};
void add_info_command(CLI::App& app, const bool& quiet, std::function<void()>& run);
void add_cluster_command(CLI::App& app, const bool& quiet, std::function<void()>& run);
void add_convert_command(CLI::App& app, const bool& quiet, std::function<void()>& run);
void add_generate_command(CLI::App& app, const bool& quiet, std::function<void()>& run);  // examples/cli/generate.cpp
void add_local_command(CLI::App& app, const bool& quiet, std::function<void()>& run);  // examples/cli/local.cpp

}  // namespace graphclust::cli
