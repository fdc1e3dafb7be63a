// SPDX-License-Identifier: MIT
// predict_full: read, normalize, tile-predict, post-process and write each image; metrics and logs.
#include "segoid/infer/predict_full.hpp"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <exception>
#include <future>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "predict_inputs.hpp"
#include "segoid/core/utc_time.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/metrics.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/core/unet_size.hpp"
#include "segoid/core/version.hpp"
#include "segoid/data/mask_metrics.hpp"
#include "segoid/infer/contract.hpp"
#include "segoid/infer/postprocess.hpp"
#include "segoid/infer/predictor.hpp"
#include "segoid/infer/tiler.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/image_scale.hpp"
#include "segoid/io/normalization.hpp"

namespace segoid::infer {
namespace fs = std::filesystem;
using detail::InputItem;

namespace {

/// The truth mask of `item` as 0/255, checked against the image size. Throws DataError/IoError
/// naming the mask file.
cv::Mat read_truth(const InputItem& item, const cv::Size& image_size) {
  cv::Mat truth;
  cv::compare(io::read_image(item.mask).pixels, 0, truth, cv::CMP_NE);
  if (truth.size() != image_size) {
    throw DataError(fmt::format("mask \"{}\" is {}x{} but its image is {}x{}", item.mask.string(), truth.cols,
                                truth.rows, image_size.width, image_size.height));
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
    if (!item.mask.empty()) loaded.truth = read_truth(item, image.pixels.size());
    loaded.normalized = io::scale_image(io::normalize_intensity(image.pixels, normalization), scale);
    image.pixels.release();
  } catch (const std::exception& e) {
    loaded = LoadedImage{};
    loaded.error = e.what();
  }
  return loaded;
}

/// More than this relative difference between an image's and the training pixel size is warned about.
constexpr double kPixelSizeTolerance = 0.2;
/// Images named in a pixel-size warning; the rest are counted in one line at the end.
constexpr int kOffScaleWarnings = 3;

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c == '\n' ? ' ' : c;
  }
  return quoted + "\"";
}

struct MetricsRow {
  std::string image;     ///< file name with extension (Python's `image`)
  std::string basename;
  data::PixelMetrics metrics;
};

std::string header_of(std::initializer_list<const char*> columns) {
  std::string text;
  for (const char* column : columns) text += (text.empty() ? "" : ",") + std::string(column);
  return text + "\n";
}

void write_metrics_csv(const fs::path& path, const std::vector<MetricsRow>& rows) {
  namespace k = contract;
  static_assert(k::kPixelMetricsColumns.size() == 3 && k::kPixelMetricsExtraColumns.size() == 5);
  std::string text = header_of({k::kImage, k::kDice, k::kIou, k::kBasename, k::kPrecision, k::kRecall,
                                k::kPredPixels, k::kTruePixels});
  for (const auto& row : rows) {
    const auto& m = row.metrics;
    text += fmt::format("{},{:.6f},{:.6f},{},{:.6f},{:.6f},{},{}\n", csv_field(row.image), m.dice, m.iou,
                        csv_field(row.basename), m.precision, m.recall, m.pred_pixels, m.true_pixels);
  }
  core::write_file_atomic(path, text);
}

void write_errors_csv(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& errors) {
  std::string text = header_of({contract::kFile, contract::kErrorReason});
  for (const auto& [file, reason] : errors) text += csv_field(file) + "," + csv_field(reason) + "\n";
  core::write_file_atomic(path, text);
}

std::pair<double, double> mean_std(const std::vector<double>& values) {
  const core::Stats stats = core::column_stats(values);
  return {stats.mean, stats.std};
}

