#pragma once
/// Clustering quality. Label vectors hold 0..K-1 per node; in ground truth, -1 marks a node without a
/// label and such nodes are left out of the supervised scores (ARI, NMI, accuracy, F1).
/// Supervised scores follow scikit-learn's definitions (NMI with the arithmetic mean, as its default).
#include <cstdint>
#include <span>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/kernels/operator.hpp"

namespace graphclust {

using Labels = std::span<const std::int32_t>;

double adjusted_rand_index(Labels truth, Labels predicted);
double normalized_mutual_information(Labels truth, Labels predicted);
/// Best one-to-one matching of predicted to true clusters (Hungarian), fraction of nodes matched.
double clustering_accuracy(Labels truth, Labels predicted);
/// Macro-averaged F1 over the true classes after the same Hungarian matching (unmatched class: F1 0).
double matched_macro_f1(Labels truth, Labels predicted);
/// F1 of one predicted node set against one true node set (local clustering's score).
double set_f1(std::span<const NodeId> truth, std::span<const NodeId> found);

/// Optimal assignment maximising sum of score[r][c] over a one-to-one matching of rows to columns
/// (rectangular allowed). Returns, per row, the matched column or -1.
std::vector<std::int32_t> max_weight_matching(const std::vector<std::vector<double>>& score);

/// cut(S) / min(vol(S), vol(V \ S)) with weighted degrees; a directed graph is measured on A + A^T.
/// Runs in O(vol(S) log |S|), so local methods can score small sets of huge graphs. By convention 1
/// (the worst value) when min(vol(S), vol(V \\ S)) is 0: empty set, whole graph, or zero-volume set.
double conductance(const Graph& graph, std::span<const NodeId> set);
/// Per-cluster conductance of a partition (index = cluster id).
std::vector<double> cluster_conductances(const Graph& graph, Labels labels);
/// sum over clusters of cut(C) / vol(C) (Shi-Malik normalized cut; directed: on A + A^T).
double normalized_cut(const Graph& graph, Labels labels);
/// Newman modularity (resolution 1). Directed graphs use the Leicht-Newman form
/// (1/m) sum_ij (A_ij - kout_i kin_j / m) delta(c_i, c_j).
double modularity(const Graph& graph, Labels labels);

/// Normalisations of DIGRAC's pairwise cut imbalance (He, Reinert, Cucuringu 2022).
enum class ImbalanceNorm { Plain, VolSum, VolMax, VolMin };

/// Pairwise imbalances from a K x K cut matrix W (W(k,l) = flow from k to l) and cluster volumes:
/// returns one value per pair k < l in row-major pair order; pairs with zero difference give 0.
/// Shared by the hard-label metric below and the DIGRAC training loss.
std::vector<double> pair_imbalances(const DenseBlock<double>& cut, std::span<const double> volumes, ImbalanceNorm norm);

struct FlowImbalance {
  DenseBlock<double> cut;         ///< K x K flows between clusters
  std::vector<double> volumes;    ///< VOL(k): in- plus out-strength of cluster k
  std::vector<double> pairs;      ///< pair_imbalances(), pair order (0,1),(0,2),...,(K-2,K-1)
  double mean_top = 0;            ///< mean of the `top` largest pair values (all pairs when top = 0)
};
template <>
struct EnumTable<ImbalanceNorm> {
  static constexpr std::array entries{EnumName<ImbalanceNorm>{ImbalanceNorm::Plain, "plain"},
                                      EnumName<ImbalanceNorm>{ImbalanceNorm::VolSum, "vol_sum"},
                                      EnumName<ImbalanceNorm>{ImbalanceNorm::VolMax, "vol_max"},
                                      EnumName<ImbalanceNorm>{ImbalanceNorm::VolMin, "vol_min"}};
};

template <class V>
void describe(V& v, FlowImbalance& f) {
  v.record_type("FlowImbalance");
  v("cut", f.cut, "K x K flows between clusters");
  v("volumes", f.volumes, "in- plus out-strength of each cluster");
  v("pairs", f.pairs, "pair imbalances in pair order (0,1),(0,2),...");
  v("mean_top", f.mean_top, "mean of the `top` largest pair values");
}

/// Directed flow imbalance of a hard partition of a directed graph (undirected graphs give 0).
FlowImbalance flow_imbalance(const Graph& graph, Labels labels, ImbalanceNorm norm = ImbalanceNorm::VolSum, int top = 0);

/// Number of clusters (max label + 1) after checking that labels are >= -1 and one per node.
int count_clusters(Labels labels);

}  // namespace graphclust
