#pragma once
/// The reverse-mode engine's core: parameters, the tape and the handles (Var) of recorded values.
///
/// A forward pass records whole-matrix ops (learn/ops.hpp) on a Tape; Tape::backward then runs the
/// recorded backward functions in reverse order and accumulates dLoss/dParameter into each
/// Parameter::grad. Values are row-major DenseBlock<T> (a scalar is 1 x 1). Every op is templated on
/// the scalar: float for training, double for gradient checks (learn/gradcheck.hpp).
///
/// A tape is reused from one epoch to the next: clear() forgets the ops but keeps every node's
/// buffers, so a training loop whose passes record the same ops allocates nothing after the first.
///
///   Tape<float> tape;
///   for (...) {
///     tape.clear(pass_seed);
///     Var<float> h = relu(matmul(tape.constant(x), tape.parameter(w)));
///     Var<float> loss = mean(square(h));
///     optimizer.zero_grad();
///     tape.backward(loss);
///     optimizer.step();
///   }
///
/// A tape belongs to one thread at a time (the ops parallelise internally through core/parallel.hpp).
///
/// New ops (in a family, or an encoder backed by another framework) are written with record(): the
/// op fills the returned node's value and supplies a backward that reads grad(self) and adds into
/// accumulate_grad(input) for each input that needs_grad().
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "graphclust/kernels/operator.hpp"

namespace graphclust::learn {

/// A trainable block: its value, and the gradient that Tape::backward accumulates into it.
template <class T>
struct Parameter {
  std::string name;
  DenseBlock<T> value;
  DenseBlock<T> grad;  ///< same shape as value once a backward pass reached it; zero_grad() zeroes it

  Parameter() = default;
  /// A rows x cols parameter of zeros, e.g. a bias; see learn/optim.hpp for initialisers.
  Parameter(std::string name, Eigen::Index rows, Eigen::Index cols)
      : name(std::move(name)), value(DenseBlock<T>::Zero(rows, cols)) {}
};

template <class T>
class Tape;

/// Handle to a value recorded on a tape; valid until the tape is cleared. Cheap to copy.
template <class T>
class Var {
 public:
  Var() = default;
  Var(Tape<T>* tape, std::uint32_t id) : tape_(tape), id_(id) {}

  bool valid() const noexcept { return tape_ != nullptr; }
  Tape<T>& tape() const noexcept { return *tape_; }
  std::uint32_t id() const noexcept { return id_; }
  const DenseBlock<T>& value() const;
  Eigen::Index rows() const { return value().rows(); }
  Eigen::Index cols() const { return value().cols(); }
  /// The value of a 1 x 1 result (a loss) as double.
  double item() const;

 private:
  Tape<T>* tape_ = nullptr;
  std::uint32_t id_ = 0;
};

/// The (seed, stream) pair of one random draw site; see uniform(seed, stream, index) in core/random.hpp.
struct RandomKey {
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;
};

template <class T>
class Tape {
 public:
  /// Backward of one op: `self` is the op's output; read grad(self), add into accumulate_grad(inputs).
  using BackwardFn = std::function<void(Tape& tape, Var<T> self)>;

  Tape();
  ~Tape();
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  /// Forgets every recorded op (invalidating their Vars) but keeps their buffers for reuse.
  /// `seed` keys this pass's random draws (next_random()), e.g. dropout masks.
  void clear(std::uint64_t seed = 0);
  /// Number of values recorded since the last clear().
  std::size_t size() const noexcept { return size_; }

  /// Leaf for a parameter: reads p.value in place (no copy); backward accumulates into p.grad.
  /// `p` must outlive the pass and keep its shape until backward() returns.
  Var<T> parameter(Parameter<T>& p);
  /// Leaf for data without a gradient, read in place: `x` must outlive the pass.
  Var<T> constant(const DenseBlock<T>& x);
  /// Leaf for data without a gradient, copied into the tape (a scalar, a small target, ...).
  Var<T> constant_copy(const DenseBlock<T>& x);

  const DenseBlock<T>& value(Var<T> v) const;
  /// Whether a gradient flows into v (it depends on a parameter).
  bool needs_grad(Var<T> v) const;

  /// Seeds d loss / d loss = 1 and runs the recorded backward functions from `loss` down, adding
  /// into Parameter::grad (callers zero those between steps: Optimizer::zero_grad). `loss` is 1 x 1.
  void backward(Var<T> loss);
  /// d loss / d v after backward() (zeros where no gradient arrived). For tests and inspection.
  const DenseBlock<T>& grad(Var<T> v);

  // --- writing ops -------------------------------------------------------------------------------
  /// Records an op with these inputs; the caller then fills mutable_value(result). The backward is
  /// kept only when some input needs a gradient. Inputs must come from this tape.
  Var<T> record(std::span<const Var<T>> inputs, BackwardFn backward);
  Var<T> record(std::initializer_list<Var<T>> inputs, BackwardFn backward) {
    return record(std::span<const Var<T>>(inputs.begin(), inputs.size()), std::move(backward));
  }
  /// The value buffer of an op recorded by this pass (kept across clear(): resize is free when the
  /// shape repeats).
  DenseBlock<T>& mutable_value(Var<T> v);
  /// A per-op scratch block, kept across clear() like the value (slot < 4): saved forward results.
  DenseBlock<T>& scratch(Var<T> v, std::size_t slot);
  /// Inside a backward function: the gradient buffer of `input`, zero-filled to its value's shape the
  /// first time this pass, to be added into (for a parameter leaf: Parameter::grad itself).
  DenseBlock<T>& accumulate_grad(Var<T> input);
  /// A fresh (seed, stream) for one random op of this pass: streams follow recording order, so the
  /// draws do not depend on threads.
  RandomKey next_random() noexcept { return {seed_, random_counter_++}; }

 private:
  struct Node;
  Node& node(Var<T> v) const;
  Var<T> push();

  std::vector<std::unique_ptr<Node>> nodes_;  // nodes_[0, size_) are live; the rest keep buffers
  std::size_t size_ = 0;
  std::uint64_t seed_ = 0;
  std::uint64_t random_counter_ = 0;
};

extern template class Tape<float>;
extern template class Tape<double>;
extern template class Var<float>;
extern template class Var<double>;

}  // namespace graphclust::learn