void write_meta(const fs::path& path, const PredictConfig& c, const ModelDescription& model,
                const TilingOptions& tiling, const PredictSummary& summary) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "segoid" << YAML::Value << YAML::BeginMap << YAML::Key << "version" << YAML::Value
      << core::version() << YAML::Key << "git_hash" << YAML::Value << core::git_hash() << YAML::Key << "date"
      << YAML::Value << core::utc_timestamp_now() << YAML::EndMap;
  out << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "checkpoint" << YAML::Value << fs::absolute(c.checkpoint).string();
  out << YAML::Key << "encoder" << YAML::Value << model.encoder;
  out << YAML::Key << "in_channels" << YAML::Value << model.in_channels;
  out << YAML::Key << "normalization" << YAML::Value << model.normalization;
  out << YAML::Key << "patch_size" << YAML::Value << model.patch_size;
  out << YAML::Key << "image_scale" << YAML::Value << model.image_scale;
  out << YAML::Key << "epoch" << YAML::Value << model.epoch << YAML::EndMap;
  out << YAML::Key << "input" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "manifest" << YAML::Value << c.manifest.string();
  out << YAML::Key << "data_root" << YAML::Value << c.data_root.string();
  out << YAML::Key << "images" << YAML::Value << YAML::Flow << c.inputs;
  out << YAML::Key << "shard" << YAML::Value
      << (c.shard_index == 0 ? std::string("none") : fmt::format("{}/{}", c.shard_index, c.shard_count));
  out << YAML::EndMap;
  out << YAML::Key << "inference" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "tile_size" << YAML::Value << tiling.tile_size;
  out << YAML::Key << "overlap" << YAML::Value << c.overlap;
  out << YAML::Key << "threshold" << YAML::Value << c.threshold;
  out << YAML::Key << "batch_size" << YAML::Value << c.batch_size;
  out << YAML::Key << "blend" << YAML::Value << c.blend;
  out << YAML::Key << "edge_margin" << YAML::Value << resolve_edge_margin(tiling);
  out << YAML::Key << "tta" << YAML::Value << c.tta;
  out << YAML::Key << "scale" << YAML::Value << c.scale << YAML::EndMap;
  out << YAML::Key << "postprocess" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "min_object_area" << YAML::Value << c.min_object_area;
  out << YAML::Key << "fill_holes" << YAML::Value << c.fill_holes;
  out << YAML::Key << "smooth_radius" << YAML::Value << c.smooth_radius;
  out << YAML::Key << "split_touching" << YAML::Value << c.split_touching;
  out << YAML::Key << "split_neck_ratio" << YAML::Value << c.split_neck_ratio;
  out << YAML::Key << "min_mean_probability" << YAML::Value << c.min_mean_probability << YAML::EndMap;
  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "output_dir" << YAML::Value << c.output_dir.string();
  out << YAML::Key << "save_probabilities" << YAML::Value << c.save_probabilities << YAML::EndMap;
  out << YAML::Key << "runtime" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "device" << YAML::Value << model.device;
  out << YAML::Key << "threads" << YAML::Value << model.threads;
  out << YAML::Key << "inference_form" << YAML::Value << model.form;
  out << YAML::Key << "inference_form_source" << YAML::Value << model.form_source;
  if (!model.form_rates.empty()) {
    out << YAML::Key << "inference_form_tiles_per_s" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, rate] : model.form_rates) out << YAML::Key << name << YAML::Value << rate;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::Key << "summary" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "images" << YAML::Value << summary.images_total;
  out << YAML::Key << "predicted" << YAML::Value << summary.images_done;
  out << YAML::Key << "failed" << YAML::Value << summary.images_failed;
  out << YAML::Key << "tiles" << YAML::Value << summary.tiles;
  out << YAML::Key << "wall_seconds" << YAML::Value << summary.wall_seconds;
  out << YAML::Key << "model_seconds" << YAML::Value << summary.model_seconds << YAML::EndMap;
  out << YAML::EndMap;
  SEGOID_CHECK(out.good(), "predict_meta.yaml: " + out.GetLastError());
  core::write_file_atomic(path, std::string(out.c_str()) + "\n");
}

/// Old and new outputs never mix. Earlier outputs of this run's own images (and run files) are
/// replaced, as the Python SegOid re-runs into a folder (e.g. with another --threshold); a folder
/// that also holds predictions of other images is refused unless `force`, which deletes them all.
/// A shard counts only its own files, so shards sharing a folder coexist.
void prepare_output_dir(const fs::path& dir, bool force, bool resume, const std::set<std::string>& own_names,
                        bool sharded) {
  fs::create_directories(dir);
  if (resume) {
    const int removed = core::remove_stale_temporaries(dir);
    if (removed > 0) spdlog::info("--resume: removed {} unfinished file(s) of a killed run in \"{}\"", removed, dir.string());
    return;
  }
  std::vector<fs::path> own, foreign;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const bool mine = own_names.count(entry.path().filename().string()) > 0;
    if (mine) {
      own.push_back(entry.path());
    } else if (!sharded && detail::is_prediction_output(entry.path())) {
      foreign.push_back(entry.path());
    }
  }
  std::sort(foreign.begin(), foreign.end());
  if (!foreign.empty() && !force) {
    throw ConfigError(fmt::format(
        "output folder \"{}\" already holds {} prediction file(s) of other images (e.g. \"{}\"), which would mix "
        "with this run's; pass --force to delete them, or choose another --output-dir",
        dir.string(), foreign.size(), foreign.front().filename().string()));
  }
  if (!foreign.empty()) spdlog::warn("--force: deleting {} prediction file(s) of other images in \"{}\"", foreign.size(), dir.string());
  if (!own.empty()) spdlog::info("replacing {} output file(s) of an earlier run on these images in \"{}\"", own.size(), dir.string());
  for (const auto& file : foreign) fs::remove(file);
  for (const auto& file : own) fs::remove(file);
}

}  // namespace

