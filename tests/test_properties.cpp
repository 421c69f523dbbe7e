// Properties every registered method must have (issue 17). The tests iterate over default_registry(),
// so a method added later is covered without new code here:
//   * the same ResultRecord, bit for bit, for 1, 2 and 3 threads and for a repeated run;
//   * on degenerate graphs (empty, one node, star, disconnected, self-loops only, duplicate edges, a
//     huge-degree hub; directed and undirected) a result without NaN, or a graphclust::Error: never
//     a crash, another exception type or a hang.
// Learned methods run with tiny sizes, chosen by option name (epochs, widths, restarts) through the
// registry's own option mechanism, so the suite stays fast without knowing any method.
#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "threads.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/methods/registry.hpp"

using namespace graphclust;
using graphclust::test_support::with_threads;

namespace {

/// Small values for the options that make a learned method slow, matched by name so that every
/// method (present or future) declaring such an option gets them. Only ever lowers a default.
OptionValues tiny_options(const MethodInfo& method) {
  OptionValues out;
  auto cap = [&](const OptionSpec& o, std::int64_t most) {
    const auto* d = std::get_if<std::int64_t>(&o.default_value);
    if (d && *d > most && o.limits.contains(static_cast<double>(most))) out.emplace_back(o.name, most);
  };
  for (const OptionSpec& o : method.options) {
    const std::string& name = o.name;
    if (o.type == OptionType::Int) {
      if (name.find("epochs") != std::string::npos) cap(o, name.find("pretrain") != std::string::npos ? 1 : 4);
      else if (name == "iterations") cap(o, 30);
      else if (name == "n_init") cap(o, 2);
      else if (name.find("hidden") != std::string::npos || name.find("channels") != std::string::npos ||
               name.find("_dim") != std::string::npos)
        cap(o, 8);
    } else if (o.type == OptionType::String && name.find("hidden") != std::string::npos) {
      out.emplace_back(name, std::string("8"));  // layer widths given as a list
    }
  }
  return out;
}

/// Bitwise equality of two results, NaNs and signed zeros included: "same result" means same bits.
void expect_same_bits(const ResultValue& a, const ResultValue& b, const std::string& where);

void expect_same_bits(const ResultRecord& a, const ResultRecord& b, const std::string& where) {
  ASSERT_EQ(a.type, b.type) << where;
  ASSERT_EQ(a.fields.size(), b.fields.size()) << where;
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    ASSERT_EQ(a.fields[i].name, b.fields[i].name) << where;
    expect_same_bits(a.fields[i].value, b.fields[i].value, where + "." + a.fields[i].name);
  }
}

template <class T>
bool same_bytes(const T* a, const T* b, std::size_t count) {
  return count == 0 || std::memcmp(a, b, count * sizeof(T)) == 0;
}

void expect_same_bits(const ResultValue& a, const ResultValue& b, const std::string& where) {
  ASSERT_EQ(a.index(), b.index()) << where;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b);
        if constexpr (std::is_same_v<T, double>) {
          EXPECT_EQ(std::bit_cast<std::uint64_t>(x), std::bit_cast<std::uint64_t>(y)) << where << ": " << x << " vs " << y;
        } else if constexpr (std::is_same_v<T, std::shared_ptr<ResultRecord>>) {
          ASSERT_TRUE(x && y) << where;
          expect_same_bits(*x, *y, where);
        } else if constexpr (std::is_same_v<T, std::shared_ptr<Graph>>) {
          ASSERT_TRUE(x && y) << where;
          EXPECT_EQ(x->num_nodes(), y->num_nodes()) << where;
          EXPECT_EQ(x->num_edges(), y->num_edges()) << where;
        } else if constexpr (std::is_same_v<T, DenseBlock<double>> || std::is_same_v<T, DenseBlock<float>>) {
          ASSERT_EQ(x.rows(), y.rows()) << where;
          ASSERT_EQ(x.cols(), y.cols()) << where;
          EXPECT_TRUE(same_bytes(x.data(), y.data(), static_cast<std::size_t>(x.size()))) << where;
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          ASSERT_EQ(x.size(), y.size()) << where;
          EXPECT_TRUE(same_bytes(x.data(), y.data(), x.size())) << where;
        } else {
          EXPECT_TRUE(x == y) << where;
        }
      },
      a);
}

