#pragma once
// Each component binds itself in its own translation unit; module.cpp calls them in order.
#include <pybind11/pybind11.h>

namespace graphclust::python {
void bind_graph(pybind11::module_& m);     // Graph, construction, I/O
void bind_kernels(pybind11::module_& m);   // operators, reductions, k-means
void bind_metrics(pybind11::module_& m);   // metrics, generators, method registry
void bind_local(pybind11::module_& m);     // local diffusion utilities (sweep cut, label graph, contextual SBM)
void bind_methods(pybind11::module_& m);   // every registered method: _methods, _run, _run_many
void bind_digrac(pybind11::module_& m);    // DIGRAC helpers (Hermitian features)
}  // namespace graphclust::python
