// SPDX-License-Identifier: MIT
// export_for_correction / import_corrections: the Fiji round trip of flagged predictions.
#include "segoid/data/corrections.hpp"
#include "segoid/infer/contract.hpp"
#include "segoid/data/contract.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <opencv2/core.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "corrections_readme.hpp"
#include "segoid/core/utc_time.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/sha256.hpp"
#include "segoid/data/manifest.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/imagej_roi.hpp"
#include "segoid/analysis/contract.hpp"

namespace segoid::data {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPredSuffix = infer::contract::kPredMaskSuffix;
constexpr const char* kImagesDir = contract::kImagesDir;
constexpr const char* kPredictedDir = "predicted_masks";
constexpr const char* kCorrectedDir = "corrected_masks";
constexpr const char* kPending = "pending";
constexpr const char* kImported = "imported";

const std::vector<std::string> kWorkspaceColumns = {contract::kBasename,     "image_file",     "predicted_mask_file",
                                                    "corrected_mask_file", "status", "source_image",
                                                    "source_model"};
const std::vector<std::string> kRegistryColumns = {contract::kBasename, contract::kImagePath, contract::kMaskPath,
                                                   "source_model", "source_model_sha256", "corrector",
                                                   "corrected_at", "workspace"};

std::string quoted(const fs::path& p) { return "\"" + p.string() + "\""; }

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

/// The flagged image names: a CSV with an image_path column, or one file name per line.
std::vector<fs::path> read_flagged(const fs::path& path) {
  const std::string text = core::read_file(path);
  const std::string first_line = text.substr(0, text.find('\n'));
  std::vector<fs::path> names;
  if (first_line.find(contract::kImagePath) != std::string::npos && first_line.find(',') != std::string::npos) {
    const io::CsvTable table = io::parse_csv(text, path.string());
    const int column = table.column_index(contract::kImagePath);
    for (const auto& row : table.rows) {
      if (!trim(row[column]).empty()) names.emplace_back(trim(row[column]));
    }
  } else {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      line = trim(line);
      if (!line.empty() && line[0] != '#') names.emplace_back(line);
    }
  }
  std::set<std::string> seen;
  std::vector<fs::path> unique;
  for (const auto& n : names) {
    if (seen.insert(n.filename().string()).second) unique.push_back(n);
  }
  if (unique.empty()) throw DataError("flagged list " + quoted(path) + " names no image");
  return unique;
}

/// Where a flagged name's image is: as given when it exists, else in image_dir or the manifest.
/// A name is a file name (SegOid before 0.9) or a basename without extension (the Python
/// SegOid's list, and review_predictions'), which matches an image file with that stem.
fs::path locate_image(const fs::path& name, const ExportCorrectionConfig& config, const Manifest* manifest) {
  if (name.is_absolute() && fs::is_regular_file(name)) return name;
  const fs::path file = name.filename();
  if (!config.image_dir.empty()) {
    const fs::path candidate = config.image_dir / file;
    if (fs::is_regular_file(candidate)) return candidate;
    std::vector<fs::path> by_stem;
    for (const auto& entry : fs::directory_iterator(config.image_dir)) {
      if (entry.is_regular_file() && entry.path().stem() == file) by_stem.push_back(entry.path());
    }
    if (by_stem.size() == 1) return by_stem.front();
    if (by_stem.size() > 1) {
      throw DataError("flagged image " + quoted(file) + " matches several files in " + quoted(config.image_dir) +
                      "; list it with its extension");
    }
    throw DataError("flagged image " + quoted(file) + " is not in " + quoted(config.image_dir));
  }
  for (const auto& row : manifest->rows) {
    const fs::path listed = fs::path(row.image_path).filename();
    if (listed == file || row.basename == file.string() || listed.stem() == file) {
      return resolve_data_path(row.image_path, config.data_root);
    }
  }
  throw DataError("flagged image " + quoted(name.filename()) + " is not listed in manifest " + quoted(config.manifest));
}

void copy_file_atomic(const fs::path& from, const fs::path& to) {
  core::AtomicFile file(to);
  std::error_code ec;
  fs::copy_file(from, file.temp_path(), fs::copy_options::overwrite_existing, ec);
  if (ec) throw IoError("cannot copy " + quoted(from) + " to " + quoted(to) + ": " + ec.message());
  file.commit();
}

