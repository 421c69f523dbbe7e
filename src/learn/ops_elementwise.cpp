// Elementwise ops, scalar weights and dropout.
#include <cmath>
#include <vector>

#include "graphclust/core/random.hpp"
#include "graphclust/learn/ops.hpp"
#include "learn/detail.hpp"

namespace graphclust::learn {
namespace {

using namespace detail;

template <class T>
std::span<const T> flat(const DenseBlock<T>& m) {
  return {m.data(), static_cast<std::size_t>(m.size())};
}
template <class T>
std::span<T> flat(DenseBlock<T>& m) {
  return {m.data(), static_cast<std::size_t>(m.size())};
}

/// y = f(x); dx += dy * slope(x, y).
template <class T, class F, class Slope>
Var<T> unary(Var<T> x, F f, Slope slope) {
  Tape<T>& tape = x.tape();
  Var<T> y = tape.record({x}, [x, slope](Tape<T>& t, Var<T> self) {
    const T* xv = t.value(x).data();
    const T* yv = t.value(self).data();
    const T* dy = t.grad(self).data();
    DenseBlock<T>& dx = t.accumulate_grad(x);
    T* d = dx.data();
    for_elements(static_cast<std::size_t>(dx.size()), [&](std::size_t i) { d[i] += dy[i] * slope(xv[i], yv[i]); });
  });
  const DenseBlock<T>& xv = tape.value(x);
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), xv.cols());
  const T* in = xv.data();
  T* o = out.data();
  for_elements(static_cast<std::size_t>(out.size()), [&](std::size_t i) { o[i] = f(in[i]); });
  return y;
}

/// y = f(a, b) for equal shapes; da += dy * dfa(a, b), db += dy * dfb(a, b).
template <class T, class F, class DA, class DB>
Var<T> binary(Var<T> a, Var<T> b, const char* who, F f, DA dfa, DB dfb) {
  require_same_tape(a, b, who);
  Tape<T>& tape = a.tape();
  const DenseBlock<T>& av = tape.value(a);
  const DenseBlock<T>& bv = tape.value(b);
  require_same_shape(av, bv, who);
  Var<T> y = tape.record({a, b}, [a, b, dfa, dfb](Tape<T>& t, Var<T> self) {
    const T* x = t.value(a).data();
    const T* z = t.value(b).data();
    const T* dy = t.grad(self).data();
    const std::size_t n = static_cast<std::size_t>(t.value(self).size());
    if (t.needs_grad(a)) {
      T* d = t.accumulate_grad(a).data();
      for_elements(n, [&](std::size_t i) { d[i] += dy[i] * dfa(x[i], z[i]); });
    }
    if (t.needs_grad(b)) {
      T* d = t.accumulate_grad(b).data();
      for_elements(n, [&](std::size_t i) { d[i] += dy[i] * dfb(x[i], z[i]); });
    }
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), av.rows(), av.cols());
  const T* x = av.data();
  const T* z = bv.data();
  T* o = out.data();
  for_elements(static_cast<std::size_t>(out.size()), [&](std::size_t i) { o[i] = f(x[i], z[i]); });
  return y;
}

template <class T>
bool keep(RandomKey key, std::size_t i, double rate) {
  return uniform(key.seed, key.stream, i) >= rate;
}

}  // namespace

template <class T>
Var<T> add(Var<T> a, Var<T> b) {
  return binary(a, b, "add", [](T x, T z) { return x + z; }, [](T, T) { return T{1}; }, [](T, T) { return T{1}; });
}
template <class T>
Var<T> sub(Var<T> a, Var<T> b) {
  return binary(a, b, "sub", [](T x, T z) { return x - z; }, [](T, T) { return T{1}; }, [](T, T) { return T{-1}; });
}
template <class T>
Var<T> mul(Var<T> a, Var<T> b) {
  return binary(a, b, "mul", [](T x, T z) { return x * z; }, [](T, T z) { return z; }, [](T x, T) { return x; });
}
template <class T>
Var<T> div(Var<T> a, Var<T> b) {
  return binary(
      a, b, "div", [](T x, T z) { return x / z; }, [](T, T z) { return T{1} / z; },
      [](T x, T z) { return -x / (z * z); });
}
template <class T>
Var<T> axpby(double a, Var<T> x, double b, Var<T> y) {
  const T ca = static_cast<T>(a), cb = static_cast<T>(b);
  return binary(
      x, y, "axpby", [ca, cb](T u, T v) { return ca * u + cb * v; }, [ca](T, T) { return ca; },
      [cb](T, T) { return cb; });
}

