#include "graphclust/core/random.hpp"

#include <cmath>

namespace graphclust {

double Rng::normal() noexcept {
  // 1 - uniform() lies in (0, 1], so the logarithm is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace graphclust
