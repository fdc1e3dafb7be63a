// SPDX-License-Identifier: MIT
// Benchmark: eval forward of the plain Unet vs its inference form (folded BN + channels_last).
// Usage: bench_inference_form [iterations=10] [threads=0 (all cores)]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "segoid/model/inference_form.hpp"
#include "segoid/model/torch_runtime.hpp"

namespace {

constexpr int64_t kBatch = 4;
constexpr int64_t kTile = 256;
constexpr int kWarmup = 2;

/// Seconds of one forward.
double time_forward(segoid::model::Unet& model, const torch::Tensor& batch) {
  const auto start = std::chrono::steady_clock::now();
  model->forward(batch);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 10;
  const int threads = segoid::model::configure_threads(argc > 2 ? std::atoi(argv[2]) : 0);
  torch::manual_seed(0);
  segoid::model::Unet plain;
  plain->eval();
  segoid::model::Unet fast = segoid::model::make_inference_model(plain);
  const torch::Tensor batch = torch::rand({kBatch, 1, kTile, kTile});
  // Interleaved, medians: the two variants see the same machine load (shared CI hosts are noisy).
  std::vector<double> plain_times;
  std::vector<double> fast_times;
  {
    torch::InferenceMode guard;
    for (int i = 0; i < kWarmup; ++i) {
      time_forward(plain, batch);
      time_forward(fast, batch);
    }
    for (int i = 0; i < iterations; ++i) {
      plain_times.push_back(time_forward(plain, batch));
      fast_times.push_back(time_forward(fast, batch));
    }
  }
  const double plain_rate = kBatch / median(plain_times);
  const double fast_rate = kBatch / median(fast_times);
  std::printf("Unet resnet18, batch %lld x 1 x %lld x %lld, %d threads, median of %d interleaved forwards\n",
              static_cast<long long>(kBatch), static_cast<long long>(kTile), static_cast<long long>(kTile), threads,
              iterations);
  std::printf("plain eval             %8.2f tiles/s\n", plain_rate);
  std::printf("folded + channels_last %8.2f tiles/s\n", fast_rate);
  std::printf("ratio                  %8.2fx\n", fast_rate / plain_rate);
  return 0;
}
