#pragma once
/// DIGRAC: directed clustering by flow imbalance (He, Reinert, Cucuringu, LoG 2022).
///
/// Clusters of a digraph are found where the *net flow* between them is large, rather than where
/// edges are dense: a cyclic or hierarchical flow between groups of equal density is invisible to
/// symmetrised spectral clustering but is exactly what DIGRAC maximises. A small network (the DIMPA
/// encoder: source and target MLPs, hop-wise propagation along and against the arcs with self-loop
/// weight 0.5 and learned hop weights, then a softmax head) is trained without labels on the
/// probabilistic imbalance objective of its soft assignment P:
///
///   W(k,l) = P[:,k]^T A P[:,l]            probabilistic cut from cluster k to l
///   VOL(k) = 1^T (A + A^T) P[:,k]         probabilistic volume
///   vol_sum pair value 2 |W(k,l) - W(l,k)| / (VOL(k) + VOL(l) + eps)   (or plain, vol_max, vol_min)
///   loss = 1 - mean of the selected pair values (sort: the top `num_pairs`; naive: all; std: the
///          pairs more than 3 standard deviations from no flow)
///
/// Training runs natively on the shared kernels through the learn/ engine (float by default), with
/// O((n + m) hidden) memory: no n x n matrix anywhere. Graphs without node features get Hermitian
/// features, computed by the spectral family's Hermitian solver.
#include <cstdint>
#include <span>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/io/io.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/learn/backend.hpp"
#include "graphclust/metrics/metrics.hpp"

