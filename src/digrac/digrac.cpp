#include "graphclust/digrac/digrac.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "digrac/loss.hpp"
#include "digrac/model.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/kernels/reduce.hpp"
#include "graphclust/spectral/spectral.hpp"
#include "torch/torch_backend.hpp"

namespace graphclust {
namespace digrac_detail {

using learn::Parameter;
using learn::Tape;
using learn::Var;

namespace {

// The reference initialises every weight Xavier-uniform with gain 1.414.
constexpr double kInitGain = 1.414;

learn::MlpOptions branch_options(const DigracOptions& o, const char* name) {
  learn::MlpOptions m;
  m.layers = {o.hidden, o.hidden};
  m.activation = Activation::Relu;
  m.dropout = o.dropout;
  m.bias = false;
  m.init_gain = kInitGain;
  m.seed = o.seed;
  m.name = name;
  return m;
}

OperatorOptions dimpa_operator(const DigracOptions& o, bool against) {
  OperatorOptions op;
  op.kind = OperatorKind::RandomWalk;
  op.self_loop_weight = o.self_loop_weight;
  op.reverse = against;
  return op;
}

}  // namespace

template <class T>
DimpaEncoder<T>::DimpaEncoder(const Graph& graph, Eigen::Index input_dim, const DigracOptions& o)
    : hidden_(o.hidden),
      hops_(o.hops),
      source_(input_dim, branch_options(o, "digrac.source")),
      target_(input_dim, branch_options(o, "digrac.target")),
      along_(graph, dimpa_operator(o, false)),
      against_(graph, dimpa_operator(o, true)),
      source_hops_("digrac.source_hops", 1, o.hops + 1),
      target_hops_("digrac.target_hops", 1, o.hops + 1) {
  source_hops_.value.setOnes();
  target_hops_.value.setOnes();
}

template <class T>
Var<T> DimpaEncoder<T>::hops(Tape<T>& tape, Var<T> x, const learn::Propagator<T>& m, Parameter<T>& w) {
  std::vector<Var<T>> powers{x};
  for (int h = 0; h < hops_; ++h) powers.push_back(learn::propagate(powers.back(), m));
  return learn::weighted_sum(std::span<const Var<T>>(powers), tape.parameter(w));
}

template <class T>
Var<T> DimpaEncoder<T>::forward(Tape<T>& tape, Var<T> x, bool training) {
  const Var<T> xs = source_.forward(tape, x, training);
  const Var<T> xt = target_.forward(tape, x, training);
  return learn::concat_cols({hops(tape, xs, along_, source_hops_), hops(tape, xt, against_, target_hops_)});
}

template <class T>
Var<T> DimpaEncoder<T>::forward(Tape<T>& tape, const learn::EncoderInput<T>& input, bool training) {
  if (!input.features) throw InvalidArgument("DIMPA: no features given");
  return forward(tape, tape.constant(*input.features), training);
}

template <class T>
std::vector<Parameter<T>*> DimpaEncoder<T>::parameters() {
  std::vector<Parameter<T>*> out = source_.parameters();
  for (auto* p : target_.parameters()) out.push_back(p);
  out.push_back(&source_hops_);
  out.push_back(&target_hops_);
  return out;
}

template <class T>
DigracModel<T>::DigracModel(const Graph& graph, Eigen::Index input_dim, const DigracOptions& o)
    : encoder_(graph, input_dim, o), head_("digrac.head", 2 * o.hidden, o.k, true, o.seed, 0x48454144ULL, kInitGain) {}

template <class T>
typename DigracModel<T>::Output DigracModel<T>::forward(Tape<T>& tape, Var<T> x, bool training) {
  Output out;
  out.z = encoder_.forward(tape, x, training);
  out.probabilities = learn::softmax_rows(head_(tape, out.z));
  return out;
}

template <class T>
std::vector<Parameter<T>*> DigracModel<T>::parameters() {
  std::vector<Parameter<T>*> out = encoder_.parameters();
  head_.collect(out);
  return out;
}

template class DimpaEncoder<float>;
template class DimpaEncoder<double>;
template class DigracModel<float>;
template class DigracModel<double>;

namespace {

void validate(const Graph& graph, const DigracOptions& o, AttributeView features) {
  require_nonempty(graph, "digrac");
  check_options(o, "digrac");
  check_encoder_device(o.encoder, o.device, "digrac");
  if (!graph.directed())
    throw InvalidArgument("digrac needs a directed graph: its objective is the net flow between clusters, which is 0 "
                          "on an undirected graph (use spectral clustering, or read the file with --directed)");
  if (static_cast<NodeId>(o.k) > graph.num_nodes())
    throw InvalidArgument("digrac: k = " + std::to_string(o.k) + " exceeds the number of nodes " +
                          std::to_string(graph.num_nodes()));
  if (!features.empty()) {
    if (features.rows != graph.num_nodes())
      throw InvalidArgument("digrac: features have " + std::to_string(features.rows) + " rows but the graph has " +
                            std::to_string(graph.num_nodes()) + " nodes");
    if (features.cols == 0) throw InvalidArgument("digrac: features have no columns");
  }
  // A lower bound of what training holds: per node, the source and target MLP activations, one
  // block per propagation hop, each with its gradient, and the n x k assignment.
  const double n = graph.num_nodes(), scalar = o.double_precision ? 8.0 : 4.0;
  detail::require_memory(n * scalar * 2.0 * (2.0 * o.hidden * (o.hops + 3) + 2.0 * o.k), "digrac",
                         "hidden = " + std::to_string(o.hidden) + ", hops = " + std::to_string(o.hops) + " on " +
                             std::to_string(graph.num_nodes()) + " nodes");
}

template <class T>
DigracResult train_digrac(const Graph& graph, const DigracOptions& o, const DenseBlock<float>& features_f) {
  const DenseBlock<T> features = features_f.template cast<T>();
  learn::require_finite(features, "digrac features");
  DigracModel<T> model(graph, features.cols(), o);
  const ImbalanceContext<T> context(graph, o.k);
  learn::Adam<T> adam(model.parameters(), {.learning_rate = o.learning_rate, .weight_decay = o.weight_decay});
  Tape<T> tape;
  learn::TrainOptions train;
  train.max_epochs = o.max_epochs;
  train.patience = o.patience;
  train.keep_best = o.patience > 0;
  train.seed = o.seed;
  train.stage = "digrac";
  train.progress = o.progress;
  learn::TrainResult run;
  if (o.encoder == EncoderBackend::Torch) {  // Torch trains from the native initial weights; the read-out below is shared
    torch_backend::TrainSettings s{.max_epochs = o.max_epochs, .patience = o.patience, .keep_best = train.keep_best,
                                   .seed = o.seed, .learning_rate = o.learning_rate, .weight_decay = o.weight_decay,
                                   .double_precision = std::is_same_v<T, double>, .device = o.device,
                                   .stage = train.stage, .progress = o.progress};
    run = torch_backend::train_from_native(model.parameters(), [&](const torch_backend::Blocks& initial) {
      return torch_backend::digrac_train(graph, features.template cast<double>(), o, initial, s);
    });
  } else {
    run = learn::train<T>(
        tape, adam,
        [&](Tape<T>& t, int) {
          const auto out = model.forward(t, t.constant(features), true);
          return imbalance_loss(out.probabilities, context, o.norm, o.selection, o.num_pairs);
        },
        train);
  }
  if (run.diverged) throw InvalidArgument("digrac: the loss became NaN or infinite (try a smaller learning_rate)");

  tape.clear(o.seed);
  const auto out = model.forward(tape, tape.constant(features), false);
  DigracResult r;
  r.loss = imbalance_loss(out.probabilities, context, o.norm, o.selection, o.num_pairs).item();
  r.probabilities = out.probabilities.value().template cast<float>();
  r.labels = argmax_rows(r.probabilities);
  r.embedding = out.z.value().template cast<float>();
  normalize_rows(r.embedding);
  r.losses = run.losses;
  r.epochs = run.epochs;
  r.stopped_early = run.stopped_early;
  r.converged = run.stopped_early;
  r.reported_epoch = run.restored_best ? run.best_epoch : run.stop_epoch;
  return r;
}

}  // namespace
}  // namespace digrac_detail

DenseBlock<float> hermitian_features(const Graph& graph, int k, std::uint64_t seed, const Progress& progress) {
  HermitianOptions h;
  h.progress = progress;
  h.k = std::max(2, std::min<int>(k, static_cast<int>(graph.num_nodes())));
  h.num_pairs = k;
  h.n_init = 1;  // only the embedding is wanted; one k-means pass is the cheapest valid readout
  h.seed = seed;
  const HermitianResult r = hermitian_clustering(graph, h);
  DenseBlock<float> x = r.embedding.cast<float>();
  standardize_columns(x);
  return x;
}

double flow_imbalance_objective(const Graph& graph, std::span<const std::int32_t> labels, int k, ImbalanceNorm norm,
                                ImbalanceSelection selection, int num_pairs) {
  require_nonempty(graph, "flow_imbalance_objective");
  if (labels.size() != graph.num_nodes())
    throw InvalidArgument("flow_imbalance_objective: " + std::to_string(labels.size()) + " labels for " +
                          std::to_string(graph.num_nodes()) + " nodes");
  if (k < 2) throw InvalidArgument("flow_imbalance_objective: k must be >= 2, got " + std::to_string(k));
  if (num_pairs < 0) throw InvalidArgument("flow_imbalance_objective: num_pairs must be >= 0");
  DenseBlock<double> onehot = DenseBlock<double>::Zero(graph.num_nodes(), k);
  for (NodeId i = 0; i < graph.num_nodes(); ++i) {
    if (labels[i] < -1 || labels[i] >= k)
      throw InvalidArgument("flow_imbalance_objective: label " + std::to_string(labels[i]) + " of node " +
                            std::to_string(i) + " is outside [-1, k)");
    if (labels[i] >= 0) onehot(i, labels[i]) = 1;
  }
  // The same loss the model trains on, in double: one definition of the objective, not two.
  const digrac_detail::ImbalanceContext<double> context(graph, k);
  learn::Tape<double> tape;
  return 1.0 - digrac_detail::imbalance_loss(tape.constant(onehot), context, norm, selection, num_pairs).item();
}

DigracResult digrac(const Graph& graph, const DigracOptions& options, AttributeView features) {
  digrac_detail::validate(graph, options, features);
  DenseBlock<float> x;
  const bool built = features.empty();
  if (built) {
    report(options.progress, "hermitian features", 0.0);
    x = hermitian_features(graph, options.k, options.seed, options.progress);
  } else {
    x = Eigen::Map<const DenseBlock<float>>(features.data, static_cast<Eigen::Index>(features.rows),
                                            static_cast<Eigen::Index>(features.cols));
  }
  DigracResult r;
  double best_loss = std::numeric_limits<double>::infinity();
  for (int init = 0; init < options.n_init; ++init) {
    DigracOptions run = options;
    if (init > 0) run.seed = mix64(options.seed ^ mix64(static_cast<std::uint64_t>(init)));
    DigracResult candidate = options.double_precision ? digrac_detail::train_digrac<double>(graph, run, x)
                                                      : digrac_detail::train_digrac<float>(graph, run, x);
    const double loss = candidate.loss;
    if (loss < best_loss) {  // the first on ties: n_init = 1 and the first of many agree
      best_loss = loss;
      r = std::move(candidate);
      r.chosen_init = init;
    }
  }
  r.hermitian_features = built;
  r.feature_dims = static_cast<int>(x.cols());
  r.imbalance_sort_vol_sum = flow_imbalance_objective(graph, r.labels, options.k, ImbalanceNorm::VolSum,
                                                      ImbalanceSelection::Sort, options.num_pairs);
  r.imbalance_naive_vol_sum =
      flow_imbalance_objective(graph, r.labels, options.k, ImbalanceNorm::VolSum, ImbalanceSelection::Naive, 0);
  return r;
}

}  // namespace graphclust
