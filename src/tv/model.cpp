// TVGNN on the learn/ engine: the two losses, GTVConv and the reference vertex-clustering model.
#include <algorithm>
#include <cmath>
#include <string>

#include "graphclust/core/error.hpp"
#include "tv/model.hpp"

namespace graphclust::tv_detail {

using learn::Parameter;
using learn::Tape;
using learn::Var;

template <class T>
TvContext<T>::TvContext(const Graph& graph) : arcs(graph) {
  const std::vector<T> w = arcs.weights();
  weights.resize(static_cast<Eigen::Index>(w.size()), 1);
  for (std::size_t e = 0; e < w.size(); ++e) weights(static_cast<Eigen::Index>(e), 0) = w[e];
}

template <class T>
Var<T> total_variation_loss(Var<T> s, const TvContext<T>& context) {
  Tape<T>& tape = s.tape();
  const Var<T> distances = learn::arc_values(s, ArcFunction::L1Distance, context.arcs);
  const double arcs = static_cast<double>(context.arcs.num_arcs());
  return learn::scale(learn::sum(learn::mul(tape.constant(context.weights), distances)), 1.0 / (2.0 * arcs));
}

template <class T>
Var<T> balance_loss(Var<T> s) {
  const Eigen::Index n = s.rows(), k = s.cols();
  if (k < 2) throw InvalidArgument("balance_loss: needs k >= 2 columns, got " + std::to_string(k));
  const Var<T> quantile = learn::column_kth_largest(s, static_cast<std::size_t>(n / k));
  const Var<T> r = learn::add_bias(s, learn::scale(quantile, -1.0));
  // |r|_rho = (k - 1) relu(r) + relu(-r): one expression for both signs. Its subgradient at r = 0 is 0 where the
  // reference's mask (r >= 0) gives k - 1; an exact tie happens only at the quantile's own entry, whose two gradient
  // paths (through s and through the quantile) cancel either way, or under float saturation, where softmax's
  // Jacobian is 0: the same training.
  const Var<T> asym =
      learn::add(learn::scale(learn::relu(r), static_cast<double>(k - 1)), learn::relu(learn::scale(r, -1.0)));
  const double norm = static_cast<double>(n) * static_cast<double>(k - 1);
  return learn::add_scalar(learn::scale(learn::sum(asym), -1.0 / norm), 1.0);
}

template <class T>
GtvConv<T>::GtvConv(const std::string& name, Eigen::Index in, Eigen::Index out, double delta_, double eps_,
                    TvThetaInit init, std::uint64_t seed, std::uint64_t stream)
    : theta(name + ".theta", in, out), bias(name + ".bias", 1, out), delta(delta_), eps(eps_) {
  // kaiming_normal divides by sqrt(rows); a gain of sqrt(2 rows / cols) turns that into sqrt(2 / cols).
  const double gain = init == TvThetaInit::FanOut
                          ? std::sqrt(2.0 * static_cast<double>(in) / static_cast<double>(std::max<Eigen::Index>(out, 1)))
                          : std::sqrt(2.0);
  learn::kaiming_normal(theta.value, seed, stream, gain);
}

template <class T>
Var<T> GtvConv<T>::operator()(Tape<T>& tape, Var<T> x, const TvContext<T>& context, Activation act) {
  return propagate(tape, learn::matmul(x, tape.parameter(theta)), context, act);
}

template <class T>
Var<T> GtvConv<T>::operator()(Tape<T>& tape, const learn::SparseRows<T>& x, const TvContext<T>& context,
                              Activation act) {
  return propagate(tape, learn::sparse_matmul(x, tape.parameter(theta)), context, act);
}

template <class T>
Var<T> GtvConv<T>::propagate(Tape<T>& tape, Var<T> h, const TvContext<T>& context, Activation act) {
  // Gamma depends on h, so the gradient also flows through the l1 distances (0 where clamped at eps).
  const Var<T> gamma = learn::div(tape.constant(context.weights),
                                  learn::clamp_min(learn::arc_values(h, ArcFunction::L1Distance, context.arcs), eps));
  const Var<T> laplacian = learn::sub(learn::scale_rows(h, learn::arc_row_sums(gamma, context.arcs)),
                                      learn::arc_propagate(gamma, h, context.arcs));
  return learn::activation(learn::add_bias(learn::axpby(1.0, h, -delta, laplacian), tape.parameter(bias)), act);
}

template <class T>
void GtvConv<T>::collect(std::vector<Parameter<T>*>& out) {
  out.push_back(&theta);
  out.push_back(&bias);
}

template <class T>
TvNetwork<T>::TvNetwork(Eigen::Index input_dim, const TvOptions& o) {
  Eigen::Index in = input_dim;
  for (int l = 0; l < o.mp_layers; ++l) {
    conv_.emplace_back("tv.gtv" + std::to_string(l), in, o.mp_channels, o.delta, o.epsilon, o.theta_init, o.seed,
                       0x47545600ULL + static_cast<std::uint64_t>(l));
    in = o.mp_channels;
  }
  if (o.mlp_hidden > 0) {
    mlp_.emplace_back("tv.mlp0", in, o.mlp_hidden, true, o.seed, 0x4d4c5000ULL);
    in = o.mlp_hidden;
  }
  mlp_.emplace_back("tv.head", in, o.k, true, o.seed, 0x4d4c5001ULL);
}

template <class T>
Var<T> TvNetwork<T>::forward(Tape<T>& tape, Var<T> x, const TvContext<T>& context) {
  return rest(tape, conv_.front()(tape, x, context, Activation::Elu), context);
}

template <class T>
Var<T> TvNetwork<T>::forward(Tape<T>& tape, const learn::SparseRows<T>& x, const TvContext<T>& context) {
  return rest(tape, conv_.front()(tape, x, context, Activation::Elu), context);
}

template <class T>
Var<T> TvNetwork<T>::rest(Tape<T>& tape, Var<T> x, const TvContext<T>& context) {
  for (std::size_t l = 1; l < conv_.size(); ++l) x = conv_[l](tape, x, context, Activation::Elu);
  for (std::size_t l = 0; l + 1 < mlp_.size(); ++l) x = learn::relu(mlp_[l](tape, x));
  return learn::softmax_rows(mlp_.back()(tape, x));
}

template <class T>
std::vector<Parameter<T>*> TvNetwork<T>::parameters() {
  std::vector<Parameter<T>*> out;
  for (auto& conv : conv_) conv.collect(out);
  for (auto& layer : mlp_) layer.collect(out);
  return out;
}

#define GC_INSTANTIATE(T)                                                   \
  template struct TvContext<T>;                                             \
  template Var<T> total_variation_loss<T>(Var<T>, const TvContext<T>&);     \
  template Var<T> balance_loss<T>(Var<T>);                                  \
  template class GtvConv<T>;                                                \
  template class TvNetwork<T>;
GC_INSTANTIATE(float)
GC_INSTANTIATE(double)
#undef GC_INSTANTIATE

}  // namespace graphclust::tv_detail
