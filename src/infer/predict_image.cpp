// SPDX-License-Identifier: MIT
// predict_full per image: read and normalize (ahead), tile-predict, post-process, write (behind).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <future>

#include "predict_run.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/image_scale.hpp"

namespace segoid::infer::detail {
namespace fs = std::filesystem;

namespace {

/// More than this relative difference between an image's and the training pixel size is warned about.
constexpr double kPixelSizeTolerance = 0.2;
/// Images named in a pixel-size warning; the rest are counted in one line at the end.
constexpr int kOffScaleWarnings = 3;
/// Free space below which a failed write means a full disk.
constexpr std::uintmax_t kNearlyFull = std::uintmax_t{1} << 20;

/// `mask_file` (a manifest truth mask) as 0/255; throws DataError naming it unless it is `size`.
cv::Mat read_truth(const fs::path& mask_file, const cv::Size& size, const std::string& other) {
  cv::Mat truth;
  cv::compare(io::read_image(mask_file).pixels, 0, truth, cv::CMP_NE);
  if (truth.size() != size) {
    throw DataError(fmt::format("mask \"{}\" is {}x{} but {} is {}x{}", mask_file.string(), truth.cols, truth.rows,
                                other, size.width, size.height));
  }
  return truth;
}

/// A normalized image ready for the model with its truth mask (if any), or why either could not
/// be read: the truth is read and checked before the image is predicted or anything is written,
/// so that an image listed in errors.csv has no outputs.
struct LoadedImage {
  cv::Mat normalized;  ///< CV_32FC1 in [0, 1], at the model's scale (inference.scale x model.image_scale)
  cv::Size full_size;  ///< the image's own size: masks and probabilities are written at it
  cv::Mat truth;       ///< CV_8UC1 0/255, same size; empty without a manifest mask
  double pixel_size_um = 0.0;  ///< from the file's resolution tags; 0 = unknown
  std::string error;
};

/// Normalized at full size (the percentiles are the whole image's at any scale), then resized
/// by io::scale_image, as training resized its images (model.image_scale).
LoadedImage load_image(const InputItem& item, io::Normalization normalization, double scale) {
  LoadedImage loaded;
  try {
    io::Image image = io::read_image(item.image);
    loaded.pixel_size_um = image.meta.pixel_size_um;
    loaded.full_size = image.pixels.size();
    if (!item.mask.empty()) loaded.truth = read_truth(item.mask, image.pixels.size(), "its image");
    loaded.normalized = io::scale_image(io::normalize_intensity(image.pixels, normalization), scale);
    image.pixels.release();
  } catch (const std::exception& e) {
    loaded = LoadedImage{};
    loaded.error = e.what();
  }
  return loaded;
}

/// The images of one plan, in order: each read while the one before is on the model, and
/// written while the one after is.
class ImageLoop {
 public:
  explicit ImageLoop(const PredictPlan& plan)
      : plan_(plan), progress_("predict", total_planned(plan), "tiles"), planned_(plan.planned_tiles) {}

  RunRecord run() {
    const std::size_t count = plan_.items.size();
    std::future<LoadedImage> next = launch_load(0);
    for (std::size_t index = 0; index < count && !disk_full_; ++index) {
      LoadedImage loaded = next.get();
      if (index + 1 < count) next = launch_load(index + 1);
      if (plan_.kept[index]) {
        keep(index);
      } else {
        predict(index, loaded);
      }
      progress_.advance(0, suffix(index));
    }
    finish_write();
    if (disk_full_) std::rethrow_exception(disk_full_);
    progress_.finish();
    if (off_scale_ > kOffScaleWarnings) {
      spdlog::warn("{} image(s) in all have a pixel size more than {:.0f}% from the training pixel size {:.4g} µm/px",
                   off_scale_, 100 * kPixelSizeTolerance, model().training_pixel_size);
    }
    return std::move(record_);
  }

 private:
  static std::int64_t total_planned(const PredictPlan& plan) {
    std::int64_t total = 0;
    for (const std::int64_t tiles : plan.planned_tiles) total += tiles;
    return total;
  }

  const model::ModelDescription& model() const { return plan_.predictor->checkpoint().model; }

  std::string suffix(std::size_t index) const {
    return fmt::format("img {}/{} {}", index + 1, plan_.items.size(), plan_.items[index].basename);
  }

