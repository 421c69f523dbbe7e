#include <gtest/gtest.h>

#include "graphclust/core/error.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/methods/registry.hpp"
#include "graphclust/metrics/metrics.hpp"

using namespace graphclust;

TEST(Registry, ComponentsMethodFindsPlantedComponents) {
  // Two SBM blocks with no edges between them: components = blocks.
  const PlantedGraph p = stochastic_block_model({{60, 40}, 0.3, 0.0, false, {}, 1});
  const MethodRegistry registry = default_registry();
  const MethodInfo& method = registry.get("components");
  const MethodOutput out = method.run(p.graph, MethodParams{});
  EXPECT_DOUBLE_EQ(adjusted_rand_index(p.labels, out.labels), 1.0);
  EXPECT_EQ(out.labels[0], 0);  // canonical numbering: node 0's component is 0
  MethodParams wrong_k;
  wrong_k.k = 3;
  EXPECT_THROW(method.run(p.graph, wrong_k), InvalidArgument);
  MethodParams bad_option;
  bad_option.extra["colour"] = "blue";
  EXPECT_THROW(method.run(p.graph, bad_option), InvalidArgument);
  MethodParams strong;
  strong.extra["mode"] = "strong";
  EXPECT_EQ(count_clusters(method.run(p.graph, strong).labels), 2);
}

TEST(Registry, UnknownMethodListsTheKnownOnes) {
  const MethodRegistry registry = default_registry();
  try {
    registry.get("nope");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("components"), std::string::npos);
  }
  EXPECT_GE(registry.list().size(), 1u);
}

TEST(Registry, ExtraOptionParsing) {
  MethodParams p;
  p.extra = {{"tau", "0.5"}, {"n", "7"}, {"bad", "x1"}};
  EXPECT_DOUBLE_EQ(extra_double(p, "tau", 1), 0.5);
  EXPECT_DOUBLE_EQ(extra_double(p, "missing", 1), 1);
  EXPECT_EQ(extra_int(p, "n", 0), 7);
  EXPECT_THROW(extra_int(p, "bad", 0), InvalidArgument);
  EXPECT_THROW(extra_double(p, "bad", 0), InvalidArgument);
  EXPECT_THROW(check_extra(p, {"tau", "n"}), InvalidArgument);
  EXPECT_NO_THROW(check_extra(p, {"tau", "n", "bad"}));
}
