
#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/cancel.hpp"
#include "cli/commands.hpp"
#include "graphclust/graph/partition.hpp"
#include "graphclust/io/io.hpp"

namespace graphclust::cli {

void add_info_command(CLI::App& app, const bool& quiet, std::function<void()>& run) {
  auto input = std::make_shared<GraphInput>();
  CLI::App* cmd = app.add_subcommand("info", "print the size, degrees and connectivity of a graph");
  add_graph_input(*cmd, *input);
  cmd->callback([&quiet, &run, input] {
    run = [&quiet, input] {
      const Graph g = load_graph(*input, quiet);
      NodeId isolated = 0;
      EdgeOffset max_row = 0;
      for (NodeId u = 0; u < g.num_nodes(); ++u) {
        const auto row = g.sym_count(u);
        isolated += row == 0;
        max_row = std::max<EdgeOffset>(max_row, row);
      }
      const std::vector<std::int32_t> comp = connected_components(g);
      const int components = comp.empty() ? 0 : *std::max_element(comp.begin(), comp.end()) + 1;
      std::vector<NodeId> sizes(components, 0);
      for (auto c : comp) ++sizes[c];
      const NodeId largest = sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end());
      std::printf("graph: %s\n", input->path.c_str());
      std::printf("directed: %s\nweighted: %s\nnamed nodes: %s\n", g.directed() ? "yes" : "no", g.weighted() ? "yes" : "no",
                  g.has_names() ? "yes" : "no");
      std::printf("nodes: %u\nedges: %llu\nself-loops: %llu\n", g.num_nodes(),
                  static_cast<unsigned long long>(g.num_edges()), static_cast<unsigned long long>(g.num_self_loops()));
      std::printf("isolated nodes: %u\nmean weighted %sdegree: %.4g\nmax neighbours: %llu\n", isolated,
                  g.directed() ? "out-" : "", g.num_nodes() ? g.total_volume() / g.num_nodes() : 0.0,
                  static_cast<unsigned long long>(max_row));
      std::printf("weakly connected components: %d (largest %u nodes)\n", components, largest);
    };
  });
}

void add_convert_command(CLI::App& app, const bool& quiet, std::function<void()>& run) {
  auto input = std::make_shared<GraphInput>();
  auto output = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("convert", "rewrite a graph: OUT ending in .gcsr is the binary cache (reloads "
                                                "without parsing), anything else an edge list");
  add_graph_input(*cmd, *input);
  cmd->add_option("OUT", *output, "output file")->required();
  cmd->callback([&quiet, &run, input, output] {
    run = [&quiet, input, output] {
      const Graph g = load_graph(*input, quiet);
      throw_if_cancelled();  // reading takes no progress callback: honour a signal before writing
      const bool binary = output->size() >= 5 && output->compare(output->size() - 5, 5, ".gcsr") == 0;
      if (binary) save_binary(g, *output); else write_edge_list(g, *output);
      std::printf("wrote %s (%s)\n", output->c_str(), binary ? "binary CSR" : "edge list");
    };
  });
}

}  // namespace graphclust::cli
