#pragma once
/// Results as the front-ends see them: a ResultRecord is a C++ Result struct taken apart field by
/// field (by its describe() function), with the same names, so Python's result objects and the CLI's
/// report mirror the C++ struct 1:1. Arrays are moved, never copied.
///
///   template <class V> void describe(V& v, SpectralResult& r) {
///     v.record_type("SpectralResult");
///     v("labels", r.labels, "cluster of each node, 0..k-1");
///     ...
///   }
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "graphclust/core/describe.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/kernels/operator.hpp"

namespace graphclust {

struct ResultRecord;

using ResultValue =
    std::variant<bool, std::int64_t, double, std::string, std::vector<std::int32_t>, std::vector<std::uint32_t>,
                 std::vector<double>, DenseBlock<double>, DenseBlock<float>, std::shared_ptr<ResultRecord>,
                 std::shared_ptr<Graph>>;

struct ResultField {
  std::string name;
  ResultValue value;
};

struct ResultRecord {
  std::string type;  ///< the C++ struct's name, e.g. "SpectralResult"
  std::vector<ResultField> fields;
  /// The field called `name`, or nullptr.
  const ResultValue* find(std::string_view name) const {
    for (const auto& f : fields)
      if (f.name == name) return &f.value;
    return nullptr;
  }
};

/// A field's name, help line and a short type description ("int32 array", "float64 matrix", ...).
struct FieldSpec {
  std::string name;
  std::string help;
  std::string type;
};

namespace record_detail {

template <class T>
std::string type_text();

template <class T>
ResultValue take(T& field);

template <class T>
void give(ResultValue& value, T& field);

struct RecordBuilder {
  ResultRecord record;
  void record_type(std::string_view t) { record.type = std::string(t); }
  template <class T>
  void operator()(std::string_view name, T& field, std::string_view) {
    record.fields.push_back({std::string(name), take(field)});
  }
};

struct RecordReader {
  ResultRecord* record;
  void record_type(std::string_view) {}
  template <class T>
  void operator()(std::string_view name, T& field, std::string_view) {
    for (auto& f : record->fields)
      if (f.name == name) return give(f.value, field);
  }
};

struct FieldCollector {
  std::string type;
  std::vector<FieldSpec> fields;
  void record_type(std::string_view t) { type = std::string(t); }
  template <class T>
  void operator()(std::string_view name, T&, std::string_view help) {
    fields.push_back({std::string(name), std::string(help), type_text<T>()});
  }
};

}  // namespace record_detail

/// Moves every described field of `result` into a record.
template <class Result>
ResultRecord to_record(Result&& result) {
  record_detail::RecordBuilder builder;
  auto owned = std::move(result);
  describe(builder, owned);
  return std::move(builder.record);
}

/// The inverse of to_record: a registry run's record back as the typed Result (fields moved out).
/// Throws std::bad_variant_access if the record was not made from a Result.
template <class Result>
Result from_record(ResultRecord&& record) {
  record_detail::RecordReader reader{&record};
  Result out{};
  describe(reader, out);
  return out;
}

/// Name, fields and their help lines of Result (for docstrings and --help).
template <class Result>
std::pair<std::string, std::vector<FieldSpec>> result_fields() {
  record_detail::FieldCollector collector;
  Result probe{};
  describe(collector, probe);
  return {std::move(collector.type), std::move(collector.fields)};
}

namespace record_detail {

template <class T>
std::string type_text() {
  if constexpr (std::is_same_v<T, bool>) return "bool";
  else if constexpr (NamedEnum<T> || std::is_same_v<T, std::string>) return "str";
  else if constexpr (std::is_integral_v<T>) return "int";
  else if constexpr (std::is_floating_point_v<T>) return "float";
  else if constexpr (std::is_same_v<T, std::vector<std::int32_t>>) return "int32 array";
  else if constexpr (std::is_same_v<T, std::vector<std::uint32_t>>) return "uint32 array (node ids)";
  else if constexpr (std::is_same_v<T, std::vector<double>>) return "float64 array";
  else if constexpr (std::is_same_v<T, DenseBlock<double>>) return "float64 matrix";
  else if constexpr (std::is_same_v<T, DenseBlock<float>>) return "float32 matrix";
  else if constexpr (std::is_same_v<T, Graph>) return "Graph";
  else return result_fields<T>().first;
}

template <class T>
ResultValue take(T& field) {
  if constexpr (std::is_same_v<T, bool>) return field;
  else if constexpr (NamedEnum<T>) return std::string(to_string(field));
  else if constexpr (std::is_integral_v<T>) return static_cast<std::int64_t>(field);
  else if constexpr (std::is_floating_point_v<T>) return static_cast<double>(field);
  else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::int32_t>> ||
                     std::is_same_v<T, std::vector<std::uint32_t>> || std::is_same_v<T, std::vector<double>> ||
                     std::is_same_v<T, DenseBlock<double>> || std::is_same_v<T, DenseBlock<float>>)
    return std::move(field);
  else if constexpr (std::is_same_v<T, Graph>) return std::make_shared<Graph>(std::move(field));
  else return std::make_shared<ResultRecord>(to_record(std::move(field)));
}

template <class T>
void give(ResultValue& value, T& field) {
  if constexpr (std::is_same_v<T, bool>) field = std::get<bool>(value);
  else if constexpr (NamedEnum<T>) field = parse_enum<T>(std::get<std::string>(value), "result field");
  else if constexpr (std::is_integral_v<T>) field = static_cast<T>(std::get<std::int64_t>(value));
  else if constexpr (std::is_floating_point_v<T>) field = static_cast<T>(std::get<double>(value));
  else if constexpr (std::is_same_v<T, Graph>) field = std::move(*std::get<std::shared_ptr<Graph>>(value));
  else if constexpr (std::is_constructible_v<ResultValue, T>) field = std::move(std::get<T>(value));
  else field = from_record<T>(std::move(*std::get<std::shared_ptr<ResultRecord>>(value)));
}

}  // namespace record_detail
}  // namespace graphclust