/// The first NaN anywhere in a result ("" when none). Infinities are allowed (e.g. a best loss that
/// was never set), NaN never is: it means a 0/0 somewhere that the user would receive as a number.
std::string first_nan(const ResultRecord& r, const std::string& where = "");

std::string first_nan(const ResultValue& v, const std::string& where) {
  return std::visit(
      [&](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, double>) return std::isnan(x) ? where : "";
        else if constexpr (std::is_same_v<T, std::vector<double>>) {
          for (std::size_t i = 0; i < x.size(); ++i)
            if (std::isnan(x[i])) return where + "[" + std::to_string(i) + "]";
          return "";
        } else if constexpr (std::is_same_v<T, DenseBlock<double>> || std::is_same_v<T, DenseBlock<float>>) {
          for (Eigen::Index i = 0; i < x.size(); ++i)
            if (std::isnan(x.data()[i])) return where + "[" + std::to_string(i) + "]";
          return "";
        } else if constexpr (std::is_same_v<T, std::shared_ptr<ResultRecord>>) {
          return x ? first_nan(*x, where) : "";
        } else {
          return "";
        }
      },
      v);
}

std::string first_nan(const ResultRecord& r, const std::string& where) {
  for (const auto& f : r.fields)
    if (std::string at = first_nan(f.value, where + "." + f.name); !at.empty()) return at;
  return "";
}

/// Per-node inputs a method may need, for a graph of n nodes: 3 deterministic feature columns, and
/// labels 1 on every other node.
struct Inputs {
  FeatureMatrix features;
  std::vector<std::int32_t> labels;
  std::vector<NodeId> seeds;
  explicit Inputs(NodeId n) : features(n, 3), labels(n) {
    for (NodeId i = 0; i < n; ++i) {
      features(i, 0) = static_cast<float>(i % 7);
      features(i, 1) = static_cast<float>((i * 13) % 5) - 2.0f;
      features(i, 2) = i % 2 ? 1.0f : 0.0f;
      labels[i] = static_cast<std::int32_t>(i % 2);
    }
    if (n > 0) seeds = {0};
  }
  MethodInput for_method(const MethodInfo& m, const Graph& g) const {
    MethodInput in{.graph = &g};
    if (m.takes_seeds) in.seeds = seeds;
    if (m.features == InputUse::Required) in.features = features;
    if (m.labels == InputUse::Required) in.labels = labels;
    return in;
  }
};

Graph edges_graph(NodeId n, std::vector<std::pair<NodeId, NodeId>> edges, bool directed,
                  std::vector<Weight> weights = {}) {
  EdgeList e;
  e.num_nodes = n;
  for (auto [u, v] : edges) {
    e.sources.push_back(u);
    e.targets.push_back(v);
  }
  e.weights = std::move(weights);
  return build_graph(e, {.directed = directed});
}

struct Degenerate {
  std::string name;
  Graph graph;
};

