// The LibTorch side of torch_backend.hpp: torch::nn modules for the shared encoders (MLP, GCN,
// DIMPA, GTVConv), the DIGRAC / TV / contrastive losses in torch ops, and one Adam epoch loop with
// the semantics of learn::train. Kept in one translation unit on purpose: each file that includes
// <torch/torch.h> costs minutes to compile on 2 cores.
//
// Every module takes its weights from the native model (same shapes: a weight is in x out and used
// as x W, a bias is 1 x out), so the two engines start from the same point and the equality tests
// compare like with like. The graph enters as a sparse COO tensor built once from the CSR arrays, or
// as the arcs' (row, col, weight) index tensors where a layer needs per-arc values (GTVConv, TV and
// PamC's positives); no n x n dense matrix is formed except by the exact SCGC models, whose loss is
// dense by definition.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "contrastive/loss.hpp"
#include "digrac/loss.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"
#include "torch/torch_backend.hpp"

// Compiled into libgraphclust_torch.so only, which the library loads on first use (loader.cpp): the
// functions live in their own namespace and reach the library through the table at the end.
namespace graphclust::torch_backend::module_impl {

bool cuda_built() noexcept {
  try {
    return at::hasCUDA();
  } catch (...) {
    return false;
  }
}
int cuda_devices() noexcept {
  try {
    return at::hasCUDA() ? static_cast<int>(torch::cuda::device_count()) : 0;
  } catch (...) {
    return 0;
  }
}

namespace {

using torch::Tensor;
using torch::indexing::Slice;

Tensor to_tensor(const DenseBlock<double>& x, const torch::TensorOptions& opt) {
  return torch::from_blob(const_cast<double*>(x.data()), {x.rows(), x.cols()}, torch::kDouble).to(opt, false, true);
}

DenseBlock<double> to_block(const Tensor& t) {
  const Tensor c = t.detach().to(torch::kCPU, torch::kDouble).contiguous().reshape({t.size(0), -1});
  DenseBlock<double> out(c.size(0), c.size(1));
  std::memcpy(out.data(), c.data_ptr<double>(), sizeof(double) * static_cast<std::size_t>(c.numel()));
  return out;
}

/// The sparse operator of kernels/operator.hpp for the kinds the encoders use (Adjacency,
/// SymNormalized, RandomWalk), with w I added before normalising, straight from the CSR arrays.
Tensor sparse_operator(const Graph& g, OperatorKind kind, double self_loop, bool reverse, const torch::TensorOptions& opt) {
  const CsrArrays& csr = reverse && g.directed() ? g.in() : g.out();
  const auto row_deg = reverse && g.directed() ? g.in_degrees() : g.out_degrees();
  const auto col_deg = reverse && g.directed() ? g.out_degrees() : g.in_degrees();
  const auto n = static_cast<std::int64_t>(g.num_nodes());
  const auto arcs = static_cast<std::int64_t>(csr.targets.size());
  const std::int64_t loops = self_loop > 0 ? n : 0;
  std::vector<double> left(static_cast<std::size_t>(n), 1.0), right(static_cast<std::size_t>(n), 1.0);
  for (std::int64_t i = 0; i < n; ++i) {
    const double dr = row_deg[i] + self_loop, dc = col_deg[i] + self_loop;
    if (kind == OperatorKind::SymNormalized) {
      left[i] = dr > 0 ? 1.0 / std::sqrt(dr) : 0.0;
      right[i] = dc > 0 ? 1.0 / std::sqrt(dc) : 0.0;
    } else if (kind == OperatorKind::RandomWalk) {
      left[i] = dr > 0 ? 1.0 / dr : 0.0;
    }
  }
  Tensor index = torch::empty({2, arcs + loops}, torch::kLong);
  Tensor values = torch::empty({arcs + loops}, torch::kDouble);
  auto* rows = index.data_ptr<std::int64_t>();
  auto* cols = rows + arcs + loops;
  auto* v = values.data_ptr<double>();
  for (std::int64_t i = 0; i < n; ++i)
    for (EdgeOffset e = csr.offsets[i]; e < csr.offsets[i + 1]; ++e) {
      const NodeId j = csr.targets[e];
      rows[e] = i;
      cols[e] = j;
      v[e] = (csr.weights.empty() ? 1.0 : csr.weights[e]) * left[i] * right[j];
    }
  for (std::int64_t i = 0; i < loops; ++i) {
    rows[arcs + i] = cols[arcs + i] = i;
    v[arcs + i] = self_loop * left[i] * right[i];
  }
  // coalesce() sums a self-loop the graph already has with the added w, once, on the CPU.
  return torch::sparse_coo_tensor(index, values, {n, n}).coalesce().to(opt);
}

/// The stored arcs (i, j) in out-CSR order with their weights: per-arc layers and losses.
struct Arcs {
  Tensor row, col, weight;
  std::int64_t n = 0;
  double count = 0;
};

Arcs arc_tensors(std::size_t n, const std::vector<EdgeOffset>& offsets, const NodeId* targets, const double* weights,
                 const Weight* fweights, const torch::TensorOptions& opt) {
  const auto m = static_cast<std::int64_t>(offsets[n]);
  Tensor row = torch::empty({m}, torch::kLong), col = torch::empty({m}, torch::kLong);
  Tensor w = torch::empty({m}, torch::kDouble);
  auto* r = row.data_ptr<std::int64_t>();
  auto* c = col.data_ptr<std::int64_t>();
  auto* wv = w.data_ptr<double>();
  for (std::size_t i = 0; i < n; ++i)
    for (EdgeOffset e = offsets[i]; e < offsets[i + 1]; ++e) {
      r[e] = static_cast<std::int64_t>(i);
      c[e] = targets[e];
      wv[e] = weights ? weights[e] : fweights ? fweights[e] : 1.0;
    }
  Arcs a;
  a.row = row.to(opt.device());
  a.col = col.to(opt.device());
  a.weight = w.to(opt);
  a.n = static_cast<std::int64_t>(n);
  a.count = static_cast<double>(m);
  return a;
}

Arcs graph_arcs(const Graph& g, const torch::TensorOptions& opt) {
  const CsrArrays& c = g.out();
  return arc_tensors(g.num_nodes(), c.offsets, c.targets.data(), nullptr, c.weights.empty() ? nullptr : c.weights.data(), opt);
}

/// Inverted dropout with masks from a seeded CPU generator: reproducible for a seed, and no global
/// RNG state is touched.
class Dropout {
 public:
  Dropout(std::uint64_t seed, torch::TensorOptions opt)
      : generator_(at::make_generator<at::CPUGeneratorImpl>(seed)), opt_(opt) {}
  Tensor operator()(const Tensor& x, double rate, bool training) {
    if (!training || rate <= 0) return x;
    const Tensor keep = torch::rand(x.sizes(), generator_, torch::TensorOptions().dtype(opt_.dtype())).ge(rate);
    return x * keep.to(opt_).mul(1.0 / (1.0 - rate));
  }

