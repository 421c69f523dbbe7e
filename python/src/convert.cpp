#include "convert.hpp"

#include <pybind11/stl.h>

#include <chrono>
#include <memory>

namespace graphclust::python {

py::object to_python(ResultRecord&& record) {
  py::dict fields;
  for (auto& field : record.fields) {
    py::object value = std::visit(
        [](auto& v) -> py::object {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::shared_ptr<ResultRecord>>) return to_python(std::move(*v));
          else if constexpr (std::is_same_v<T, std::shared_ptr<Graph>>) return py::cast(v);
          else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, double> ||
                             std::is_same_v<T, std::string>)
            return py::cast(v);
          else return to_numpy(std::move(v));
        },
        field.value);
    fields[py::str(field.name)] = value;
  }
  // Leaked on purpose: a static py::object would be released after the interpreter has shut down.
  static const auto* make = new py::object(py::module_::import("graphclust._results").attr("make"));
  return (*make)(record.type, fields);
}

/// Python values into the registry's typed option values; the registry converts and checks them.
OptionValues values_from(const py::dict& options) {
  OptionValues values;
  for (const auto& [key, value] : options) {
    const auto name = py::str(key).cast<std::string>();
    if (py::isinstance<py::bool_>(value)) values.emplace_back(name, value.cast<bool>());
    else if (py::isinstance<py::int_>(value)) values.emplace_back(name, value.cast<std::int64_t>());
    else if (py::isinstance<py::float_>(value)) values.emplace_back(name, value.cast<double>());
    else if (py::isinstance<py::str>(value)) values.emplace_back(name, value.cast<std::string>());
    else if (py::hasattr(value, "dtype") && py::hasattr(value, "item")) {  // numpy scalars
      const py::object item = value.attr("item")();
      if (py::isinstance<py::bool_>(item)) values.emplace_back(name, item.cast<bool>());
      else if (py::isinstance<py::int_>(item)) values.emplace_back(name, item.cast<std::int64_t>());
      else values.emplace_back(name, item.cast<double>());
    } else {
      throw InvalidArgument("option " + name + ": expected a bool, number or string, got " +
                            py::str(py::type::of(value)).cast<std::string>());
    }
  }
  return values;
}

Progress python_progress(bool verbose) {
  struct State {
    Progress draw;
    std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  };
  auto state = std::make_shared<State>();
  if (verbose) state->draw = stderr_progress();
  return [state](std::string_view stage, double fraction) {
    if (state->draw) state->draw(stage, fraction);
    const auto now = std::chrono::steady_clock::now();
    if (now - state->last < std::chrono::milliseconds(50)) return;
    state->last = now;
    bool interrupted = false;
    {
      py::gil_scoped_acquire gil;
      interrupted = PyErr_CheckSignals() != 0;
      if (interrupted) PyErr_Clear();  // re-raised as KeyboardInterrupt by the exception translator
    }
    if (interrupted) throw Cancelled();
  };
}

}  // namespace graphclust::python