PredictSummary run_predict_full(const PredictConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  validate_predict_config(config);
  const std::vector<InputItem> all_items = detail::gather_inputs(config);
  if (all_items.empty()) throw ConfigError("no input images found");
  const bool sharded = config.shard_index != 0;
  const std::vector<InputItem> items = detail::select_shard(all_items, config);
  const auto run_file = [&](const std::string& name) {
    return config.output_dir / shard_file_name(name, config.shard_index, config.shard_count);
  };
  const std::set<std::string> own_names = detail::own_output_names(items, config);
  if (config.resume && config.force) throw ConfigError("predict_full: --resume and --force exclude each other");
  prepare_output_dir(config.output_dir, config.force, config.resume, own_names, sharded);
  if (sharded) {
    spdlog::info("shard {}/{}: {} of {} input image(s)", config.shard_index, config.shard_count, items.size(),
                 all_items.size());
  }
  if (items.empty()) {
    // More shards than images: nothing to do, and that is not an error for a job array.
    spdlog::warn("shard {}/{} has no images ({} input(s) in all)", config.shard_index, config.shard_count,
                 all_items.size());
    PredictSummary empty;
    empty.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return empty;
  }

  PredictorOptions predictor_options;
  predictor_options.device = config.device;
  predictor_options.threads = config.threads;
  predictor_options.form = config.inference_form;
  predictor_options.cache_dir = config.cache_dir;
  predictor_options.probe_tile = config.tile_size;
  const Predictor predictor = Predictor::load(config.checkpoint, predictor_options);
  const ModelDescription& model = predictor.description();
  const io::Normalization normalization = io::parse_normalization(model.normalization);
  // inference.scale is relative to the training images; the model saw those at model.image_scale.
  const double scale = config.scale * model.image_scale;

  TilingOptions tiling;
  tiling.tile_size = config.tile_size > 0 ? config.tile_size : model.patch_size;
  if (!core::is_unet_size(tiling.tile_size)) {
    throw ConfigError(fmt::format("checkpoint \"{}\" has patch size {}, not a multiple of {}; give --tile-size",
                                  config.checkpoint.string(), tiling.tile_size, core::kUnetSizeMultiple));
  }
  tiling.overlap = config.overlap;
  tiling.batch_size = config.batch_size;
  tiling.blend = parse_blend_mode(config.blend);
  tiling.edge_margin = config.edge_margin;
  tiling.flip_tta = config.tta;
  tiling.small_image_multiple = core::kUnetSizeMultiple;
  resolve_edge_margin(tiling);  // fail before the first image
  PostprocessOptions post;
  post.threshold = config.threshold;
  post.min_object_area = config.min_object_area;
  post.fill_holes = config.fill_holes;
  post.smooth_radius = config.smooth_radius;
  post.split_touching = config.split_touching;
  post.split_neck_ratio = config.split_neck_ratio;
  post.min_mean_probability = config.min_mean_probability;
  spdlog::info("predict_full: {} image(s), model {} ({} normalization), tile {} px, overlap {}, {} blending, "
               "{}{} on {} thread(s)",
               items.size(), model.encoder, model.normalization, tiling.tile_size, config.overlap, config.blend,
               scale == 1.0 ? "" : fmt::format("images at scale {}, ", scale), model.device,
               model.threads);

  PredictSummary summary;
  summary.images_total = static_cast<int>(items.size());
  std::vector<MetricsRow> metrics_rows;
  // --resume: an image whose files are all present was finished by the earlier run.
  const auto mask_path_of = [&](const InputItem& item) { return config.output_dir / (item.basename + contract::kPredMaskSuffix); };
  const auto prob_path_of = [&](const InputItem& item) { return config.output_dir / (item.basename + contract::kPredProbSuffix); };
  std::vector<bool> kept(items.size(), false);
  if (config.resume) {
    for (std::size_t index = 0; index < items.size(); ++index) {
      kept[index] = fs::is_regular_file(mask_path_of(items[index])) &&
                    (!config.save_probabilities || fs::is_regular_file(prob_path_of(items[index])));
      summary.images_skipped += kept[index] ? 1 : 0;
    }
    spdlog::info("--resume: {} of {} image(s) already predicted in \"{}\"", summary.images_skipped, items.size(),
                 config.output_dir.string());
  }
  std::vector<std::pair<std::string, std::string>> errors;
  const auto record_error = [&](const InputItem& item, const std::string& reason) {
    spdlog::error("skipping \"{}\": {}", item.image.string(), reason);
    errors.emplace_back(item.image.string(), reason);
    ++summary.images_failed;
  };

  const auto launch_load = [&](std::size_t index) {
    if (kept[index]) return std::async(std::launch::deferred, [] { return LoadedImage{}; });
    return std::async(std::launch::async, load_image, items[index], normalization, scale);
  };
  // Progress in tiles over all images (headers only), so one huge image shows a true rate and ETA.
  std::vector<std::int64_t> planned_tiles(items.size(), 0);
  std::int64_t tiles_planned = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    try {
      const io::ImageMeta meta = io::read_image_meta(items[i].image);
      planned_tiles[i] = count_tiles(io::scaled_size(cv::Size(meta.width, meta.height), scale), tiling);
    } catch (const std::exception&) {
      planned_tiles[i] = 0;  // reported when the image itself is read
    }
    tiles_planned += planned_tiles[i];
  }
  core::Progress progress("predict", tiles_planned, "tiles");
  const auto image_suffix = [&](std::size_t index) {
    return fmt::format("img {}/{} {}", index + 1, items.size(), items[index].basename);
  };
  // Read and normalize the next image while the current one is on the model; write results
  // while the next one is.
  std::future<LoadedImage> next = launch_load(0);
  std::future<void> pending_write;
  std::size_t pending_index = 0;
  std::optional<MetricsRow> pending_metrics;  // counted once the image's files are written
  int off_scale_images = 0;                   // pixel size far from the training pixel size
  bool told_small_tiles = false;              // logged the shrunk tile of a small image
  // Waits for the previous image's files; a failed write makes that image a failure.
  // A full disk stops the run with that one error (every later image would fail the same way;
  // files already written stay complete, and --resume continues once there is space).
  std::exception_ptr disk_full;
  const auto finish_write = [&] {
    if (!pending_write.valid()) return;
    try {
      pending_write.get();
      if (pending_metrics) metrics_rows.push_back(std::move(*pending_metrics));
    } catch (const std::exception& e) {
      std::error_code ec;
      const auto space = fs::space(config.output_dir, ec);
      constexpr std::uintmax_t kNearlyFull = std::uintmax_t{1} << 20;
      if (!ec && space.available < kNearlyFull) {
        disk_full = std::current_exception();
        return;
      }
      record_error(items[pending_index], e.what());
      --summary.images_done;
    }
    pending_metrics.reset();
  };
  for (std::size_t index = 0; index < items.size(); ++index) {
    const InputItem& item = items[index];
    LoadedImage loaded = next.get();
    if (index + 1 < items.size()) next = launch_load(index + 1);
    std::int64_t tiles_done = 0;
    // A failed image gives back the tiles it did not run, so the total stays what will run.
    const auto drop_rest = [&] { progress.add_total(tiles_done - planned_tiles[index]); };
    if (kept[index]) {
      try {
        if (!item.mask.empty()) {
          cv::Mat mask = io::read_image(mask_path_of(item)).pixels;
          cv::Mat truth;
          cv::compare(io::read_image(item.mask).pixels, 0, truth, cv::CMP_NE);
          if (truth.size() != mask.size()) {
            throw DataError(fmt::format("mask \"{}\" is {}x{} but the kept prediction \"{}\" is {}x{}",
                                        item.mask.string(), truth.cols, truth.rows, mask_path_of(item).string(),
                                        mask.cols, mask.rows));
          }
          metrics_rows.push_back({item.image.filename().string(), item.basename, data::pixel_metrics(mask, truth)});
        }
        ++summary.images_done;
      } catch (const std::exception& e) {
        record_error(item, e.what());
      }
      progress.add_total(-planned_tiles[index]);  // nothing to run for a kept image
      progress.advance(0, image_suffix(index));
      continue;
    }
    if (!loaded.error.empty()) {
      record_error(item, loaded.error);
      drop_rest();
      continue;
    }
    try {
      // What the model sees: the image's pixel size divided by inference.scale.
      const double seen_pixel_size = loaded.pixel_size_um / config.scale;
      if (model.training_pixel_size > 0 && loaded.pixel_size_um > 0 &&
          std::abs(seen_pixel_size / model.training_pixel_size - 1.0) > kPixelSizeTolerance &&
          ++off_scale_images <= kOffScaleWarnings) {
        spdlog::warn("\"{}\" is seen at {:.4g} µm/px but the model was trained at {:.4g} µm/px (more than {:.0f}% "
                     "apart): objects appear at another scale than in training; --scale {:.3g} would match",
                     item.image.string(), seen_pixel_size, model.training_pixel_size, 100 * kPixelSizeTolerance,
                     loaded.pixel_size_um / model.training_pixel_size);
      }
      const int tiles_total = count_tiles(loaded.normalized.size(), tiling);
      const int fitted_tile = fit_tiling(loaded.normalized.size(), tiling).tile_size;
      if (fitted_tile != tiling.tile_size && !told_small_tiles) {
        told_small_tiles = true;  // once a run: a folder of small crops would repeat it per image
        spdlog::info("\"{}\" is {}x{} px at the model, smaller than a tile: predicted with tiles of {} px, not "
                     "{} (so is any other image smaller than a tile)",
                     item.image.string(), loaded.normalized.cols, loaded.normalized.rows, fitted_tile,
                     tiling.tile_size);
      }
      progress.add_total(tiles_total - planned_tiles[index]);  // the header could disagree with the pixels
      planned_tiles[index] = tiles_total;
      cv::Mat prob = predict_tiled(
          loaded.normalized, [&](const std::vector<cv::Mat>& tiles) { return predictor.predict(tiles); }, tiling,
          [&](int n) {
            tiles_done += n;
            progress.advance(n, image_suffix(index));
          });
      summary.tiles += tiles_total;
      loaded.normalized.release();
      if (prob.size() != loaded.full_size) cv::resize(prob, prob, loaded.full_size, 0, 0, cv::INTER_LINEAR);
      cv::Mat mask = postprocess(prob, post);
      std::optional<MetricsRow> metrics;
      if (!loaded.truth.empty()) {
        metrics = MetricsRow{item.image.filename().string(), item.basename, data::pixel_metrics(mask, loaded.truth)};
      }
      finish_write();
      if (disk_full) break;  // see finish_write: nothing more can be written
      const fs::path mask_path = mask_path_of(item);
      const fs::path prob_path = prob_path_of(item);
      const bool save_prob = config.save_probabilities;
      const double pixel_size = loaded.pixel_size_um;
      pending_write = std::async(std::launch::async, [mask, prob, mask_path, prob_path, save_prob, pixel_size] {
        try {
          io::write_mask_tiff(mask_path, mask, pixel_size);
          if (save_prob) io::write_float_tiff(prob_path, prob, pixel_size);
        } catch (...) {
          std::error_code ignored;  // a failed image keeps no outputs
          fs::remove(mask_path, ignored);
          throw;
        }
      });
      pending_index = index;
      pending_metrics = std::move(metrics);
      ++summary.images_done;
    } catch (const std::exception& e) {
      record_error(item, e.what());
      drop_rest();
    }
    progress.advance(0, image_suffix(index));
  }
  finish_write();
  if (disk_full) std::rethrow_exception(disk_full);
  progress.finish();
  if (off_scale_images > kOffScaleWarnings) {
    spdlog::warn("{} image(s) in all have a pixel size more than {:.0f}% from the training pixel size {:.4g} µm/px",
                 off_scale_images, 100 * kPixelSizeTolerance, model.training_pixel_size);
  }
  summary.images_with_truth = static_cast<int>(metrics_rows.size());
  if (!metrics_rows.empty()) {
    write_metrics_csv(run_file(contract::kPixelMetricsCsv), metrics_rows);
    std::vector<double> dice;
    std::vector<double> iou;
    for (const auto& row : metrics_rows) {
      dice.push_back(row.metrics.dice);
      iou.push_back(row.metrics.iou);
    }
    std::tie(summary.mean_dice, summary.std_dice) = mean_std(dice);
    std::tie(summary.mean_iou, summary.std_iou) = mean_std(iou);
  }
  if (!errors.empty()) write_errors_csv(run_file(contract::kErrorsCsv), errors);
  summary.model_seconds = predictor.model_seconds();
  summary.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_meta(run_file(contract::kPredictMetaYaml), config, model, tiling, summary);
  return summary;
}

}  // namespace segoid::infer
