// SPDX-License-Identifier: MIT
// Reading, validating and writing train.yaml.
#include "segoid/train/train_config.hpp"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/config_node.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/version.hpp"

namespace segoid::train {
namespace {

using core::ConfigNode;

void get_path(ConfigNode& node, const std::string& key, std::filesystem::path& out) {
  std::string text = out.string();
  if (node.get(key, text)) out = text;
}

void read_augmentation(ConfigNode node, AugmentSection& a) {
  node.get("enabled", a.enabled);
  node.get("horizontal_flip", a.horizontal_flip);
  node.get("vertical_flip", a.vertical_flip);
  node.get("rotate_90", a.rotate_90);
  node.get("brightness_limit", a.brightness_limit);
  node.get("contrast_limit", a.contrast_limit);
}

void read_dataset(ConfigNode node, DatasetSection& d) {
  node.get("patch_size", d.patch_size);
  node.get("patches_per_image", d.patches_per_image);
  node.get("positive_ratio", d.positive_ratio);
  node.get("negative_threshold", d.negative_threshold);
  node.get("max_jitter", d.max_jitter);
  read_augmentation(node.section("augmentation"), d.augmentation);
}

void read_model(ConfigNode node, ModelSection& m) {
  node.get("architecture", m.architecture);
  node.get("encoder", m.encoder);
  node.get("encoder_weights", m.encoder_weights);
  if (m.encoder_weights == "none" || m.encoder_weights == "None" || m.encoder_weights == "null") {
    m.encoder_weights.clear();
  }
  get_path(node, "encoder_weights_path", m.encoder_weights_path);
  node.get("in_channels", m.in_channels);
  node.get("classes", m.classes);
  node.get("training_pixel_size", m.training_pixel_size);
}

void read_training(ConfigNode node, TrainingSection& t) {
  node.get("epochs", t.epochs);
  node.get("batch_size", t.batch_size);
  node.get("learning_rate", t.learning_rate);
  node.get("weight_decay", t.weight_decay);
  node.get("num_workers", t.num_workers);
  node.get("pin_memory", t.pin_memory);
  node.get("memory_format", t.memory_format);
  node.get("max_minutes", t.max_minutes);
}

}  // namespace

TrainConfig parse_train_config(const std::string& yaml_text, const std::string& origin) {
  ConfigNode root = ConfigNode::parse(yaml_text, origin);
  TrainConfig c;
  {
    ConfigNode data = root.section("data");
    get_path(data, "train_manifest", c.data.train_manifest);
    get_path(data, "val_manifest", c.data.val_manifest);
    get_path(data, "data_root", c.data.data_root);
  }
  read_dataset(root.section("dataset"), c.dataset);
  read_model(root.section("model"), c.model);
  read_training(root.section("training"), c.training);
  {
    ConfigNode loss = root.section("loss");
    loss.get("bce_weight", c.loss.bce_weight);
    loss.get("dice_weight", c.loss.dice_weight);
  }
  {
    ConfigNode es = root.section("early_stopping");
    es.get("enabled", c.early_stopping.enabled);
    es.get("patience", c.early_stopping.patience);
    es.get("min_delta", c.early_stopping.min_delta);
  }
  {
    ConfigNode lr = root.section("lr_scheduler");
    lr.get("enabled", c.lr_scheduler.enabled);
    lr.get("mode", c.lr_scheduler.mode);
    lr.get("factor", c.lr_scheduler.factor);
    lr.get("patience", c.lr_scheduler.patience);
    lr.get("min_lr", c.lr_scheduler.min_lr);
  }
  {
    ConfigNode ck = root.section("checkpointing");
    ck.get("save_best", c.checkpointing.save_best);
    ck.get("save_periodic", c.checkpointing.save_periodic);
    ck.get("periodic_interval", c.checkpointing.periodic_interval);
    ck.get("save_final", c.checkpointing.save_final);
  }
  {
    ConfigNode tb = root.section("tensorboard");
    tb.get("enabled", c.tensorboard.enabled);
    tb.get("log_interval", c.tensorboard.log_interval);
    tb.get("image_interval", c.tensorboard.image_interval);
    tb.get("num_image_samples", c.tensorboard.num_image_samples);
  }
  {
    ConfigNode out = root.section("output");
    get_path(out, "run_dir", c.run_dir);
  }
  root.section("validation").get("prediction_threshold", c.prediction_threshold);
  root.get("seed", c.seed);
  root.get("device", c.device);
  root.get("threads", c.threads);
  root.get("mixed_precision", c.mixed_precision);
  root.get("normalization", c.normalization);
  // Provenance written by to_yaml(); read back without effect so that a run's config.yaml loads.
  if (root.has("segoid")) {
    spdlog::debug("{}: ignoring provenance section 'segoid'", origin);
    root.section("segoid").accept({"version", "git_hash"});
  }
  root.finish();
  validate_train_config(c, origin);
  return c;
}

TrainConfig load_train_config(const std::filesystem::path& path) {
  return parse_train_config(core::read_file(path), path.string());
}

void validate_train_config(const TrainConfig& c, const std::string& origin) {
  ConfigNode check(YAML::Node(), origin, "");
  const auto in_range = [&](const std::string& key, double v, double lo, double hi) {
    check.require_range(key, v, lo, hi);
  };
  const auto one_of = [&](const std::string& key, const std::string& v, const std::vector<std::string>& allowed) {
    check.require_one_of(key, v, allowed);
  };
  in_range("dataset.patch_size", c.dataset.patch_size, 32, 8192);
  if (c.dataset.patch_size % 32 != 0) {
    throw ConfigError(origin + ": dataset.patch_size must be a multiple of 32 (the U-Net downsamples 5 times), got " +
                      std::to_string(c.dataset.patch_size));
  }
  in_range("dataset.patches_per_image", c.dataset.patches_per_image, 1, 1e6);
  in_range("dataset.positive_ratio", c.dataset.positive_ratio, 0, 1);
  in_range("dataset.negative_threshold", c.dataset.negative_threshold, 0, 1);
  in_range("dataset.max_jitter", c.dataset.max_jitter, 0, 0.5);
  const AugmentSection& a = c.dataset.augmentation;
  in_range("dataset.augmentation.horizontal_flip", a.horizontal_flip, 0, 1);
  in_range("dataset.augmentation.vertical_flip", a.vertical_flip, 0, 1);
  in_range("dataset.augmentation.rotate_90", a.rotate_90, 0, 1);
  in_range("dataset.augmentation.brightness_limit", a.brightness_limit, 0, 1);
  in_range("dataset.augmentation.contrast_limit", a.contrast_limit, 0, 1);
  one_of("model.architecture", c.model.architecture, {"unet"});
  one_of("model.encoder", c.model.encoder, {"resnet18", "resnet34"});
  one_of("model.encoder_weights", c.model.encoder_weights.empty() ? "null" : c.model.encoder_weights,
         {"imagenet", "null"});
  in_range("model.in_channels", c.model.in_channels, 1, 1);
  in_range("model.classes", c.model.classes, 1, 1);
  in_range("model.training_pixel_size", c.model.training_pixel_size, 0, 1e6);
  in_range("training.epochs", c.training.epochs, 1, 1e6);
  in_range("training.batch_size", c.training.batch_size, 1, 4096);
  in_range("training.learning_rate", c.training.learning_rate, 1e-12, 10);
  in_range("training.weight_decay", c.training.weight_decay, 0, 10);
  in_range("training.num_workers", c.training.num_workers, 0, 256);
  one_of("training.memory_format", c.training.memory_format, {"auto", "contiguous", "channels_last"});
  in_range("training.max_minutes", c.training.max_minutes, 0, 1e7);
  in_range("loss.bce_weight", c.loss.bce_weight, 0, 1e3);
  in_range("loss.dice_weight", c.loss.dice_weight, 0, 1e3);
  if (c.loss.bce_weight + c.loss.dice_weight <= 0) {
    throw ConfigError(origin + ": loss.bce_weight + loss.dice_weight must be > 0");
  }
  in_range("early_stopping.patience", c.early_stopping.patience, 1, 1e6);
  in_range("early_stopping.min_delta", c.early_stopping.min_delta, 0, 1);
  one_of("lr_scheduler.mode", c.lr_scheduler.mode, {"min", "max"});
  in_range("lr_scheduler.factor", c.lr_scheduler.factor, 1e-12, 1 - 1e-12);
  in_range("lr_scheduler.patience", c.lr_scheduler.patience, 0, 1e6);
  in_range("lr_scheduler.min_lr", c.lr_scheduler.min_lr, 0, 10);
  in_range("checkpointing.periodic_interval", c.checkpointing.periodic_interval, 1, 1e6);
  in_range("tensorboard.log_interval", c.tensorboard.log_interval, 1, 1e6);
  in_range("tensorboard.image_interval", c.tensorboard.image_interval, 1, 1e6);
  in_range("tensorboard.num_image_samples", c.tensorboard.num_image_samples, 0, 64);
  in_range("validation.prediction_threshold", c.prediction_threshold, 0, 1);
  one_of("device", c.device, {"auto", "cpu", "cuda"});
  in_range("threads", c.threads, 0, 4096);
  one_of("normalization", c.normalization, {"percentile", "range"});
}

std::string to_yaml(const TrainConfig& c) {
  YAML::Emitter e;
  e.SetDoublePrecision(17);
  const auto kv = [&](const char* key, const auto& value) { e << YAML::Key << key << YAML::Value << value; };
  e << YAML::BeginMap;
  e << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
  kv("train_manifest", c.data.train_manifest.string());
  kv("val_manifest", c.data.val_manifest.string());
  kv("data_root", c.data.data_root.string());
  e << YAML::EndMap;
  e << YAML::Key << "dataset" << YAML::Value << YAML::BeginMap;
  kv("patch_size", c.dataset.patch_size);
  kv("patches_per_image", c.dataset.patches_per_image);
  kv("positive_ratio", c.dataset.positive_ratio);
  kv("negative_threshold", c.dataset.negative_threshold);
  kv("max_jitter", c.dataset.max_jitter);
  e << YAML::Key << "augmentation" << YAML::Value << YAML::BeginMap;
  const AugmentSection& a = c.dataset.augmentation;
  kv("enabled", a.enabled);
  kv("horizontal_flip", a.horizontal_flip);
  kv("vertical_flip", a.vertical_flip);
  kv("rotate_90", a.rotate_90);
  kv("brightness_limit", a.brightness_limit);
  kv("contrast_limit", a.contrast_limit);
  e << YAML::EndMap << YAML::EndMap;
  e << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
  kv("architecture", c.model.architecture);
  e << YAML::Key << "encoder" << YAML::Value << c.model.encoder;
  e << YAML::Key << "encoder_weights" << YAML::Value;
  if (c.model.encoder_weights.empty()) e << YAML::Null; else e << c.model.encoder_weights;
  kv("encoder_weights_path", c.model.encoder_weights_path.string());
  kv("in_channels", c.model.in_channels);
  kv("classes", c.model.classes);
  kv("training_pixel_size", c.model.training_pixel_size);
  e << YAML::EndMap;
  e << YAML::Key << "training" << YAML::Value << YAML::BeginMap;
  kv("epochs", c.training.epochs);
  kv("batch_size", c.training.batch_size);
  kv("learning_rate", c.training.learning_rate);
  kv("weight_decay", c.training.weight_decay);
  kv("num_workers", c.training.num_workers);
  kv("pin_memory", c.training.pin_memory);
  kv("memory_format", c.training.memory_format);
  kv("max_minutes", c.training.max_minutes);
  e << YAML::EndMap;
  e << YAML::Key << "loss" << YAML::Value << YAML::BeginMap;
  kv("bce_weight", c.loss.bce_weight);
  kv("dice_weight", c.loss.dice_weight);
  e << YAML::EndMap;
  e << YAML::Key << "early_stopping" << YAML::Value << YAML::BeginMap;
  kv("enabled", c.early_stopping.enabled);
  kv("patience", c.early_stopping.patience);
  kv("min_delta", c.early_stopping.min_delta);
  e << YAML::EndMap;
  e << YAML::Key << "lr_scheduler" << YAML::Value << YAML::BeginMap;
  kv("enabled", c.lr_scheduler.enabled);
  kv("mode", c.lr_scheduler.mode);
  kv("factor", c.lr_scheduler.factor);
  kv("patience", c.lr_scheduler.patience);
  kv("min_lr", c.lr_scheduler.min_lr);
  e << YAML::EndMap;
  e << YAML::Key << "checkpointing" << YAML::Value << YAML::BeginMap;
  kv("save_best", c.checkpointing.save_best);
  kv("save_periodic", c.checkpointing.save_periodic);
  kv("periodic_interval", c.checkpointing.periodic_interval);
  kv("save_final", c.checkpointing.save_final);
  e << YAML::EndMap;
  e << YAML::Key << "tensorboard" << YAML::Value << YAML::BeginMap;
  kv("enabled", c.tensorboard.enabled);
  kv("log_interval", c.tensorboard.log_interval);
  kv("image_interval", c.tensorboard.image_interval);
  kv("num_image_samples", c.tensorboard.num_image_samples);
  e << YAML::EndMap;
  e << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  kv("run_dir", c.run_dir.string());
  e << YAML::EndMap;
  e << YAML::Key << "validation" << YAML::Value << YAML::BeginMap;
  kv("prediction_threshold", c.prediction_threshold);
  e << YAML::EndMap;
  kv("seed", c.seed);
  kv("device", c.device);
  kv("threads", c.threads);
  kv("mixed_precision", c.mixed_precision);
  kv("normalization", c.normalization);
  e << YAML::Key << "segoid" << YAML::Value << YAML::BeginMap;
  kv("version", core::version());
  kv("git_hash", core::git_hash());
  e << YAML::EndMap;
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace segoid::train
