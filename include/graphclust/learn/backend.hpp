#pragma once
/// Which engine trains a learned family's network: the native reverse-mode engine (learn/), or
/// LibTorch when graphclust was built with it (GRAPHCLUST_WITH_TORCH). Every learned options struct
/// (DIGRAC, PamC/SCGC, TV) carries an `encoder` and a `device` field declared in its describe(), so
/// the CLI (--encoder torch --device cuda:0) and Python (encoder="torch", device="cuda") get them
/// without further code.
///
/// Both engines start from the same initial weights (drawn by the native initialisers) and train the
/// same model on the same loss; dropout masks differ (Torch draws its own), so runs agree in
/// distribution, not bit for bit.
#include <array>
#include <string>
#include <string_view>

#include "graphclust/core/describe.hpp"

namespace graphclust {

enum class EncoderBackend { Native, Torch };

template <>
struct EnumTable<EncoderBackend> {
  static constexpr std::array entries{EnumName<EncoderBackend>{EncoderBackend::Native, "native"},
                                      EnumName<EncoderBackend>{EncoderBackend::Torch, "torch"}};
};

/// Whether this build has the LibTorch encoder (false: encoder = torch throws InvalidArgument).
bool torch_available() noexcept;
/// Whether LibTorch was built with CUDA and sees at least one device (false without Torch).
bool torch_cuda_available() noexcept;

/// Checks an (encoder, device) pair before any work, so a bad choice costs nothing. `device` is
/// "cpu", "cuda" or "cuda:N"; it must be "cpu" for the native encoder. Throws InvalidArgument with
/// one line naming `who` and the reason: a malformed device, built without Torch, LibTorch without
/// CUDA, no CUDA device (or N out of range).
void check_encoder_device(EncoderBackend encoder, std::string_view device, std::string_view who);

}  // namespace graphclust
