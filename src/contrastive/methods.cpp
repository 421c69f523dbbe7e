// Registry entries of the contrastive family; options and result come from contrastive.hpp.
//   contrastive  the generic entry (Python's graphclust.contrastive_clustering): `model` chooses
//   pamc / scgc / scgc_star  the same function with the model fixed by the name
#include <string>

#include "graphclust/contrastive/contrastive.hpp"
#include "graphclust/core/error.hpp"
#include "methods/families.hpp"

namespace graphclust::detail {
namespace {

// The named entries fix the model. `model` left at its default (pamc) means "not given"; any other
// value that differs from the entry's model is a conflict.
ContrastiveOptions with_model(ContrastiveOptions o, ContrastiveModel model, const char* method) {
  if (o.model != ContrastiveModel::Pamc && o.model != model)
    throw InvalidArgument(std::string("method ") + method + " runs model " + std::string(to_string(model)) +
                          " but model = " + std::string(to_string(o.model)) +
                          " was given: use --method " + std::string(to_string(o.model)) + " (or method contrastive)");
  o.model = model;
  return o;
}

void add_named(MethodRegistry& registry, const char* name, ContrastiveModel model, const char* summary) {
  registry.add(make_method<ContrastiveOptions, ContrastiveResult>(
      {.name = name, .function = "contrastive_clustering", .summary = summary, .features = InputUse::Optional},
      [model, name](const MethodInput& in, const ContrastiveOptions& o) {
        return contrastive_clustering(*in.graph, in.features, with_model(o, model, name));
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
  add_named(registry, "pamc", ContrastiveModel::Pamc,
            "PamC: meta-node block-contrastive clustering, O(n k + nnz) (Kulatilleke et al.); features optional");
  add_named(registry, "scgc", ContrastiveModel::Scgc,
            "SCGC: exact contrastive clustering with an autoencoder, O(n^2) memory (small graphs); features optional");
  add_named(registry, "scgc_star", ContrastiveModel::ScgcStar,
            "SCGC*: exact contrastive clustering, encoder only, O(n^2) memory (small graphs); features optional");
}

}  // namespace graphclust::detail
