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

/// The per-epoch record-keeping of every training loop (the native train() below and the LibTorch
/// backend's), so both stop, diverge and pick the best epoch by the same rule: the loss of epoch e is
/// that of the parameters before e's step; a non-finite loss stops without stepping; patience counts
/// epochs without a fall below the best by more than min_delta and never stops the last epoch.
class EarlyStopping {
 public:
  /// Throws InvalidArgument for max_epochs < 1, patience < 0 or a negative / non-finite min_delta.
  EarlyStopping(int max_epochs, int patience, double min_delta);

  struct Verdict {
    bool diverged = false;         ///< do not step; stop now
    bool new_best = false;         ///< these are the lowest-loss parameters so far (snapshot them)
    bool stop_after_step = false;  ///< patience ran out: step, then stop
  };
  /// Records `loss` as the next epoch's and says what the loop does with it.
  Verdict observe(double loss);

  const TrainResult& result() const noexcept { return result_; }
  TrainResult& result() noexcept { return result_; }

 private:
  int max_epochs_, patience_;
  double min_delta_;
  double patience_best_ = std::numeric_limits<double>::infinity();  // best by more than min_delta
  int waited_ = 0;
  TrainResult result_;
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
