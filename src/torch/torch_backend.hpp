#pragma once
// Private: the seam between the learned families and LibTorch. Plain C++/Eigen types only, so a
// family's .cpp includes this without any torch header (the build without Torch compiles nothing
// new). src/torch/loader.cpp implements these functions in the library: on first use it loads the
// LibTorch module (libgraphclust_torch.so, built from src/torch/backend.cpp) and forwards to the
// table of functions the module hands back. So nothing Torch-related is mapped into a process until a
// caller asks for encoder = torch: loading LibTorch runs its operator registrations, about 0.7 s on
// the reference machine, which every CLI call and `import graphclust` would otherwise pay. A build
// without Torch, or a module that cannot be loaded, refuses with one line from every entry point.
//
// The families keep their native models as the source of truth: they draw the initial weights
// natively, hand them over in the order of the native model's parameters(), let Torch train (torch::nn
// modules, autograd, torch::optim::Adam, the loss in torch ops), copy the trained weights back and
// read the result out with the native forward pass. So initialisation, the result fields and the
// read-out are shared, and only the training differs.
#include <cstdint>
#include <string>
#include <vector>

#include "graphclust/contrastive/contrastive.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/digrac/digrac.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/kernels/sparse_power.hpp"
#include "graphclust/learn/tape.hpp"
#include "graphclust/learn/train.hpp"
#include "graphclust/tv/tv.hpp"

