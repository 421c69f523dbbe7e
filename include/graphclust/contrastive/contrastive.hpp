#pragma once
/// Self-supervised contrastive graph clustering: SCGC, SCGC* and PamC (Kulatilleke, Portmann,
/// Chandra; arXiv 2204.12656 and 2209.14067), natively on the learn/ engine.
///
/// An MLP encoder maps node features x_i to z_i (no message passing: structure enters through the
/// loss only). A Student-t head gives the soft assignment q_ij against learnable centres mu
/// (initialised by k-means on the pretrained z); DEC's sharpened target p is recomputed every epoch
/// and held fixed within it. The loss is
///
///   beta * KL(p || q) + alpha * L_con  (+ the autoencoder's reconstruction MSE for plain SCGC)
///
/// where, with s_ij = cos(z_i, z_j) and s_ii = 0, and W = M^r (or M + ... + M^r with `influence`),
/// M = D^-1 (A + I) of the symmetric view:
///   * SCGC / SCGC* (exact): L_con = mean_i [ -log(sum_j W_ij e^{tau s_ij}) + log(sum_j e^{tau s_ij}) ];
///     dense n x n blocks, so O(n^2) memory: refused past max_exact_nodes with the reason.
///   * PamC: the positive term over the non-zeros of the sparse W only (O(nnz(W))); the negatives
///     are replaced by meta-nodes c_k = sum of the z_i whose argmax q_i = k (assignment detached):
///     with C the cosine matrix among them (zeroed diagonal), the negative term is
///     mean_k log(sum_l e^{tau C_kl}). O(n K + K^2), never an n x n matrix.
/// (1e-10 guards sit inside the logs, as in the reference.) W is formed sparsely by
/// kernels/sparse_power.hpp; its size is checked before it is formed (max_power_nonzeros).
///
/// The encoder (widths `hidden`, then embedding_dim) is first pretrained natively as an autoencoder
/// (mirror decoder, MSE, Adam, minibatches, seeded), as SDCN's shipped weights were; SCGC keeps the
/// decoder and its reconstruction loss while training, SCGC* and PamC train the encoder only.
///
/// Defaults are the reference's Citeseer PamC run: alpha 2, beta 2.5, order 3, tau 0.5, lr 1e-3,
/// influence on, 200 epochs, encoder 500-500-2000-10. The reference's other runs (spec
/// pamc_scgc.md): Citeseer SCGC / SCGC* alpha 1, beta 0.1, order 1, tau 0.25, lr 1e-4 (SCGC*:
/// influence); USPS PamC alpha 2, beta 2, order 4, tau 0.5.
///
/// `feature_smoothing` t > 0 (off by default, the reference feeds raw features) first replaces X by
/// S^t X with S = D~^-1/2 (A + I) D~^-1/2 of the symmetric view: the low-pass graph filter of SGC
/// (Wu et al. 2019, K = 2) and of Liu et al.'s Simple Contrastive Graph Clustering. The reference
/// lets structure in through the loss only; on citation graphs, whose raw bag-of-words rows are
/// sparse and noisy, filtering them first is what recent methods rely on (bench/contrastive/NOTES.md).
///
/// The result is the model after the final epoch (never a label-selected epoch). Graphs without
/// features get a structural feature block (the k-column spectral embedding without its leading,
/// degree-carrying column: k - 1 columns, standardised), and the result says so.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/io/io.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/learn/backend.hpp"

