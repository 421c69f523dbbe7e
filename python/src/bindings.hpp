#pragma once
// Each component binds itself in its own translation unit; module.cpp calls them in order.
#include <pybind11/pybind11.h>

namespace graphclust::python {
void bind_graph(pybind11::module_& m);     // Graph, construction, I/O
void bind_kernels(pybind11::module_& m);   // operators, reductions, k-means
void bind_metrics(pybind11::module_& m);   // metrics, generators, method registry
void bind_spectral(pybind11::module_& m);  // spectral family
void bind_local(pybind11::module_& m);     // local diffusion family
}  // namespace graphclust::python
