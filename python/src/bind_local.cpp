// Python bindings of the local family's utilities (the methods themselves come from the registry: bind_methods.cpp)
// and the contextual SBM.
// Results are the C++ result objects (same fields); the GIL is released while C++ computes.
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

void bind_local(py::module_& m) {
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
      py::arg("graph"), py::arg("labels"), py::arg("other_weight") = NoisyLabelOptions{}.other_weight,
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
        return result_to_python(std::move(r));
      },
      py::arg("graph"), py::arg("ids"), py::arg("values"), py::arg("degree_normalized") = SweepOptions{}.degree_normalized,
      py::arg("max_size") = SweepOptions{}.max_size,
      "Sweep cut over a sparse vector: a SweepResult with set (best prefix), conductance, best_size, order, and "
      "the profile/volumes/cuts of every prefix.");


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
        return result_to_python(std::move(g));
      },
      py::arg("sizes"), py::arg("p_in") = ContextualSbmOptions{}.p_in, py::arg("p_out") = ContextualSbmOptions{}.p_out,
      py::arg("dims") = ContextualSbmOptions{}.dims, py::arg("mu") = ContextualSbmOptions{}.mu,
      py::arg("sigma") = ContextualSbmOptions{}.sigma, py::arg("seed") = ContextualSbmOptions{}.seed,
      "Contextual SBM: an AttributedPlantedGraph (graph, labels, features) with Gaussian features whose mean is mu along axis (block mod dims).");
}

}  // namespace graphclust::python
