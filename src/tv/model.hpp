#pragma once
// Private: the TVGNN losses, the GTVConv layer and the whole model on the learn/ engine. Tests use
// them for gradient checks.
#include <vector>

#include "graphclust/kernels/arcs.hpp"
#include "graphclust/learn/learn.hpp"
#include "graphclust/tv/tv.hpp"

namespace graphclust::tv_detail {

/// What the losses and GTVConv read of the graph: the arc operator and the arc weights.
template <class T>
struct TvContext {
  explicit TvContext(const Graph& graph);
  ArcOperator<T> arcs;
  DenseBlock<T> weights;  ///< num_arcs x 1: a_ij in out-CSR order (1 when unweighted)
};

/// L_GTV = (1 / 2E) sum_arcs a_ij ||s_i - s_j||_1 (E = stored arcs), subgradient sign(s_ik - s_jk).
template <class T>
learn::Var<T> total_variation_loss(learn::Var<T> s, const TvContext<T>& context);
/// L_AN = 1 - sum |S - 1 q|_rho / (n (k - 1)), q the floor(n / k)-th largest of each column (held
/// fixed in the backward pass).
template <class T>
learn::Var<T> balance_loss(learn::Var<T> s);

/// x' = act((I - delta L_Gamma) X Theta + b), Gamma_ij = a_ij / max(||(X Theta)_i - (X Theta)_j||_1, eps).
/// Theta Kaiming-normal, std sqrt(2 / fan) with fan the input width (the TensorFlow reference's he_normal) or
/// the output width (the PyTorch reference's kaiming_normal_ on an in x out tensor), b zero.
template <class T>
class GtvConv {
 public:
  GtvConv(const std::string& name, Eigen::Index in, Eigen::Index out, double delta, double eps, TvThetaInit init,
          std::uint64_t seed, std::uint64_t stream);
  learn::Var<T> operator()(learn::Tape<T>& tape, learn::Var<T> x, const TvContext<T>& context, Activation act);
  /// The same for constant sparse input features (X Theta as a sparse product).
  learn::Var<T> operator()(learn::Tape<T>& tape, const learn::SparseRows<T>& x, const TvContext<T>& context,
                           Activation act);
  /// The layer from its projection h = X Theta.
  learn::Var<T> propagate(learn::Tape<T>& tape, learn::Var<T> h, const TvContext<T>& context, Activation act);
  void collect(std::vector<learn::Parameter<T>*>& out);

  learn::Parameter<T> theta, bias;
  double delta, eps;
};

/// The TVGNN network: GTVConv layers (ELU), then MLP (relu hidden layer) and softmax.
template <class T>
class TvNetwork {
 public:
  TvNetwork(Eigen::Index input_dim, const TvOptions& options);
  learn::Var<T> forward(learn::Tape<T>& tape, learn::Var<T> x, const TvContext<T>& context);
  /// The same on constant sparse features (the first layer's product is sparse).
  learn::Var<T> forward(learn::Tape<T>& tape, const learn::SparseRows<T>& x, const TvContext<T>& context);
  std::vector<learn::Parameter<T>*> parameters();

 private:
  learn::Var<T> rest(learn::Tape<T>& tape, learn::Var<T> x, const TvContext<T>& context);
  std::vector<GtvConv<T>> conv_;
  std::vector<learn::Linear<T>> mlp_;
};

/// Direct solver (majorise-minimise on S); see tv.hpp. `losses` gets the smoothed objective of the
/// starting point and of every iterate.
struct DirectRun {
  DenseBlock<double> s;
  std::vector<double> losses;
  int iterations = 0;
  bool converged = false;
};
DirectRun direct_tv(const Graph& graph, const TvOptions& options);
/// The eps-smoothed objective the direct solver decreases.
double smoothed_objective(const Graph& graph, const DenseBlock<double>& s, const TvOptions& options);

}  // namespace graphclust::tv_detail
