// The build without LibTorch: every Torch entry point refuses with one line, so encoder = torch
// fails cleanly (check_encoder_device normally refuses first) and nothing torch-related is compiled.
#include "graphclust/core/error.hpp"
#include "torch/torch_backend.hpp"

namespace graphclust::torch_backend {
namespace {
[[noreturn]] void refuse() {
  throw InvalidArgument("encoder 'torch': graphclust was built without LibTorch (rebuild with libtorch-dev installed "
                        "and -DGRAPHCLUST_WITH_TORCH=AUTO or ON)");
}
}  // namespace

bool built_with_torch() noexcept { return false; }
bool cuda_built() noexcept { return false; }
int cuda_devices() noexcept { return 0; }

TrainRun digrac_train(const Graph&, const DenseBlock<double>&, const DigracOptions&, const Blocks&, const TrainSettings&) { refuse(); }
TrainRun tv_train(const Graph&, const DenseBlock<double>&, const TvOptions&, const Blocks&, const TrainSettings&) { refuse(); }
TrainRun contrastive_train(const ContrastiveSetup&, const ContrastiveOptions&, const Blocks&, const TrainSettings&) { refuse(); }
Probe digrac_probe(const Graph&, const DenseBlock<double>&, const DigracOptions&, const Blocks&) { refuse(); }
Probe tv_probe(const Graph&, const DenseBlock<double>&, const TvOptions&, const Blocks&) { refuse(); }
Probe contrastive_probe(const ContrastiveSetup&, const ContrastiveOptions&, const Blocks&) { refuse(); }
Probe encoder_probe(const Graph&, const DenseBlock<double>&, const EncoderSpec&, const Blocks&, const DenseBlock<double>&) {
  refuse();
}

}  // namespace graphclust::torch_backend
