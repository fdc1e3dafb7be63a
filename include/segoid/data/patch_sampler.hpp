// SPDX-License-Identifier: MIT
// Random patch sampling over full training images: positive patches around foreground, negative
// patches away from it, reflect padding at the borders, and a fixed validation set.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "segoid/core/config_table.hpp"
#include "segoid/data/augmentation.hpp"
#include "segoid/data/training_images.hpp"

namespace segoid::data {

/// Patch sampling: train.yaml's `dataset:` section (train::DatasetSection extends it with the
/// augmentation subsection), so each default here is the key's only default.
struct SamplingConfig {
  int patch_size = 256;              ///< side of the square patch, pixels, a multiple of 32
  int patches_per_image = 20;        ///< patches drawn from each image per epoch (>= 1)
  double positive_ratio = 0.7;       ///< probability that a patch is positive, in [0, 1]
  double negative_threshold = 0.05;  ///< a negative patch has mask coverage < this, in [0, 1]
  double max_jitter = 0.25;          ///< positive centre shift, fraction of patch_size, [0, 0.5]
  int negative_retries = 20;         ///< random places tried for a negative before giving up (>= 1; no key)
};

/// The `dataset.*` rows of train.yaml (name, member, range, help); see core/config_table.hpp.
const core::ConfigTable<SamplingConfig>& sampling_config_table();

/// Throws ConfigError "<origin>: dataset.<key> must ..." for the first value out of its row's range.
void validate(const SamplingConfig& config, const std::string& origin = "patch sampling");

/// One sampled training or validation example.
struct Patch {
  cv::Mat image;          ///< patch_size² CV_32FC1 in [0, 1]; owns its data, continuous
  cv::Mat mask;           ///< patch_size² CV_8UC1 with values 0/1; owns its data, continuous
  bool positive = false;  ///< centred on foreground (false: negative or fallback place)
  int image_index = 0;    ///< index into the sampler's images
  cv::Point origin;       ///< top-left corner in image pixels before augmentation; may be negative
};

/// Draws patches as a pure function of (seed, epoch, item), so any number of threads may sample
/// items in any order and a resumed run reproduces the same patches bit for bit.
///
/// Semantics (per item):
///  - Image: items are grouped in rounds of n_images; round r = item / n_images of epoch e visits
///    every image once, in a permutation seeded by (seed, e, r): image = perm[item % n_images].
///    So each image gives exactly patches_per_image patches per epoch, and consecutive items
///    come from different images.
///  - Kind: positive with probability positive_ratio (one Bernoulli draw per item); an image
///    without foreground always gives a negative.
///  - Positive: a foreground pixel chosen uniformly among all of the image's foreground pixels,
///    moved by (dx, dy), each uniform in [-J, J] with J = floor(max_jitter x patch_size), becomes
///    the patch centre (patch pixel (patch_size/2, patch_size/2)).
///  - Negative: up to negative_retries uniformly random places whose patch (after padding)
///    has mask coverage < negative_threshold; if none qualifies, one more random place is taken
///    as is. Random places lie inside the image when it is at least patch_size wide/high;
///    otherwise they cover the whole image on that axis.
///  - Padding: where a patch crosses the image border, pixels are mirrored without repeating the
///    edge (cv::BORDER_REFLECT_101 = numpy/albumentations 'reflect'), repeatedly if needed, so
///    images smaller than the patch work too.
///  - Augmentation: augment_pair with the item's generator, after the place is drawn.
class PatchSampler {
 public:
  /// Shares `images` (read only; kept alive by the sampler and its copies).
  /// Throws ConfigError for an invalid config, DataError when `images` is empty.
  PatchSampler(std::shared_ptr<const std::vector<TrainingImage>> images,
               const SamplingConfig& sampling, const AugmentConfig& augment, std::uint64_t seed);
  /// Takes the images by value: pass std::move(images) to avoid copying the foreground lists
  /// (cv::Mat copies are shallow). The sampler then owns them.
  PatchSampler(std::vector<TrainingImage> images, const SamplingConfig& sampling,
               const AugmentConfig& augment, std::uint64_t seed);

  /// Items per epoch: n_images x patches_per_image.
  std::int64_t epoch_size() const;
  /// Image that item `item` of epoch `epoch` is drawn from (see class comment).
  int image_index(std::int64_t epoch, std::int64_t item) const;
  /// The augmented patch for (epoch, item); epoch >= 0 and 0 <= item < epoch_size(), else Error.
  /// Thread-safe (const, no shared mutable state).
  Patch sample(std::int64_t epoch, std::int64_t item) const;
  /// A fixed validation set: `per_image` patches of every image, image-major, never augmented,
  /// identical on every call for a given seed. Of each image's patches the first
  /// round(per_image x positive_ratio) are positive (all negative without foreground).
  std::vector<Patch> validation_patches(int per_image) const;

  const std::vector<TrainingImage>& images() const { return *images_; }
  const SamplingConfig& sampling_config() const { return sampling_; }
  const AugmentConfig& augment_config() const { return augment_; }
  std::uint64_t seed() const { return seed_; }

 private:
  Patch draw(int image_index, bool positive, core::Rng& rng) const;

  std::shared_ptr<const std::vector<TrainingImage>> images_;
  SamplingConfig sampling_;
  AugmentConfig augment_;
  std::uint64_t seed_;
};

/// Copies the size x size window with top-left `origin` out of `src` (any single-channel type),
/// mirroring by cv::BORDER_REFLECT_101 where the window leaves the image. Returns a new mat.
cv::Mat extract_reflect(const cv::Mat& src, cv::Point origin, int size);

}  // namespace segoid::data