 private:
  at::Generator generator_;
  torch::TensorOptions opt_;
};

/// Hands out the native weights in order and registers each as a torch parameter of `module`.
class ParameterSource {
 public:
  ParameterSource(const Blocks& blocks, torch::TensorOptions opt) : blocks_(blocks), opt_(opt) {}
  Tensor take(torch::nn::Module& module, const std::string& name) {
    if (next_ >= blocks_.size())
      throw InvalidArgument("torch encoder: " + std::to_string(blocks_.size()) + " parameter blocks are too few");
    Tensor t = module.register_parameter(name, to_tensor(blocks_[next_++], opt_));
    order.push_back(t);
    return t;
  }
  void finish() const {
    if (next_ != blocks_.size())
      throw InvalidArgument("torch encoder: " + std::to_string(blocks_.size()) + " parameter blocks given, " +
                            std::to_string(next_) + " used");
  }
  std::vector<Tensor> order;  ///< the parameters in the native order (for the optimiser and the copy back)

 private:
  const Blocks& blocks_;
  torch::TensorOptions opt_;
  std::size_t next_ = 0;
};

// --- modules ---------------------------------------------------------------------------------------

/// learn::MlpEncoder: h = act(h W + b) per layer, relu and dropout after hidden layers only.
struct MlpImpl : torch::nn::Module {
  MlpImpl(ParameterSource& src, std::size_t layers, bool bias, double dropout_rate) : dropout(dropout_rate) {
    for (std::size_t l = 0; l < layers; ++l) {
      weights.push_back(src.take(*this, "w" + std::to_string(l)));
      if (bias) biases.push_back(src.take(*this, "b" + std::to_string(l)));
    }
  }
  Tensor forward(Tensor h, Dropout* drop, bool training) {
    for (std::size_t l = 0; l < weights.size(); ++l) {
      h = h.mm(weights[l]);
      if (!biases.empty()) h = h + biases[l];
      if (l + 1 < weights.size()) {
        h = torch::relu(h);
        if (drop) h = (*drop)(h, dropout, training);
      }
    }
    return h;
  }
  std::vector<Tensor> weights, biases;
  double dropout;
};

/// learn::GcnEncoder: h = act(P h W + b), P = D~^-1/2 (A + wI) D~^-1/2 as a sparse constant.
struct GcnImpl : torch::nn::Module {
  GcnImpl(ParameterSource& src, std::size_t layers, bool bias, Tensor propagation) : p(std::move(propagation)) {
    for (std::size_t l = 0; l < layers; ++l) {
      weights.push_back(src.take(*this, "w" + std::to_string(l)));
      if (bias) biases.push_back(src.take(*this, "b" + std::to_string(l)));
    }
  }
  Tensor forward(Tensor h) {
    for (std::size_t l = 0; l < weights.size(); ++l) {
      h = torch::mm(p, h.mm(weights[l]));
      if (!biases.empty()) h = h + biases[l];
      if (l + 1 < weights.size()) h = torch::relu(h);
    }
    return h;
  }
  std::vector<Tensor> weights, biases;
  Tensor p;
};

/// DIMPA: source and target MLPs, then sum_h w[h] M^h x along (M_s) and against (M_t) the arcs.
struct DimpaImpl : torch::nn::Module {
  DimpaImpl(ParameterSource& src, const Graph& g, int hops_, double self_loop, double dropout,
            const torch::TensorOptions& opt)
      : hops(hops_) {
    source = register_module("source", std::make_shared<MlpImpl>(src, 2, false, dropout));
    target = register_module("target", std::make_shared<MlpImpl>(src, 2, false, dropout));
    source_hops = src.take(*this, "source_hops");
    target_hops = src.take(*this, "target_hops");
    along = sparse_operator(g, OperatorKind::RandomWalk, self_loop, false, opt);
    against = sparse_operator(g, OperatorKind::RandomWalk, self_loop, true, opt);
  }
  Tensor propagate(Tensor x, const Tensor& m, const Tensor& w) const {
    Tensor acc = x * w.index({0, 0});
    for (int h = 0; h < hops; ++h) {
      x = torch::mm(m, x);
      acc = acc + x * w.index({0, h + 1});
    }
    return acc;
  }
  Tensor forward(const Tensor& x, Dropout* drop, bool training) {
    return torch::cat({propagate(source->forward(x, drop, training), along, source_hops),
                       propagate(target->forward(x, drop, training), against, target_hops)},
                      1);
  }
  int hops;
  std::shared_ptr<MlpImpl> source, target;
  Tensor source_hops, target_hops, along, against;
};

/// GTVConv: elu((I - delta L_Gamma) X Theta + b), Gamma_ij = a_ij / max(||h_i - h_j||_1, eps);
/// L_Gamma h by gathering the neighbours' rows and scatter-adding per arc (PyG's message passing).
struct GtvConvImpl : torch::nn::Module {
  GtvConvImpl(ParameterSource& src, double delta_, double eps_, const std::string& name) : delta(delta_), eps(eps_) {
    theta = src.take(*this, name + "_theta");
    bias = src.take(*this, name + "_bias");
  }
  Tensor forward(const Tensor& x, const Arcs& a) {
    const Tensor h = x.mm(theta);
    const Tensor distance = (h.index_select(0, a.row) - h.index_select(0, a.col)).abs().sum(1);
    const Tensor gamma = a.weight / distance.clamp_min(eps);
    const Tensor degree = torch::zeros({a.n}, h.options()).index_add(0, a.row, gamma);
    const Tensor gathered = torch::zeros_like(h).index_add(0, a.row, gamma.unsqueeze(1) * h.index_select(0, a.col));
    const Tensor laplacian = degree.unsqueeze(1) * h - gathered;
    return torch::elu(h - delta * laplacian + bias);
  }
  Tensor theta, bias;
  double delta, eps;
};

// --- losses ----------------------------------------------------------------------------------------

/// digrac_detail::imbalance_loss in torch ops; the pair selection is the native one, on the values.
Tensor imbalance_loss(const Tensor& p, const Tensor& adjacency, const Tensor& sym_degrees, const DigracOptions& o) {
  constexpr double eps = 1e-8;
  const Tensor cut = p.t().mm(torch::mm(adjacency, p));
  const Tensor cut_t = cut.t();
  const Tensor net = (cut - cut_t).abs();
  const Tensor total = cut + cut_t;
  const Tensor volume = (p * sym_degrees).sum(0, true);  // 1 x K
  const Tensor volume_row = volume.t();                   // (k, l) -> VOL(k) by broadcasting
  const Tensor volume_sum = volume_row + volume;
  const Tensor volume_gap = (volume_row - volume).abs();
  Tensor values;
  switch (o.norm) {
    case ImbalanceNorm::Plain:
      values = net / (total + eps);
      break;
    case ImbalanceNorm::VolSum:
      values = 2.0 * net / (volume_sum + eps);
      break;
    case ImbalanceNorm::VolMax:
      values = net / (0.5 * (volume_sum + volume_gap) + eps);
      break;
    case ImbalanceNorm::VolMin: {
      const Tensor smaller = 0.5 * (volume_sum - volume_gap);
      const Tensor second = std::get<0>(volume.reshape({-1}).topk(2)).index({1});
      values = net / (total + eps) * smaller / (second + eps);
      break;
    }
  }
  const auto host = [](const Tensor& t) { return to_block(t); };
  const digrac_detail::PairSelection chosen =
      digrac_detail::select_pairs(host(values), host(net), host(total), o.selection, o.num_pairs);
  if (chosen.pairs.empty()) return values.sum() * 0.0 + 1.0;  // no flow: the worst loss, zero gradient
  const Tensor index = torch::tensor(chosen.pairs, torch::kLong).to(p.device());
  return 1.0 - values.reshape({-1}).index_select(0, index).sum() / chosen.divisor;
}

/// tv_detail::total_variation_loss: (1 / 2E) sum_arcs a_ij ||s_i - s_j||_1.
Tensor total_variation_loss(const Tensor& s, const Arcs& a) {
  const Tensor d = (s.index_select(0, a.row) - s.index_select(0, a.col)).abs().sum(1);
  return (a.weight * d).sum() / (2.0 * a.count);
}

/// tv_detail::balance_loss: 1 - sum |S - 1 q|_rho / (n (k - 1)), q the floor(n / k)-th largest.
Tensor balance_loss(const Tensor& s) {
  const std::int64_t n = s.size(0), k = s.size(1);
  const std::int64_t rank = n / k;
  const Tensor q = std::get<0>(s.topk(rank + 1, 0)).index({rank});
  const Tensor r = s - q;
  const Tensor asym = static_cast<double>(k - 1) * torch::relu(r) + torch::relu(-r);
  return 1.0 - asym.sum() / (static_cast<double>(n) * static_cast<double>(k - 1));
}

Tensor normalize_rows(const Tensor& z) {
  return torch::nn::functional::normalize(z, torch::nn::functional::NormalizeFuncOptions().p(2).dim(1));
}

Tensor student_t(const Tensor& z, const Tensor& mu, double dof) {
  const Tensor d2 = (z.unsqueeze(1) - mu.unsqueeze(0)).pow(2).sum(2);
  const Tensor q = (1.0 + d2 / dof).pow(-(dof + 1.0) / 2.0);
  return q / q.sum(1, true);
}

Tensor target_distribution(const Tensor& q) {
  const Tensor w = q.pow(2) / q.sum(0, true);
  return w / w.sum(1, true);
}

constexpr double kLogGuard = 1e-10;

/// The contrastive family's graph-side constants.
struct ContrastiveGraph {
  Arcs w;                // PamC: W's pattern (weights = W's values)
  Tensor off_diagonal;   // PamC: 0 on W's diagonal entries
  Tensor w_dense;        // exact models: W as a dense n x n block
};

ContrastiveGraph contrastive_graph(const SparseMatrix& w, bool exact, const torch::TensorOptions& opt) {
  ContrastiveGraph c;
  c.w = arc_tensors(w.rows, w.offsets, w.indices.data(), w.values.data(), nullptr, opt);
  c.off_diagonal = c.w.row.ne(c.w.col).to(opt);
  if (exact) {
    const Tensor index = torch::stack({c.w.row, c.w.col});
    const auto n = static_cast<std::int64_t>(w.rows);
    c.w_dense = torch::sparse_coo_tensor(index, c.w.weight, {n, n}).to_dense();
  }
  return c;
}

/// The contrastive epoch loss of contrastive.cpp's train_model, from z, mu (and x_bar for SCGC).
Tensor contrastive_loss(const Tensor& z, const Tensor& mu, const Tensor& x, const std::optional<Tensor>& x_bar,
                        const ContrastiveGraph& g, const ContrastiveOptions& o) {
  const Tensor q = student_t(z, mu, o.dof);
  const Tensor p = target_distribution(q.detach());
  const Tensor kl = (torch::xlogy(p, p) - p * q.log()).sum() / static_cast<double>(z.size(0));
  const Tensor zn = normalize_rows(z);
  Tensor con;
  if (o.model == ContrastiveModel::Pamc) {
    const Tensor s = (zn.index_select(0, g.w.row) * zn.index_select(0, g.w.col)).sum(1) * g.off_diagonal;
    const Tensor pos = torch::zeros({z.size(0)}, z.options()).index_add(0, g.w.row, g.w.weight * torch::exp(o.tau * s));
    const Tensor positive = -torch::log(pos + kLogGuard).mean();
    // Meta-nodes of the non-empty clusters of argmax q (detached), in label order.
    Tensor indicator = torch::one_hot(q.detach().argmax(1), o.k).to(z.options());
    indicator = indicator.index_select(1, indicator.sum(0).gt(0).nonzero().reshape({-1}));
    const Tensor meta = normalize_rows(indicator.t().mm(z));
    const std::int64_t kk = meta.size(0);
    const Tensor c = meta.mm(meta.t()) * (1.0 - torch::eye(kk, z.options()));
    con = positive + torch::log(torch::exp(o.tau * c).sum(1) + kLogGuard).mean();
  } else {
    const Tensor full = zn.mm(zn.t());
    const Tensor s = full - torch::diag_embed(full.diagonal().detach());
    const Tensor e = torch::exp(o.tau * s);
    con = torch::log(e.sum(1) + kLogGuard).mean() - torch::log((e * g.w_dense).sum(1) + kLogGuard).mean();
  }
  Tensor loss = o.beta * kl + o.alpha * con;
  if (x_bar) loss = loss + (*x_bar - x).pow(2).mean();
  return loss;
}

/// Torch's CPU kernels run on their own OpenMP pool, which Debian's LibTorch starts with one thread.
/// A training call gets as many as graphclust's own kernels would (available_threads(), so a
/// tbb::global_control limit applies to both engines), and the previous count is put back after.
class TorchThreads {
 public:
  TorchThreads() : previous_(at::get_num_threads()) { at::set_num_threads(available_threads()); }
  ~TorchThreads() { at::set_num_threads(previous_); }
  TorchThreads(const TorchThreads&) = delete;
  TorchThreads& operator=(const TorchThreads&) = delete;

