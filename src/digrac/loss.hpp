#pragma once
// Private: DIGRAC's probabilistic imbalance loss on the training tape, and its pair selection.
// Tests include it for the gradient checks.
#include <cstdint>
#include <vector>

#include "graphclust/digrac/digrac.hpp"
#include "graphclust/learn/learn.hpp"

namespace graphclust::digrac_detail {

/// Everything the loss needs that does not change between epochs.
template <class T>
struct ImbalanceContext {
  ImbalanceContext(const Graph& graph, int k);
  learn::Propagator<T> adjacency;  // A (its backward applies A^T)
  DenseBlock<T> sym_degrees;       // n x 1: d_out + d_in, the row weights of VOL
  DenseBlock<T> ones_row;          // 1 x k
  DenseBlock<T> identity;          // k x k
  DenseBlock<T> one;               // 1 x 1
};

/// The pairs (k < l, as flat indices k * K + l) whose values enter the loss, from the values of the
/// pair matrix R, the net flows |W - W^T| and the total flows W + W^T; and the divisor of their sum.
struct PairSelection {
  std::vector<std::int64_t> pairs;
  double divisor = 1;
};
PairSelection select_pairs(const DenseBlock<double>& values, const DenseBlock<double>& net, const DenseBlock<double>& total,
                           ImbalanceSelection selection, int num_pairs);

/// 1 - mean of the selected pair imbalances of the soft assignment P (n x K). Differentiable in P;
/// the selection itself is a fixed choice of terms.
template <class T>
learn::Var<T> imbalance_loss(learn::Var<T> probabilities, const ImbalanceContext<T>& context, ImbalanceNorm norm,
                             ImbalanceSelection selection, int num_pairs);

}  // namespace graphclust::digrac_detail
