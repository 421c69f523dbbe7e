// Edge-list and Matrix Market parsing: the text is cut into fixed-size chunks at line boundaries,
// chunks are parsed in parallel, and the results are concatenated in file order, so the graph (and
// the name -> id order) is the same for any thread count.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "graphclust/core/error.hpp"
#include "graphclust/core/memory.hpp"
#include "graphclust/core/parallel.hpp"
#include "graphclust/io/io.hpp"
#include "io/files.hpp"

namespace graphclust {
namespace {

constexpr std::size_t kChunkBytes = 1 << 22;

bool is_separator(char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r'; }

/// Where one kind of file differs from another.
struct Format {
  std::size_t columns = 2;       // 2 or 3 (with weight)
  bool one_based = false;        // Matrix Market
  std::uint64_t id_limit = 0;    // ids must be < this (0 = 32-bit limit)
  IdMode ids = IdMode::Auto;
  bool allow_negative_weights = false;
};

struct Failure {
  std::size_t local_line;
  std::string message;
};

struct Chunk {
  const char* begin;
  const char* end;
  std::vector<NodeId> src, dst;
  std::vector<Weight> weights;
  std::vector<std::string_view> names;  // 2 per line in name mode
  NodeId max_id = 0;
  std::size_t data_lines = 0;
  std::optional<Failure> failure;
  std::optional<Failure> name;  // Auto mode met a non-integer token (the message is the token): re-parse with names
};

std::string quote(std::string_view token) {
  if (token.size() > 40) return "'" + std::string(token.substr(0, 40)) + "...'";
  return "'" + std::string(token) + "'";
}

/// Splits a line into up to `max_tokens + 1` tokens; returns how many were found.
std::size_t tokenize(std::string_view line, std::string_view* tokens, std::size_t max_tokens) {
  std::size_t count = 0, i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_separator(line[i])) ++i;
    if (i >= line.size()) break;
    std::size_t j = i;
    while (j < line.size() && !is_separator(line[j])) ++j;
    if (count <= max_tokens) tokens[count] = line.substr(i, j - i);
    ++count;
    i = j;
  }
  return count;
}

std::string column_message(std::size_t expected, std::size_t found) {
  return "expected " + std::to_string(expected) + " columns (" +
         (expected == 3 ? "source target weight" : "source target") + "), found " + std::to_string(found);
}

/// Parses an integer id token; on failure returns a message (empty optional = ok).
std::optional<std::string> parse_id(std::string_view token, const Format& f, NodeId& out, bool& not_integer) {
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ptr != token.data() + token.size() || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    not_integer = true;
    return "malformed node id " + quote(token) + " (expected a non-negative integer)";
  }
  if (ec == std::errc::result_out_of_range) return "node id " + quote(token) + " overflows 64 bits";
  if (f.one_based) {
    if (value == 0) return "index 0 in a 1-based Matrix Market file";
    --value;
  }
  const std::uint64_t limit = f.id_limit ? f.id_limit : kMaxNodes;
  if (value >= limit)
    return f.id_limit ? "index " + quote(token) + " is larger than the declared size " + std::to_string(f.id_limit)
                      : "node id " + quote(token) + " exceeds the 32-bit id limit";
  out = static_cast<NodeId>(value);
  return std::nullopt;
}

std::optional<std::string> parse_weight(std::string_view token, const Format& f, Weight& out) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size())
    return "malformed weight " + quote(token) + " (expected a number)";
  if (!std::isfinite(value)) return "weight " + quote(token) + " is not a finite number";
  if (value < 0 && !f.allow_negative_weights) return "negative weight " + quote(token);
  out = static_cast<Weight>(value);
  return std::nullopt;
}

