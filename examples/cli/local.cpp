// `graphclust local GRAPH --seed-nodes a,b,c --method ppr|flow|wfd|noisy`: a small cluster around seeds.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/commands.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/local/local.hpp"

namespace graphclust::cli {
namespace {

struct LocalArgs {
  GraphInput input;
  std::vector<std::string> seeds;
  std::string method = "ppr";
  std::string features;
  std::string labels;
  double alpha = 0.15;
  std::optional<double> epsilon;
  double p = 2.0;
  double gamma = 0.02;
  double mass = 0.0;
  double mass_factor = 10.0;
  int max_iters = 100;
  bool sweep = false;
  double other_weight = 0.05;
  std::uint64_t seed = 0;
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
  cmd->add_option("-m,--method", args->method,
                  "ppr: approximate personalized PageRank (push) + sweep cut; flow: p-norm flow diffusion; "
                  "wfd: flow diffusion weighted by node attributes (needs --features); noisy: flow diffusion on "
                  "the label-weighted graph (needs --labels with 1 = believed in the cluster)")
      ->check(CLI::IsMember({"ppr", "flow", "wfd", "noisy"}))
      ->capture_default_str();
  cmd->add_option("--features", args->features, "node attributes ('node dim value' triples), for wfd");
  cmd->add_option("--labels", args->labels, "noisy binary labels ('node label' lines), for noisy");
  cmd->add_option("--alpha", args->alpha, "ppr: teleport probability in (0, 1]")->capture_default_str();
  cmd->add_option("--epsilon", args->epsilon, "ppr: push threshold (default 1e-6); flow: excess tolerance (1e-6)");
  cmd->add_option("--p", args->p, "flow: p-norm, p > 1")->capture_default_str();
  cmd->add_option("--gamma", args->gamma, "wfd: edge weight exp(-gamma * ||x_i - x_j||^2)")->capture_default_str();
  cmd->add_option("--mass", args->mass, "flow: total source mass (default: --mass-factor * volume of the seeds)");
  cmd->add_option("--mass-factor", args->mass_factor, "flow: source mass per unit of seed volume when --mass is not given")
      ->capture_default_str();
  cmd->add_option("--max-iters", args->max_iters, "flow: passes of the coordinate method")->capture_default_str();
  cmd->add_flag("--sweep", args->sweep, "flow: sweep cut over the potentials instead of their support");
  cmd->add_option("--other-weight", args->other_weight, "noisy: weight factor of edges not between two label-1 nodes")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "random seed of the flow's node order")->capture_default_str();
  cmd->add_option("-o,--output", args->output, "write the cluster's node names, one per line (atomically)");
  cmd->add_option("--vector", args->vector_output, "write the diffusion vector as 'node value' lines (atomically)");

  cmd->callback([&quiet, &run, args] {
    run = [&quiet, args] {
      LocalClusteringOptions o;
      if (args->method == "ppr") o.method = LocalMethod::Ppr;
      else if (args->method == "flow") o.method = LocalMethod::Flow;
      else if (args->method == "wfd") o.method = LocalMethod::WeightedFlow;
      else o.method = LocalMethod::NoisyLabels;
      if (o.method == LocalMethod::WeightedFlow && args->features.empty())
        throw InvalidArgument("--method wfd needs --features");
      if (o.method == LocalMethod::NoisyLabels && args->labels.empty())
        throw InvalidArgument("--method noisy needs --labels");
      o.ppr.alpha = args->alpha;
      if (args->epsilon) {
        o.ppr.epsilon = *args->epsilon;
        o.flow.epsilon = *args->epsilon;
      }
      o.flow.p = args->p;
      o.flow.gamma = args->gamma;
      o.flow.source_mass = args->mass;
      o.flow.mass_factor = args->mass_factor;
      o.flow.max_iters = args->max_iters;
      o.flow.seed = args->seed;
      o.flow_sweep = args->sweep;
      o.label_other_weight = args->other_weight;

      const Graph g = load_graph(args->input, quiet);
      std::vector<NodeId> seeds;
      for (const auto& name : args->seeds) {
        if (name.empty()) continue;
        const auto id = g.find_node(name);
        if (!id) throw InvalidArgument("unknown seed node '" + name + "'");
        seeds.push_back(*id);
      }
      FeatureMatrix features;
      if (!args->features.empty()) {
        features = read_features(args->features, g);
        o.attributes = features;
      }
      std::vector<std::int32_t> labels;
      if (!args->labels.empty()) {
        labels = read_labels(args->labels, g);
        o.labels = labels;
      }
      const auto start = std::chrono::steady_clock::now();
      LocalCluster c = local_cluster(g, seeds, o);
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