  std::future<LoadedImage> launch_load(std::size_t index) const {
    if (plan_.kept[index]) return std::async(std::launch::deferred, [] { return LoadedImage{}; });
    return std::async(std::launch::async, load_image, plan_.items[index], plan_.normalization, plan_.model_scale);
  }

  void record_error(const InputItem& item, const std::string& reason) {
    spdlog::error("skipping \"{}\": {}", item.image.string(), reason);
    record_.errors.emplace_back(item.image.string(), reason);
  }

  /// --resume: an image predicted by the earlier run; its pixel metrics from the kept mask.
  void keep(std::size_t index) {
    const InputItem& item = plan_.items[index];
    try {
      if (!item.mask.empty()) {
        const cv::Mat mask = io::read_image(plan_.mask_path(item)).pixels;
        const std::string kept = fmt::format("the kept prediction \"{}\"", plan_.mask_path(item).string());
        const cv::Mat truth = read_truth(item.mask, mask.size(), kept);
        record_.metrics.push_back({item.image.filename().string(), item.basename, data::pixel_metrics(mask, truth)});
      }
      ++record_.done;
    } catch (const std::exception& e) {
      record_error(item, e.what());
    }
    progress_.add_total(-planned_[index]);  // nothing to run for a kept image
  }

  /// Warns (a few times a run) when the model sees the image at another pixel size than in training.
  void check_pixel_size(const InputItem& item, double pixel_size_um) {
    // What the model sees: the image's pixel size divided by inference.scale.
    const double seen = pixel_size_um / plan_.config.scale;
    const double trained = model().training_pixel_size;
    if (trained > 0 && pixel_size_um > 0 && std::abs(seen / trained - 1.0) > kPixelSizeTolerance &&
        ++off_scale_ <= kOffScaleWarnings) {
      spdlog::warn("\"{}\" is seen at {:.4g} µm/px but the model was trained at {:.4g} µm/px (more than {:.0f}% "
                   "apart): objects appear at another scale than in training; --scale {:.3g} would match",
                   item.image.string(), seen, trained, 100 * kPixelSizeTolerance, pixel_size_um / trained);
    }
  }

  /// The image's tiling, once; says (once a run) when a small image gets a smaller tile.
  ImageTiling tiling_of(const InputItem& item, const cv::Mat& normalized) {
    const ImageTiling tiling = plan_image(normalized.size(), plan_.tiling);
    if (tiling.options.tile_size != plan_.tiling.tile_size && !told_small_tiles_) {
      told_small_tiles_ = true;  // a folder of small crops would repeat it per image
      spdlog::info("\"{}\" is {}x{} px at the model, smaller than a tile: predicted with tiles of {} px, not "
                   "{} (so is any other image smaller than a tile)",
                   item.image.string(), normalized.cols, normalized.rows, tiling.options.tile_size,
                   plan_.tiling.tile_size);
    }
    return tiling;
  }

  /// inference.skip_background: the coarse pass marks the tiles of `tiling` that the full pass
  /// leaves out; returns the tiles the coarse pass ran (0 when off).
  int mark_background(const InputItem& item, const cv::Mat& normalized, const TilePredictor& batch,
                      ImageTiling& tiling) {
    const TileSkipOptions& skip = plan_.config.skip;
    if (!skip.enabled) return 0;
    int coarse_tiles = 0;
    const cv::Mat coarse = coarse_probability(normalized, batch, plan_.tiling, skip, &coarse_tiles);
    tiling.skip = mark_background_tiles(coarse, tiling, skip.threshold);
    const auto skipped = std::count(tiling.skip.begin(), tiling.skip.end(), true);
    record_.tiles_skipped += skipped;
    spdlog::debug("\"{}\": {} of {} tiles are background (coarse pass: {} tiles)", item.image.string(), skipped,
                  tiling.skip.size(), coarse_tiles);
    return coarse_tiles;
  }

