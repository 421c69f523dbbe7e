#include "graphclust/learn/backend.hpp"

#include <charconv>
#include <string>

#include "graphclust/core/error.hpp"
#include "torch/torch_backend.hpp"

namespace graphclust {

bool torch_available() noexcept { return torch_backend::built_with_torch(); }
bool torch_cuda_available() noexcept { return torch_backend::cuda_built() && torch_backend::cuda_devices() > 0; }

void check_encoder_device(EncoderBackend encoder, std::string_view device, std::string_view who) {
  const std::string w(who);
  // Parse first: a typo is reported as a typo whatever the build.
  int index = -1;
  bool cuda = false;
  if (device == "cpu") {
  } else if (device == "cuda") {
    cuda = true;
    index = 0;
  } else if (device.starts_with("cuda:")) {
    const std::string_view digits = device.substr(5);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || index < 0)
      throw InvalidArgument(w + ": device '" + std::string(device) + "' is not cpu, cuda or cuda:N");
    cuda = true;
  } else {
    throw InvalidArgument(w + ": device '" + std::string(device) + "' is not cpu, cuda or cuda:N");
  }
  if (encoder == EncoderBackend::Native) {
    if (cuda)
      throw InvalidArgument(w + ": device '" + std::string(device) +
                            "' needs encoder 'torch' (the native encoder runs on the CPU only)");
    return;
  }
  if (!torch_backend::built_with_torch())
    throw InvalidArgument(w + ": encoder 'torch' is unavailable: " + torch_backend::unavailable_reason());
  if (!cuda) return;
  if (!torch_backend::cuda_built())
    throw InvalidArgument(w + ": device '" + std::string(device) +
                          "' is unavailable: the LibTorch graphclust was built with has no CUDA support (use device cpu)");
  const int count = torch_backend::cuda_devices();
  if (count == 0)
    throw InvalidArgument(w + ": device '" + std::string(device) + "' is unavailable: no CUDA device is present");
  if (index >= count)
    throw InvalidArgument(w + ": device '" + std::string(device) + "' is unavailable: only " + std::to_string(count) +
                          " CUDA device(s) are present");
}

}  // namespace graphclust
