// SPDX-License-Identifier: MIT
// Training throughput: the pure U-Net/ResNet18 step (batch 4, 256x256, AdamW, BCE + Dice) and a
// full epoch with patch sampling, augmentation and background batches. Prints patches/s.
// Usage: bench_train_step [--steps N] [--threads T] [--channels-last] [--epoch] [--workers W] [--profile FILE]
// --profile FILE: the timed steps under LibTorch's profiler, as a Chrome trace (bench/profile_compare.py).
#include <opencv2/imgproc.hpp>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "../src/train/batch_loader.hpp"
#include "../src/train/losses.hpp"
#include "segoid/core/rng.hpp"
#include "segoid/data/patch_sampler.hpp"
#include "segoid/model/torch_runtime.hpp"
#include "segoid/model/unet.hpp"

namespace {

using namespace segoid;
using Clock = std::chrono::steady_clock;

constexpr int kBatch = 4;
constexpr int kSize = 256;
constexpr int kWarmupSteps = 2;

struct Args {
  int steps = 10;
  int threads = 0;
  int workers = 1;
  bool channels_last = false;
  bool epoch = false;
  std::string profile;
};

void to_channels_last(model::Unet& unet) {
  torch::NoGradGuard no_grad;
  for (auto& p : unet->parameters()) {
    // contiguous(ChannelsLast) is a no-op on 1-channel weights (conv1); to() copies them too.
    if (p.dim() == 4) {
      p.set_data(p.data().to(p.options(), /*non_blocking=*/false, /*copy=*/true, torch::MemoryFormat::ChannelsLast));
    }
  }
}

/// A training image: noise with bright disks, 1024 x 1024.
data::TrainingImage bench_image(int index) {
  core::Rng rng(core::mix_seed(3, static_cast<std::uint64_t>(index)));
  cv::Mat image(1024, 1024, CV_32FC1);
  for (int row = 0; row < image.rows; ++row) {
    auto* p = image.ptr<float>(row);
    for (int col = 0; col < image.cols; ++col) p[col] = static_cast<float>(rng.uniform(0.1, 0.3));
  }
  cv::Mat mask = cv::Mat::zeros(image.size(), CV_8UC1);
  for (int k = 0; k < 12; ++k) {
    cv::circle(mask, {static_cast<int>(rng.uniform_int(64, 960)), static_cast<int>(rng.uniform_int(64, 960))},
               static_cast<int>(rng.uniform_int(22, 45)), cv::Scalar(1), cv::FILLED);
  }
  image.setTo(cv::Scalar(0.8), mask);
  return data::make_training_image("bench" + std::to_string(index), image, mask);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--steps" && i + 1 < argc) args.steps = std::atoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) args.threads = std::atoi(argv[++i]);
    else if (a == "--workers" && i + 1 < argc) args.workers = std::atoi(argv[++i]);
    else if (a == "--channels-last") args.channels_last = true;
    else if (a == "--epoch") args.epoch = true;
    else if (a == "--profile" && i + 1 < argc) args.profile = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--steps N] [--threads T] [--channels-last] [--epoch] [--workers W] [--profile FILE]\n",
                   argv[0]);
      return 2;
    }
  }
  const int threads = model::configure_threads(args.threads);
  torch::manual_seed(0);
  model::Unet unet(model::UnetOptions{});
  if (args.channels_last) to_channels_last(unet);
  unet->train();
  torch::optim::AdamW optimizer(unet->parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(1e-4));
  const auto memory_format = args.channels_last ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;

  const torch::Tensor fixed_images = torch::rand({kBatch, 1, kSize, kSize}).contiguous(memory_format);
  const torch::Tensor fixed_masks = (torch::rand({kBatch, 1, kSize, kSize}) > 0.7).to(torch::kFloat32);
  const auto step = [&](const torch::Tensor& images, const torch::Tensor& masks) {
    optimizer.zero_grad();
    const torch::Tensor logits = unet->forward(images);
    const train::LossParts loss = train::combined_loss(logits, masks, train::LossSection{});  // BCE 0.5 + Dice 0.5
    loss.total.backward();
    optimizer.step();
    (void)train::confusion_counts(logits.detach(), masks, 0.5);  // as the trainer does per step
  };
  for (int i = 0; i < kWarmupSteps; ++i) step(fixed_images, fixed_masks);

  double seconds = 0.0;
  double data_seconds = 0.0;
  int patches = 0;
  if (!args.epoch) {
    std::unique_ptr<torch::autograd::profiler::RecordProfile> profile;
    if (!args.profile.empty()) profile = std::make_unique<torch::autograd::profiler::RecordProfile>(args.profile);
    const auto start = Clock::now();
    for (int i = 0; i < args.steps; ++i) step(fixed_images, fixed_masks);
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
    profile.reset();  // writes the trace
    patches = args.steps * kBatch;
  } else {
    std::vector<data::TrainingImage> images;
    for (int i = 0; i < 3; ++i) images.push_back(bench_image(i));
    data::SamplingConfig sampling;
    sampling.patch_size = kSize;
    sampling.patches_per_image = (args.steps * kBatch + 2) / 3;
    data::AugmentConfig augment;  // all augmentations on, Python's probabilities
    const data::PatchSampler sampler(std::move(images), sampling, augment, /*seed=*/5);
    std::vector<std::int64_t> order(static_cast<std::size_t>(sampler.epoch_size()));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
    const auto start = Clock::now();
    train::BatchLoader loader(sampler, /*epoch=*/0, order, kBatch, /*first_batch=*/0, args.workers);
    for (int b = 0; b < loader.batch_count(); ++b) {
      const auto wait = Clock::now();
      train::HostBatch batch = loader.next();
      data_seconds += std::chrono::duration<double>(Clock::now() - wait).count();
      const torch::Tensor x =
          torch::from_blob(batch.images.data(), {batch.count, 1, kSize, kSize}).contiguous(memory_format);
      const torch::Tensor y = torch::from_blob(batch.masks.data(), {batch.count, 1, kSize, kSize});
      step(x, y);
      patches += batch.count;
    }
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  std::printf("mode=%s channels_last=%d threads=%d workers=%d patches=%d seconds=%.3f patches_per_s=%.3f "
              "data_share=%.4f\n",
              args.epoch ? "epoch" : "step", args.channels_last ? 1 : 0, threads, args.epoch ? args.workers : 0,
              patches, seconds, patches / seconds, seconds > 0 ? data_seconds / seconds : 0.0);
  return 0;
}
