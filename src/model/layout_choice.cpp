// SPDX-License-Identifier: MIT
// Measuring and caching the training memory layout.
#include "segoid/model/layout_choice.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>

#include "segoid/core/choice_cache.hpp"
#include "segoid/core/cpu_info.hpp"
#include "segoid/core/error.hpp"

namespace segoid::model {
namespace {

constexpr int kProbeMaxSide = 128;   ///< probe patches are at most this side, pixels
/// Probe batches: 2 patches (a second or two in all; BatchNorm in training mode needs more than
/// one value per channel at the deepest, 1/32-scale layer).
constexpr int kProbeBatch = 2;
constexpr int kProbeRounds = 2;      ///< timed rounds per layout, interleaved, after one warm-up
constexpr const char* kCacheKind = "training_layout";

torch::MemoryFormat memory_format(const std::string& layout) {
  return layout == kChannelsLast ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
}

}  // namespace

std::string torch_version() { return TORCH_VERSION; }

std::string SpeedChoice::describe(const std::string& unit) const {
  if (rates.empty()) return fmt::format("{} ({})", choice, source);
  return fmt::format("{} ({}: {})", choice, source, core::format_rates(rates, unit));
}

torch::Tensor to_layout(const torch::Tensor& tensor, const std::string& layout) {
  return tensor.to(tensor.options(), /*non_blocking=*/false, /*copy=*/true, memory_format(layout));
}

void set_weight_layout(Unet& unet, const std::string& layout) {
  torch::NoGradGuard no_grad;
  for (auto& p : unet->parameters()) {
    if (p.dim() == 4) p.set_data(to_layout(p.data(), layout));
  }
}

std::map<std::string, double> measure_training_layouts(const UnetOptions& options, int patch_size, int batch_size) {
  const int side = std::min(patch_size, kProbeMaxSide);
  static_cast<void>(batch_size);  // the probe stays at 2 patches (BatchNorm needs 2); see the header
  const int batch = kProbeBatch;
  const std::vector<std::string> layouts{kContiguous, kChannelsLast};
  std::vector<Unet> models;
  std::vector<torch::Tensor> inputs;
  std::vector<torch::Tensor> targets;
  const torch::Tensor image = torch::rand({batch, options.in_channels, side, side});
  const torch::Tensor mask = (image.select(1, 0).unsqueeze(1) > 0.5).to(torch::kFloat);
  for (const auto& layout : layouts) {
    Unet unet(options);
    set_weight_layout(unet, layout);
    unet->train();
    models.push_back(unet);
    inputs.push_back(to_layout(image, layout));
    targets.push_back(to_layout(mask, layout));
  }
  const auto step = [&](std::size_t i) {
    for (auto& p : models[i]->parameters()) p.mutable_grad() = torch::Tensor();
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor logits = models[i]->forward(inputs[i]);
    torch::binary_cross_entropy_with_logits(logits, targets[i]).backward();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::vector<double> best(layouts.size(), 1e300);
  for (std::size_t i = 0; i < layouts.size(); ++i) step(i);  // warm-up: oneDNN primitive creation
  for (int round = 0; round < kProbeRounds; ++round) {
    for (std::size_t i = 0; i < layouts.size(); ++i) best[i] = std::min(best[i], step(i));
  }
  std::map<std::string, double> rates;
  for (std::size_t i = 0; i < layouts.size(); ++i) rates[layouts[i]] = batch / std::max(best[i], 1e-9);
  return rates;
}

SpeedChoice choose_training_layout(const std::string& requested, const UnetOptions& options, int patch_size,
                                   int batch_size, int threads, bool on_cpu, const std::filesystem::path& cache_dir) {
  if (requested == kContiguous || requested == kChannelsLast) return {requested, "forced", {}};
  if (requested != "auto") {
    throw ConfigError("training.memory_format must be auto, contiguous or channels_last, got '" + requested + "'");
  }
  if (!on_cpu) return {kContiguous, "device", {}};
  const int side = std::min(patch_size, kProbeMaxSide);
  const int batch = kProbeBatch;
  const core::MachineKey key{core::this_cpu().model, threads, torch_version(),
                             fmt::format("train {} {}px x{}", options.encoder, side, batch)};
  const core::ChoiceCache cache(cache_dir);
  if (auto cached = cache.find(kCacheKind, key)) return {cached->choice, "cached", cached->rates};
  core::MeasuredChoice measured;
  measured.rates = measure_training_layouts(options, patch_size, batch_size);
  measured.choice = core::fastest(measured.rates);
  cache.store(kCacheKind, key, measured);
  return {measured.choice, "measured", measured.rates};
}

}  // namespace segoid::model
