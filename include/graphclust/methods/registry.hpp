#pragma once
/// Clustering methods by name, for the CLI and Python's graphclust.cluster(). Each family registers
/// its methods in one function; default_registry() builds a fresh registry (no global state).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"

namespace graphclust {

struct MethodParams {
  int k = 0;                 ///< number of clusters; 0 = the method chooses (if it can)
  std::uint64_t seed = 0;
  Progress progress;         ///< empty = quiet
  /// Method-specific options as "name" -> "value" (CLI: --opt name=value); unknown names are errors.
  std::map<std::string, std::string> extra;
};

struct MethodOutput {
  std::vector<std::int32_t> labels;                          ///< 0..K-1 per node
  std::vector<std::pair<std::string, std::string>> details;  ///< printed as "key: value"
};

struct MethodInfo {
  std::string name;
  std::string summary;  ///< one line for --help
  bool needs_k = false;
  bool directed_only = false;
  std::function<MethodOutput(const Graph&, const MethodParams&)> run;
};

class MethodRegistry {
 public:
  void add(MethodInfo method);
  /// Throws InvalidArgument listing the known names.
  const MethodInfo& get(const std::string& name) const;
  std::vector<const MethodInfo*> list() const;

 private:
  std::map<std::string, MethodInfo> methods_;
};

/// Every method compiled into this build.
MethodRegistry default_registry();

/// Helpers for MethodParams::extra, throwing InvalidArgument with the option name on bad values.
double extra_double(const MethodParams& params, const std::string& name, double fallback);
long long extra_int(const MethodParams& params, const std::string& name, long long fallback);
std::string extra_string(const MethodParams& params, const std::string& name, const std::string& fallback);
/// Throws InvalidArgument if `extra` holds a name outside `known`.
void check_extra(const MethodParams& params, const std::vector<std::string>& known);

}  // namespace graphclust
