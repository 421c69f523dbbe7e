#pragma once
// Private: the one definition of conductance, shared by the partition metrics, the sweep cut and the
// local methods. Callers differ only in how they store a set (sorted ids, a hashed node index, a
// flag per slot) and, for the reweighted flow variants, in which edges they see.
#include <algorithm>

#include "graphclust/graph/graph.hpp"

namespace graphclust::detail {

/// cut / min(volume, total - volume), or 1 (the worst value) when that minimum is not positive: an
/// empty set, the whole graph or a zero-volume set is never the "best" cut.
inline double conductance_ratio(double cut, double volume, double total) {
  const double denominator = std::min(volume, total - volume);
  return denominator > 0 ? cut / denominator : 1.0;
}

/// Conductance of `members` (each listed once) in the graph given by degree(u) and
/// for_each_edge(u, f(v, w)), with contains(v) the set's membership test.
template <class Members, class Contains, class Degree, class ForEachEdge>
double set_conductance(const Members& members, Contains&& contains, Degree&& degree, ForEachEdge&& for_each_edge,
                       double total_volume) {
  double volume = 0, cut = 0;
  for (const auto u : members) {
    volume += degree(u);
    for_each_edge(u, [&](auto v, auto w) {
      if (!contains(v)) cut += w;
    });
  }
  return conductance_ratio(cut, volume, total_volume);
}

/// set_conductance on the graph's symmetric view (A + A^T for a directed graph).
template <class Members, class Contains>
double set_conductance(const Graph& graph, const Members& members, Contains&& contains) {
  const auto degrees = graph.sym_degrees();
  return set_conductance(
      members, contains, [&](NodeId u) { return degrees[u]; },
      [&](NodeId u, auto&& f) { graph.for_each_sym(u, f); }, graph.sym_volume());
}

}  // namespace graphclust::detail
