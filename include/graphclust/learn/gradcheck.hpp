#pragma once
/// Finite-difference check of the tape's gradients, in double: for each checked entry of each
/// parameter, the central difference (L(p + h) - L(p - h)) / 2h against Tape::backward's gradient.
/// Use it on small inputs (every checked entry costs two forward passes).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "graphclust/learn/tape.hpp"

namespace graphclust::learn {

struct GradCheckOptions {
  /// h, relative to max(1, |p|). Central differences err by O(h^2) (truncation) plus about
  /// 1e-16 |L| / h (round-off of L): 1e-5 balances the two for losses of order 1.
  double step = 1e-5;
  double tolerance = 1e-5;       ///< largest accepted relative error
  /// Errors are relative to max(|analytic|, |numeric|, scale_floor): gradients below the floor are
  /// compared absolutely (to tolerance * scale_floor), since their difference quotients are mostly
  /// round-off.
  double scale_floor = 1e-4;
  int max_entries = 0;           ///< entries checked per parameter (0 = all; otherwise a seeded sample)
  std::uint64_t seed = 0;        ///< for the sample, and the tape seed of every evaluation
};

struct GradCheckResult {
  bool ok = true;
  double max_error = 0;          ///< largest relative error seen
  std::string worst;             ///< "name[row, col]: analytic a, numeric b" of the largest error
  int checked = 0;               ///< entries compared
};

/// `loss` records a scalar loss on the (cleared) tape it is given; it must be a deterministic
/// function of the parameters (dropout keyed by the tape seed is fine: every evaluation uses the
/// same seed). The parameters' values are restored and their grads left holding the analytic gradient.
GradCheckResult check_gradients(const std::function<Var<double>(Tape<double>&)>& loss,
                                const std::vector<Parameter<double>*>& parameters, const GradCheckOptions& options = {});

}  // namespace graphclust::learn
