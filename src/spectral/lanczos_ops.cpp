// Parallel, fixed-order dense products for Spectra's Lanczos (see SpectraOperator in eigensolver.hpp).
#include <algorithm>
#include <cmath>
#include <vector>

#include "graphclust/core/parallel.hpp"
#include "spectral/eigensolver.hpp"

namespace graphclust::detail {

double orthogonal_projection(const double* v, Eigen::Index n, Eigen::Index cols, Eigen::Index stride, const double* f,
                             double* res) {
  // One partial per (block, column) plus ||f||^2, combined in block order: fixed_order_reduce's
  // scheme, with the partials of all columns of a block computed in one pass over f's block.
  const std::size_t width = static_cast<std::size_t>(cols) + 1;
  std::vector<double> partial(std::max<std::size_t>(1, block_count(static_cast<std::size_t>(n))) * width, 0.0);
  for_each_block(static_cast<std::size_t>(n), [&](std::size_t b, std::size_t begin, std::size_t end) {
    const auto len = static_cast<Eigen::Index>(end - begin);
    const Eigen::Map<const Eigen::VectorXd> fb(f + begin, len);
    double* out = partial.data() + b * width;
    for (Eigen::Index c = 0; c < cols; ++c)
      out[c] = Eigen::Map<const Eigen::VectorXd>(v + c * stride + static_cast<Eigen::Index>(begin), len).dot(fb);
    out[cols] = fb.squaredNorm();
  });
  std::fill(res, res + cols, 0.0);
  double ff = 0;
  for (std::size_t b = 0; b * width < partial.size(); ++b) {
    const double* p = partial.data() + b * width;
    for (Eigen::Index c = 0; c < cols; ++c) res[c] += p[c];
    ff += p[cols];
  }
  return std::sqrt(ff);
}

}  // namespace graphclust::detail
