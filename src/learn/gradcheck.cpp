#include "graphclust/learn/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"

namespace graphclust::learn {

GradCheckResult check_gradients(const std::function<Var<double>(Tape<double>&)>& loss,
                                const std::vector<Parameter<double>*>& parameters, const GradCheckOptions& options) {
  if (!(options.step > 0) || !std::isfinite(options.step))
    throw InvalidArgument("check_gradients: step must be finite and > 0, got " + std::to_string(options.step));
  if (!(options.tolerance > 0)) throw InvalidArgument("check_gradients: tolerance must be > 0");
  if (options.max_entries < 0) throw InvalidArgument("check_gradients: max_entries must be >= 0");

  Tape<double> tape;
  auto evaluate = [&] {
    tape.clear(options.seed);
    return loss(tape).item();
  };

  for (Parameter<double>* p : parameters) p->grad.setZero(p->value.rows(), p->value.cols());
  tape.clear(options.seed);
  tape.backward(loss(tape));
  tape.clear();

  GradCheckResult result;
  Rng rng(options.seed, 0x6772616463686BULL);
  for (Parameter<double>* p : parameters) {
    const auto size = static_cast<std::size_t>(p->value.size());
    std::vector<std::size_t> entries(size);
    std::iota(entries.begin(), entries.end(), std::size_t{0});
    if (options.max_entries > 0 && size > static_cast<std::size_t>(options.max_entries)) {
      for (std::size_t i = 0; i < static_cast<std::size_t>(options.max_entries); ++i)  // partial Fisher-Yates
        std::swap(entries[i], entries[i + rng.below(size - i)]);
      entries.resize(static_cast<std::size_t>(options.max_entries));
    }
    for (std::size_t e : entries) {
      double& x = p->value.data()[e];
      const double original = x;
      const double h = options.step * std::max(1.0, std::abs(original));
      x = original + h;
      const double up = evaluate();
      x = original - h;
      const double down = evaluate();
      x = original;
      const double numeric = (up - down) / (2 * h);
      const double analytic = p->grad.data()[e];
      const double scale = std::max({std::abs(analytic), std::abs(numeric), options.scale_floor});
      const double error = std::abs(analytic - numeric) / scale;
      ++result.checked;
      if (error > result.max_error || !std::isfinite(error)) {
        result.max_error = std::isfinite(error) ? error : std::numeric_limits<double>::infinity();
        const auto cols = std::max<Eigen::Index>(1, p->value.cols());
        char text[160];
        std::snprintf(text, sizeof text, "[%zu, %zu]: analytic %.9g, numeric %.9g", e / static_cast<std::size_t>(cols),
                      e % static_cast<std::size_t>(cols), analytic, numeric);
        result.worst = p->name + text;
      }
    }
  }
  tape.clear();
  result.ok = result.max_error <= options.tolerance;
  return result;
}

}  // namespace graphclust::learn
