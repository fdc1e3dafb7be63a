// SPDX-License-Identifier: MIT
// train.yaml: the table of its keys, and reading, validating and writing through it.
#include "segoid/train/train_config.hpp"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <utility>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/config_node.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/unet_size.hpp"
#include "segoid/core/provenance.hpp"
#include "segoid/io/image_scale.hpp"
#include "segoid/io/normalization.hpp"

namespace segoid::train {
namespace {

using core::key;
using C = TrainConfig;
constexpr double kMany = 1e6;  ///< upper bound of counts that have no natural limit
// The commands that offer a row's flag (train.yaml's rows are read by train, sanity_check and run_cv).
constexpr const char* kTrain = "train";
constexpr const char* kSanity = "sanity_check";

/// Every key of train.yaml, in file order. Add a key here (see core/config_table.hpp).
core::ConfigTable<C> make_table() {
  using D = DatasetSection;
  using L = LrSchedulerSection;
  using M = ModelSection;
  using T = TrainingSection;
  core::ConfigTable<C> rows = {
      key<C>("data.train_manifest", &C::data, &DataSection::train_manifest).help("CSV with image/mask columns (training)")
          .flag("--train-manifest", {kTrain, kSanity}),
      key<C>("data.val_manifest", &C::data, &DataSection::val_manifest).help("CSV with image/mask columns (validation)")
          .flag("--val-manifest", {kTrain, kSanity}),
      key<C>("data.data_root", &C::data, &DataSection::data_root).help("root for relative paths inside the manifests"),

  };
  // The dataset sections' rows are the sampler's and the augmentation's own (data/).
  rows = core::joined_tables(std::move(rows), core::nested_table(data::sampling_config_table(), &C::dataset));
  rows = core::joined_tables(std::move(rows),
                             core::nested_table(data::augment_config_table(), &C::dataset, &D::augmentation));
  return core::joined_tables(std::move(rows), {
      key<C>("model.architecture", &C::model, &M::architecture).choices({"unet"}).help("network (only unet)"),
      key<C>("model.encoder", &C::model, &M::encoder).choices({"resnet18", "resnet34"}).help("U-Net encoder"),
      key<C>("model.encoder_weights", &C::model, &M::encoder_weights).choices({"imagenet"}).or_null()
          .help("imagenet (a local torchvision file) or null (random init)"),
      key<C>("model.encoder_weights_path", &C::model, &M::encoder_weights_path)
          .help("torchvision resnet .pth; empty: resnet18*.pth in $SEGOID_WEIGHTS_DIR"),
      key<C>("model.in_channels", &C::model, &M::in_channels).range(1, 1).help("image channels (gray)"),
      key<C>("model.classes", &C::model, &M::classes).range(1, 1).help("output channels (binary segmentation)"),
      key<C>("model.training_pixel_size", &C::model, &M::training_pixel_size).range(0, kMany)
          .help("um/px of the training images, kept with the model (0 = unknown)"),
      key<C>("model.image_scale", &C::model, &M::image_scale).range(io::kMinImageScale, io::kMaxImageScale)
          .help("the model sees images resized by this factor, in training and in predict_full (0.5: 4x less compute)"),
      key<C>("model.init_checkpoint", &C::model, &M::init_checkpoint).or_null()
          .help("retrain from this model (SegOid .pth or .pt, or Python .pth): its weights, a fresh optimizer and schedule"),

      key<C>("training.epochs", &C::training, &T::epochs).range(1, kMany)
          .help("maximum epochs; early stopping usually ends sooner").flag("--epochs", {kTrain, kSanity}),
      key<C>("training.batch_size", &C::training, &T::batch_size).range(1, 4096).help("patches per step")
          .flag("--batch-size", {kSanity}),
      key<C>("training.learning_rate", &C::training, &T::learning_rate).range(1e-12, 10)
          .help("initial AdamW learning rate").flag("--learning-rate", {kSanity}),
      key<C>("training.weight_decay", &C::training, &T::weight_decay).range(0, 10)
          .help("AdamW decoupled weight decay (0 = the Python tool's plain Adam)"),
      key<C>("training.num_workers", &C::training, &T::num_workers).range(0, 256)
          .help("background batch-preparation threads (0 = inline)").flag("--num-workers", {kSanity}),
      key<C>("training.pin_memory", &C::training, &T::pin_memory)
          .help("pinned host memory for CUDA copies (no effect on CPU)"),
      key<C>("training.memory_format", &C::training, &T::memory_format).choices({"auto", "contiguous", "channels_last"})
          .help("CPU layout; auto is measured once per machine and cached; a resumed run keeps its checkpoint's")
          .flag("--memory-format", {kTrain}),
      key<C>("training.max_minutes", &C::training, &T::max_minutes).range(0, 1e7)
          .help("time budget of this invocation, minutes (0 = none); stops after the epoch in which it runs out")
          .flag("--max-minutes", {kTrain}),

      key<C>("loss.bce_weight", &C::loss, &LossSection::bce_weight).range(0, 1e3).help("weight of BCE-with-logits"),
      key<C>("loss.dice_weight", &C::loss, &LossSection::dice_weight).range(0, 1e3).help("weight of soft Dice"),
      key<C>("loss.gap_weight", &C::loss, &LossSection::gap_weight).range(0, 1e3)
          .help("extra BCE weight on background between nearby objects (0 = off)"),
      key<C>("loss.gap_radius", &C::loss, &LossSection::gap_radius).range(1, 16)
          .help("gaps narrower than 2 x this + 1 pixels (training resolution) get loss.gap_weight"),

      key<C>("early_stopping.enabled", &C::early_stopping, &EarlyStoppingSection::enabled)
          .help("stop when validation Dice stops improving"),
      key<C>("early_stopping.patience", &C::early_stopping, &EarlyStoppingSection::patience).range(1, kMany)
          .help("epochs without improvement before stopping"),
      key<C>("early_stopping.min_delta", &C::early_stopping, &EarlyStoppingSection::min_delta).range(0, 1)
          .help("improvement must exceed best + min_delta"),

      key<C>("lr_scheduler.enabled", &C::lr_scheduler, &L::enabled)
          .help("ReduceLROnPlateau on validation loss"),
      key<C>("lr_scheduler.mode", &C::lr_scheduler, &PlateauOptions::mode).choices({"min", "max"})
          .help("min: the monitored loss should go down"),
      key<C>("lr_scheduler.factor", &C::lr_scheduler, &PlateauOptions::factor).range(1e-12, 1 - 1e-12)
          .help("lr <- lr x factor on a plateau"),
      key<C>("lr_scheduler.patience", &C::lr_scheduler, &PlateauOptions::patience).range(0, kMany)
          .help("epochs without improvement before reducing"),
      key<C>("lr_scheduler.min_lr", &C::lr_scheduler, &PlateauOptions::min_lr).range(0, 10)
          .help("learning rate floor"),

      key<C>("checkpointing.save_best", &C::checkpointing, &CheckpointingSection::save_best)
          .help("best_model.pth at each new best validation Dice"),
      key<C>("checkpointing.save_periodic", &C::checkpointing, &CheckpointingSection::save_periodic)
          .help("checkpoint_epoch_NNN.pth every periodic_interval epochs"),
      key<C>("checkpointing.periodic_interval", &C::checkpointing, &CheckpointingSection::periodic_interval)
          .range(1, kMany).help("epochs between periodic checkpoints"),
      key<C>("checkpointing.save_final", &C::checkpointing, &CheckpointingSection::save_final)
          .help("final_model.pth at the end"),

      key<C>("tensorboard.enabled", &C::tensorboard, &TensorboardSection::enabled)
          .help("event files in <run>/tensorboard/"),
      key<C>("tensorboard.log_interval", &C::tensorboard, &TensorboardSection::log_interval).range(1, kMany)
          .help("epochs between scalar logs"),
      key<C>("tensorboard.image_interval", &C::tensorboard, &TensorboardSection::image_interval).range(1, kMany)
          .help("epochs between image | truth | prediction panels"),
      key<C>("tensorboard.num_image_samples", &C::tensorboard, &TensorboardSection::num_image_samples).range(0, 64)
          .help("validation patches per panel"),

      key<C>("output.run_dir", &C::run_dir)
          .help("train: each run in <run_dir>/train_YYYYMMDD_HHMMSS/; sanity_check: written into <run_dir> itself")
          .flag("--run-dir", {kTrain}).flag("--output-dir", {kSanity}),
      key<C>("validation.prediction_threshold", &C::prediction_threshold).range(0, 1)
          .help("probability above which a pixel is foreground (metrics, panels)"),

      key<C>("seed", &C::seed).help("every random choice (init, patches, order) derives from it"),
      key<C>("device", &C::device).choices({"auto", "cpu", "cuda"}).help("where to train"),
      key<C>("threads", &C::threads).range(0, 4096).help("LibTorch threads; 0 = all cores"),
      key<C>("mixed_precision", &C::mixed_precision).help("float16 autocast, CUDA only"),
      key<C>("normalization", &C::normalization).choices({"percentile", "range"})
          .help("percentile: per image p1..p99.8 to [0, 1]; range: the type's maximum (Python's /255)"),
  });
}

}  // namespace

const core::ConfigTable<TrainConfig>& train_config_table() {
  static const core::ConfigTable<TrainConfig> table = make_table();
  return table;
}

void read_train_config(core::ConfigNode& root, TrainConfig& config) {
  const std::set<std::string> named = core::read_table(root, train_config_table(), config);
  config.named_keys.insert(named.begin(), named.end());
  // Provenance written by to_yaml(); read back without effect so that a run's config.yaml loads
  // (and the `segoid:` section of config.yaml files written before core/provenance).
  root.accept({core::kProvenanceVersion, core::kProvenanceGitHash, core::kProvenanceTime});
  if (root.has("segoid")) {
    spdlog::debug("{}: ignoring provenance section 'segoid'", root.file());
    root.section("segoid").accept({"version", "git_hash"});
  }
}

TrainConfig parse_train_config(const std::string& yaml_text, const std::string& origin) {
  core::ConfigNode root = core::ConfigNode::parse(yaml_text, origin);
  TrainConfig c;
  read_train_config(root, c);
  root.finish();
  validate_train_config(c, origin);
  return c;
}

TrainConfig load_train_config(const std::filesystem::path& path) {
  return parse_train_config(core::read_file(path), path.string());
}

void validate_train_config(const TrainConfig& c, const std::string& origin) {
  core::validate_table(train_config_table(), c, origin);
  // Checks across keys (a row checks one key).
  data::validate(c.dataset.augmentation, origin);
  if (c.loss.bce_weight + c.loss.dice_weight <= 0) {
    throw ConfigError(origin + ": loss.bce_weight + loss.dice_weight must be > 0");
  }
}

model::ModelDescription model_description(const TrainConfig& config) {
  model::ModelDescription d;
  d.architecture = config.model.architecture;
  d.encoder = config.model.encoder;
  d.in_channels = config.model.in_channels;
  d.classes = config.model.classes;
  d.normalization = io::parse_normalization(config.normalization);
  d.image_scale = config.model.image_scale;
  d.training_pixel_size = config.model.training_pixel_size;
  d.patch_size = config.dataset.patch_size;
  return d;
}

void emit_train_config(YAML::Emitter& out, const TrainConfig& config) {
  core::emit_table(out, train_config_table(), config);
}

std::string to_yaml(const TrainConfig& c) {
  YAML::Emitter e;
  e.SetDoublePrecision(17);
  e << YAML::BeginMap;
  emit_train_config(e, c);
  core::emit_provenance(e, /*with_time=*/false);  // embedded in checkpoints: no time
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace segoid::train
