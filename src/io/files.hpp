#pragma once
// Private file helpers shared by the readers and writers.
#include <cstdio>
#include <string>
#include <string_view>

namespace graphclust::detail {

/// Read-only view of a whole file (memory-mapped; read into memory when mapping is impossible).
class FileContents {
 public:
  explicit FileContents(const std::string& path);
  ~FileContents();
  FileContents(const FileContents&) = delete;
  FileContents& operator=(const FileContents&) = delete;
  std::string_view text() const noexcept { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  void* mapping_ = nullptr;
  std::string buffer_;
};

/// Writes to "<path>.tmp-<pid>" and renames over `path` on commit(); an uncommitted writer removes
/// its temporary file, so an error midway never leaves a partial output.
class AtomicWriter {
 public:
  explicit AtomicWriter(std::string path);
  ~AtomicWriter();
  AtomicWriter(const AtomicWriter&) = delete;
  AtomicWriter& operator=(const AtomicWriter&) = delete;
  void write(const void* data, std::size_t bytes);
  void write(std::string_view text) { write(text.data(), text.size()); }
  void commit();

 private:
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
};

}  // namespace graphclust::detail
