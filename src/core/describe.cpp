#include "graphclust/core/describe.hpp"

#include <cstdio>
#include <cstdlib>

namespace graphclust {
namespace {

std::string number_text(double x) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // The shortest form that reads back to the same double: what a user would type.
  char buffer[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, x);
    if (std::strtod(buffer, nullptr) == x) break;
  }
  return buffer;
}

}  // namespace

std::string Limits::text() const {
  const bool has_min = !std::isinf(min), has_max = !std::isinf(max);
  if (has_min && has_max)
    return "in " + std::string(min_open ? "(" : "[") + number_text(min) + ", " + number_text(max) + (max_open ? ")" : "]");
  if (has_min) return std::string(min_open ? "> " : ">= ") + number_text(min);
  if (has_max) return std::string(max_open ? "< " : "<= ") + number_text(max);
  return "";
}

std::string option_text(const OptionValue& value) {
  if (const bool* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return number_text(*d);
  return std::get<std::string>(value);
}

std::string OptionSpec::default_text() const { return option_text(default_value); }

namespace describe_detail {

void bad_value(std::string_view name, std::string_view expected, const OptionValue& got) {
  throw InvalidArgument("option " + std::string(name) + ": expected " + std::string(expected) + ", got '" +
                        option_text(got) + "'");
}

bool parse_bool(std::string_view text, bool& out) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return out = true, true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return out = false, true;
  return false;
}

bool parse_int(std::string_view text, std::int64_t& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

bool parse_double(std::string_view text, double& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

void unknown_option(std::string_view name, const std::vector<OptionSpec>& specs, std::string_view who) {
  std::string known;
  for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.name;
  throw InvalidArgument(std::string(who) + ": unknown option '" + std::string(name) + "' (it takes: " +
                        (known.empty() ? "none" : known) + ")");
}

}  // namespace describe_detail
}  // namespace graphclust
