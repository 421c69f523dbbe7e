#include <graphclust/generators/generators.hpp>
#include <graphclust/metrics/metrics.hpp>
#include <graphclust/methods/registry.hpp>

int main() {
  auto planted = graphclust::stochastic_block_model({.sizes = {50, 50}, .p_in = 0.3, .p_out = 0.0, .seed = 1});
  auto out = graphclust::default_registry().get("components").run(planted.graph, {});
  return graphclust::adjusted_rand_index(planted.labels, out.labels) == 1.0 ? 0 : 1;
}
