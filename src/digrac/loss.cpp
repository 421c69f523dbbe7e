#include "digrac/loss.hpp"

#include <algorithm>
#include <numeric>

namespace graphclust::digrac_detail {

using learn::Var;

template <class T>
ImbalanceContext<T>::ImbalanceContext(const Graph& graph, int k)
    : adjacency(graph, OperatorOptions{.kind = OperatorKind::Adjacency}),
      sym_degrees(graph.num_nodes(), 1),
      ones_row(DenseBlock<T>::Ones(1, k)),
      identity(DenseBlock<T>::Identity(k, k)),
      one(DenseBlock<T>::Ones(1, 1)) {
  const auto d = graph.sym_degrees();
  for (NodeId i = 0; i < graph.num_nodes(); ++i) sym_degrees(i, 0) = static_cast<T>(d[i]);
}

PairSelection select_pairs(const DenseBlock<double>& values, const DenseBlock<double>& net, const DenseBlock<double>& total,
                           ImbalanceSelection selection, int num_pairs) {
  const Eigen::Index k = values.rows();
  const std::int64_t all_pairs = k * (k - 1) / 2;
  std::vector<std::int64_t> flowing;  // pairs with a net flow: the paper skips d == 0 exactly
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index b = a + 1; b < k; ++b)
      if (net(a, b) != 0) flowing.push_back(a * k + b);
  PairSelection out;
  switch (selection) {
    case ImbalanceSelection::Sort: {
      const std::int64_t wanted = num_pairs > 0 ? std::min<std::int64_t>(num_pairs, all_pairs) : all_pairs;
      // Largest values first; ties by pair index so the choice never depends on sort internals.
      std::stable_sort(flowing.begin(), flowing.end(), [&](std::int64_t x, std::int64_t y) {
        return values.data()[x] > values.data()[y];
      });
      if (static_cast<std::int64_t>(flowing.size()) > wanted) flowing.resize(wanted);
      out.pairs = std::move(flowing);
      out.divisor = static_cast<double>(wanted);  // the reference divides by the asked number of pairs
      break;
    }
    case ImbalanceSelection::Naive:
      out.pairs = std::move(flowing);
      out.divisor = static_cast<double>(out.pairs.size());
      break;
    case ImbalanceSelection::Std: {
      // Under no preferred direction the net flow of a pair with total s has variance ~ s: keep the
      // pairs whose net flow is more than three standard deviations (d^2 > 9 s); all if none is.
      for (std::int64_t p : flowing) {
        const double d = net.data()[p], s = total.data()[p];
        if (d * d - 9 * s > 0) out.pairs.push_back(p);
      }
      if (out.pairs.empty()) out.pairs = std::move(flowing);
      out.divisor = static_cast<double>(out.pairs.size());
      break;
    }
  }
  if (out.divisor <= 0) out.divisor = 1;
  return out;
}

template <class T>
Var<T> imbalance_loss(Var<T> probabilities, const ImbalanceContext<T>& c, ImbalanceNorm norm,
                      ImbalanceSelection selection, int num_pairs) {
  using namespace learn;
  constexpr double eps = 1e-8;
  Tape<T>& tape = probabilities.tape();
  const Var<T> cut = matmul_tn(probabilities, propagate(probabilities, c.adjacency));  // W = P^T A P
  const Var<T> cut_t = matmul_tn(cut, tape.constant(c.identity));                      // W^T
  const Var<T> net = abs(sub(cut, cut_t));
  const Var<T> total = add(cut, cut_t);
  const Var<T> volume = column_sums(scale_rows(probabilities, tape.constant(c.sym_degrees)));  // 1 x K
  const Var<T> ones = tape.constant(c.ones_row);
  const Var<T> volume_col = matmul_tn(ones, volume);   // (k, l) -> VOL(l)
  const Var<T> volume_row = matmul_tn(volume, ones);   // (k, l) -> VOL(k)
  const Var<T> volume_sum = add(volume_row, volume_col);
  const Var<T> volume_gap = abs(sub(volume_row, volume_col));
  Var<T> values;
  switch (norm) {
    case ImbalanceNorm::Plain:
      values = div(net, add_scalar(total, eps));
      break;
    case ImbalanceNorm::VolSum:
      values = div(scale(net, 2.0), add_scalar(volume_sum, eps));
      break;
    case ImbalanceNorm::VolMax:  // max(a, b) = (a + b + |a - b|) / 2
      values = div(net, add_scalar(scale(add(volume_sum, volume_gap), 0.5), eps));
      break;
    case ImbalanceNorm::VolMin: {  // (d / s) min(VOL) / (second-largest VOL + eps)
      const Var<T> smaller = scale(sub(volume_sum, volume_gap), 0.5);
      const Var<T> second = column_kth_largest(matmul_tn(volume, tape.constant(c.one)), 1);
      const Var<T> inverse = div(tape.constant(c.one), add_scalar(second, eps));
      values = mul_scalar(mul(div(net, add_scalar(total, eps)), smaller), inverse);
      break;
    }
  }
  auto to_double = [](const DenseBlock<T>& x) -> DenseBlock<double> { return x.template cast<double>(); };
  const PairSelection chosen = select_pairs(to_double(values.value()), to_double(net.value()),
                                            to_double(total.value()), selection, num_pairs);
  if (chosen.pairs.empty()) return tape.constant_copy(c.one);  // no flow anywhere: the worst loss, no gradient
  const Var<T> picked = select_entries(values, std::span<const std::int64_t>(chosen.pairs));
  return add_scalar(scale(sum(picked), -1.0 / chosen.divisor), 1.0);
}

template struct ImbalanceContext<float>;
template struct ImbalanceContext<double>;
template Var<float> imbalance_loss<float>(Var<float>, const ImbalanceContext<float>&, ImbalanceNorm, ImbalanceSelection, int);
template Var<double> imbalance_loss<double>(Var<double>, const ImbalanceContext<double>&, ImbalanceNorm, ImbalanceSelection,
                                            int);

}  // namespace graphclust::digrac_detail
