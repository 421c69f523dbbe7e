// libFuzzer target: the "node label" reader, against a graph with integer ids or one with names
// (chosen by the first byte), since node lookup differs between the two.
#include <cstdint>

#include "fuzz_common.hpp"
#include "graphclust/io/io.hpp"

using namespace graphclust;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const Graph& graph = fuzz::lookup_graph(data[0]);
  try {
    const auto labels = read_labels_text(fuzz::as_text(data + 1, size - 1), "fuzz.labels", graph);
    fuzz::require(labels.size() == graph.num_nodes(), "one label per node");
    for (auto label : labels) fuzz::require(label >= -1, "labels are >= -1");
  } catch (const Error&) {
    // A typed error is the documented answer to bad input.
  }
  return 0;
}
