#include "graphclust/methods/registry.hpp"

#include <charconv>
#include <cmath>

#include "graphclust/core/error.hpp"
#include "methods/families.hpp"

namespace graphclust {

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

std::vector<const MethodInfo*> MethodRegistry::list() const {
  std::vector<const MethodInfo*> out;
  for (const auto& [n, m] : methods_) out.push_back(&m);
  return out;
}

MethodRegistry default_registry() {
  MethodRegistry registry;
  detail::register_component_methods(registry);
  detail::register_spectral_methods(registry);
  return registry;
}

double extra_double(const MethodParams& params, const std::string& name, double fallback) {
  auto it = params.extra.find(name);
  if (it == params.extra.end()) return fallback;
  const std::string& text = it->second;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value))
    throw InvalidArgument("option " + name + "=" + text + ": expected a number");
  return value;
}

long long extra_int(const MethodParams& params, const std::string& name, long long fallback) {
  auto it = params.extra.find(name);
  if (it == params.extra.end()) return fallback;
  const std::string& text = it->second;
  long long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size())
    throw InvalidArgument("option " + name + "=" + text + ": expected an integer");
  return value;
}

std::string extra_string(const MethodParams& params, const std::string& name, const std::string& fallback) {
  auto it = params.extra.find(name);
  return it == params.extra.end() ? fallback : it->second;
}

void check_extra(const MethodParams& params, const std::vector<std::string>& known) {
  for (const auto& [name, value] : params.extra) {
    bool ok = false;
    for (const auto& k : known) ok |= k == name;
    if (!ok) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw InvalidArgument("unknown option '" + name + "' (this method takes: " + (list.empty() ? "none" : list) + ")");
    }
  }
}

}  // namespace graphclust
