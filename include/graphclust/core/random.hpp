#pragma once
/// Seeded randomness with results identical on every platform and thread count: a counter-based
/// stream per (seed, stream id) so parallel loops draw the same numbers however they are split.
#include <cstdint>

namespace graphclust {

/// SplitMix64 finaliser: a fast, well-mixed 64-bit hash.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Small PRNG (xoshiro256**) seeded from (seed, stream). Not std::mt19937 + std::*_distribution,
/// whose outputs differ between standard libraries.
class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) noexcept {
    std::uint64_t s = mix64(seed ^ mix64(stream + 0x632BE59BD9B4E019ULL));
    for (auto& word : state_) word = s = mix64(s);
  }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, bound), bound > 0 (Lemire's multiply-shift, negligible bias for our bounds).
  std::uint64_t below(std::uint64_t bound) noexcept {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * bound) >> 64);
  }
  /// Standard normal (Box-Muller; one of the pair is discarded to keep the stream simple).
  double normal() noexcept;

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

/// Counter-based stream: the index-th 64 random bits of stream (seed, stream), computed without state.
/// Any element of a parallel loop can draw its own number (dropout masks, initialisation), so the
/// result cannot depend on how the loop is split. SplitMix64 over a hashed key: a different sequence
/// per (seed, stream) and well-mixed consecutive indices.
constexpr std::uint64_t random_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) noexcept {
  const std::uint64_t key = mix64(seed ^ mix64(stream + 0xD1B54A32D192ED03ULL));
  return mix64(key + index * 0x9E3779B97F4A7C15ULL);
}

/// Uniform in [0, 1) with 53 random bits: element `index` of stream (seed, stream).
constexpr double uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) noexcept {
  return static_cast<double>(random_bits(seed, stream, index) >> 11) * 0x1.0p-53;
}

/// Standard normal: element `index` of stream (seed, stream) (Box-Muller on two counter draws).
double normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) noexcept;

}  // namespace graphclust