template <class T>
Var<T> scale(Var<T> x, double c) {
  const T k = static_cast<T>(c);
  return unary(x, [k](T v) { return k * v; }, [k](T, T) { return k; });
}
template <class T>
Var<T> add_scalar(Var<T> x, double c) {
  const T k = static_cast<T>(c);
  return unary(x, [k](T v) { return v + k; }, [](T, T) { return T{1}; });
}
template <class T>
Var<T> square(Var<T> x) {
  return unary(x, [](T v) { return v * v; }, [](T v, T) { return T{2} * v; });
}
template <class T>
Var<T> log(Var<T> x) {
  return unary(x, [](T v) { return std::log(v); }, [](T v, T) { return T{1} / v; });
}
template <class T>
Var<T> exp(Var<T> x) {
  return unary(x, [](T v) { return std::exp(v); }, [](T, T y) { return y; });
}
template <class T>
Var<T> abs(Var<T> x) {
  return unary(x, [](T v) { return std::abs(v); }, [](T v, T) { return static_cast<T>((v > T{0}) - (v < T{0})); });
}
template <class T>
Var<T> clamp_min(Var<T> x, double lo) {
  if (!std::isfinite(lo)) throw InvalidArgument("clamp_min: bound must be finite, got " + std::to_string(lo));
  const T l = static_cast<T>(lo);
  return unary(x, [l](T v) { return v > l ? v : l; }, [l](T v, T) { return v > l ? T{1} : T{0}; });
}

template <class T>
Var<T> detach(Var<T> x) {
  // The node's buffer is stable for the whole pass, so the value can be shared rather than copied.
  return x.tape().constant(x.value());
}

template <class T>
Var<T> activation(Var<T> x, Activation act) {
  Tape<T>& tape = x.tape();
  Var<T> y = tape.record({x}, [x, act](Tape<T>& t, Var<T> self) {
    DenseBlock<T>& dx = t.accumulate_grad(x);
    activate_backward<T>(act, flat(t.value(x)), flat(t.value(self)), flat(t.grad(self)), flat(dx), true);
  });
  const DenseBlock<T>& xv = tape.value(x);
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), xv.cols());
  activate<T>(act, flat(xv), flat(out));
  return y;
}

template <class T>
Var<T> mul_scalar(Var<T> x, Var<T> s) {
  return weighted_sum(std::span<const Var<T>>(&x, 1), s);
}

template <class T>
Var<T> weighted_sum(std::span<const Var<T>> xs, Var<T> w) {
  if (xs.empty()) throw InvalidArgument("weighted_sum: no blocks");
  Tape<T>& tape = w.tape();
  const DenseBlock<T>& wv = tape.value(w);
  if (wv.size() != static_cast<Eigen::Index>(xs.size()) || (wv.rows() != 1 && wv.cols() != 1))
    throw InvalidArgument("weighted_sum: weights are " + shape(wv) + " for " + std::to_string(xs.size()) + " blocks");
  const DenseBlock<T>& first = tape.value(xs[0]);
  for (const Var<T>& x : xs) {
    require_same_tape(x, w, "weighted_sum");
    require_same_shape(first, tape.value(x), "weighted_sum");
  }
  std::vector<Var<T>> inputs(xs.begin(), xs.end());
  inputs.push_back(w);
  Var<T> y = tape.record(std::span<const Var<T>>(inputs), [blocks = std::vector<Var<T>>(xs.begin(), xs.end()), w](
                                                               Tape<T>& t, Var<T> self) {
    const DenseBlock<T>& dy = t.grad(self);
    const T* g = dy.data();
    const std::size_t n = static_cast<std::size_t>(dy.size());
    const DenseBlock<T>& wv = t.value(w);
    const bool weights_learn = t.needs_grad(w);
    std::vector<double> dw(blocks.size(), 0.0);
    for (std::size_t h = 0; h < blocks.size(); ++h) {
      const T* x = t.value(blocks[h]).data();
      if (t.needs_grad(blocks[h])) {
        T* d = t.accumulate_grad(blocks[h]).data();
        const T wh = wv.data()[h];
        for_elements(n, [&](std::size_t i) { d[i] += wh * g[i]; });
      }
      if (weights_learn) dw[h] = fixed_order_sum(n, [&](std::size_t i) { return static_cast<double>(g[i]) * x[i]; });
    }
    if (weights_learn) {
      T* d = t.accumulate_grad(w).data();
      for (std::size_t h = 0; h < blocks.size(); ++h) d[h] += static_cast<T>(dw[h]);
    }
  });
  DenseBlock<T>& out = shaped(tape.mutable_value(y), first.rows(), first.cols());
  std::vector<const T*> src;
  for (const Var<T>& x : xs) src.push_back(tape.value(x).data());
  const T* wp = wv.data();
  T* o = out.data();
  for_elements(static_cast<std::size_t>(out.size()), [&](std::size_t i) {
    T acc = wp[0] * src[0][i];
    for (std::size_t h = 1; h < src.size(); ++h) acc += wp[h] * src[h][i];
    o[i] = acc;
  });
  return y;
}

