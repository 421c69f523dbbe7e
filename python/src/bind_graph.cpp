#include <pybind11/stl.h>

#include "bindings.hpp"
#include "convert.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/io/io.hpp"

namespace graphclust::python {
namespace {

using GraphPtr = std::shared_ptr<Graph>;

DuplicatePolicy duplicate_policy(const std::string& s) {
  if (s == "sum") return DuplicatePolicy::Sum;
  if (s == "max") return DuplicatePolicy::Max;
  if (s == "min") return DuplicatePolicy::Min;
  if (s == "error") return DuplicatePolicy::Error;
  throw InvalidArgument("duplicates must be 'sum', 'max', 'min' or 'error', got '" + s + "'");
}

SelfLoopPolicy self_loop_policy(const std::string& s) {
  if (s == "keep") return SelfLoopPolicy::Keep;
  if (s == "drop") return SelfLoopPolicy::Drop;
  if (s == "error") return SelfLoopPolicy::Error;
  throw InvalidArgument("self_loops must be 'keep', 'drop' or 'error', got '" + s + "'");
}

ReadOptions read_options(std::optional<bool> directed, const std::string& ids, bool ignore_weights,
                         const std::string& duplicates, const std::string& self_loops, bool allow_negative_weights) {
  ReadOptions o;
  o.directed = directed;
  if (ids == "auto") o.ids = IdMode::Auto;
  else if (ids == "integer") o.ids = IdMode::Integer;
  else if (ids == "names") o.ids = IdMode::Names;
  else throw InvalidArgument("ids must be 'auto', 'integer' or 'names', got '" + ids + "'");
  o.ignore_weights = ignore_weights;
  o.duplicates = duplicate_policy(duplicates);
  o.self_loops = self_loop_policy(self_loops);
  o.allow_negative_weights = allow_negative_weights;
  return o;
}

template <class Reader>
GraphPtr read_with(Reader reader, const std::string& path, const ReadOptions& o) {
  py::gil_scoped_release release;
  return std::make_shared<Graph>(reader(path, o));
}

/// Accepts ids as any integer dtype but rejects negatives and values past 32 bits with the position.
std::vector<NodeId> node_ids(const py::object& a, const char* name) {
  auto ints = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
  if (!ints) throw InvalidArgument(std::string(name) + " must be an integer array");
  if (ints.ndim() != 1) throw InvalidArgument(std::string(name) + " must be 1-D");
  std::vector<NodeId> out(ints.shape(0));
  const std::int64_t* p = ints.data();
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (p[i] < 0 || p[i] >= static_cast<std::int64_t>(kMaxNodes))
      throw InvalidArgument(std::string(name) + "[" + std::to_string(i) + "] = " + std::to_string(p[i]) + " is not a valid node id");
    out[i] = static_cast<NodeId>(p[i]);
  }
  return out;
}

}  // namespace

