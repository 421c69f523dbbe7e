#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "graphclust/core/error.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/methods/components.hpp"
#include "graphclust/methods/registry.hpp"
#include "graphclust/metrics/metrics.hpp"
#include "graphclust/spectral/spectral.hpp"

using namespace graphclust;

namespace {
std::vector<std::int32_t> labels_of(const ResultRecord& r) { return std::get<std::vector<std::int32_t>>(*r.find("labels")); }
}  // namespace

TEST(Registry, ComponentsMethodFindsPlantedComponents) {
  // Two SBM blocks with no edges between them: components = blocks.
  const PlantedGraph p = stochastic_block_model({{60, 40}, 0.3, 0.0, false, {}, 1});
  const MethodRegistry registry = default_registry();
  const MethodInfo& method = registry.get("components");
  const MethodInput input{.graph = &p.graph};
  const ResultRecord out = method.run(input, {});
  EXPECT_EQ(out.type, "ComponentsResult");
  EXPECT_DOUBLE_EQ(adjusted_rand_index(p.labels, labels_of(out)), 1.0);
  EXPECT_EQ(labels_of(out)[0], 0);  // canonical numbering: node 0's component is 0
  EXPECT_THROW(method.run(input, {{"k", std::int64_t{3}}}), InvalidArgument);
  EXPECT_THROW(method.run(input, {{"colour", std::string("blue")}}), InvalidArgument);
  EXPECT_THROW(method.run(input, {{"mode", std::string("sideways")}}), InvalidArgument);
  EXPECT_EQ(std::get<std::int64_t>(*method.run(input, {{"mode", std::string("strong")}}).find("count")), 2);
  // The typed call and the registry call agree.
  EXPECT_EQ(component_clustering(p.graph, {.mode = ComponentMode::Strong}).count, 2);
}

TEST(Registry, UnknownMethodListsTheKnownOnes) {
  const MethodRegistry registry = default_registry();
  try {
    registry.get("nope");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("components"), std::string::npos);
  }
  EXPECT_THROW(registry.get("ppr", MethodKind::Partition), InvalidArgument);
  EXPECT_NO_THROW(registry.get("ppr", MethodKind::Local));
}

TEST(Registry, OptionValuesAreConvertedAndChecked) {
  SpectralOptions o;
  set_options(o, {{"k", std::int64_t{3}}, {"tau", std::string("0.5")}, {"readout", std::string("cluster_qr")},
                  {"tolerance", 1e-8}, {"n_init", std::string("4")}, {"seed", std::int64_t{9}}},
              "spectral");
  EXPECT_EQ(o.k, 3);
  EXPECT_DOUBLE_EQ(o.tau, 0.5);
  EXPECT_EQ(o.readout, SpectralReadout::ClusterQR);
  EXPECT_DOUBLE_EQ(o.eigen.tolerance, 1e-8);  // nested options are flattened
  EXPECT_EQ(o.n_init, 4);
  EXPECT_EQ(o.seed, 9u);
  EXPECT_THROW(set_options(o, {{"k", std::string("x1")}}, "spectral"), InvalidArgument);
  EXPECT_THROW(set_options(o, {{"k", 2.5}}, "spectral"), InvalidArgument);
  EXPECT_THROW(set_options(o, {{"k", std::int64_t{1} << 40}}, "spectral"), InvalidArgument);
  EXPECT_THROW(set_options(o, {{"seed", std::int64_t{-1}}}, "spectral"), InvalidArgument);
  EXPECT_THROW(set_options(o, {{"readout", std::string("nope")}}, "spectral"), InvalidArgument);
  EXPECT_THROW(set_options(o, {{"readout", std::int64_t{1}}}, "spectral"), InvalidArgument);
  EXPECT_THROW(set_options(o, {{"tol", 1e-3}}, "spectral"), InvalidArgument);  // the C++ name is `tolerance`
  // Domains are enforced by the C++ functions themselves, whoever calls them.
  SpectralOptions bad;
  bad.n_init = 0;
  EXPECT_THROW(check_options(bad, "spectral_clustering"), InvalidArgument);
  bad.n_init = 1;
  bad.eigen.tolerance = std::nan("");
  EXPECT_THROW(check_options(bad, "spectral_clustering"), InvalidArgument);
  EXPECT_NO_THROW(check_options(SpectralOptions{}, "spectral_clustering"));
}

