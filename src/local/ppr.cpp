// Approximate personalized PageRank by push (Andersen, Chung, Lang 2006).
#include <cmath>
#include <string>

#include "local/detail.hpp"

namespace graphclust {
namespace local_detail {

PushResult approximate_ppr(const Graph& graph, std::span<const NodeId> seed_list, const PprOptions& options,
                           Workspace& ws) {
  check_options(options, "approximate_ppr");
  const std::vector<NodeId> seeds = checked_seeds(graph, seed_list, "approximate_ppr");
  const auto degree = graph.sym_degrees();
  ws.clear();
  // slot arrays: a = p, b = r, c = degree, flag = queued
  auto& p = ws.a;
  auto& r = ws.b;
  auto& deg = ws.c;
  auto& queued = ws.flag;
  auto& queue = ws.queue;  // FIFO with a moving head
  std::size_t head = 0;
  const double alpha = options.alpha, eps = options.epsilon;

  auto touch = [&](NodeId v) {
    bool inserted = false;
    const std::uint32_t s = ws.index.insert(v, inserted);
    if (inserted) {
      p.push_back(0.0);
      r.push_back(0.0);
      deg.push_back(degree[v]);
      queued.push_back(0);
    }
    return s;
  };
  auto maybe_enqueue = [&](std::uint32_t s) {
    if (!queued[s] && r[s] > 0 && r[s] >= eps * deg[s]) {
      queued[s] = 1;
      queue.push_back(s);
    }
  };

  const double share = 1.0 / static_cast<double>(seeds.size());
  for (NodeId s : seeds) r[touch(s)] += share;
  for (std::uint32_t s = 0; s < ws.index.size(); ++s) maybe_enqueue(s);

  PushResult result;
  std::uint64_t pushes = 0, visits = 0;
  while (head < queue.size()) {
    if (options.max_pushes && pushes >= options.max_pushes) {
      result.converged = false;
      break;
    }
    const std::uint32_t s = queue[head++];
    if (head > 4096 && head * 2 > queue.size()) {  // keep the queue's memory O(live entries)
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(head));
      head = 0;
    }
    queued[s] = 0;
    const NodeId u = ws.index.key(s);
    const double ru = r[s], du = deg[s];
    ++pushes;
    if (du <= 0) {  // isolated node: the walk never leaves, all mass is PageRank
      p[s] += ru;
      r[s] = 0;
      continue;
    }
    p[s] += alpha * ru;
    double spread;
    if (options.lazy) {
      r[s] = (1.0 - alpha) * ru / 2.0;
      spread = (1.0 - alpha) * ru / (2.0 * du);
    } else {
      r[s] = 0;
      spread = (1.0 - alpha) * ru / du;
    }
    graph.for_each_sym(u, [&](NodeId v, Weight w) {
      ++visits;
      const std::uint32_t t = touch(v);  // may grow the arrays: index them afresh
      r[t] += spread * static_cast<double>(w);
      maybe_enqueue(t);
    });
    maybe_enqueue(s);
  }

  std::vector<std::pair<NodeId, double>> pe, re;
  for (std::uint32_t s = 0; s < ws.index.size(); ++s) {
    if (p[s] != 0) pe.emplace_back(ws.index.key(s), p[s]);
    if (r[s] != 0) re.emplace_back(ws.index.key(s), r[s]);
  }
  result.pagerank = to_sparse(pe);
  result.residual = to_sparse(re);
  result.work.touched = ws.index.size();
  result.work.pushes = pushes;
  result.work.edge_visits = visits;
  return result;
}

}  // namespace local_detail

PushResult approximate_ppr(const Graph& graph, std::span<const NodeId> seeds, const PprOptions& options) {
  local_detail::Workspace ws;
  return local_detail::approximate_ppr(graph, seeds, options, ws);
}

}  // namespace graphclust
