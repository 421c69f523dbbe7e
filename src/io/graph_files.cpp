// Writers, the binary CSR cache, and the labels / features formats of ../shared/graphs.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "graphclust/core/error.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/io/io.hpp"
#include "io/files.hpp"

namespace graphclust {
namespace {

constexpr char kMagic[8] = {'G', 'C', 'S', 'R', 'v', '0', '0', '1'};
constexpr std::uint64_t kDirected = 1, kWeighted = 2, kNamed = 4;

template <class T>
void write_array(detail::AtomicWriter& out, const std::vector<T>& v) {
  out.write(v.data(), v.size() * sizeof(T));
}

/// Sequential reader over a byte range that reports truncation as a ParseError.
class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string_view source) : bytes_(bytes), source_(source) {}
  template <class T>
  T value() {
    T v;
    copy(&v, sizeof(T));
    return v;
  }
  template <class T>
  void array(std::vector<T>& v, std::uint64_t count) {
    if (count > (bytes_.size() - pos_) / sizeof(T)) truncated();
    v.resize(count);
    copy(v.data(), count * sizeof(T));
  }
  std::string_view bytes(std::size_t count) {
    if (count > bytes_.size() - pos_) truncated();
    auto s = bytes_.substr(pos_, count);
    pos_ += count;
    return s;
  }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  void copy(void* dst, std::size_t count) {
    if (count > bytes_.size() - pos_) truncated();
    // An empty array's data() may be null, and memcpy(nullptr, ..., 0) is undefined (edgeless graphs).
    if (count > 0) std::memcpy(dst, bytes_.data() + pos_, count);
    pos_ += count;
  }
  [[noreturn]] void truncated() const { throw ParseError(source_, 0, "truncated binary graph file"); }
  std::string_view bytes_;
  std::string source_;
  std::size_t pos_ = 0;
};

void read_csr(ByteReader& in, CsrArrays& csr, std::uint64_t n, std::uint64_t nnz, bool weighted, const std::string& path) {
  in.array(csr.offsets, n + 1);
  in.array(csr.targets, nnz);
  if (weighted) in.array(csr.weights, nnz);
  if (csr.offsets.front() != 0 || csr.offsets.back() != nnz) throw ParseError(path, 0, "corrupt CSR offsets in binary graph file");
  for (std::uint64_t u = 0; u < n; ++u)
    if (csr.offsets[u] > csr.offsets[u + 1]) throw ParseError(path, 0, "corrupt CSR offsets in binary graph file");
  for (NodeId v : csr.targets)
    if (v >= n) throw ParseError(path, 0, "corrupt node id in binary graph file");
}

/// What Graph assumes and a damaged or hand-made cache can break, beyond ids in range (read_csr):
/// rows sorted without duplicates, finite weights, and `in` the transpose of `out` with the same
/// weights (for an undirected graph `in` is `out`: symmetric). O(m log d) in parallel, still far
/// cheaper than parsing text, so the cache stays the fast way to reload a graph.
void validate_adjacency(const CsrArrays& out, const CsrArrays& in, std::uint64_t n, const std::string& path) {
  std::atomic<bool> unsorted{false}, not_finite{false}, mismatch{false};
  parallel_for_nodes(static_cast<NodeId>(n), [&](NodeId u) {
    for (const CsrArrays* c : {&out, &in}) {
      for (EdgeOffset e = c->offsets[u]; e < c->offsets[u + 1]; ++e) {
        if (e > c->offsets[u] && c->targets[e - 1] >= c->targets[e]) unsorted = true;
        if (!c->weights.empty() && !std::isfinite(c->weights[e])) not_finite = true;
      }
    }
  });
  if (unsorted) throw ParseError(path, 0, "corrupt binary graph file: a row is unsorted or repeats a node");
  if (not_finite) throw ParseError(path, 0, "corrupt binary graph file: a weight is not a finite number");
  parallel_for_nodes(static_cast<NodeId>(n), [&](NodeId u) {
    for (EdgeOffset e = out.offsets[u]; e < out.offsets[u + 1]; ++e) {
      const NodeId v = out.targets[e];
      const NodeId* row_begin = in.targets.data() + in.offsets[v];
      const NodeId* row_end = in.targets.data() + in.offsets[v + 1];
      const NodeId* at = std::lower_bound(row_begin, row_end, u);
      if (at == row_end || *at != u ||
          (!out.weights.empty() && in.weights[static_cast<std::size_t>(at - in.targets.data())] != out.weights[e]))
        mismatch = true;
    }
  });
  if (mismatch)
    throw ParseError(path, 0, "corrupt binary graph file: the adjacency is not symmetric (undirected) or the "
                              "in-adjacency is not the transpose of the out-adjacency (directed)");
}

