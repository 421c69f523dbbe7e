// Graph ops: propagation by a fixed operator, and by per-arc values (SDDMM + SpMM).
#include "graphclust/learn/ops.hpp"
#include "learn/detail.hpp"

namespace graphclust::learn {

using namespace detail;

namespace {

OperatorOptions flipped(OperatorOptions options) {
  options.transpose = !options.transpose;
  return options;
}

template <class T>
void require_node_rows(const DenseBlock<T>& x, std::size_t n, const char* who) {
  if (static_cast<std::size_t>(x.rows()) != n)
    throw InvalidArgument(std::string(who) + ": a block of " + std::to_string(x.rows()) + " rows for a graph of " +
                          std::to_string(n) + " nodes");
  if (x.cols() == 0) throw InvalidArgument(std::string(who) + ": a block with no columns");
}

template <class T>
void require_arc_values(const DenseBlock<T>& v, std::size_t arcs, const char* who) {
  if (static_cast<std::size_t>(v.rows()) != arcs || v.cols() != 1)
    throw InvalidArgument(std::string(who) + ": arc values are " + shape(v) + ", expected " + std::to_string(arcs) +
                          " x 1");
}

template <class T>
std::span<const T> column(const DenseBlock<T>& v) {
  return {v.data(), static_cast<std::size_t>(v.size())};
}

}  // namespace

template <class T>
Propagator<T>::Propagator(const Graph& graph, const OperatorOptions& options)
    : forward_(graph, options), backward_(graph, flipped(options)) {}

template <class T>
Var<T> propagate(Var<T> x, const Propagator<T>& p) {
  Tape<T>& tape = x.tape();
  const DenseBlock<T>& xv = tape.value(x);
  const std::size_t n = static_cast<std::size_t>(p.op().rows());
  require_node_rows(xv, n, "propagate");
  Var<T> y = tape.record({x}, [x, &p](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    const auto k = static_cast<std::size_t>(dy.cols());
    p.transposed().apply_strided(dy.data(), k, dx.data(), k, k, T{1}, T{1});  // dX += Op^T dY
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), xv.cols());
  const auto k = static_cast<std::size_t>(xv.cols());
  p.op().apply_strided(xv.data(), k, out.data(), k, k);
  return y;
}

template <class T>
Var<T> arc_values(Var<T> x, ArcFunction f, const ArcOperator<T>& arcs) {
  Tape<T>& tape = x.tape();
  const DenseBlock<T>& xv = tape.value(x);
  require_node_rows(xv, arcs.num_nodes(), "arc_values");
  Var<T> y = tape.record({x}, [x, f, &arcs](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& xv = t.value(x);
    DenseBlock<T>& dx = t.accumulate_grad(x);
    const auto k = static_cast<std::size_t>(xv.cols());
    arcs.compute_backward(f, xv.data(), k, k, column(t.grad(self)), dx.data(), k);
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), static_cast<Eigen::Index>(arcs.num_arcs()), 1);
  const auto k = static_cast<std::size_t>(xv.cols());
  arcs.compute(f, xv.data(), k, k, {out.data(), arcs.num_arcs()});
  return y;
}

template <class T>
Var<T> arc_propagate(Var<T> values, Var<T> x, const ArcOperator<T>& arcs, bool transpose) {
  require_same_tape(values, x, "arc_propagate");
  Tape<T>& tape = x.tape();
  const DenseBlock<T>& vv = tape.value(values);
  const DenseBlock<T>& xv = tape.value(x);
  require_arc_values(vv, arcs.num_arcs(), "arc_propagate");
  require_node_rows(xv, arcs.num_nodes(), "arc_propagate");
  Var<T> y = tape.record({values, x}, [values, x, &arcs, transpose](Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    const DenseBlock<T>& vv = t.value(values);
    const auto k = static_cast<std::size_t>(dy.cols());
    if (t.needs_grad(x))  // dX += V^T dY (the other orientation of the same values)
      arcs.apply(column(vv), dy.data(), k, t.accumulate_grad(x).data(), k, k, T{1}, T{1}, !transpose);
    if (t.needs_grad(values)) {
      DenseBlock<T>& dv = t.accumulate_grad(values);
      arcs.values_gradient(dy.data(), k, t.value(x).data(), k, k, {dv.data(), arcs.num_arcs()}, T{1}, transpose, true);
    }
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), xv.cols());
  const auto k = static_cast<std::size_t>(xv.cols());
  arcs.apply(column(vv), xv.data(), k, out.data(), k, k, T{1}, T{0}, transpose);
  return y;
}

template <class T>
Var<T> arc_row_sums(Var<T> values, const ArcOperator<T>& arcs, bool transpose) {
  Tape<T>& tape = values.tape();
  const DenseBlock<T>& vv = tape.value(values);
  require_arc_values(vv, arcs.num_arcs(), "arc_row_sums");
  Var<T> y = tape.record({values}, [values, &arcs, transpose](Tape<T>& t, Var<T> self) {
    const T* dy = t.grad(self).data();
    T* dv = t.accumulate_grad(values).data();
    const CsrArrays& out = arcs.graph().out();
    // Arc e = (i, j) feeds row i (column j when transposed); walking out-rows writes each arc once.
    parallel_for_ranges(arcs.graph().num_nodes(), [&](NodeId begin, NodeId end) {
      for (NodeId i = begin; i < end; ++i)
        for (EdgeOffset e = out.offsets[i]; e < out.offsets[i + 1]; ++e) dv[e] += dy[transpose ? out.targets[e] : i];
    }, 256);
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), static_cast<Eigen::Index>(arcs.num_nodes()), 1);
  arcs.row_sums(column(vv), {out.data(), arcs.num_nodes()}, transpose);
  return y;
}

#define GC_INSTANTIATE(T)                                                                \
  template class Propagator<T>;                                                          \
  template Var<T> propagate<T>(Var<T>, const Propagator<T>&);                            \
  template Var<T> arc_values<T>(Var<T>, ArcFunction, const ArcOperator<T>&);             \
  template Var<T> arc_propagate<T>(Var<T>, Var<T>, const ArcOperator<T>&, bool);         \
  template Var<T> arc_row_sums<T>(Var<T>, const ArcOperator<T>&, bool);
GC_INSTANTIATE(float)
GC_INSTANTIATE(double)
#undef GC_INSTANTIATE

}  // namespace graphclust::learn
