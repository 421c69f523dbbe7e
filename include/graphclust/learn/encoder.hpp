#pragma once
/// The seam between an encoder (graph + features -> node representations) and a family's loss.
///
/// A family records `Var<T> z = encoder.forward(tape, input, training)`, builds its loss from z and
/// trains encoder.parameters() plus its own head's parameters (learn/train.hpp). Any encoder works
/// as long as its output is a tape node whose backward delivers dLoss/dParameter:
///   * native encoders (MlpEncoder, GcnEncoder below) compose learn/ops.hpp;
///   * an encoder backed by another framework records one node with Tape::record(), computing its
///     value with that framework and, in the node's backward, handing grad(self) to that framework's
///     autograd; its parameters() may then be empty if that framework steps them itself.
/// The LibTorch encoder (src/torch/torch_backend.hpp) takes the coarser seam instead: a family hands its
/// native model's initial weights to Torch, which trains the same network on the same loss and hands
/// the weights back, so no tape node crosses the boundary once per epoch.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "graphclust/graph/graph.hpp"
#include "graphclust/kernels/dense.hpp"
#include "graphclust/learn/ops.hpp"
#include "graphclust/learn/tape.hpp"

namespace graphclust::learn {

/// What an encoder reads. Both pointers must outlive the pass; the graph may be null for
/// feature-only encoders.
template <class T>
struct EncoderInput {
  const Graph* graph = nullptr;
  const DenseBlock<T>* features = nullptr;  ///< n x f, finite
};

template <class T>
class Encoder {
 public:
  virtual ~Encoder() = default;
  /// Records the forward pass on `tape` and returns the n x output_dim() representations.
  /// `training` enables dropout.
  virtual Var<T> forward(Tape<T>& tape, const EncoderInput<T>& input, bool training) = 0;
  /// The trainable blocks, with stable addresses for the encoder's lifetime (optimisers keep them).
  virtual std::vector<Parameter<T>*> parameters() = 0;
  virtual Eigen::Index output_dim() const = 0;
};

/// Throws InvalidArgument naming the first non-finite entry of `x` (row, column, value).
template <class T>
void require_finite(const DenseBlock<T>& x, std::string_view what);

/// x W + b with W (in x out) Xavier-uniform from (seed, stream) and b zero.
template <class T>
class Linear {
 public:
  Linear() = default;
  Linear(const std::string& name, Eigen::Index in, Eigen::Index out, bool bias, std::uint64_t seed,
         std::uint64_t stream, double gain = 1.0);
  Var<T> operator()(Tape<T>& tape, Var<T> x);
  /// Appends weight (and bias) to `out`.
  void collect(std::vector<Parameter<T>*>& out);

  Parameter<T> weight;
  Parameter<T> bias;
  bool has_bias = false;
};

struct MlpOptions {
  /// Output width of each layer; the last is the representation size. At least one.
  std::vector<Eigen::Index> layers{64};
  Activation activation = Activation::Relu;
  bool activate_output = false;  ///< apply the activation after the last layer too
  double dropout = 0.0;          ///< after each hidden layer's activation, while training
  bool bias = true;
  double init_gain = 1.0;        ///< Xavier gain (DIGRAC uses 1.414)
  std::uint64_t seed = 0;
  std::string name = "mlp";      ///< parameter names: name.<layer>.weight / .bias
};

/// Feature-only MLP: h = act(h W_l + b_l) layer by layer (no activation on the last unless asked).
template <class T>
class MlpEncoder final : public Encoder<T> {
 public:
  /// Throws InvalidArgument for input_dim < 1, no layers, a width < 1 or a dropout outside [0, 1).
  MlpEncoder(Eigen::Index input_dim, const MlpOptions& options);
  Var<T> forward(Tape<T>& tape, const EncoderInput<T>& input, bool training) override;
  /// The same on a Var already on the tape (e.g. a propagated block).
  Var<T> forward(Tape<T>& tape, Var<T> x, bool training);
  std::vector<Parameter<T>*> parameters() override;
  Eigen::Index output_dim() const override { return layers_.back().weight.value.cols(); }

 private:
  MlpOptions options_;
  Eigen::Index input_dim_;
  std::vector<Linear<T>> layers_;
};

struct GcnOptions : MlpOptions {
  /// Propagation D~^-1/2 (A + wI) D~^-1/2 (Kipf & Welling's renormalisation for w = 1).
  double self_loop_weight = 1.0;
  OperatorKind kind = OperatorKind::SymNormalized;
  GcnOptions() { name = "gcn"; }
};

/// Graph convolution layers h = act(P h W_l + b_l), P the normalised adjacency with self-loops.
/// The product is ordered (P h) W or P (h W), whichever propagates fewer columns.
template <class T>
class GcnEncoder final : public Encoder<T> {
 public:
  GcnEncoder(Eigen::Index input_dim, const GcnOptions& options);
  /// input.graph is required; P is built on the first call for a graph and kept while the same
  /// graph object comes back.
  Var<T> forward(Tape<T>& tape, const EncoderInput<T>& input, bool training) override;
  std::vector<Parameter<T>*> parameters() override;
  Eigen::Index output_dim() const override { return layers_.back().weight.value.cols(); }
  /// The propagation operator for `graph` (built now if needed).
  const Propagator<T>& propagator(const Graph& graph);

 private:
  GcnOptions options_;
  Eigen::Index input_dim_;
  std::vector<Linear<T>> layers_;
  std::unique_ptr<Propagator<T>> propagator_;
  const Graph* cached_graph_ = nullptr;
};

extern template class Linear<float>;
extern template class Linear<double>;
extern template class MlpEncoder<float>;
extern template class MlpEncoder<double>;
extern template class GcnEncoder<float>;
extern template class GcnEncoder<double>;

}  // namespace graphclust::learn
