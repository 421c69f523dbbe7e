#include <graphclust/generators/generators.hpp>
#include <graphclust/metrics/metrics.hpp>
#include <graphclust/spectral/spectral.hpp>

int main() {
  auto planted = graphclust::stochastic_block_model({.sizes = {50, 50}, .p_in = 0.3, .p_out = 0.01, .seed = 1});
  auto result = graphclust::spectral_clustering(planted.graph, {.k = 2, .seed = 1});
  return graphclust::adjusted_rand_index(planted.labels, result.labels) == 1.0 ? 0 : 1;
}