TEST(Registry, EveryMethodIsDeclaredConsistently) {
  const MethodRegistry registry = default_registry();
  for (const MethodInfo* m : registry.list()) {
    SCOPED_TRACE(m->name);
    EXPECT_FALSE(m->function.empty());
    EXPECT_FALSE(m->summary.empty());
    EXPECT_FALSE(m->result_type.empty());
    std::set<std::string> names;
    for (const auto& o : m->options) {
      EXPECT_TRUE(names.insert(o.name).second) << "option declared twice: " << o.name;
      EXPECT_FALSE(o.help.empty()) << o.name;
      // Every default lies inside its own declared domain.
      if (const auto* d = std::get_if<double>(&o.default_value)) EXPECT_TRUE(o.limits.contains(*d)) << o.name;
      if (const auto* i = std::get_if<std::int64_t>(&o.default_value)) EXPECT_TRUE(o.limits.contains(double(*i))) << o.name;
      if (o.type == OptionType::Choice) EXPECT_FALSE(o.choices.empty()) << o.name;
    }
    std::set<std::string> fields;
    for (const auto& f : m->result_fields) EXPECT_TRUE(fields.insert(f.name).second) << f.name;
    if (m->kind == MethodKind::Partition) EXPECT_TRUE(fields.count("labels"));
    if (m->kind == MethodKind::Local) {
      EXPECT_TRUE(fields.count("cluster"));
      EXPECT_TRUE(m->run_many);
    }
  }
}

TEST(Registry, RecordsRoundTripToTypedResults) {
  const PlantedGraph p = stochastic_block_model({{50, 50}, 0.3, 0.01, false, {}, 3});
  SpectralResult direct = spectral_clustering(p.graph, {.k = 2, .seed = 5});
  const MethodRegistry registry = default_registry();
  ResultRecord record = registry.get("spectral").run({.graph = &p.graph}, {{"k", std::int64_t{2}}, {"seed", std::int64_t{5}}});
  const auto& [type, fields] = result_fields<SpectralResult>();
  ASSERT_EQ(record.fields.size(), fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) EXPECT_EQ(record.fields[i].name, fields[i].name);
  SpectralResult via_registry = from_record<SpectralResult>(std::move(record));
  EXPECT_EQ(via_registry.labels, direct.labels);
  EXPECT_EQ(via_registry.eigenvalues, direct.eigenvalues);
  EXPECT_TRUE(via_registry.embedding == direct.embedding);
  EXPECT_EQ(via_registry.matvecs, direct.matvecs);
}

TEST(Registry, InputsAreChecked) {
  const PlantedGraph p = stochastic_block_model({{20, 20}, 0.3, 0.05, false, {}, 2});
  const MethodRegistry registry = default_registry();
  const std::vector<NodeId> seeds = {0};
  // wfd needs features, noisy needs labels: one clear error each, before any work.
  EXPECT_THROW(registry.get("wfd").run({.graph = &p.graph, .seeds = seeds}, {}), InvalidArgument);
  EXPECT_THROW(registry.get("noisy").run({.graph = &p.graph, .seeds = seeds}, {}), InvalidArgument);
  const ResultRecord c = registry.get("ppr").run({.graph = &p.graph, .seeds = seeds}, {{"alpha", 0.2}});
  EXPECT_EQ(c.type, "LocalCluster");
  EXPECT_THROW(registry.get("ppr").run({.graph = &p.graph, .seeds = seeds}, {{"alpha", 2.0}}), InvalidArgument);
}