std::string workspace_csv(const std::vector<WorkspaceEntry>& entries) {
  io::CsvTable table;
  table.header = kWorkspaceColumns;
  for (const auto& e : entries) {
    table.rows.push_back({e.basename, e.image_file, e.predicted_mask_file, e.corrected_mask_file, e.status,
                          e.source_image, e.source_model});
  }
  return io::format_csv(table);
}

/// Lower-case extension.
std::string extension_of(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

/// Checks one corrected mask against its image; returns the problem or "".
std::string check_mask(const fs::path& mask_path, const fs::path& image_path, cv::Mat& pixels) {
  const io::ImageMeta image = io::read_image_meta(image_path);
  const io::Image mask = io::read_image(mask_path);
  if (mask.meta.channels != 1 || mask.pixels.depth() != CV_8U) {
    return fmt::format("{}: expected a one-channel 8-bit mask, got {} channel(s) of {}-bit ({})", quoted(mask_path),
                       mask.meta.channels, mask.pixels.depth() == CV_16U ? 16 : (mask.pixels.depth() == CV_8U ? 8 : 32),
                       "in Fiji: Image > Type > 8-bit, then Process > Binary > Make Binary");
  }
  if (mask.pixels.cols != image.width || mask.pixels.rows != image.height) {
    return fmt::format("{}: size {}x{} differs from its image {} ({}x{})", quoted(mask_path), mask.pixels.cols,
                       mask.pixels.rows, quoted(image_path.filename()), image.width, image.height);
  }
  cv::Mat other = (mask.pixels != 0) & (mask.pixels != 255);
  if (const int count = cv::countNonZero(other); count > 0) {
    double lo = 0, hi = 0;
    cv::minMaxLoc(mask.pixels, &lo, &hi, nullptr, nullptr, other);
    return fmt::format("{}: not binary 0/255: {} pixel(s) hold other values ({} to {}){}", quoted(mask_path), count,
                       lo, hi,
                       hi <= 1 ? "; a 0/1 mask: in Fiji, Process > Binary > Make Binary gives 0/255" : "");
  }
  pixels = mask.pixels;
  return "";
}

/// The mask of a Fiji RoiSet.zip over its image: every area ROI filled (ImageJ's pixel-centre
/// rule); returns the problem or "".
std::string mask_from_roiset(const fs::path& roiset, const fs::path& image_path, cv::Mat& pixels) {
  const io::ImageMeta image = io::read_image_meta(image_path);
  pixels = cv::Mat::zeros(image.height, image.width, CV_8UC1);
  for (const io::ImageJRoi& roi : io::read_roiset(roiset)) io::fill_imagej_roi(roi, pixels);
  if (cv::countNonZero(pixels) == 0) {
    return quoted(roiset) + ": its ROIs cover no pixel of " + quoted(image_path.filename()) + " (" +
           std::to_string(image.width) + "x" + std::to_string(image.height) + ")";
  }
  return "";
}

}  // namespace

std::vector<WorkspaceEntry> export_for_correction(const ExportCorrectionConfig& config) {
  if (config.flagged.empty()) throw ConfigError("export_for_correction: give --flagged FILE");
  if (config.image_dir.empty() == config.manifest.empty()) {
    throw ConfigError("export_for_correction: give one of --image-dir or --manifest");
  }
  if (config.pred_mask_dir.empty() || config.output_dir.empty()) {
    throw ConfigError("export_for_correction: give --pred-mask-dir and --output-dir");
  }
  std::error_code ec;
  if (fs::exists(config.output_dir) && !fs::is_empty(config.output_dir, ec) && !config.force) {
    throw ConfigError("correction workspace " + quoted(config.output_dir) +
                      " is not empty; pass --force to replace its files (corrected masks there are kept)");
  }
  Manifest manifest;
  if (!config.manifest.empty()) manifest = read_manifest(config.manifest);
  std::vector<WorkspaceEntry> entries;
  std::set<std::string> basenames;
  for (const fs::path& name : read_flagged(config.flagged)) {
    const fs::path image = locate_image(name, config, &manifest);
    WorkspaceEntry e;
    e.basename = image.stem().string();
    if (!basenames.insert(e.basename).second) {
      throw DataError("flagged list " + quoted(config.flagged) + ": two images have the basename \"" + e.basename + "\"");
    }
    const fs::path prediction = config.pred_mask_dir / (e.basename + kPredSuffix);
    if (!fs::is_regular_file(prediction)) {
      throw DataError("no prediction for flagged image " + quoted(image.filename()) + ": " + quoted(prediction) +
                      " does not exist");
    }
    e.image_file = image.filename().string();
    e.predicted_mask_file = e.basename + contract::kMaskStemSuffix + ".tif";
    e.corrected_mask_file = e.predicted_mask_file;
    e.status = kPending;
    e.source_image = fs::absolute(image).lexically_normal().string();
    e.source_model = config.source_model;
    copy_file_atomic(image, config.output_dir / kImagesDir / e.image_file);
    const io::Image predicted = io::read_image(prediction);
    io::write_mask_tiff(config.output_dir / kPredictedDir / e.predicted_mask_file, predicted.pixels);
    entries.push_back(std::move(e));
  }
  fs::create_directories(config.output_dir / kCorrectedDir);
  core::write_file_atomic(config.output_dir / kWorkspaceManifest, workspace_csv(entries));
  core::write_file_atomic(config.output_dir / "README.md", correction_readme(config.output_dir, entries.size()));
  return entries;
}