void parse_chunk(Chunk& c, const Format& f, bool names) {
  std::string_view tokens[4];
  const std::size_t estimate = static_cast<std::size_t>(c.end - c.begin) / 12 + 16;
  if (names) c.names.reserve(2 * estimate); else { c.src.reserve(estimate); c.dst.reserve(estimate); }
  if (f.columns == 3) c.weights.reserve(estimate);
  detail::LineReader lines(std::string_view(c.begin, static_cast<std::size_t>(c.end - c.begin)));
  std::string_view line;
  while (lines.next(line)) {
    const std::size_t local_line = lines.number() - 1;
    std::size_t start = 0;
    while (start < line.size() && is_separator(line[start])) ++start;
    if (start == line.size() || line[start] == '#' || line[start] == '%') continue;
    const std::size_t count = tokenize(line, tokens, 3);
    if (count != f.columns) {
      c.failure = Failure{local_line, column_message(f.columns, count)};
      return;
    }
    Weight w = 1;
    if (f.columns == 3) {
      if (auto err = parse_weight(tokens[2], f, w)) {
        c.failure = Failure{local_line, *err};
        return;
      }
      c.weights.push_back(w);
    }
    ++c.data_lines;
    if (names) {
      for (int t = 0; t < 2; ++t) {
        if (std::string problem = detail::utf8_problem(tokens[t]); !problem.empty()) {
          c.failure = Failure{local_line, "node name: " + problem};
          return;
        }
        c.names.push_back(tokens[t]);
      }
      continue;
    }
    NodeId u = 0, v = 0;
    bool not_integer = false;
    std::string_view token = tokens[0];
    auto err = parse_id(token, f, u, not_integer);
    if (!err) err = parse_id(token = tokens[1], f, v, not_integer);
    if (err) {
      if (not_integer && f.ids == IdMode::Auto) {
        c.name = Failure{local_line, std::string(token)};
        return;
      }
      c.failure = Failure{local_line, *err};
      return;
    }
    c.src.push_back(u);
    c.dst.push_back(v);
    c.max_id = std::max({c.max_id, u, v});
  }
}

struct Header {
  std::optional<bool> directed;
  std::optional<bool> weighted;
  std::optional<std::uint64_t> nodes;
  std::size_t data_offset = 0;  // first data line (or end of text)
  std::size_t lines_before = 0; // lines before data_offset
};

std::optional<bool> parse_bool(std::string_view v) {
  if (v == "true" || v == "yes" || v == "1") return true;
  if (v == "false" || v == "no" || v == "0") return false;
  return std::nullopt;
}

/// Reads "# key: value" comments before the first data line.
Header read_header(std::string_view text) {
  Header h;
  h.data_offset = text.size();
  detail::LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    std::size_t s = 0;
    while (s < line.size() && is_separator(line[s])) ++s;
    if (s < line.size() && line[s] != '#' && line[s] != '%') {
      h.data_offset = lines.line_offset();
      break;
    }
    ++h.lines_before;
    if (s == line.size()) continue;
    const std::string_view body = line.substr(s + 1);
    const std::size_t colon = body.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = detail::trim_blanks(body.substr(0, colon)), value = detail::trim_blanks(body.substr(colon + 1));
    if (key == "directed") h.directed = parse_bool(value);
    if (key == "weighted") h.weighted = parse_bool(value);
    if (key == "nodes") {
      std::uint64_t n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc() && ptr == value.data() + value.size()) h.nodes = n;
    }
  }
  return h;
}

std::vector<Chunk> make_chunks(std::string_view text, std::size_t offset) {
  std::vector<Chunk> chunks;
  const char* p = text.data() + offset;
  const char* end = text.data() + text.size();
  while (p < end) {
    const char* stop = p + std::min<std::size_t>(kChunkBytes, static_cast<std::size_t>(end - p));
    if (stop < end) {
      const char* nl = static_cast<const char*>(std::memchr(stop, '\n', static_cast<std::size_t>(end - stop)));
      stop = nl ? nl + 1 : end;
    }
    Chunk c{};
    c.begin = p;
    c.end = stop;
    chunks.push_back(std::move(c));
    p = stop;
  }
  return chunks;
}

/// The first non-integer token of an Auto-mode file, with its line: the file is re-parsed with names.
struct NameSwitch {
  std::size_t line;
  std::string token;
};

