// Registry entries of TV clustering; options and result come from the declarations in tv.hpp.
#include "graphclust/core/error.hpp"
#include "graphclust/tv/tv.hpp"
#include "methods/families.hpp"

namespace graphclust::detail {

void register_tv_methods(MethodRegistry& registry) {
  registry.add(make_method<TvOptions, TvResult>(
      {.name = "tv",
       .function = "tv_clustering",
       .summary = "TVGNN: total-variation clustering with GTVConv layers (Hansen & Bianchi 2023); features optional",
       .features = InputUse::Optional},
      [](const MethodInput& in, const TvOptions& o) { return tv_clustering(*in.graph, in.features, o); }));
  registry.add(make_method<TvDirectOptions, TvResult>(
      {.name = "tv_direct",
       .function = "tv_clustering",
       .summary = "direct total-variation clustering: majorise-minimise on the soft assignment (no features)",
       .features = InputUse::None},
      [](const MethodInput& in, const TvDirectOptions& o) {
        if (o.model != TvModel::Direct)
          throw InvalidArgument("tv_direct: model must be 'direct', got '" + std::string(to_string(o.model)) +
                                "' (use --method tv for the network)");
        return tv_clustering(*in.graph, in.features, o);
      }));
}

}  // namespace graphclust::detail