void bind_graph(py::module_& m) {
  py::class_<Graph, GraphPtr> graph(m, "Graph", R"doc(
Immutable CSR graph (32-bit node ids, 64-bit offsets), directed or undirected, optionally weighted.
Build with Graph.from_edges(), graphclust.from_scipy(), graphclust.from_networkx() or read_graph().
CSR arrays are exposed as read-only numpy views without copies.)doc");
  graph.def(py::init<>())
      .def_static(
          "from_edges",
          [](const py::object& sources, const py::object& targets, std::optional<InArray<float>> weights, std::int64_t num_nodes,
             bool directed, const std::string& duplicates, const std::string& self_loops, bool allow_negative_weights,
             std::vector<std::string> names) {
            std::vector<NodeId> src = node_ids(sources, "sources"), dst = node_ids(targets, "targets");
            std::span<const float> w;
            if (weights) w = as_span(*weights, "weights");
            if (num_nodes < 0 || num_nodes > static_cast<std::int64_t>(kMaxNodes)) throw InvalidArgument("num_nodes out of range");
            BuildOptions o;
            o.directed = directed;
            o.duplicates = duplicate_policy(duplicates);
            o.self_loops = self_loop_policy(self_loops);
            o.allow_negative_weights = allow_negative_weights;
            NodeId n = static_cast<NodeId>(num_nodes);
            if (n == 0 && !names.empty()) n = static_cast<NodeId>(names.size());
            py::gil_scoped_release release;
            return std::make_shared<Graph>(build_graph(src, dst, w, n, o, std::move(names)));
          },
          py::arg("sources"), py::arg("targets"), py::arg("weights") = py::none(), py::arg("num_nodes") = 0,
          py::arg("directed") = false, py::arg("duplicates") = "sum", py::arg("self_loops") = "keep",
          py::arg("allow_negative_weights") = false, py::arg("names") = std::vector<std::string>{},
          "Graph from edge arrays. num_nodes=0 means 1 + the largest id (or len(names)).")
      .def_property_readonly("num_nodes", &Graph::num_nodes)
      .def_property_readonly("num_edges", &Graph::num_edges)
      .def_property_readonly("num_arcs", &Graph::num_arcs, "stored CSR entries (2 per undirected edge)")
      .def_property_readonly("num_self_loops", &Graph::num_self_loops)
      .def_property_readonly("directed", &Graph::directed)
      .def_property_readonly("weighted", &Graph::weighted)
      .def_property_readonly("has_names", &Graph::has_names)
      .def_property_readonly("names", [](const Graph& g) { return g.names(); })
      .def_property_readonly("total_volume", &Graph::total_volume)
      .def("name_of", &Graph::name_of, py::arg("node"))
      .def("find_node", &Graph::find_node, py::arg("name"), "node id for a name (or decimal id), None if unknown")
      .def_property_readonly("offsets", [](const GraphPtr& g) { return readonly_view(g->out().offsets.data(), g->out().offsets.size(), py::cast(g)); })
      .def_property_readonly("targets", [](const GraphPtr& g) { return readonly_view(g->out().targets.data(), g->out().targets.size(), py::cast(g)); })
      .def_property_readonly("weights", [](const GraphPtr& g) -> py::object {
        if (!g->weighted()) return py::none();
        return readonly_view(g->out().weights.data(), g->out().weights.size(), py::cast(g));
      })
      .def_property_readonly("in_offsets", [](const GraphPtr& g) { return readonly_view(g->in().offsets.data(), g->in().offsets.size(), py::cast(g)); })
      .def_property_readonly("in_targets", [](const GraphPtr& g) { return readonly_view(g->in().targets.data(), g->in().targets.size(), py::cast(g)); })
      .def_property_readonly("out_degrees", [](const GraphPtr& g) { return readonly_view(g->out_degrees().data(), g->num_nodes(), py::cast(g)); })
      .def_property_readonly("in_degrees", [](const GraphPtr& g) { return readonly_view(g->in_degrees().data(), g->num_nodes(), py::cast(g)); })
      .def("neighbors", [](const GraphPtr& g, NodeId u) {
        if (u >= g->num_nodes()) throw InvalidArgument("node " + std::to_string(u) + " is not in the graph");
        auto row = g->out_neighbors(u);
        return readonly_view(row.data(), row.size(), py::cast(g));
      }, py::arg("node"))
      .def("__repr__", [](const Graph& g) {
        return "<graphclust.Graph " + std::to_string(g.num_nodes()) + " nodes, " + std::to_string(g.num_edges()) + " edges, " +
               (g.directed() ? "directed" : "undirected") + (g.weighted() ? ", weighted" : "") + ">";
      });

  auto reader = [&m](const char* name, auto fn, const char* doc) {
    m.def(name, [fn](const std::string& path, std::optional<bool> directed, const std::string& ids, bool ignore_weights,
                     const std::string& duplicates, const std::string& self_loops, bool allow_negative_weights) {
            return read_with(fn, path, read_options(directed, ids, ignore_weights, duplicates, self_loops, allow_negative_weights));
          },
          py::arg("path"), py::arg("directed") = py::none(), py::arg("ids") = "auto", py::arg("ignore_weights") = false,
          py::arg("duplicates") = "sum", py::arg("self_loops") = "keep", py::arg("allow_negative_weights") = false, doc);
  };
  reader("read_graph", [](const std::string& p, const ReadOptions& o) { return read_graph(p, o); },
         "Read an edge list, .mtx or .gcsr file (by extension).");
  reader("read_edge_list", [](const std::string& p, const ReadOptions& o) { return read_edge_list(p, o); }, "Read an edge list.");
  reader("read_matrix_market", [](const std::string& p, const ReadOptions& o) { return read_matrix_market(p, o); },
         "Read a Matrix Market coordinate file.");
  m.def("load_binary", [](const std::string& path) {
    py::gil_scoped_release release;
    return std::make_shared<Graph>(load_binary(path));
  }, py::arg("path"), "Reload a graph saved with save_binary (no parsing).");
  m.def("save_binary", [](const Graph& g, const std::string& path) {
    py::gil_scoped_release release;
    save_binary(g, path);
  }, py::arg("graph"), py::arg("path"));
  m.def("write_edge_list", [](const Graph& g, const std::string& path) {
    py::gil_scoped_release release;
    write_edge_list(g, path);
  }, py::arg("graph"), py::arg("path"));
  m.def("read_labels", [](const std::string& path, const Graph& g) {
    std::vector<std::int32_t> labels;
    {
      py::gil_scoped_release release;
      labels = read_labels(path, g);
    }
    return to_numpy(std::move(labels));
  }, py::arg("path"), py::arg("graph"), "'node label' lines -> int32 array (-1 where a node has no line)");
  m.def("write_labels", [](const std::string& path, const Graph& g, const InArray<std::int32_t>& labels,
                           const std::vector<std::string>& header) {
    auto span = as_span(labels, "labels");
    py::gil_scoped_release release;
    write_labels(path, g, span, header);
  }, py::arg("path"), py::arg("graph"), py::arg("labels"), py::arg("header") = std::vector<std::string>{});
  m.def("read_features", [](const std::string& path, const Graph& g) {
    FeatureMatrix f;
    {
      py::gil_scoped_release release;
      f = read_features(path, g);
    }
    return to_numpy(std::move(f));
  }, py::arg("path"), py::arg("graph"), "sparse 'node dim value' triples -> dense float32 (nodes x dims)");
  m.def("write_features", [](const std::string& path, const Graph& g, const InArray<float>& features) {
    FeatureMatrix f = to_block(features, "features");
    py::gil_scoped_release release;
    write_features(path, g, f);
  }, py::arg("path"), py::arg("graph"), py::arg("features"));
}

}  // namespace graphclust::python
