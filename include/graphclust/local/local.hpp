#pragma once
/// Local diffusion family: find a small cluster around seed nodes without touching the whole graph.
///
///   approximate_ppr           Andersen-Chung-Lang push for personalized PageRank (lazy walk by default)
///   local_flow_diffusion      p-norm flow diffusion (Fountoulakis, Wang, Yang 2020), coordinate method
///   weighted_flow_diffusion   the same on attribute-reweighted edges (Yang & Fountoulakis 2023)
///   noisy_label_flow_diffusion / noisy_label_graph   label-weighted graph (Back de Luca, Fountoulakis, Yang 2024)
///   sweep_cut                 best-conductance prefix of a degree-normalised diffusion vector
///   local_clustering          many seed sets at once, in parallel (TBB), each independent and deterministic
///
/// Locality: every function here keeps its per-call state in sparse structures (an open-addressing
/// index over the touched nodes), so the work and memory of one call depend on the diffusion, never
/// on num_nodes(). Nothing is O(n) except validating that seeds are < num_nodes().
///
/// Edge weights: one implementation serves weighted and unweighted graphs (Graph::for_each_out
/// gives w = 1 when unweighted). Degrees are the graph's weighted degrees.
///
/// Directed graphs are diffused on the symmetrised graph A + A^T: a node's neighbours are its out-
/// and in-neighbours and its degree is out-degree + in-degree (so an arc present both ways counts
/// twice). Conductances of directed graphs are measured on A + A^T too, as metrics.hpp does.
///
/// Every function throws InvalidArgument for an empty graph, an empty seed list, a seed id out of
/// range, or an option outside its domain.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/io/io.hpp"  // FeatureMatrix

