// Python bindings of the spectral family: spectral_clustering and hermitian_clustering.
// Results are attribute objects (types.SimpleNamespace) of numpy arrays and scalars (moved, not copied); the GIL is released while
// the C++ code runs.
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>

#include "bindings.hpp"
#include "convert.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/spectral/spectral.hpp"

namespace graphclust::python {
namespace {

EigenOptions eigen_options(const std::string& solver, int ncv, double tol, int max_iter) {
  EigenOptions e;
  if (solver == "auto") e.solver = EigenSolverKind::Auto;
  else if (solver == "lanczos") e.solver = EigenSolverKind::Lanczos;
  else if (solver == "dense") e.solver = EigenSolverKind::Dense;
  else throw InvalidArgument("solver must be 'auto', 'lanczos' or 'dense', got '" + solver + "'");
  e.ncv = ncv;
  e.tolerance = tol;
  e.max_iterations = max_iter;
  return e;
}

py::object spectral(const Graph& graph, int k, const std::string& readout, const std::string& scaling, int n_init,
                  std::optional<double> tau, int k_min, int k_max, const std::string& solver, int ncv, double tol,
                  int max_iter, std::uint64_t seed, bool verbose) {
  SpectralOptions o;
  o.k = k;
  if (readout == "kmeans") o.readout = SpectralReadout::KMeans;
  else if (readout == "cluster_qr") o.readout = SpectralReadout::ClusterQR;
  else throw InvalidArgument("readout must be 'kmeans' or 'cluster_qr', got '" + readout + "'");
  if (scaling == "njw") o.scaling = SpectralScaling::NgJordanWeiss;
  else if (scaling == "shi_malik") o.scaling = SpectralScaling::ShiMalik;
  else throw InvalidArgument("scaling must be 'njw' or 'shi_malik', got '" + scaling + "'");
  o.n_init = n_init;
  o.tau = tau ? *tau : -1.0;
  if (tau && *tau < 0) throw InvalidArgument("tau must be >= 0 (None = automatic)");
  o.k_min = k_min;
  o.k_max = k_max;
  o.eigen = eigen_options(solver, ncv, tol, max_iter);
  o.seed = seed;
  if (verbose) o.progress = stderr_progress();
  SpectralResult r;
  {
    py::gil_scoped_release release;
    r = spectral_clustering(graph, o);
  }
  py::dict out;
  out["labels"] = to_numpy(std::move(r.labels));
  out["embedding"] = to_numpy(std::move(r.embedding));
  out["eigenvalues"] = to_numpy(std::move(r.eigenvalues));
  out["k"] = r.k;
  out["iterations"] = r.iterations;
  out["matvecs"] = r.matvecs;
  out["converged"] = r.converged;
  out["tau"] = r.tau;
  out["components"] = r.components;
  return make_result(out);
}

py::object hermitian(const Graph& graph, int k, const std::string& variant, int num_pairs, double tau, int n_init,
                   const std::string& solver, int ncv, double tol, int max_iter, std::uint64_t seed, bool verbose) {
  HermitianOptions o;
  o.k = k;
  if (variant == "rw") o.variant = HermitianVariant::RandomWalk;
  else if (variant == "plain") o.variant = HermitianVariant::Plain;
  else throw InvalidArgument("variant must be 'rw' or 'plain', got '" + variant + "'");
  o.num_pairs = num_pairs;
  o.tau = tau;
  o.n_init = n_init;
  o.eigen = eigen_options(solver, ncv, tol, max_iter);
  o.seed = seed;
  if (verbose) o.progress = stderr_progress();
  HermitianResult r;
  {
    py::gil_scoped_release release;
    r = hermitian_clustering(graph, o);
  }
  py::dict out;
  out["labels"] = to_numpy(std::move(r.labels));
  out["embedding"] = to_numpy(std::move(r.embedding));
  out["eigenvalues"] = to_numpy(std::move(r.eigenvalues));
  out["k"] = r.k;
  out["iterations"] = r.iterations;
  out["matvecs"] = r.matvecs;
  out["converged"] = r.converged;
  return make_result(out);
}

}  // namespace

void bind_spectral(py::module_& m) {
  using namespace pybind11::literals;
  m.def("spectral_clustering", &spectral, "graph"_a, "k"_a = 0, py::kw_only(), "readout"_a = "kmeans",
        "scaling"_a = "njw", "n_init"_a = 10, "tau"_a = py::none(), "k_min"_a = 2, "k_max"_a = 20,
        "solver"_a = "auto", "ncv"_a = 0, "tol"_a = 1e-6, "max_iter"_a = 1000, "seed"_a = 0, "verbose"_a = false,
        R"doc(Spectral clustering (Ng-Jordan-Weiss or Shi-Malik) of the normalised adjacency D^-1/2 A D^-1/2.

k=0 chooses k by the largest eigengap in [k_min, k_max]. readout: 'kmeans' (k-means++ with n_init
restarts) or 'cluster_qr' (Damle-Minden-Ying, deterministic). scaling: 'njw' (unit rows) or
'shi_malik' (D^-1/2 U). tau: degree regularisation; None = automatic (0 on connected graphs, the mean
degree otherwise). A directed graph is symmetrised. Returns a result object with labels, embedding,
eigenvalues, k, iterations, matvecs, converged, tau, components.)doc");
  m.def("hermitian_clustering", &hermitian, "graph"_a, "k"_a, py::kw_only(), "variant"_a = "rw", "num_pairs"_a = 0,
        "tau"_a = 0.0, "n_init"_a = 10, "solver"_a = "auto", "ncv"_a = 0, "tol"_a = 1e-6, "max_iter"_a = 1000,
        "seed"_a = 0, "verbose"_a = false,
        R"doc(Hermitian spectral clustering of a directed graph (Cucuringu, Li, Sun, Zanetti 2020).

Clusters by the direction of the edges between them, using H = i (A - A^T) ('plain') or its
random-walk normalisation ('rw'), num_pairs = 0 meaning floor(k/2) eigenvector pairs. Returns a result
object with labels, embedding ([Re g, Im g]), eigenvalues, k, iterations, matvecs, converged.)doc");
}

}  // namespace graphclust::python
