// Parallel, fixed-order dense products for Spectra's Lanczos (see SpectraOperator in eigensolver.hpp).
#include <algorithm>
#include <cmath>
#include <vector>

#include <tbb/parallel_for.h>

#include "spectral/eigensolver.hpp"

namespace graphclust::detail {

double orthogonal_projection(const double* v, Eigen::Index n, Eigen::Index cols, Eigen::Index stride, const double* f,
                             double* res) {
  constexpr Eigen::Index kRows = 8192;  // fixed blocks: the same sums for every thread count
  const Eigen::Index blocks = std::max<Eigen::Index>(1, (n + kRows - 1) / kRows);
  std::vector<double> partial(static_cast<std::size_t>(blocks * (cols + 1)));
  tbb::parallel_for(Eigen::Index{0}, blocks, [&](Eigen::Index b) {
    const Eigen::Index begin = b * kRows, len = std::min(n, begin + kRows) - begin;
    const Eigen::Map<const Eigen::VectorXd> fb(f + begin, len);
    double* out = partial.data() + b * (cols + 1);
    for (Eigen::Index c = 0; c < cols; ++c) out[c] = Eigen::Map<const Eigen::VectorXd>(v + c * stride + begin, len).dot(fb);
    out[cols] = fb.squaredNorm();
  });
  std::fill(res, res + cols, 0.0);
  double ff = 0;
  for (Eigen::Index b = 0; b < blocks; ++b) {
    const double* p = partial.data() + b * (cols + 1);
    for (Eigen::Index c = 0; c < cols; ++c) res[c] += p[c];
    ff += p[cols];
  }
  return std::sqrt(ff);
}

}  // namespace graphclust::detail
