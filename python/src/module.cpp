#include "bindings.hpp"

#include "graphclust/core/error.hpp"

PYBIND11_MODULE(_graphclust, m) {
  m.doc() = "graphclust: fast graph clustering on CSR graphs (C++ core, oneTBB kernels)";
  // Bad input is a ValueError in Python, whichever C++ layer noticed it; unreadable files are OSError;
  // a request larger than the machine's memory is MemoryError; Ctrl-C (Cancelled) is KeyboardInterrupt.
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const graphclust::Cancelled&) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    } catch (const graphclust::ResourceError& e) {
      PyErr_SetString(PyExc_MemoryError, e.what());
    } catch (const graphclust::IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const graphclust::Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  graphclust::python::bind_graph(m);
  graphclust::python::bind_kernels(m);
  graphclust::python::bind_metrics(m);
  graphclust::python::bind_local(m);
  graphclust::python::bind_methods(m);
  graphclust::python::bind_digrac(m);
}
