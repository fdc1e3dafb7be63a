// SPDX-License-Identifier: MIT
// Benchmark (issue 29 §1): the whole U-Net in int8 (model::QuantizedUnet) against the float32
// folded channels_last form, on tiles of real images: speed per tile batch, and how far the int8
// probabilities and masks are from float32's. The first CALIB images calibrate, the rest are scored.
// Usage: bench_int8_unet CHECKPOINT CALIB IMAGE... (THREADS from $SEGOID_BENCH_THREADS, default 2)
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "segoid/io/image_io.hpp"
#include "segoid/io/image_scale.hpp"
#include "segoid/io/normalization.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/inference_form.hpp"
#include "segoid/model/quantized_unet.hpp"

#include "bench_timing.hpp"

namespace {

constexpr int64_t kTile = 160;
constexpr int64_t kBatch = 8;
constexpr int kTimedRuns = 7;

/// The image as predict_full gives it to the model, cut into kTile tiles at half-tile steps.
torch::Tensor tiles_of(const std::string& path, const segoid::model::ModelDescription& model) {
  using namespace segoid;
  const cv::Mat normalized =
      io::scale_image(io::normalize_intensity(io::read_image(path).pixels, model.normalization), model.image_scale);
  std::vector<torch::Tensor> tiles;
  for (int y = 0; y + kTile <= normalized.rows; y += kTile / 2) {
    for (int x = 0; x + kTile <= normalized.cols; x += kTile / 2) {
      const cv::Mat tile = normalized(cv::Rect(x, y, kTile, kTile)).clone();
      tiles.push_back(torch::from_blob(tile.data, {1, 1, kTile, kTile}, torch::kFloat).clone());
    }
  }
  return torch::cat(tiles);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace segoid;
  if (argc < 4) {
    std::cerr << "usage: bench_int8_unet CHECKPOINT CALIB IMAGE...\n";
    return 2;
  }
  const char* threads = std::getenv("SEGOID_BENCH_THREADS");
  torch::set_num_threads(threads != nullptr ? std::atoi(threads) : 2);
  torch::NoGradGuard no_grad;
  const model::LoadedCheckpoint loaded = model::load_checkpoint(argv[1]);
  const int calib = std::atoi(argv[2]);
  model::Unet fp32 = model::make_inference_model(loaded.model);
  model::QuantizedUnet int8(loaded.model);
  std::vector<torch::Tensor> scored;
  for (int i = 3; i < argc; ++i) {
    const torch::Tensor t = tiles_of(argv[i], loaded.info.model);
    if (i - 3 < calib) {
      for (const auto& b : t.split(kBatch)) int8.observe(b);
    } else {
      scored.push_back(t);
    }
  }
  int8.freeze();
  double max_dp = 0, sum_dp = 0, both = 0, total = 0, count = 0, worst_image = 1;
  for (const torch::Tensor& t : scored) {
    const double both_before = both, total_before = total;
    for (const auto& b : t.split(kBatch)) {
      const torch::Tensor p = torch::sigmoid(fp32->forward(b.contiguous(torch::MemoryFormat::ChannelsLast)));
      const torch::Tensor q = torch::sigmoid(int8.forward(b));
      const torch::Tensor d = (p - q).abs();
      max_dp = std::max(max_dp, d.max().item<double>());
      sum_dp += d.sum().item<double>();
      count += static_cast<double>(d.numel());
      both += ((p > 0.5) & (q > 0.5)).sum().item<double>();
      total += (p > 0.5).sum().item<double>() + (q > 0.5).sum().item<double>();
    }
    if (total > total_before) worst_image = std::min(worst_image, 2 * (both - both_before) / (total - total_before));
  }
  std::cout << fmt::format("{} calibration image(s), {} scored: max |dp| {:.4f}, mean |dp| {:.6f}, mask Dice {:.5f} "
                           "(all tiles), {:.5f} (worst image)\n",
                           calib, scored.size(), max_dp, sum_dp / std::max(count, 1.0),
                           total == 0 ? 1.0 : 2 * both / total, worst_image);
  const torch::Tensor batch = scored.empty() ? torch::rand({kBatch, 1, kTile, kTile}) : scored.front().narrow(0, 0, std::min<int64_t>(kBatch, scored.front().size(0)));
  const double t_fp32 = bench::median_seconds(kTimedRuns, 1, [&] { fp32->forward(batch.contiguous(torch::MemoryFormat::ChannelsLast)); });
  const double t_int8 = bench::median_seconds(kTimedRuns, 1, [&] { int8.forward(batch); });
  std::cout << fmt::format("batch {}x{}px, {} thread(s): float32 folded channels_last {:.1f} ms, int8 {:.1f} ms: {:.2f}x\n",
                           batch.size(0), kTile, torch::get_num_threads(), 1e3 * t_fp32, 1e3 * t_int8, t_fp32 / t_int8);
  return 0;
}