/// Parses "node value" lines; calls f(line_number, node, value_token).
template <class F>
void for_each_node_line(std::string_view text, const std::string& path, const Graph& graph, F f) {
  detail::LineReader lines(detail::without_bom(text));
  std::string_view line;
  while (lines.next(line)) {
    const std::size_t line_no = lines.number();
    line = detail::trim_blanks(line);
    if (detail::is_blank_or_comment(line)) continue;
    const std::size_t sep = line.find_first_of(" \t,");
    if (sep == std::string_view::npos) throw ParseError(path, line_no, "expected 'node value', found one column");
    std::string_view node_token = line.substr(0, sep), rest = line.substr(sep + 1);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == ',')) rest.remove_prefix(1);
    auto node = graph.find_node(node_token);
    if (!node) throw ParseError(path, line_no, "unknown node '" + std::string(node_token) + "'");
    f(line_no, *node, rest);
  }
}

/// The value of a "# key: value" line in the leading comment block.
std::string header_value(std::string_view text, std::string_view key) {
  detail::LineReader lines(detail::without_bom(text));
  std::string_view line;
  while (lines.next(line) && !line.empty() && (line.front() == '#' || line.front() == '%')) {
    line = detail::trim_blanks(line.substr(1));
    if (line.substr(0, key.size()) == key && line.size() > key.size() && line[key.size()] == ':')
      return std::string(detail::trim_blanks(line.substr(key.size() + 1)));
  }
  return {};
}

}  // namespace

void write_edge_list(const Graph& graph, const std::string& path) {
  detail::AtomicWriter out(path);
  std::string buf;
  buf += "# directed: " + std::string(graph.directed() ? "true" : "false") + "\n";
  buf += "# nodes: " + std::to_string(graph.num_nodes()) + "\n";
  buf += "# edges: " + std::to_string(graph.num_edges()) + "\n";
  buf += "# weighted: " + std::string(graph.weighted() ? "true" : "false") + "\n";
  char number[64];
  for (NodeId u = 0; u < graph.num_nodes(); ++u) {
    const std::string un = graph.name_of(u);
    graph.for_each_out(u, [&](NodeId v, Weight w) {
      if (!graph.directed() && v < u) return;
      buf += un;
      buf += ' ';
      buf += graph.name_of(v);
      if (graph.weighted()) {
        auto r = std::to_chars(number, number + sizeof number, w);
        buf += ' ';
        buf.append(number, r.ptr);
      }
      buf += '\n';
    });
    if (buf.size() > (1 << 20)) {
      out.write(buf);
      buf.clear();
    }
  }
  out.write(buf);
  out.commit();
}

void save_binary(const Graph& graph, const std::string& path) {
  detail::AtomicWriter out(path);
  out.write(kMagic, sizeof kMagic);
  const std::uint64_t flags = (graph.directed() ? kDirected : 0) | (graph.weighted() ? kWeighted : 0) |
                              (graph.has_names() ? kNamed : 0);
  const std::uint64_t header[3] = {flags, graph.num_nodes(), graph.num_arcs()};
  out.write(header, sizeof header);
  write_array(out, graph.out().offsets);
  write_array(out, graph.out().targets);
  write_array(out, graph.out().weights);
  if (graph.directed()) {
    write_array(out, graph.in().offsets);
    write_array(out, graph.in().targets);
    write_array(out, graph.in().weights);
  }
  if (graph.has_names()) {
    for (const auto& name : graph.names()) {
      const auto len = static_cast<std::uint32_t>(name.size());
      out.write(&len, sizeof len);
      out.write(name);
    }
  }
  out.commit();
}

