#pragma once
// Private helpers shared by the spectral family's translation units.
#include <cstdint>
#include <string_view>
#include <vector>

#include "graphclust/core/progress.hpp"
#include "graphclust/graph/graph.hpp"
#include "graphclust/kernels/operator.hpp"

namespace graphclust::detail {

/// Damle-Minden-Ying readout of an n x k embedding.
std::vector<std::int32_t> cluster_qr(const DenseBlock<double>& u);
std::vector<std::int32_t> kmeans_readout(const DenseBlock<double>& points, int k, int n_init, std::uint64_t seed,
                                         const Progress& progress = {}, std::string_view stage = {});

}  // namespace graphclust::detail
