// Issue 17, resource limits and cancellation:
//   * a graph or option that needs more memory than the machine has is a ResourceError before any
//     allocation (file headers, Matrix Market size lines, feature dims, widths, dense n x n blocks);
//   * every iterative method has a cap and says in its result whether it converged;
//   * a Progress callback that throws Cancelled stops every method that reports progress, from the
//     first report on, and the exception arrives as Cancelled (also from TBB worker threads).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "graphclust/contrastive/contrastive.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/digrac/digrac.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/io/io.hpp"
#include "graphclust/kernels/kmeans.hpp"
#include "graphclust/local/local.hpp"
#include "graphclust/methods/registry.hpp"
#include "graphclust/spectral/spectral.hpp"
#include "graphclust/tv/tv.hpp"
#include "io/files.hpp"

using namespace graphclust;
namespace fs = std::filesystem;

namespace {

std::string temp_file(const std::string& name, const std::string& contents) {
  const fs::path dir = fs::temp_directory_path() / "graphclust_limits";
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

/// Runs f and expects a ResourceError whose message says what was asked, or skips when this machine
/// really has `bytes` of memory (then the request is legitimate and would be allocated).
template <class F>
void expect_refused(double bytes, const std::string& needle, F&& f) {
  if (bytes <= static_cast<double>(detail::available_memory_bytes())) {
    ADD_FAILURE() << "this machine has room for " << bytes << " bytes; the test needs a larger request";
    return;
  }
  try {
    f();
    ADD_FAILURE() << "no ResourceError for " << needle;
  } catch (const ResourceError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(needle), std::string::npos) << what;
    EXPECT_NE(what.find("GiB"), std::string::npos) << what;
    EXPECT_NE(what.find("available"), std::string::npos) << what;
    EXPECT_GT(e.needed_bytes(), e.available_bytes());
  }
}

Graph ring(NodeId n, bool directed = false) {
  EdgeList e;
  e.num_nodes = n;
  for (NodeId i = 0; i < n; ++i) {
    e.sources.push_back(i);
    e.targets.push_back((i + 1) % n);
  }
  return build_graph(e, {.directed = directed});
}

constexpr double kPetabyte = 1e15;

}  // namespace

TEST(ResourceLimits, RequireMemoryNamesTheRequestAndTheMachine) {
  EXPECT_GT(detail::available_memory_bytes(), 0u);
  EXPECT_NO_THROW(detail::require_memory(1024, "test", "a kilobyte"));
  expect_refused(kPetabyte, "test: a petabyte needs", [] { detail::require_memory(kPetabyte, "test", "a petabyte"); });
  // Sizes are computed in double: a product that would overflow 64 bits is still refused.
  EXPECT_THROW(detail::require_memory(1e30, "test", "1e30 bytes"), ResourceError);
}

