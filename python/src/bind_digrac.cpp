// Python helpers of the DIGRAC family beyond the registry's generated digrac(): the Hermitian
// features, so that a benchmark can hand the very same input to another implementation.
#include "bindings.hpp"
#include "convert.hpp"
#include "graphclust/digrac/digrac.hpp"

namespace graphclust::python {

void bind_digrac(py::module_& m) {
  m.def(
      "hermitian_features",
      [](const Graph& graph, int k, std::uint64_t seed) {
        DenseBlock<float> x;
        {
          py::gil_scoped_release release;
          x = hermitian_features(graph, k, seed);
        }
        return to_numpy(std::move(x));
      },
      py::arg("graph"), py::arg("k"), py::arg("seed") = 0,
      "DIGRAC's input features for a graph without attributes: n x 2k standardised Hermitian eigenvectors.");
  m.def(
      "flow_imbalance_objective",
      [](const Graph& graph, const InArray<std::int32_t>& labels, int k, const std::string& norm,
         const std::string& selection, int num_pairs) {
        const auto l = as_span(labels, "labels");
        const auto n = parse_enum<ImbalanceNorm>(norm, "norm");
        const auto s = parse_enum<ImbalanceSelection>(selection, "selection");
        py::gil_scoped_release release;
        return flow_imbalance_objective(graph, l, k, n, s, num_pairs);
      },
      py::arg("graph"), py::arg("labels"), py::arg("k"), py::arg("norm") = "vol_sum", py::arg("selection") = "sort",
      py::arg("num_pairs") = 0,
      "DIGRAC's objective of a hard partition (1 - the loss of its one-hot assignment), as the paper scores "
      "partitions; higher is better.");
}

}  // namespace graphclust::python
