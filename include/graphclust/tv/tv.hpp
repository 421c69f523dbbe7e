#pragma once
/// Total-variation clustering: TVGNN (Hansen & Bianchi, "Total Variation Graph Neural Networks",
/// ICML 2023) and a direct, non-neural solver of the same objective.
///
/// Both minimise, over a row-stochastic soft assignment S (n x K),
///
///   loss = totvar_coeff * L_GTV(S) + balance_coeff * L_AN(S)
///   L_GTV = (1 / 2E) sum over stored arcs (i, j) of a_ij ||s_i - s_j||_1      (E = stored arcs, in [0, 1])
///   L_AN  = 1 - (1 / (n (K - 1))) sum_k sum_i |s_ik - q_k|_rho               (in [0, 1])
///
/// q_k is entry floor(n / K) of column k sorted descending and |r|_rho = (K - 1) r for r >= 0, -r
/// otherwise (the asymmetric l1 norm that is smallest when a cluster holds n / K nodes).
///
/// model = gnn (registry name `tv`): the reference vertex-clustering network. Two GTVConv layers
///   x' = elu((I - delta L_Gamma) X Theta + b), Gamma_ij = a_ij / max(||(X Theta)_i - (X Theta)_j||_1, eps),
///   then an MLP (one hidden relu layer) and a softmax give S. Trained with Adam on the loss; the
///   result is the model at the epoch of lowest loss (no label peeking). Sparse throughout: O(m
///   channels) memory, never an n x n matrix. Without node features the network reads a structural
///   block (spectral_feature_block: k row-normalised spectral columns) and says so (structural_features).
///
/// model = direct (registry name `tv_direct`): majorise-minimise on S itself, no features. With the
///   l1 terms smoothed at eps as GTVConv does (|x| -> x^2 / 2eps + eps / 2 below eps), every step
///   majorises the TV term by the reweighted quadratic sum w/c (s_ik - s_jk)^2 / 2 + c / 2 with
///   c = max(|s_ik - s_jk|, eps) (the weights of GTVConv's Gamma), bounds that quadratic's curvature by
///   its diagonal (the signless Laplacian is PSD), and linearises the balance term, which is concave
///   in S (-L_AN is, up to constants, a minimum over q of jointly convex functions). The separable
///   surrogate is minimised exactly by one Euclidean projection of each row onto the simplex, so the
///   smoothed objective never increases (losses records it; it exceeds the exact loss by at most
///   totvar_coeff * K * eps * max a_ij / 4).
#include <array>
#include <cstdint>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/io/io.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/learn/backend.hpp"

