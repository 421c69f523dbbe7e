// Every registered method reaches Python through two entry points, _run and _run_many; the package
// (graphclust/__init__.py) generates the typed functions (spectral_clustering, approximate_ppr, ...),
// graphclust.cluster() and graphclust.local_cluster() from _methods(), which hands over the same
// declarations the CLI is generated from. The GIL is released while C++ runs; Ctrl-C is honoured
// through the progress callback.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "convert.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/learn/backend.hpp"
#include "graphclust/methods/registry.hpp"

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
  if (seeds.is_none()) return out;
  if (py::isinstance<py::str>(seeds) || !py::isinstance<py::iterable>(seeds)) {
    out.push_back(node_from(graph, seeds));
    return out;
  }
  for (const py::handle item : seeds) out.push_back(node_from(graph, item));
  return out;
}

/// Inputs held alive for the duration of a call (the MethodInput only views them).
struct Inputs {
  std::optional<InArray<float>> features;
  std::optional<InArray<std::int32_t>> labels;
  std::vector<NodeId> seeds;
  MethodInput input;
};

Inputs inputs_from(const Graph& graph, const py::object& seeds, const py::object& features, const py::object& labels,
                   bool verbose) {
  Inputs in;
  in.input.graph = &graph;
  in.seeds = seeds_from(graph, seeds);
  in.input.seeds = in.seeds;
  if (!features.is_none()) {
    in.features = InArray<float>::ensure(features);
    if (!*in.features || in.features->ndim() != 2)
      throw InvalidArgument("features must be a 2-D array of numbers (one row per node)");
    if (static_cast<std::size_t>(in.features->shape(0)) != graph.num_nodes())
      throw InvalidArgument("features have " + std::to_string(in.features->shape(0)) + " rows but the graph has " +
                            std::to_string(graph.num_nodes()) + " nodes");
    in.input.features = AttributeView(in.features->data(), static_cast<std::size_t>(in.features->shape(0)),
                                      static_cast<std::size_t>(in.features->shape(1)));
  }
  if (!labels.is_none()) {
    in.labels = InArray<std::int32_t>::ensure(labels);
    if (!*in.labels) throw InvalidArgument("labels must be a 1-D array of ints");
    in.input.labels = as_span(*in.labels, "labels");
  }
  in.input.progress = python_progress(verbose);
  return in;
}

py::dict spec_dict(const OptionSpec& s) {
  py::dict d;
  d["name"] = s.name;
  d["help"] = s.help;
  static const char* types[] = {"bool", "int", "float", "str", "choice"};
  d["type"] = types[static_cast<int>(s.type)];
  std::visit([&](const auto& v) { d["default"] = v; }, s.default_value);
  d["choices"] = s.choices;
  d["limits"] = s.limits.text();
  return d;
}

py::list method_specs() {
  static const char* kinds[] = {"partition", "local", "function"};
  static const char* uses[] = {"none", "optional", "required"};
  py::list out;
  const MethodRegistry registry = default_registry();
  for (const MethodInfo* m : registry.list()) {
    py::dict d;
    d["name"] = m->name;
    d["function"] = m->function;
    d["summary"] = m->summary;
    d["kind"] = kinds[static_cast<int>(m->kind)];
    d["takes_seeds"] = m->takes_seeds;
    d["features"] = uses[static_cast<int>(m->features)];
    d["labels"] = uses[static_cast<int>(m->labels)];
    py::list options;
    for (const auto& o : m->options) options.append(spec_dict(o));
    d["options"] = options;
    d["result_type"] = m->result_type;
    py::list fields;
    for (const auto& f : m->result_fields) fields.append(py::make_tuple(f.name, f.type, f.help));
    d["result_fields"] = fields;
    out.append(d);
  }
  return out;
}

}  // namespace

void bind_methods(py::module_& m) {
  using namespace pybind11::literals;
  m.def("_methods", &method_specs, "the registry's declarations (names, options, results) as dicts");
  m.def("torch_available", &torch_available, "whether this build has the LibTorch encoder (encoder='torch')");
  m.def("torch_cuda_available", &torch_cuda_available, "whether encoder='torch' can run on device='cuda'");
  m.def(
      "_run",
      [](const std::string& name, const Graph& graph, const py::object& seeds, const py::object& features,
         const py::object& labels, const py::dict& options, bool verbose) {
        const MethodRegistry registry = default_registry();
        const MethodInfo& method = registry.get(name);
        Inputs in = inputs_from(graph, seeds, features, labels, verbose);
        const OptionValues values = values_from(options);
        ResultRecord record;
        {
          py::gil_scoped_release release;
          record = method.run(in.input, values);
        }
        return to_python(std::move(record));
      },
      "name"_a, "graph"_a, "seeds"_a, "features"_a, "labels"_a, "options"_a, "verbose"_a);
  m.def(
      "_run_many",
      [](const std::string& name, const Graph& graph, const py::iterable& seed_sets, const py::object& features,
         const py::object& labels, const py::dict& options, bool verbose) {
        const MethodRegistry registry = default_registry();
        const MethodInfo& method = registry.get(name, MethodKind::Local);
        std::vector<std::vector<NodeId>> sets;
        for (const py::handle h : seed_sets) sets.push_back(seeds_from(graph, py::reinterpret_borrow<py::object>(h)));
        Inputs in = inputs_from(graph, py::none(), features, labels, verbose);
        const OptionValues values = values_from(options);
        std::vector<ResultRecord> records;
        {
          py::gil_scoped_release release;
          records = method.run_many(in.input, sets, values);
        }
        py::list out;
        for (auto& r : records) out.append(to_python(std::move(r)));
        return out;
      },
      "name"_a, "graph"_a, "seed_sets"_a, "features"_a, "labels"_a, "options"_a, "verbose"_a);
}

}  // namespace graphclust::python
