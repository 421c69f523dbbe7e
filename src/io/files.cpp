#include "io/files.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "graphclust/core/error.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/io/io.hpp"

namespace graphclust::detail {

FileContents::FileContents(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw IoError("cannot open '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw IoError("cannot read '" + path + "': it is a directory");
  }
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    void* map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      ::madvise(map, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
      mapping_ = map;
      data_ = static_cast<const char*>(map);
      size_ = static_cast<std::size_t>(st.st_size);
      ::close(fd);
      return;
    }
  }
  ::close(fd);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw IoError("cannot read '" + path + "'");
  buffer_ = ss.str();
  data_ = buffer_.data();
  size_ = buffer_.size();
}

FileContents::~FileContents() {
  if (mapping_) ::munmap(mapping_, size_);
}

std::string utf8_problem(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  auto problem = [&](std::size_t at) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(p[at]));
    return "byte " + std::string(hex) + " at position " + std::to_string(at + 1) + " is not valid UTF-8";
  };
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Lead byte: sequence length and the range of the second byte (no overlong forms, no UTF-16
    // surrogates, nothing above U+10FFFF), as in the Unicode standard's table 3-7.
    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) length = 2;
    else if (c == 0xE0) length = 3, lo = 0xA0;
    else if (c == 0xED) length = 3, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF) length = 3;
    else if (c == 0xF0) length = 4, lo = 0x90;
    else if (c == 0xF4) length = 4, hi = 0x8F;
    else if (c >= 0xF1 && c <= 0xF3) length = 4;
    else return problem(i);
    for (std::size_t k = 1; k < length; ++k) {
      if (i + k >= n) return problem(i);
      const unsigned char t = p[i + k];
      if (k == 1 ? (t < lo || t > hi) : (t < 0x80 || t > 0xBF)) return problem(i + k);
    }
    i += length;
  }
  return {};
}

void require_declared_memory(double bytes, std::uint64_t limit, const std::string& source, std::size_t line,
                             const std::string& what) {
  if (limit == 0) {
    // The machine is too small, the file is not wrong: a ResourceError (MemoryError in Python) that
    // still names the file and line that asked.
    require_memory(bytes, source + ":" + std::to_string(line), what);
    return;
  }
  if (bytes <= static_cast<double>(limit)) return;
  auto mib = [](double b) { return std::to_string(static_cast<unsigned long long>(b / (1 << 20))) + " MiB"; };
  throw ParseError(source, line, what + " needs about " + mib(bytes) + ", more than the limit given (" +
                                     mib(static_cast<double>(limit)) + ")");
}

AtomicWriter::AtomicWriter(std::string path) : path_(std::move(path)) {
  temp_ = path_ + ".tmp-" + std::to_string(::getpid());
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) throw IoError("cannot write '" + path_ + "': " + std::strerror(errno));
}

AtomicWriter::~AtomicWriter() {
  if (file_) {
    std::fclose(file_);
    std::remove(temp_.c_str());
  }
}

void AtomicWriter::write(const void* data, std::size_t bytes) {
  if (bytes && std::fwrite(data, 1, bytes, file_) != bytes)
    throw IoError("cannot write '" + path_ + "': " + std::strerror(errno));
}

void AtomicWriter::commit() {
  const bool flushed = std::fflush(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed || std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp_.c_str());
    throw IoError("cannot write '" + path_ + "': " + reason);
  }
}

}  // namespace graphclust::detail

namespace graphclust {
void write_file_atomically(const std::string& path, std::string_view contents) {
  detail::AtomicWriter out(path);
  out.write(contents);
  out.commit();
}
}  // namespace graphclust
