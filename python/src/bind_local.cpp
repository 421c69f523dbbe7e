// Python bindings of the local diffusion family (graphclust/local/local.hpp) and the contextual SBM.
// Results are dicts of numpy arrays and numbers; the GIL is released while C++ computes.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "convert.hpp"
#include "graphclust/generators/contextual_sbm.hpp"
#include "graphclust/local/local.hpp"

namespace graphclust::python {
namespace {

NodeId node_from(const Graph& graph, const py::handle& item) {
  if (py::isinstance<py::str>(item)) {
    const auto name = item.cast<std::string>();
    const auto id = graph.find_node(name);
    if (!id) throw InvalidArgument("unknown seed node '" + name + "'");
    return *id;
  }
  long long v = 0;
  try {
    v = py::int_(py::reinterpret_borrow<py::object>(item)).cast<long long>();
  } catch (const py::error_already_set&) {
    throw InvalidArgument("seed nodes must be ints (ids) or strings (names)");
  } catch (const py::cast_error&) {
    throw InvalidArgument("seed nodes must be ints (ids) or strings (names)");
  }
  if (v < 0 || v >= static_cast<long long>(graph.num_nodes()))
    throw InvalidArgument("seed node " + std::to_string(v) + " is out of range (graph has " +
                          std::to_string(graph.num_nodes()) + " nodes)");
  return static_cast<NodeId>(v);
}

/// An int, a str, or an iterable of them.
std::vector<NodeId> seeds_from(const Graph& graph, const py::object& seeds) {
  std::vector<NodeId> out;
  if (py::isinstance<py::str>(seeds) || !py::isinstance<py::iterable>(seeds)) {
    out.push_back(node_from(graph, seeds));
    return out;
  }
  for (const py::handle item : seeds) out.push_back(node_from(graph, item));
  return out;
}

py::array_t<std::uint32_t> ids_array(std::vector<NodeId> v) { return to_numpy(std::move(v)); }

py::dict sparse_dict(SparseVector&& v, const char* ids_key, const char* values_key, py::dict d = py::dict()) {
  d[ids_key] = to_numpy(std::move(v.ids));
  d[values_key] = to_numpy(std::move(v.values));
  return d;
}

void work_into(py::dict& d, const LocalWork& w) {
  d["touched"] = w.touched;
  d["pushes"] = w.pushes;
  d["edge_visits"] = w.edge_visits;
}

/// Features as a non-owning view of a C-contiguous float32 array (converted once when it is not).
struct Features {
  InArray<float> array;
  AttributeView view;
};
std::optional<Features> features_from(const py::object& obj, const Graph& graph) {
  if (obj.is_none()) return std::nullopt;
  Features f{InArray<float>::ensure(obj), {}};
  if (!f.array) throw InvalidArgument("features must be a 2-D array of numbers");
  if (f.array.ndim() != 2) throw InvalidArgument("features must be a 2-D array (one row per node)");
  if (static_cast<std::size_t>(f.array.shape(0)) != graph.num_nodes())
    throw InvalidArgument("features have " + std::to_string(f.array.shape(0)) + " rows but the graph has " +
                          std::to_string(graph.num_nodes()) + " nodes");
  f.view = AttributeView(f.array.data(), static_cast<std::size_t>(f.array.shape(0)),
                         static_cast<std::size_t>(f.array.shape(1)));
  return f;
}

void fill_flow(FlowDiffusionOptions& o, double p, double mass, double mass_factor, double epsilon, int max_iters,
               std::uint64_t seed) {
  o.p = p;
  o.source_mass = mass;
  o.mass_factor = mass_factor;
  o.epsilon = epsilon;
  o.max_iters = max_iters;
  o.seed = seed;
}

py::dict flow_dict(FlowDiffusionResult&& r) {
  py::dict d;
  d["support"] = ids_array(std::move(r.support));
  sparse_dict(std::move(r.x), "ids", "values", d);
  sparse_dict(std::move(r.mass), "mass_ids", "mass_values", d);
  d["support_conductance"] = r.support_conductance;
  d["source_mass"] = r.source_mass;
  d["max_excess"] = r.max_excess;
  d["passes"] = r.passes;
  d["converged"] = r.converged;
  work_into(d, r.work);
  return d;
}

LocalMethod method_from(const std::string& name) {
  if (name == "ppr") return LocalMethod::Ppr;
  if (name == "flow") return LocalMethod::Flow;
  if (name == "wfd") return LocalMethod::WeightedFlow;
  if (name == "noisy" || name == "lfd") return LocalMethod::NoisyLabels;
  throw InvalidArgument("unknown local method '" + name + "' (expected ppr, flow, wfd or noisy)");
}

py::dict cluster_dict(const Graph& graph, LocalCluster&& c) {
  py::dict d;
  py::list names;
  for (NodeId u : c.cluster) names.append(graph.name_of(u));
  d["names"] = names;
  d["cluster"] = ids_array(std::move(c.cluster));
  d["conductance"] = c.conductance;
  sparse_dict(std::move(c.vector), "ids", "values", d);
  work_into(d, c.work);
  return d;
}

}  // namespace

void bind_local(py::module_& m) {
  m.def(
      "approximate_ppr",
      [](const Graph& graph, const py::object& seeds, double alpha, double epsilon, bool lazy,
         std::uint64_t max_pushes) {
        const auto s = seeds_from(graph, seeds);
        PprOptions o{alpha, epsilon, lazy, max_pushes};
        PushResult r;
        {
          py::gil_scoped_release release;
          r = approximate_ppr(graph, s, o);
        }
        py::dict d = sparse_dict(std::move(r.pagerank), "ids", "values");
        sparse_dict(std::move(r.residual), "residual_ids", "residual_values", d);
        d["converged"] = r.converged;
        work_into(d, r.work);
        return d;
      },
      py::arg("graph"), py::arg("seeds"), py::arg("alpha") = 0.15, py::arg("epsilon") = 1e-6, py::arg("lazy") = true,
      py::arg("max_pushes") = 0,
      "Approximate personalized PageRank by push (Andersen-Chung-Lang). Returns a dict: ids/values (the sparse "
      "PageRank vector), residual_ids/residual_values, converged, touched, pushes, edge_visits.");

  m.def(
      "local_flow_diffusion",
      [](const Graph& graph, const py::object& seeds, double p, double mass, double mass_factor, double epsilon,
         int max_iters, std::uint64_t seed) {
        const auto s = seeds_from(graph, seeds);
        FlowDiffusionOptions o;
        fill_flow(o, p, mass, mass_factor, epsilon, max_iters, seed);
        FlowDiffusionResult r;
        {
          py::gil_scoped_release release;
          r = local_flow_diffusion(graph, s, o);
        }
        return flow_dict(std::move(r));
      },
      py::arg("graph"), py::arg("seeds"), py::arg("p") = 2.0, py::arg("mass") = 0.0, py::arg("mass_factor") = 10.0,
      py::arg("epsilon") = 1e-6, py::arg("max_iters") = 100, py::arg("seed") = 0,
      "p-norm flow diffusion. Returns a dict: support (the cluster), ids/values (dual potentials x), "
      "mass_ids/mass_values, support_conductance, source_mass, max_excess, passes, converged, touched, pushes, "
      "edge_visits.");

  m.def(
      "weighted_flow_diffusion",
      [](const Graph& graph, const py::object& seeds, const py::object& features, double gamma, double p, double mass,
         double mass_factor, double epsilon, int max_iters, std::uint64_t seed) {
        const auto s = seeds_from(graph, seeds);
        auto f = features_from(features, graph);
        if (!f) throw InvalidArgument("weighted_flow_diffusion needs features");
        WeightedFlowOptions o;
        fill_flow(o, p, mass, mass_factor, epsilon, max_iters, seed);
        o.gamma = gamma;
        FlowDiffusionResult r;
        {
          py::gil_scoped_release release;
          r = weighted_flow_diffusion(graph, s, f->view, o);
        }
        return flow_dict(std::move(r));
      },
      py::arg("graph"), py::arg("seeds"), py::arg("features"), py::arg("gamma") = 0.02, py::arg("p") = 2.0,
      py::arg("mass") = 0.0, py::arg("mass_factor") = 10.0, py::arg("epsilon") = 1e-6, py::arg("max_iters") = 100,
      py::arg("seed") = 0,
      "Flow diffusion on edges reweighted by exp(-gamma * ||x_i - x_j||^2) (computed lazily). Same dict as "
      "local_flow_diffusion; support_conductance uses the reweighted edges.");

  m.def(
      "noisy_label_flow_diffusion",
      [](const Graph& graph, const py::object& seeds, const InArray<std::int32_t>& labels, double other_weight,
         double p, double mass, double mass_factor, double epsilon, int max_iters, std::uint64_t seed) {
        const auto s = seeds_from(graph, seeds);
        const auto l = as_span(labels, "labels");
        NoisyLabelOptions o;
        fill_flow(o, p, mass, mass_factor, epsilon, max_iters, seed);
        o.other_weight = other_weight;
        FlowDiffusionResult r;
        {
          py::gil_scoped_release release;
          r = noisy_label_flow_diffusion(graph, s, l, o);
        }
        return flow_dict(std::move(r));
      },
      py::arg("graph"), py::arg("seeds"), py::arg("labels"), py::arg("other_weight") = 0.05, py::arg("p") = 2.0,
      py::arg("mass") = 0.0, py::arg("mass_factor") = 10.0, py::arg("epsilon") = 1e-6, py::arg("max_iters") = 100,
      py::arg("seed") = 0,
      "Flow diffusion on the label-weighted graph (edges between two label-1 nodes keep their weight, others are "
      "scaled by other_weight).");

  m.def(
      "noisy_label_graph",
      [](const Graph& graph, const InArray<std::int32_t>& labels, double other_weight) {
        const auto l = as_span(labels, "labels");
        std::shared_ptr<Graph> g;
        {
          py::gil_scoped_release release;
          g = std::make_shared<Graph>(noisy_label_graph(graph, l, other_weight));
        }
        return g;
      },
      py::arg("graph"), py::arg("labels"), py::arg("other_weight") = 0.05,
      "The label-weighted graph used by noisy_label_flow_diffusion, as a new Graph.");

  m.def(
      "sweep_cut",
      [](const Graph& graph, const InArray<std::uint32_t>& ids, const InArray<double>& values, bool degree_normalized,
         std::size_t max_size) {
        const auto i = as_span(ids, "ids");
        const auto v = as_span(values, "values");
        SweepOptions o{degree_normalized, max_size};
        SweepResult r;
        {
          py::gil_scoped_release release;
          r = sweep_cut(graph, i, v, o);
        }
        py::dict d;
        d["set"] = ids_array(std::move(r.set));
        d["conductance"] = r.conductance;
        d["best_size"] = r.best_size;
        d["order"] = ids_array(std::move(r.order));
        d["profile"] = to_numpy(std::move(r.profile));
        d["volumes"] = to_numpy(std::move(r.volumes));
        d["cuts"] = to_numpy(std::move(r.cuts));
        return d;
      },
      py::arg("graph"), py::arg("ids"), py::arg("values"), py::arg("degree_normalized") = true,
      py::arg("max_size") = 0,
      "Sweep cut over a sparse vector: dict with set (best prefix), conductance, best_size, order, and the "
      "profile/volumes/cuts of every prefix.");


  // One options builder for local_cluster / local_clustering.
  struct Common {
    LocalClusteringOptions options;
    std::optional<Features> features;
    std::optional<InArray<std::int32_t>> labels;
  };
  auto make_common = [](const Graph& graph, const std::string& method, const py::object& features,
                        const py::object& labels, double alpha, std::optional<double> epsilon, bool lazy, double p,
                        double gamma, double mass, double mass_factor, int max_iters, bool sweep,
                        double other_weight, std::uint64_t seed) {
    Common c;
    auto& o = c.options;
    o.method = method_from(method);
    o.ppr.alpha = alpha;
    o.ppr.lazy = lazy;
    if (epsilon) {
      o.ppr.epsilon = *epsilon;
      o.flow.epsilon = *epsilon;
    }
    fill_flow(o.flow, p, mass, mass_factor, o.flow.epsilon, max_iters, seed);
    o.flow.gamma = gamma;
    o.flow_sweep = sweep;
    o.label_other_weight = other_weight;
    c.features = features_from(features, graph);
    if (c.features) o.attributes = c.features->view;
    if (!labels.is_none()) {
      c.labels = InArray<std::int32_t>::ensure(labels);
      if (!*c.labels) throw InvalidArgument("labels must be a 1-D array of ints");
      o.labels = as_span(*c.labels, "labels");
    }
    return c;
  };

  m.def(
      "local_cluster",
      [make_common](const Graph& graph, const py::object& seeds, const std::string& method, const py::object& features,
                    const py::object& labels, double alpha, std::optional<double> epsilon, bool lazy, double p,
                    double gamma, double mass, double mass_factor, int max_iters, bool sweep, double other_weight,
                    std::uint64_t seed) {
        const auto s = seeds_from(graph, seeds);
        Common c = make_common(graph, method, features, labels, alpha, epsilon, lazy, p, gamma, mass, mass_factor,
                               max_iters, sweep, other_weight, seed);
        LocalCluster r;
        {
          py::gil_scoped_release release;
          r = local_cluster(graph, s, c.options);
        }
        return cluster_dict(graph, std::move(r));
      },
      py::arg("graph"), py::arg("seeds"), py::arg("method") = "ppr", py::arg("features") = py::none(),
      py::arg("labels") = py::none(), py::arg("alpha") = 0.15, py::arg("epsilon") = py::none(),
      py::arg("lazy") = true, py::arg("p") = 2.0, py::arg("gamma") = 0.02, py::arg("mass") = 0.0,
      py::arg("mass_factor") = 10.0, py::arg("max_iters") = 100, py::arg("sweep") = false,
      py::arg("other_weight") = 0.05, py::arg("seed") = 0,
      "Local cluster around seeds (ids or names). method: ppr (push + sweep), flow, wfd (needs features), noisy "
      "(needs labels). Returns a dict: cluster (ids), names, conductance, ids/values (the diffusion vector), "
      "touched, pushes, edge_visits.");

  m.def(
      "local_clustering",
      [make_common](const Graph& graph, const py::iterable& seed_sets, const std::string& method,
                    const py::object& features, const py::object& labels, double alpha, std::optional<double> epsilon,
                    bool lazy, double p, double gamma, double mass, double mass_factor, int max_iters, bool sweep,
                    double other_weight, std::uint64_t seed) {
        std::vector<std::vector<NodeId>> sets;
        for (const py::handle h : seed_sets) sets.push_back(seeds_from(graph, py::reinterpret_borrow<py::object>(h)));
        Common c = make_common(graph, method, features, labels, alpha, epsilon, lazy, p, gamma, mass, mass_factor,
                               max_iters, sweep, other_weight, seed);
        std::vector<LocalCluster> results;
        {
          py::gil_scoped_release release;
          results = local_clustering(graph, sets, c.options);
        }
        py::list out;
        for (auto& r : results) out.append(cluster_dict(graph, std::move(r)));
        return out;
      },
      py::arg("graph"), py::arg("seed_sets"), py::arg("method") = "ppr", py::arg("features") = py::none(),
      py::arg("labels") = py::none(), py::arg("alpha") = 0.15, py::arg("epsilon") = py::none(),
      py::arg("lazy") = true, py::arg("p") = 2.0, py::arg("gamma") = 0.02, py::arg("mass") = 0.0,
      py::arg("mass_factor") = 10.0, py::arg("max_iters") = 100, py::arg("sweep") = false,
      py::arg("other_weight") = 0.05, py::arg("seed") = 0,
      "local_cluster for many seed sets at once, in parallel (one seed set = an int, a name or a list). Returns a "
      "list of the same dicts, identical for every thread count.");

  m.def(
      "contextual_sbm",
      [](std::vector<NodeId> sizes, double p_in, double p_out, int dims, double mu, double sigma, std::uint64_t seed) {
        ContextualSbmOptions o;
        o.sizes = std::move(sizes);
        o.p_in = p_in;
        o.p_out = p_out;
        o.dims = dims;
        o.mu = mu;
        o.sigma = sigma;
        o.seed = seed;
        AttributedPlantedGraph g;
        {
          py::gil_scoped_release release;
          g = contextual_sbm(o);
        }
        auto graph = std::make_shared<Graph>(std::move(g.graph));
        return py::make_tuple(graph, to_numpy(std::move(g.labels)), to_numpy(DenseBlock<float>(std::move(g.features))));
      },
      py::arg("sizes"), py::arg("p_in") = 0.1, py::arg("p_out") = 0.01, py::arg("dims") = 2, py::arg("mu") = 1.0,
      py::arg("sigma") = 1.0, py::arg("seed") = 0,
      "Contextual SBM: (graph, labels, features) with Gaussian features whose mean is mu along axis (block mod dims).");
}

}  // namespace graphclust::python
