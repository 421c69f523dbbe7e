#include <chrono>
#include <cstdio>

#include "cli/commands.hpp"
#include "graphclust/core/error.hpp"

namespace graphclust::cli {

ReadOptions GraphInput::read_options() const {
  ReadOptions o;
  if (directed && undirected) throw InvalidArgument("--directed and --undirected exclude each other");
  if (directed) o.directed = true;
  if (undirected) o.directed = false;
  if (ids == "auto") o.ids = IdMode::Auto;
  else if (ids == "integer") o.ids = IdMode::Integer;
  else if (ids == "names") o.ids = IdMode::Names;
  else throw InvalidArgument("--ids must be auto, integer or names, got '" + ids + "'");
  o.ignore_weights = ignore_weights;
  o.warning = stderr_warning();  // warnings are not progress: --quiet keeps them
  return o;
}

void add_graph_input(CLI::App& command, GraphInput& input) {
  command.add_option("GRAPH", input.path, "edge list, .mtx or .gcsr file")->required();
  command.add_flag("--directed", input.directed, "read as directed (default: the file's '# directed:' header, else undirected)");
  command.add_flag("--undirected", input.undirected, "read as undirected even if the file says directed");
  command.add_option("--ids", input.ids, "node tokens: auto | integer (ids 0..N-1) | names (any strings)");
  command.add_flag("--ignore-weights", input.ignore_weights, "ignore a weight column");
}

Graph load_graph(const GraphInput& input, bool quiet) {
  const auto start = std::chrono::steady_clock::now();
  Graph graph = read_graph(input.path, input.read_options());
  if (!quiet) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "read %s: %u nodes, %llu edges (%s) in %.3f s\n", input.path.c_str(), graph.num_nodes(),
                 static_cast<unsigned long long>(graph.num_edges()), graph.directed() ? "directed" : "undirected", seconds);
  }
  return graph;
}

}  // namespace graphclust::cli
