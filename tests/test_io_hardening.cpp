// Regression tests for what the reader fuzzers (tests/fuzz/) found or were written against, and for
// the in-memory entry points they drive. Each test names the input shape that used to fail.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
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

/// The bytes save_binary() writes for `g`.
std::string cache_bytes(const Graph& g) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("graphclust_hardening_" + std::to_string(::getpid()) + ".gcsr");
  save_binary(g, path.string());
  std::ifstream in(path, std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove(path);
  return bytes;
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
TEST(ReaderMemoryLimits, FeatureDimsBeyondTheLimitAreRefused) {
  const Graph p = named_path();
  // Beyond the machine: a ResourceError (Python's MemoryError) that still names the file and line.
  try {
    read_features_text("# dims: 99999999999\nx 0 1\n", "f.txt", p);
    ADD_FAILURE() << "no ResourceError";
  } catch (const ResourceError& e) {
    EXPECT_NE(std::string(e.what()).find("f.txt:1:"), std::string::npos) << e.what();
  }
  // Beyond a caller's limit (the fuzzers'): a ParseError of the file.
  expect_parse_error([&] { read_features_text("# dims: 1000000\nx 0 1\n", "f.txt", p, 1 << 20); },
                     "3 x 1000000 feature matrix");
  EXPECT_EQ(read_features_text("# dims: 1000\nx 0 1\n", "f.txt", p, 1 << 20).cols(), 1000);
}

// Found by the CI fuzz campaign of fuzz_features: a finite double beyond float32's range
// ("4444...441", 91 digits) passed the finiteness check and was stored as inf.
TEST(ReaderValues, FeatureValuesBeyondFloat32AreParseErrors) {
  const Graph p = named_path();
  expect_parse_error([&] { read_features_text("# dims: 2\nx 0 1\ny 1 -4e39\n", "f.txt", p); }, "f.txt:3:");
  expect_parse_error([&] { read_features_text("# dims: 1\nx 0 " + std::string(90, '4') + "1\n", "f.txt", p); },
                     "outside the float32 range");
  EXPECT_FLOAT_EQ(read_features_text("# dims: 1\nx 0 3e38\n", "f.txt", p)(0, 0), 3e38f);
}

// Found by fuzz_binary (UBSan): loading the cache of a graph without edges called
// memcpy(nullptr, ..., 0) for the empty target array, which is undefined behaviour.
TEST(BinaryCacheHardening, EdgelessGraphRoundTrips) {
  EdgeList e;
  e.num_nodes = 5;
  for (bool directed : {false, true}) {
    const Graph back = load_binary_bytes(cache_bytes(build_graph(e, {.directed = directed})), "empty.gcsr");
    EXPECT_EQ(back.num_nodes(), 5u);
    EXPECT_EQ(back.num_arcs(), 0u);
    EXPECT_EQ(back.directed(), directed);
  }
}

// Found by fuzz_binary: a cache with a flipped target id loaded as an asymmetric "undirected" graph
// (rows unsorted, in-adjacency not the transpose), silently giving wrong degrees and results. Now
// every truncation and every single-bit flip of a cache either fails with a ParseError or gives
// back the same adjacency. Two flips stay undetectable without a checksum in the format: one inside
// a name's bytes can give another valid name, and one in an undirected self-loop's weight (the
// only weight stored once) gives another finite weight.
TEST(BinaryCacheHardening, TruncatedAndBitFlippedCachesAreParseErrors) {
  EdgeList e;
  e.sources = {0, 1, 2, 2, 3};
  e.targets = {1, 2, 0, 3, 3};
  e.weights = {0.5f, 2, 1, 4, 1.5f};
  e.names = {"a", "b", "c", "d"};
  for (bool directed : {false, true}) {
    const Graph g = build_graph(e, {.directed = directed});
    const std::string bytes = cache_bytes(g);
    for (std::size_t cut = 0; cut < bytes.size(); ++cut)
      EXPECT_THROW(load_binary_bytes(bytes.substr(0, cut), "cut.gcsr"), ParseError) << cut;
    std::size_t loaded = 0;
    for (std::size_t bit = 0; bit < 8 * bytes.size(); ++bit) {
      std::string flipped = bytes;
      flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
      try {
        const Graph back = load_binary_bytes(flipped, "flip.gcsr");
        ++loaded;
        EXPECT_EQ(back.directed(), g.directed()) << bit;
        EXPECT_EQ(back.out().offsets, g.out().offsets) << bit;
        EXPECT_EQ(back.out().targets, g.out().targets) << bit;
        EXPECT_EQ(back.in().targets, g.in().targets) << bit;
        ASSERT_EQ(back.out().weights.size(), g.out().weights.size()) << bit;
        for (NodeId u = 0; u < g.num_nodes(); ++u)
          for (EdgeOffset a = g.out().offsets[u]; a < g.out().offsets[u + 1]; ++a)
            if (directed || g.out().targets[a] != u) EXPECT_EQ(back.out().weights[a], g.out().weights[a]) << bit;
        if (directed) EXPECT_EQ(back.in().weights, g.in().weights) << bit;
      } catch (const ParseError&) {
      }
    }
    EXPECT_LT(loaded, 8 * 4 + 32u) << "only flips inside the names' characters or a self-loop weight may load";
  }
}