namespace graphclust::torch_backend {

/// What this build's LibTorch offers (all false / 0 without Torch or when the module cannot be
/// loaded). Never throw. The first call of any entry point loads the module.
bool built_with_torch() noexcept;
/// Why built_with_torch() is false, as one line (empty when it is true).
std::string unavailable_reason();
bool cuda_built() noexcept;
int cuda_devices() noexcept;

/// Parameter values in the native model's parameters() order.
using Blocks = std::vector<DenseBlock<double>>;

/// The epoch loop's settings, as learn::TrainOptions plus Adam's and the device.
struct TrainSettings {
  int max_epochs = 200;
  int patience = 0;
  double min_delta = 0;
  bool keep_best = false;
  std::uint64_t seed = 0;
  double learning_rate = 1e-3;
  double weight_decay = 0;
  double adam_epsilon = 1e-8;
  bool double_precision = false;
  std::string device = "cpu";
  std::string stage = "training";
  Progress progress;
};

/// What a Torch training hands back: the reported weights (best epoch with keep_best, else last) and
/// the loop's record, with the meanings of learn::TrainResult.
struct TrainRun {
  Blocks parameters;
  learn::TrainResult record;
};

/// DIGRAC: DIMPA + softmax head (DigracModel's parameters) on the imbalance loss.
TrainRun digrac_train(const Graph& graph, const DenseBlock<double>& features, const DigracOptions& options,
                      const Blocks& initial, const TrainSettings& settings);
/// TVGNN: GTVConv layers + MLP + softmax (TvNetwork's parameters) on the GTV + balance loss.
TrainRun tv_train(const Graph& graph, const DenseBlock<double>& features, const TvOptions& options,
                  const Blocks& initial, const TrainSettings& settings);

/// PamC / SCGC / SCGC*: the MLP encoder (widths `encoder_layers`), the decoder when the model is
/// scgc (widths `decoder_layers`) and the centres mu, in that order; `w` the positive-weight matrix.
struct ContrastiveSetup {
  const DenseBlock<double>* features = nullptr;
  const SparseMatrix* w = nullptr;
  std::size_t encoder_layers = 0;  ///< number of Linear layers (each weight + bias)
  std::size_t decoder_layers = 0;  ///< 0 unless the model reconstructs
};
TrainRun contrastive_train(const ContrastiveSetup& setup, const ContrastiveOptions& options, const Blocks& initial,
                           const TrainSettings& settings);

// --- probes for the equality tests: one forward + backward in float64 on the CPU -----------------
struct Probe {
  double value = 0;
  Blocks gradients;  ///< d value / d each parameter (or input), in the order given
};

/// DIGRAC model in eval mode (no dropout): the imbalance loss and its gradients.
Probe digrac_probe(const Graph& graph, const DenseBlock<double>& features, const DigracOptions& options,
                   const Blocks& parameters);
/// TVGNN: totvar_coeff * L_GTV + balance_coeff * L_AN of the network's S, and its gradients.
Probe tv_probe(const Graph& graph, const DenseBlock<double>& features, const TvOptions& options, const Blocks& parameters);
/// The contrastive training loss of one epoch (no dropout: the encoder has none), at these weights.
Probe contrastive_probe(const ContrastiveSetup& setup, const ContrastiveOptions& options, const Blocks& parameters);

/// A shared encoder alone: value = sum(encoder(features) * weights), gradients in parameters() order.
enum class EncoderKind { Mlp, Gcn, Dimpa, GtvConv };
struct EncoderSpec {
  EncoderKind kind = EncoderKind::Mlp;
  std::size_t layers = 1;           ///< Mlp / Gcn: Linear layers (weight, bias if `bias`)
  bool bias = true;
  bool relu_hidden = true;          ///< Mlp / Gcn: relu between layers, none after the last
  double self_loop_weight = 1.0;    ///< Gcn (sym normalised) and Dimpa (random walk)
  int hops = 2;                     ///< Dimpa
  double delta = 0.311, eps = 1e-3; ///< GtvConv (one layer, elu)
};
Probe encoder_probe(const Graph& graph, const DenseBlock<double>& features, const EncoderSpec& spec,
                    const Blocks& parameters, const DenseBlock<double>& weights);

// --- the module's table ---------------------------------------------------------------------------
/// What libgraphclust_torch.so returns from its one exported symbol (`kModuleEntry`, extern "C").
/// The module is compiled from the same headers in the same build; `layout` guards against loading a
/// module from another build whose structs differ, which would otherwise corrupt memory silently.
struct ModuleApi {
  std::uint64_t layout = 0;  ///< module_layout() as the module was compiled
  decltype(&torch_backend::cuda_built) cuda_built = nullptr;
  decltype(&torch_backend::cuda_devices) cuda_devices = nullptr;
  decltype(&torch_backend::digrac_train) digrac_train = nullptr;
  decltype(&torch_backend::tv_train) tv_train = nullptr;
  decltype(&torch_backend::contrastive_train) contrastive_train = nullptr;
  decltype(&torch_backend::digrac_probe) digrac_probe = nullptr;
  decltype(&torch_backend::tv_probe) tv_probe = nullptr;
  decltype(&torch_backend::contrastive_probe) contrastive_probe = nullptr;
  decltype(&torch_backend::encoder_probe) encoder_probe = nullptr;
};
inline constexpr const char* kModuleEntry = "graphclust_torch_module_api";
using ModuleEntry = const ModuleApi* (*)();

/// A fingerprint of the types that cross the seam (a version, then their sizes).
constexpr std::uint64_t module_layout() {
  std::uint64_t h = 1;  // bump when a function of the seam changes its meaning without changing a size
  for (const std::size_t size : {sizeof(ModuleApi), sizeof(Graph), sizeof(DenseBlock<double>), sizeof(SparseMatrix),
                                 sizeof(DigracOptions), sizeof(TvOptions), sizeof(ContrastiveOptions),
                                 sizeof(TrainSettings), sizeof(TrainRun), sizeof(ContrastiveSetup), sizeof(Probe),
                                 sizeof(EncoderSpec), sizeof(learn::TrainResult)})
    h = h * 1000003u + size;
  return h;
}

// --- glue for the families ---------------------------------------------------------------------
template <class T>
Blocks snapshot(const std::vector<learn::Parameter<T>*>& parameters) {
  Blocks out;
  for (const auto* p : parameters) out.push_back(p->value.template cast<double>());
  return out;
}
template <class T>
void restore(const std::vector<learn::Parameter<T>*>& parameters, const Blocks& values) {
  for (std::size_t i = 0; i < parameters.size() && i < values.size(); ++i)
    parameters[i]->value = values[i].template cast<T>();
}
/// The one hand-over every family makes: Torch trains from the native model's current weights
/// (`train(snapshot)` returns a TrainRun), the trained weights come back into the native
/// parameters, and the run is reported as the native engine's TrainResult, so the family's
/// read-out after training is the same for both encoders.
template <class T, class Train>
learn::TrainResult train_from_native(const std::vector<learn::Parameter<T>*>& parameters, Train&& train) {
  const TrainRun trained = train(snapshot(parameters));
  restore(parameters, trained.parameters);
  return trained.record;
}

}  // namespace graphclust::torch_backend
