#pragma once
// Private file helpers shared by the readers and writers.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace graphclust::detail {

/// The text after a UTF-8 byte-order mark, if it starts with one. Editors on Windows write it, and
/// left in place it would become part of the first node's name.
inline std::string_view without_bom(std::string_view text) noexcept {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

/// The one line splitter of every text reader: each line without its '\n' and a trailing '\r'.
class LineReader {
 public:
  /// `lines_before` numbers the first line lines_before + 1 (a chunk or a tail of a larger text).
  explicit LineReader(std::string_view text, std::size_t lines_before = 0) noexcept
      : begin_(text.data()), next_(text.data()), end_(text.data() + text.size()), number_(lines_before) {}

  /// The next line, or false at the end of the text.
  bool next(std::string_view& line) noexcept {
    if (next_ >= end_) return false;
    line_start_ = next_;
    const char* eol = static_cast<const char*>(std::memchr(next_, '\n', static_cast<std::size_t>(end_ - next_)));
    if (!eol) eol = end_;
    std::size_t length = static_cast<std::size_t>(eol - next_);
    if (length > 0 && next_[length - 1] == '\r') --length;
    line = std::string_view(next_, length);
    next_ = eol + 1;
    ++number_;
    return true;
  }
  /// 1-based number of the line last returned.
  std::size_t number() const noexcept { return number_; }
  /// Offset (from the start of the text) of the line last returned, and of the one after it.
  std::size_t line_offset() const noexcept { return static_cast<std::size_t>(line_start_ - begin_); }
  std::size_t next_offset() const noexcept { return static_cast<std::size_t>(std::min(next_, end_) - begin_); }

 private:
  const char* begin_;
  const char* next_;
  const char* end_;
  const char* line_start_ = nullptr;
  std::size_t number_;
};

/// The line without leading and trailing blanks (spaces, tabs).
inline std::string_view trim_blanks(std::string_view line) noexcept {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

/// True for an empty line or a '#' / '%' comment (after leading blanks).
inline bool is_blank_or_comment(std::string_view line) noexcept {
  line = trim_blanks(line);
  return line.empty() || line.front() == '#' || line.front() == '%';
}

/// Empty when `text` is valid UTF-8, else a description of the first bad byte (its value and
/// position, never the raw bytes: they would make the message itself invalid).
std::string utf8_problem(std::string_view text);

/// Readers call this with the sizes a file declares, before allocating. With limit = 0 it is
/// require_memory() (a ResourceError naming source:line); with a caller's limit (the fuzzers') a
/// larger declaration is a ParseError(source, line, "<what> needs N MiB, more than the limit given").
void require_declared_memory(double bytes, std::uint64_t limit, const std::string& source, std::size_t line,
                    const std::string& what);

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
