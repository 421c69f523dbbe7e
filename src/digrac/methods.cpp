// Registry entry of DIGRAC; options and result come from the declarations in digrac.hpp.
#include "graphclust/digrac/digrac.hpp"
#include "methods/families.hpp"

namespace graphclust::detail {

void register_digrac_methods(MethodRegistry& registry) {
  registry.add(make_method<DigracOptions, DigracResult>(
      {.name = "digrac",
       .function = "digrac",
       .summary = "DIGRAC: directed clusters by learned flow imbalance (He et al. 2022); features optional",
       .features = InputUse::Optional},
      [](const MethodInput& in, const DigracOptions& o) { return digrac(*in.graph, o, in.features); }));
}

}  // namespace graphclust::detail
