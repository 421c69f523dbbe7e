#pragma once
// Private: the leading eigenpairs of a symmetric operator, shared by spectral and Hermitian
// clustering. Lanczos (Spectra) on the sparse operator, or a dense solve for tiny problems.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Spectra/SymEigsSolver.h>
#include <Spectra/Util/Version.h>

#include "graphclust/core/error.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/core/progress.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/kernels/reduce.hpp"
#include "graphclust/spectral/spectral.hpp"

namespace graphclust::detail {

/// res = V^T f for a column-major n x cols block V (column stride `stride`), in parallel over fixed
/// row blocks summed in block order (thread-count independent). Returns ||f||.
double orthogonal_projection(const double* v, Eigen::Index n, Eigen::Index cols, Eigen::Index stride, const double* f,
                             double* res);

/// The operator type handed to Spectra: forwards to `op`. It exists so that Spectra's internal
/// ArnoldiOp can be specialised for it (below), replacing the single-threaded dense products of the
/// Lanczos re-orthogonalisation with parallel fixed-order ones.
///
/// That specialisation is written against Spectra 1.0.1's internals (the class, its constructor,
/// and the re-orthogonalisation loop whose exit test trans_product satisfies), so it is pinned to
/// that version: CMakeLists.txt checks it, and for any other version the specialisation is left out
/// (Spectra's own single-threaded ArnoldiOp runs; results stay deterministic). Measured reason for
/// keeping it, spectral_clustering on a 4-block SBM with 1e6 nodes and 1e7 edges, 2 cores, k = 4:
/// 2.6 s with it, 3.4 s without (3.1 s / 4.2 s directed, 5e6 arcs); identical iterations and ARI.
///
/// It also reports every operator application to the caller's Progress as step N: Spectra's
/// restart loop is otherwise closed to us, and a callback that throws (Ctrl-C) must be reached
/// between iterations, not only after the solve.
template <class Op>
struct SpectraOperator {
  using Scalar = double;
  Op& op;
  const Progress* progress = nullptr;
  std::string_view stage;
  mutable long long applications = 0;
  Eigen::Index rows() const { return op.rows(); }
  Eigen::Index cols() const { return op.cols(); }
  void perform_op(const double* x, double* y) const {
    op.perform_op(x, y);
    if (progress && *progress) (*progress)(stage, -static_cast<double>(++applications));
  }
};

/// Loss of orthogonality below which f counts as orthogonal to the basis. Spectra 1.0.1 asks for
/// max |V^T f| <= machine epsilon * ||f||, which rounding never reaches at large n: every Lanczos
/// step then ran the maximum 5 extra re-orthogonalisation passes over the n x ncv basis, costing more
/// than the sparse products at 1e6 nodes. 1e-12 is far below what a 1e-6 eigenvector tolerance needs.
inline constexpr double kOrthogonalEnough = 1e-12;

}  // namespace graphclust::detail

#if SPECTRA_VERSION == 10001
namespace graphclust::detail {
inline constexpr bool kParallelArnoldi = true;
}

namespace Spectra {

/// Spectra's customisation point for the inner products of its Krylov factorisations (the same
/// role as its own IdentityBOp specialisation), for our operator wrapper.
template <class Op>
class ArnoldiOp<double, graphclust::detail::SpectraOperator<Op>, IdentityBOp> {
 public:
  using Vector = Eigen::Matrix<double, Eigen::Dynamic, 1>;
  static constexpr bool graphclust_parallel = true;  // lets a test check that Spectra picks this class
  ArnoldiOp(const graphclust::detail::SpectraOperator<Op>& op, const IdentityBOp&) : m_op(op) {}
  Eigen::Index rows() const { return m_op.rows(); }

  template <typename Arg1, typename Arg2>
  double inner_product(const Arg1& x, const Arg2& y) const {
    return graphclust::dot<double>({x.data(), static_cast<std::size_t>(x.size())}, {y.data(), static_cast<std::size_t>(y.size())});
  }
  template <typename Arg1, typename Arg2>
  void trans_product(const Arg1& x, const Arg2& y, Eigen::Ref<Vector> res) const {
    const double fnorm = graphclust::detail::orthogonal_projection(x.data(), x.rows(), x.cols(), x.outerStride(), y.data(), res.data());
    if (res.size() > 0 && res.cwiseAbs().maxCoeff() <= graphclust::detail::kOrthogonalEnough * fnorm) res.setZero();
  }
  template <typename Arg>
  double norm(const Arg& x) const {
    return graphclust::norm2<double>({x.data(), static_cast<std::size_t>(x.size())});
  }
  void perform_op(const double* x_in, double* y_out) const { m_op.perform_op(x_in, y_out); }

 private:
  const graphclust::detail::SpectraOperator<Op>& m_op;
};

}  // namespace Spectra
#else
namespace graphclust::detail {
inline constexpr bool kParallelArnoldi = false;
}
#endif

