// libFuzzer target: the binary .gcsr cache. The corpus holds valid caches; libFuzzer's mutations
// truncate them and flip bits, and every such cache must load as a valid graph or be a ParseError.
#include <cstdint>

#include "fuzz_common.hpp"
#include "graphclust/io/io.hpp"

using namespace graphclust;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const Graph g = load_binary_bytes(fuzz::as_text(data, size), "fuzz.gcsr");
    fuzz::check_graph(g);
  } catch (const Error&) {
    // A typed error is the documented answer to a damaged cache.
  }
  return 0;
}