Graph load_binary_bytes(std::string_view bytes, std::string_view source) {
  const std::string path(source);
  ByteReader in(bytes, path);
  if (std::memcmp(in.bytes(sizeof kMagic).data(), kMagic, sizeof kMagic) != 0)
    throw ParseError(path, 0, "not a graphclust binary graph (bad magic)");
  const auto flags = in.value<std::uint64_t>(), n = in.value<std::uint64_t>(), nnz = in.value<std::uint64_t>();
  if (n > kMaxNodes || (flags & ~(kDirected | kWeighted | kNamed)) != 0) throw ParseError(path, 0, "corrupt binary graph header");
  CsrArrays out, incoming;
  read_csr(in, out, n, nnz, flags & kWeighted, path);
  if (flags & kDirected) read_csr(in, incoming, n, nnz, flags & kWeighted, path);
  validate_adjacency(out, (flags & kDirected) ? incoming : out, n, path);
  std::vector<std::string> names;
  if (flags & kNamed) {
    names.reserve(n);
    for (std::uint64_t u = 0; u < n; ++u) {
      names.emplace_back(in.bytes(in.value<std::uint32_t>()));
      // The text readers accept only UTF-8 names, and every writer copies names into its output.
      if (std::string problem = detail::utf8_problem(names.back()); !problem.empty())
        throw ParseError(path, 0, "corrupt binary graph file: node name " + std::to_string(u) + ": " + problem);
    }
  }
  if (!in.at_end()) throw ParseError(path, 0, "trailing bytes after the binary graph");
  try {
    return Graph(std::move(out), std::move(incoming), flags & kDirected, std::move(names));
  } catch (const InvalidArgument& e) {
    throw ParseError(path, 0, std::string("corrupt binary graph file: ") + e.what());  // e.g. a name used twice
  }
}

Graph load_binary(const std::string& path) {
  detail::FileContents file(path);
  return load_binary_bytes(file.text(), path);
}

std::vector<std::int32_t> read_labels(const std::string& path, const Graph& graph) {
  detail::FileContents file(path);
  return read_labels_text(file.text(), path, graph);
}

std::vector<std::int32_t> read_labels_text(std::string_view text, std::string_view source, const Graph& graph) {
  const std::string path(source);
  std::vector<std::int32_t> labels(graph.num_nodes(), -1);
  for_each_node_line(text, path, graph, [&](std::size_t line, NodeId node, std::string_view token) {
    long long value = 0;
    auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc() || ptr != token.data() + token.size() || value < -1 || value > INT32_MAX)
      throw ParseError(path, line, "malformed label '" + std::string(token) + "' (expected an integer >= -1)");
    labels[node] = static_cast<std::int32_t>(value);
  });
  return labels;
}

void write_labels(const std::string& path, const Graph& graph, std::span<const std::int32_t> labels,
                  const std::vector<std::string>& header) {
  if (labels.size() != graph.num_nodes())
    throw InvalidArgument("write_labels: " + std::to_string(labels.size()) + " labels for " +
                          std::to_string(graph.num_nodes()) + " nodes");
  std::string buf;
  for (const auto& h : header) buf += "# " + h + "\n";
  for (NodeId u = 0; u < graph.num_nodes(); ++u) {
    buf += graph.name_of(u);
    buf += ' ';
    buf += std::to_string(labels[u]);
    buf += '\n';
  }
  write_file_atomically(path, buf);
}

FeatureMatrix read_features(const std::string& path, const Graph& graph, std::uint64_t memory_limit) {
  detail::FileContents file(path);
  return read_features_text(file.text(), path, graph, memory_limit);
}

