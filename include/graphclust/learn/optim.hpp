#pragma once
/// Initialisers and optimisers for learn::Parameter blocks.
///
/// Initialisers draw from the counter-based stream uniform/normal(seed, stream, index) of
/// core/random.hpp, so a weight's value depends only on (seed, stream, position). Give every
/// parameter of a model its own stream.
///
/// Optimisers follow torch.optim: weight_decay adds weight_decay * value to the gradient before the
/// update (L2, not decoupled AdamW), and parameters whose grad is empty (never reached by a backward
/// pass) are skipped.
#include <cstdint>
#include <vector>

#include "graphclust/learn/tape.hpp"

namespace graphclust::learn {

/// Glorot/Xavier uniform: U(-b, b), b = gain * sqrt(6 / (fan_in + fan_out)), fan_in = rows and
/// fan_out = cols (a weight used as X W).
template <class T>
void xavier_uniform(DenseBlock<T>& w, std::uint64_t seed, std::uint64_t stream, double gain = 1.0);
/// He/Kaiming normal: N(0, (gain / sqrt(fan_in))^2), fan_in = rows; gain sqrt(2) suits ReLU.
template <class T>
void kaiming_normal(DenseBlock<T>& w, std::uint64_t seed, std::uint64_t stream, double gain = 1.4142135623730951);

template <class T>
class Optimizer {
 public:
  explicit Optimizer(std::vector<Parameter<T>*> parameters);
  virtual ~Optimizer() = default;
  /// One update from the accumulated gradients.
  virtual void step() = 0;
  /// Zeroes every parameter's gradient (keeping its storage).
  void zero_grad();
  const std::vector<Parameter<T>*>& parameters() const noexcept { return parameters_; }

 protected:
  std::vector<Parameter<T>*> parameters_;
};

struct AdamOptions {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 0.0;  ///< L2 coefficient added to the gradient (torch.optim.Adam)
};

/// Adam with bias correction, as torch.optim.Adam (amsgrad off).
template <class T>
class Adam final : public Optimizer<T> {
 public:
  /// Throws InvalidArgument for a non-positive learning rate or epsilon, betas outside [0, 1), or a
  /// negative weight decay.
  Adam(std::vector<Parameter<T>*> parameters, const AdamOptions& options = {});
  void step() override;
  /// Calls of step() so far.
  long steps() const noexcept { return steps_; }

 private:
  AdamOptions options_;
  std::vector<DenseBlock<T>> m_, v_;
  std::vector<long> parameter_steps_;  // bias correction counts updates of each parameter, as torch
  long steps_ = 0;
};

struct SgdOptions {
  double learning_rate = 1e-2;
  double momentum = 0.0;      ///< heavy-ball momentum as torch.optim.SGD (dampening 0, no Nesterov)
  double weight_decay = 0.0;
};

template <class T>
class Sgd final : public Optimizer<T> {
 public:
  Sgd(std::vector<Parameter<T>*> parameters, const SgdOptions& options = {});
  void step() override;

 private:
  SgdOptions options_;
  std::vector<DenseBlock<T>> velocity_;
};

extern template class Optimizer<float>;
extern template class Optimizer<double>;
extern template class Adam<float>;
extern template class Adam<double>;
extern template class Sgd<float>;
extern template class Sgd<double>;

}  // namespace graphclust::learn
