// graphclust generate dsbm OUT: the DIGRAC paper's directed SBM as an edge list (and its planted
// labels), so that a user can try directed clustering without writing code. Flags come from
// DsbmOptions' declaration, like the method flags.
#include <cstdio>
#include <map>
#include <memory>

#include "cli/commands.hpp"
#include "cli/method_flags.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/generators/generators.hpp"

namespace graphclust::cli {

namespace {
struct GenerateArgs {
  std::string model = "dsbm";
  std::string output;
  std::string labels;
  std::map<std::string, std::string> given;
  std::map<std::string, CLI::Option*> flags;
};
}  // namespace

void add_generate_command(CLI::App& app, const bool& quiet, std::function<void()>& run) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand("generate", "write a seeded random graph with planted clusters: 'dsbm' is the "
                                                 "directed SBM with a meta-graph of the DIGRAC paper");
  cmd->add_option("MODEL", args->model, "random graph model")->required()->check(CLI::IsMember({"dsbm"}));
  cmd->add_option("OUT", args->output, "edge list to write (atomically)")->required();
  cmd->add_option("--labels", args->labels, "also write the planted cluster of each node here");
  for (const OptionSpec& spec : option_specs<DsbmOptions>()) {
    const std::string help = spec.help + (spec.limits.text().empty() ? "" : " (" + spec.limits.text() + ")") +
                             "; default " + spec.default_text();
    args->flags[spec.name] = add_option_flag(*cmd, spec, help, args->given[spec.name], "Model options");
  }
  cmd->callback([&quiet, &run, args] {
    run = [&quiet, args] {
      OptionValues values;
      for (const auto& [name, flag] : args->flags)
        if (flag->count() > 0) values.emplace_back(name, args->given.at(name));
      DsbmOptions options;
      set_options(options, values, "dsbm");
      check_options(options, "dsbm");
      const DirectedPlantedGraph planted = directed_sbm(options);
      write_edge_list(planted.graph, args->output);
      if (!args->labels.empty()) write_labels(args->labels, planted.graph, planted.labels);
      if (!quiet)
        std::fprintf(stderr, "generated %s: %lld nodes, %lld arcs\n", args->output.c_str(),
                     static_cast<long long>(planted.graph.num_nodes()),
                     static_cast<long long>(planted.graph.num_edges()));
    };
  });
}

}  // namespace graphclust::cli