  void predict(std::size_t index, LoadedImage& loaded) {
    const InputItem& item = plan_.items[index];
    std::int64_t tiles_done = 0;
    // A failed image gives back the tiles it did not run, so the total stays what will run.
    const auto drop_rest = [&] { progress_.add_total(tiles_done - planned_[index]); };
    if (!loaded.error.empty()) {
      record_error(item, loaded.error);
      drop_rest();
      return;
    }
    try {
      check_pixel_size(item, loaded.pixel_size_um);
      ImageTiling tiling = tiling_of(item, loaded.normalized);
      const Predictor& predictor = *plan_.predictor;
      const TilePredictor batch = [&](const std::vector<cv::Mat>& tiles) { return predictor.predict(tiles); };
      predictor.start_image();
      const int coarse_tiles = mark_background(item, loaded.normalized, batch, tiling);
      // The header could disagree with the pixels, and background tiles do not run.
      progress_.add_total(coarse_tiles + tiling.tiles() - planned_[index]);
      planned_[index] = coarse_tiles + tiling.tiles();
      tiles_done += coarse_tiles;
      progress_.advance(coarse_tiles, suffix(index));
      cv::Mat prob = predict_tiled(loaded.normalized, batch, tiling, [&](int n) {
        tiles_done += n;
        progress_.advance(n, suffix(index));
      });
      record_.tiles += coarse_tiles + tiling.tiles();
      loaded.normalized.release();
      if (prob.size() != loaded.full_size) cv::resize(prob, prob, loaded.full_size, 0, 0, cv::INTER_LINEAR);
      cv::Mat mask = postprocess(prob, plan_.config.postprocess);
      std::optional<MetricsRow> metrics;
      if (!loaded.truth.empty()) {
        metrics = MetricsRow{item.image.filename().string(), item.basename, data::pixel_metrics(mask, loaded.truth)};
      }
      finish_write();
      if (disk_full_) return;  // see finish_write: nothing more can be written
      write_behind(index, mask, prob, loaded.pixel_size_um, std::move(metrics));
    } catch (const std::exception& e) {
      record_error(item, e.what());
      drop_rest();
    }
  }

  /// Writes the image's files in the background; finish_write() collects the outcome.
  void write_behind(std::size_t index, const cv::Mat& mask, const cv::Mat& prob, double pixel_size,
                    std::optional<MetricsRow> metrics) {
    const fs::path mask_path = plan_.mask_path(plan_.items[index]);
    const fs::path prob_path = plan_.prob_path(plan_.items[index]);
    const bool save_prob = plan_.config.save_probabilities;
    pending_write_ = std::async(std::launch::async, [mask, prob, mask_path, prob_path, save_prob, pixel_size] {
      try {
        io::write_mask_tiff(mask_path, mask, pixel_size);
        if (save_prob) io::write_float_tiff(prob_path, prob, pixel_size);
      } catch (...) {
        std::error_code ignored;  // a failed image keeps no outputs
        fs::remove(mask_path, ignored);
        throw;
      }
    });
    pending_index_ = index;
    pending_metrics_ = std::move(metrics);
    ++record_.done;
  }

  /// Waits for the previous image's files; a failed write makes that image a failure. A full
  /// disk stops the run with that one error (every later image would fail the same way; files
  /// already written stay complete, and --resume continues once there is space).
  void finish_write() {
    if (!pending_write_.valid()) return;
    try {
      pending_write_.get();
      if (pending_metrics_) record_.metrics.push_back(std::move(*pending_metrics_));
    } catch (const std::exception& e) {
      std::error_code ec;
      const auto space = fs::space(plan_.config.output_dir, ec);
      if (!ec && space.available < kNearlyFull) {
        disk_full_ = std::current_exception();
        return;
      }
      record_error(plan_.items[pending_index_], e.what());
      --record_.done;
    }
    pending_metrics_.reset();
  }

  const PredictPlan& plan_;
  core::Progress progress_;
  std::vector<std::int64_t> planned_;  ///< tiles per image: from the header, then from the pixels
  RunRecord record_;
  std::future<void> pending_write_;
  std::size_t pending_index_ = 0;
  std::optional<MetricsRow> pending_metrics_;  // counted once the image's files are written
  std::exception_ptr disk_full_;
  int off_scale_ = 0;              ///< images whose pixel size is far from the training pixel size
  bool told_small_tiles_ = false;  ///< logged the shrunk tile of a small image
};

}  // namespace

RunRecord predict_images(const PredictPlan& plan) { return ImageLoop(plan).run(); }

}  // namespace segoid::infer::detail