std::vector<WorkspaceEntry> read_workspace(const fs::path& workspace) {
  const fs::path path = workspace / kWorkspaceManifest;
  if (!fs::is_regular_file(path)) {
    throw IoError("cannot read " + quoted(path) + ": not a correction workspace (run segoid export_for_correction)");
  }
  const io::CsvTable table = io::read_csv(path);
  std::vector<int> index;
  for (const auto& column : kWorkspaceColumns) {
    index.push_back(table.column_index(column));
    if (index.back() < 0) throw DataError(quoted(path) + " has no column \"" + column + "\"");
  }
  std::vector<WorkspaceEntry> entries;
  for (const auto& row : table.rows) {
    entries.push_back({row[index[0]], row[index[1]], row[index[2]], row[index[3]], row[index[4]], row[index[5]],
                       row[index[6]]});
  }
  return entries;
}

std::vector<ProvenanceRecord> read_corrections_registry(const fs::path& dir) {
  const fs::path path = dir / kCorrectionsRegistry;
  std::vector<ProvenanceRecord> records;
  if (!fs::exists(path)) return records;
  const io::CsvTable table = io::read_csv(path);
  std::vector<int> index;
  for (const auto& column : kRegistryColumns) {
    index.push_back(table.column_index(column));
    if (index.back() < 0) throw DataError(quoted(path) + " has no column \"" + column + "\"");
  }
  for (const auto& row : table.rows) {
    records.push_back({row[index[0]], row[index[1]], row[index[2]], row[index[3]], row[index[4]], row[index[5]],
                       row[index[6]], row[index[7]]});
  }
  return records;
}

