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
#include <variant>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/io/io.hpp"  // FeatureMatrix, AttributeView

namespace graphclust {

/// A vector over nodes stored as parallel arrays, ids ascending, values non-zero.
struct SparseVector {
  std::vector<NodeId> ids;
  std::vector<double> values;
  std::size_t size() const noexcept { return ids.size(); }
};

template <class V>
void describe(V& v, SparseVector& x) {
  v.record_type("SparseVector");
  v("ids", x.ids, "node ids, ascending");
  v("values", x.values, "the non-zero values");
}

/// What a local run cost; none of it depends on the graph's size.
struct LocalWork {
  std::size_t touched = 0;         ///< nodes that received state (residual, mass or a sweep visit)
  std::uint64_t pushes = 0;        ///< push / coordinate steps
  std::uint64_t edge_visits = 0;   ///< adjacency entries read
};

template <class V>
void describe(V& v, LocalWork& w) {
  v.record_type("LocalWork");
  v("touched", w.touched, "nodes that received state");
  v("pushes", w.pushes, "push / coordinate steps");
  v("edge_visits", w.edge_visits, "adjacency entries read");
}

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

template <class V>
void describe(V& v, PprOptions& o) {
  v("alpha", o.alpha, "teleport probability", between(0, 1, true, false));
  v("epsilon", o.epsilon, "push while r_u >= epsilon * d_u", greater_than(0));
  v("lazy", o.lazy, "ACL's lazy walk (half of the residual stays); false: the standard walk");
  v("max_pushes", o.max_pushes, "cap on pushes; 0 = none");
}

struct PushResult {
  SparseVector pagerank;  ///< the approximation p (support = pushed nodes)
  SparseVector residual;  ///< r on touched nodes (non-zero entries); r_u < epsilon * d_u when converged
  LocalWork work;
  bool converged = true;  ///< false only when max_pushes stopped the run
};

template <class V>
void describe(V& v, PushResult& r) {
  v.record_type("PushResult");
  v("pagerank", r.pagerank, "the approximation p (support = pushed nodes)");
  v("residual", r.residual, "r on touched nodes");
  v("work", r.work, "what the run cost");
  v("converged", r.converged, "false only when max_pushes stopped the run");
}

/// Seeds share one unit of starting residual equally (duplicates are merged). A seed with degree 0
/// keeps all its mass (p = r). Invariant: p + pr(r) = pr(seed vector), hence |p_u - pr_u| <= epsilon * d_u.
PushResult approximate_ppr(const Graph& graph, std::span<const NodeId> seeds, const PprOptions& options = {});

// ------------------------------------------------------------------------------------------------
// p-norm flow diffusion (Fountoulakis, Wang, Yang 2020)

struct FlowDiffusionOptions {
  double p = 2.0;            ///< p-norm of the primal flow problem, p > 1 (p = 2 has a closed-form step)
  /// Total source mass, split equally over the distinct seeds. The right mass is about 2-5x the volume of
  /// the cluster sought (the papers' protocol: alpha * vol(target cluster)); pass it when known.
  /// <= 0: mass_factor * vol(seeds) when mass_factor > 0, else automatic: vol(K) is estimated by ACL
  /// push + sweep from the same seeds, and the masses alpha * estimate, alpha = 1, 1.125, ..., 2, are
  /// tried, keeping the support of lowest conductance. The mass chosen is reported in the result.
  double source_mass = 0;
  double mass_factor = 0;    ///< used only when source_mass <= 0; 0 = the automatic search
  double epsilon = 1e-6;     ///< a node is pushed while m_i > T_i + epsilon; > 0
  int max_iterations = 100;       ///< passes over the active set (>= 1)
  std::uint64_t seed = 0;    ///< random order of the nodes inside a pass
  /// local_cluster() only: the cluster is the best sweep cut of x (ordered by x) instead of its support.
  /// On by default: the support keeps every node the flow reached, boundary nodes included.
  bool sweep = true;
};

template <class V>
void describe(V& v, FlowDiffusionOptions& o) {
  v("p", o.p, "p-norm of the primal flow problem", greater_than(1));
  v("source_mass", o.source_mass, "total source mass over the seeds; <= 0: mass_factor * vol(seeds), or searched");
  v("mass_factor", o.mass_factor,
    "source mass per unit of seed volume when source_mass <= 0; 0 = automatic (1-2x the volume of the ppr cluster)");
  v("epsilon", o.epsilon, "a node is pushed while its excess exceeds epsilon", greater_than(0));
  v("max_iterations", o.max_iterations, "passes over the active set", at_least(1));
  v("seed", o.seed, "random order of the nodes inside a pass");
  v("sweep", o.sweep, "local_cluster: best sweep cut of the potentials instead of their support");
}

/// Weighted flow diffusion: edge weight w_ij * exp(-gamma * ||x_i - x_j||^2) from node attributes.
struct WeightedFlowOptions : FlowDiffusionOptions {
  double gamma = 0.02;       ///< >= 0; 0 gives plain flow diffusion
};

template <class V>
void describe(V& v, WeightedFlowOptions& o) {
  describe(v, static_cast<FlowDiffusionOptions&>(o));
  v("gamma", o.gamma, "edge weight w_ij * exp(-gamma * ||x_i - x_j||^2); 0 = plain flow diffusion", at_least(0));
}

/// Label-based flow diffusion: an edge keeps its weight when both endpoints carry label 1 and is
/// scaled by `other_weight` otherwise (Back de Luca, Fountoulakis, Yang 2024, section 3).
struct NoisyLabelOptions : FlowDiffusionOptions {
  double other_weight = 0.05;  ///< in [0, 1]
};

template <class V>
void describe(V& v, NoisyLabelOptions& o) {
  describe(v, static_cast<FlowDiffusionOptions&>(o));
  v("other_weight", o.other_weight, "weight factor of edges not between two label-1 nodes", between(0, 1));
}

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

template <class V>
void describe(V& v, FlowDiffusionResult& r) {
  v.record_type("FlowDiffusionResult");
  v("x", r.x, "dual potentials (support = pushed nodes)");
  v("mass", r.mass, "final mass on touched nodes");
  v("support", r.support, "the cluster: nodes with x > 0, ascending");
  v("support_conductance", r.support_conductance, "conductance of the support with the diffusion's edge weights");
  v("source_mass", r.source_mass, "the mass actually used");
  v("max_excess", r.max_excess, "largest excess left (<= epsilon when converged)");
  v("passes", r.passes, "passes over the active set");
  v("converged", r.converged, "false when max_iterations was reached first");
  v("work", r.work, "what the run cost");
}

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

template <class V>
void describe(V& v, SweepResult& r) {
  v.record_type("SweepResult");
  v("set", r.set, "best prefix, ascending ids");
  v("conductance", r.conductance, "its conductance (1 when the vector is empty)");
  v("best_size", r.best_size, "size of the best prefix");
  v("order", r.order, "sweep order (decreasing score, ties by id)");
  v("profile", r.profile, "conductance of each prefix");
  v("volumes", r.volumes, "volume of each prefix");
  v("cuts", r.cuts, "cut of each prefix");
  v("work", r.work, "what the run cost");
}

/// Sweeps the support of `vector` (zero entries ignored): conductance = cut(S) / min(vol(S), vol(V) -
/// vol(S)), weighted degrees, directed graphs on A + A^T. Touches only the support and its edges.
SweepResult sweep_cut(const Graph& graph, const SparseVector& vector, const SweepOptions& options = {});
SweepResult sweep_cut(const Graph& graph, std::span<const NodeId> ids, std::span<const double> values,
                      const SweepOptions& options = {});

// The conductance of a set is metrics.hpp's conductance(): O(vol(S) log |S|), local already.

// ------------------------------------------------------------------------------------------------
// One call for the CLI / Python / many seeds

/// The diffusion local_cluster() runs, with its options: PPR push + sweep, or a flow diffusion
/// (plain, attribute-weighted, or on the noisy-label graph) whose support or sweep is the cluster.
using LocalMethodOptions = std::variant<PprOptions, FlowDiffusionOptions, WeightedFlowOptions, NoisyLabelOptions>;

struct LocalClusteringOptions {
  LocalMethodOptions method = PprOptions{};
  AttributeView attributes;              ///< WeightedFlowOptions (required); must outlive the call
  std::span<const std::int32_t> labels;  ///< NoisyLabelOptions (required, one per node)
  Progress progress;                     ///< "local" with the fraction of seed sets done
};

struct LocalCluster {
  std::vector<NodeId> cluster;  ///< ascending ids
  double conductance = 1.0;     ///< of `cluster` in the input graph (unweighted-by-attributes)
  SparseVector vector;          ///< the diffusion vector (PPR: p; flow: x)
  LocalWork work;               ///< diffusion + sweep
  /// false when the diffusion stopped on its cap (ppr: max_pushes; flow: max_iterations passes)
  /// before meeting its tolerance: the cluster comes from an unfinished diffusion.
  bool converged = true;
};

template <class V>
void describe(V& v, LocalCluster& c) {
  v.record_type("LocalCluster");
  v("cluster", c.cluster, "the cluster's node ids, ascending");
  v("conductance", c.conductance, "of the cluster in the input graph");
  v("vector", c.vector, "the diffusion vector (PPR: p; flow: x)");
  v("work", c.work, "diffusion + sweep cost");
  v("converged", c.converged, "false when the diffusion stopped on its cap (max_pushes / max_iterations) first");
}

/// One seed set.
LocalCluster local_cluster(const Graph& graph, std::span<const NodeId> seeds, const LocalClusteringOptions& options);

/// Many seed sets in parallel (tbb::parallel_for over seed sets, per-thread workspaces reset in
/// O(touched)). Result i belongs to seed_sets[i] and is identical for every thread count.
std::vector<LocalCluster> local_clustering(const Graph& graph, std::span<const std::vector<NodeId>> seed_sets,
                                           const LocalClusteringOptions& options);

}  // namespace graphclust
