#pragma once
/// Support for the library and its Python module (not part of the stable API, hence `detail`):
/// memory checks made before large allocations, and large buffers backed by transparent huge pages. In virtual machines a 4 KiB page fault
/// can cost ~15 us, so first-touching a few hundred MB of CSR costs more than building it; 2 MiB
/// pages cut the faults 512-fold. Systems without THP (or with it off) simply ignore the advice.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace graphclust::detail {

/// Bytes this process may still allocate: MemAvailable + SwapFree (/proc/meminfo), capped by the
/// cgroup's memory.max when one is set; the physical memory where /proc is missing. Read afresh on
/// every call (no cached state), so it is meant for the few checks before large allocations.
std::uint64_t available_memory_bytes();

/// Throws ResourceError "who: what needs 12.0 GiB but only 7.5 GiB of memory is available" when
/// `bytes` exceeds available_memory_bytes(). Sizes are multiplied in double by the callers (k * n *
/// sizeof, n * n, ...) so that an absurd request cannot overflow into a small number first.
void require_memory(double bytes, std::string_view who, std::string_view what);

/// Advises huge pages for an allocated but not yet touched buffer (e.g. a fresh Eigen block).
inline void advise_huge(void* data, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  if (bytes < 4 * kHuge) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1), last = (begin + bytes) & ~(kHuge - 1);
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

/// v.resize(n) with new storage advised as huge pages before it is first touched.
template <class Vector>
void resize_huge(Vector& v, std::size_t n) {
  if (v.capacity() < n) {
    v.reserve(n);
    advise_huge(v.data(), n * sizeof(typename Vector::value_type));
  }
  v.resize(n);
}

}  // namespace graphclust::detail
