#include "graphclust/methods/registry.hpp"

#include "graphclust/core/error.hpp"
#include "methods/families.hpp"

namespace graphclust {

const OptionSpec* MethodInfo::option(std::string_view option_name) const {
  for (const auto& o : options)
    if (o.name == option_name) return &o;
  return nullptr;
}

void MethodRegistry::add(MethodInfo method) {
  if (method.name.empty() || !method.run) throw InvalidArgument("a method needs a name and a function");
  const std::string name = method.name;
  if (!methods_.emplace(name, std::move(method)).second) throw InvalidArgument("method '" + name + "' registered twice");
}

const MethodInfo& MethodRegistry::get(const std::string& name) const {
  auto it = methods_.find(name);
  if (it != methods_.end()) return it->second;
  std::string known;
  for (const auto& [n, m] : methods_) known += (known.empty() ? "" : ", ") + n;
  throw InvalidArgument("unknown method '" + name + "' (known: " + known + ")");
}

const MethodInfo& MethodRegistry::get(const std::string& name, MethodKind kind) const {
  auto it = methods_.find(name);
  if (it != methods_.end() && it->second.kind == kind) return it->second;
  std::string known;
  for (const auto* m : list(kind)) known += (known.empty() ? "" : ", ") + m->name;
  throw InvalidArgument("unknown method '" + name + "' (known: " + known + ")");
}

std::vector<const MethodInfo*> MethodRegistry::list() const {
  std::vector<const MethodInfo*> out;
  for (const auto& [n, m] : methods_) out.push_back(&m);
  return out;
}

std::vector<const MethodInfo*> MethodRegistry::list(MethodKind kind) const {
  std::vector<const MethodInfo*> out;
  for (const auto& [n, m] : methods_)
    if (m.kind == kind) out.push_back(&m);
  return out;
}

MethodRegistry default_registry() {
  MethodRegistry registry;
  detail::register_component_methods(registry);
  detail::register_spectral_methods(registry);
  detail::register_local_methods(registry);
  detail::register_digrac_methods(registry);
  detail::register_tv_methods(registry);
  detail::register_contrastive_methods(registry);
  return registry;
}

namespace registry_detail {

void check_inputs(const MethodInfo& info, const MethodInput& input) {
  if (!input.graph) throw InvalidArgument(info.name + ": no graph given");
  if (info.features == InputUse::Required && input.features.empty())
    throw InvalidArgument(info.name + ": needs node features (--features FILE, or features= in Python)");
  if (info.features == InputUse::None && !input.features.empty())
    throw InvalidArgument(info.name + ": takes no node features");
  if (info.labels == InputUse::Required && input.labels.empty())
    throw InvalidArgument(info.name + ": needs per-node labels (--node-labels FILE, or labels= in Python)");
  if (info.labels == InputUse::None && !input.labels.empty())
    throw InvalidArgument(info.name + ": takes no per-node labels");
}

}  // namespace registry_detail
}  // namespace graphclust
