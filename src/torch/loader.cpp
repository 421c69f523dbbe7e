// The library's side of torch_backend.hpp: loads the LibTorch module on first use and forwards every
// entry point to it. Loading is deferred because LibTorch's static initialisers cost ~0.7 s per
// process; a run that never asks for encoder = torch never pays it.
#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "graphclust/core/error.hpp"
#include "torch/torch_backend.hpp"

namespace graphclust::torch_backend {
namespace {

struct Loaded {
  const ModuleApi* api = nullptr;
  std::string reason;  ///< why api is null
};

#ifdef GRAPHCLUST_TORCH_MODULE_BUILD
Loaded try_load(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* error = dlerror();
    return {nullptr, "cannot load the LibTorch module: " + (error ? std::string(error) : path)};
  }
  const auto entry = reinterpret_cast<ModuleEntry>(dlsym(handle, kModuleEntry));
  const ModuleApi* api = entry ? entry() : nullptr;
  if (!api || api->layout != module_layout()) {
    // Not dlclose'd: LibTorch's static state does not survive being unloaded.
    return {nullptr, path + " is not the LibTorch module of this graphclust build (" +
                         (api ? "built from other sources: rebuild it with the library)" : "it has no module table)")};
  }
  return {api, {}};  // kept loaded for the life of the process, as LibTorch expects
}

// Tried in order: GRAPHCLUST_TORCH_MODULE when set (and then only it: a user who names a module wants
// that one or an error), else the build tree's module, then the installed one.
Loaded load() {
  if (const char* chosen = std::getenv("GRAPHCLUST_TORCH_MODULE"); chosen && *chosen) return try_load(chosen);
  Loaded built = try_load(GRAPHCLUST_TORCH_MODULE_BUILD);
  if (built.api) return built;
  Loaded installed = try_load(GRAPHCLUST_TORCH_MODULE_INSTALL);
  return installed.api ? installed : built;
}
#else
Loaded load() {
  return {nullptr, "graphclust was built without LibTorch (install libtorch-dev and configure with "
                   "-DGRAPHCLUST_WITH_TORCH=ON)"};
}
#endif

const Loaded& loaded() {
  static const Loaded module = load();  // once per process, thread-safe
  return module;
}

const ModuleApi& api() {
  const Loaded& m = loaded();
  if (!m.api) throw InvalidArgument("encoder 'torch': " + m.reason);
  return *m.api;
}

}  // namespace

bool built_with_torch() noexcept {
  try {
    return loaded().api != nullptr;
  } catch (...) {
    return false;
  }
}
std::string unavailable_reason() { return loaded().reason; }
bool cuda_built() noexcept { return built_with_torch() && loaded().api->cuda_built(); }
int cuda_devices() noexcept { return built_with_torch() ? loaded().api->cuda_devices() : 0; }

TrainRun digrac_train(const Graph& graph, const DenseBlock<double>& features, const DigracOptions& options,
                      const Blocks& initial, const TrainSettings& settings) {
  return api().digrac_train(graph, features, options, initial, settings);
}
TrainRun tv_train(const Graph& graph, const DenseBlock<double>& features, const TvOptions& options,
                  const Blocks& initial, const TrainSettings& settings) {
  return api().tv_train(graph, features, options, initial, settings);
}
TrainRun contrastive_train(const ContrastiveSetup& setup, const ContrastiveOptions& options, const Blocks& initial,
                           const TrainSettings& settings) {
  return api().contrastive_train(setup, options, initial, settings);
}
Probe digrac_probe(const Graph& graph, const DenseBlock<double>& features, const DigracOptions& options,
                   const Blocks& parameters) {
  return api().digrac_probe(graph, features, options, parameters);
}
Probe tv_probe(const Graph& graph, const DenseBlock<double>& features, const TvOptions& options, const Blocks& parameters) {
  return api().tv_probe(graph, features, options, parameters);
}
Probe contrastive_probe(const ContrastiveSetup& setup, const ContrastiveOptions& options, const Blocks& parameters) {
  return api().contrastive_probe(setup, options, parameters);
}
Probe encoder_probe(const Graph& graph, const DenseBlock<double>& features, const EncoderSpec& spec,
                    const Blocks& parameters, const DenseBlock<double>& weights) {
  return api().encoder_probe(graph, features, spec, parameters, weights);
}

}  // namespace graphclust::torch_backend
