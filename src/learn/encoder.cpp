#include "graphclust/learn/encoder.hpp"

#include <cmath>
#include <cstdio>

#include "graphclust/learn/optim.hpp"
#include "learn/detail.hpp"

namespace graphclust::learn {

namespace {

/// FNV-1a: parameter streams keyed by the encoder's name, so two encoders with one seed but
/// different names (DIGRAC's source and target MLPs) start from different weights.
std::uint64_t name_stream(const std::string& name) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001B3ULL;
  return h;
}

void validate(Eigen::Index input_dim, const MlpOptions& o, const char* who) {
  const std::string w(who);
  if (input_dim < 1) throw InvalidArgument(w + ": input dimension must be >= 1, got " + std::to_string(input_dim));
  if (o.layers.empty()) throw InvalidArgument(w + ": needs at least one layer");
  for (Eigen::Index width : o.layers)
    if (width < 1) throw InvalidArgument(w + ": layer width must be >= 1, got " + std::to_string(width));
  if (!(o.dropout >= 0 && o.dropout < 1)) throw InvalidArgument(w + ": dropout must be in [0, 1), got " + std::to_string(o.dropout));
  if (!(o.init_gain > 0) || !std::isfinite(o.init_gain))
    throw InvalidArgument(w + ": init_gain must be finite and > 0, got " + std::to_string(o.init_gain));
}

template <class T>
std::vector<Linear<T>> make_layers(Eigen::Index input_dim, const MlpOptions& o) {
  std::vector<Linear<T>> layers;
  const std::uint64_t base = name_stream(o.name);
  Eigen::Index in = input_dim;
  for (std::size_t l = 0; l < o.layers.size(); ++l) {
    layers.emplace_back(o.name + "." + std::to_string(l), in, o.layers[l], o.bias, o.seed, base + l, o.init_gain);
    in = o.layers[l];
  }
  return layers;
}

template <class T>
const DenseBlock<T>& checked_features(const EncoderInput<T>& input, Eigen::Index dim, const char* who) {
  if (!input.features) throw InvalidArgument(std::string(who) + ": no features given");
  const DenseBlock<T>& x = *input.features;
  if (x.cols() != dim)
    throw InvalidArgument(std::string(who) + ": features have " + std::to_string(x.cols()) + " columns, the encoder expects " +
                          std::to_string(dim));
  require_finite(x, who);
  return x;
}

}  // namespace

template <class T>
void require_finite(const DenseBlock<T>& x, std::string_view what) {
  const T* d = x.data();
  const auto size = static_cast<std::size_t>(x.size());
  // Fixed-order search for the first offender, so the message does not depend on threads.
  const std::size_t first = fixed_order_reduce(
      size, size,
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i)
          if (!std::isfinite(d[i])) return i;
        return size;
      },
      [](std::size_t a, std::size_t b) { return std::min(a, b); });
  if (first == size) return;
  const auto cols = static_cast<std::size_t>(std::max<Eigen::Index>(1, x.cols()));
  char text[96];
  std::snprintf(text, sizeof text, " at row %zu, column %zu: %g", first / cols, first % cols, static_cast<double>(d[first]));
  throw InvalidArgument(std::string(what) + ": non-finite value" + text);
}

template <class T>
Linear<T>::Linear(const std::string& name, Eigen::Index in, Eigen::Index out, bool bias, std::uint64_t seed,
                  std::uint64_t stream, double gain)
    : weight(name + ".weight", in, out), bias(name + ".bias", 1, out), has_bias(bias) {
  xavier_uniform(weight.value, seed, stream, gain);
}

template <class T>
Var<T> Linear<T>::operator()(Tape<T>& tape, Var<T> x) {
  Var<T> y = matmul(x, tape.parameter(weight));
  return has_bias ? add_bias(y, tape.parameter(bias)) : y;
}

template <class T>
void Linear<T>::collect(std::vector<Parameter<T>*>& out) {
  out.push_back(&weight);
  if (has_bias) out.push_back(&bias);
}

template <class T>
MlpEncoder<T>::MlpEncoder(Eigen::Index input_dim, const MlpOptions& options) : options_(options), input_dim_(input_dim) {
  validate(input_dim, options, "MlpEncoder");
  layers_ = make_layers<T>(input_dim, options);
}

