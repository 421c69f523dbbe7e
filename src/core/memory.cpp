#include "graphclust/core/memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include "graphclust/core/error.hpp"

namespace graphclust::detail {
namespace {

std::uint64_t meminfo_bytes(const std::string& text, std::string_view key) {
  const std::size_t at = text.find(std::string(key) + ":");
  if (at == std::string::npos) return 0;
  return std::strtoull(text.c_str() + at + key.size() + 1, nullptr, 10) * 1024;  // reported in kB
}

std::string read_all(const char* path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string gib(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return text;
}

}  // namespace

std::uint64_t available_memory_bytes() {
  const std::string meminfo = read_all("/proc/meminfo");
  std::uint64_t available = meminfo_bytes(meminfo, "MemAvailable");
  if (available == 0) {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
    available = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : 0;
  }
  available += meminfo_bytes(meminfo, "SwapFree");
  // A container's limit is what the OOM killer enforces, whatever the host has free.
  const std::string limit = read_all("/sys/fs/cgroup/memory.max");
  if (!limit.empty() && limit.front() >= '0' && limit.front() <= '9') {
    const std::uint64_t max = std::strtoull(limit.c_str(), nullptr, 10);
    const std::uint64_t used = std::strtoull(read_all("/sys/fs/cgroup/memory.current").c_str(), nullptr, 10);
    available = std::min(available, max > used ? max - used : 0);
  }
  // Unknown (no /proc, no sysconf): do not refuse anything on a guess.
  return available == 0 ? UINT64_MAX : available;
}

void require_memory(double bytes, std::string_view who, std::string_view what) {
  // Below this, any machine that runs the library at all has the memory; skip reading /proc.
  if (bytes < 256.0 * 1024 * 1024) return;
  const double available = static_cast<double>(available_memory_bytes());
  if (!(bytes <= available))
    throw ResourceError(std::string(who) + ": " + std::string(what) + " needs " + gib(bytes) + " but only " +
                            gib(available) + " of memory is available",
                        bytes, available);
}

}  // namespace graphclust::detail