/// Parses every chunk; returns the token that made Auto mode switch to names, if one did.
std::optional<NameSwitch> parse_all(std::vector<Chunk>& chunks, const Format& f, bool names, std::string_view source,
                                    const Header& header) {
  parallel_for_tasks(chunks.size(), [&](std::size_t i) { parse_chunk(chunks[i], f, names); });
  // The first problem in file order decides: an earlier chunk's name beats a later chunk's error.
  std::size_t line_base = header.lines_before;
  for (auto& c : chunks) {
    if (c.name) return NameSwitch{line_base + c.name->local_line + 1, std::move(c.name->message)};
    if (c.failure) throw ParseError(std::string(source), line_base + c.failure->local_line + 1, c.failure->message);
    line_base += static_cast<std::size_t>(std::count(c.begin, c.end, '\n'));
  }
  return std::nullopt;
}

/// Detects the column count from the first data line.
std::size_t detect_columns(std::string_view text, const Header& h, std::string_view source) {
  detail::LineReader lines(text.substr(h.data_offset));
  std::string_view line;
  lines.next(line);
  std::string_view tokens[4];
  const std::size_t count = tokenize(line, tokens, 3);
  if (count < 2 || count > 3)
    throw ParseError(std::string(source), h.lines_before + 1,
                     "expected 2 or 3 columns (source target [weight]), found " + std::to_string(count));
  return count;
}

/// Bytes per node that build_graph() and Graph keep at least (offsets, degrees, the builder's
/// per-row counters), whatever the number of edges.
constexpr double kBytesPerNode = 24;

ParsedEdges assemble(std::vector<Chunk>& chunks, bool names, std::optional<std::uint64_t> declared_nodes,
                     std::string_view source, std::uint64_t memory_limit) {
  ParsedEdges out;
  std::size_t edges = 0;
  for (auto& c : chunks) edges += c.data_lines;
  out.data_lines = edges;
  bool weighted = false;
  for (auto& c : chunks) weighted |= !c.weights.empty();
  if (names) {
    std::unordered_map<std::string_view, NodeId> ids;
    ids.reserve(edges);
    std::vector<std::string_view> order;
    for (auto& c : chunks) {
      for (std::size_t t = 0; t < c.names.size(); t += 2) {
        NodeId pair[2];
        for (int s = 0; s < 2; ++s) {
          auto [it, inserted] = ids.emplace(c.names[t + s], static_cast<NodeId>(order.size()));
          if (inserted) {
            if (order.size() >= kMaxNodes) throw ParseError(std::string(source), 0, "more distinct nodes than 32-bit ids allow");
            order.push_back(c.names[t + s]);
          }
          pair[s] = it->second;
        }
        out.edges.sources.push_back(pair[0]);
        out.edges.targets.push_back(pair[1]);
      }
      out.edges.weights.insert(out.edges.weights.end(), c.weights.begin(), c.weights.end());
      c = Chunk{};
    }
    out.edges.names.reserve(order.size());
    for (auto v : order) out.edges.names.emplace_back(v);
    out.edges.num_nodes = static_cast<NodeId>(order.size());
    return out;
  }
  NodeId max_id = 0;
  bool any = false;
  std::vector<std::size_t> start(chunks.size() + 1, 0);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].data_lines) { max_id = std::max(max_id, chunks[i].max_id); any = true; }
    start[i + 1] = start[i] + chunks[i].src.size();
  }
  detail::resize_huge(out.edges.sources, edges);
  detail::resize_huge(out.edges.targets, edges);
  if (weighted) detail::resize_huge(out.edges.weights, edges);
  parallel_for_tasks(chunks.size(), [&](std::size_t i) {
    Chunk& c = chunks[i];
    std::copy(c.src.begin(), c.src.end(), out.edges.sources.begin() + start[i]);
    std::copy(c.dst.begin(), c.dst.end(), out.edges.targets.begin() + start[i]);
    if (weighted) std::copy(c.weights.begin(), c.weights.end(), out.edges.weights.begin() + start[i]);
    c = Chunk{};
  });
  std::uint64_t n = any ? static_cast<std::uint64_t>(max_id) + 1 : 0;
  if (declared_nodes) {
    if (*declared_nodes < n)
      throw ParseError(std::string(source), 0,
                       "node id " + std::to_string(max_id) + " is out of range: the header declares " +
                           std::to_string(*declared_nodes) + " nodes");
    if (*declared_nodes > kMaxNodes) throw ParseError(std::string(source), 0, "the header declares more nodes than 32-bit ids allow");
    n = *declared_nodes;
  }
  // Isolated nodes cost memory but no text: "0 4000000000" or "# nodes: 4000000000" alone would
  // otherwise allocate tens of GB.
  detail::require_declared_memory(kBytesPerNode * static_cast<double>(n), memory_limit, std::string(source), 0,
                         "a graph of " + std::to_string(n) + " nodes");
  out.edges.num_nodes = static_cast<NodeId>(n);
  return out;
}

