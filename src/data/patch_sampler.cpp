// SPDX-License-Identifier: MIT
// Patch sampling as a pure function of (seed, epoch, item): positives, negatives, reflect padding.
#include "segoid/data/patch_sampler.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "segoid/core/error.hpp"
#include "segoid/core/unet_size.hpp"

namespace segoid::data {
namespace {

// Separate random streams, so the image order, the training items and the validation set never
// share generator states even when their indices coincide.
constexpr std::uint64_t kOrderStream = 0x4F52444552ULL;       // "ORDER"
constexpr std::uint64_t kValidationStream = 0x56414C4944ULL;  // "VALID"

template <typename T>
void gather(const cv::Mat& src, const std::vector<int>& rows, const std::vector<int>& cols,
            cv::Mat& dst) {
  for (int row = 0; row < dst.rows; ++row) {
    const T* src_row = src.ptr<T>(rows[row]);
    T* dst_row = dst.ptr<T>(row);
    for (int col = 0; col < dst.cols; ++col) dst_row[col] = src_row[cols[col]];
  }
}

// Range of top-left coordinates for a random place on one axis: inside the image when it is
// large enough, else every placement that covers the whole (short) axis.
std::pair<int, int> origin_range(int image_extent, int patch_size) {
  const int slack = image_extent - patch_size;
  return {std::min(0, slack), std::max(0, slack)};
}

double coverage(const cv::Mat& mask_patch) {
  return static_cast<double>(cv::countNonZero(mask_patch)) /
         static_cast<double>(mask_patch.total());
}

}  // namespace

const core::ConfigTable<SamplingConfig>& sampling_config_table() {
  using core::key;
  using S = SamplingConfig;
  constexpr double kNoLimit = 1e6;  ///< counts without a natural limit
  // Every dataset.* key (not dataset.augmentation.*), in file order; see core/config_table.hpp.
  static const core::ConfigTable<S> table = {
      key<S>("dataset.patch_size", &S::patch_size)
          .range(core::kUnetSizeMultiple, 8192).multiple_of(core::kUnetSizeMultiple)
          .help("training patch side, pixels; about 2.5x the spheroid diameter").flag("--patch-size", {"sanity_check"}),
      key<S>("dataset.patches_per_image", &S::patches_per_image).range(1, kNoLimit)
          .help("patches per image per epoch (validation: a fixed set of as many)")
          .flag("--patches-per-image", {"sanity_check"}),
      key<S>("dataset.positive_ratio", &S::positive_ratio).range(0, 1)
          .help("share of patches centred on a foreground pixel"),
      key<S>("dataset.negative_threshold", &S::negative_threshold).range(0, 1)
          .help("a negative patch covers less than this fraction of foreground"),
      // Beyond 0.5 the chosen foreground pixel could fall outside its own patch.
      key<S>("dataset.max_jitter", &S::max_jitter).range(0, 0.5)
          .help("positive centre moved by up to this fraction of patch_size"),
  };
  return table;
}

void validate(const SamplingConfig& config, const std::string& origin) {
  core::validate_table(sampling_config_table(), config, origin);
  if (config.negative_retries < 1) throw ConfigError(origin + ": negative_retries must be >= 1");
}

cv::Mat extract_reflect(const cv::Mat& src, cv::Point origin, int size) {
  SEGOID_CHECK(!src.empty() && src.channels() == 1 && size >= 1,
               "extract_reflect needs a non-empty single-channel image and size >= 1");
  const cv::Rect window(origin, cv::Size(size, size));
  if ((window & cv::Rect(0, 0, src.cols, src.rows)) == window) return src(window).clone();
  std::vector<int> rows(size), cols(size);
  for (int i = 0; i < size; ++i) {
    rows[i] = cv::borderInterpolate(origin.y + i, src.rows, cv::BORDER_REFLECT_101);
    cols[i] = cv::borderInterpolate(origin.x + i, src.cols, cv::BORDER_REFLECT_101);
  }
  cv::Mat dst(size, size, src.type());
  // Pixels are copied as raw bytes, so every single-channel type is one of four widths.
  const std::size_t bytes = src.elemSize();
  if (bytes == 1) gather<std::uint8_t>(src, rows, cols, dst);
  else if (bytes == 2) gather<std::uint16_t>(src, rows, cols, dst);
  else if (bytes == 4) gather<std::uint32_t>(src, rows, cols, dst);
  else if (bytes == 8) gather<std::uint64_t>(src, rows, cols, dst);
  else throw Error("internal check failed: extract_reflect: unsupported element size");
  return dst;
}

PatchSampler::PatchSampler(std::shared_ptr<const std::vector<TrainingImage>> images,
                           const SamplingConfig& sampling, const AugmentConfig& augment,
                           std::uint64_t seed)
    : images_(std::move(images)), sampling_(sampling), augment_(augment), seed_(seed) {
  validate(sampling_);
  validate(augment_);
  if (!images_ || images_->empty()) throw DataError("patch sampling needs at least one image");
  for (const TrainingImage& image : *images_) {
    SEGOID_CHECK(image.image.type() == CV_32FC1 && image.mask.type() == CV_8UC1 &&
                     image.image.size() == image.mask.size() && !image.image.empty(),
                 "training image \"" + image.basename +
                     "\" is not a CV_32FC1 image with a "
                     "CV_8UC1 mask of its size (build it with make_training_image)");
  }
}

PatchSampler::PatchSampler(std::vector<TrainingImage> images, const SamplingConfig& sampling,
                           const AugmentConfig& augment, std::uint64_t seed)
    : PatchSampler(std::make_shared<const std::vector<TrainingImage>>(std::move(images)), sampling,
                   augment, seed) {}

std::int64_t PatchSampler::epoch_size() const {
  return static_cast<std::int64_t>(images_->size()) * sampling_.patches_per_image;
}

int PatchSampler::image_index(std::int64_t epoch, std::int64_t item) const {
  SEGOID_CHECK(epoch >= 0 && item >= 0 && item < epoch_size(),
               "sample item " + std::to_string(item) + " of epoch " + std::to_string(epoch) +
                   " is outside [0, " + std::to_string(epoch_size()) + ")");
  const auto n_images = static_cast<std::int64_t>(images_->size());
  std::vector<int> order(images_->size());
  std::iota(order.begin(), order.end(), 0);
  core::Rng rng(core::mix_seed(core::mix_seed(seed_, kOrderStream),
                               static_cast<std::uint64_t>(epoch),
                               static_cast<std::uint64_t>(item / n_images)));
  rng.shuffle(order);
  return order[static_cast<std::size_t>(item % n_images)];
}

Patch PatchSampler::sample(std::int64_t epoch, std::int64_t item) const {
  const int index = image_index(epoch, item);
  core::Rng rng(
      core::mix_seed(seed_, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(item)));
  const bool positive = rng.bernoulli(sampling_.positive_ratio);
  Patch patch = draw(index, positive, rng);
  augment_pair(patch.image, patch.mask, augment_, rng);
  return patch;
}

std::vector<Patch> PatchSampler::validation_patches(int per_image) const {
  SEGOID_CHECK(per_image >= 0, "validation_patches needs per_image >= 0");
  const int positives = static_cast<int>(std::lround(per_image * sampling_.positive_ratio));
  std::vector<Patch> patches;
  patches.reserve(images_->size() * static_cast<std::size_t>(per_image));
  const std::uint64_t stream_seed = core::mix_seed(seed_, kValidationStream);
  for (std::size_t index = 0; index < images_->size(); ++index) {
    for (int slot = 0; slot < per_image; ++slot) {
      core::Rng rng(core::mix_seed(stream_seed, index, static_cast<std::uint64_t>(slot)));
      patches.push_back(draw(static_cast<int>(index), slot < positives, rng));
    }
  }
  return patches;
}

Patch PatchSampler::draw(int image_index, bool positive, core::Rng& rng) const {
  const TrainingImage& source = (*images_)[static_cast<std::size_t>(image_index)];
  const int size = sampling_.patch_size;
  Patch patch;
  patch.image_index = image_index;
  patch.positive = positive && !source.foreground.empty();

  if (patch.positive) {
    const cv::Point centre = source.foreground[static_cast<std::size_t>(
        rng.uniform_int(0, static_cast<std::int64_t>(source.foreground.size()) - 1))];
    const auto jitter = static_cast<std::int64_t>(std::floor(sampling_.max_jitter * size));
    const int dx = static_cast<int>(rng.uniform_int(-jitter, jitter));
    const int dy = static_cast<int>(rng.uniform_int(-jitter, jitter));
    patch.origin = cv::Point(centre.x + dx - size / 2, centre.y + dy - size / 2);
    patch.mask = extract_reflect(source.mask, patch.origin, size);
  } else {
    const auto [x_lo, x_hi] = origin_range(source.image.cols, size);
    const auto [y_lo, y_hi] = origin_range(source.image.rows, size);
    const auto random_place = [&, x_lo = x_lo, x_hi = x_hi, y_lo = y_lo, y_hi = y_hi] {
      const int x = static_cast<int>(rng.uniform_int(x_lo, x_hi));
      const int y = static_cast<int>(rng.uniform_int(y_lo, y_hi));
      return cv::Point(x, y);
    };
    bool found = false;
    for (int attempt = 0; attempt < sampling_.negative_retries && !found; ++attempt) {
      patch.origin = random_place();
      patch.mask = extract_reflect(source.mask, patch.origin, size);
      found = coverage(patch.mask) < sampling_.negative_threshold;
    }
    if (!found) {
      patch.origin = random_place();
      patch.mask = extract_reflect(source.mask, patch.origin, size);
    }
  }
  patch.image = extract_reflect(source.image, patch.origin, size);
  return patch;
}

}  // namespace segoid::data
