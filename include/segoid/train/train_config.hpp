// SPDX-License-Identifier: MIT
// TrainConfig: the keys of the Python SegOid's train.yaml, plus SegOid's own (seed, device, ...).
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

#include "segoid/core/config_table.hpp"
#include "segoid/data/augmentation.hpp"
#include "segoid/data/patch_sampler.hpp"
#include "segoid/model/model_description.hpp"
#include "segoid/train/lr_scheduler.hpp"

namespace segoid::train {

/// `data:` manifests. Relative paths resolve against the working directory, as in the Python tool.
struct DataSection {
  std::filesystem::path train_manifest = "data/splits/train.csv";  ///< CSV with image/mask columns
  std::filesystem::path val_manifest = "data/splits/val.csv";      ///< CSV with image/mask columns
  std::filesystem::path data_root = "data";  ///< root for relative paths inside the manifests
};

/// `dataset.augmentation:` paired image/mask augmentation (training patches only). The same struct
/// the patch sampler takes, so its defaults are written once (in data/augmentation.hpp).
using AugmentSection = data::AugmentConfig;

/// `dataset:` patch sampling: the sampler's own options (one default per key, in
/// data/patch_sampler.hpp) and the augmentation subsection.
struct DatasetSection : data::SamplingConfig {
  AugmentSection augmentation;
};

/// `model:` architecture.
struct ModelSection {
  std::string architecture = "unet";      ///< only "unet"
  std::string encoder = "resnet18";       ///< "resnet18" | "resnet34"
  std::string encoder_weights = "imagenet";  ///< "imagenet" or "" (YAML null: random init)
  std::filesystem::path encoder_weights_path;  ///< torchvision .pth; empty: search weights_dir
  int in_channels = 1;
  int classes = 1;
  double training_pixel_size = 0.0;  ///< µm/px of the training images (0 = unknown); kept in the model
  double image_scale = 1.0;          ///< images (and masks) resized by this for the model, also in predict_full
  /// Checkpoint (SegOid .pth or .pt, or Python .pth) whose weights start the run instead of encoder_weights;
  /// optimizer and schedule start fresh, the new checkpoints record it as their parent. Empty: none.
  std::filesystem::path init_checkpoint;
};

/// `training:` optimisation.
struct TrainingSection {
  int epochs = 50;
  int batch_size = 4;
  double learning_rate = 1e-4;  ///< AdamW initial learning rate
  /// AdamW decoupled weight decay. The Python tool used Adam without decay; 0 reproduces it
  /// exactly. 1e-4 is a mild regulariser that does not slow convergence at lr 1e-4.
  double weight_decay = 1e-4;
  int num_workers = 2;      ///< background batch-preparation threads (0 = prepare inline)
  bool pin_memory = true;   ///< pin host batches before CUDA copies (ignored on CPU)
  /// CPU weight/activation layout: "auto" (measured once per machine, cached), "contiguous" or
  /// "channels_last". A resumed run keeps the layout its checkpoint recorded.
  std::string memory_format = "auto";
  /// Time budget, minutes (0 = none): the run stops after the epoch in which it runs out, with
  /// best/final checkpoints as after the last epoch. Counts this invocation's time only.
  double max_minutes = 0.0;
};

/// `loss:` loss = bce_weight * BCEWithLogits + dice_weight * soft Dice.
struct LossSection {
  double bce_weight = 0.5;
  double dice_weight = 0.5;
  /// Extra BCE weight on the background between objects closer than 2 * gap_radius + 1 pixels
  /// (at the training resolution): the separation weight of Ronneberger et al.'s U-Net, so that
  /// the thin gap between touching objects is worth learning (0 = off, the Python tool's loss).
  double gap_weight = 0.0;
  int gap_radius = 2;
};

/// `early_stopping:` on validation Dice.
struct EarlyStoppingSection {
  bool enabled = true;
  int patience = 10;        ///< epochs without improvement before stopping
  double min_delta = 1e-4;  ///< improvement must exceed best + min_delta
};

/// `lr_scheduler:` ReduceLROnPlateau on validation loss (PyTorch semantics): the scheduler's own
/// options (train/lr_scheduler.hpp, one default per key) and whether it runs.
struct LrSchedulerSection : PlateauOptions {
  bool enabled = true;
};

/// `checkpointing:`.
struct CheckpointingSection {
  bool save_best = true;       ///< checkpoints/best_model.pth on a new best val Dice
  bool save_periodic = true;   ///< checkpoints/checkpoint_epoch_NNN.pth
  int periodic_interval = 10;  ///< epochs
  bool save_final = true;      ///< checkpoints/final_model.pth
};

/// `tensorboard:`.
struct TensorboardSection {
  bool enabled = true;
  int log_interval = 1;       ///< epochs between scalar logs
  int image_interval = 10;    ///< epochs between image panels
  int num_image_samples = 4;  ///< validation patches per panel
};

/// Everything `segoid train` reads. Defaults are the Python SegOid's configs/train.yaml.
struct TrainConfig {
  DataSection data;
  DatasetSection dataset;
  ModelSection model;
  TrainingSection training;
  LossSection loss;
  EarlyStoppingSection early_stopping;
  LrSchedulerSection lr_scheduler;
  CheckpointingSection checkpointing;
  TensorboardSection tensorboard;
  std::filesystem::path run_dir = "runs";  ///< `output.run_dir`: parent of train_YYYYMMDD_HHMMSS/
  double prediction_threshold = 0.5;       ///< `validation.prediction_threshold` on probabilities

