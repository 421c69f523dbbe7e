#include "graphclust/learn/train.hpp"

#include <cmath>
#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"

namespace graphclust::learn {

std::uint64_t epoch_seed(std::uint64_t seed, int epoch) noexcept {
  return mix64(seed ^ mix64(static_cast<std::uint64_t>(epoch) + 0x7F4A7C159E3779B9ULL));
}

template <class T>
TrainResult train(Tape<T>& tape, Optimizer<T>& optimizer, const LossFunction<T>& loss_fn, const TrainOptions& options) {
  if (options.max_epochs < 1)
    throw InvalidArgument("train: max_epochs must be >= 1, got " + std::to_string(options.max_epochs));
  if (options.patience < 0) throw InvalidArgument("train: patience must be >= 0, got " + std::to_string(options.patience));
  if (!(options.min_delta >= 0) || !std::isfinite(options.min_delta))
    throw InvalidArgument("train: min_delta must be finite and >= 0, got " + std::to_string(options.min_delta));
  if (!loss_fn) throw InvalidArgument("train: no loss function");

  TrainResult result;
  result.losses.reserve(static_cast<std::size_t>(options.max_epochs));
  std::vector<DenseBlock<T>> best_values;
  double patience_best = std::numeric_limits<double>::infinity();  // best by more than min_delta
  int waited = 0;
  for (int epoch = 0; epoch < options.max_epochs; ++epoch) {
    tape.clear(epoch_seed(options.seed, epoch));
    const Var<T> loss = loss_fn(tape, epoch);
    const double value = loss.item();
    result.losses.push_back(value);
    result.epochs = epoch + 1;
    result.stop_epoch = epoch;
    if (!std::isfinite(value)) {
      result.diverged = true;  // stepping on a NaN gradient would only spoil the parameters
      break;
    }
    if (value < result.best_loss) {
      result.best_loss = value;
      result.best_epoch = epoch;
      if (options.keep_best) {
        best_values.resize(optimizer.parameters().size());
        for (std::size_t k = 0; k < best_values.size(); ++k) best_values[k] = optimizer.parameters()[k]->value;
      }
    }
    optimizer.zero_grad();
    tape.backward(loss);
    optimizer.step();
    report(options.progress, options.stage, static_cast<double>(epoch + 1) / options.max_epochs);

    if (value < patience_best - options.min_delta) {
      patience_best = value;
      waited = 0;
    } else if (options.patience > 0 && ++waited >= options.patience && epoch + 1 < options.max_epochs) {
      result.stopped_early = true;
      break;
    }
  }
  if (options.keep_best && !best_values.empty()) {
    for (std::size_t k = 0; k < best_values.size(); ++k) optimizer.parameters()[k]->value = best_values[k];
    result.restored_best = true;
  }
  tape.clear();  // the recorded Vars point into parameters that may just have been restored
  return result;
}

template TrainResult train<float>(Tape<float>&, Optimizer<float>&, const LossFunction<float>&, const TrainOptions&);
template TrainResult train<double>(Tape<double>&, Optimizer<double>&, const LossFunction<double>&, const TrainOptions&);

}  // namespace graphclust::learn