namespace graphclust {

/// A vector over nodes stored as parallel arrays, ids ascending, values non-zero.
struct SparseVector {
  std::vector<NodeId> ids;
  std::vector<double> values;
  std::size_t size() const noexcept { return ids.size(); }
};

/// Non-owning row-major view of node attributes (row i = node i's vector): a FeatureMatrix or a numpy
/// buffer, never copied, so a local call never pays O(n * dims). Implicit from a FeatureMatrix.
struct AttributeView {
  const float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  AttributeView() = default;
  AttributeView(const FeatureMatrix& m)  // NOLINT(google-explicit-constructor)
      : data(m.data()), rows(static_cast<std::size_t>(m.rows())), cols(static_cast<std::size_t>(m.cols())) {}
  AttributeView(const float* d, std::size_t r, std::size_t c) : data(d), rows(r), cols(c) {}
  bool empty() const noexcept { return data == nullptr && rows == 0; }
};

/// What a local run cost; none of it depends on the graph's size.
struct LocalWork {
  std::size_t touched = 0;         ///< nodes that received state (residual, mass or a sweep visit)
  std::uint64_t pushes = 0;        ///< push / coordinate steps
  std::uint64_t edge_visits = 0;   ///< adjacency entries read
};

// ------------------------------------------------------------------------------------------------
// Approximate personalized PageRank (Andersen, Chung, Lang 2006)

struct PprOptions {
  double alpha = 0.15;    ///< teleport probability, in (0, 1]
  double epsilon = 1e-6;  ///< push while r_u >= epsilon * d_u; > 0
  /// true: ACL's lazy walk (half of (1 - alpha) r_u stays at u); false: the standard walk
  /// (p_u += alpha r_u, all of (1 - alpha) r_u goes to the neighbours).
  bool lazy = true;
  std::uint64_t max_pushes = 0;  ///< 0 = no cap (total work is O(1 / (epsilon * alpha)) anyway)
};

struct PushResult {
  SparseVector pagerank;  ///< the approximation p (support = pushed nodes)
  SparseVector residual;  ///< r on touched nodes (non-zero entries); r_u < epsilon * d_u when converged
  LocalWork work;
  bool converged = true;  ///< false only when max_pushes stopped the run
};

/// Seeds share one unit of starting residual equally (duplicates are merged). A seed with degree 0
/// keeps all its mass (p = r). Invariant: p + pr(r) = pr(seed vector), hence |p_u - pr_u| <= epsilon * d_u.
PushResult approximate_ppr(const Graph& graph, std::span<const NodeId> seeds, const PprOptions& options = {});

// ------------------------------------------------------------------------------------------------
// p-norm flow diffusion (Fountoulakis, Wang, Yang 2020)

struct FlowDiffusionOptions {
  double p = 2.0;            ///< p-norm of the primal flow problem, p > 1 (p = 2 has a closed-form step)
  /// Total source mass, split equally over the distinct seeds. <= 0: automatic, mass_factor * vol(seeds)
  /// (the paper's protocol uses alpha * vol(target cluster); pass it explicitly when known).
  double source_mass = 0;
  double mass_factor = 10;   ///< used only when source_mass <= 0
  double epsilon = 1e-6;     ///< a node is pushed while m_i > T_i + epsilon; > 0
  int max_iters = 100;       ///< passes over the active set (>= 1)
  std::uint64_t seed = 0;    ///< random order of the nodes inside a pass
};

/// Weighted flow diffusion: edge weight w_ij * exp(-gamma * ||x_i - x_j||^2) from node attributes.
struct WeightedFlowOptions : FlowDiffusionOptions {
  double gamma = 0.02;       ///< >= 0; 0 gives plain flow diffusion
};

/// Label-based flow diffusion: an edge keeps its weight when both endpoints carry label 1 and is
/// scaled by `other_weight` otherwise (Back de Luca, Fountoulakis, Yang 2024, section 3).
struct NoisyLabelOptions : FlowDiffusionOptions {
  double other_weight = 0.05;  ///< in [0, 1]
};

struct FlowDiffusionResult {
  SparseVector x;                 ///< dual potentials, support = nodes with x_i > 0 (pushed nodes)
  SparseVector mass;              ///< final mass m_i on touched nodes
  std::vector<NodeId> support;    ///< the cluster: nodes with x_i > 0, ascending
  /// Conductance of the support measured with the diffusion's edge weights (for weighted / label
  /// diffusions: cut_w(S) / vol_w(S), since vol_w(V) would need the whole graph).
  double support_conductance = 0;
  double source_mass = 0;         ///< the mass actually used
  double max_excess = 0;          ///< largest m_i - T_i left (<= epsilon when converged)
  int passes = 0;
  bool converged = false;
  LocalWork work;
};

/// Sink capacity T_i = d_i (the graph's weighted degree). Edge weights are the graph's.
FlowDiffusionResult local_flow_diffusion(const Graph& graph, std::span<const NodeId> seeds,
                                         const FlowDiffusionOptions& options = {});

/// Attributes: one row per node (rows == num_nodes()). Weights are computed lazily, when a node is
/// first pushed, for its edges only; a non-finite attribute on a touched node is InvalidArgument.
/// Sink capacities stay the structural degrees of `graph`.
FlowDiffusionResult weighted_flow_diffusion(const Graph& graph, std::span<const NodeId> seeds,
                                            AttributeView attributes, const WeightedFlowOptions& options = {});

/// labels: one per node, 1 = believed in the target cluster, anything else = not. Sink capacities stay
/// the degrees of `graph`; weights are applied lazily (no copy of the graph).
FlowDiffusionResult noisy_label_flow_diffusion(const Graph& graph, std::span<const NodeId> seeds,
                                               std::span<const std::int32_t> labels,
                                               const NoisyLabelOptions& options = {});

/// The label-weighted graph itself (O(m), for inspection or for other methods): weight w_ij when both
/// endpoints have label 1, other_weight * w_ij otherwise. Same direction and names as `graph`.
Graph noisy_label_graph(const Graph& graph, std::span<const std::int32_t> labels, double other_weight = 0.05);

// ------------------------------------------------------------------------------------------------
// Sweep cut

struct SweepOptions {
  bool degree_normalized = true;  ///< order by value / d_u (PageRank); false: by value (flow potentials)
  std::size_t max_size = 0;       ///< consider prefixes up to this size; 0 = the whole support
};

struct SweepResult {
  std::vector<NodeId> set;           ///< best prefix, ascending ids
  double conductance = 1.0;          ///< its conductance (1 when the vector is empty)
  std::size_t best_size = 0;
  std::vector<NodeId> order;         ///< sweep order (decreasing score, ties by id)
  std::vector<double> profile;       ///< conductance of each prefix, profile[k] = prefix of size k + 1
  std::vector<double> volumes;       ///< vol of each prefix
  std::vector<double> cuts;          ///< cut of each prefix
  LocalWork work;
};

/// Sweeps the support of `vector` (zero entries ignored): conductance = cut(S) / min(vol(S), vol(V) -
/// vol(S)), weighted degrees, directed graphs on A + A^T. Touches only the support and its edges.
SweepResult sweep_cut(const Graph& graph, const SparseVector& vector, const SweepOptions& options = {});
SweepResult sweep_cut(const Graph& graph, std::span<const NodeId> ids, std::span<const double> values,
                      const SweepOptions& options = {});

// The conductance of a set is metrics.hpp's conductance(): O(vol(S) log |S|), local already.

// ------------------------------------------------------------------------------------------------
// One call for the CLI / Python / many seeds

enum class LocalMethod { Ppr, Flow, WeightedFlow, NoisyLabels };

struct LocalClusteringOptions {
  LocalMethod method = LocalMethod::Ppr;
  PprOptions ppr;
  WeightedFlowOptions flow;          ///< Flow, WeightedFlow (gamma), NoisyLabels
  double label_other_weight = 0.05;  ///< NoisyLabels
  /// Flow methods: true = sweep cut over the potentials x (ordered by x); false = the support of x.
  /// PPR always sweeps p / d.
  bool flow_sweep = false;
  AttributeView attributes;                   ///< WeightedFlow (required); must outlive the call
  std::span<const std::int32_t> labels;       ///< NoisyLabels (required, one per node)
  Progress progress;                          ///< "local" with the fraction of seed sets done
};

struct LocalCluster {
  std::vector<NodeId> cluster;  ///< ascending ids
  double conductance = 1.0;     ///< of `cluster` in the input graph (unweighted-by-attributes)
  SparseVector vector;          ///< the diffusion vector (PPR: p; flow: x)
  LocalWork work;               ///< diffusion + sweep
};

/// One seed set.
LocalCluster local_cluster(const Graph& graph, std::span<const NodeId> seeds, const LocalClusteringOptions& options);

/// Many seed sets in parallel (tbb::parallel_for over seed sets, per-thread workspaces reset in
/// O(touched)). Result i belongs to seed_sets[i] and is identical for every thread count.
std::vector<LocalCluster> local_clustering(const Graph& graph, std::span<const std::vector<NodeId>> seed_sets,
                                           const LocalClusteringOptions& options);

}  // namespace graphclust