  // SegOid's own keys (top level).
  std::uint64_t seed = 42;            ///< every random choice derives from it
  std::string device = "auto";        ///< "auto" | "cpu" | "cuda"
  int threads = 0;                    ///< LibTorch intra-op threads; 0 = all cores
  bool mixed_precision = false;       ///< float16 autocast; CUDA only (ignored with a warning on CPU)
  std::string normalization = "percentile";  ///< "percentile" | "range" (Python's /255)

  /// The dotted keys the file this config was read from named (an alias as its row's name),
  /// whatever their value: a key set to its default counts, an absent one does not. Empty for a
  /// config built in code. No key itself: never written by to_yaml.
  std::set<std::string> named_keys;
};

/// What a model trained with `config` is (architecture, normalization, patch size, image scale,
/// pixel size): the description its checkpoints carry.
model::ModelDescription model_description(const TrainConfig& config);

/// Loads and validates a train.yaml. A Python SegOid file loads unchanged. Throws IoError when
/// unreadable, ConfigError naming the file and key for an unknown key (with the nearest known
/// key), a wrong type or a value out of range.
TrainConfig load_train_config(const std::filesystem::path& path);

/// Same from YAML text; `origin` names it in messages.
TrainConfig parse_train_config(const std::string& yaml_text, const std::string& origin);

/// Checks ranges and choices; throws ConfigError naming `origin` and the key.
void validate_train_config(const TrainConfig& config, const std::string& origin);

/// The table of every train.yaml key (name, member, range or choices, help); see
/// core/config_table.hpp for how to add a key. sanity_check and run_cv read these rows too.
const core::ConfigTable<TrainConfig>& train_config_table();

/// Reads every train.yaml key present under `root` into `config`, without finishing `root`
/// (for files that hold train sections beside their own keys). Does not validate.
void read_train_config(core::ConfigNode& root, TrainConfig& config);

/// The resolved config as YAML (every key, same layout as train.yaml), for config.yaml and
/// checkpoints. parse_train_config(to_yaml(c)) == c.
std::string to_yaml(const TrainConfig& config);
/// Emits the train keys into a mapping the caller has begun (without the provenance section).
void emit_train_config(YAML::Emitter& out, const TrainConfig& config);

}  // namespace segoid::train
