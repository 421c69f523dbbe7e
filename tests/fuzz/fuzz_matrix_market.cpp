// libFuzzer target: the Matrix Market reader (banner, size line, 1-based indices, pattern and real
// fields, symmetric and general) under every combination of ReadOptions from the first two bytes.
#include <cstdint>

#include "fuzz_common.hpp"
#include "graphclust/io/io.hpp"

using namespace graphclust;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const ReadOptions options = fuzz::options_from(data[0], data[1]);
  try {
    const Graph g = read_matrix_market_text(fuzz::as_text(data + 2, size - 2), "fuzz.mtx", options);
    fuzz::check_graph(g);
    fuzz::require(!g.has_names(), "Matrix Market graphs have no names");
  } catch (const Error&) {
    // A typed error is the documented answer to bad input.
  }
  return 0;
}