ImportCorrectionResult import_corrections(const ImportCorrectionConfig& config) {
  std::vector<WorkspaceEntry> entries = read_workspace(config.workspace);
  std::map<std::string, WorkspaceEntry*> by_basename;
  for (auto& e : entries) by_basename[e.basename] = &e;
  const fs::path corrected_dir = config.workspace / kCorrectedDir;
  const fs::path images_dir = config.target_dir / kImagesDir;
  const fs::path masks_dir = config.target_dir / contract::kMasksDir;

  // Basenames that already exist in the target data (any extension).
  std::set<std::string> existing;
  for (const fs::path& dir : {images_dir, masks_dir}) {
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir, ec)) {
      const std::string stem = f.path().stem().string();
      const std::string_view basename = dir == masks_dir ? contract::basename_of_mask_stem(stem) : std::string_view{};
      existing.insert(basename.empty() ? stem : std::string(basename));
    }
  }

  std::vector<std::string> problems;
  std::vector<std::pair<WorkspaceEntry*, cv::Mat>> accepted;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(corrected_dir, ec)) {
    const std::string name = f.path().filename().string();
    if (f.is_regular_file() && !name.empty() && name[0] != '.') files.push_back(f.path());
  }
  if (ec) throw IoError("cannot read " + quoted(corrected_dir) + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    const std::string roiset_suffix = analysis::contract::kRoiSetSuffix;
    const bool roiset = name.size() > roiset_suffix.size() &&
                        name.compare(name.size() - roiset_suffix.size(), roiset_suffix.size(), roiset_suffix) == 0;
    const std::string stem = file.stem().string();
    const std::string ext = extension_of(file);
    const std::string_view mask_basename = contract::basename_of_mask_stem(stem);
    const bool suffixed = roiset || !mask_basename.empty();
    const std::string basename = roiset                   ? name.substr(0, name.size() - roiset_suffix.size())
                                 : !mask_basename.empty() ? std::string(mask_basename)
                                                          : stem;
    const auto found = by_basename.find(basename);
    if (!suffixed || (!roiset && ext != ".tif" && ext != ".tiff" && ext != ".png") || found == by_basename.end()) {
      problems.push_back(quoted(file) + ": name does not follow <basename>_mask.tif or <basename>" + roiset_suffix +
                         " for an image of this workspace" +
                         (found != by_basename.end() || !suffixed ? " (expected \"" + basename + "_mask.tif\")" : ""));
      continue;
    }
    WorkspaceEntry& entry = *found->second;
    if (entry.status == kImported) {
      problems.push_back(quoted(file) + ": already imported (status \"imported\" in " + kWorkspaceManifest + ")");
      continue;
    }
    if (existing.count(basename)) {
      problems.push_back(quoted(file) + ": basename \"" + basename + "\" already exists in " + quoted(config.target_dir) +
                         " (rename the image, or remove the old pair first)");
      continue;
    }
    cv::Mat pixels;
    try {
      const fs::path image = config.workspace / kImagesDir / entry.image_file;
      const std::string problem = roiset ? mask_from_roiset(file, image, pixels) : check_mask(file, image, pixels);
      if (!problem.empty()) {
        problems.push_back(problem);
        continue;
      }
    } catch (const Error& e) {  // unreadable files, bad ROIs
      problems.push_back(e.what());
      continue;
    }
    accepted.emplace_back(&entry, pixels);
  }
  if (!problems.empty()) {
    std::string message = fmt::format("import_corrections: {} problem(s) in {}, nothing imported:", problems.size(),
                                      quoted(corrected_dir));
    for (const auto& p : problems) message += "\n  " + p;
    throw DataError(message);
  }
  ImportCorrectionResult result;
  result.registry = config.target_dir / kCorrectionsRegistry;
  for (const auto& e : entries) {
    const bool done = std::any_of(accepted.begin(), accepted.end(), [&](const auto& a) { return a.first == &e; });
    if (!done && e.status != kImported) result.pending.push_back(e.basename);
  }
  if (accepted.empty()) {
    throw ConfigError("import_corrections: no corrected masks in " + quoted(corrected_dir) + " (" +
                      std::to_string(result.pending.size()) + " image(s) pending; save <basename>_mask.tif there)");
  }

  io::CsvTable registry;
  registry.header = kRegistryColumns;
  for (const auto& r : read_corrections_registry(config.target_dir)) {
    registry.rows.push_back({r.basename, r.image_path, r.mask_path, r.source_model, r.source_model_sha256, r.corrector,
                             r.corrected_at, r.workspace});
  }
  const std::string now = core::utc_timestamp_now();
  std::map<std::string, std::string> model_sha;
  for (auto& [entry, pixels] : accepted) {
    const std::string model = config.source_model.empty() ? entry->source_model : config.source_model;
    if (!model.empty() && !model_sha.count(model)) {
      model_sha[model] = fs::is_regular_file(model) ? core::sha256_file(model) : "";
    }
    const fs::path image_target = images_dir / entry->image_file;
    const fs::path mask_target = masks_dir / (entry->basename + contract::kMaskStemSuffix + ".tif");
    copy_file_atomic(config.workspace / kImagesDir / entry->image_file, image_target);
    io::write_mask_tiff(mask_target, pixels);
    registry.rows.push_back({entry->basename, (fs::path(kImagesDir) / entry->image_file).generic_string(),
                             (fs::path(contract::kMasksDir) / mask_target.filename()).generic_string(), model,
                             model.empty() ? "" : model_sha[model], config.corrector, now,
                             fs::absolute(config.workspace).lexically_normal().string()});
    entry->status = kImported;
    result.imported.push_back(entry->basename);
  }
  io::write_csv(result.registry, registry);
  core::write_file_atomic(config.workspace / kWorkspaceManifest, workspace_csv(entries));
  return result;
}

}  // namespace segoid::data
