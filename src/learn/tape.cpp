#include "graphclust/learn/tape.hpp"

#include <array>
#include <string>

#include "graphclust/core/error.hpp"

namespace graphclust::learn {

template <class T>
struct Tape<T>::Node {
  DenseBlock<T> own;                    // value of an op or of a copied constant
  const DenseBlock<T>* ref = nullptr;   // value read in place (parameter, constant)
  Parameter<T>* param = nullptr;        // parameter leaf: gradients go straight to param->grad
  DenseBlock<T> grad;
  bool needs_grad = false;
  bool grad_live = false;               // grad holds this backward pass's sum
  BackwardFn backward;
  std::array<DenseBlock<T>, 4> scratch;

  const DenseBlock<T>& value() const { return ref ? *ref : own; }
};

template <class T>
const DenseBlock<T>& Var<T>::value() const {
  if (!tape_) throw InvalidArgument("learn: use of an empty Var");
  return tape_->value(*this);
}

template <class T>
double Var<T>::item() const {
  const DenseBlock<T>& v = value();
  if (v.rows() != 1 || v.cols() != 1)
    throw InvalidArgument("learn: item() of a " + std::to_string(v.rows()) + " x " + std::to_string(v.cols()) + " value");
  return static_cast<double>(v(0, 0));
}

template <class T>
Tape<T>::Tape() = default;
template <class T>
Tape<T>::~Tape() = default;

template <class T>
void Tape<T>::clear(std::uint64_t seed) {
  for (std::size_t i = 0; i < size_; ++i) nodes_[i]->backward = nullptr;  // drop captured state now
  size_ = 0;
  seed_ = seed;
  random_counter_ = 0;
}

template <class T>
typename Tape<T>::Node& Tape<T>::node(Var<T> v) const {
  if (&v.tape() != this || v.id() >= size_)
    throw InvalidArgument("learn: a Var from another tape, or from before the last clear(), id " + std::to_string(v.id()));
  return *nodes_[v.id()];
}

template <class T>
Var<T> Tape<T>::push() {
  if (size_ == nodes_.size()) nodes_.push_back(std::make_unique<Node>());
  Node& n = *nodes_[size_];
  n.ref = nullptr;
  n.param = nullptr;
  n.needs_grad = false;
  n.grad_live = false;
  n.backward = nullptr;
  return Var<T>(this, static_cast<std::uint32_t>(size_++));
}

template <class T>
Var<T> Tape<T>::parameter(Parameter<T>& p) {
  Var<T> v = push();
  Node& n = *nodes_[v.id()];
  n.ref = &p.value;
  n.param = &p;
  n.needs_grad = true;
  return v;
}

template <class T>
Var<T> Tape<T>::constant(const DenseBlock<T>& x) {
  Var<T> v = push();
  nodes_[v.id()]->ref = &x;
  return v;
}

template <class T>
Var<T> Tape<T>::constant_copy(const DenseBlock<T>& x) {
  Var<T> v = push();
  nodes_[v.id()]->own = x;
  return v;
}

template <class T>
const DenseBlock<T>& Tape<T>::value(Var<T> v) const {
  return node(v).value();
}

template <class T>
bool Tape<T>::needs_grad(Var<T> v) const {
  return node(v).needs_grad;
}

template <class T>
Var<T> Tape<T>::record(std::span<const Var<T>> inputs, BackwardFn backward) {
  bool needs = false;
  for (const Var<T>& in : inputs) needs = needs || node(in).needs_grad;  // also validates every input
  Var<T> v = push();
  Node& n = *nodes_[v.id()];
  n.needs_grad = needs;
  if (needs) n.backward = std::move(backward);
  return v;
}

template <class T>
DenseBlock<T>& Tape<T>::mutable_value(Var<T> v) {
  Node& n = node(v);
  if (n.ref) throw InvalidArgument("learn: the value of a leaf is read-only");
  return n.own;
}

template <class T>
DenseBlock<T>& Tape<T>::scratch(Var<T> v, std::size_t slot) {
  Node& n = node(v);
  if (slot >= n.scratch.size()) throw InvalidArgument("learn: scratch slot " + std::to_string(slot) + " out of range");
  return n.scratch[slot];
}

template <class T>
DenseBlock<T>& Tape<T>::accumulate_grad(Var<T> input) {
  Node& n = node(input);
  const DenseBlock<T>& value = n.value();
  if (n.param) {
    DenseBlock<T>& g = n.param->grad;
    if (g.rows() != value.rows() || g.cols() != value.cols()) g.setZero(value.rows(), value.cols());
    return g;
  }
  if (!n.grad_live) {
    n.grad.setZero(value.rows(), value.cols());  // no reallocation when the shape repeats
    n.grad_live = true;
  }
  return n.grad;
}

template <class T>
const DenseBlock<T>& Tape<T>::grad(Var<T> v) {
  Node& n = node(v);
  if (n.param || n.grad_live) return accumulate_grad(v);
  n.grad.setZero(n.value().rows(), n.value().cols());
  return n.grad;
}

template <class T>
void Tape<T>::backward(Var<T> loss) {
  Node& root = node(loss);
  const DenseBlock<T>& value = root.value();
  if (value.rows() != 1 || value.cols() != 1)
    throw InvalidArgument("learn: backward() needs a 1 x 1 loss, got " + std::to_string(value.rows()) + " x " +
                          std::to_string(value.cols()));
  for (std::size_t i = 0; i < size_; ++i) nodes_[i]->grad_live = false;
  if (!root.needs_grad) return;  // the loss does not depend on any parameter
  accumulate_grad(loss)(0, 0) += T{1};
  for (std::size_t id = loss.id() + 1; id-- > 0;) {
    Node& n = *nodes_[id];
    if (n.grad_live && n.backward) n.backward(*this, Var<T>(this, static_cast<std::uint32_t>(id)));
  }
}

template class Tape<float>;
template class Tape<double>;
template class Var<float>;
template class Var<double>;

}  // namespace graphclust::learn
