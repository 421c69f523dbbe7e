#include "graphclust/tv/tv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/kernels/reduce.hpp"
#include "graphclust/spectral/spectral.hpp"
#include "torch/torch_backend.hpp"
#include "tv/model.hpp"

namespace graphclust {
namespace tv_detail {
namespace {

using learn::Tape;
using learn::Var;

void validate(const Graph& graph, const TvOptions& o, AttributeView features) {
  require_nonempty(graph, "tv_clustering");
  check_options(o, "tv_clustering");
  if (o.model == TvModel::Gnn) check_encoder_device(o.encoder, o.device, "tv_clustering");
  if (graph.num_arcs() == 0) throw InvalidArgument("tv_clustering: the graph has no edges (its total variation is undefined)");
  if (static_cast<NodeId>(o.k) > graph.num_nodes())
    throw InvalidArgument("tv_clustering: k = " + std::to_string(o.k) + " exceeds the number of nodes " +
                          std::to_string(graph.num_nodes()));
  if (!features.empty()) {
    if (o.model == TvModel::Direct)
      throw InvalidArgument("tv_clustering: model 'direct' takes no features (use model 'gnn' to train on them)");
    if (features.rows != graph.num_nodes())
      throw InvalidArgument("tv_clustering: features have " + std::to_string(features.rows) + " rows but the graph has " +
                            std::to_string(graph.num_nodes()) + " nodes");
    if (features.cols == 0) throw InvalidArgument("tv_clustering: features have no columns");
  }
  // A lower bound of what training holds: per node, each GTVConv layer's activations and the MLP's
  // hidden layer, each with its gradient, and the n x k assignment.
  const double n = graph.num_nodes(), scalar = o.double_precision ? 8.0 : 4.0;
  const double per_node = o.model == TvModel::Gnn ? 2.0 * (static_cast<double>(o.mp_channels) * o.mp_layers + o.mlp_hidden) + 2.0 * o.k
                                                  : 4.0 * o.k;
  detail::require_memory(n * scalar * per_node, "tv_clustering",
                         "mp_channels = " + std::to_string(o.mp_channels) + ", mlp_hidden = " + std::to_string(o.mlp_hidden) +
                             ", k = " + std::to_string(o.k) + " on " + std::to_string(graph.num_nodes()) + " nodes");
}

/// PyG's NormalizeFeatures, which the reference applies: shift by the global minimum when it is
/// negative, then divide each row by max(row sum, 1) (binary rows then sum to 1).
void normalize_features(DenseBlock<float>& x) {
  const float lo = x.size() ? x.minCoeff() : 0.f;
  if (lo < 0) x.array() -= lo;
  parallel_for_nodes(static_cast<std::size_t>(x.rows()), [&](std::size_t i) {
    const auto r = static_cast<Eigen::Index>(i);
    double s = 0;
    for (Eigen::Index c = 0; c < x.cols(); ++c) s += x(r, c);
    x.row(r) /= static_cast<float>(std::max(s, 1.0));
  }, 256);
}

/// Below this fraction of non-zero features the first GTVConv product runs sparse.
constexpr double kSparseDensity = 0.1;

template <class T>
TvResult train_gnn(const Graph& graph, const TvOptions& o, const DenseBlock<float>& features_f) {
  const DenseBlock<T> features = features_f.template cast<T>();
  const TvContext<T> context(graph);
  TvNetwork<T> model(features.cols(), o);
  learn::Adam<T> adam(model.parameters(), {.learning_rate = o.learning_rate, .epsilon = o.adam_epsilon});
  Tape<T> tape;
  learn::TrainOptions train;
  train.max_epochs = o.max_epochs;
  train.patience = o.patience;
  train.keep_best = true;  // the reference reports the lowest-loss epoch
  train.seed = o.seed;
  train.stage = "tv";
  train.progress = o.progress;
  // Bag-of-words features are mostly zeros: the first product is then sparse (O(nnz channels)).
  const double density = features.size() ? static_cast<double>((features.array() != T{0}).count()) /
                                               static_cast<double>(features.size())
                                         : 1.0;
  learn::SparseRows<T> sparse;
  if (density < kSparseDensity) sparse = learn::SparseRows<T>::from_dense(features);
  const auto forward = [&](Tape<T>& t) {
    return density < kSparseDensity ? model.forward(t, sparse, context) : model.forward(t, t.constant(features), context);
  };
  learn::TrainResult run;
  if (o.encoder == EncoderBackend::Torch) {  // Torch trains from the native initial weights; the read-out below is shared
    torch_backend::TrainSettings s{.max_epochs = o.max_epochs, .patience = o.patience, .keep_best = true, .seed = o.seed,
                                   .learning_rate = o.learning_rate, .adam_epsilon = o.adam_epsilon,
                                   .double_precision = std::is_same_v<T, double>, .device = o.device,
                                   .stage = train.stage, .progress = o.progress};
    run = torch_backend::train_from_native(model.parameters(), [&](const torch_backend::Blocks& initial) {
      return torch_backend::tv_train(graph, features.template cast<double>(), o, initial, s);
    });
  } else {
    run = learn::train<T>(
        tape, adam,
        [&](Tape<T>& t, int) {
          const Var<T> s = forward(t);
          return learn::axpby(o.totvar_coeff, total_variation_loss(s, context), o.balance_coeff, balance_loss(s));
        },
        train);
  }
  if (run.diverged && run.best_epoch < 0)
    throw InvalidArgument("tv_clustering: the loss became NaN or infinite (try a smaller learning_rate)");
  tape.clear(o.seed);
  const Var<T> s = forward(tape);
  TvResult r;
  r.assignments = s.value().template cast<float>();
  r.losses = run.losses;
  r.epochs = run.epochs;
  r.stopped_early = run.stopped_early;
  r.reported_epoch = run.best_epoch;
  return r;
}

double rho_abs(double r, double k) { return r >= 0 ? (k - 1) * r : -r; }

/// Entry p = floor(n / k) of column c sorted descending.
double column_quantile(const DenseBlock<double>& s, Eigen::Index c, std::vector<double>& scratch) {
  const Eigen::Index n = s.rows();
  scratch.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) scratch[static_cast<std::size_t>(i)] = s(i, c);
  const auto p = static_cast<std::size_t>(n / s.cols());
  std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(p), scratch.end(), std::greater<>());
  return scratch[p];
}

double huber(double x, double eps) {
  const double a = std::abs(x);
  return a >= eps ? a : x * x / (2 * eps) + eps / 2;
}

/// {TV, B}: TV = (1/2E) sum_arcs w sum_k f(s_ik - s_jk) (f = |.| or its eps-smoothing when eps > 0),
/// B = sum_k sum_i |s_ik - q_k|_rho. Fixed-order sums.
std::array<double, 2> objective_parts(const Graph& graph, const DenseBlock<double>& s, double eps) {
  const Eigen::Index k = s.cols();
  const double tv = fixed_order_sum(graph.num_nodes(), [&](std::size_t i) {
    double acc = 0;
    graph.for_each_out(static_cast<NodeId>(i), [&](NodeId j, Weight w) {
      double d = 0;
      for (Eigen::Index c = 0; c < k; ++c) {
        const double x = s(static_cast<Eigen::Index>(i), c) - s(j, c);
        d += eps > 0 ? huber(x, eps) : std::abs(x);
      }
      acc += w * d;
    });
    return acc;
  }) / (2.0 * static_cast<double>(graph.num_arcs()));
  std::vector<double> q(static_cast<std::size_t>(k));
  std::vector<double> scratch;
  for (Eigen::Index c = 0; c < k; ++c) q[static_cast<std::size_t>(c)] = column_quantile(s, c, scratch);
  const double kd = static_cast<double>(k);
  const double b = fixed_order_sum(static_cast<std::size_t>(s.rows()), [&](std::size_t i) {
    double acc = 0;
    for (Eigen::Index c = 0; c < k; ++c) acc += rho_abs(s(static_cast<Eigen::Index>(i), c) - q[static_cast<std::size_t>(c)], kd);
    return acc;
  });
  return {tv, b};
}

/// argmin over the probability simplex of sum_c (l_c / 2) (x_c - v_c)^2 (l_c > 0): x_c = max(v_c - lambda / l_c, 0)
/// with lambda making the sum 1; the support is a prefix of the entries sorted by l_c v_c (descending).
void project_simplex(double* v, const double* l, Eigen::Index k, std::vector<std::pair<double, Eigen::Index>>& order) {
  order.clear();
  for (Eigen::Index c = 0; c < k; ++c) order.emplace_back(l[c] * v[c], c);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  double sum_v = 0, sum_inv = 0, lambda = 0;
  for (Eigen::Index j = 0; j < k; ++j) {
    const Eigen::Index c = order[static_cast<std::size_t>(j)].second;
    sum_v += v[c];
    sum_inv += 1.0 / l[c];
    const double candidate = (sum_v - 1) / sum_inv;
    if (j == 0 || candidate < order[static_cast<std::size_t>(j)].first) lambda = candidate;
    else break;
  }
  for (Eigen::Index c = 0; c < k; ++c) v[c] = std::max(v[c] - lambda / l[c], 0.0);
}

}  // namespace