ParsedEdges parse_with(std::string_view text, std::string_view source, Format f, const Header& h,
                       std::optional<std::uint64_t> declared_nodes, const ReadOptions& options) {
  const Warning& warning = options.warning;
  std::vector<Chunk> chunks = make_chunks(text, h.data_offset);
  bool names = f.ids == IdMode::Names;
  if (auto first_name = parse_all(chunks, f, names, source, h)) {
    // One stray token (a typo in a long integer list, a CSV header line) silently renumbers every
    // node, and the labels file no longer matches: say so, once.
    warn(warning, std::string(source) + ":" + std::to_string(first_name->line) + ": " + quote(first_name->token) +
                      " is not an integer node id, so every node token is read as a name (choose the id mode "
                      "explicitly to silence this)");
    chunks = make_chunks(text, h.data_offset);
    names = true;
    parse_all(chunks, f, true, source, h);
  }
  if (!names && f.ids == IdMode::Auto && !declared_nodes) {
    // Sparse integer ids (e.g. SNAP ids up to 1e9 on 1e6 nodes) would create millions of isolated
    // nodes: treat them as names instead.
    NodeId max_id = 0;
    std::size_t lines = 0;
    for (const auto& c : chunks) {
      max_id = std::max(max_id, c.max_id);
      lines += c.data_lines;
    }
    if (lines > 0 && static_cast<std::uint64_t>(max_id) >= 4 * static_cast<std::uint64_t>(lines)) {
      chunks = make_chunks(text, h.data_offset);
      names = true;
      parse_all(chunks, f, true, source, h);
    }
  }
  return assemble(chunks, names, names ? std::nullopt : declared_nodes, source, options.memory_limit);
}

Format format_from(const ReadOptions& o) {
  Format f;
  f.ids = o.ids;
  f.allow_negative_weights = o.allow_negative_weights;
  return f;
}

Graph build_from(ParsedEdges parsed, const ReadOptions& options, const std::string& source) {
  if (parsed.data_lines == 0 && parsed.edges.num_nodes == 0)
    throw ParseError(source, 0, "no edges and no '# nodes:' header: the file describes an empty graph");
  BuildOptions build;
  build.directed = options.directed.value_or(parsed.directed_hint.value_or(false));
  build.duplicates = options.duplicates;
  build.self_loops = options.self_loops;
  build.allow_negative_weights = options.allow_negative_weights;
  if (options.ignore_weights) parsed.edges.weights.clear();
  try {
    return build_graph(parsed.edges, build);
  } catch (const InvalidArgument& e) {
    throw ParseError(source, 0, e.what());  // policy violations (duplicates, self-loops) name the file
  }
}

}  // namespace

ParsedEdges parse_edge_list(std::string_view text, std::string_view source, const ReadOptions& options) {
  text = detail::without_bom(text);
  const Header h = read_header(text);
  Format f = format_from(options);
  if (h.data_offset < text.size()) f.columns = detect_columns(text, h, source);
  ParsedEdges parsed = parse_with(text, source, f, h, h.nodes, options);
  parsed.directed_hint = h.directed;
  return parsed;
}

