#pragma once
/// The training loop the learned families share: one forward pass (recorded on a reused tape),
/// backward and optimiser step per epoch, early stopping on the self-supervised loss, progress
/// reports and the loss history.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "graphclust/core/progress.hpp"
#include "graphclust/learn/optim.hpp"
#include "graphclust/learn/tape.hpp"

namespace graphclust::learn {

struct TrainOptions {
  int max_epochs = 200;        ///< >= 1
  /// Stop after `patience` epochs in a row without the loss falling below the best so far by more
  /// than min_delta; 0 disables early stopping.
  int patience = 0;
  double min_delta = 0.0;      ///< >= 0
  /// Copy the parameters at the lowest-loss epoch and restore them at the end (TVGNN reports there).
  bool keep_best = false;
  /// Keys each epoch's random draws (dropout): epoch e clears the tape with a seed derived from
  /// (seed, e), so a run is reproducible and two epochs never share a mask.
  std::uint64_t seed = 0;
  std::string stage = "training";  ///< stage name given to `progress`
  Progress progress;               ///< called once per epoch with (epoch + 1) / max_epochs; empty = quiet
};

struct TrainResult {
  std::vector<double> losses;  ///< loss of every epoch run, in order (before that epoch's step)
  int epochs = 0;              ///< epochs run
  bool stopped_early = false;  ///< patience ran out before max_epochs
  bool diverged = false;       ///< a loss was NaN or infinite: stopped there without stepping
  int stop_epoch = -1;         ///< 0-based index of the last epoch run
  int best_epoch = -1;         ///< 0-based epoch of the lowest loss (the first one on ties)
  double best_loss = std::numeric_limits<double>::infinity();
  bool restored_best = false;  ///< keep_best restored the parameters of best_epoch
};

/// Builds one epoch's loss on a cleared tape: run the model, return a 1 x 1 Var.
template <class T>
using LossFunction = std::function<Var<T>(Tape<T>& tape, int epoch)>;

/// Runs up to max_epochs of: tape.clear(epoch seed); loss = loss_fn(tape, epoch); zero_grad;
/// backward; step. The loss recorded for epoch e is that of the parameters before e's update, so
/// best_epoch's parameters are the ones snapshot by keep_best. Throws InvalidArgument for bad options.
template <class T>
TrainResult train(Tape<T>& tape, Optimizer<T>& optimizer, const LossFunction<T>& loss_fn, const TrainOptions& options);

/// The seed train() gives the tape at `epoch` (to replay an epoch's dropout masks exactly).
std::uint64_t epoch_seed(std::uint64_t seed, int epoch) noexcept;

}  // namespace graphclust::learn
