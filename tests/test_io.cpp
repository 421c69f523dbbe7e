#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/io/io.hpp"

using namespace graphclust;
namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("graphclust_io_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name, const std::string& contents = "") const {
    const std::string p = (path_ / name).string();
    if (!contents.empty()) std::ofstream(p, std::ios::binary) << contents;
    return p;
  }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(path_), fs::directory_iterator())); }

 private:
  fs::path path_;
};

/// Parses and expects a ParseError whose message names `line` and contains `needle`.
void expect_parse_error(const std::string& text, std::size_t line, const std::string& needle, ReadOptions o = {}) {
  try {
    parse_edge_list(text, "g.txt", o);
    ADD_FAILURE() << "no error for: " << text;
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_NE(std::string(e.what()).find("g.txt:" + std::to_string(line) + ":"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(EdgeListParser, SnapStyleCommentsSeparatorsAndWeights) {
  const auto p = parse_edge_list("# SNAP header\n% another comment\n0\t1\n1 2\n\n2,3\n  3   0  \r\n", "g.txt");
  EXPECT_EQ(p.edges.sources, (std::vector<NodeId>{0, 1, 2, 3}));
  EXPECT_EQ(p.edges.targets, (std::vector<NodeId>{1, 2, 3, 0}));
  EXPECT_TRUE(p.edges.weights.empty());
  EXPECT_TRUE(p.edges.names.empty());
  const auto w = parse_edge_list("0 1 0.5\n1 2 2e1\n", "g.txt");
  EXPECT_EQ(w.edges.weights, (std::vector<Weight>{0.5f, 20.0f}));
}

TEST(EdgeListParser, HeaderGivesDirectionAndIsolatedNodes) {
  TempDir dir;
  const std::string path = dir.file("g.txt", "# directed: true\n# nodes: 6\n# edges: 2\n# weighted: false\n0 1\n2 1\n");
  const Graph g = read_edge_list(path);
  EXPECT_TRUE(g.directed());
  EXPECT_EQ(g.num_nodes(), 6u);
  EXPECT_EQ(g.num_edges(), 2u);
  ReadOptions undirected;
  undirected.directed = false;
  EXPECT_FALSE(read_edge_list(path, undirected).directed());
}

TEST(EdgeListParser, ColumnCountComesFromTheFirstDataLine) {
  expect_parse_error("alice bob\nbob carol 2\n", 2, "expected 2 columns");
}

TEST(EdgeListParser, NamesRoundTrip) {
  TempDir dir;
  const std::string path = dir.file("names.txt", "alice bob\nbob carol\ncarol alice\ndave alice\n");
  const Graph g = read_edge_list(path);
  ASSERT_TRUE(g.has_names());
  EXPECT_EQ(g.names(), (std::vector<std::string>{"alice", "bob", "carol", "dave"}));
  EXPECT_EQ(g.num_edges(), 4u);
  const std::string out = dir.file("out.txt");
  write_edge_list(g, out);
  const Graph again = read_edge_list(out);
  EXPECT_EQ(again.names(), g.names());
  EXPECT_EQ(again.out().targets, g.out().targets);
}

TEST(EdgeListParser, MixedIntegerAndNameTokensBecomeNames) {
  const auto p = parse_edge_list("1 2\n2 x\n", "g.txt");
  EXPECT_EQ(p.edges.names, (std::vector<std::string>{"1", "2", "x"}));
  ReadOptions strict;
  strict.ids = IdMode::Integer;
  expect_parse_error("1 2\n2 x\n", 2, "malformed node id 'x'", strict);
}

TEST(EdgeListParser, SparseIntegerIdsAreCompactedAsNames) {
  const auto p = parse_edge_list("1000000 2000000\n2000000 3000000\n", "g.txt");
  EXPECT_EQ(p.edges.names.size(), 3u);
  ReadOptions ints;
  ints.ids = IdMode::Integer;
  EXPECT_EQ(parse_edge_list("1000000 2000000\n", "g.txt", ints).edges.num_nodes, 2000001u);
}

TEST(EdgeListParser, ErrorsNameFileLineAndProblem) {
  ReadOptions ints;
  ints.ids = IdMode::Integer;
  expect_parse_error("0 1\n# c\n1 2x\n", 3, "malformed node id '2x'", ints);
  expect_parse_error("0 1\n1\n", 2, "expected 2 columns", ints);
  expect_parse_error("0 1 1.0\n1 2\n", 2, "expected 3 columns", ints);
  expect_parse_error("0 1 1.0\n1 2 abc\n", 2, "malformed weight 'abc'");
  expect_parse_error("0 1 1.0\n1 2 -3\n", 2, "negative weight '-3'");
  expect_parse_error("0 1 1.0\n1 2 nan\n", 2, "not a finite number");
  expect_parse_error("0 1\n1 -2\n", 2, "malformed node id '-2'", ints);
  expect_parse_error("0 1\n1 4294967296\n", 2, "32-bit", ints);
  expect_parse_error("0 1\n1 99999999999999999999999\n", 2, "overflows", ints);
  expect_parse_error("0 1 2 3\n", 1, "expected 2 or 3 columns");
  expect_parse_error("# nodes: 2\n0 5\n", 0, "out of range", ints);
  ReadOptions negative;
  negative.allow_negative_weights = true;
  EXPECT_EQ(parse_edge_list("0 1 -3\n", "g.txt", negative).edges.weights[0], -3.0f);
}

TEST(EdgeListParser, ErrorLineIsExactAcrossParallelChunks) {
  std::string text;
  for (int i = 0; i < 1500000; ++i) text += std::to_string(i % 1000) + " " + std::to_string((i * 7) % 1000) + "\n";
  text += "5 oops\n";
  for (int i = 0; i < 1000; ++i) text += "1 2\n";
  ReadOptions ints;
  ints.ids = IdMode::Integer;
  ASSERT_GT(text.size(), 2u << 22);  // several chunks
  expect_parse_error(text, 1500001, "'oops'", ints);
}

TEST(EdgeListParser, SameResultForAnyThreadCount) {
  std::string text;
  for (int i = 0; i < 600000; ++i) text += std::to_string(i % 5000) + "\t" + std::to_string((i * 13) % 5000) + " 1.5\n";
  auto parse = [&](int threads) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, threads);
    return parse_edge_list(text, "g.txt");
  };
  const auto a = parse(1), b = parse(2);
  EXPECT_EQ(a.edges.sources, b.edges.sources);
  EXPECT_EQ(a.edges.targets, b.edges.targets);
  EXPECT_EQ(a.edges.weights, b.edges.weights);
  EXPECT_EQ(a.edges.sources.size(), 600000u);
}

TEST(EdgeListParser, EmptyAndMissingFiles) {
  TempDir dir;
  EXPECT_THROW(read_edge_list(dir.file("empty.txt", "# only a comment\n")), ParseError);
  std::ofstream(dir.file("zero.txt"));
  EXPECT_THROW(read_edge_list(dir.file("zero.txt")), ParseError);
  EXPECT_THROW(read_edge_list(dir.file("missing.txt")), IoError);
  // Only isolated nodes is a legitimate graph.
  EXPECT_EQ(read_edge_list(dir.file("iso.txt", "# nodes: 3\n")).num_nodes(), 3u);
}

TEST(MatrixMarket, PatternSymmetricAndRealGeneral) {
  const auto sym = parse_matrix_market("%%MatrixMarket matrix coordinate pattern symmetric\n% c\n3 3 2\n2 1\n3 2\n", "m.mtx");
  EXPECT_EQ(sym.directed_hint, false);
  EXPECT_EQ(sym.edges.sources, (std::vector<NodeId>{1, 2}));
  EXPECT_EQ(sym.edges.targets, (std::vector<NodeId>{0, 1}));
  EXPECT_EQ(sym.edges.num_nodes, 3u);
  const auto gen = parse_matrix_market("%%MatrixMarket matrix coordinate real general\n4 4 1\n1 4 2.5\n", "m.mtx");
  EXPECT_EQ(gen.directed_hint, true);
  EXPECT_EQ(gen.edges.weights, (std::vector<Weight>{2.5f}));
  EXPECT_EQ(gen.edges.num_nodes, 4u);
  EXPECT_THROW(parse_matrix_market("%%MatrixMarket matrix coordinate real general\n3 4 1\n1 2 1\n", "m.mtx"), ParseError);
  EXPECT_THROW(parse_matrix_market("%%MatrixMarket matrix coordinate real general\n3 3 2\n1 2 1\n", "m.mtx"), ParseError);
  EXPECT_THROW(parse_matrix_market("%%MatrixMarket matrix coordinate real general\n3 3 1\n0 2 1\n", "m.mtx"), ParseError);
  EXPECT_THROW(parse_matrix_market("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 4 1\n", "m.mtx"), ParseError);
  EXPECT_THROW(parse_matrix_market("%%MatrixMarket matrix array real general\n3 3\n", "m.mtx"), ParseError);
  EXPECT_THROW(parse_matrix_market("%%MatrixMarket matrix coordinate complex general\n3 3 1\n1 1 1 1\n", "m.mtx"), ParseError);
  TempDir dir;
  const Graph g = read_graph(dir.file("m.mtx", "%%MatrixMarket matrix coordinate integer symmetric\n3 3 2\n2 1 3\n3 3 1\n"));
  EXPECT_FALSE(g.directed());
  EXPECT_EQ(g.num_edges(), 2u);
  EXPECT_EQ(g.num_self_loops(), 1u);
}

TEST(BinaryCache, RoundTripsExactlyAndRejectsCorruption) {
  TempDir dir;
  EdgeList e;
  e.sources = {0, 1, 2};
  e.targets = {1, 2, 0};
  e.weights = {1, 2, 3};
  e.names = {"a", "b", "c"};
  const Graph g = build_graph(e, {.directed = true});
  const std::string path = dir.file("g.gcsr");
  save_binary(g, path);
  const Graph back = read_graph(path);
  EXPECT_TRUE(back.directed());
  EXPECT_EQ(back.out().offsets, g.out().offsets);
  EXPECT_EQ(back.out().targets, g.out().targets);
  EXPECT_EQ(back.out().weights, g.out().weights);
  EXPECT_EQ(back.in().targets, g.in().targets);
  EXPECT_EQ(back.names(), g.names());
  EXPECT_DOUBLE_EQ(back.total_volume(), g.total_volume());
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_THROW(load_binary(dir.file("cut.gcsr", bytes.substr(0, bytes.size() - 5))), ParseError);
  EXPECT_THROW(load_binary(dir.file("bad.gcsr", "not a graph at all......................")), ParseError);
}

TEST(LabelsAndFeatures, ReadWriteWithNamesAndErrors) {
  TempDir dir;
  EdgeList e;
  e.sources = {0, 1};
  e.targets = {1, 2};
  e.names = {"x", "y", "z"};
  const Graph g = build_graph(e);
  const auto labels = read_labels(dir.file("l.txt", "# comment\nx 1\nz 0\n"), g);
  EXPECT_EQ(labels, (std::vector<std::int32_t>{1, -1, 0}));
  EXPECT_THROW(read_labels(dir.file("bad1.txt", "w 1\n"), g), ParseError);
  EXPECT_THROW(read_labels(dir.file("bad2.txt", "x one\n"), g), ParseError);
  EXPECT_THROW(read_labels(dir.file("bad3.txt", "x -4\n"), g), ParseError);
  const std::string out = dir.file("clusters.txt");
  write_labels(out, g, std::vector<std::int32_t>{2, 0, 1}, {"made by a test"});
  EXPECT_EQ(read_labels(out, g), (std::vector<std::int32_t>{2, 0, 1}));

  const FeatureMatrix f = read_features(dir.file("f.txt", "# nodes: 3\n# dims: 4\n# format: sparse\nx 0 1.5\nz 3 -2\n"), g);
  EXPECT_EQ(f.rows(), 3);
  EXPECT_EQ(f.cols(), 4);
  EXPECT_FLOAT_EQ(f(0, 0), 1.5f);
  EXPECT_FLOAT_EQ(f(2, 3), -2.0f);
  EXPECT_FLOAT_EQ(f(1, 1), 0.0f);
  const std::string fout = dir.file("f2.txt");
  write_features(fout, g, f);
  EXPECT_TRUE(read_features(fout, g) == f);
  try {
    read_features(dir.file("nan.txt", "# dims: 2\nx 0 1\ny 1 nan\n"), g);
    FAIL();
  } catch (const ParseError& err) {
    EXPECT_EQ(err.line(), 3u);
  }
  EXPECT_THROW(read_features(dir.file("nodims.txt", "x 0 1\n"), g), ParseError);
  EXPECT_THROW(read_features(dir.file("range.txt", "# dims: 2\nx 2 1\n"), g), ParseError);
}

TEST(AtomicWrites, FailuresLeaveNoPartialFile) {
  TempDir dir;
  const Graph g = stochastic_block_model({{10, 10}, 0.5, 0.1}).graph;
  EXPECT_THROW(write_labels(dir.file("out.txt"), g, std::vector<std::int32_t>{1, 2}), InvalidArgument);
  EXPECT_THROW(write_edge_list(g, dir.file("no/such/dir/out.txt")), IoError);
  EXPECT_EQ(dir.entries(), 0u);
  write_file_atomically(dir.file("ok.txt"), "hello");
  write_file_atomically(dir.file("ok.txt"), "again");  // replaces, never appends
  std::ifstream in(dir.file("ok.txt"));
  std::string s;
  in >> s;
  EXPECT_EQ(s, "again");
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(SharedGraphs, KarateLoadsWithLabelsWhenPresent) {
  const fs::path karate = fs::path(GRAPHCLUST_SOURCE_DIR) / ".." / "shared" / "graphs" / "karate";
  if (!fs::exists(karate / "edges.txt")) GTEST_SKIP() << "../shared/graphs absent";
  const Graph g = read_graph((karate / "edges.txt").string());
  EXPECT_EQ(g.num_nodes(), 34u);
  EXPECT_EQ(g.num_edges(), 78u);
  const auto labels = read_labels((karate / "labels.txt").string(), g);
  EXPECT_EQ(labels.size(), 34u);
}

TEST(EdgeListParser, RandomGarbageGivesTypedErrorsNeverCrashes) {
  // A cheap stand-in for a fuzzer: short texts from the parser's own alphabet hit every branch.
  const std::string alphabet = "0123456789 \t,#%\n\r.-+exnaif%%MatrixMarket";
  Rng rng(12345);
  int parsed = 0, rejected = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const std::size_t length = rng.below(60);
    for (std::size_t i = 0; i < length; ++i) text += alphabet[rng.below(alphabet.size())];
    for (bool mtx : {false, true}) {
      try {
        const auto p = mtx ? parse_matrix_market(text, "fuzz") : parse_edge_list(text, "fuzz");
        EXPECT_EQ(p.edges.sources.size(), p.edges.targets.size());
        ++parsed;
      } catch (const Error&) {
        ++rejected;
      }
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(rejected, 0);
}

// --- issue 17, defects 2-4 -------------------------------------------------------------------------

TEST(EdgeListParser, Utf8ByteOrderMarkIsStripped) {
  // With the BOM read as part of the first token, "0" became a name and every id a name with it.
  const auto p = parse_edge_list("\xEF\xBB\xBF" "0 1\n1 2\n", "g.txt");
  EXPECT_TRUE(p.edges.names.empty());
  EXPECT_EQ(p.edges.sources, (std::vector<NodeId>{0, 1}));
  const auto h = parse_edge_list("\xEF\xBB\xBF# directed: true\n# nodes: 4\n0 1\n", "g.txt");
  EXPECT_EQ(h.directed_hint, std::optional<bool>(true));
  EXPECT_EQ(h.edges.num_nodes, 4u);
  const auto named = parse_edge_list("\xEF\xBB\xBF" "a b\n", "g.txt");
  EXPECT_EQ(named.edges.names, (std::vector<std::string>{"a", "b"}));

  TempDir dir;
  const Graph g = read_edge_list(dir.file("g.txt", "\xEF\xBB\xBF" "0 1\n1 2\n"));
  EXPECT_FALSE(g.has_names());
  EXPECT_EQ(read_labels(dir.file("l.txt", "\xEF\xBB\xBF" "0 1\n1 1\n2 0\n"), g), (std::vector<std::int32_t>{1, 1, 0}));
  const FeatureMatrix f = read_features(dir.file("f.txt", "\xEF\xBB\xBF# nodes: 3\n# dims: 2\n0 1 2.5\n"), g);
  EXPECT_EQ(f.cols(), 2);
  EXPECT_FLOAT_EQ(f(0, 1), 2.5f);
  const Graph mtx = read_matrix_market(
      dir.file("g.mtx", "\xEF\xBB\xBF%%MatrixMarket matrix coordinate pattern symmetric\n2 2 1\n2 1\n"));
  EXPECT_EQ(mtx.num_edges(), 1u);
}

TEST(EdgeListParser, NamesMustBeValidUtf8) {
  const std::string bad[] = {"\xFF", "a\xC3", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "ab\x80"};
  for (const std::string& name : bad) {
    expect_parse_error("a b\nc " + name + "\n", 2, "not valid UTF-8");
    ReadOptions names;
    names.ids = IdMode::Names;
    expect_parse_error("x y\n" + name + " z\n", 2, "not valid UTF-8", names);
  }
  try {
    parse_edge_list("a \xFF\n", "g.txt");
  } catch (const ParseError& e) {  // the message itself stays valid UTF-8: the byte is named, not copied
    EXPECT_NE(std::string(e.what()).find("byte 0xFF at position 1"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\xFF'), std::string::npos);
  }
  const auto ok = parse_edge_list("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\n\xF0\x9F\x98\x80 x\n", "g.txt");
  EXPECT_EQ(ok.edges.names.size(), 4u);
  EXPECT_EQ(ok.edges.names[0], "caf\xC3\xA9");
}

TEST(EdgeListParser, AutoIdsWarnOnceWhenATokenTurnsEveryIdIntoAName) {
  std::vector<std::string> warnings;
  ReadOptions o;
  o.warning = [&](std::string_view message) { warnings.emplace_back(message); };
  const auto p = parse_edge_list("# c\n0 1\n1 2\n2 x7\n3 y\n", "g.txt", o);
  EXPECT_EQ(p.edges.names.size(), 6u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("g.txt:4:"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("'x7'"), std::string::npos) << warnings[0];
  EXPECT_EQ(warnings[0].find('\n'), std::string::npos);

  warnings.clear();
  parse_edge_list("0 1\n1 2\n", "g.txt", o);  // integers: nothing to say
  o.ids = IdMode::Names;
  parse_edge_list("0 1\n1 x\n", "g.txt", o);  // asked for names: nothing to say
  EXPECT_TRUE(warnings.empty());
  // The library itself never prints: without a callback the same input is simply read.
  testing::internal::CaptureStderr();
  parse_edge_list("0 1\n1 x\n", "g.txt");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(EdgeListParser, AutoIdsWarningNamesTheFirstTokenAcrossParallelChunks) {
  std::string text;
  for (int i = 0; i < 400000; ++i) text += std::to_string(i) + " " + std::to_string(i + 1) + "\n";
  text += "oops 1\n";
  for (int i = 0; i < 400000; ++i) text += "later" + std::to_string(i) + " 1\n";
  std::vector<std::string> warnings;
  ReadOptions o;
  o.warning = [&](std::string_view message) { warnings.emplace_back(message); };
  parse_edge_list(text, "big.txt", o);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("big.txt:400001: 'oops'"), std::string::npos) << warnings[0];
}
