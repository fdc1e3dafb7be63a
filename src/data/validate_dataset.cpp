// SPDX-License-Identifier: MIT
// validate_dataset: image/mask pairing and checks, per file, in parallel; writes the manifests.
#include "segoid/data/validate_dataset.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "segoid/core/provenance.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/data/corrections.hpp"
#include "segoid/data/contract.hpp"
#include "segoid/io/image_io.hpp"

namespace segoid::data {
namespace fs = std::filesystem;
namespace {

/// The Python SegOid's warning for an empty mask that is not confirmed (qc_report.csv warnings).
constexpr char kEmptyNeedsConfirmation[] = "Empty mask - needs confirmation";


/// Distinct mask levels listed in a failure message before "...".
constexpr std::size_t kLevelsShown = 8;

/// Image files of a folder (hidden files skipped), sorted by name.
std::vector<fs::path> image_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.empty() || name[0] == '.') continue;
    if (io::is_image_file(entry.path())) {
      files.push_back(entry.path());
    } else {
      spdlog::debug("skipping non-image file \"{}\"", entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// Up to `limit` + 1 distinct values of a one-channel mask, ascending.
std::vector<double> distinct_levels(const cv::Mat& mask, std::size_t limit) {
  std::set<double> levels;
  if (mask.depth() == CV_8U || mask.depth() == CV_16U) {
    std::vector<std::uint8_t> seen(mask.depth() == CV_8U ? 256 : 65536, 0);
    for (int row = 0; row < mask.rows; ++row) {
      for (int col = 0; col < mask.cols; ++col) {
        seen[mask.depth() == CV_8U ? mask.at<std::uint8_t>(row, col) : mask.at<std::uint16_t>(row, col)] = 1;
      }
    }
    for (std::size_t v = 0; v < seen.size() && levels.size() <= limit; ++v) {
      if (seen[v] != 0) levels.insert(static_cast<double>(v));
    }
  } else {
    for (int row = 0; row < mask.rows && levels.size() <= limit; ++row) {
      for (int col = 0; col < mask.cols && levels.size() <= limit; ++col) levels.insert(mask.at<float>(row, col));
    }
  }
  return {levels.begin(), levels.end()};
}

std::string format_levels(const std::vector<double>& levels, std::size_t limit) {
  std::string text = "{";
  for (std::size_t i = 0; i < levels.size() && i < limit; ++i) text += (i > 0 ? ", " : "") + fmt::format("{}", levels[i]);
  return text + (levels.size() > limit ? ", ...}" : "}");
}

/// Checks one image/mask pair and fills the entry (status, reason, coverage, objects).
void check_pair(QcEntry& entry, const fs::path& image_path, const fs::path& mask_path,
                const std::set<std::string>& confirmed, const CurateConfig& config, std::vector<double>& diameters) {
  auto fail = [&entry](const std::string& reason) {
    entry.status = QcStatus::kFail;
    entry.reason = reason;
  };
  io::Image image, mask;
  try {
    image = io::read_image(image_path);
  } catch (const Error& e) {
    return fail(std::string("image unreadable: ") + e.what());
  }
  try {
    mask = io::read_image(mask_path);
  } catch (const Error& e) {
    return fail(std::string("mask unreadable: ") + e.what());
  }
  if (image.pixels.size() != mask.pixels.size()) {
    return fail(fmt::format("size mismatch: image {}x{}, mask {}x{} (width x height)", image.pixels.cols,
                            image.pixels.rows, mask.pixels.cols, mask.pixels.rows));
  }
  if (mask.meta.channels > 1) {
    entry.warnings.push_back(fmt::format("mask has {} channels; converted to gray", mask.meta.channels));
  }
  const std::vector<double> levels = distinct_levels(mask.pixels, kLevelsShown);
  if (levels.size() > 2) {
    return fail(fmt::format("mask is not binary: {} levels found {}",
                            levels.size() > kLevelsShown ? fmt::format("more than {}", kLevelsShown)
                                                         : std::to_string(levels.size()),
                            format_levels(levels, kLevelsShown)));
  }
  if (levels.size() == 2 && levels[0] != 0.0) {
    return fail("mask has two levels " + format_levels(levels, kLevelsShown) + " but no 0 background");
  }
  const bool canonical = mask.pixels.depth() == CV_8U && (levels.back() == 0.0 || levels.back() == 255.0);
  if (!canonical) {
    entry.warnings.push_back("mask levels " + format_levels(levels, kLevelsShown) +
                             " converted to 0/255 (foreground = non-zero)");
  }
  cv::Mat binary;
  cv::compare(mask.pixels, 0, binary, cv::CMP_NE);
  cv::Mat labels, stats, centroids;
  const int labels_count = cv::connectedComponentsWithStats(binary, labels, stats, centroids, /*connectivity=*/8, CV_32S);
  const double coverage = static_cast<double>(cv::countNonZero(binary)) / static_cast<double>(binary.total());
  entry.row.mask_coverage = coverage;
  entry.row.object_count = labels_count - 1;
  double diameter_sum = 0.0;
  for (int label = 1; label < labels_count; ++label) {
    diameters.push_back(std::sqrt(4.0 * stats.at<int>(label, cv::CC_STAT_AREA) / M_PI));
    diameter_sum += diameters.back();
  }
  if (labels_count > 1) entry.row.mean_diameter = diameter_sum / (labels_count - 1);
  if (labels_count == 1) {
    if (confirmed.count(entry.row.basename) != 0) {
      entry.row.empty_confirmed = true;
    } else {
      // Kept in all.csv with Python's warning: a true negative, or a mask nobody drew.
      entry.status = QcStatus::kFlagged;
      entry.reason = "empty mask not confirmed (confirm with --confirm-empty or empty_confirmed in all.csv)";
    }
    return;
  }
  if (coverage < config.low_coverage_warning) {
    entry.warnings.push_back(fmt::format("coverage {:.3f}% is unusually low", 100.0 * coverage));
  } else if (coverage > config.high_coverage_warning) {
    entry.warnings.push_back(fmt::format("coverage {:.1f}% is unusually high", 100.0 * coverage));
  }
}

/// The manifest of a previous run, whose confirmations and metadata are carried over.
Manifest previous_manifest(const fs::path& all_csv) {
  if (!fs::exists(all_csv)) return {};
  spdlog::info("carrying over empty_confirmed and metadata from existing \"{}\"", all_csv.string());
  return read_manifest(all_csv);
}

/// <output_dir>/curate_meta.yaml: the resolved options, version and the numbers later stages use.
// Manifest paths are relative to the data root, the parent of the input folder, as the Python
// SegOid writes them ("working/images/X.tif" with data_root "data"), so its manifests and ours
// mix freely.
fs::path manifest_dir_name(const CurateConfig& config) {
  const fs::path input = config.input_dir.lexically_normal();
  const fs::path name = input.has_filename() ? input.filename() : input.parent_path().filename();
  return name.empty() ? fs::path(".") : name;
}

void write_curate_meta(const ValidationReport& report) {
  const CurateConfig& config = report.config;
  YAML::Emitter yaml;
  yaml.SetDoublePrecision(15);
  yaml << YAML::BeginMap;
  core::emit_provenance(yaml, /*with_time=*/false);
  yaml << YAML::Key << "config" << YAML::Value << YAML::BeginMap;
  yaml << YAML::Key << "input_dir" << YAML::Value << config.input_dir.generic_string();
  yaml << YAML::Key << "output_dir" << YAML::Value << config.output_dir.generic_string();
  yaml << YAML::Key << "data_root" << YAML::Value << data_root_of(config).generic_string();
  yaml << YAML::Key << "confirm_empty" << YAML::Value << YAML::Flow << config.confirm_empty;
  yaml << YAML::Key << "low_coverage_warning" << YAML::Value << config.low_coverage_warning;
  yaml << YAML::Key << "high_coverage_warning" << YAML::Value << config.high_coverage_warning;
  yaml << YAML::Key << "patch_diameter_factor" << YAML::Value << config.patch_diameter_factor;
  yaml << YAML::Key << "patch_multiple" << YAML::Value << config.patch_multiple;
  yaml << YAML::EndMap << YAML::Key << "results" << YAML::Value << YAML::BeginMap;
  yaml << YAML::Key << "passed" << YAML::Value << report.count(QcStatus::kPass);
  yaml << YAML::Key << "failed" << YAML::Value << report.count(QcStatus::kFail);
  yaml << YAML::Key << "flagged" << YAML::Value << report.count(QcStatus::kFlagged);
  yaml << YAML::Key << "confirmed_empty" << YAML::Value << report.confirmed_empty();
  yaml << YAML::Key << "orphan_masks" << YAML::Value << report.orphan_masks();
  yaml << YAML::Key << "objects" << YAML::Value << report.object_diameters_px.size();
  yaml << YAML::Key << "median_diameter_px" << YAML::Value << report.median_diameter_px();
  yaml << YAML::Key << "recommended_patch_px" << YAML::Value << report.recommended_patch_px();
  yaml << YAML::EndMap << YAML::EndMap;
  core::write_file_atomic(config.output_dir / contract::kCurateMetaYaml, std::string(yaml.c_str()) + "\n");
}

}  // namespace

fs::path data_root_of(const CurateConfig& config) {
  const fs::path input = config.input_dir.lexically_normal();
  const fs::path trimmed = input.has_filename() ? input : input.parent_path();
  return trimmed.has_parent_path() ? trimmed.parent_path() : fs::path(".");
}

ValidationReport validate_dataset(const CurateConfig& config) {
  const fs::path images_dir = config.input_dir / contract::kImagesDir;
  const fs::path masks_dir = config.input_dir / contract::kMasksDir;
  if (!fs::is_directory(images_dir)) {
    throw IoError("cannot read \"" + images_dir.string() + "\": no such folder (expected <input-dir>/images)");
  }
  ValidationReport report;
  report.config = config;
  report.all_csv = config.output_dir / contract::kAllCsv;
  report.qc_csv = config.output_dir / contract::kQcReportCsv;
  const Manifest previous = previous_manifest(report.all_csv);
  std::set<std::string> confirmed(config.confirm_empty.begin(), config.confirm_empty.end());
  for (const auto& row : previous.rows) {
    if (row.empty_confirmed.value_or(false)) confirmed.insert(row.basename);
  }

  // Provenance of imported corrections (import_corrections); input_dir is never rewritten, so the
  // registry itself survives every run, and its columns are joined into all.csv afresh each time.
  std::map<std::string, ProvenanceRecord> provenance;
  for (const auto& record : read_corrections_registry(config.input_dir)) provenance[record.basename] = record;

  const std::vector<fs::path> images = image_files(images_dir);
  if (images.empty()) throw DataError("no images in \"" + images_dir.string() + "\"");
  std::map<std::string, std::vector<fs::path>> masks_by_basename;
  std::vector<fs::path> misnamed_masks;
  if (fs::is_directory(masks_dir)) {
    for (const auto& mask : image_files(masks_dir)) {
      const std::string stem = mask.stem().string();
      const std::string_view basename = contract::basename_of_mask_stem(stem);
      if (basename.empty()) {
        misnamed_masks.push_back(mask);
      } else {
        masks_by_basename[std::string(basename)].push_back(mask);
      }
    }
  } else {
    spdlog::warn("no masks folder \"{}\"", masks_dir.string());
  }

  // Entries are laid out first so that the parallel checks below only touch their own slot.
  std::map<std::string, int> seen_basenames;
  report.entries.resize(images.size());
  std::vector<fs::path> mask_for(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    QcEntry& entry = report.entries[i];
    entry.row.basename = images[i].stem().string();
    entry.row.image_path = (manifest_dir_name(config) / contract::kImagesDir / images[i].filename()).generic_string();
    if (const ManifestRow* old = previous.find(entry.row.basename)) {
      entry.row.date = old->date;
      entry.row.batch = old->batch;
      entry.row.operator_name = old->operator_name;
      entry.row.notes = old->notes;
      entry.row.extra = old->extra;
    }
    if (const auto found = provenance.find(entry.row.basename); found != provenance.end()) {
      entry.row.extra["source_model"] = found->second.source_model;
      entry.row.extra["corrected_by"] = found->second.corrector;
      entry.row.extra["corrected_at"] = found->second.corrected_at;
    }
    const auto masks = masks_by_basename.find(entry.row.basename);
    if (seen_basenames[entry.row.basename]++ > 0) {
      entry.status = QcStatus::kFail;
      entry.reason = "duplicate basename (another image has the same name with a different extension)";
    } else if (masks == masks_by_basename.end()) {
      entry.status = QcStatus::kFail;
      entry.reason = "no mask (expected masks/" + entry.row.basename + contract::kMaskStemSuffix + ".<ext>)";
    } else if (masks->second.size() > 1) {
      entry.status = QcStatus::kFail;
      entry.reason = "several masks: " + masks->second[0].filename().string() + ", " + masks->second[1].filename().string();
    } else {
      mask_for[i] = masks->second.front();
      entry.row.mask_path = (manifest_dir_name(config) / contract::kMasksDir / mask_for[i].filename()).generic_string();
    }
  }

  core::Progress progress("validate", static_cast<std::int64_t>(images.size()), "images");
  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    std::vector<double> diameters;
    for (std::size_t i = next++; i < images.size(); i = next++) {
      if (!mask_for[i].empty()) {
        // Nothing may escape a worker thread (std::terminate); anything unexpected fails this file only.
        try {
          check_pair(report.entries[i], images[i], mask_for[i], confirmed, config, diameters);
        } catch (const std::exception& e) {
          report.entries[i].status = QcStatus::kFail;
          report.entries[i].reason = std::string("unexpected error: ") + e.what();
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      progress.advance();
    }
    std::lock_guard<std::mutex> lock(mutex);
    report.object_diameters_px.insert(report.object_diameters_px.end(), diameters.begin(), diameters.end());
  };
  const unsigned threads = std::max(1U, std::min<unsigned>(std::thread::hardware_concurrency(), 8U));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  progress.finish();
  // Thread scheduling must not change the reported median: sort.
  std::sort(report.object_diameters_px.begin(), report.object_diameters_px.end());

  auto add_orphan = [&](const fs::path& mask, const std::string& basename, const std::string& reason) {
    QcEntry entry;
    entry.row.basename = basename;
    entry.row.mask_path = (manifest_dir_name(config) / contract::kMasksDir / mask.filename()).generic_string();
    entry.status = QcStatus::kFail;
    entry.reason = reason;
    entry.orphan_mask = true;
    report.entries.push_back(std::move(entry));
  };
  for (const auto& [basename, masks] : masks_by_basename) {
    if (seen_basenames.count(basename) == 0) {
      for (const auto& mask : masks) add_orphan(mask, basename, "orphan mask: no image images/" + basename + ".<ext>");
    }
  }
  for (const auto& mask : misnamed_masks) {
    add_orphan(mask, mask.stem().string(), "mask file name is not <image name>" + std::string(contract::kMaskStemSuffix));
  }

  namespace k = contract;
  Manifest all;
  all.columns = previous.columns;
  Manifest qc = all;
  // Python's validation columns, then SegOid's three-way status and its reason.
  for (const char* column : {k::kValidationStatus, k::kValidationMessage, k::kWarnings, k::kStatus, k::kReason}) {
    qc.columns.push_back(column);
  }
  for (const auto& entry : report.entries) {
    if (entry.status != QcStatus::kFail) all.rows.push_back(entry.row);  // flagged empties too, as Python
    ManifestRow row = entry.row;
    std::string warnings = entry.status == QcStatus::kFlagged ? kEmptyNeedsConfirmation : "";
    for (const auto& warning : entry.warnings) warnings += (warnings.empty() ? "" : "; ") + warning;
    row.extra[k::kValidationStatus] = entry.status == QcStatus::kFail ? k::kFail : k::kPass;
    row.extra[k::kValidationMessage] = entry.reason;
    row.extra[k::kWarnings] = warnings;
    row.extra[k::kStatus] = to_string(entry.status);
    row.extra[k::kReason] = entry.reason;
    qc.rows.push_back(std::move(row));
  }
  if (fs::exists(report.all_csv)) spdlog::info("replacing \"{}\"", report.all_csv.string());
  write_manifest(report.all_csv, all);
  write_manifest(report.qc_csv, qc);
  write_curate_meta(report);
  return report;
}

}  // namespace segoid::data
