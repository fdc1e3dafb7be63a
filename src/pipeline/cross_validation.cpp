// SPDX-License-Identifier: MIT
// run_cross_validation: fold folders, cv_meta.yaml consistency, per-fold training with resume.
#include "segoid/pipeline/cross_validation.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "cross_validation_internal.hpp"
#include "segoid/core/provenance.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/config_node.hpp"
#include "segoid/core/error.hpp"
#include "segoid/data/manifest.hpp"
#include "segoid/train/trainer.hpp"
#include "segoid/train/contract.hpp"
#include "segoid/data/contract.hpp"
#include "segoid/pipeline/contract.hpp"

namespace segoid::pipeline {
namespace fs = std::filesystem;
namespace {

// cv_meta.yaml keys beside contract::kValImage (the Python SegOid's) and contract::kValImages.
constexpr char kTrainImages[] = "train_images";
constexpr char kResolvedManifest[] = "source_manifest_resolved";

/// The train config without the keys that may differ between runs of one cross-validation
/// (manifests are per fold; threads, device and workers change speed, not results).
train::TrainConfig fingerprint_config(train::TrainConfig c) {
  const train::TrainConfig defaults;
  c.data = defaults.data;
  c.run_dir = defaults.run_dir;
  c.threads = defaults.threads;
  c.device = defaults.device;
  c.training.num_workers = defaults.training.num_workers;
  c.training.pin_memory = defaults.training.pin_memory;
  return c;
}

std::string train_fingerprint(const train::TrainConfig& c) { return train::to_yaml(fingerprint_config(c)); }

std::string resolved_manifest(const CvConfig& config) {
  return fs::absolute(config.cv.source_manifest).lexically_normal().string();
}

/// folds/cv_meta.yaml: the Python SegOid's keys (strategy, n_folds, seed, source_manifest, and
/// per fold fold, val_image (leave_one_out) or val_images (k_fold), n_train, n_val), then
/// SegOid's: each fold's train_images, the resolved manifest path, the train config and version,
/// which a second run compares against.
std::string meta_yaml(const CvConfig& config, const std::vector<Fold>& folds) {
  const bool one_out = config.cv.strategy == CvStrategy::kLeaveOneOut;
  YAML::Emitter e;
  e.SetDoublePrecision(17);  // the train config reads back exactly
  e << YAML::BeginMap;
  e << YAML::Key << "folds" << YAML::Value << YAML::BeginSeq;
  for (const Fold& f : folds) {
    e << YAML::BeginMap << YAML::Key << "fold" << YAML::Value << f.index;
    e << YAML::Key << "n_train" << YAML::Value << static_cast<int>(f.training.size());
    e << YAML::Key << "n_val" << YAML::Value << static_cast<int>(f.validation.size());
    if (one_out) {
      e << YAML::Key << contract::kValImage << YAML::Value << f.validation.front();
    } else {
      e << YAML::Key << contract::kValImages << YAML::Value << f.validation;
    }
    e << YAML::Key << kTrainImages << YAML::Value << YAML::Flow << f.training << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::Key << "n_folds" << YAML::Value << static_cast<int>(folds.size());
  e << YAML::Key << "seed" << YAML::Value << config.cv.seed;
  e << YAML::Key << "source_manifest" << YAML::Value << config.cv.source_manifest.string();
  e << YAML::Key << "strategy" << YAML::Value << to_string(config.cv.strategy);
  e << YAML::Key << kResolvedManifest << YAML::Value << resolved_manifest(config);
  e << YAML::Key << "train_config" << YAML::Value << YAML::BeginMap;
  train::emit_train_config(e, fingerprint_config(config.train));
  e << YAML::EndMap;
  core::emit_provenance(e, /*with_time=*/false);  // compared by a resumed run: no time
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

/// A fold's names under the first of `keys` present (a list, or one name), for the spellings of
/// this and earlier SegOids.
std::vector<std::string> names_under(const YAML::Node& fold, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const YAML::Node node = fold[key];
    if (!node) continue;
    if (node.IsScalar()) return {node.as<std::string>()};
    return node.as<std::vector<std::string>>();
  }
  throw YAML::Exception(YAML::Mark::null_mark(), "a fold lacks its image list");
}

/// What differs between an existing cv_meta.yaml and this run, or "" when nothing does.
std::string meta_difference(const fs::path& meta_path, const CvConfig& config, const std::vector<Fold>& folds) {
  YAML::Node old;
  try {
    old = YAML::LoadFile(meta_path.string());
    if (old["strategy"].as<std::string>() != to_string(config.cv.strategy)) {
      return fmt::format("strategy {} -> {}", old["strategy"].as<std::string>(), to_string(config.cv.strategy));
    }
    if (old["seed"].as<std::uint64_t>() != config.cv.seed) {
      return fmt::format("seed {} -> {}", old["seed"].as<std::uint64_t>(), config.cv.seed);
    }
    const std::string manifest = resolved_manifest(config);
    const YAML::Node old_manifest = old[kResolvedManifest] ? old[kResolvedManifest] : old["source_manifest"];
    if (old_manifest.as<std::string>() != manifest) {
      return fmt::format("source manifest \"{}\" -> \"{}\"", old_manifest.as<std::string>(), manifest);
    }
    if (old["folds"].size() != folds.size()) {
      return fmt::format("{} folds -> {} folds", old["folds"].size(), folds.size());
    }
    for (const Fold& f : folds) {
      const YAML::Node of = old["folds"][f.index];
      if (names_under(of, {contract::kValImages, contract::kValImage, "validation"}) != f.validation ||
          names_under(of, {kTrainImages, "training"}) != f.training) {
        return fmt::format("the images of fold {} (the source manifest changed)", f.index);
      }
    }
    // Compare through the parser so that keys added by a newer SegOid (with defaults) match.
    // Earlier SegOids stored the train config as YAML text; now it is a mapping.
    const std::string origin = meta_path.string() + " (train_config)";
    train::TrainConfig old_config;
    if (old["train_config"].IsScalar()) {
      old_config = train::parse_train_config(old["train_config"].as<std::string>(), origin);
    } else {
      core::ConfigNode node(old["train_config"], origin, "");
      train::read_train_config(node, old_config);
      node.finish();
    }
    const std::string old_train = train_fingerprint(old_config);
    if (old_train != train_fingerprint(config.train)) return "the training sections of the config";
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("cannot read \"{}\": {}", meta_path.string(), e.what()));
  }
  return "";
}

data::Manifest subset(const data::Manifest& all, const std::vector<std::string>& basenames) {
  data::Manifest out;
  out.columns = all.columns;
  for (const std::string& b : basenames) out.rows.push_back(*all.find(b));
  return out;
}

void run_fold(const CvConfig& config, const CvOptions& options, const data::Manifest& manifest, const Fold& fold,
              int n_folds, FoldResult& result) {
  const fs::path dir = fold_dir(config, fold.index);
  fs::create_directories(dir);
  data::write_manifest(dir / data::contract::kTrainCsv, subset(manifest, fold.training));
  data::write_manifest(dir / data::contract::kValCsv, subset(manifest, fold.validation));
  train::TrainConfig tc = config.train;
  tc.data.train_manifest = dir / data::contract::kTrainCsv;
  tc.data.val_manifest = dir / data::contract::kValCsv;
  tc.run_dir = dir;
  train::TrainOptions to;
  to.config_path = options.config_path;
  to.run_dir = dir;
  to.weights_dir = options.weights_dir;
  to.cache_dir = options.cache_dir;
  to.interrupt = options.interrupt;
  if (options.on_step_end) {
    to.on_step_end = [&options, &fold](int epoch, int step) { options.on_step_end(fold.index, epoch, step); };
  }
  to.resume = train::find_resume_checkpoint(dir);  // last.pth after a kill -9
  const std::string validation = join(fold.validation, ";");
  if (to.resume.empty()) {
    spdlog::info("fold {}/{}: start  validation {}  ({} training images)", fold.index, n_folds - 1, validation,
                 fold.training.size());
  } else {
    spdlog::info("fold {}/{}: resume from \"{}\"  validation {}", fold.index, n_folds - 1, to.resume.string(),
                 validation);
  }
  const train::TrainResult r = train::train_model(tc, to);
  result.run_dir = dir;
  if (r.interrupted) {
    result.outcome = FoldOutcome::kInterrupted;
    spdlog::warn("fold {}/{}: interrupted after {} epochs; state saved to \"{}\"", fold.index, n_folds - 1,
                 r.epochs_completed, r.interrupted_checkpoint.string());
    return;
  }
  result.outcome = to.resume.empty() ? FoldOutcome::kTrained : FoldOutcome::kResumed;
  result.best_val_dice = r.best_val_dice;
  result.best_epoch = r.best_epoch;
  result.epochs_completed = r.epochs_completed;
  result.final_train_dice = r.history.empty() ? 0.0 : r.history.back().train.dice;
  double seconds = 0.0;
  for (const train::EpochRecord& e : r.history) seconds += e.seconds;
  result.minutes = seconds / 60.0;
  write_fold_result(dir / contract::kFoldResultYaml, result, fold, r.best_checkpoint);
  spdlog::info("fold {}/{}: done   best val Dice {:.4f} at epoch {}/{}  ({:.1f} min)", fold.index, n_folds - 1,
               result.best_val_dice, result.best_epoch, result.epochs_completed, result.minutes);
}

}  // namespace

fs::path fold_dir(const CvConfig& config, int fold) {
  return config.cv_dir / contract::kFoldsDir / fmt::format("fold_{}", fold);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

CvSummary run_cross_validation(const CvConfig& config, const CvOptions& options) {
  const data::Manifest manifest = data::read_manifest(config.cv.source_manifest);
  std::vector<std::string> basenames;
  for (const data::ManifestRow& row : manifest.rows) {
    if (row.mask_path.empty()) {
      throw DataError(fmt::format("source manifest \"{}\": image '{}' has no mask_path; cross-validation needs a "
                                  "mask for every image",
                                  config.cv.source_manifest.string(), row.basename));
    }
    basenames.push_back(row.basename);
  }
  const std::vector<Fold> folds = assign_folds(basenames, config.cv.strategy, config.cv.n_folds, config.cv.seed);
  const int n_folds = static_cast<int>(folds.size());
  // As the Python SegOid: a fold outside the range is skipped with a warning, the others run.
  std::vector<int> selected;
  for (int f : options.folds) {
    if (f >= 0 && f < n_folds) {
      selected.push_back(f);
    } else {
      spdlog::warn("--folds: fold {} out of range (this cross-validation has folds 0..{}), skipping", f, n_folds - 1);
    }
  }
  if (options.folds.empty()) {
    for (int f = 0; f < n_folds; ++f) selected.push_back(f);
  } else if (selected.empty()) {
    throw ConfigError(fmt::format("--folds: no fold to run; this cross-validation has {} folds (0..{})", n_folds,
                                  n_folds - 1));
  }
  std::sort(selected.begin(), selected.end());  // "--folds 2,0,2" runs folds 0 and 2 once each
  selected.erase(std::unique(selected.begin(), selected.end()), selected.end());

  const fs::path meta_path = config.cv_dir / contract::kFoldsDir / contract::kCvMetaYaml;
  const fs::path legacy_meta = config.cv_dir / contract::kCvMetaYaml;  // where SegOid 0.x kept it
  const fs::path old_meta = fs::exists(meta_path) ? meta_path : legacy_meta;
  if (fs::exists(old_meta)) {
    const std::string diff = options.force ? "" : meta_difference(old_meta, config, folds);
    if (!diff.empty()) {
      throw ConfigError(fmt::format("\"{}\" holds a cross-validation with different settings ({}); use another "
                                    "output.cv_dir, or --force to discard its folds and results",
                                    config.cv_dir.string(), diff));
    }
  }
  if (options.force) {
    for (const char* sub : {contract::kFoldsDir, contract::kResultsDir}) {
      if (fs::exists(config.cv_dir / sub)) {
        spdlog::warn("--force: removing \"{}\"", (config.cv_dir / sub).string());
        fs::remove_all(config.cv_dir / sub);
      }
    }
  }
  // Unfinished temporary files of a killed earlier run (each fold's own are cleared by train).
  core::remove_stale_temporaries(config.cv_dir);
  core::remove_stale_temporaries(config.cv_dir / contract::kResultsDir);
  fs::create_directories(meta_path.parent_path());
  core::write_file_atomic(meta_path, meta_yaml(config, folds));
  if (fs::exists(legacy_meta)) fs::remove(legacy_meta);
  // The config as given, kept beside the folds (the Python SegOid's cv_config.yaml snapshot).
  if (!options.config_path.empty() && fs::is_regular_file(options.config_path)) {
    core::write_file_atomic(config.cv_dir / contract::kCvConfigSnapshot, core::read_file(options.config_path));
  }

  CvSummary summary;
  summary.results_dir = config.cv_dir / contract::kResultsDir;
  for (const Fold& f : folds) {
    FoldResult r;
    r.fold = f.index;
    r.validation = f.validation;
    r.run_dir = fold_dir(config, f.index);
    if (fs::exists(r.run_dir / contract::kFoldResultYaml)) {
      read_fold_result(r.run_dir / contract::kFoldResultYaml, r);
      r.outcome = FoldOutcome::kReused;
    }
    summary.folds.push_back(r);
  }
  spdlog::info("cross-validation: {} on {} images, {} folds, seed {}; running fold(s) {} in \"{}\"",
               to_string(config.cv.strategy), basenames.size(), n_folds, config.cv.seed,
               join([&] {
                 std::vector<std::string> s;
                 for (int f : selected) s.push_back(std::to_string(f));
                 return s;
               }(), ","),
               config.cv_dir.string());
  for (int f : selected) {
    FoldResult& r = summary.folds[f];
    if (r.outcome == FoldOutcome::kReused) {
      spdlog::info("fold {}/{}: finished earlier (best val Dice {:.4f}), skipped", f, n_folds - 1, r.best_val_dice);
      continue;
    }
    if (options.interrupt != nullptr && options.interrupt->load()) {
      summary.interrupted = true;
      break;
    }
    run_fold(config, options, manifest, folds[f], n_folds, r);
    if (r.outcome == FoldOutcome::kInterrupted) {
      summary.interrupted = true;
      break;
    }
    finish_summary(summary);
    write_results(summary, config);
  }
  finish_summary(summary);
  write_results(summary, config);
  if (summary.interrupted) {
    summary.resume_command = fmt::format(
        "segoid run_cv --config {}{}", options.config_path.empty() ? "<config>" : options.config_path.string(),
        options.folds.empty() ? "" : " --folds " + join([&] {
          std::vector<std::string> s;
          for (int f : options.folds) s.push_back(std::to_string(f));
          return s;
        }(), ","));
  }
  return summary;
}

}  // namespace segoid::pipeline
