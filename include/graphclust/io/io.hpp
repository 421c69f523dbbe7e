#pragma once
/// Reading and writing graphs, labels, features and clusterings.
///
/// Edge lists are read as people have them: SNAP style with '#' or '%' comments, fields separated by
/// spaces, tabs or commas, an optional weight column. Header comments of the form "# directed: true",
/// "# nodes: N" and "# weighted: ..." (the ../shared/graphs format) are honoured. Matrix Market (.mtx)
/// and the binary CSR cache (.gcsr) are recognised by extension in read_graph().
///
/// Errors are ParseError("file:line: what was expected") or IoError; nothing crashes on bad input.
/// Writers go through a temporary file renamed into place, so a failed write leaves no partial file.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"

namespace graphclust {

/// How node tokens become ids.
enum class IdMode {
  Auto,     ///< Integer when every token is a non-negative integer and the ids are dense enough
            ///< (largest id < 2 * number of endpoint tokens, or the "# nodes:" header covers it), else Names.
  Integer,  ///< Tokens are the ids 0..N-1 themselves (isolated nodes allowed); others are an error.
  Names,    ///< Every token is a name; ids are given in order of first appearance.
};

struct ReadOptions {
  std::optional<bool> directed;  ///< overrides "# directed:" header / Matrix Market symmetry; default undirected
  IdMode ids = IdMode::Auto;
  bool ignore_weights = false;   ///< read a weight column but build an unweighted graph
  DuplicatePolicy duplicates = DuplicatePolicy::Sum;
  SelfLoopPolicy self_loops = SelfLoopPolicy::Keep;
  bool allow_negative_weights = false;
  /// Bytes the graph may take. A file whose node count (from a "# nodes:" header, a Matrix Market
  /// size line or its largest integer id) needs more is refused before anything is allocated, so a
  /// few bytes cannot ask for 30 GB: 0 = the memory available (a ResourceError naming file:line),
  /// else this limit (a ParseError; the fuzzers use a few MiB).
  std::uint64_t memory_limit = 0;
  /// Told about input read in a way the user may not expect (in IdMode::Auto, the first non-integer
  /// token that made every token a name, with its file:line). Empty: nothing is reported.
  Warning warning;
};

/// What the parser found before building: the edges plus header hints.
struct ParsedEdges {
  EdgeList edges;
  std::optional<bool> directed_hint;  ///< from "# directed:" or Matrix Market "symmetric"/"general"
  std::size_t data_lines = 0;
};

/// Parses edge-list text; `source_name` is used in error messages.
ParsedEdges parse_edge_list(std::string_view text, std::string_view source_name, const ReadOptions& options = {});
/// Parses Matrix Market coordinate text (1-based); pattern matrices give unweighted graphs.
ParsedEdges parse_matrix_market(std::string_view text, std::string_view source_name, const ReadOptions& options = {});

Graph read_edge_list(const std::string& path, const ReadOptions& options = {});
Graph read_matrix_market(const std::string& path, const ReadOptions& options = {});
/// The same readers over a file's contents already in memory (a download, a fuzzer's input);
/// `source_name` is used in error messages. The path readers are these applied to the mapped file.
Graph read_edge_list_text(std::string_view text, std::string_view source_name, const ReadOptions& options = {});
Graph read_matrix_market_text(std::string_view text, std::string_view source_name, const ReadOptions& options = {});
/// Dispatches on the extension: .mtx -> Matrix Market, .gcsr -> binary cache, anything else -> edge list.
Graph read_graph(const std::string& path, const ReadOptions& options = {});

/// Edge list with names (or ids); an undirected edge is written once with u <= v. Atomic.
void write_edge_list(const Graph& graph, const std::string& path);
/// Binary CSR cache: reloads without parsing (a read of the arrays). Atomic.
void save_binary(const Graph& graph, const std::string& path);
Graph load_binary(const std::string& path);
/// load_binary() over the cache's bytes in memory. A truncated or corrupted cache is a ParseError.
Graph load_binary_bytes(std::string_view bytes, std::string_view source_name);

/// "node label" lines (the ../shared/graphs labels.txt format). Nodes are looked up by name in
/// `graph`; nodes without a line get -1 (no ground truth). Unknown nodes and bad labels are ParseErrors.
std::vector<std::int32_t> read_labels(const std::string& path, const Graph& graph);
/// read_labels() over text in memory.
std::vector<std::int32_t> read_labels_text(std::string_view text, std::string_view source_name, const Graph& graph);
/// Writes "name label" for every node, atomically; `header` lines are written as "# " comments.
void write_labels(const std::string& path, const Graph& graph, std::span<const std::int32_t> labels,
                  const std::vector<std::string>& header = {});

/// Dense node features, one row per node (float, row-major: row i is node i's attribute vector).
using FeatureMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Non-owning row-major view of node attributes (row i = node i's vector): a FeatureMatrix or a numpy
/// buffer, never copied, so a local call never pays O(n * dims) and a front-end passes a numpy array as it is. Implicit from a FeatureMatrix.
struct AttributeView {
  const float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  AttributeView() = default;
  AttributeView(const FeatureMatrix& m)  // NOLINT(google-explicit-constructor)
      : data(m.data()), rows(static_cast<std::size_t>(m.rows())), cols(static_cast<std::size_t>(m.cols())) {}
  AttributeView(const float* d, std::size_t r, std::size_t c) : data(d), rows(r), cols(c) {}
  bool empty() const noexcept { return data == nullptr && rows == 0; }
};

/// Reads the sparse "node dim value" triple format with "# nodes:" and "# dims:" headers into a dense
/// matrix. NaN/inf values, dims out of range and unknown nodes are ParseErrors. A "# dims:" whose
/// dense matrix would not fit is refused before allocating, as ReadOptions::memory_limit says.
FeatureMatrix read_features(const std::string& path, const Graph& graph, std::uint64_t memory_limit = 0);
/// read_features() over text in memory.
FeatureMatrix read_features_text(std::string_view text, std::string_view source_name, const Graph& graph,
                                 std::uint64_t memory_limit = 0);
/// Writes the same sparse triple format (non-zeros only), atomically.
void write_features(const std::string& path, const Graph& graph, const FeatureMatrix& features);

/// Writes `contents` to `path` through a temporary file in the same folder and a rename.
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace graphclust
