// libFuzzer target: the sparse "node dim value" features reader with its "# dims:" header, against
// a graph with integer ids or one with names (chosen by the first byte).
#include <cmath>
#include <cstdint>

#include "fuzz_common.hpp"
#include "graphclust/io/io.hpp"

using namespace graphclust;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const Graph& graph = fuzz::lookup_graph(data[0]);
  try {
    const FeatureMatrix x = read_features_text(fuzz::as_text(data + 1, size - 1), "fuzz.features", graph, fuzz::kMemoryLimit);
    fuzz::require(x.rows() == static_cast<Eigen::Index>(graph.num_nodes()) && x.cols() >= 1, "n x dims matrix");
    fuzz::require(x.allFinite(), "finite features");
  } catch (const Error&) {
    // A typed error is the documented answer to bad input.
  }
  return 0;
}