namespace graphclust::detail {

struct EigenPairs {
  Eigen::VectorXd values;   // largest algebraic first
  Eigen::MatrixXd vectors;  // rows x nev, orthonormal columns
  int iterations = 0;
  long long matvecs = 0;
  bool converged = true;
};

inline void check_eigen_options(const EigenOptions& o, const char* who) {
  if (o.ncv < 0) throw InvalidArgument(std::string(who) + ": ncv must be >= 0 (0 = automatic)");
  if (!(o.tolerance > 0) || !(o.tolerance < 1))
    throw InvalidArgument(std::string(who) + ": tolerance must be in (0, 1), got " + std::to_string(o.tolerance));
  if (o.max_iterations < 0) throw InvalidArgument(std::string(who) + ": max_iterations must be >= 0");
}

inline int choose_ncv(const EigenOptions& o, Eigen::Index n, int nev) {
  const Eigen::Index wanted = o.ncv > 0 ? std::max<Eigen::Index>(o.ncv, nev + 1) : std::max(2 * nev + 1, 20);
  return static_cast<int>(std::min<Eigen::Index>(wanted, n));
}

/// Dense when asked, when the problem is tiny, or when Lanczos cannot run (it needs nev < ncv <= n).
inline bool use_dense(const EigenOptions& o, Eigen::Index n, int nev, Eigen::Index small = 256) {
  if (o.solver == EigenSolverKind::Dense) return true;
  const bool krylov_fits = nev + 1 <= n - 1 && choose_ncv(o, n, nev) > nev;
  if (o.solver == EigenSolverKind::Lanczos && !krylov_fits)
    throw InvalidArgument("Lanczos needs nev + 2 <= n (nev = " + std::to_string(nev) + ", n = " + std::to_string(n) +
                          "); use the dense solver");
  return o.solver == EigenSolverKind::Auto ? (n <= small || !krylov_fits) : false;
}

/// Gaussian start vector from the project's portable generator: same Krylov space for every run.
inline Eigen::VectorXd start_vector(Eigen::Index n, std::uint64_t seed) {
  Rng rng(seed, 0x5EC7);
  Eigen::VectorXd v(n);
  for (Eigen::Index i = 0; i < n; ++i) v[i] = rng.normal();
  return v;
}

template <class Op>
EigenPairs dense_eigenpairs(const Op& op, int nev, const Progress& progress = {}, std::string_view stage = {}) {
  const Eigen::Index n = op.rows();
  if (n > 20000) throw InvalidArgument("dense eigensolver refused for n = " + std::to_string(n) + " (> 20000)");
  // The matrix, its symmetrised copy and the solver's eigenvectors and workspace.
  require_memory(4.0 * static_cast<double>(n) * static_cast<double>(n) * sizeof(double), "dense eigensolver",
                 "an n x n matrix for n = " + std::to_string(n));
  Eigen::MatrixXd m(n, n);
  Eigen::VectorXd e = Eigen::VectorXd::Zero(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    e[j] = 1;
    op.perform_op(e.data(), m.col(j).data());
    e[j] = 0;
    report(progress, stage, static_cast<double>(j + 1) / static_cast<double>(n));
  }
  const Eigen::MatrixXd sym = 0.5 * (m + m.transpose());
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(sym);
  EigenPairs r;
  r.values.resize(nev);
  r.vectors.resize(n, nev);
  for (int i = 0; i < nev; ++i) {
    r.values[i] = es.eigenvalues()[n - 1 - i];
    r.vectors.col(i) = es.eigenvectors().col(n - 1 - i);
  }
  r.matvecs = n;
  return r;
}

template <class Op>
EigenPairs lanczos_eigenpairs(Op& op, int nev, const EigenOptions& o, std::uint64_t seed, const Progress& progress = {},
                              std::string_view stage = {}) {
  const Eigen::Index n = op.rows();
  // Spectra keeps the n x ncv Krylov basis, a restart copy of it and the n x nev eigenvectors.
  const int ncv = choose_ncv(o, n, nev);
  require_memory((2.0 * ncv + nev + 4) * static_cast<double>(n) * sizeof(double), "Lanczos",
                 std::to_string(ncv) + " Krylov vectors of " + std::to_string(n) + " entries");
  SpectraOperator<Op> wrapped{op, &progress, stage};
  Spectra::SymEigsSolver<SpectraOperator<Op>> eigs(wrapped, nev, ncv);
  const Eigen::VectorXd v0 = start_vector(n, seed);
  eigs.init(v0.data());
  eigs.compute(Spectra::SortRule::LargestAlge, o.max_iterations, o.tolerance);
  EigenPairs r;
  r.converged = eigs.info() == Spectra::CompInfo::Successful;
  r.iterations = static_cast<int>(eigs.num_iterations());
  if (!r.converged) {
    // Spectra only returns converged pairs. One more pass with an unreachable-to-miss tolerance
    // rebuilds the factorisation from the restarted vector and accepts every Ritz pair: the best
    // approximation available, flagged as not converged.
    eigs.compute(Spectra::SortRule::LargestAlge, 1, 1e100);
  }
  r.values = eigs.eigenvalues();
  r.vectors = eigs.eigenvectors();
  r.matvecs = eigs.num_operations();
  if (r.values.size() < nev) throw Error("Lanczos returned " + std::to_string(r.values.size()) + " of " + std::to_string(nev) + " eigenpairs");
  for (Eigen::Index i = 0; i < r.vectors.size(); ++i)
    if (!std::isfinite(r.vectors.data()[i])) throw Error("Lanczos produced a non-finite eigenvector entry");
  return r;
}

template <class Op>
EigenPairs leading_eigenpairs(Op& op, int nev, const EigenOptions& o, std::uint64_t seed, const Progress& progress = {},
                              std::string_view stage = {}) {
  return use_dense(o, op.rows(), nev) ? dense_eigenpairs(op, nev, progress, stage)
                                      : lanczos_eigenpairs(op, nev, o, seed, progress, stage);
}

}  // namespace graphclust::detail
