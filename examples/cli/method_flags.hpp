#pragma once
// CLI flags generated from the registry: every option of every method of a kind becomes --NAME
// (underscores as dashes; the underscore spelling is accepted too), with the help line, domain and
// default from the method's declaration. Nothing here names an option by hand.
#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graphclust/methods/registry.hpp"

namespace graphclust::cli {

struct MethodFlags {
  std::map<std::string, std::string> given;  ///< option name -> text, as typed
  std::map<std::string, CLI::Option*> flags;
  std::vector<std::string> opts;             ///< --opt NAME=VALUE, the generic spelling
  /// The options given on the command line, as `method` takes them; a flag that is not one of its
  /// options throws InvalidArgument naming the flag and listing the method's options.
  OptionValues values_for(const MethodInfo& method) const;
};

/// Adds --NAME for one declared option (a flag for booleans), its text landing in `text`.
CLI::Option* add_option_flag(CLI::App& command, const OptionSpec& spec, const std::string& help, std::string& text,
                             const std::string& group);

/// Adds --method (choices and summaries from the registry), the option flags of every method of
/// `kind`, and --opt NAME=VALUE to `command`.
void add_method_flags(CLI::App& command, const MethodRegistry& registry, MethodKind kind, std::string& method,
                      MethodFlags& flags);

/// "key: value" lines for the scalar fields of a result (and short arrays), skipping `skip`.
void print_record(const ResultRecord& record, const std::vector<std::string>& skip, const std::string& prefix = "");

}  // namespace graphclust::cli