std::vector<Degenerate> degenerate_graphs(bool directed) {
  std::vector<Degenerate> out;
  out.push_back({"empty", Graph()});
  out.push_back({"single node", edges_graph(1, {}, directed)});
  out.push_back({"single node with a self-loop", edges_graph(1, {{0, 0}}, directed)});
  out.push_back({"two nodes, no edges", edges_graph(2, {}, directed)});
  out.push_back({"one edge", edges_graph(2, {{0, 1}}, directed)});
  std::vector<std::pair<NodeId, NodeId>> star;
  for (NodeId i = 1; i <= 20; ++i) star.push_back({0, i});
  out.push_back({"star", edges_graph(21, star, directed)});
  // Two triangles, a path and two isolated nodes.
  out.push_back({"disconnected", edges_graph(12, {{0, 1}, {1, 2}, {2, 0}, {3, 4}, {4, 5}, {5, 3}, {6, 7}, {7, 8}, {8, 9}},
                                             directed)});
  out.push_back({"self-loops only", edges_graph(6, {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}}, directed)});
  // Every edge three times with weights (summed), plus a reversed copy.
  std::vector<std::pair<NodeId, NodeId>> dup;
  std::vector<Weight> dup_w;
  for (int copy = 0; copy < 3; ++copy)
    for (NodeId i = 0; i < 8; ++i) {
      dup.push_back({i, (i + 1) % 8});
      dup_w.push_back(0.5f + static_cast<float>(copy));
      dup.push_back({(i + 1) % 8, i});
      dup_w.push_back(1.0f);
    }
  out.push_back({"duplicate edges", edges_graph(8, dup, directed, dup_w)});
  // A hub joined to 3000 leaves, and a sparse ring among the leaves.
  std::vector<std::pair<NodeId, NodeId>> hub;
  const NodeId leaves = 3000;
  for (NodeId i = 1; i <= leaves; ++i) {
    hub.push_back({0, i});
    if (i % 3 == 0) hub.push_back({i, i % leaves + 1});
  }
  out.push_back({"huge-degree hub", edges_graph(leaves + 1, hub, directed)});
  // Zero weights everywhere: degrees 0 although edges exist.
  out.push_back({"zero weights", edges_graph(4, {{0, 1}, {1, 2}, {2, 3}}, directed, {0.0f, 0.0f, 0.0f})});
  // Extreme weights: degrees near the float limits, where normalisations underflow or overflow.
  std::vector<std::pair<NodeId, NodeId>> path;
  for (NodeId i = 0; i + 1 < 10; ++i) path.push_back({i, i + 1});
  out.push_back({"tiny weights", edges_graph(10, path, directed, std::vector<Weight>(path.size(), 1e-30f))});
  out.push_back({"huge weights", edges_graph(10, path, directed, std::vector<Weight>(path.size(), 1e30f))});
  return out;
}

/// Runs `method` on `graph` with tiny options: "" when it gave a clean result or a graphclust::Error,
/// otherwise what went wrong.
std::string degenerate_outcome(const MethodInfo& method, const Graph& graph, std::string* error) {
  const Inputs inputs(graph.num_nodes());
  const MethodInput in = inputs.for_method(method, graph);
  const OptionValues options = tiny_options(method);
  try {
    const ResultRecord r = method.run(in, options);
    if (std::string at = first_nan(r, r.type); !at.empty()) return "NaN in " + at;
    if (method.kind == MethodKind::Partition) {
      const auto* labels = r.find("labels");
      if (!labels) return "no labels";
      const auto& l = std::get<std::vector<std::int32_t>>(*labels);
      if (l.size() != graph.num_nodes()) return "labels of size " + std::to_string(l.size());
      for (auto x : l)
        if (x < 0) return "a negative label";
    }
    if (method.run_many && !inputs.seeds.empty()) {
      const std::vector<std::vector<NodeId>> sets = {inputs.seeds, {graph.num_nodes() - 1}, inputs.seeds};
      const auto many = method.run_many(in, sets, options);
      if (many.size() != sets.size()) return "run_many returned " + std::to_string(many.size()) + " results";
      for (const auto& m : many)
        if (std::string at = first_nan(m, m.type); !at.empty()) return "NaN in run_many " + at;
      expect_same_bits(many[0], many[2], method.name + " run_many, same seeds");
    }
  } catch (const Error& e) {
    *error = e.what();
    if (error->empty()) return "a graphclust::Error without a message";
  } catch (const std::exception& e) {
    return std::string("an untyped exception: ") + e.what();
  }
  return "";
}

}  // namespace

TEST(Properties, TinyOptionsAreAcceptedByEveryMethod) {
  // The caps are set through the same mechanism as the CLI's flags: a rejected name or value is a bug
  // in tiny_options, not in the method, and would hide every other test's coverage.
  const MethodRegistry registry = default_registry();
  for (const MethodInfo* m : registry.list()) {
    SCOPED_TRACE(m->name);
    for (const auto& [name, value] : tiny_options(*m)) EXPECT_NE(m->option(name), nullptr) << name;
  }
}