double smoothed_objective(const Graph& graph, const DenseBlock<double>& s, const TvOptions& o) {
  const auto [tv, b] = objective_parts(graph, s, o.epsilon);
  const double norm = static_cast<double>(s.rows()) * static_cast<double>(s.cols() - 1);
  return o.totvar_coeff * tv + o.balance_coeff * (1.0 - b / norm);
}

DirectRun direct_tv(const Graph& graph, const TvOptions& o) {
  const auto n = static_cast<Eigen::Index>(graph.num_nodes());
  const Eigen::Index k = o.k;
  const double kd = static_cast<double>(k);
  const double coef = o.totvar_coeff / (2.0 * static_cast<double>(graph.num_arcs()));
  const double beta = o.balance_coeff / (static_cast<double>(n) * (kd - 1));
  const double eps = o.epsilon;
  DirectRun run;
  DenseBlock<double>& s = run.s;
  s.resize(n, k);
  if (o.init == TvInit::Spectral) {
    SpectralOptions spectral;
    spectral.k = o.k;
    spectral.seed = o.seed;
    spectral.progress = o.progress;
    const std::vector<std::int32_t> labels = spectral_clustering(graph, spectral).labels;
    s.setConstant(0.5 / kd);
    for (Eigen::Index i = 0; i < n; ++i) s(i, labels[static_cast<std::size_t>(i)]) += 0.5;
  } else {
    parallel_for_nodes(static_cast<std::size_t>(n), [&](std::size_t i) {
      const auto r = static_cast<Eigen::Index>(i);
      for (Eigen::Index c = 0; c < k; ++c)
        s(r, c) = o.init_scale * normal(o.seed, 0x54564449ULL, static_cast<std::uint64_t>(i) * k + c);
      const double m = s.row(r).maxCoeff();
      s.row(r) = (s.row(r).array() - m).exp();
      s.row(r) /= s.row(r).sum();
    }, 256);
  }
  DenseBlock<double> next(n, k), g(n, k);
  std::vector<double> q(static_cast<std::size_t>(k)), scratch;
  double current = smoothed_objective(graph, s, o);
  run.losses.push_back(current);
  for (int t = 0; t < o.iterations; ++t) {
    report(o.progress, "tv_direct", static_cast<double>(t) / o.iterations);
    // Subgradient of the convex B(S) = sum_k min_q sum_i |s_ik - q|_rho at S: (k - 1) above the quantile,
    // -1 below, and the tied entries share what makes the column's q-derivative vanish (Danskin).
    for (Eigen::Index c = 0; c < k; ++c) {
      const double qc = column_quantile(s, c, scratch);
      std::size_t above = 0, tied = 0;
      for (Eigen::Index i = 0; i < n; ++i) {
        above += s(i, c) > qc;
        tied += s(i, c) == qc;
      }
      const double below = static_cast<double>(static_cast<std::size_t>(n) - above - tied);
      const double tie = (below - static_cast<double>(above) * (kd - 1)) / static_cast<double>(tied);
      for (Eigen::Index i = 0; i < n; ++i) g(i, c) = s(i, c) > qc ? kd - 1 : (s(i, c) < qc ? -1.0 : tie);
      q[static_cast<std::size_t>(c)] = qc;
    }
    // One Jacobi step of the separable surrogate: every row minimises
    //   <grad_i, x> + sum_c (L_ic / 2) (x_c - s_ic)^2 over the simplex (a diagonal-metric projection).
    parallel_for_ranges(static_cast<std::size_t>(n), [&](std::size_t begin, std::size_t end) {
      std::vector<double> grad(static_cast<std::size_t>(k)), diag(static_cast<std::size_t>(k));
      std::vector<std::pair<double, Eigen::Index>> order;
      for (std::size_t ii = begin; ii < end; ++ii) {
        const auto i = static_cast<NodeId>(ii);
        const auto r = static_cast<Eigen::Index>(ii);
        std::fill(grad.begin(), grad.end(), 0.0);
        std::fill(diag.begin(), diag.end(), 0.0);
        const auto visit = [&](NodeId j, Weight w) {
          if (j == i) return;
          for (Eigen::Index c = 0; c < k; ++c) {
            const double d = s(r, c) - s(j, c);
            const double gamma = w / std::max(std::abs(d), eps);
            grad[static_cast<std::size_t>(c)] += gamma * d;
            diag[static_cast<std::size_t>(c)] += gamma;
          }
        };
        graph.for_each_out(i, visit);  // arcs (i, j)
        graph.for_each_in(i, visit);   // arcs (j, i) (the same rows again for an undirected graph)
        for (Eigen::Index c = 0; c < k; ++c) {
          const auto cc = static_cast<std::size_t>(c);
          diag[cc] = std::max(2.0 * coef * diag[cc], 1e-12);  // the curvature L_ic of the separable bound
          next(r, c) = s(r, c) - (coef * grad[cc] - beta * g(r, c)) / diag[cc];
        }
        project_simplex(&next(r, 0), diag.data(), k, order);
      }
    }, 256);
    const double value = smoothed_objective(graph, next, o);
    s.swap(next);
    run.losses.push_back(value);
    run.iterations = t + 1;
    const double decrease = current - value;
    current = value;
    if (decrease < o.tolerance) {
      run.converged = true;
      break;
    }
  }
  return run;
}

}  // namespace tv_detail