namespace graphclust {

enum class TvModel { Gnn, Direct };

template <>
struct EnumTable<TvModel> {
  static constexpr std::array entries{EnumName<TvModel>{TvModel::Gnn, "gnn"},
                                      EnumName<TvModel>{TvModel::Direct, "direct"}};
};

/// Starting point of the direct solver.
enum class TvInit { Spectral, Random };

template <>
struct EnumTable<TvInit> {
  static constexpr std::array entries{EnumName<TvInit>{TvInit::Spectral, "spectral"},
                                      EnumName<TvInit>{TvInit::Random, "random"}};
};

/// Scale of GTVConv's Kaiming-normal Theta (in x out): std = sqrt(2 / fan).
/// fan_in: fan = in, Keras' he_normal in the TensorFlow reference. fan_out: fan = out, what the PyTorch
/// reference gets from torch.nn.init.kaiming_normal_ on its in x out weight (torch reads fan_in from
/// dimension 1); it differs from fan_in only in the first layer (Cora: std .0625 instead of .0374).
enum class TvThetaInit { FanIn, FanOut };

template <>
struct EnumTable<TvThetaInit> {
  static constexpr std::array entries{EnumName<TvThetaInit>{TvThetaInit::FanIn, "fan_in"},
                                      EnumName<TvThetaInit>{TvThetaInit::FanOut, "fan_out"}};
};

struct TvOptions {
  int k = 2;  ///< number of clusters
  TvModel model = TvModel::Gnn;
  double totvar_coeff = 0.785;
  double balance_coeff = 0.514;
  double epsilon = 1e-3;       ///< floor of the l1 distances in Gamma (and the direct solver's smoothing)
  // --- gnn ---
  int mp_channels = 512;       ///< GTVConv width
  int mp_layers = 2;           ///< GTVConv layers
  double delta = 0.311;        ///< GTVConv step (delta_coeff)
  int mlp_hidden = 256;        ///< hidden relu layer of the assignment MLP; 0 = a linear head
  TvThetaInit theta_init = TvThetaInit::FanOut;  ///< the PyTorch reference's scale (see TvThetaInit)
  double learning_rate = 1e-3;
  double adam_epsilon = 1e-7;
  int max_epochs = 500;
  int patience = 50;           ///< early stopping on the loss; 0 = off (report the lowest-loss epoch anyway)
  bool normalize_features = true;  ///< PyG NormalizeFeatures: shift by the global minimum if negative, rows / max(sum, 1)
  int structural_dims = 0;     ///< columns of the structural block built without features; 0 = k
  bool double_precision = false;
  /// Training engine: the native learn/ engine, or LibTorch (learn/backend.hpp); same model and loss.
  EncoderBackend encoder = EncoderBackend::Native;
  std::string device = "cpu";  ///< encoder = torch: "cpu", "cuda" or "cuda:N"
  // --- direct ---
  int iterations = 1000;       ///< majorise-minimise steps (cap)
  double tolerance = 1e-7;     ///< stop when an iteration lowers the smoothed objective by less than this
  /// spectral: S starts halfway between the one-hot spectral clustering labels and uniform rows;
  /// random: softmax(init_scale * N(0, 1)) rows.
  TvInit init = TvInit::Spectral;
  double init_scale = 3.0;
  std::uint64_t seed = 0;
  Progress progress;
};

template <class V>
void describe(V& v, TvOptions& o) {
  v("k", o.k, "number of clusters", at_least(2));
  v("model", o.model, "gnn: the TVGNN network (node features optional); direct: majorise-minimise on S itself (no features)");
  v("totvar_coeff", o.totvar_coeff, "weight of the graph total variation term", at_least(0));
  v("balance_coeff", o.balance_coeff, "weight of the asymmetric-l1 balance term", at_least(0));
  v("epsilon", o.epsilon, "floor of the l1 distances (Gamma) / smoothing of the direct solver", greater_than(0));
  v("mp_channels", o.mp_channels, "gnn: GTVConv width", at_least(1));
  v("mp_layers", o.mp_layers, "gnn: GTVConv layers", at_least(1));
  v("delta", o.delta, "gnn: GTVConv step delta_coeff", at_least(0));
  v("mlp_hidden", o.mlp_hidden, "gnn: hidden relu units of the assignment MLP; 0 = linear head", at_least(0));
  v("theta_init", o.theta_init, "gnn: GTVConv Theta std sqrt(2/fan): fan_in (TensorFlow reference) or fan_out (PyTorch reference)");
  v("learning_rate", o.learning_rate, "gnn: Adam learning rate", greater_than(0));
  v("adam_epsilon", o.adam_epsilon, "gnn: Adam epsilon", greater_than(0));
  v("max_epochs", o.max_epochs, "gnn: training epochs (cap)", at_least(1));
  v("patience", o.patience, "gnn: early stopping on the loss; 0 = off", at_least(0));
  v("normalize_features", o.normalize_features, "gnn: normalise feature rows as PyG NormalizeFeatures");
  v("structural_dims", o.structural_dims, "gnn without features: spectral columns; 0 = k", at_least(0));
  v("double_precision", o.double_precision, "gnn: train in double instead of float");
  v("encoder", o.encoder, "gnn: training engine: native, or torch (LibTorch; needs a build with it)");
  v("device", o.device, "gnn, torch encoder: cpu, cuda or cuda:N");
  v("iterations", o.iterations, "direct: majorise-minimise steps (cap)", at_least(1));
  v("tolerance", o.tolerance, "direct: stop when a step lowers the objective by less", at_least(0));
  v("init", o.init, "direct: starting point: spectral (labels of spectral clustering, smoothed) or random");
  v("init_scale", o.init_scale, "direct, init random: S starts as softmax(init_scale * N(0,1)) rows", at_least(0));
  v("seed", o.seed, "random seed (initialisation, structural features)");
}

/// The same options with model = direct by default: the registry's `tv_direct` entry.
struct TvDirectOptions : TvOptions {
  TvDirectOptions() { model = TvModel::Direct; }
};

template <class V>
void describe(V& v, TvDirectOptions& o) {
  describe(v, static_cast<TvOptions&>(o));
}

struct TvResult {
  std::vector<std::int32_t> labels;  ///< argmax of the soft assignment, 0..k-1
  DenseBlock<float> assignments;     ///< n x k soft assignment S of the reported model
  std::vector<double> losses;        ///< loss per epoch (gnn) / smoothed objective per iteration (direct)
  int epochs = 0;                    ///< epochs (gnn) or iterations (direct) run
  int reported_epoch = 0;            ///< 0-based epoch (iteration) whose S is reported: the lowest loss
  bool stopped_early = false;        ///< patience (gnn) or tolerance (direct) ended the run
  /// The run ended on its own criterion (gnn: patience epochs without a lower loss; direct: a step
  /// lowered the objective by less than tolerance), not on the cap max_epochs / iterations.
  bool converged = false;
  double loss = 0;                   ///< totvar_coeff * total_variation + balance_coeff * balance of S
  double total_variation = 0;        ///< L_GTV of S, in [0, 1]
  double balance = 0;                ///< L_AN of S, in [0, 1]
  bool structural_features = false;  ///< gnn without features: a spectral block was built
  int feature_dims = 0;              ///< input feature columns (0 for direct)
};

template <class V>
void describe(V& v, TvResult& r) {
  v.record_type("TvResult");
  v("labels", r.labels, "cluster of each node, 0..k-1");
  v("assignments", r.assignments, "n x k soft assignment S");
  v("losses", r.losses, "loss per epoch (direct: smoothed objective per iteration)");
  v("epochs", r.epochs, "epochs or iterations run");
  v("reported_epoch", r.reported_epoch, "epoch of the reported assignment (lowest loss)");
  v("stopped_early", r.stopped_early, "patience or tolerance ended the run");
  v("converged", r.converged, "ended on patience (gnn) or tolerance (direct), not on the max_epochs / iterations cap");
  v("loss", r.loss, "totvar_coeff * total_variation + balance_coeff * balance");
  v("total_variation", r.total_variation, "graph total variation L_GTV of S, in [0, 1]");
  v("balance", r.balance, "asymmetric-l1 balance loss L_AN of S, in [0, 1]");
  v("structural_features", r.structural_features, "no features given: a spectral feature block was built");
  v("feature_dims", r.feature_dims, "input feature columns");
}

/// TV clustering of `graph` into options.k clusters (see the file comment). `features` (one row per
/// node) are optional and used by model = gnn only. Throws InvalidArgument for an empty graph, a
/// graph without edges, k > n, features of the wrong shape or with non-finite values, features given
/// to model = direct, or an option outside its domain.
TvResult tv_clustering(const Graph& graph, AttributeView features, const TvOptions& options = {});
inline TvResult tv_clustering(const Graph& graph, const TvOptions& options = {}) {
  return tv_clustering(graph, AttributeView{}, options);
}

/// The two loss terms of a soft assignment S (n x k, rows on the simplex), as TvResult reports them:
/// {L_GTV, L_AN}. Sparse, in double.
std::array<double, 2> tv_loss_terms(const Graph& graph, const DenseBlock<float>& assignments);

}  // namespace graphclust
