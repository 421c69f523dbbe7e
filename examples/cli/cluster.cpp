#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/metrics/metrics.hpp"
#include "graphclust/methods/registry.hpp"

namespace graphclust::cli {
namespace {

struct ClusterArgs {
  GraphInput input;
  std::string method = "spectral";
  int k = 0;
  std::string labels;
  std::uint64_t seed = 0;
  std::string output;
  std::vector<std::string> options;
};

void print_report(const Graph& g, const MethodOutput& out, const std::vector<std::int32_t>* truth) {
  const int k = count_clusters(out.labels);
  std::vector<NodeId> sizes(k, 0);
  for (auto l : out.labels)
    if (l >= 0) ++sizes[l];
  std::vector<NodeId> sorted = sizes;
  std::sort(sorted.rbegin(), sorted.rend());
  std::printf("clusters: %d\nsizes:", k);
  for (std::size_t i = 0; i < std::min<std::size_t>(sorted.size(), 12); ++i) std::printf(" %u", sorted[i]);
  std::printf(sorted.size() > 12 ? " ...\n" : "\n");
  for (const auto& [key, value] : out.details) std::printf("%s: %s\n", key.c_str(), value.c_str());
  if (g.num_edges() > 0) {
    std::printf("modularity: %.4f\n", modularity(g, out.labels));
    std::printf("normalized cut: %.4f\n", normalized_cut(g, out.labels));
    if (g.directed()) std::printf("flow imbalance (vol_sum, all pairs): %.4f\n", flow_imbalance(g, out.labels).mean_top);
  }
  if (truth) {
    std::printf("against ground truth (%s):\n", "labels given");
    std::printf("  ARI: %.4f\n  NMI: %.4f\n  accuracy: %.4f\n  macro-F1: %.4f\n", adjusted_rand_index(*truth, out.labels),
                normalized_mutual_information(*truth, out.labels), clustering_accuracy(*truth, out.labels),
                matched_macro_f1(*truth, out.labels));
  }
}

}  // namespace

void add_cluster_command(CLI::App& app, const bool& quiet, std::function<void()>& run) {
  auto args = std::make_shared<ClusterArgs>();
  std::string methods;
  const MethodRegistry registry = default_registry();
  for (const MethodInfo* m : registry.list()) methods += "\n  " + m->name + ": " + m->summary;
  CLI::App* cmd = app.add_subcommand("cluster", "partition a graph into clusters with a registered method");
  add_graph_input(*cmd, args->input);
  cmd->add_option("-m,--method", args->method, "clustering method:" + methods)->capture_default_str();
  cmd->add_option("-k,--clusters", args->k, "number of clusters (0 or omitted: the method decides, if it can)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--labels", args->labels, "ground-truth labels ('node label' lines) to score the result against");
  cmd->add_option("--seed", args->seed, "random seed (results are reproducible for a seed)")->capture_default_str();
  cmd->add_option("-o,--output", args->output, "write 'node cluster' lines here (atomically)");
  cmd->add_option("--opt", args->options, "method option NAME=VALUE (repeatable), e.g. --opt readout=cluster_qr");
  cmd->callback([&quiet, &run, args] {
    run = [&quiet, args] {
      const MethodRegistry registry = default_registry();
      const MethodInfo& method = registry.get(args->method);
      MethodParams params;
      params.k = args->k;
      params.seed = args->seed;
      if (!quiet) params.progress = stderr_progress();
      for (const auto& o : args->options) {
        const auto eq = o.find('=');
        if (eq == std::string::npos || eq == 0) throw InvalidArgument("--opt expects NAME=VALUE, got '" + o + "'");
        params.extra[o.substr(0, eq)] = o.substr(eq + 1);
      }
      if (method.needs_k && params.k == 0) throw InvalidArgument("method '" + method.name + "' needs -k");
      const Graph g = load_graph(args->input, quiet);
      if (method.directed_only && !g.directed())
        throw InvalidArgument("method '" + method.name + "' needs a directed graph (pass --directed?)");
      std::vector<std::int32_t> truth;
      if (!args->labels.empty()) truth = read_labels(args->labels, g);
      const auto start = std::chrono::steady_clock::now();
      MethodOutput out = method.run(g, params);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("method: %s\n", method.name.c_str());
      std::printf("time: %.3f s\n", seconds);
      print_report(g, out, truth.empty() ? nullptr : &truth);
      if (!args->output.empty()) {
        write_labels(args->output, g, out.labels,
                     {"graphclust cluster --method " + method.name + " -k " + std::to_string(count_clusters(out.labels)) +
                      " --seed " + std::to_string(args->seed)});
        std::printf("wrote %s\n", args->output.c_str());
      }
    };
  });
}

}  // namespace graphclust::cli
