#pragma once
// numpy <-> C++ conversions shared by every binding file. Results move into numpy arrays without a
// copy (the vector is owned by a capsule); inputs are read through buffers.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "graphclust/core/error.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/kernels/operator.hpp"
#include "graphclust/methods/record.hpp"

namespace graphclust::python {
namespace py = pybind11;

/// Moves `values` into a 1-D numpy array (no copy of the data).
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(owned->size())}, {static_cast<py::ssize_t>(sizeof(T))},
                        owned->data(), owner);
}

/// Moves a row-major block into a 2-D numpy array (no copy).
template <class T>
py::array_t<T> to_numpy(DenseBlock<T>&& block) {
  auto* owned = new DenseBlock<T>(std::move(block));
  py::capsule owner(owned, [](void* p) { delete static_cast<DenseBlock<T>*>(p); });
  const auto rows = static_cast<py::ssize_t>(owned->rows()), cols = static_cast<py::ssize_t>(owned->cols());
  return py::array_t<T>({rows, cols}, {static_cast<py::ssize_t>(sizeof(T)) * cols, static_cast<py::ssize_t>(sizeof(T))},
                        owned->data(), owner);
}

/// A read-only view of a contiguous 1-D array of T (forcecast converts other dtypes once).
template <class T>
using InArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T>
std::span<const T> as_span(const InArray<T>& a, const char* name) {
  if (a.ndim() != 1) throw InvalidArgument(std::string(name) + " must be a 1-D array");
  return {a.data(), static_cast<std::size_t>(a.shape(0))};
}

/// Copies a 2-D array into a row-major block (rejecting NaN/inf with the offending position).
template <class T>
DenseBlock<T> to_block(const InArray<T>& a, const char* name) {
  if (a.ndim() != 2) throw InvalidArgument(std::string(name) + " must be a 2-D array");
  DenseBlock<T> out(a.shape(0), a.shape(1));
  std::copy(a.data(), a.data() + a.size(), out.data());
  for (Eigen::Index i = 0; i < out.size(); ++i)
    if (!std::isfinite(out.data()[i]))
      throw InvalidArgument(std::string(name) + " has a non-finite value at row " + std::to_string(i / out.cols()) +
                            ", column " + std::to_string(i % out.cols()));
  return out;
}

}  // namespace graphclust::python

namespace graphclust::python {

/// A C++ result record as a Python result object (class named after the C++ struct, same field
/// names; arrays moved into numpy without a copy). Built by graphclust._results.
py::object to_python(ResultRecord&& record);

/// A read-only numpy view of memory owned by `owner` (no copy; `owner` stays alive while the view does).
template <class T>
py::array readonly_view(const T* data, std::size_t size, py::handle owner) {
  py::array a(py::dtype::of<T>(), {static_cast<py::ssize_t>(size)}, {static_cast<py::ssize_t>(sizeof(T))}, data, owner);
  a.attr("flags").attr("writeable") = false;
  return a;
}

/// A Progress for a call from Python: draws on stderr when verbose, and in any case checks for Ctrl-C
/// (at most every 50 ms, taking the GIL only then) and stops the run with Cancelled, which Python
/// sees as KeyboardInterrupt.
Progress python_progress(bool verbose);

/// Python keyword values (bool, int, float, str, numpy scalars) as typed option values; names and
/// domains are checked by the C++ side (set_options / the method itself).
OptionValues values_from(const py::dict& options);

/// Options of type `Options` from Python keywords, defaults from Options{}.
template <class Options>
Options options_from(const py::dict& options, std::string_view who) {
  Options o{};
  set_options(o, values_from(options), who);
  return o;
}

/// A docstring paragraph listing the options of `Options` (name, type, default, domain, help).
template <class Options>
std::string options_doc() {
  std::string doc = "Options (keyword arguments):";
  for (const auto& s : option_specs<Options>())
    doc += "\n  " + s.name + " = " + s.default_text() + (s.limits.text().empty() ? "" : " (" + s.limits.text() + ")") +
           ": " + s.help;
  return doc;
}

/// Moves a described C++ result into its Python result object.
template <class Result>
py::object result_to_python(Result&& result) {
  return to_python(to_record(std::forward<Result>(result)));
}

}  // namespace graphclust::python
