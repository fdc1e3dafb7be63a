// SPDX-License-Identifier: MIT
// Single-thread speed of PatchSampler::sample for 256x256 patches from 1536x1408 images, as a
// ratio to the reference training step rate (~6 patches/s on CPU).
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "segoid/core/rng.hpp"
#include "segoid/data/patch_sampler.hpp"

namespace {

constexpr int kRows = 1408;
constexpr int kCols = 1536;
constexpr int kImages = 4;
constexpr int kSpheroidsPerImage = 6;
constexpr double kReferenceStepPatchesPerSecond = 6.0;

std::vector<segoid::data::TrainingImage> synthetic_plates() {
  segoid::core::Rng rng(1);
  std::vector<segoid::data::TrainingImage> images;
  for (int index = 0; index < kImages; ++index) {
    cv::Mat image(kRows, kCols, CV_32FC1);
    cv::randu(image, 0.0, 1.0);
    cv::Mat mask = cv::Mat::zeros(kRows, kCols, CV_8UC1);
    for (int disc = 0; disc < kSpheroidsPerImage; ++disc) {
      const cv::Point centre(static_cast<int>(rng.uniform_int(0, kCols - 1)),
                             static_cast<int>(rng.uniform_int(0, kRows - 1)));
      cv::circle(mask, centre, static_cast<int>(rng.uniform_int(40, 150)), cv::Scalar(1),
                 cv::FILLED);
    }
    images.push_back(
        segoid::data::make_training_image("plate" + std::to_string(index), image, mask));
  }
  return images;
}

double patches_per_second(const segoid::data::PatchSampler& sampler, int epochs) {
  const auto start = std::chrono::steady_clock::now();
  double checksum = 0;
  for (int epoch = 0; epoch < epochs; ++epoch)
    for (std::int64_t item = 0; item < sampler.epoch_size(); ++item)
      checksum += sampler.sample(epoch, item).image.at<float>(0, 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (checksum < 0) std::puts("");  // keeps the work observable to the optimizer
  return static_cast<double>(epochs) * static_cast<double>(sampler.epoch_size()) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 20;
  cv::setNumThreads(1);  // single thread: what one background worker delivers
  const auto images =
      std::make_shared<const std::vector<segoid::data::TrainingImage>>(synthetic_plates());
  segoid::data::SamplingConfig sampling;  // patch 256, ratio 0.7
  sampling.patches_per_image = 16;
  segoid::data::AugmentConfig augment;
  segoid::data::AugmentConfig plain;
  plain.enabled = false;
  const segoid::data::PatchSampler augmented(images, sampling, augment, 7);
  const segoid::data::PatchSampler unaugmented(images, sampling, plain, 7);
  std::printf("PatchSampler, %d images %dx%d, patch %d, %d epochs x %lld items, 1 thread\n",
              kImages, kCols, kRows, sampling.patch_size, epochs,
              static_cast<long long>(augmented.epoch_size()));
  for (const auto& [name, sampler] : {std::pair{"with augmentation", &augmented},
                                      std::pair{"without augmentation", &unaugmented}}) {
    const double rate = patches_per_second(*sampler, epochs);
    std::printf("  %-22s %10.0f patches/s  = %8.0fx the %.0f patches/s training step\n", name, rate,
                rate / kReferenceStepPatchesPerSecond, kReferenceStepPatchesPerSecond);
  }
  return 0;
}
