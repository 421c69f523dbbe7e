#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "convert.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/metrics/metrics.hpp"

namespace graphclust::python {
namespace {

using LabelArray = InArray<std::int32_t>;

template <class F>
double score(const LabelArray& truth, const LabelArray& predicted, F f) {
  auto t = as_span(truth, "labels_true"), p = as_span(predicted, "labels_pred");
  py::gil_scoped_release release;
  return f(t, p);
}

}  // namespace

void bind_metrics(py::module_& m) {
  m.def("adjusted_rand_score", [](const LabelArray& t, const LabelArray& p) { return score(t, p, adjusted_rand_index); },
        py::arg("labels_true"), py::arg("labels_pred"), "ARI as scikit-learn; true label -1 = unlabelled node, ignored");
  m.def("normalized_mutual_info_score",
        [](const LabelArray& t, const LabelArray& p) { return score(t, p, normalized_mutual_information); },
        py::arg("labels_true"), py::arg("labels_pred"), "NMI (arithmetic mean) as scikit-learn; -1 ignored");
  m.def("clustering_accuracy", [](const LabelArray& t, const LabelArray& p) { return score(t, p, clustering_accuracy); },
        py::arg("labels_true"), py::arg("labels_pred"), "accuracy after Hungarian matching of clusters to classes");
  m.def("matched_macro_f1", [](const LabelArray& t, const LabelArray& p) { return score(t, p, matched_macro_f1); },
        py::arg("labels_true"), py::arg("labels_pred"), "macro F1 over classes after Hungarian matching");
  m.def("set_f1", [](const InArray<std::uint32_t>& truth, const InArray<std::uint32_t>& found) {
    return set_f1(as_span(truth, "truth"), as_span(found, "found"));
  }, py::arg("truth"), py::arg("found"));
  m.def("conductance", [](const Graph& g, const InArray<std::uint32_t>& nodes) {
    auto s = as_span(nodes, "nodes");
    py::gil_scoped_release release;
    return conductance(g, s);
  }, py::arg("graph"), py::arg("nodes"));
  m.def("cluster_conductances", [](const Graph& g, const LabelArray& labels) {
    auto l = as_span(labels, "labels");
    std::vector<double> out;
    {
      py::gil_scoped_release release;
      out = cluster_conductances(g, l);
    }
    return to_numpy(std::move(out));
  }, py::arg("graph"), py::arg("labels"));
  m.def("normalized_cut", [](const Graph& g, const LabelArray& labels) {
    auto l = as_span(labels, "labels");
    py::gil_scoped_release release;
    return normalized_cut(g, l);
  }, py::arg("graph"), py::arg("labels"));
  m.def("modularity", [](const Graph& g, const LabelArray& labels) {
    auto l = as_span(labels, "labels");
    py::gil_scoped_release release;
    return modularity(g, l);
  }, py::arg("graph"), py::arg("labels"));
  m.def("flow_imbalance", [](const Graph& g, const LabelArray& labels, const std::string& norm, int top) {
    auto l = as_span(labels, "labels");
    FlowImbalance f;
    {
      py::gil_scoped_release release;
      f = flow_imbalance(g, l, parse_enum<ImbalanceNorm>(norm, "norm"), top);
    }
    return result_to_python(std::move(f));
  }, py::arg("graph"), py::arg("labels"), py::arg("norm") = "vol_sum", py::arg("top") = 0,
     "DIGRAC cut imbalance of a hard partition; mean_top averages the `top` largest pairs (0 = all)");

  m.def("stochastic_block_model",
        [](const std::vector<std::uint32_t>& sizes, double p_in, double p_out, bool directed,
           std::vector<double> flow, std::uint64_t seed) {
          SbmOptions o{sizes, p_in, p_out, directed, std::move(flow), seed};
          PlantedGraph planted;
          {
            py::gil_scoped_release release;
            planted = stochastic_block_model(o);
          }
          return result_to_python(std::move(planted));
        },
        py::arg("sizes"), py::arg("p_in"), py::arg("p_out"), py::arg("directed") = false,
        py::arg("flow") = std::vector<double>{}, py::arg("seed") = 0,
        "planted-partition SBM -> PlantedGraph (graph, labels); flow (K*K, row-major) orients inter-block edges");


  static const std::string dsbm_doc =
      "Directed SBM with a meta-graph (the DIGRAC benchmark) -> DirectedPlantedGraph (graph, labels, meta_graph).\n\n" +
      options_doc<DsbmOptions>();
  m.def(
      "directed_sbm",
      [](const py::kwargs& options) {
        const auto o = options_from<DsbmOptions>(options, "directed_sbm");
        DirectedPlantedGraph g;
        {
          py::gil_scoped_release release;
          g = directed_sbm(o);
        }
        return result_to_python(std::move(g));
      },
      dsbm_doc.c_str());
  m.def(
      "dsbm_meta_graph",
      [](const std::string& shape, int k, double eta, bool ambient, std::uint64_t seed) {
        return to_numpy(dsbm_meta_graph(parse_enum<MetaGraph>(shape, "shape"), k, eta, ambient, seed));
      },
      py::arg("shape"), py::arg("k"), py::arg("eta"), py::arg("ambient") = false, py::arg("seed") = 0,
      "The K x K meta-graph F of the DIGRAC paper (cyclic, path, complete, star, multipartite).");
}

}  // namespace graphclust::python