TEST(ResourceLimits, HugeNodeCountsInHeadersAreRefusedBeforeAllocating) {
  // A two-line file that claims four billion nodes would allocate ~100 GB of offsets and degrees.
  expect_refused(4e9 * 24, "4000000000 nodes", [] {
    read_graph(temp_file("huge_header.txt", "# nodes: 4000000000\n0 1\n"));
  });
  expect_refused(4e9 * 24, "4000000000 nodes", [] {
    read_graph(temp_file("huge.mtx", "%%MatrixMarket matrix coordinate pattern general\n4000000000 4000000000 1\n1 2\n"));
  });
  // The same through build_graph directly (Python's Graph.from_edges(num_nodes=...) path).
  expect_refused(4e9 * 24, "build_graph", [] {
    const std::vector<NodeId> u{0}, v{1};
    build_graph(u, v, {}, 4'000'000'000u);
  });
  // A graph that fits is unaffected.
  EXPECT_EQ(read_graph(temp_file("small_header.txt", "# nodes: 1000\n0 1\n")).num_nodes(), 1000u);
}

TEST(ResourceLimits, HugeFeatureDimsAreRefused) {
  const Graph g = read_graph(temp_file("three.txt", "0 1\n1 2\n"));
  expect_refused(3 * 1e15 * 4, "dims: 1000000000000000", [&] {
    read_features(temp_file("huge.features", "# nodes: 3\n# dims: 1000000000000000\n0 0 1.0\n"), g);
  });
}

TEST(ResourceLimits, HugeWidthsAndDenseBlocksAreRefused) {
  const Graph directed = ring(1000, true);
  DigracOptions d;
  d.hidden = 2'000'000'000;
  expect_refused(1000.0 * 4 * 2 * 2 * 2e9 * 5, "digrac: hidden = 2000000000", [&] { digrac(directed, d); });

  const Graph undirected = ring(1000);
  TvOptions t;
  t.mp_channels = 2'000'000'000;
  expect_refused(1000.0 * 4 * 2 * 2e9 * 2, "tv_clustering: mp_channels = 2000000000", [&] { tv_clustering(undirected, t); });

  // An exact contrastive model on 200k nodes: dense n x n blocks of 160 GB each.
  const Graph large = ring(200'000);
  ContrastiveOptions c;
  c.model = ContrastiveModel::ScgcStar;
  c.max_exact_nodes = 1'000'000;
  expect_refused(8.0 * 2e5 * 2e5 * 4, "contrastive_clustering: model scgc_star", [&] {
    contrastive_clustering(large, AttributeView{}, c);
  });

  // A Krylov space as large as the graph: n x ncv doubles.
  const Graph million = ring(1'000'000);
  SpectralOptions s;
  s.k = 2;
  s.eigen.ncv = 1'000'000;
  s.eigen.solver = EigenSolverKind::Lanczos;
  expect_refused(2e12 * 8, "Lanczos: 1000000 Krylov vectors", [&] { spectral_clustering(million, s); });
}

// ------------------------------------------------------------------------------------------------
// Caps and convergence

TEST(IterationCaps, EveryCappedMethodReportsConvergence) {
  // Every method with a cap option must say in its result whether the cap ended the run.
  const MethodRegistry registry = default_registry();
  for (const MethodInfo* m : registry.list()) {
    bool capped = false;
    for (const auto& o : m->options)
      capped |= o.name == "max_iterations" || o.name == "iterations" || o.name == "max_epochs" || o.name == "max_pushes";
    if (!capped) continue;
    bool has_converged = false;
    for (const auto& f : m->result_fields) has_converged |= f.name == "converged" && f.type == "bool";
    EXPECT_TRUE(has_converged) << m->name << " has an iteration cap but no `converged` result field";
  }
}

TEST(IterationCaps, ReachingTheCapIsReportedAsNotConverged) {
  const PlantedGraph p = stochastic_block_model({{400, 400}, 0.02, 0.005, false, {}, 4});
  const PlantedGraph dp = stochastic_block_model({{400, 400}, 0.02, 0.005, true, {0.0, 0.9, 0.1, 0.0}, 4});

  SpectralOptions s{.k = 2};
  s.eigen.solver = EigenSolverKind::Lanczos;
  s.eigen.max_iterations = 1;
  s.eigen.tolerance = 1e-15;
  EXPECT_FALSE(spectral_clustering(p.graph, s).converged);
  s.eigen.max_iterations = 1000;
  s.eigen.tolerance = 1e-6;
  EXPECT_TRUE(spectral_clustering(p.graph, s).converged);

  HermitianOptions h{.k = 2};
  h.eigen.solver = EigenSolverKind::Lanczos;
  h.eigen.max_iterations = 1;
  h.eigen.tolerance = 1e-15;
  EXPECT_FALSE(hermitian_clustering(dp.graph, h).converged);

  const std::vector<NodeId> seeds{0};
  EXPECT_FALSE(approximate_ppr(p.graph, seeds, {.max_pushes = 1}).converged);
  EXPECT_TRUE(approximate_ppr(p.graph, seeds, {}).converged);
  LocalClusteringOptions lo;
  lo.method = PprOptions{.epsilon = 1e-9, .max_pushes = 1};
  EXPECT_FALSE(local_cluster(p.graph, seeds, lo).converged);
  lo.method = PprOptions{};
  EXPECT_TRUE(local_cluster(p.graph, seeds, lo).converged);
  FlowDiffusionOptions f;
  f.source_mass = 400;
  f.max_iterations = 1;
  f.epsilon = 1e-12;
  EXPECT_FALSE(local_flow_diffusion(p.graph, seeds, f).converged);
  lo.method = f;
  EXPECT_FALSE(local_cluster(p.graph, seeds, lo).converged);

  KMeansOptions km{.k = 2, .n_init = 1, .max_iterations = 1, .tolerance = 0};
  DenseBlock<double> points(6, 1);
  points << 0, 1, 2, 10, 11, 30;
  EXPECT_FALSE(kmeans(points, km).converged);
  km.max_iterations = 100;
  km.tolerance = 1e-4;
  EXPECT_TRUE(kmeans(points, km).converged);

  DigracOptions d{.k = 2, .hidden = 8, .max_epochs = 3};
  EXPECT_FALSE(digrac(dp.graph, d).converged);
  d.max_epochs = 400;
  d.patience = 2;
  d.learning_rate = 1e-9;  // the loss cannot improve: early stopping fires, the run converged
  const DigracResult dr = digrac(dp.graph, d);
  EXPECT_TRUE(dr.stopped_early);
  EXPECT_TRUE(dr.converged);

  TvOptions t{.k = 2, .mp_channels = 8, .mlp_hidden = 8, .max_epochs = 3};
  EXPECT_FALSE(tv_clustering(p.graph, t).converged);
  TvOptions td = TvDirectOptions{};
  td.k = 2;
  td.iterations = 1;
  td.tolerance = 0;
  EXPECT_FALSE(tv_clustering(p.graph, td).converged);
  td.iterations = 100000;
  td.tolerance = 1e-3;
  const TvResult tr = tv_clustering(p.graph, td);
  EXPECT_TRUE(tr.converged);
  EXPECT_LT(tr.epochs, 100000);

  // Contrastive training has a fixed epoch count; converged is DEC's label-stability criterion,
  // checked here against the recorded label history.
  ContrastiveOptions c{.k = 2, .max_epochs = 5, .hidden = "16", .pretrain_epochs = 1, .n_init = 2, .record_labels = true};
  const ContrastiveResult cr = contrastive_clustering(p.graph, AttributeView{}, c);
  const std::size_t n = p.graph.num_nodes();
  ASSERT_EQ(cr.label_history.size(), (static_cast<std::size_t>(cr.epochs) + 1) * n);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < n; ++i)
    changed += cr.label_history[(cr.epochs - 1) * n + i] != cr.label_history[cr.epochs * n + i];
  EXPECT_EQ(cr.converged, changed <= n / 1000);
}

// ------------------------------------------------------------------------------------------------
// Cancellation

TEST(Cancellation, EveryMethodStopsWithCancelledAtItsFirstProgressReport) {
  const PlantedGraph p = stochastic_block_model({{300, 300}, 0.03, 0.005, false, {}, 6});
  const PlantedGraph dp = stochastic_block_model({{300, 300}, 0.03, 0.005, true, {0.0, 0.9, 0.1, 0.0}, 6});
  FeatureMatrix features(600, 2);
  std::vector<std::int32_t> labels(600);
  for (int i = 0; i < 600; ++i) {
    features(i, 0) = static_cast<float>(i % 5);
    features(i, 1) = static_cast<float>(i < 300);
    labels[static_cast<std::size_t>(i)] = i < 300;
  }
  const std::vector<NodeId> seeds{0};
  const MethodRegistry registry = default_registry();
  int reporting = 0;
  for (const MethodInfo* m : registry.list()) {
    SCOPED_TRACE(m->name);
    OptionValues options;
    for (const auto& o : m->options) {  // small learned models (the run is cancelled anyway)
      if (o.name == "hidden" && o.type == OptionType::String) options.emplace_back(o.name, std::string("8"));
      else if (o.name == "hidden" || o.name == "mp_channels" || o.name == "mlp_hidden") options.emplace_back(o.name, std::int64_t{8});
    }
    for (const Graph* g : {&p.graph, &dp.graph}) {
      MethodInput in{.graph = g};
      if (m->takes_seeds) in.seeds = seeds;
      if (m->features == InputUse::Required) in.features = features;
      if (m->labels == InputUse::Required) in.labels = labels;
      int calls = 0;
      in.progress = [&](std::string_view, double) { ++calls; };
      try {
        (void)m->run(in, options);
      } catch (const InvalidArgument&) {
        continue;  // this graph does not suit the method (e.g. Hermitian on undirected)
      }
      if (calls == 0) break;  // the method reports no progress at all (quick, local)
      ++reporting;
      int after = 0;
      in.progress = [&](std::string_view, double) {
        ++after;
        throw Cancelled();
      };
      EXPECT_THROW((void)m->run(in, options), Cancelled);
      EXPECT_EQ(after, 1) << "progress called again after it threw";
      if (m->run_many) {
        const std::vector<std::vector<NodeId>> sets(200, seeds);  // reports from TBB worker threads
        EXPECT_THROW((void)m->run_many(in, sets, options), Cancelled);
      }
      break;
    }
  }
  EXPECT_GE(reporting, 8);  // spectral, hermitian, digrac, tv, tv_direct and the contrastive family
}

TEST(Cancellation, ProgressIsReportedAtLeastOncePerIteration) {
  // Cancellation is only as prompt as the sparsest progress report: every epoch / iteration reports.
  const PlantedGraph p = stochastic_block_model({{300, 300}, 0.03, 0.005, false, {}, 6});
  const PlantedGraph dp = stochastic_block_model({{300, 300}, 0.03, 0.005, true, {0.0, 0.9, 0.1, 0.0}, 6});
  int calls = 0;
  const Progress count = [&](std::string_view, double) { ++calls; };
  (void)tv_clustering(p.graph, TvOptions{.k = 2, .mp_channels = 8, .mlp_hidden = 8, .max_epochs = 7, .patience = 0, .progress = count});
  EXPECT_GE(calls, 7);
  calls = 0;
  TvOptions td = TvDirectOptions{};
  td.iterations = 9;
  td.tolerance = 0;
  td.progress = count;
  (void)tv_clustering(p.graph, td);
  EXPECT_GE(calls, 9);
  calls = 0;
  (void)digrac(dp.graph, {.k = 2, .hidden = 8, .max_epochs = 6, .progress = count});
  EXPECT_GE(calls, 6);
  calls = 0;
  (void)contrastive_clustering(p.graph, AttributeView{},
                               {.k = 2, .max_epochs = 5, .hidden = "8", .pretrain_epochs = 2, .n_init = 1, .progress = count});
  EXPECT_GE(calls, 5 + 2);
  calls = 0;
  SpectralOptions s{.k = 2, .progress = count};
  s.eigen.solver = EigenSolverKind::Lanczos;
  const SpectralResult sr = spectral_clustering(p.graph, s);
  EXPECT_GE(calls, sr.matvecs);  // one report per operator application, inside Spectra's restarts
  calls = 0;
  KMeansOptions km{.k = 2, .n_init = 3, .max_iterations = 50, .tolerance = 0};
  km.progress = count;
  const KMeansResult kr = kmeans(sr.embedding, km);
  EXPECT_GE(calls, kr.iterations);
}

TEST(Cancellation, AnUncommittedAtomicWriteLeavesNothing) {
  // A run cancelled (or failing) while its output is open never renames the temporary into place.
  const fs::path dir = fs::temp_directory_path() / "graphclust_limits_atomic";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "out.txt").string();
  try {
    detail::AtomicWriter out(path);
    out.write(std::string_view("partial"));
    throw Cancelled();
  } catch (const Cancelled&) {
  }
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}
