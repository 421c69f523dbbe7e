#include "graphclust/contrastive/contrastive.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <optional>
#include <string>

#include "contrastive/loss.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/kernels/kmeans.hpp"
#include "graphclust/kernels/reduce.hpp"
#include "graphclust/spectral/spectral.hpp"
#include "torch/torch_backend.hpp"

namespace graphclust {
namespace contrastive_detail {

using learn::Parameter;
using learn::Tape;
using learn::Var;

namespace {

constexpr std::uint64_t kShuffleStream = 0x5348554646ULL;  // "SHUFF"

std::vector<Eigen::Index> parse_hidden(const std::string& text) {
  std::vector<Eigen::Index> widths;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string token = text.substr(start, comma - start);
    token.erase(0, token.find_first_not_of(" \t"));
    token.erase(token.find_last_not_of(" \t") + 1);
    if (token.empty()) {
      if (text.find_first_not_of(" \t") == std::string::npos && widths.empty() && comma == text.size()) break;
      throw InvalidArgument("contrastive_clustering: hidden must be comma-separated positive widths like '500,500,2000', got '" +
                            text + "'");
    }
    std::size_t used = 0;
    long long w = 0;
    try {
      w = std::stoll(token, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != token.size() || w < 1 || w > 1'000'000)
      throw InvalidArgument("contrastive_clustering: hidden width '" + token + "' in '" + text +
                            "' is not an integer in [1, 1000000]");
    widths.push_back(static_cast<Eigen::Index>(w));
    start = comma + 1;
  }
  return widths;  // empty = a linear encoder straight to z
}

template <class T>
learn::MlpOptions mlp_options(std::vector<Eigen::Index> layers, std::uint64_t seed, const char* name) {
  learn::MlpOptions m;
  m.layers = std::move(layers);
  m.activation = Activation::Relu;
  m.activate_output = false;
  m.bias = true;
  m.seed = seed;
  m.name = name;
  return m;
}

/// The encoder x -> z (hidden widths, then n_z), the mirror decoder z -> x_bar and the centres.
template <class T>
struct Model {
  Model(Eigen::Index input_dim, const std::vector<Eigen::Index>& hidden, const ContrastiveOptions& o) {
    std::vector<Eigen::Index> enc = hidden;
    enc.push_back(o.embedding_dim);
    std::vector<Eigen::Index> dec(hidden.rbegin(), hidden.rend());
    dec.push_back(input_dim);
    encoder = std::make_unique<learn::MlpEncoder<T>>(input_dim, mlp_options<T>(enc, o.seed, "contrastive.encoder"));
    decoder = std::make_unique<learn::MlpEncoder<T>>(o.embedding_dim, mlp_options<T>(dec, o.seed, "contrastive.decoder"));
    mu = Parameter<T>("contrastive.mu", o.k, o.embedding_dim);
  }
  std::vector<Parameter<T>*> autoencoder_parameters() {
    auto out = encoder->parameters();
    for (auto* p : decoder->parameters()) out.push_back(p);
    return out;
  }
  std::unique_ptr<learn::MlpEncoder<T>> encoder, decoder;
  Parameter<T> mu;
};

template <class T>
std::vector<double> pretrain(Model<T>& model, const DenseBlock<T>& x, const ContrastiveOptions& o) {
  std::vector<double> epoch_losses;
  if (o.pretrain_epochs == 0) return epoch_losses;
  const Eigen::Index n = x.rows();
  const Eigen::Index batch_size = std::min<Eigen::Index>(o.pretrain_batch_size, n);
  const int batches = static_cast<int>((n + batch_size - 1) / batch_size);
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  DenseBlock<T> batch;
  learn::Adam<T> adam(model.autoencoder_parameters(), {.learning_rate = o.pretrain_learning_rate});
  Tape<T> tape;
  learn::TrainOptions train;
  train.max_epochs = o.pretrain_epochs * batches;  // one train() step per minibatch
  train.seed = o.seed;
  train.stage = "pretraining";
  train.progress = o.progress;
  const learn::TrainResult run = learn::train<T>(
      tape, adam,
      [&](Tape<T>& t, int step) {
        const int epoch = step / batches, b = step % batches;
        if (b == 0) {  // a seeded shuffle per epoch (Fisher-Yates on counter-based draws)
          std::iota(order.begin(), order.end(), Eigen::Index{0});
          for (Eigen::Index i = n - 1; i > 0; --i) {
            const double u = uniform(o.seed, kShuffleStream + static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(i));
            const auto j = std::min<Eigen::Index>(static_cast<Eigen::Index>(u * static_cast<double>(i + 1)), i);
            std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
          }
        }
        const Eigen::Index begin = b * batch_size, rows = std::min(batch_size, n - begin);
        batch.resize(rows, x.cols());
        for (Eigen::Index r = 0; r < rows; ++r) batch.row(r) = x.row(order[static_cast<std::size_t>(begin + r)]);
        const Var<T> input = t.constant(batch);
        const Var<T> z = model.encoder->forward(t, input, true);
        return reconstruction_loss(model.decoder->forward(t, z, true), input);
      },
      train);
  if (run.diverged)
    throw InvalidArgument("contrastive_clustering: the pretraining loss became NaN or infinite (try a smaller "
                          "pretrain_learning_rate)");
  for (int e = 0; e < o.pretrain_epochs; ++e) {
    double total = 0;
    for (int b = 0; b < batches; ++b) total += run.losses[static_cast<std::size_t>(e * batches + b)];
    epoch_losses.push_back(total / batches);
  }
  return epoch_losses;
}

template <class T>
ContrastiveResult train_model(const DenseBlock<float>& features_f, const SparseMatrix& w, const ContrastiveOptions& o,
                              const std::vector<Eigen::Index>& hidden) {
  const DenseBlock<T> x = features_f.template cast<T>();
  const Eigen::Index n = x.rows();
  Model<T> model(x.cols(), hidden, o);
  ContrastiveResult r;
  r.pretrain_losses = pretrain(model, x, o);

  Tape<T> tape;
  {  // centres from k-means on the pretrained embedding
    report(o.progress, "k-means", 0.0);
    tape.clear(o.seed);
    const Var<T> z = model.encoder->forward(tape, tape.constant(x), false);
    KMeansOptions km;
    km.k = o.k;
    km.n_init = o.n_init;
    km.seed = o.seed;
    km.progress = o.progress;
    const KMeansResult init = kmeans(z.value(), km);
    model.mu.value = init.centroids.template cast<T>();
    r.initial_labels = init.labels;
  }

  const bool exact = o.model != ContrastiveModel::Pamc;
  const bool reconstruct = o.model == ContrastiveModel::Scgc;
  std::optional<PowerPattern<T>> pattern;
  DenseBlock<T> w_dense;
  if (exact) w_dense = w.to_dense().template cast<T>();
  else pattern.emplace(w);

  std::vector<Parameter<T>*> params = model.encoder->parameters();
  if (reconstruct)
    for (auto* p : model.decoder->parameters()) params.push_back(p);
  params.push_back(&model.mu);
  learn::Adam<T> adam(params, {.learning_rate = o.learning_rate});
  learn::TrainOptions train;
  train.max_epochs = o.max_epochs;
  train.seed = o.seed;
  train.stage = std::string(to_string(o.model));
  train.progress = o.progress;
  std::vector<std::int32_t> last_epoch_labels;  // argmax q at the start of the final epoch
  learn::TrainResult run;
  if (o.encoder == EncoderBackend::Torch) {  // after native pretraining and k-means; the read-out below is shared
    const DenseBlock<double> xd = x.template cast<double>();
    torch_backend::ContrastiveSetup setup{.features = &xd, .w = &w, .encoder_layers = hidden.size() + 1,
                                          .decoder_layers = reconstruct ? hidden.size() + 1 : 0};
    torch_backend::TrainSettings s{.max_epochs = o.max_epochs, .seed = o.seed, .learning_rate = o.learning_rate,
                                   .double_precision = std::is_same_v<T, double>, .device = o.device,
                                   .stage = train.stage, .progress = o.progress};
    run = torch_backend::train_from_native(
        params, [&](const torch_backend::Blocks& initial) { return torch_backend::contrastive_train(setup, o, initial, s); });
  } else run = learn::train<T>(
      tape, adam,
      [&](Tape<T>& t, int) {
        const Var<T> input = t.constant(x);
        const Var<T> z = model.encoder->forward(t, input, true);
        const Var<T> q = learn::student_t_assignment(z, t.parameter(model.mu), o.dof);
        const std::vector<std::int32_t> labels = argmax_rows(q.value());
        if (o.record_labels) r.label_history.insert(r.label_history.end(), labels.begin(), labels.end());
        last_epoch_labels = labels;
        const Var<T> kl = learn::kl_divergence(t.constant_copy(learn::target_distribution(q.value())), q);
        Var<T> con;
        if (exact) {
          con = exact_contrastive_loss(z, w_dense, o.tau);
        } else {
          con = learn::add(sparse_positive_term(z, *pattern, o.tau),
                           meta_node_negative_term(z, cluster_indicator<T>(labels, o.k), o.tau));
        }
        Var<T> loss = learn::axpby(o.beta, kl, o.alpha, con);
        if (reconstruct) loss = learn::add(loss, reconstruction_loss(model.decoder->forward(t, z, true), input));
        return loss;
      },
      train);
  if (run.diverged)
    throw InvalidArgument("contrastive_clustering: the loss became NaN or infinite at epoch " +
                          std::to_string(run.stop_epoch) + " (try a smaller learning_rate)");

  tape.clear(o.seed);
  const Var<T> z = model.encoder->forward(tape, tape.constant(x), false);
  const Var<T> q = learn::student_t_assignment(z, tape.parameter(model.mu), o.dof);
  r.probabilities = q.value().template cast<float>();
  r.embedding = z.value().template cast<float>();
  r.labels = argmax_rows(r.probabilities);
  if (o.record_labels) r.label_history.insert(r.label_history.end(), r.labels.begin(), r.labels.end());
  r.losses = run.losses;
  r.epochs = run.epochs;
  r.stop_epoch = run.stop_epoch;
  std::size_t changed = 0;
  for (std::size_t i = 0; i < r.labels.size() && i < last_epoch_labels.size(); ++i) changed += r.labels[i] != last_epoch_labels[i];
  r.converged = last_epoch_labels.size() == r.labels.size() && static_cast<double>(changed) <= 1e-3 * static_cast<double>(n);
  return r;
}

void validate(const Graph& graph, AttributeView features, const ContrastiveOptions& o) {
  require_nonempty(graph, "contrastive_clustering");
  check_options(o, "contrastive_clustering");
  check_encoder_device(o.encoder, o.device, "contrastive_clustering");
  if (o.encoder == EncoderBackend::Torch && o.record_labels)
    throw InvalidArgument("contrastive_clustering: record_labels needs encoder 'native' (the torch loop keeps no per-epoch labels)");
  if (static_cast<NodeId>(o.k) > graph.num_nodes())
    throw InvalidArgument("contrastive_clustering: k = " + std::to_string(o.k) + " exceeds the number of nodes " +
                          std::to_string(graph.num_nodes()));
  if (!features.empty()) {
    if (features.rows != graph.num_nodes())
      throw InvalidArgument("contrastive_clustering: features have " + std::to_string(features.rows) +
                            " rows but the graph has " + std::to_string(graph.num_nodes()) + " nodes");
    if (features.cols == 0 || features.data == nullptr)
      throw InvalidArgument("contrastive_clustering: features have no columns");
  }
  if (o.model != ContrastiveModel::Pamc && graph.num_nodes() > static_cast<NodeId>(o.max_exact_nodes)) {
    const double n = graph.num_nodes();
    const double gib = 8.0 * n * n * (o.double_precision ? 8.0 : 4.0) / (1024.0 * 1024.0 * 1024.0);
    throw InvalidArgument("contrastive_clustering: model " + std::string(to_string(o.model)) +
                          " forms dense n x n similarity blocks (about " + std::to_string(gib) + " GiB for n = " +
                          std::to_string(graph.num_nodes()) + "), and n exceeds max_exact_nodes = " +
                          std::to_string(o.max_exact_nodes) +
                          ": use model pamc (O(n k + nnz) memory) or raise max_exact_nodes");
  }
}

// The spectral block without its leading column, the other columns standardised. Unit-length rows
// spread k columns over entries of size ~1/sqrt(k), and the encoder's initialisation assumes
// unit-variance inputs. The leading eigenvector of a connected graph is D^1/2 1: it carries degree,
// not membership, and standardised it weighs as much as a membership column; on the karate club that
// gave the k-means start (which PamC keeps) a 29 / 5 split on some seeds (ARI .07; bench/contrastive/NOTES.md).
DenseBlock<float> structural_features(const Graph& graph, int k, std::uint64_t seed, const Progress& progress) {
  DenseBlock<float> x = spectral_feature_block(graph, k, seed, progress);
  if (x.cols() > 1) x = DenseBlock<float>(x.rightCols(x.cols() - 1));
  standardize_columns(x);
  return x;
}

// S^t X in double (t products of a float block would round t times), S on the symmetric view with
// GCN's self-loop renormalisation, so isolated nodes keep their own row instead of a zero row.
DenseBlock<float> smooth_features(const Graph& graph, const DenseBlock<float>& x, int steps) {
  const GraphOperator<double> s(graph, {.kind = OperatorKind::SymNormalized, .self_loop_weight = 1.0, .symmetrize = true});
  DenseBlock<double> current = x.cast<double>(), next;
  for (int step = 0; step < steps; ++step) {
    s.apply_block(current, next);
    current.swap(next);
  }
  return current.cast<float>();
}

}  // namespace
}  // namespace contrastive_detail

ContrastiveResult contrastive_clustering(const Graph& graph, AttributeView features, const ContrastiveOptions& options) {
  using namespace contrastive_detail;
  validate(graph, features, options);
  const std::vector<Eigen::Index> hidden = parse_hidden(options.hidden);
  {
    // A lower bound of what training holds: per node, every encoder (and for scgc decoder) layer's
    // activations with their gradients, and for the exact models the dense n x n blocks.
    const double n = graph.num_nodes(), scalar = options.double_precision ? 8.0 : 4.0;
    double widths = static_cast<double>(options.embedding_dim) + 2.0 * options.k;
    for (const Eigen::Index w : hidden) widths += static_cast<double>(w);
    double bytes = n * scalar * 2.0 * widths;
    if (options.model != ContrastiveModel::Pamc) bytes += 8.0 * n * n * scalar;
    if (options.feature_smoothing > 0) bytes += 2.0 * n * 8.0 * static_cast<double>(features.cols);  // two double blocks
    detail::require_memory(bytes, "contrastive_clustering",
                           "model " + std::string(to_string(options.model)) + " with hidden = '" + options.hidden +
                               "' on " + std::to_string(graph.num_nodes()) + " nodes");
  }
  // W first: its guard should refuse before any training time is spent.
  report(options.progress, "positive weights", 0.0);
  MatrixPowerOptions power;
  power.order = options.order;
  power.cumulative = options.influence;
  power.max_nonzeros = static_cast<std::size_t>(options.max_power_nonzeros);
  power.progress = options.progress;
  const SparseMatrix w =
      matrix_power(random_walk_matrix(graph, options.self_loop_weight), power, "contrastive_clustering");

  DenseBlock<float> x;
  const bool built = features.empty();
  if (built) {
    report(options.progress, "structural features", 0.0);
    x = structural_features(graph, options.k, options.seed, options.progress);
  } else {
    x = Eigen::Map<const DenseBlock<float>>(features.data, static_cast<Eigen::Index>(features.rows),
                                            static_cast<Eigen::Index>(features.cols));
  }
  learn::require_finite(x, "contrastive_clustering features");
  if (options.feature_smoothing > 0) {
    report(options.progress, "feature smoothing", 0.0);
    x = smooth_features(graph, x, options.feature_smoothing);
  }
  ContrastiveResult r = options.double_precision ? train_model<double>(x, w, options, hidden)
                                                 : train_model<float>(x, w, options, hidden);
  r.structural_features = built;
  r.feature_dims = static_cast<int>(x.cols());
  r.power_nonzeros = static_cast<std::int64_t>(w.nonzeros());
  return r;
}

}  // namespace graphclust
