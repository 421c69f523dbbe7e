// Registry entries of the contrastive family; options and result come from contrastive.hpp.
//   contrastive  the generic entry (Python's graphclust.contrastive_clustering): `model` chooses
//   pamc / scgc / scgc_star  the same function with the model fixed by the name
#include <string>

#include "graphclust/contrastive/contrastive.hpp"
#include "graphclust/core/error.hpp"
#include "methods/families.hpp"

namespace graphclust::detail {
namespace {

// A named entry runs its own model; a different `model` given with it is a conflict, not an override.
template <ContrastiveModel M>
void add_named(MethodRegistry& registry, const char* name, const char* summary) {
  registry.add(make_method<ContrastiveModelOptions<M>, ContrastiveResult>(
      {.name = name, .function = "contrastive_clustering", .summary = summary, .features = InputUse::Optional},
      [name](const MethodInput& in, const ContrastiveModelOptions<M>& o) {
        if (o.model != M)
          throw InvalidArgument(std::string("method ") + name + " runs model " + std::string(to_string(M)) +
                                " but model = " + std::string(to_string(o.model)) + " was given: use --method " +
                                std::string(to_string(o.model)) + " (or method contrastive)");
        return contrastive_clustering(*in.graph, in.features, o);
      }));
}

}  // namespace

void register_contrastive_methods(MethodRegistry& registry) {
  registry.add(make_method<ContrastiveOptions, ContrastiveResult>(
      {.name = "contrastive",
       .function = "contrastive_clustering",
       .summary = "contrastive clustering: PamC (default), SCGC or SCGC* by `model` (Kulatilleke et al.); features optional",
       .features = InputUse::Optional},
      [](const MethodInput& in, const ContrastiveOptions& o) { return contrastive_clustering(*in.graph, in.features, o); }));
  add_named<ContrastiveModel::Pamc>(registry, "pamc",
            "PamC: meta-node block-contrastive clustering, O(n k + nnz) (Kulatilleke et al.); features optional");
  add_named<ContrastiveModel::Scgc>(registry, "scgc",
            "SCGC: exact contrastive clustering with an autoencoder, O(n^2) memory (small graphs); features optional");
  add_named<ContrastiveModel::ScgcStar>(registry, "scgc_star",
            "SCGC*: exact contrastive clustering, encoder only, O(n^2) memory (small graphs); features optional");
}

}  // namespace graphclust::detail
