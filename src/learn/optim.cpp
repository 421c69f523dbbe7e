#include "graphclust/learn/optim.hpp"

#include <cmath>
#include <string>

#include "graphclust/core/random.hpp"
#include "learn/detail.hpp"

namespace graphclust::learn {

using namespace detail;

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw InvalidArgument(message);
}

bool grad_present(const auto& p) { return p->grad.rows() == p->value.rows() && p->grad.cols() == p->value.cols(); }

}  // namespace

template <class T>
void xavier_uniform(DenseBlock<T>& w, std::uint64_t seed, std::uint64_t stream, double gain) {
  require(std::isfinite(gain) && gain > 0, "xavier_uniform: gain must be finite and > 0, got " + std::to_string(gain));
  const double fans = static_cast<double>(w.rows() + w.cols());
  if (fans == 0) return;
  const double bound = gain * std::sqrt(6.0 / fans);
  T* d = w.data();
  for_elements(static_cast<std::size_t>(w.size()), [&](std::size_t i) {
    d[i] = static_cast<T>((2.0 * uniform(seed, stream, i) - 1.0) * bound);
  });
}

template <class T>
void kaiming_normal(DenseBlock<T>& w, std::uint64_t seed, std::uint64_t stream, double gain) {
  require(std::isfinite(gain) && gain > 0, "kaiming_normal: gain must be finite and > 0, got " + std::to_string(gain));
  if (w.rows() == 0) return;
  const double sd = gain / std::sqrt(static_cast<double>(w.rows()));
  T* d = w.data();
  for_elements(static_cast<std::size_t>(w.size()), [&](std::size_t i) { d[i] = static_cast<T>(sd * normal(seed, stream, i)); });
}

template <class T>
Optimizer<T>::Optimizer(std::vector<Parameter<T>*> parameters) : parameters_(std::move(parameters)) {
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    require(parameters_[i] != nullptr, "optimizer: parameter " + std::to_string(i) + " is null");
}

template <class T>
void Optimizer<T>::zero_grad() {
  for (Parameter<T>* p : parameters_)
    if (grad_present(p)) p->grad.setZero();
}

template <class T>
Adam<T>::Adam(std::vector<Parameter<T>*> parameters, const AdamOptions& options)
    : Optimizer<T>(std::move(parameters)), options_(options) {
  require(std::isfinite(options.learning_rate) && options.learning_rate > 0,
          "Adam: learning_rate must be finite and > 0, got " + std::to_string(options.learning_rate));
  require(options.beta1 >= 0 && options.beta1 < 1, "Adam: beta1 must be in [0, 1), got " + std::to_string(options.beta1));
  require(options.beta2 >= 0 && options.beta2 < 1, "Adam: beta2 must be in [0, 1), got " + std::to_string(options.beta2));
  require(std::isfinite(options.epsilon) && options.epsilon > 0,
          "Adam: epsilon must be finite and > 0, got " + std::to_string(options.epsilon));
  require(std::isfinite(options.weight_decay) && options.weight_decay >= 0,
          "Adam: weight_decay must be finite and >= 0, got " + std::to_string(options.weight_decay));
  for (Parameter<T>* p : this->parameters_) {
    m_.push_back(DenseBlock<T>::Zero(p->value.rows(), p->value.cols()));
    v_.push_back(DenseBlock<T>::Zero(p->value.rows(), p->value.cols()));
  }
  parameter_steps_.assign(this->parameters_.size(), 0);
}

template <class T>
void Adam<T>::step() {
  ++steps_;
  const T b1 = static_cast<T>(options_.beta1), b2 = static_cast<T>(options_.beta2);
  const T eps = static_cast<T>(options_.epsilon), decay = static_cast<T>(options_.weight_decay);
  for (std::size_t k = 0; k < this->parameters_.size(); ++k) {
    Parameter<T>& p = *this->parameters_[k];
    if (!grad_present(&p)) continue;
    require(m_[k].rows() == p.value.rows() && m_[k].cols() == p.value.cols(),
            "Adam: parameter '" + p.name + "' changed shape to " + shape(p.value));
    const double t = static_cast<double>(++parameter_steps_[k]);
    const T step_size = static_cast<T>(options_.learning_rate / (1.0 - std::pow(options_.beta1, t)));
    const T bc2_sqrt = static_cast<T>(std::sqrt(1.0 - std::pow(options_.beta2, t)));
    T* x = p.value.data();
    const T* g = p.grad.data();
    T* m = m_[k].data();
    T* v = v_[k].data();
    for_elements(static_cast<std::size_t>(p.value.size()), [&](std::size_t i) {
      const T gi = g[i] + decay * x[i];
      m[i] = b1 * m[i] + (T{1} - b1) * gi;
      v[i] = b2 * v[i] + (T{1} - b2) * gi * gi;
      x[i] -= step_size * m[i] / (std::sqrt(v[i]) / bc2_sqrt + eps);
    });
  }
}

template <class T>
Sgd<T>::Sgd(std::vector<Parameter<T>*> parameters, const SgdOptions& options)
    : Optimizer<T>(std::move(parameters)), options_(options) {
  require(std::isfinite(options.learning_rate) && options.learning_rate > 0,
          "SGD: learning_rate must be finite and > 0, got " + std::to_string(options.learning_rate));
  require(options.momentum >= 0 && options.momentum < 1, "SGD: momentum must be in [0, 1), got " + std::to_string(options.momentum));
  require(std::isfinite(options.weight_decay) && options.weight_decay >= 0,
          "SGD: weight_decay must be finite and >= 0, got " + std::to_string(options.weight_decay));
  for (Parameter<T>* p : this->parameters_) velocity_.push_back(DenseBlock<T>::Zero(p->value.rows(), p->value.cols()));
}

template <class T>
void Sgd<T>::step() {
  const T lr = static_cast<T>(options_.learning_rate), mom = static_cast<T>(options_.momentum);
  const T decay = static_cast<T>(options_.weight_decay);
  for (std::size_t k = 0; k < this->parameters_.size(); ++k) {
    Parameter<T>& p = *this->parameters_[k];
    if (!grad_present(&p)) continue;
    require(velocity_[k].rows() == p.value.rows() && velocity_[k].cols() == p.value.cols(),
            "SGD: parameter '" + p.name + "' changed shape to " + shape(p.value));
    T* x = p.value.data();
    const T* g = p.grad.data();
    T* b = velocity_[k].data();
    for_elements(static_cast<std::size_t>(p.value.size()), [&](std::size_t i) {
      const T gi = g[i] + decay * x[i];
      b[i] = mom * b[i] + gi;  // torch: the first step's buffer is the gradient itself, as here from zero
      x[i] -= lr * b[i];
    });
  }
}

template void xavier_uniform<float>(DenseBlock<float>&, std::uint64_t, std::uint64_t, double);
template void xavier_uniform<double>(DenseBlock<double>&, std::uint64_t, std::uint64_t, double);
template void kaiming_normal<float>(DenseBlock<float>&, std::uint64_t, std::uint64_t, double);
template void kaiming_normal<double>(DenseBlock<double>&, std::uint64_t, std::uint64_t, double);
template class Optimizer<float>;
template class Optimizer<double>;
template class Adam<float>;
template class Adam<double>;
template class Sgd<float>;
template class Sgd<double>;

}  // namespace graphclust::learn
