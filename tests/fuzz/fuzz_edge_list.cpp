// libFuzzer target: the edge-list reader (delimiters, weights, names, headers, comments) under every
// combination of ReadOptions, chosen by the first two input bytes so that one corpus covers them all.
#include <cstdint>

#include "fuzz_common.hpp"
#include "graphclust/io/io.hpp"

using namespace graphclust;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  ReadOptions options = fuzz::options_from(data[0], data[1]);
  bool warned = false;
  options.warning = [&](std::string_view message) { warned = !message.empty(); };
  const std::string_view text = fuzz::as_text(data + 2, size - 2);
  try {
    const Graph g = read_edge_list_text(text, "fuzz.txt", options);
    fuzz::check_graph(g);
    fuzz::require(!options.ignore_weights || !g.weighted(), "ignore_weights gives an unweighted graph");
    fuzz::require(options.ids != IdMode::Integer || !g.has_names(), "Integer mode has no names");
  } catch (const Error&) {
    // A typed error is the documented answer to bad input.
  }
  fuzz::require(!warned || options.ids == IdMode::Auto, "only Auto mode warns about a switch to names");
  return 0;
}