 private:
  int previous_;
};

// --- the epoch loop --------------------------------------------------------------------------------

torch::TensorOptions tensor_options(const TrainSettings& s) {
  return torch::TensorOptions().dtype(s.double_precision ? torch::kDouble : torch::kFloat).device(torch::Device(s.device));
}

/// learn::train's loop, with its record-keeping (learn::EarlyStopping) shared.
TrainRun run_training(std::vector<Tensor>& params, const std::function<Tensor(int)>& loss_fn, const TrainSettings& s) {
  learn::EarlyStopping stopping(s.max_epochs, s.patience, s.min_delta);
  torch::optim::Adam adam(params, torch::optim::AdamOptions(s.learning_rate).eps(s.adam_epsilon).weight_decay(s.weight_decay));
  std::vector<Tensor> best;
  for (int epoch = 0; epoch < s.max_epochs; ++epoch) {
    adam.zero_grad();
    const Tensor loss = loss_fn(epoch);
    const learn::EarlyStopping::Verdict verdict = stopping.observe(loss.item<double>());
    if (verdict.diverged) break;
    if (verdict.new_best && s.keep_best) {
      torch::NoGradGuard no_grad;
      best.clear();
      for (const Tensor& p : params) best.push_back(p.detach().clone());
    }
    if (loss.requires_grad()) loss.backward();
    adam.step();
    report(s.progress, s.stage, static_cast<double>(epoch + 1) / s.max_epochs);
    if (verdict.stop_after_step) break;
  }
  TrainRun r;
  r.record = std::move(stopping.result());
  if (s.keep_best && !best.empty()) {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(best[i]);
    r.record.restored_best = true;
  }
  for (const Tensor& p : params) r.parameters.push_back(to_block(p));
  return r;
}

Probe probe(std::vector<Tensor>& params, const Tensor& value) {
  Probe out;
  out.value = value.item<double>();
  value.backward();
  for (const Tensor& p : params) out.gradients.push_back(p.grad().defined() ? to_block(p.grad()) : to_block(torch::zeros_like(p)));
  return out;
}

const torch::TensorOptions kProbe = torch::TensorOptions().dtype(torch::kDouble);

// --- the models -----------------------------------------------------------------------------------

struct DigracNet : torch::nn::Module {
  DigracNet(ParameterSource& src, const Graph& g, const DigracOptions& o, const torch::TensorOptions& opt) {
    dimpa = register_module("dimpa", std::make_shared<DimpaImpl>(src, g, o.hops, o.self_loop_weight, o.dropout, opt));
    head_w = src.take(*this, "head_w");
    head_b = src.take(*this, "head_b");
    src.finish();
  }
  Tensor forward(const Tensor& x, Dropout* drop, bool training) {
    return torch::softmax(dimpa->forward(x, drop, training).mm(head_w) + head_b, 1);
  }
  std::shared_ptr<DimpaImpl> dimpa;
  Tensor head_w, head_b;
};

Tensor sym_degree_column(const Graph& g, const torch::TensorOptions& opt) {
  const auto d = g.sym_degrees();
  return torch::tensor(std::vector<double>(d.begin(), d.end()), torch::kDouble).reshape({-1, 1}).to(opt);
}

struct TvNet : torch::nn::Module {
  TvNet(ParameterSource& src, const TvOptions& o) {
    for (int l = 0; l < o.mp_layers; ++l)
      conv.push_back(register_module("gtv" + std::to_string(l),
                                     std::make_shared<GtvConvImpl>(src, o.delta, o.epsilon, "gtv" + std::to_string(l))));
    mlp = register_module("mlp", std::make_shared<MlpImpl>(src, o.mlp_hidden > 0 ? 2 : 1, true, 0.0));
    src.finish();
  }
  Tensor forward(Tensor x, const Arcs& a) {
    for (auto& c : conv) x = c->forward(x, a);
    return torch::softmax(mlp->forward(x, nullptr, false), 1);
  }
  std::vector<std::shared_ptr<GtvConvImpl>> conv;
  std::shared_ptr<MlpImpl> mlp;
};

Tensor tv_loss(const Tensor& s, const Arcs& a, const TvOptions& o) {
  return o.totvar_coeff * total_variation_loss(s, a) + o.balance_coeff * balance_loss(s);
}

struct ContrastiveNet : torch::nn::Module {
  ContrastiveNet(ParameterSource& src, const ContrastiveSetup& setup) {
    encoder = register_module("encoder", std::make_shared<MlpImpl>(src, setup.encoder_layers, true, 0.0));
    if (setup.decoder_layers > 0)
      decoder = register_module("decoder", std::make_shared<MlpImpl>(src, setup.decoder_layers, true, 0.0));
    mu = src.take(*this, "mu");
    src.finish();
  }
  Tensor loss(const Tensor& x, const ContrastiveGraph& g, const ContrastiveOptions& o) {
    const Tensor z = encoder->forward(x, nullptr, true);
    std::optional<Tensor> x_bar;
    if (decoder) x_bar = decoder->forward(z, nullptr, true);
    return contrastive_loss(z, mu, x, x_bar, g, o);
  }
  std::shared_ptr<MlpImpl> encoder, decoder;
  Tensor mu;
};

void require_setup(const ContrastiveSetup& s) {
  if (!s.features || !s.w) throw InvalidArgument("contrastive torch encoder: features and W are required");
}

}  // namespace

// --- entry points ----------------------------------------------------------------------------------

TrainRun digrac_train(const Graph& graph, const DenseBlock<double>& features, const DigracOptions& o,
                      const Blocks& initial, const TrainSettings& s) {
  const TorchThreads threads;
  const torch::TensorOptions opt = tensor_options(s);
  ParameterSource src(initial, opt);
  DigracNet net(src, graph, o, opt);
  const Tensor x = to_tensor(features, opt);
  const Tensor adjacency = sparse_operator(graph, OperatorKind::Adjacency, 0.0, false, opt);
  const Tensor degrees = sym_degree_column(graph, opt);
  Dropout drop(s.seed, opt);
  return run_training(src.order, [&](int) { return imbalance_loss(net.forward(x, &drop, true), adjacency, degrees, o); }, s);
}

TrainRun tv_train(const Graph& graph, const DenseBlock<double>& features, const TvOptions& o, const Blocks& initial,
                  const TrainSettings& s) {
  const TorchThreads threads;
  const torch::TensorOptions opt = tensor_options(s);
  ParameterSource src(initial, opt);
  TvNet net(src, o);
  const Tensor x = to_tensor(features, opt);
  const Arcs arcs = graph_arcs(graph, opt);
  return run_training(src.order, [&](int) { return tv_loss(net.forward(x, arcs), arcs, o); }, s);
}

TrainRun contrastive_train(const ContrastiveSetup& setup, const ContrastiveOptions& o, const Blocks& initial,
                           const TrainSettings& s) {
  const TorchThreads threads;
  require_setup(setup);
  const torch::TensorOptions opt = tensor_options(s);
  ParameterSource src(initial, opt);
  ContrastiveNet net(src, setup);
  const Tensor x = to_tensor(*setup.features, opt);
  const ContrastiveGraph g = contrastive_graph(*setup.w, o.model != ContrastiveModel::Pamc, opt);
  return run_training(src.order, [&](int) { return net.loss(x, g, o); }, s);
}

Probe digrac_probe(const Graph& graph, const DenseBlock<double>& features, const DigracOptions& o, const Blocks& parameters) {
  ParameterSource src(parameters, kProbe);
  DigracNet net(src, graph, o, kProbe);
  const Tensor p = net.forward(to_tensor(features, kProbe), nullptr, false);
  return probe(src.order, imbalance_loss(p, sparse_operator(graph, OperatorKind::Adjacency, 0.0, false, kProbe),
                                         sym_degree_column(graph, kProbe), o));
}

Probe tv_probe(const Graph& graph, const DenseBlock<double>& features, const TvOptions& o, const Blocks& parameters) {
  ParameterSource src(parameters, kProbe);
  TvNet net(src, o);
  const Arcs arcs = graph_arcs(graph, kProbe);
  return probe(src.order, tv_loss(net.forward(to_tensor(features, kProbe), arcs), arcs, o));
}

Probe contrastive_probe(const ContrastiveSetup& setup, const ContrastiveOptions& o, const Blocks& parameters) {
  require_setup(setup);
  ParameterSource src(parameters, kProbe);
  ContrastiveNet net(src, setup);
  const ContrastiveGraph g = contrastive_graph(*setup.w, o.model != ContrastiveModel::Pamc, kProbe);
  return probe(src.order, net.loss(to_tensor(*setup.features, kProbe), g, o));
}

Probe encoder_probe(const Graph& graph, const DenseBlock<double>& features, const EncoderSpec& spec, const Blocks& parameters,
                    const DenseBlock<double>& weights) {
  ParameterSource src(parameters, kProbe);
  const Tensor x = to_tensor(features, kProbe);
  Tensor z;
  switch (spec.kind) {
    case EncoderKind::Mlp: {
      MlpImpl m(src, spec.layers, spec.bias, 0.0);
      z = m.forward(x, nullptr, false);
      break;
    }
    case EncoderKind::Gcn: {
      GcnImpl m(src, spec.layers, spec.bias,
                sparse_operator(graph, OperatorKind::SymNormalized, spec.self_loop_weight, false, kProbe));
      z = m.forward(x);
      break;
    }
    case EncoderKind::Dimpa: {
      DimpaImpl m(src, graph, spec.hops, spec.self_loop_weight, 0.0, kProbe);
      z = m.forward(x, nullptr, false);
      break;
    }
    case EncoderKind::GtvConv: {
      GtvConvImpl m(src, spec.delta, spec.eps, "gtv");
      z = m.forward(x, graph_arcs(graph, kProbe));
      break;
    }
  }
  src.finish();
  return probe(src.order, (z * to_tensor(weights, kProbe)).sum());
}

}  // namespace graphclust::torch_backend::module_impl

extern "C" __attribute__((visibility("default"))) const graphclust::torch_backend::ModuleApi*
graphclust_torch_module_api() {
  using namespace graphclust::torch_backend;
  static const ModuleApi api{.layout = module_layout(),
                             .cuda_built = &module_impl::cuda_built,
                             .cuda_devices = &module_impl::cuda_devices,
                             .digrac_train = &module_impl::digrac_train,
                             .tv_train = &module_impl::tv_train,
                             .contrastive_train = &module_impl::contrastive_train,
                             .digrac_probe = &module_impl::digrac_probe,
                             .tv_probe = &module_impl::tv_probe,
                             .contrastive_probe = &module_impl::contrastive_probe,
                             .encoder_probe = &module_impl::encoder_probe};
  return &api;
}
