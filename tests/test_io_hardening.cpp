// Regression tests for what the reader fuzzers (tests/fuzz/) found or were written against, and for
// the in-memory entry points they drive. Each test names the input shape that used to fail.
#include <gtest/gtest.h>

#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/io/io.hpp"

using namespace graphclust;

namespace {

/// Expects a ParseError whose message contains `needle`.
template <class F>
void expect_parse_error(F&& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no ParseError (expected one mentioning '" << needle << "')";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

Graph named_path() {
  EdgeList e;
  e.sources = {0, 1};
  e.targets = {1, 2};
  e.names = {"x", "y", "z"};
  return build_graph(e);
}

}  // namespace

TEST(InMemoryReaders, AgreeWithTheFileFormats) {
  const Graph g = read_edge_list_text("# directed: true\na b 2\nb c 0.5\n", "mem.txt");
  EXPECT_TRUE(g.directed());
  EXPECT_EQ(g.num_nodes(), 3u);
  EXPECT_TRUE(g.weighted());
  const Graph m = read_matrix_market_text("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 2\n", "mem.mtx");
  EXPECT_EQ(m.num_edges(), 2u);
  EXPECT_FALSE(m.directed());
  const Graph p = named_path();
  EXPECT_EQ(read_labels_text("x 1\nz 0\n", "mem.labels", p), (std::vector<std::int32_t>{1, -1, 0}));
  const FeatureMatrix f = read_features_text("# dims: 2\ny 1 4\n", "mem.features", p);
  EXPECT_FLOAT_EQ(f(1, 1), 4.0f);
  expect_parse_error([] { read_edge_list_text("0 1 x\n", "mem.txt"); }, "mem.txt:1:");
  expect_parse_error([] { load_binary_bytes("GCSRv001", "mem.gcsr"); }, "truncated");
}

// Found while writing fuzz_edge_list and fuzz_matrix_market (libFuzzer's 2 GB limit would report it
// at once): a few bytes declaring billions of nodes (a
// "# nodes:" header, a Matrix Market size line, or one large id in Integer mode) made build_graph
// allocate tens of GB of offsets for isolated nodes, ending in bad_alloc or the OOM killer.
TEST(ReaderMemoryLimits, DeclaredNodeCountsBeyondTheLimitAreParseErrors) {
  ReadOptions small;
  small.memory_limit = 1 << 20;
  expect_parse_error([&] { read_edge_list_text("# nodes: 4000000000\n0 1\n", "big.txt", small); }, "big.txt:0:");
  ReadOptions integer = small;
  integer.ids = IdMode::Integer;
  expect_parse_error([&] { read_edge_list_text("0 4294967000\n", "ids.txt", integer); }, "nodes needs about");
  expect_parse_error([&] { read_matrix_market_text("%%MatrixMarket matrix coordinate pattern general\n4000000000 4000000000 0\n",
                                                   "big.mtx", small); }, "big.mtx:0:");
  // Below the limit the same shapes still work: isolated nodes are legitimate.
  EXPECT_EQ(read_edge_list_text("# nodes: 1000\n0 1\n", "ok.txt", small).num_nodes(), 1000u);
}

// Found while writing fuzz_features, likewise: "# dims: 99999999999" on a sparse file asked Eigen
// for a dense matrix of hundreds of GB (std::bad_alloc, not a typed error).
TEST(ReaderMemoryLimits, FeatureDimsBeyondTheLimitAreParseErrors) {
  const Graph p = named_path();
  expect_parse_error([&] { read_features_text("# dims: 99999999999\nx 0 1\n", "f.txt", p); }, "f.txt:1:");
  expect_parse_error([&] { read_features_text("# dims: 1000000\nx 0 1\n", "f.txt", p, 1 << 20); }, "3 x 1000000 features");
  EXPECT_EQ(read_features_text("# dims: 1000\nx 0 1\n", "f.txt", p, 1 << 20).cols(), 1000);
}

