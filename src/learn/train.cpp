#include "graphclust/learn/train.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"

namespace graphclust::learn {

std::uint64_t epoch_seed(std::uint64_t seed, int epoch) noexcept {
  return mix64(seed ^ mix64(static_cast<std::uint64_t>(epoch) + 0x7F4A7C159E3779B9ULL));
}

EarlyStopping::EarlyStopping(int max_epochs, int patience, double min_delta)
    : max_epochs_(max_epochs), patience_(patience), min_delta_(min_delta) {
  if (max_epochs < 1) throw InvalidArgument("train: max_epochs must be >= 1, got " + std::to_string(max_epochs));
  if (patience < 0) throw InvalidArgument("train: patience must be >= 0, got " + std::to_string(patience));
  if (!(min_delta >= 0) || !std::isfinite(min_delta))
    throw InvalidArgument("train: min_delta must be finite and >= 0, got " + std::to_string(min_delta));
  result_.losses.reserve(static_cast<std::size_t>(max_epochs));
}

EarlyStopping::Verdict EarlyStopping::observe(double loss) {
  Verdict verdict;
  const int epoch = result_.epochs;
  result_.losses.push_back(loss);
  result_.epochs = epoch + 1;
  result_.stop_epoch = epoch;
  if (!std::isfinite(loss)) {
    result_.diverged = verdict.diverged = true;  // stepping on a NaN gradient would only spoil the parameters
    return verdict;
  }
  if (loss < result_.best_loss) {
    result_.best_loss = loss;
    result_.best_epoch = epoch;
    verdict.new_best = true;
  }
  if (loss < patience_best_ - min_delta_) {
    patience_best_ = loss;
    waited_ = 0;
  } else if (patience_ > 0 && ++waited_ >= patience_ && epoch + 1 < max_epochs_) {
    result_.stopped_early = verdict.stop_after_step = true;
  }
  return verdict;
}

template <class T>
TrainResult train(Tape<T>& tape, Optimizer<T>& optimizer, const LossFunction<T>& loss_fn, const TrainOptions& options) {
  EarlyStopping stopping(options.max_epochs, options.patience, options.min_delta);
  if (!loss_fn) throw InvalidArgument("train: no loss function");

  std::vector<DenseBlock<T>> best_values;
  for (int epoch = 0; epoch < options.max_epochs; ++epoch) {
    tape.clear(epoch_seed(options.seed, epoch));
    const Var<T> loss = loss_fn(tape, epoch);
    const EarlyStopping::Verdict verdict = stopping.observe(loss.item());
    if (verdict.diverged) break;
    if (verdict.new_best && options.keep_best) {
      best_values.resize(optimizer.parameters().size());
      for (std::size_t k = 0; k < best_values.size(); ++k) best_values[k] = optimizer.parameters()[k]->value;
    }
    optimizer.zero_grad();
    tape.backward(loss);
    optimizer.step();
    report(options.progress, options.stage, static_cast<double>(epoch + 1) / options.max_epochs);
    if (verdict.stop_after_step) break;
  }
  TrainResult result = std::move(stopping.result());
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
