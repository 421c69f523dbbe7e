// `graphclust cluster GRAPH --method NAME [-k K] [--OPTION VALUE ...]`: every partitioning method of
// the registry, its flags generated from the method's declaration.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/cancel.hpp"
#include "cli/commands.hpp"
#include "cli/method_flags.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/methods/registry.hpp"
#include "graphclust/metrics/metrics.hpp"

namespace graphclust::cli {
namespace {

struct ClusterArgs {
  GraphInput input;
  std::string method = "spectral";
  MethodFlags flags;
  std::string labels;
  std::string features;
  std::string output;
};

void print_report(const Graph& g, const ResultRecord& result, std::span<const std::int32_t> labels,
                  const std::vector<std::int32_t>* truth) {
  const int k = count_clusters(labels);
  std::vector<NodeId> sizes(k, 0);
  for (auto l : labels)
    if (l >= 0) ++sizes[l];
  std::sort(sizes.rbegin(), sizes.rend());
  std::printf("clusters: %d\nsizes:", k);
  for (std::size_t i = 0; i < std::min<std::size_t>(sizes.size(), 12); ++i) std::printf(" %u", sizes[i]);
  std::printf(sizes.size() > 12 ? " ...\n" : "\n");
  print_record(result, {"labels"});
  if (g.num_edges() > 0) {
    std::printf("modularity: %.4f\n", modularity(g, labels));
    std::printf("normalized cut: %.4f\n", normalized_cut(g, labels));
    if (g.directed()) std::printf("flow imbalance (vol_sum, all pairs): %.4f\n", flow_imbalance(g, labels).mean_top);
  }
  if (truth) {
    std::printf("against ground truth (%s):\n", "labels given");
    std::printf("  ARI: %.4f\n  NMI: %.4f\n  accuracy: %.4f\n  macro-F1: %.4f\n", adjusted_rand_index(*truth, labels),
                normalized_mutual_information(*truth, labels), clustering_accuracy(*truth, labels),
                matched_macro_f1(*truth, labels));
  }
}

}  // namespace

void add_cluster_command(CLI::App& app, const bool& quiet, std::function<void()>& run) {
  auto args = std::make_shared<ClusterArgs>();
  const MethodRegistry registry = default_registry();
  CLI::App* cmd = app.add_subcommand("cluster", "partition a graph into clusters with a registered method");
  add_graph_input(*cmd, args->input);
  add_method_flags(*cmd, registry, MethodKind::Partition, args->method, args->flags);
  cmd->add_option("--labels", args->labels, "ground-truth labels ('node label' lines) to score the result against");
  cmd->add_option("--features", args->features, "node features ('node dim value' triples), for methods that take them");
  cmd->add_option("-o,--output", args->output, "write 'node cluster' lines here (atomically)");
  cmd->callback([&quiet, &run, args] {
    run = [&quiet, args] {
      const MethodRegistry registry = default_registry();
      const MethodInfo& method = registry.get(args->method, MethodKind::Partition);
      const OptionValues values = args->flags.values_for(method);
      const Graph g = load_graph(args->input, quiet);
      throw_if_cancelled();
      std::vector<std::int32_t> truth;
      if (!args->labels.empty()) truth = read_labels(args->labels, g);
      FeatureMatrix features;
      MethodInput input{.graph = &g};
      if (!args->features.empty()) {
        features = read_features(args->features, g);
        input.features = features;
      }
      // Cancellable even when quiet: Ctrl-C is honoured at the method's next progress report.
      input.progress = cancellable(quiet ? Progress{} : stderr_progress());
      const auto start = std::chrono::steady_clock::now();
      ResultRecord result = method.run(input, values);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const auto& labels = std::get<std::vector<std::int32_t>>(*result.find("labels"));
      std::printf("method: %s\n", method.name.c_str());
      std::printf("time: %.3f s\n", seconds);
      print_report(g, result, labels, truth.empty() ? nullptr : &truth);
      throw_if_cancelled();  // a signal after the last progress report: still write nothing
      if (!args->output.empty()) {
        std::string command = "graphclust cluster --method " + method.name;
        for (const auto& [name, value] : values) command += " --opt " + name + "=" + option_text(value);
        write_labels(args->output, g, labels, {command});
        std::printf("wrote %s\n", args->output.c_str());
      }
    };
  });
}

}  // namespace graphclust::cli
