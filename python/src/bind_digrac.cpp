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
}

}  // namespace graphclust::python
