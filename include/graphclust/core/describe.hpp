#pragma once
/// One declaration per method: every Options and Result struct is described once, next to its
/// definition, by a `describe(visitor, object)` function template that names each field, gives its
/// help line and, for numbers, its domain. Defaults are whatever `Options{}` holds. Every front-end
/// (the registry, the CLI flags and --help, Python's keyword arguments, defaults and docstrings, the
/// result objects) is generated from these descriptions, and the C++ functions validate their
/// options against the same domains with check_options(), so the front-ends never re-type a name,
/// a default or a range.
///
///   template <class V> void describe(V& v, SpectralOptions& o) {
///     v("k", o.k, "number of clusters; 0 = choose by the eigengap", at_least(0));
///     v("readout", o.readout, "how the embedding becomes labels");   // an enum: see EnumTable
///     describe(v, o.eigen);                                           // nested: fields flattened
///   }
///
/// Enums get one name table each (EnumTable<E>), the only place their strings are spelled.
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "graphclust/core/error.hpp"

namespace graphclust {

// ------------------------------------------------------------------------------------------------
// Enum <-> string

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

/// Specialise next to the enum: `template <> struct EnumTable<E> { static constexpr std::array entries{
/// EnumName<E>{E::A, "a"}, ...}; };` The first entry's name is what to_string() prints for it.
template <class E>
struct EnumTable;

template <class E>
concept NamedEnum = std::is_enum_v<E> && requires { EnumTable<E>::entries; };

template <NamedEnum E>
std::string_view to_string(E value) {
  for (const auto& entry : EnumTable<E>::entries)
    if (entry.value == value) return entry.name;
  return "?";
}

template <NamedEnum E>
std::vector<std::string> enum_choices() {
  std::vector<std::string> out;
  for (const auto& entry : EnumTable<E>::entries) out.emplace_back(entry.name);
  return out;
}

/// Throws InvalidArgument naming `what` and the accepted names.
template <NamedEnum E>
E parse_enum(std::string_view text, std::string_view what) {
  for (const auto& entry : EnumTable<E>::entries)
    if (entry.name == text) return entry.value;
  std::string choices;
  for (const auto& entry : EnumTable<E>::entries) choices += (choices.empty() ? "" : ", ") + std::string(entry.name);
  throw InvalidArgument(std::string(what) + " must be one of " + choices + "; got '" + std::string(text) + "'");
}

// ------------------------------------------------------------------------------------------------
// Numeric domains

struct Limits {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;
  bool max_open = false;
  bool unbounded() const noexcept { return std::isinf(min) && std::isinf(max); }
  bool contains(double x) const noexcept {
    if (std::isnan(x)) return false;
    if (min_open ? !(x > min) : !(x >= min)) return false;
    if (max_open ? !(x < max) : !(x <= max)) return false;
    return true;
  }
  /// ">= 0", "> 0", "in (0, 1]", or "" when unbounded.
  std::string text() const;
};

constexpr Limits any_value() { return {}; }
constexpr Limits at_least(double v) { return {v, std::numeric_limits<double>::infinity(), false, false}; }
constexpr Limits greater_than(double v) { return {v, std::numeric_limits<double>::infinity(), true, false}; }
constexpr Limits between(double lo, double hi, bool lo_open = false, bool hi_open = false) { return {lo, hi, lo_open, hi_open}; }

// ------------------------------------------------------------------------------------------------
// Type-erased option values and specs (what the CLI and Python hand to the registry)

using OptionValue = std::variant<bool, std::int64_t, double, std::string>;
using OptionValues = std::vector<std::pair<std::string, OptionValue>>;

enum class OptionType { Bool, Int, Float, String, Choice };

struct OptionSpec {
  std::string name;
  std::string help;
  OptionType type = OptionType::Float;
  OptionValue default_value;
  std::vector<std::string> choices;  ///< Choice only
  Limits limits;
  /// The default as a front-end prints it ("0.15", "true", "kmeans").
  std::string default_text() const;
};

/// "3", "0.15", "true" or the string itself; doubles with the fewest digits that round-trip.
std::string option_text(const OptionValue& value);

namespace describe_detail {

template <class T>
constexpr bool is_option_scalar = std::is_same_v<T, bool> || std::is_integral_v<T> || std::is_floating_point_v<T> ||
                                  std::is_same_v<T, std::string> || NamedEnum<T>;

template <class T>
Limits implied_limits(Limits declared) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // The field's own type bounds what a front-end may hand it, whatever the declaration says.
    declared.min = std::max(declared.min, static_cast<double>(std::numeric_limits<T>::min()));
    if (static_cast<double>(std::numeric_limits<T>::max()) < declared.max)
      declared.max = static_cast<double>(std::numeric_limits<T>::max());
  }
  return declared;
}

template <class T>
OptionValue to_value(const T& field) {
  if constexpr (std::is_same_v<T, bool>) return field;
  else if constexpr (NamedEnum<T>) return std::string(to_string(field));
  else if constexpr (std::is_integral_v<T>) return static_cast<std::int64_t>(field);
  else if constexpr (std::is_floating_point_v<T>) return static_cast<double>(field);
  else return std::string(field);
}

