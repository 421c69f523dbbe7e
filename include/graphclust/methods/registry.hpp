#pragma once
/// Every method by name: the CLI (graphclust cluster|local --method NAME), Python (graphclust.cluster,
/// graphclust.local_cluster and the generated typed functions such as graphclust.spectral_clustering)
/// and the tests that iterate over all methods read this registry.
///
/// A family adds an entry with make_method<Options, Result>(header, run): the option specs (names,
/// types, defaults from Options{}, domains, help) and the result fields come from the describe()
/// declarations next to the structs (core/describe.hpp, methods/record.hpp), so nothing about a
/// method is typed twice. default_registry() builds a fresh registry (no global state).
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/io/io.hpp"
#include "graphclust/methods/record.hpp"

namespace graphclust {

enum class MethodKind {
  Partition,  ///< labels every node; its result has a `labels` field
  Local,      ///< a cluster around seed nodes (LocalCluster result); runs one or many seed sets
  Function,   ///< another public function with the same options/result shape (e.g. approximate_ppr)
};

enum class InputUse { None, Optional, Required };

/// What a front-end hands a method besides its options. Views only: the caller owns the data.
struct MethodInput {
  const Graph* graph = nullptr;
  std::span<const NodeId> seeds;         ///< Local / seeded functions
  AttributeView features;                ///< node features (one row per node), empty if none
  std::span<const std::int32_t> labels;  ///< per-node input labels (not ground truth), e.g. noisy labels
  Progress progress;                     ///< empty = quiet
};

struct MethodInfo {
  std::string name;      ///< registry name: "spectral", "ppr", "approximate_ppr"
  std::string function;  ///< the C++ free function, which Python mirrors: "spectral_clustering"
  std::string summary;   ///< one line for --help and docstrings
  MethodKind kind = MethodKind::Partition;
  bool takes_seeds = false;
  InputUse features = InputUse::None;
  InputUse labels = InputUse::None;
  // The `{}` below let a designated initialiser leave these out without -Wmissing-field-initializers.
  std::vector<OptionSpec> options{};  ///< filled by make_method from describe(Options)
  std::string result_type{};         ///< filled by make_method from describe(Result)
  std::vector<FieldSpec> result_fields{};
  std::function<ResultRecord(const MethodInput&, const OptionValues&)> run{};
  /// Local methods: many seed sets in parallel (results identical for every thread count).
  std::function<std::vector<ResultRecord>(const MethodInput&, std::span<const std::vector<NodeId>>,
                                          const OptionValues&)>
      run_many{};

  const OptionSpec* option(std::string_view option_name) const;
};

class MethodRegistry {
 public:
  void add(MethodInfo method);
  /// Throws InvalidArgument listing the known names (of that kind, when given).
  const MethodInfo& get(const std::string& name) const;
  const MethodInfo& get(const std::string& name, MethodKind kind) const;
  std::vector<const MethodInfo*> list() const;
  std::vector<const MethodInfo*> list(MethodKind kind) const;

 private:
  std::map<std::string, MethodInfo> methods_;
};

/// Every method compiled into this build.
MethodRegistry default_registry();

namespace registry_detail {
/// Checks the inputs a method declares it needs, naming the method.
void check_inputs(const MethodInfo& info, const MethodInput& input);
template <class Options>
Options options_for(const MethodInfo& info, const MethodInput& input, const OptionValues& values) {
  Options options{};
  set_options(options, values, info.name);
  if constexpr (requires { options.progress = input.progress; }) options.progress = input.progress;
  return options;
}
}  // namespace registry_detail

/// An entry whose run converts `values` into Options (defaults from Options{}), calls
/// run(input, options) -> Result and hands back its record.
template <class Options, class Result, class Run>
MethodInfo make_method(MethodInfo header, Run run) {
  header.options = option_specs<Options>();
  std::tie(header.result_type, header.result_fields) = result_fields<Result>();
  header.run = [run, info = header](const MethodInput& input, const OptionValues& values) {
    registry_detail::check_inputs(info, input);
    Result result = run(input, registry_detail::options_for<Options>(info, input, values));
    return to_record(std::move(result));
  };
  return header;
}

/// make_method for a Local entry: run_many(input, seed_sets, options) -> std::vector<Result>.
template <class Options, class Result, class Run, class RunMany>
MethodInfo make_local_method(MethodInfo header, Run run, RunMany run_many) {
  header.kind = MethodKind::Local;
  header.takes_seeds = true;
  MethodInfo info = make_method<Options, Result>(std::move(header), std::move(run));
  info.run_many = [run_many, spec = info](const MethodInput& input, std::span<const std::vector<NodeId>> seed_sets,
                                          const OptionValues& values) {
    registry_detail::check_inputs(spec, input);
    std::vector<Result> results = run_many(input, seed_sets, registry_detail::options_for<Options>(spec, input, values));
    std::vector<ResultRecord> out;
    out.reserve(results.size());
    for (auto& r : results) out.push_back(to_record(std::move(r)));
    return out;
  };
  return info;
}

}  // namespace graphclust
