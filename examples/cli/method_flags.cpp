#include "cli/method_flags.hpp"

#include <algorithm>
#include <cstdio>

#include "graphclust/core/error.hpp"

namespace graphclust::cli {
namespace {

std::string dashed(std::string name) {
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

std::string type_hint(const OptionSpec& spec) {
  switch (spec.type) {
    case OptionType::Bool: return "BOOL";
    case OptionType::Int: return "INT";
    case OptionType::Float: return "NUM";
    case OptionType::String: return "TEXT";
    case OptionType::Choice: {
      std::string out;
      for (const auto& c : spec.choices) out += (out.empty() ? "" : "|") + c;
      return out;
    }
  }
  return "";
}

}  // namespace

CLI::Option* add_option_flag(CLI::App& command, const OptionSpec& spec, const std::string& help, std::string& text,
                             const std::string& group) {
  const std::string& name = spec.name;
  std::string spelling = "--" + dashed(name);
  if (dashed(name) != name) spelling += ",--" + name;
  if (name == "k") spelling = "-k,--k,--clusters";
  CLI::Option* flag = nullptr;
  if (spec.type == OptionType::Bool) {
    // --sweep alone means true; --sweep=false spells the other value.
    flag = command.add_flag(spelling + "{true}", text, help);
  } else {
    flag = command.add_option(spelling, text, help);
    flag->type_name(type_hint(spec));
  }
  flag->group(group);
  return flag;
}

void add_method_flags(CLI::App& command, const MethodRegistry& registry, MethodKind kind, std::string& method,
                      MethodFlags& flags) {
  const auto methods = registry.list(kind);
  std::string list;
  std::vector<std::string> names;
  for (const MethodInfo* m : methods) {
    list += "\n  " + m->name + ": " + m->summary;
    names.push_back(m->name);
  }
  command.add_option("-m,--method", method, "method:" + list)->capture_default_str();

  // One flag per option name; its help lists each method that takes it, with that method's default.
  std::map<std::string, std::string> help;
  std::map<std::string, const OptionSpec*> first;
  std::vector<std::string> order;
  for (const MethodInfo* m : methods)
    for (const OptionSpec& spec : m->options) {
      if (!first.count(spec.name)) {
        first[spec.name] = &spec;
        order.push_back(spec.name);
        help[spec.name] = spec.help + (spec.limits.text().empty() ? "" : " (" + spec.limits.text() + ")");
      }
      help[spec.name] += "\n    " + m->name + ": default " + spec.default_text();
    }
  for (const std::string& name : order)
    flags.flags[name] = add_option_flag(command, *first[name], help[name], flags.given[name], "Method options");
  command.add_option("--opt", flags.opts, "method option NAME=VALUE (repeatable), the same options as the flags");
}

OptionValues MethodFlags::values_for(const MethodInfo& method) const {
  OptionValues values;
  auto add = [&](const std::string& name, const std::string& text, const std::string& spelling) {
    if (!method.option(name)) {
      std::string known;
      for (const auto& o : method.options) known += (known.empty() ? "" : ", ") + o.name;
      throw InvalidArgument(spelling + " is not an option of method '" + method.name + "' (its options: " +
                            (known.empty() ? "none" : known) + ")");
    }
    values.emplace_back(name, text);
  };
  for (const auto& [name, flag] : flags)
    if (flag->count() > 0) add(name, given.at(name), "--" + dashed(name));
  for (const auto& o : opts) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) throw InvalidArgument("--opt expects NAME=VALUE, got '" + o + "'");
    add(o.substr(0, eq), o.substr(eq + 1), "--opt " + o.substr(0, eq));
  }
  return values;
}

void print_record(const ResultRecord& record, const std::vector<std::string>& skip, const std::string& prefix) {
  for (const auto& field : record.fields) {
    if (std::find(skip.begin(), skip.end(), field.name) != skip.end()) continue;
    const std::string key = prefix + field.name;
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, bool>) std::printf("%s: %s\n", key.c_str(), v ? "true" : "false");
          else if constexpr (std::is_same_v<T, std::int64_t>) std::printf("%s: %lld\n", key.c_str(), static_cast<long long>(v));
          else if constexpr (std::is_same_v<T, double>) std::printf("%s: %.6g\n", key.c_str(), v);
          else if constexpr (std::is_same_v<T, std::string>) std::printf("%s: %s\n", key.c_str(), v.c_str());
          else if constexpr (std::is_same_v<T, std::vector<double>>) {
            if (v.empty() || v.size() > 32) return;  // long arrays belong in files, not on the terminal
            std::printf("%s:", key.c_str());
            for (double x : v) std::printf(" %.6g", x);
            std::printf("\n");
          } else if constexpr (std::is_same_v<T, std::shared_ptr<ResultRecord>>) {
            if (v) print_record(*v, {}, key + ".");
          }
        },
        field.value);
  }
}

}  // namespace graphclust::cli