ParsedEdges parse_matrix_market(std::string_view text, std::string_view source, const ReadOptions& options) {
  const std::string name(source);
  text = detail::without_bom(text);
  detail::LineReader lines(text);
  std::string_view first;
  lines.next(first);
  std::string_view tokens[6];
  const std::size_t count = tokenize(first, tokens, 5);
  auto lower = [](std::string_view v) {
    std::string s(v);
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  if (count < 5 || lower(tokens[0]) != "%%matrixmarket" || lower(tokens[1]) != "matrix")
    throw ParseError(name, 1, "expected '%%MatrixMarket matrix coordinate <field> <symmetry>'");
  if (lower(tokens[2]) != "coordinate") throw ParseError(name, 1, "only coordinate (sparse) Matrix Market files describe graphs");
  const std::string field = lower(tokens[3]), symmetry = lower(tokens[4]);
  Format f = format_from(options);
  f.one_based = true;
  f.ids = IdMode::Integer;
  if (field == "pattern") f.columns = 2;
  else if (field == "real" || field == "integer" || field == "double") f.columns = 3;
  else throw ParseError(name, 1, "unsupported Matrix Market field '" + field + "' (expected real, integer or pattern)");
  if (symmetry != "general" && symmetry != "symmetric")
    throw ParseError(name, 1, "unsupported Matrix Market symmetry '" + symmetry + "' (expected general or symmetric)");

  // Skip comments to the size line "rows cols entries".
  Header h;
  std::string_view size_line, line;
  while (lines.next(line)) {
    std::size_t s = 0;
    while (s < line.size() && is_separator(line[s])) ++s;
    if (s == line.size() || line[s] == '%') continue;
    size_line = line;
    break;
  }
  const std::size_t line_no = lines.number();
  if (size_line.empty()) throw ParseError(name, line_no, "missing the size line 'rows cols entries'");
  std::uint64_t dims[3] = {0, 0, 0};
  if (tokenize(size_line, tokens, 5) != 3) throw ParseError(name, line_no, "expected the size line 'rows cols entries'");
  for (int i = 0; i < 3; ++i) {
    auto [ptr, ec] = std::from_chars(tokens[i].data(), tokens[i].data() + tokens[i].size(), dims[i]);
    if (ec != std::errc() || ptr != tokens[i].data() + tokens[i].size())
      throw ParseError(name, line_no, "malformed size " + quote(tokens[i]));
  }
  if (dims[0] != dims[1])
    throw ParseError(name, line_no, "a graph needs a square matrix, got " + std::to_string(dims[0]) + " x " + std::to_string(dims[1]));
  if (dims[0] > kMaxNodes) throw ParseError(name, line_no, "more rows than 32-bit ids allow");
  f.id_limit = dims[0];
  h.data_offset = lines.next_offset();
  h.lines_before = line_no;
  ParsedEdges parsed = parse_with(text, source, f, h, dims[0], options);
  if (parsed.data_lines != dims[2])
    throw ParseError(name, line_no, "the size line declares " + std::to_string(dims[2]) + " entries but the file has " +
                                        std::to_string(parsed.data_lines));
  parsed.directed_hint = symmetry == "general";
  return parsed;
}

Graph read_edge_list_text(std::string_view text, std::string_view source, const ReadOptions& options) {
  return build_from(parse_edge_list(text, source, options), options, std::string(source));
}

Graph read_matrix_market_text(std::string_view text, std::string_view source, const ReadOptions& options) {
  return build_from(parse_matrix_market(text, source, options), options, std::string(source));
}

Graph read_edge_list(const std::string& path, const ReadOptions& options) {
  detail::FileContents file(path);
  return read_edge_list_text(file.text(), path, options);
}

Graph read_matrix_market(const std::string& path, const ReadOptions& options) {
  detail::FileContents file(path);
  return read_matrix_market_text(file.text(), path, options);
}

Graph read_graph(const std::string& path, const ReadOptions& options) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".mtx")) return read_matrix_market(path, options);
  if (ends_with(".gcsr")) return load_binary(path);
  return read_edge_list(path, options);
}

}  // namespace graphclust