[[noreturn]] void bad_value(std::string_view name, std::string_view expected, const OptionValue& got);
bool parse_bool(std::string_view text, bool& out);
bool parse_int(std::string_view text, std::int64_t& out);
bool parse_double(std::string_view text, double& out);

/// Converts `value` (from Python, or text from the CLI) into the field's type, or throws
/// InvalidArgument naming the option. Integers are range-checked against the field's type.
template <class T>
void assign(std::string_view name, T& field, const OptionValue& value) {
  if constexpr (std::is_same_v<T, bool>) {
    if (const bool* b = std::get_if<bool>(&value)) field = *b;
    else if (const auto* s = std::get_if<std::string>(&value); s && parse_bool(*s, field)) return;
    else bad_value(name, "true or false", value);
  } else if constexpr (NamedEnum<T>) {
    const auto* s = std::get_if<std::string>(&value);
    if (!s) bad_value(name, "a name", value);
    field = parse_enum<T>(*s, "option " + std::string(name));
  } else if constexpr (std::is_integral_v<T>) {
    std::int64_t v = 0;
    if (const auto* i = std::get_if<std::int64_t>(&value)) v = *i;
    else if (const auto* s = std::get_if<std::string>(&value); s && parse_int(*s, v)) {
    } else bad_value(name, "an integer", value);
    if (v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
        (v > 0 && static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(std::numeric_limits<T>::max())))
      bad_value(name, "an integer in the field's range", value);
    field = static_cast<T>(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    double v = 0;
    if (const auto* d = std::get_if<double>(&value)) v = *d;
    else if (const auto* i = std::get_if<std::int64_t>(&value)) v = static_cast<double>(*i);
    else if (const auto* s = std::get_if<std::string>(&value); s && parse_double(*s, v)) {
    } else bad_value(name, "a number", value);
    field = static_cast<T>(v);
  } else {
    const auto* s = std::get_if<std::string>(&value);
    if (!s) bad_value(name, "a string", value);
    field = *s;
  }
}

/// Collects specs from a default-constructed Options.
struct SpecCollector {
  std::vector<OptionSpec> specs;
  template <class T>
  void operator()(std::string_view name, T& field, std::string_view help, Limits limits = {}) {
    static_assert(is_option_scalar<T>, "an option must be bool, a number, a string or a NamedEnum");
    OptionSpec s;
    s.name = std::string(name);
    s.help = std::string(help);
    s.default_value = to_value(field);
    s.limits = implied_limits<T>(limits);
    if constexpr (std::is_same_v<T, bool>) s.type = OptionType::Bool;
    else if constexpr (NamedEnum<T>) {
      s.type = OptionType::Choice;
      s.choices = enum_choices<T>();
    } else if constexpr (std::is_integral_v<T>) s.type = OptionType::Int;
    else if constexpr (std::is_floating_point_v<T>) s.type = OptionType::Float;
    else s.type = OptionType::String;
    specs.push_back(std::move(s));
  }
};

struct Setter {
  std::string_view name;
  const OptionValue* value;
  bool found = false;
  template <class T>
  void operator()(std::string_view field_name, T& field, std::string_view, Limits = {}) {
    if (field_name != name) return;
    assign(name, field, *value);
    found = true;
  }
};

struct LimitChecker {
  std::string_view who;
  template <class T>
  void operator()(std::string_view name, const T& field, std::string_view, Limits limits = {}) {
    if constexpr ((std::is_integral_v<T> && !std::is_same_v<T, bool>) || std::is_floating_point_v<T>) {
      // Every numeric option is finite: an infinite tolerance or mass is always a mistake.
      if (!std::isfinite(static_cast<double>(field)) || !limits.contains(static_cast<double>(field)))
        throw InvalidArgument(std::string(who) + ": " + std::string(name) + " must be " +
                              (limits.unbounded() ? std::string("finite") : limits.text()) + ", got " +
                              option_text(to_value(field)));
    }
  }
};

[[noreturn]] void unknown_option(std::string_view name, const std::vector<OptionSpec>& specs, std::string_view who);

}  // namespace describe_detail

/// The option specs of `Options` with the defaults of `Options{}`, in declaration order.
template <class Options>
std::vector<OptionSpec> option_specs() {
  Options defaults{};
  describe_detail::SpecCollector collector;
  describe(collector, defaults);
  return std::move(collector.specs);
}

/// Sets the named fields of `options`; an unknown name or a value of the wrong type throws
/// InvalidArgument listing what `who` accepts.
template <class Options>
void set_options(Options& options, const OptionValues& values, std::string_view who) {
  for (const auto& [name, value] : values) {
    describe_detail::Setter setter{name, &value};
    describe(setter, options);
    if (!setter.found) describe_detail::unknown_option(name, option_specs<Options>(), who);
  }
}

/// Throws InvalidArgument "who: name must be >= 0, got -1" for the first field outside its domain
/// (NaN is outside every domain). Every family calls this on entry: validation lives in the core.
template <class Options>
void check_options(const Options& options, std::string_view who) {
  describe_detail::LimitChecker checker{who};
  describe(checker, const_cast<Options&>(options));  // the checker only reads
}

}  // namespace graphclust
