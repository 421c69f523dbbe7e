// Registry entries "spectral" and "hermitian" (CLI --method, Python cluster()).
#include <cstdio>
#include <sstream>
#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/spectral/spectral.hpp"
#include "methods/families.hpp"

namespace graphclust::detail {
namespace {

std::string join(const std::vector<double>& values) {
  std::string out;
  char buffer[32];
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::snprintf(buffer, sizeof buffer, "%.6g", values[i]);
    if (i) out += ",";
    out += buffer;
  }
  return out;
}

EigenOptions eigen_options(const MethodParams& params) {
  EigenOptions e;
  e.ncv = static_cast<int>(extra_int(params, "ncv", e.ncv));
  e.tolerance = extra_double(params, "tol", e.tolerance);
  e.max_iterations = static_cast<int>(extra_int(params, "max_iter", e.max_iterations));
  const std::string solver = extra_string(params, "solver", "auto");
  if (solver == "auto") e.solver = EigenSolverKind::Auto;
  else if (solver == "lanczos") e.solver = EigenSolverKind::Lanczos;
  else if (solver == "dense") e.solver = EigenSolverKind::Dense;
  else throw InvalidArgument("option solver must be auto, lanczos or dense, got '" + solver + "'");
  return e;
}

MethodOutput run_spectral(const Graph& graph, const MethodParams& params) {
  check_extra(params, {"readout", "scaling", "tau", "n_init", "k_min", "k_max", "ncv", "tol", "max_iter", "solver"});
  SpectralOptions o;
  o.k = params.k;
  o.seed = params.seed;
  o.progress = params.progress;
  const std::string readout = extra_string(params, "readout", "kmeans");
  if (readout == "kmeans") o.readout = SpectralReadout::KMeans;
  else if (readout == "cluster_qr") o.readout = SpectralReadout::ClusterQR;
  else throw InvalidArgument("option readout must be kmeans or cluster_qr, got '" + readout + "'");
  const std::string scaling = extra_string(params, "scaling", "njw");
  if (scaling == "njw") o.scaling = SpectralScaling::NgJordanWeiss;
  else if (scaling == "shi_malik") o.scaling = SpectralScaling::ShiMalik;
  else throw InvalidArgument("option scaling must be njw or shi_malik, got '" + scaling + "'");
  o.tau = extra_double(params, "tau", o.tau);
  o.n_init = static_cast<int>(extra_int(params, "n_init", o.n_init));
  o.k_min = static_cast<int>(extra_int(params, "k_min", o.k_min));
  o.k_max = static_cast<int>(extra_int(params, "k_max", o.k_max));
  o.eigen = eigen_options(params);
  SpectralResult r = spectral_clustering(graph, o);
  MethodOutput out;
  out.labels = std::move(r.labels);
  out.details = {{"k", std::to_string(r.k)},
                 {"eigenvalues", join(r.eigenvalues)},
                 {"converged", r.converged ? "true" : "false"},
                 {"iterations", std::to_string(r.iterations)},
                 {"matvecs", std::to_string(r.matvecs)},
                 {"tau", join({r.tau})},
                 {"components", std::to_string(r.components)}};
  return out;
}

MethodOutput run_hermitian(const Graph& graph, const MethodParams& params) {
  check_extra(params, {"variant", "pairs", "tau", "n_init", "ncv", "tol", "max_iter", "solver"});
  HermitianOptions o;
  o.k = params.k;
  o.seed = params.seed;
  o.progress = params.progress;
  const std::string variant = extra_string(params, "variant", "rw");
  if (variant == "rw") o.variant = HermitianVariant::RandomWalk;
  else if (variant == "plain") o.variant = HermitianVariant::Plain;
  else throw InvalidArgument("option variant must be plain or rw, got '" + variant + "'");
  o.num_pairs = static_cast<int>(extra_int(params, "pairs", o.num_pairs));
  o.tau = extra_double(params, "tau", o.tau);
  o.n_init = static_cast<int>(extra_int(params, "n_init", o.n_init));
  o.eigen = eigen_options(params);
  HermitianResult r = hermitian_clustering(graph, o);
  MethodOutput out;
  out.labels = std::move(r.labels);
  out.details = {{"k", std::to_string(r.k)},
                 {"eigenvalues", join(r.eigenvalues)},
                 {"converged", r.converged ? "true" : "false"},
                 {"iterations", std::to_string(r.iterations)},
                 {"matvecs", std::to_string(r.matvecs)}};
  return out;
}

}  // namespace

void register_spectral_methods(MethodRegistry& registry) {
  registry.add({"spectral",
                "spectral clustering of D^-1/2 A D^-1/2 (k=0: eigengap); opts readout=kmeans|cluster_qr, "
                "scaling=njw|shi_malik, tau, n_init, k_min, k_max, ncv, tol, max_iter, solver",
                false, false, run_spectral});
  registry.add({"hermitian",
                "Hermitian clustering of a digraph by flow direction (Cucuringu et al. 2020); opts variant=rw|plain, "
                "pairs, tau, n_init, ncv, tol, max_iter, solver",
                true, true, run_hermitian});
}

}  // namespace graphclust::detail