template <class T>
Var<T> dropout(Var<T> x, double rate, RandomKey key) {
  if (!(rate >= 0 && rate < 1)) throw InvalidArgument("dropout: rate must be in [0, 1), got " + std::to_string(rate));
  if (rate == 0) return x;
  const T scale_kept = static_cast<T>(1.0 / (1.0 - rate));
  Tape<T>& tape = x.tape();
  // The mask is never stored: the backward pass redraws it from the same counters.
  Var<T> y = tape.record({x}, [x, rate, key, scale_kept](Tape<T>& t, Var<T> self) {
    const T* dy = t.grad(self).data();
    DenseBlock<T>& dx = t.accumulate_grad(x);
    T* d = dx.data();
    for_elements(static_cast<std::size_t>(dx.size()), [&](std::size_t i) {
      if (keep<T>(key, i, rate)) d[i] += scale_kept * dy[i];
    });
  });
  const DenseBlock<T>& xv = tape.value(x);
  DenseBlock<T>& out = shaped(tape.mutable_value(y), xv.rows(), xv.cols());
  const T* in = xv.data();
  T* o = out.data();
  for_elements(static_cast<std::size_t>(out.size()),
               [&](std::size_t i) { o[i] = keep<T>(key, i, rate) ? scale_kept * in[i] : T{0}; });
  return y;
}

template <class T>
Var<T> dropout(Var<T> x, double rate, bool training) {
  if (!(rate >= 0 && rate < 1)) throw InvalidArgument("dropout: rate must be in [0, 1), got " + std::to_string(rate));
  if (!training || rate == 0) return x;
  return dropout(x, rate, x.tape().next_random());
}

#define GC_INSTANTIATE(T)                                                   \
  template Var<T> add<T>(Var<T>, Var<T>);                                   \
  template Var<T> sub<T>(Var<T>, Var<T>);                                   \
  template Var<T> mul<T>(Var<T>, Var<T>);                                   \
  template Var<T> div<T>(Var<T>, Var<T>);                                   \
  template Var<T> axpby<T>(double, Var<T>, double, Var<T>);                 \
  template Var<T> scale<T>(Var<T>, double);                                 \
  template Var<T> add_scalar<T>(Var<T>, double);                            \
  template Var<T> square<T>(Var<T>);                                        \
  template Var<T> log<T>(Var<T>);                                           \
  template Var<T> exp<T>(Var<T>);                                           \
  template Var<T> abs<T>(Var<T>);                                           \
  template Var<T> clamp_min<T>(Var<T>, double);                             \
  template Var<T> detach<T>(Var<T>);                                        \
  template Var<T> activation<T>(Var<T>, Activation);                        \
  template Var<T> mul_scalar<T>(Var<T>, Var<T>);                            \
  template Var<T> weighted_sum<T>(std::span<const Var<T>>, Var<T>);         \
  template Var<T> dropout<T>(Var<T>, double, RandomKey);                    \
  template Var<T> dropout<T>(Var<T>, double, bool);
GC_INSTANTIATE(float)
GC_INSTANTIATE(double)
#undef GC_INSTANTIATE

}  // namespace graphclust::learn
