// `graphclust local GRAPH --seed-nodes a,b,c --method ppr|flow|wfd|noisy`: a small cluster around seeds.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/cancel.hpp"
#include "cli/commands.hpp"
#include "cli/method_flags.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/local/local.hpp"
#include "graphclust/methods/registry.hpp"

namespace graphclust::cli {
namespace {

struct LocalArgs {
  GraphInput input;
  std::vector<std::string> seeds;
  std::string method = "ppr";
  MethodFlags flags;
  std::string features;
  std::string labels;
  std::string output;
  std::string vector_output;
};

}  // namespace

void add_local_command(CLI::App& app, const bool& quiet, std::function<void()>& run) {
  auto args = std::make_shared<LocalArgs>();
  CLI::App* cmd = app.add_subcommand("local", "find a small cluster around seed nodes without reading the whole graph");
  add_graph_input(*cmd, args->input);
  cmd->add_option("-s,--seed-nodes", args->seeds, "seed nodes, comma-separated names (or ids for unnamed graphs)")
      ->delimiter(',')
      ->required();
  add_method_flags(*cmd, default_registry(), MethodKind::Local, args->method, args->flags);
  cmd->add_option("--features", args->features, "node attributes ('node dim value' triples), for wfd");
  cmd->add_option("--labels,--node-labels", args->labels, "noisy binary labels ('node label' lines, 1 = believed in the cluster), for noisy");
  cmd->add_option("-o,--output", args->output, "write the cluster's node names, one per line (atomically)");
  cmd->add_option("--vector", args->vector_output, "write the diffusion vector as 'node value' lines (atomically)");

  cmd->callback([&quiet, &run, args] {
    run = [&quiet, args] {
      const MethodRegistry registry = default_registry();
      const MethodInfo& method = registry.get(args->method, MethodKind::Local);
      const OptionValues values = args->flags.values_for(method);
      const Graph g = load_graph(args->input, quiet);
      throw_if_cancelled();
      std::vector<NodeId> seeds;
      for (const auto& name : args->seeds) {
        if (name.empty()) continue;
        const auto id = g.find_node(name);
        if (!id) throw InvalidArgument("unknown seed node '" + name + "'");
        seeds.push_back(*id);
      }
      MethodInput input{.graph = &g, .seeds = seeds};
      FeatureMatrix features;
      if (!args->features.empty()) {
        features = read_features(args->features, g);
        input.features = features;
      }
      std::vector<std::int32_t> labels;
      if (!args->labels.empty()) {
        labels = read_labels(args->labels, g);
        input.labels = labels;
      }
      // Cancellable even when quiet: Ctrl-C is honoured at the method's next progress report.
      input.progress = cancellable(quiet ? Progress{} : stderr_progress());
      const auto start = std::chrono::steady_clock::now();
      const LocalCluster c = from_record<LocalCluster>(method.run(input, values));
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      std::printf("method: %s\n", args->method.c_str());
      std::printf("seeds: %zu\n", seeds.size());
      std::printf("cluster size: %zu\n", c.cluster.size());
      std::printf("conductance: %.6f\n", c.conductance);
      std::printf("touched nodes: %zu of %u\n", c.work.touched, g.num_nodes());
      std::printf("pushes: %llu\n", static_cast<unsigned long long>(c.work.pushes));
      std::printf("diffusion support: %zu\n", c.vector.size());
      if (!quiet) std::fprintf(stderr, "local: %.3f ms\n", ms);
      std::printf("cluster:");
      const std::size_t shown = args->output.empty() ? c.cluster.size() : std::min<std::size_t>(c.cluster.size(), 50);
      for (std::size_t i = 0; i < shown; ++i) std::printf(" %s", g.name_of(c.cluster[i]).c_str());
      std::printf(shown < c.cluster.size() ? " ...\n" : "\n");

      throw_if_cancelled();  // a signal after the last progress report: still write nothing
      if (!args->output.empty()) {
        std::ostringstream out;
        out << "# graphclust local --method " << args->method << "\n# conductance: " << c.conductance
            << "\n# touched: " << c.work.touched << "\n";
        for (NodeId u : c.cluster) out << g.name_of(u) << "\n";
        write_file_atomically(args->output, out.str());
      }
      if (!args->vector_output.empty()) {
        std::ostringstream out;
        out.precision(17);
        for (std::size_t i = 0; i < c.vector.size(); ++i) out << g.name_of(c.vector.ids[i]) << " " << c.vector.values[i] << "\n";
        write_file_atomically(args->vector_output, out.str());
      }
    };
  });
}

}  // namespace graphclust::cli
