#include "graphclust/core/random.hpp"

#include <cmath>

namespace graphclust {

double Rng::normal() noexcept {
  // 1 - uniform() lies in (0, 1], so the logarithm is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

double normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) noexcept {
  // Two independent draws per index: the second from a sibling stream so index + 1 stays unrelated.
  const double u1 = 1.0 - uniform(seed, stream, index);
  const double u2 = uniform(seed, ~stream, index);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace graphclust