namespace graphclust {

/// Which pair imbalances enter the loss.
enum class ImbalanceSelection { Sort, Naive, Std };

template <>
struct EnumTable<ImbalanceSelection> {
  static constexpr std::array entries{EnumName<ImbalanceSelection>{ImbalanceSelection::Sort, "sort"},
                                      EnumName<ImbalanceSelection>{ImbalanceSelection::Naive, "naive"},
                                      EnumName<ImbalanceSelection>{ImbalanceSelection::Std, "std"}};
};

struct DigracOptions {
  int k = 2;  ///< number of clusters
  ImbalanceNorm norm = ImbalanceNorm::VolSum;
  ImbalanceSelection selection = ImbalanceSelection::Sort;
  /// Sort selection: the number of largest pair values averaged (the paper's beta K(K-1)/2, or the
  /// number of meta-graph pairs with flow); 0 = all K(K-1)/2 pairs.
  int num_pairs = 0;
  int hidden = 32;               ///< width of both MLP layers (z has 2 * hidden columns)
  int hops = 2;                  ///< DIMPA propagation steps
  double self_loop_weight = 0.5; ///< DIMPA's fill value: A + 0.5 I before row normalisation
  double dropout = 0.5;
  double learning_rate = 0.01;
  double weight_decay = 5e-4;
  int max_epochs = 200;
  /// Early stopping on the training loss: stop after `patience` epochs without a new lowest loss and
  /// report the lowest-loss epoch's model. 0 = run max_epochs and report the final epoch.
  int patience = 0;
  bool double_precision = false;  ///< train in double (slower; for checks)
  /// Training engine: the native learn/ engine, or LibTorch (learn/backend.hpp); same model and loss.
  EncoderBackend encoder = EncoderBackend::Native;
  std::string device = "cpu";  ///< encoder = torch: "cpu", "cuda" or "cuda:N"
  /// Independent trainings (initialisation and dropout from seeds derived from `seed`); the one with
  /// the lowest loss is reported — model selection by the self-supervised loss, never by labels. In the
  /// noisy regime single runs are bimodal (some settle in a poor optimum), and their loss tells them apart.
  int n_init = 1;
  std::uint64_t seed = 0;
  Progress progress;
};

template <class V>
void describe(V& v, DigracOptions& o) {
  v("k", o.k, "number of clusters", at_least(2));
  v("norm", o.norm, "pair imbalance normalisation: vol_sum (default), plain, vol_max, vol_min");
  v("selection", o.selection, "which pairs enter the loss: sort (top num_pairs), naive (all), std (significant)");
  v("num_pairs", o.num_pairs, "sort: pairs averaged; 0 = all K(K-1)/2", at_least(0));
  v("hidden", o.hidden, "width of the source/target MLP layers", at_least(1));
  v("hops", o.hops, "DIMPA propagation steps", at_least(0));
  v("self_loop_weight", o.self_loop_weight, "self-loop weight added before the random-walk normalisation", at_least(0));
  v("dropout", o.dropout, "dropout after the first MLP layer", between(0, 1, false, true));
  v("learning_rate", o.learning_rate, "Adam learning rate", greater_than(0));
  v("weight_decay", o.weight_decay, "Adam L2 weight decay", at_least(0));
  v("max_epochs", o.max_epochs, "training epochs (cap)", at_least(1));
  v("patience", o.patience, "early stopping on the loss; 0 = off (report the final epoch)", at_least(0));
  v("double_precision", o.double_precision, "train in double instead of float");
  v("encoder", o.encoder, "training engine: native, or torch (LibTorch; needs a build with it)");
  v("device", o.device, "torch encoder: cpu, cuda or cuda:N");
  v("n_init", o.n_init, "independent trainings; the lowest-loss one is reported", at_least(1));
  v("seed", o.seed, "random seed (initialisation, dropout, Hermitian features)");
}

struct DigracResult {
  std::vector<std::int32_t> labels;  ///< argmax of the soft assignment, 0..k-1
  DenseBlock<float> probabilities;   ///< n x k soft assignment P of the reported model
  DenseBlock<float> embedding;       ///< n x 2 hidden: row-L2-normalised DIMPA output z
  std::vector<double> losses;        ///< training loss of every epoch (dropout on)
  double loss = 0;                   ///< loss of the reported model, without dropout
  int epochs = 0;                    ///< epochs run
  int reported_epoch = 0;            ///< 0-based epoch of the reported model (last, or lowest loss)
  bool stopped_early = false;
  /// Training ended on its own criterion: early stopping found the loss no longer improving. false
  /// when max_epochs ended it (always so with patience = 0, which asks for a fixed epoch count).
  bool converged = false;
  int chosen_init = 0;               ///< which of the n_init trainings was reported (0 = the one seeded by `seed`)
  /// flow_imbalance_objective() of the final hard partition, vol_sum normalisation, with sort
  /// (the top num_pairs pairs) and naive (every pair with a net flow) selection. Higher is better.
  double imbalance_sort_vol_sum = 0;
  double imbalance_naive_vol_sum = 0;
  bool hermitian_features = false;   ///< no features were given: Hermitian features were built
  int feature_dims = 0;
};

template <class V>
void describe(V& v, DigracResult& r) {
  v.record_type("DigracResult");
  v("labels", r.labels, "cluster of each node, 0..k-1");
  v("probabilities", r.probabilities, "n x k soft assignment");
  v("embedding", r.embedding, "row-normalised DIMPA embedding z");
  v("losses", r.losses, "training loss per epoch");
  v("loss", r.loss, "loss of the reported model (no dropout)");
  v("epochs", r.epochs, "epochs run");
  v("reported_epoch", r.reported_epoch, "epoch of the reported model");
  v("stopped_early", r.stopped_early, "early stopping ended the run");
  v("converged", r.converged, "the loss stopped improving before max_epochs (early stopping); false when the cap ended training");
  v("chosen_init", r.chosen_init, "the training reported, of n_init (lowest loss)");
  v("imbalance_sort_vol_sum", r.imbalance_sort_vol_sum, "vol_sum imbalance of the partition, top num_pairs pairs");
  v("imbalance_naive_vol_sum", r.imbalance_naive_vol_sum, "vol_sum imbalance of the partition, all pairs");
  v("hermitian_features", r.hermitian_features, "Hermitian features were built (no features given)");
  v("feature_dims", r.feature_dims, "input feature columns");
}

/// Trains DIGRAC on a directed graph. `features` (one row per node) are optional; without them the
/// method builds 2k Hermitian features. Throws InvalidArgument for an undirected or empty graph,
/// k > n, features of the wrong shape or with non-finite values, or an option outside its domain.
DigracResult digrac(const Graph& graph, const DigracOptions& options = {}, AttributeView features = {});

/// The DIGRAC objective of a hard partition, as the paper scores partitions: 1 - the training loss of
/// its one-hot assignment, i.e. the mean of the selected pair imbalances (pairs without net flow are
/// skipped; sort divides by num_pairs, or by all K(K-1)/2 pairs when num_pairs is 0). Higher is better.
/// `k` is the number of clusters (labels 0..k-1; -1 = unassigned nodes, which count in no cluster).
double flow_imbalance_objective(const Graph& graph, std::span<const std::int32_t> labels, int k,
                                ImbalanceNorm norm = ImbalanceNorm::VolSum,
                                ImbalanceSelection selection = ImbalanceSelection::Sort, int num_pairs = 0);

/// The Hermitian features DIGRAC uses without node features: the eigenvectors of the k largest
/// positive eigenvalues of D^-1/2 H D^-1/2 (H = i (A - A^T), D the A + A^T degrees), mapped back by
/// D^-1/2, as [Re g_1 .. Re g_k, Im g_1 .. Im g_k], each column standardised (zero mean, unit
/// variance). n x 2k.
/// `progress` hears the eigensolver's iterations (and may throw to cancel).
DenseBlock<float> hermitian_features(const Graph& graph, int k, std::uint64_t seed = 0, const Progress& progress = {});

}  // namespace graphclust