template <class T>
Var<T> MlpEncoder<T>::forward(Tape<T>& tape, const EncoderInput<T>& input, bool training) {
  return forward(tape, tape.constant(checked_features(input, input_dim_, "MlpEncoder")), training);
}

template <class T>
Var<T> MlpEncoder<T>::forward(Tape<T>& tape, Var<T> x, bool training) {
  if (x.cols() != input_dim_)
    throw InvalidArgument("MlpEncoder: input has " + std::to_string(x.cols()) + " columns, expected " + std::to_string(input_dim_));
  Var<T> h = x;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const bool hidden = l + 1 < layers_.size();
    h = layers_[l](tape, h);
    if (hidden || options_.activate_output) h = activation(h, options_.activation);
    if (hidden) h = dropout(h, options_.dropout, training);
  }
  return h;
}

template <class T>
std::vector<Parameter<T>*> MlpEncoder<T>::parameters() {
  std::vector<Parameter<T>*> out;
  for (Linear<T>& l : layers_) l.collect(out);
  return out;
}

template <class T>
GcnEncoder<T>::GcnEncoder(Eigen::Index input_dim, const GcnOptions& options) : options_(options), input_dim_(input_dim) {
  validate(input_dim, options, "GcnEncoder");
  if (!(options.self_loop_weight >= 0) || !std::isfinite(options.self_loop_weight))
    throw InvalidArgument("GcnEncoder: self_loop_weight must be finite and >= 0, got " +
                          std::to_string(options.self_loop_weight));
  layers_ = make_layers<T>(input_dim, options);
}

template <class T>
const Propagator<T>& GcnEncoder<T>::propagator(const Graph& graph) {
  if (!propagator_ || cached_graph_ != &graph || propagator_->op().rows() != static_cast<Eigen::Index>(graph.num_nodes())) {
    OperatorOptions op;
    op.kind = options_.kind;
    op.self_loop_weight = options_.self_loop_weight;
    propagator_ = std::make_unique<Propagator<T>>(graph, op);
    cached_graph_ = &graph;
  }
  return *propagator_;
}

template <class T>
Var<T> GcnEncoder<T>::forward(Tape<T>& tape, const EncoderInput<T>& input, bool training) {
  if (!input.graph) throw InvalidArgument("GcnEncoder: no graph given");
  const DenseBlock<T>& x = checked_features(input, input_dim_, "GcnEncoder");
  if (x.rows() != static_cast<Eigen::Index>(input.graph->num_nodes()))
    throw InvalidArgument("GcnEncoder: " + std::to_string(x.rows()) + " feature rows for a graph of " +
                          std::to_string(input.graph->num_nodes()) + " nodes");
  const Propagator<T>& p = propagator(*input.graph);
  Var<T> h = tape.constant(x);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    Linear<T>& layer = layers_[l];
    const bool hidden = l + 1 < layers_.size();
    // P (h W) = (P h) W: propagate whichever side is narrower.
    Var<T> z = layer.weight.value.cols() <= layer.weight.value.rows()
                   ? propagate(matmul(h, tape.parameter(layer.weight)), p)
                   : matmul(propagate(h, p), tape.parameter(layer.weight));
    h = layer.has_bias ? add_bias(z, tape.parameter(layer.bias)) : z;
    if (hidden || options_.activate_output) h = activation(h, options_.activation);
    if (hidden) h = dropout(h, options_.dropout, training);
  }
  return h;
}

template <class T>
std::vector<Parameter<T>*> GcnEncoder<T>::parameters() {
  std::vector<Parameter<T>*> out;
  for (Linear<T>& l : layers_) l.collect(out);
  return out;
}

template void require_finite<float>(const DenseBlock<float>&, std::string_view);
template void require_finite<double>(const DenseBlock<double>&, std::string_view);
template class Linear<float>;
template class Linear<double>;
template class MlpEncoder<float>;
template class MlpEncoder<double>;
template class GcnEncoder<float>;
template class GcnEncoder<double>;

}  // namespace graphclust::learn
