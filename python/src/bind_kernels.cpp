#include <pybind11/stl.h>

#include "bindings.hpp"
#include "convert.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/kernels/kmeans.hpp"
#include "graphclust/kernels/reduce.hpp"

namespace graphclust::python {
namespace {

OperatorOptions operator_options(const std::string& kind, bool transpose, double regularization, double shift) {
  OperatorOptions o;
  o.kind = parse_enum<OperatorKind>(kind, "operator");
  o.transpose = transpose;
  o.degree_regularization = regularization;
  o.shift = shift;
  return o;
}

/// Applies the operator to a vector (1-D) or block (2-D) in the array's precision (float32 stays float32).
template <class T>
py::array apply(const Graph& g, const py::array& x, const OperatorOptions& o) {
  auto in = InArray<T>::ensure(x);
  if (x.ndim() == 1) {
    std::vector<T> y;
    detail::resize_huge(y, static_cast<std::size_t>(in.shape(0)));
    {
      py::gil_scoped_release release;
      GraphOperator<T>(g, o).apply(std::span<const T>(in.data(), in.shape(0)), y);
    }
    return to_numpy(std::move(y));
  }
  if (x.ndim() != 2) throw InvalidArgument("x must be 1-D or 2-D");
  if (static_cast<std::size_t>(in.shape(0)) != g.num_nodes())
    throw InvalidArgument("x has " + std::to_string(in.shape(0)) + " rows for a graph of " + std::to_string(g.num_nodes()) + " nodes");
  DenseBlock<T> y(in.shape(0), in.shape(1));
  detail::advise_huge(y.data(), sizeof(T) * static_cast<std::size_t>(y.size()));
  {
    py::gil_scoped_release release;
    if (in.shape(1) > 0) GraphOperator<T>(g, o).apply_block(in.data(), y.data(), in.shape(1));
  }
  return to_numpy(std::move(y));
}

}  // namespace

void bind_kernels(py::module_& m) {
  m.def("apply_operator",
        [](const Graph& g, const py::array& x, const std::string& op, bool transpose, double regularization, double shift) {
          const OperatorOptions o = operator_options(op, transpose, regularization, shift);
          if (x.dtype().is(py::dtype::of<float>())) return apply<float>(g, x, o);
          return apply<double>(g, x, o);
        },
        py::arg("graph"), py::arg("x"), py::arg("operator") = "adjacency", py::arg("transpose") = false,
        py::arg("degree_regularization") = OperatorOptions{}.degree_regularization,
        py::arg("shift") = OperatorOptions{}.shift,
        R"doc(y = Op x for a vector or an (n, k) block, Op in adjacency (A), sym (D^-1/2 A D^-1/2), rw (D^-1 A),
laplacian (D - A), sym_laplacian, rw_laplacian; transpose applies Op^T; degree_regularization adds tau to degrees;
shift adds shift * I. float32 input stays float32.)doc");
  static const std::string kmeans_doc =
      "k-means++ / Lloyd on the rows of points; deterministic for a seed and any thread count. Returns a "
      "KMeansResult.\n\n" + options_doc<KMeansOptions>();
  m.def(
      "kmeans",
      [](const InArray<double>& points, const py::kwargs& options) {
        DenseBlock<double> x = to_block(points, "points");
        const auto o = options_from<KMeansOptions>(options, "kmeans");
        KMeansResult r;
        {
          py::gil_scoped_release release;
          r = kmeans(x, o);
        }
        return result_to_python(std::move(r));
      },
      py::arg("points"), kmeans_doc.c_str());
  m.def("argmax_rows", [](const InArray<double>& x) {
    DenseBlock<double> b = to_block(x, "x");
    return to_numpy(argmax_rows(b));
  }, py::arg("x"), "hard labels from soft assignments (first maximum on ties)");
}

}  // namespace graphclust::python