namespace graphclust {

/// pamc: meta-node negatives, sparse positives, encoder only. scgc: exact negatives, autoencoder with
/// reconstruction loss. scgc_star: exact negatives, encoder only (set influence for its IAC).
enum class ContrastiveModel { Pamc, Scgc, ScgcStar };

template <>
struct EnumTable<ContrastiveModel> {
  static constexpr std::array entries{EnumName<ContrastiveModel>{ContrastiveModel::Pamc, "pamc"},
                                      EnumName<ContrastiveModel>{ContrastiveModel::Scgc, "scgc"},
                                      EnumName<ContrastiveModel>{ContrastiveModel::ScgcStar, "scgc_star"}};
};

struct ContrastiveOptions {
  int k = 2;  ///< number of clusters
  ContrastiveModel model = ContrastiveModel::Pamc;
  double alpha = 2.0;            ///< weight of the contrastive term
  double beta = 2.5;             ///< weight of the KL clustering term
  int order = 3;                 ///< r: hops of the positive-weight matrix M^r
  bool influence = true;         ///< W = M + M^2 + ... + M^r (influence-augmented) instead of M^r
  double tau = 0.5;              ///< temperature multiplying the cosine similarities
  double learning_rate = 1e-3;   ///< Adam, training
  int max_epochs = 200;
  std::string hidden = "500,500,2000";  ///< encoder hidden widths, comma separated (SDCN's autoencoder)
  int embedding_dim = 10;        ///< n_z: width of z
  double dof = 1.0;              ///< Student-t degrees of freedom v
  double self_loop_weight = 1.0; ///< M = D^-1 (A + wI)
  int feature_smoothing = 0;     ///< t: encode S^t X instead of X (see above); 0 = raw features (the reference)
  int pretrain_epochs = 30;      ///< autoencoder pretraining epochs (0 = none)
  double pretrain_learning_rate = 1e-3;
  int pretrain_batch_size = 256;
  int n_init = 20;               ///< k-means restarts for the initial centres
  std::int64_t max_power_nonzeros = 100'000'000;  ///< refuse a positive-weight matrix with more entries
  int max_exact_nodes = 10000;   ///< scgc / scgc_star: refuse larger graphs (O(n^2) memory)
  bool record_labels = false;    ///< keep argmax q of every epoch in label_history (for benchmarks)
  bool double_precision = false; ///< train in double (slower; for checks)
  /// Training engine: the native learn/ engine, or LibTorch (learn/backend.hpp); same model and loss;
  /// the autoencoder pretraining and the k-means initialisation stay native.
  EncoderBackend encoder = EncoderBackend::Native;
  std::string device = "cpu";  ///< encoder = torch: "cpu", "cuda" or "cuda:N"
  std::uint64_t seed = 0;
  Progress progress;
};

template <class V>
void describe(V& v, ContrastiveOptions& o) {
  v("k", o.k, "number of clusters", at_least(2));
  v("model", o.model, "pamc (meta-node negatives, sparse; default), scgc (exact, with reconstruction), scgc_star (exact, encoder only)");
  v("alpha", o.alpha, "weight of the contrastive term", at_least(0));
  v("beta", o.beta, "weight of the KL clustering term", at_least(0));
  v("order", o.order, "r: hops of the positive-weight matrix (D^-1 (A + I))^r", at_least(1));
  v("influence", o.influence, "use the cumulative sum M + ... + M^r (influence-augmented)");
  v("tau", o.tau, "temperature multiplying the cosine similarities", greater_than(0));
  v("learning_rate", o.learning_rate, "Adam learning rate", greater_than(0));
  v("max_epochs", o.max_epochs, "training epochs", at_least(1));
  v("hidden", o.hidden, "encoder hidden widths, comma separated");
  v("embedding_dim", o.embedding_dim, "width of the embedding z", at_least(1));
  v("dof", o.dof, "Student-t degrees of freedom", greater_than(0));
  v("self_loop_weight", o.self_loop_weight, "w in D^-1 (A + wI)", at_least(0));
  v("feature_smoothing", o.feature_smoothing,
    "t: encode S^t X, S = D^-1/2 (A + I) D^-1/2 (SGC's low-pass filter); 0 = raw features, as the reference", at_least(0));
  v("pretrain_epochs", o.pretrain_epochs, "autoencoder pretraining epochs (0 = none)", at_least(0));
  v("pretrain_learning_rate", o.pretrain_learning_rate, "Adam learning rate of the pretraining", greater_than(0));
  v("pretrain_batch_size", o.pretrain_batch_size, "minibatch rows of the pretraining", at_least(1));
  v("n_init", o.n_init, "k-means restarts for the initial centres", at_least(1));
  v("max_power_nonzeros", o.max_power_nonzeros, "refuse a positive-weight matrix with more non-zeros", at_least(1));
  v("max_exact_nodes", o.max_exact_nodes, "scgc/scgc_star: refuse graphs with more nodes (n x n memory)", at_least(1));
  v("record_labels", o.record_labels, "keep argmax q of every epoch (label_history)");
  v("double_precision", o.double_precision, "train in double instead of float");
  v("encoder", o.encoder, "training engine: native, or torch (LibTorch; needs a build with it)");
  v("device", o.device, "torch encoder: cpu, cuda or cuda:N");
  v("seed", o.seed, "random seed (initialisation, pretraining batches, k-means)");
}

/// The same options with another default model: the registry's named entries (pamc, scgc, scgc_star),
/// so their help shows the model each one runs.
template <ContrastiveModel M>
struct ContrastiveModelOptions : ContrastiveOptions {
  ContrastiveModelOptions() { model = M; }
};

template <class V, ContrastiveModel M>
void describe(V& v, ContrastiveModelOptions<M>& o) {
  describe(v, static_cast<ContrastiveOptions&>(o));
}

struct ContrastiveResult {
  std::vector<std::int32_t> labels;  ///< argmax q after the final epoch, 0..k-1
  DenseBlock<float> probabilities;   ///< n x k soft assignment q after the final epoch
  DenseBlock<float> embedding;       ///< n x embedding_dim encoder output z
  std::vector<double> losses;        ///< training loss of every epoch (before its step)
  std::vector<double> pretrain_losses;  ///< mean reconstruction MSE of every pretraining epoch
  int epochs = 0;                    ///< epochs run; the reported model is the one after the last
  int stop_epoch = -1;               ///< 0-based index of the last epoch run (the reported one)
  /// Training runs a fixed max_epochs; converged says whether it had settled by then, by DEC's
  /// criterion: at most 0.1% of the nodes changed cluster (argmax q) in the final epoch.
  bool converged = false;
  std::vector<std::int32_t> initial_labels;  ///< k-means on the pretrained embedding (the centres' init)
  /// record_labels: (epochs + 1) x n row-major, row e = argmax q at the start of epoch e (the last
  /// row = labels). Empty otherwise.
  std::vector<std::int32_t> label_history;
  bool structural_features = false;  ///< no features were given: the spectral embedding was used
  int feature_dims = 0;
  std::int64_t power_nonzeros = 0;   ///< stored entries of the positive-weight matrix W
};

template <class V>
void describe(V& v, ContrastiveResult& r) {
  v.record_type("ContrastiveResult");
  v("labels", r.labels, "cluster of each node after the final epoch, 0..k-1");
  v("probabilities", r.probabilities, "n x k soft assignment q");
  v("embedding", r.embedding, "encoder output z");
  v("losses", r.losses, "training loss per epoch");
  v("pretrain_losses", r.pretrain_losses, "reconstruction MSE per pretraining epoch");
  v("epochs", r.epochs, "epochs run");
  v("stop_epoch", r.stop_epoch, "0-based last epoch (the reported model)");
  v("converged", r.converged, "at most 0.1% of the nodes changed cluster in the final epoch (DEC's tolerance); false with encoder = torch, whose epochs run inside Torch");
  v("initial_labels", r.initial_labels, "k-means labels of the pretrained embedding");
  v("label_history", r.label_history, "record_labels: (epochs + 1) x n labels per epoch, row-major");
  v("structural_features", r.structural_features, "no features were given: a spectral embedding was used");
  v("feature_dims", r.feature_dims, "input feature columns");
  v("power_nonzeros", r.power_nonzeros, "non-zeros of the positive-weight matrix");
}

/// Trains SCGC, SCGC* or PamC (options.model) on `graph` (the symmetric view of a directed graph) and
/// node `features` (n x d; empty = build the spectral embedding). Throws InvalidArgument for an empty
/// graph, k > n, features of the wrong shape or non-finite, a bad `hidden`, a positive-weight matrix
/// past max_power_nonzeros, an exact model past max_exact_nodes, or a diverged loss.
ContrastiveResult contrastive_clustering(const Graph& graph, AttributeView features,
                                         const ContrastiveOptions& options = {});

}  // namespace graphclust