TEST(Properties, DegenerateGraphsGiveAResultOrATypedError) {
  const MethodRegistry registry = default_registry();
  for (bool directed : {false, true}) {
    for (const Degenerate& d : degenerate_graphs(directed)) {
      for (const MethodInfo* m : registry.list()) {
        const std::string what = m->name + " on " + d.name + (directed ? " (directed)" : " (undirected)");
        SCOPED_TRACE(what);
        std::string error;
        const auto start = std::chrono::steady_clock::now();
        const std::string problem = degenerate_outcome(*m, d.graph, &error);
        EXPECT_EQ(problem, "") << what;
        // A loop that never ends is caught by ctest's per-test TIMEOUT; no wall-clock bound here,
        // since correctness tests must pass on a loaded machine and under the sanitizers.
        if (std::getenv("GRAPHCLUST_PROPERTIES_VERBOSE"))
          std::printf("%-60s %s %.2f s\n", what.c_str(), error.empty() ? "result" : error.c_str(),
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
    }
  }
}

TEST(Properties, SameBitsForAnyThreadCountAndRepeatedRuns) {
  // Large enough that parallel loops (grain 2048) really split between threads, small enough for the
  // exact O(n^2) contrastive models; directed with a one-way flow so that direction-based methods run.
  // (Fixed-order reductions over several blocks are covered by test_parallel.cpp.)
  const NodeId block = 2100;
  const PlantedGraph undirected = stochastic_block_model({{block, block}, 0.0025, 0.0003, false, {}, 11});
  const PlantedGraph directed =
      stochastic_block_model({{block, block}, 0.0025, 0.0006, true, {0.0, 0.9, 0.1, 0.0}, 12});
  const MethodRegistry registry = default_registry();
  for (const MethodInfo* m : registry.list()) {
    for (const PlantedGraph* p : {&undirected, &directed}) {
      const std::string what = m->name + (p->graph.directed() ? " (directed)" : " (undirected)");
      SCOPED_TRACE(what);
      const Inputs inputs(p->graph.num_nodes());
      MethodInput in = inputs.for_method(*m, p->graph);
      const std::vector<NodeId> seeds = {1, 5};
      if (m->takes_seeds) in.seeds = seeds;
      OptionValues options = tiny_options(*m);
      if (m->option("seed")) options.emplace_back("seed", std::int64_t{3});
      auto run = [&] { return m->run(in, options); };
      ResultRecord first;
      const auto start = std::chrono::steady_clock::now();
      try {
        first = with_threads(1, run);
      } catch (const InvalidArgument&) {
        continue;  // e.g. Hermitian clustering on an undirected graph: the other graph covers it
      }
      if (std::getenv("GRAPHCLUST_PROPERTIES_VERBOSE"))
        std::printf("%-40s %.2f s\n", what.c_str(),
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      for (int threads : {2, 3, 2}) {
        const ResultRecord again = with_threads(threads, run);
        expect_same_bits(first, again, what + " with " + std::to_string(threads) + " threads");
      }
      if (m->run_many) {
        const std::vector<std::vector<NodeId>> sets = {{1}, {2, 3}, {block + 7}, {9}, {1}};
        auto many = [&] { return m->run_many(in, sets, options); };
        const auto one = with_threads(1, many), two = with_threads(2, many);
        ASSERT_EQ(one.size(), sets.size());
        ASSERT_EQ(two.size(), sets.size());
        for (std::size_t i = 0; i < sets.size(); ++i) {
          expect_same_bits(one[i], two[i], what + " run_many set " + std::to_string(i));
          // A seed set's result is that of a single run, whatever else runs beside it.
          MethodInput single = in;
          single.seeds = sets[i];
          expect_same_bits(one[i], m->run(single, options), what + " run_many vs run, set " + std::to_string(i));
        }
      }
    }
  }
}
