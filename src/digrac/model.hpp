#pragma once
// Private: the DIGRAC network (DIMPA encoder + softmax head) on the learn/ engine. Tests use it for
// gradient checks of the whole model.
#include <memory>
#include <vector>

#include "graphclust/digrac/digrac.hpp"
#include "graphclust/learn/learn.hpp"

namespace graphclust::digrac_detail {

/// DIMPA: x_s = MLP_s(x), x_t = MLP_t(x) (two layers, relu and dropout between, no bias);
/// feat_s = sum_h w_s[h] M_s^h x_s with M_s = rownorm(A + wI), feat_t likewise on A^T; z = [feat_s feat_t].
/// It is an Encoder, so another implementation (e.g. LibTorch) can take its place.
template <class T>
class DimpaEncoder final : public learn::Encoder<T> {
 public:
  DimpaEncoder(const Graph& graph, Eigen::Index input_dim, const DigracOptions& options);
  learn::Var<T> forward(learn::Tape<T>& tape, const learn::EncoderInput<T>& input, bool training) override;
  learn::Var<T> forward(learn::Tape<T>& tape, learn::Var<T> x, bool training);
  std::vector<learn::Parameter<T>*> parameters() override;
  Eigen::Index output_dim() const override { return 2 * hidden_; }

 private:
  learn::Var<T> hops(learn::Tape<T>& tape, learn::Var<T> x, const learn::Propagator<T>& m, learn::Parameter<T>& w);
  Eigen::Index hidden_;
  int hops_;
  learn::MlpEncoder<T> source_, target_;
  learn::Propagator<T> along_, against_;
  learn::Parameter<T> source_hops_, target_hops_;
};

/// The whole model: DIMPA, then P = softmax(z W + b).
template <class T>
class DigracModel {
 public:
  DigracModel(const Graph& graph, Eigen::Index input_dim, const DigracOptions& options);
  struct Output {
    learn::Var<T> z;
    learn::Var<T> probabilities;
  };
  Output forward(learn::Tape<T>& tape, learn::Var<T> x, bool training);
  std::vector<learn::Parameter<T>*> parameters();

 private:
  DimpaEncoder<T> encoder_;
  learn::Linear<T> head_;
};

extern template class DimpaEncoder<float>;
extern template class DimpaEncoder<double>;
extern template class DigracModel<float>;
extern template class DigracModel<double>;

}  // namespace graphclust::digrac_detail
