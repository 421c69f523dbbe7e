#pragma once
// Private: each family's registration function, called by default_registry().
#include "graphclust/methods/registry.hpp"

namespace graphclust::detail {
void register_component_methods(MethodRegistry& registry);  // src/methods/components.cpp
void register_spectral_methods(MethodRegistry& registry);   // src/spectral/methods.cpp
void register_local_methods(MethodRegistry& registry);      // src/local/methods.cpp
void register_digrac_methods(MethodRegistry& registry);     // src/digrac/methods.cpp
void register_tv_methods(MethodRegistry& registry);         // src/tv/methods.cpp
void register_contrastive_methods(MethodRegistry& registry);  // src/contrastive/methods.cpp
}  // namespace graphclust::detail