FeatureMatrix read_features_text(std::string_view text, std::string_view source, const Graph& graph,
                                 std::uint64_t memory_limit) {
  const std::string path(source);
  const std::string dims_text = header_value(text, "dims");
  long long dims = -1;
  auto [ptr, ec] = std::from_chars(dims_text.data(), dims_text.data() + dims_text.size(), dims);
  if (dims_text.empty() || ec != std::errc() || dims < 1)
    throw ParseError(path, 1, "missing or malformed '# dims: D' header");
  // The format is sparse, so a short file can declare a dense matrix of any size.
  detail::require_declared_memory(static_cast<double>(sizeof(float)) * static_cast<double>(graph.num_nodes()) * static_cast<double>(dims),
                         memory_limit, path, 1, "'# dims: " + std::to_string(dims) + "' (a dense " + std::to_string(graph.num_nodes()) + " x " + std::to_string(dims) + " feature matrix)");
  FeatureMatrix features = FeatureMatrix::Zero(graph.num_nodes(), dims);
  for_each_node_line(text, path, graph, [&](std::size_t line, NodeId node, std::string_view rest) {
    const std::size_t sep = rest.find_first_of(" \t,");
    if (sep == std::string_view::npos) throw ParseError(path, line, "expected 'node dim value'");
    std::string_view dim_token = rest.substr(0, sep), value_token = rest.substr(sep + 1);
    while (!value_token.empty() && (value_token.front() == ' ' || value_token.front() == '\t' || value_token.front() == ','))
      value_token.remove_prefix(1);
    long long dim = -1;
    auto r = std::from_chars(dim_token.data(), dim_token.data() + dim_token.size(), dim);
    if (r.ec != std::errc() || r.ptr != dim_token.data() + dim_token.size() || dim < 0 || dim >= dims)
      throw ParseError(path, line, "dimension '" + std::string(dim_token) + "' is not in [0, " + std::to_string(dims) + ")");
    double value = 0;
    auto v = std::from_chars(value_token.data(), value_token.data() + value_token.size(), value);
    if (v.ec != std::errc() || v.ptr != value_token.data() + value_token.size())
      throw ParseError(path, line, "malformed feature value '" + std::string(value_token) + "'");
    if (!std::isfinite(value)) throw ParseError(path, line, "feature value '" + std::string(value_token) + "' is not finite");
    // Features are stored as float32: a finite double beyond its range would become inf.
    if (std::abs(value) > static_cast<double>(std::numeric_limits<float>::max()))
      throw ParseError(path, line, "feature value '" + std::string(value_token) + "' is outside the float32 range (|x| <= 3.4e38)");
    features(node, dim) = static_cast<float>(value);
  });
  return features;
}

void write_features(const std::string& path, const Graph& graph, const FeatureMatrix& features) {
  if (features.rows() != static_cast<Eigen::Index>(graph.num_nodes()))
    throw InvalidArgument("write_features: " + std::to_string(features.rows()) + " rows for " +
                          std::to_string(graph.num_nodes()) + " nodes");
  std::string buf = "# nodes: " + std::to_string(graph.num_nodes()) + "\n# dims: " + std::to_string(features.cols()) +
                    "\n# format: sparse\n";
  char number[64];
  for (Eigen::Index i = 0; i < features.rows(); ++i) {
    const std::string name = graph.name_of(static_cast<NodeId>(i));
    for (Eigen::Index j = 0; j < features.cols(); ++j) {
      const float value = features(i, j);
      if (value == 0) continue;
      if (!std::isfinite(value)) throw InvalidArgument("write_features: non-finite value at row " + std::to_string(i));
      auto r = std::to_chars(number, number + sizeof number, value);
      buf += name + ' ' + std::to_string(j) + ' ' + std::string(number, r.ptr) + '\n';
    }
  }
  write_file_atomically(path, buf);
}

}  // namespace graphclust
