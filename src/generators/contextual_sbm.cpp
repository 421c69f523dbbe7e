#include "graphclust/generators/contextual_sbm.hpp"

#include <cmath>
#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/core/random.hpp"

namespace graphclust {

AttributedPlantedGraph contextual_sbm(const ContextualSbmOptions& o) {
  if (o.dims < 1) throw InvalidArgument("contextual_sbm: dims must be >= 1, got " + std::to_string(o.dims));
  if (!(o.mu >= 0) || !std::isfinite(o.mu)) throw InvalidArgument("contextual_sbm: mu must be finite and >= 0");
  if (!(o.sigma >= 0) || !std::isfinite(o.sigma)) throw InvalidArgument("contextual_sbm: sigma must be finite and >= 0");
  SbmOptions sbm;
  sbm.sizes = o.sizes;
  sbm.p_in = o.p_in;
  sbm.p_out = o.p_out;
  sbm.seed = o.seed;
  PlantedGraph planted = stochastic_block_model(sbm);

  AttributedPlantedGraph out{std::move(planted.graph), std::move(planted.labels), FeatureMatrix()};
  const NodeId n = out.graph.num_nodes();
  out.features.resize(n, o.dims);
  parallel_for_nodes(n, [&](NodeId i) {
    Rng rng(o.seed ^ 0xA77B1B07E5ULL, i);  // a stream per node, distinct from the SBM's
    const int hot = out.labels[i] % o.dims;
    for (int k = 0; k < o.dims; ++k)
      out.features(i, k) = static_cast<float>((k == hot ? o.mu : 0.0) + o.sigma * rng.normal());
  });
  return out;
}

}  // namespace graphclust
