// Registry entries of the spectral family; options and results come from the declarations in
// spectral.hpp.
#include "graphclust/spectral/spectral.hpp"
#include "methods/families.hpp"

namespace graphclust::detail {

void register_spectral_methods(MethodRegistry& registry) {
  registry.add(make_method<SpectralOptions, SpectralResult>(
      {.name = "spectral",
       .function = "spectral_clustering",
       .summary = "normalised spectral clustering of D^-1/2 A D^-1/2 (k = 0: chosen by the eigengap)"},
      [](const MethodInput& in, const SpectralOptions& o) { return spectral_clustering(*in.graph, o); }));
  registry.add(make_method<HermitianOptions, HermitianResult>(
      {.name = "hermitian",
       .function = "hermitian_clustering",
       .summary = "Hermitian clustering of a digraph by flow direction (Cucuringu et al. 2020)"},
      [](const MethodInput& in, const HermitianOptions& o) { return hermitian_clustering(*in.graph, o); }));
}

}  // namespace graphclust::detail
