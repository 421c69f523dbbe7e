#pragma once
/// Typed errors. Every bad input (malformed file, unknown node, invalid option) surfaces as one of
/// these, never as a crash; the CLI prints what() on one line, Python raises ValueError.
#include <cstddef>
#include <stdexcept>
#include <string>

namespace graphclust {

/// Root of every error graphclust throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An option or argument out of its domain (k > n, empty graph, NaN feature, ...).
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// A malformed input file. what() reads "file:line: message" so editors can jump to it.
class ParseError : public Error {
 public:
  ParseError(std::string file, std::size_t line, const std::string& message)
      : Error(file + ":" + std::to_string(line) + ": " + message), file_(std::move(file)), line_(line) {}
  const std::string& file() const noexcept { return file_; }
  /// 1-based line number; 0 when the problem concerns the whole file (e.g. empty file).
  std::size_t line() const noexcept { return line_; }

 private:
  std::string file_;
  std::size_t line_;
};

/// A file that cannot be opened, read, written or renamed.
class IoError : public Error {
 public:
  using Error::Error;
};

/// A graph or an option that would need more memory than the machine has, refused before anything
/// is allocated (instead of an allocation failure, or the kernel's OOM killer, halfway through).
/// what() names the request, the bytes it needs and the bytes available.
class ResourceError : public Error {
 public:
  ResourceError(const std::string& message, double needed_bytes, double available_bytes)
      : Error(message), needed_(needed_bytes), available_(available_bytes) {}
  double needed_bytes() const noexcept { return needed_; }
  double available_bytes() const noexcept { return available_; }

 private:
  double needed_;
  double available_;
};

/// A run stopped on request (Ctrl-C in the CLI, KeyboardInterrupt in Python). Raised from a Progress
/// callback between iterations, so nothing half-written is left behind.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

}  // namespace graphclust