std::array<double, 2> tv_loss_terms(const Graph& graph, const DenseBlock<float>& assignments) {
  require_nonempty(graph, "tv_loss_terms");
  if (assignments.rows() != static_cast<Eigen::Index>(graph.num_nodes()) || assignments.cols() < 2)
    throw InvalidArgument("tv_loss_terms: assignments are " + std::to_string(assignments.rows()) + " x " +
                          std::to_string(assignments.cols()) + ", expected " + std::to_string(graph.num_nodes()) +
                          " x k with k >= 2");
  if (graph.num_arcs() == 0) throw InvalidArgument("tv_loss_terms: the graph has no edges");
  const DenseBlock<double> s = assignments.cast<double>();
  const auto [tv, b] = tv_detail::objective_parts(graph, s, 0.0);
  const double norm = static_cast<double>(s.rows()) * static_cast<double>(s.cols() - 1);
  return {tv, 1.0 - b / norm};
}

TvResult tv_clustering(const Graph& graph, AttributeView features, const TvOptions& options) {
  tv_detail::validate(graph, options, features);
  TvResult r;
  if (options.model == TvModel::Direct) {
    tv_detail::DirectRun run = tv_detail::direct_tv(graph, options);
    r.assignments = run.s.cast<float>();
    r.losses = std::move(run.losses);
    r.epochs = run.iterations;
    r.reported_epoch = run.iterations;  // the objective never increases: the last iterate is the best
    r.stopped_early = run.converged;
    r.converged = run.converged;
  } else {
    DenseBlock<float> x;
    r.structural_features = features.empty();
    if (r.structural_features) {
      report(options.progress, "structural features", 0.0);
      x = spectral_feature_block(graph, options.structural_dims > 0 ? options.structural_dims : options.k, options.seed,
                                 options.progress);
    } else {
      x = Eigen::Map<const DenseBlock<float>>(features.data, static_cast<Eigen::Index>(features.rows),
                                              static_cast<Eigen::Index>(features.cols));
      learn::require_finite(x, "tv_clustering features");
      if (options.normalize_features) tv_detail::normalize_features(x);
    }
    r.feature_dims = static_cast<int>(x.cols());
    const TvResult trained = options.double_precision ? tv_detail::train_gnn<double>(graph, options, x)
                                                      : tv_detail::train_gnn<float>(graph, options, x);
    r.assignments = trained.assignments;
    r.losses = trained.losses;
    r.epochs = trained.epochs;
    r.reported_epoch = trained.reported_epoch;
    r.stopped_early = trained.stopped_early;
    r.converged = trained.stopped_early;
  }
  r.labels = argmax_rows(r.assignments);
  const auto terms = tv_loss_terms(graph, r.assignments);
  r.total_variation = terms[0];
  r.balance = terms[1];
  r.loss = options.totvar_coeff * r.total_variation + options.balance_coeff * r.balance;
  return r;
}

}  // namespace graphclust
